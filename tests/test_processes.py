"""Children started with :func:`xlner.processes.dies_with_parent` die with their parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

MIDDLE = """
import subprocess, sys, time
from xlner.processes import dies_with_parent
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]{options})
print(child.pid, flush=True)
time.sleep(60)
"""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
@pytest.mark.parametrize("with_parent", [True, False])
def test_a_child_dies_with_its_killed_parent(with_parent: bool) -> None:
    options = ", preexec_fn=dies_with_parent()" if with_parent else ""
    middle = subprocess.Popen([sys.executable, "-c", MIDDLE.format(options=options)],
                              stdout=subprocess.PIPE, env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert middle.stdout is not None
    child = int(middle.stdout.readline())
    assert alive(child)
    middle.kill()
    middle.wait()
    deadline = time.monotonic() + (5 if with_parent else 0.5)  # without: it stays alive
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.02)
    survived = alive(child)
    if survived:
        os.kill(child, signal.SIGKILL)
    assert survived is not with_parent  # without it, the child outlives its parent


def test_a_child_whose_parent_is_already_gone_exits() -> None:
    code = ("from xlner.processes import die_with_parent, EXIT_ORPHANED\n"
            "import os\n"
            "die_with_parent(os.getppid() + 1, prctl=lambda option, sig: 0)\n"
            "raise SystemExit(0)\n")
    done = subprocess.run([sys.executable, "-c", code], env=dict(os.environ, PYTHONPATH=str(REPO)),
                          check=False)
    assert done.returncode == 130


class _SignalsInFinaliser:
    """Sends this process ``sig`` from ``__del__``, where Python swallows the exception."""

    def __init__(self, sig: signal.Signals) -> None:
        self.sig = sig

    def __del__(self) -> None:
        signal.raise_signal(self.sig)
        for _ in range(100):  # a few bytecodes: the handler runs here, inside the finaliser
            pass


class _FailsInFinaliser:
    def __del__(self) -> None:
        raise ValueError("a finaliser's own error")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_stop_lost_in_a_finaliser_is_raised_again(sig: signal.Signals,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from xlner.processes import check_stop, stop_on_signals, stop_received

    swallowed: list[BaseException | None] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: swallowed.append(u.exc_value))
    with stop_on_signals():
        check_stop()  # nothing received: no exception
        obj = _SignalsInFinaliser(sig)
        del obj  # the KeyboardInterrupt is swallowed, the code runs on
        assert stop_received() == sig
        assert swallowed == []  # and not printed (the hook before passes on the rest)
        other = _FailsInFinaliser()
        del other
        assert [type(e) for e in swallowed] == [ValueError]
        with pytest.raises(KeyboardInterrupt, match=f"signal {int(sig)}"):
            check_stop()
    assert stop_received() is None  # cleared with the block: nothing pending outside it
    check_stop()


def test_stop_on_signals_restores_the_handlers_and_keeps_an_ignored_sigint() -> None:
    from xlner.processes import raise_stop, stop_on_signals

    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    with stop_on_signals():
        assert signal.getsignal(signal.SIGTERM) is raise_stop
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with stop_on_signals():  # a run started in the background keeps ignoring Ctrl-C
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)

"""Child processes that die with the process that started them, and stop signals that are
never lost.

A run killed with SIGKILL cannot stop what it started: its eflomal runs and pool workers would
go on until their work ends (minutes on a large corpus), holding cores and writing scratch
folders nobody reads. On Linux the child asks the kernel for SIGKILL when its parent dies
(``PR_SET_PDEATHSIG``); elsewhere (no ``prctl``) nothing is asked and the child runs to its
end, as before.

A stop signal (SIGINT, SIGTERM) raises :class:`KeyboardInterrupt` where the main thread is;
Python swallows that exception where it cannot propagate (an at-fork hook that
:class:`subprocess.Popen` runs, a finaliser: "Exception ignored in ...") and the run would go on
to its end. :func:`stop_on_signals` records each signal as well, and :func:`check_stop`,
called after a child is started and before an output is committed, raises the lost one again.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

PR_SET_PDEATHSIG = 1
EXIT_ORPHANED = 130
"""Exit status of a child whose parent died before it could ask to die with it."""


def _prctl() -> Callable[[int, int], int] | None:
    """libc's ``prctl`` (Linux), resolved in the parent: a forked child only calls it."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def die_with_parent(parent: int, prctl: Callable[[int, int], int] | None = None) -> None:
    """In a child process: be killed (SIGKILL) when the parent dies; if the parent ``parent``
    is already gone (it died between the fork and this call), exit now."""
    call = prctl if prctl is not None else _prctl()
    if call is not None:
        with contextlib.suppress(OSError):
            call(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(EXIT_ORPHANED)


def dies_with_parent() -> Callable[[], None]:
    """A ``preexec_fn`` for :class:`subprocess.Popen`: the child dies with this process
    (see :func:`die_with_parent`). The thread that starts the child must outlive it (Linux
    sends the signal when that thread ends): start it from the thread that waits for it."""
    parent, prctl = os.getpid(), _prctl()

    def preexec() -> None:
        die_with_parent(parent, prctl)

    return preexec


_STOP: int | None = None
"""The stop signal this process received (under :func:`stop_on_signals`), if any."""


def raise_stop(signum: int, frame: object = None) -> None:
    """A signal handler: record ``signum`` and raise :class:`KeyboardInterrupt`."""
    global _STOP
    _STOP = signum
    raise KeyboardInterrupt(f"signal {signum}")


def stop_received() -> int | None:
    """The stop signal received since :func:`stop_on_signals` began, if any."""
    return _STOP


def check_stop() -> None:
    """Raise :class:`KeyboardInterrupt` if a stop signal was received: its own exception was
    lost (a run that saw it propagate does not come here)."""
    if _STOP is not None:
        raise KeyboardInterrupt(f"signal {_STOP}")


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """SIGTERM, and SIGINT unless it is ignored, raise :class:`KeyboardInterrupt` (via
    :func:`raise_stop`) inside the block; the handlers before it are restored after, and the
    record cleared. The interrupt Python swallows is not printed ("Exception ignored in ...",
    a traceback): :func:`check_stop` raises it again. Outside the main thread (where Python
    handles no signals) no handler is installed."""
    global _STOP
    _STOP = None
    previous = {}
    if threading.current_thread() is threading.main_thread():
        previous[signal.SIGTERM] = signal.signal(signal.SIGTERM, raise_stop)
        if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
            previous[signal.SIGINT] = signal.signal(signal.SIGINT, raise_stop)
    hook = sys.unraisablehook

    def quiet_stop(unraisable: Any) -> None:
        # the lost interrupt of a recorded stop: raised again by check_stop, not a traceback
        if not (_STOP is not None and isinstance(unraisable.exc_value, KeyboardInterrupt)):
            hook(unraisable)

    sys.unraisablehook = quiet_stop
    try:
        yield
    finally:
        sys.unraisablehook = hook
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _STOP = None  # outside the block no stop is pending

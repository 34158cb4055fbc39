"""Child processes that die with the process that started them.

A run killed with SIGKILL cannot stop what it started: its eflomal runs and pool workers would
go on until their work ends (minutes on a large corpus), holding cores and writing scratch
folders nobody reads. On Linux the child asks the kernel for SIGKILL when its parent dies
(``PR_SET_PDEATHSIG``); elsewhere (no ``prctl``) nothing is asked and the child runs to its
end, as before.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable

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

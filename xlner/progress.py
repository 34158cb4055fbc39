"""Progress on stderr for long steps (tqdm, the ``[progress]`` extra).

Bars show counts, rate and ETA; :func:`stage` shows a step that cannot count (a subprocess such
as eflomal, one solver call) with its elapsed time. Bars are drawn only when stderr is a
terminal and not :func:`set_quiet` (the CLI's ``--quiet``); ``XLNER_PROGRESS=1`` forces them on,
``XLNER_PROGRESS=0`` off. Without tqdm nothing is drawn. Summary lines are printed by the
callers as before; the bars leave none behind.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterable, Iterator, Sized
from typing import Any, TypeVar

T = TypeVar("T")
_quiet = False
MININTERVAL = 0.5
"""Seconds between redraws of a bar."""


def set_quiet(quiet: bool) -> None:
    """Turn every bar off (``True``) or back to the default (``False``)."""
    global _quiet
    _quiet = quiet


def enabled() -> bool:
    """Whether bars are drawn now."""
    forced = os.environ.get("XLNER_PROGRESS", "").strip().lower()
    if forced in {"0", "false", "no", "off"}:
        return False
    if not (forced in {"1", "true", "yes", "on"} or (not _quiet and _isatty())):
        return False
    try:
        import tqdm  # noqa: F401
    except ImportError:
        return False
    return True


def _isatty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _tqdm(**kwargs: Any) -> Any:
    from tqdm import tqdm

    return tqdm(file=sys.stderr, leave=False, dynamic_ncols=True, mininterval=MININTERVAL,
                **kwargs)


def bar(iterable: Iterable[T], *, desc: str, total: int | None = None,
        unit: str = "it") -> Iterator[T]:
    """``iterable`` with a bar when :func:`enabled`, else unchanged."""
    if not enabled():
        yield from iterable
        return
    if total is None and isinstance(iterable, Sized):
        total = len(iterable)
    with _tqdm(total=total, desc=desc, unit=unit) as pbar:
        for item in iterable:
            yield item
            pbar.update(1)


class _Counter:
    """What :func:`task` yields: ``update(n)`` advances the bar (a no-op when off)."""

    def __init__(self, pbar: Any) -> None:
        self._pbar = pbar

    def update(self, n: int = 1) -> None:
        if self._pbar is not None:
            self._pbar.update(n)


@contextlib.contextmanager
def task(desc: str, total: int | None = None, unit: str = "it") -> Iterator[_Counter]:
    """A bar advanced by hand: ``with task("translate", total=n, unit="sent") as t:
    ... t.update(len(batch))``."""
    if not enabled():
        yield _Counter(None)
        return
    with _tqdm(total=total, desc=desc, unit=unit) as pbar:
        yield _Counter(pbar)


@contextlib.contextmanager
def stage(desc: str, interval: float = 0.5) -> Iterator[None]:
    """Show ``desc`` with its elapsed time, refreshed every ``interval`` s, while the block
    runs (for work that gives no counts: a subprocess, one solver call)."""
    if not enabled():
        yield
        return
    pbar = _tqdm(total=None, desc=desc, bar_format="{desc}: {elapsed}")
    done = threading.Event()

    def tick() -> None:
        while not done.wait(interval):
            pbar.refresh()

    thread = threading.Thread(target=tick, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
        pbar.close()

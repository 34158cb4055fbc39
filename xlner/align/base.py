"""The aligner protocol and Pharaoh link files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from xlner.data import Links, format_pharaoh, parse_pharaoh

__all__ = ["Aligner", "Words", "check_batch", "format_pharaoh", "parse_pharaoh", "read_pharaoh",
           "write_pharaoh"]
from xlner.errors import InputError
from xlner.files import atomic_write
from xlner.protocols import Aligner as Aligner
from xlner.protocols import Words as Words


def check_batch(src: Sequence[Words], tgt: Sequence[Words]) -> None:
    if len(src) != len(tgt):
        raise InputError(f"{len(src)} source sentences but {len(tgt)} target sentences")


def write_pharaoh(path: str | Path, links: Sequence[Links]) -> None:
    """One line of ``i-j`` links per sentence pair, written atomically."""
    with atomic_write(path) as handle:
        for item in links:
            handle.write(format_pharaoh(item) + "\n")


def read_pharaoh(path: str | Path) -> list[Links]:
    out = []
    with open(path, encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, 1):
            try:
                out.append(parse_pharaoh(line))
            except ValueError as exc:
                raise InputError(str(exc), source=path, line=lineno) from None
    return out

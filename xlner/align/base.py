"""The aligner protocol and Pharaoh link files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from xlner.data import Links, format_pharaoh, parse_pharaoh

__all__ = ["Aligner", "Words", "check_batch", "format_pharaoh", "parse_pharaoh", "read_pharaoh",
           "write_pharaoh"]
from xlner.errors import InputError
from xlner.files import atomic_write, read_text_file, split_lines

Words = Sequence[str]


@runtime_checkable
class Aligner(Protocol):
    """Batch of word-tokenised sentence pairs → word links per pair."""

    name: str
    version: int

    def align(self, src: Sequence[Words], tgt: Sequence[Words]) -> list[Links]:
        """Links ``(i, j)``: source word ``i`` ↔ target word ``j``, one array per pair."""
        ...

    def describe(self) -> dict[str, Any]:
        """Name, version and settings, for signatures."""
        ...


def check_batch(src: Sequence[Words], tgt: Sequence[Words]) -> None:
    if len(src) != len(tgt):
        raise InputError(f"{len(src)} source sentences but {len(tgt)} target sentences")


def write_pharaoh(path: str | Path, links: Sequence[Links]) -> None:
    """One line of ``i-j`` links per sentence pair, written atomically."""
    with atomic_write(path) as handle:
        for item in links:
            handle.write(format_pharaoh(item) + "\n")


def read_pharaoh(path: str | Path, expect: int | None = None) -> list[Links]:
    """Links of a Pharaoh file, one line per sentence pair; ``expect``: the number of lines
    it must have. Malformed lines, bad bytes and a wrong count raise :class:`InputError`."""
    out = []
    for lineno, line in enumerate(split_lines(read_text_file(path)), 1):
        try:
            out.append(parse_pharaoh(line))
        except ValueError as exc:
            raise InputError(str(exc), source=path, line=lineno) from None
    if expect is not None and len(out) != expect:
        raise InputError(f"{len(out)} link lines for {expect} sentence pairs (one line per "
                         "pair, an empty line for a pair without links)", source=path)
    return out

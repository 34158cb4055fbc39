"""The aligner protocol and Pharaoh link files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from xlner.data import Links, format_pharaoh, parse_pharaoh

__all__ = ["Aligner", "AlignerBase", "Words", "check_batch", "format_pharaoh", "is_directional",
           "is_pairwise", "needs_entities", "parse_pharaoh", "read_pharaoh", "uses_bitext",
           "write_pharaoh"]
from xlner.errors import InputError
from xlner.files import atomic_write, read_text_file, split_lines
from xlner.protocols import Aligner as Aligner
from xlner.protocols import AlignerBase as AlignerBase
from xlner.protocols import Words as Words


def needs_entities(aligner: Aligner) -> bool:
    """Whether ``align`` takes the source entities (the protocol's ``needs_entities``; an
    object written without the member does not)."""
    return bool(getattr(aligner, "needs_entities", False))


def is_directional(aligner: Aligner) -> bool:
    """Whether the aligner gives forward and reverse links (``directional``; an object
    without the member: whether it has ``align_both``)."""
    return bool(getattr(aligner, "directional", hasattr(aligner, "align_both")))


def is_pairwise(aligner: Aligner) -> bool:
    """Whether the aligner aligns each pair on its own (``pairwise``: the neural encoder
    aligners), so that a batch may be split across workers with the same links; eflomal
    learns from the whole batch and is not."""
    return bool(getattr(aligner, "pairwise", False))


def uses_bitext(spec: str | Aligner) -> bool:
    """Whether an aligner (an object, or a spec's registered class) learns from bitext."""
    if isinstance(spec, str):
        from xlner.registry import aligners, parse_spec

        factory = aligners.entry(parse_spec(spec)[0]).load()
        return bool(getattr(factory, "uses_bitext", False))
    return bool(getattr(spec, "uses_bitext", False))


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

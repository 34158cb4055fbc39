"""Alignments stored once per (source words, target words, aligner settings) and reused by
every projection method and output name.

The key is a digest of the two sides' words and the aligner's identity (its settings; for
eflomal the bitext's file digests, so a lookup never reads or tokenises the bitext). Entries
live under ``$XLNER_CACHE_DIR/alignments/<key>/`` as Pharaoh files (``forward.txt`` and
``reverse.txt`` for aligners with directional links, else ``links.txt``), each written
atomically, with ``done.json`` written last: an interrupted write never passes for a stored
alignment.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from xlner.align.base import Aligner, read_pharaoh, write_pharaoh
from xlner.align.util import DirectionalLinks
from xlner.cache import cache_dir
from xlner.data import Entity, Links
from xlner.files import atomic_write


def aligner_identity(aligner: Aligner) -> dict[str, Any]:
    """``aligner.identity()`` when it has one (cheap), else ``describe()``, plus its class."""
    identity = getattr(aligner, "identity", None)
    described = identity() if callable(identity) else getattr(aligner, "describe", dict)()
    return {"class": f"{type(aligner).__module__}.{type(aligner).__qualname__}",
            "identity": described}


def alignment_key(src: Sequence[Sequence[str]], tgt: Sequence[Sequence[str]],
                  aligner: Aligner, entities: Sequence[Sequence[Entity]] | None = None) -> str:
    """``sha256:<hex>`` of both sides' words and the aligner's identity (and the source
    entities, for aligners that read them)."""
    h = hashlib.sha256()
    if getattr(aligner, "needs_entities", False) and entities is not None:
        h.update(repr([[tuple(e) for e in es] for es in entities]).encode())
    for side in (src, tgt):
        for words in side:
            h.update("\x1f".join(words).encode("utf-8"))
            h.update(b"\n")
        h.update(b"\x1e")
    h.update(json.dumps(aligner_identity(aligner), sort_keys=True, default=repr).encode())
    return "sha256:" + h.hexdigest()


class AlignmentStore:
    """A directory of alignments by key (default ``$XLNER_CACHE_DIR/alignments``)."""

    def __init__(self, root: str | Path | None = None) -> None:
        self.root = Path(root) if root is not None else cache_dir() / "alignments"

    def path(self, key: str) -> Path:
        return self.root / key.partition(":")[2]

    def get(self, key: str, pairs: int) -> DirectionalLinks | list[Links] | None:
        """The stored alignment of ``pairs`` sentence pairs, or ``None``."""
        folder = self.path(key)
        if not (folder / "done.json").is_file():
            return None
        if (folder / "forward.txt").is_file():
            return DirectionalLinks(read_pharaoh(folder / "forward.txt", expect=pairs),
                                    read_pharaoh(folder / "reverse.txt", expect=pairs))
        return read_pharaoh(folder / "links.txt", expect=pairs)

    def meta(self, key: str) -> dict[str, Any]:
        """What :meth:`put` recorded beside a stored alignment (``{}`` when unreadable)."""
        try:
            out = json.loads((self.path(key) / "done.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return out if isinstance(out, dict) else {}

    def put(self, key: str, aligned: DirectionalLinks | list[Links],
            meta: dict[str, Any] | None = None) -> Path:
        folder = self.path(key)
        (folder / "done.json").unlink(missing_ok=True)
        if isinstance(aligned, DirectionalLinks):
            write_pharaoh(folder / "forward.txt", aligned.forward)
            write_pharaoh(folder / "reverse.txt", aligned.reverse)
        else:
            write_pharaoh(folder / "links.txt", aligned)
        with atomic_write(folder / "done.json") as handle:
            json.dump({"key": key, **(meta or {})}, handle, indent=2, default=repr)
            handle.write("\n")
        return folder

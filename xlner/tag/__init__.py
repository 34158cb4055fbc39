"""Taggers: the :class:`Tagger` protocol and backends (embedded CRF; Hugging Face).

A saved tagger is a directory holding ``tagger.json`` (``{"name": ..., ...}``) beside the
backend's own files; :func:`load_tagger` dispatches on that name through the registry.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xlner.errors import InputError
from xlner.registry import taggers
from xlner.tag.base import META_FILE, Tagged, Tagger, read_meta
from xlner.tag.crf import CRFTagger

taggers.register("hf", version=1, factory="xlner.tag.hf:HFTagger",
                 description="transformers token classification: fine-tune or use a hub "
                 "checkpoint (neural extra)")


def create_tagger(spec: Any, **overrides: Any) -> Tagger:
    return taggers.create(spec, **overrides)


def load_tagger(path: str | Path) -> Tagger:
    """Load a tagger saved with ``save`` (any backend)."""
    return _load_saved(path)


def _load_saved(path: str | Path, **overrides: Any) -> Tagger:
    name = read_meta(path).get("name")
    if not isinstance(name, str) or name not in taggers:
        raise InputError(f"saved by an unknown tagger {name!r} (known: "
                         f"{', '.join(taggers.names())}); save the model again",
                         source=Path(path) / META_FILE)
    cls = taggers.entry(name).load()
    return cls.load(path, **overrides)  # type: ignore[attr-defined,no-any-return]


def resolve_tagger(spec: str | Path, **overrides: Any) -> Tagger:
    """A tagger from a saved directory (``tagger.json``), a registered spec such as
    ``hf(model=DIR,epochs=3)``, or else a Hugging Face token-classification model name or
    directory (the ``hf`` backend). ``overrides`` (e.g. ``device``) go to the backend."""
    path = Path(spec)
    if (path / META_FILE).is_file():
        return _load_saved(path, **overrides)
    name = str(spec).split("(", 1)[0].strip()
    if name in taggers:
        return create_tagger(str(spec), **overrides)
    return create_tagger("hf", model=str(spec), **overrides)


__all__ = ["META_FILE", "CRFTagger", "Tagged", "Tagger", "create_tagger", "load_tagger",
           "resolve_tagger"]

"""Taggers: the :class:`Tagger` protocol and backends (embedded CRF; Hugging Face).

A saved tagger is a directory holding ``tagger.json`` (``{"name": ..., ...}``) beside the
backend's own files; :func:`load_tagger` dispatches on that name through the registry.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from xlner.errors import InputError
from xlner.registry import taggers
from xlner.tag.base import Tagged, Tagger
from xlner.tag.crf import CRFTagger

META_FILE = "tagger.json"


def create_tagger(spec: Any, **overrides: Any) -> Tagger:
    return taggers.create(spec, **overrides)  # type: ignore[no-any-return]


def load_tagger(path: str | Path) -> Tagger:
    """Load a tagger saved with ``save`` (any backend)."""
    meta_path = Path(path) / META_FILE
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"not a saved tagger (no {META_FILE})", source=path) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc}", source=meta_path) from None
    cls = taggers.entry(meta["name"]).load()
    return cls.load(path)  # type: ignore[attr-defined,no-any-return]


__all__ = ["META_FILE", "CRFTagger", "Tagged", "Tagger", "create_tagger", "load_tagger"]

"""The tagger protocol: train on word-level labelled sentences, predict entities with per-word
label probabilities, save and load; the metadata file of a saved tagger.

:class:`Tagger` and its output :class:`Tagged` are defined below every layer
(:mod:`xlner.protocols`, :mod:`xlner.data`) and re-exported here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from xlner.data import Tagged as Tagged
from xlner.errors import InputError
from xlner.protocols import Tagger as Tagger

META_FILE = "tagger.json"
"""A saved tagger is a directory holding this file (``{"name": ..., ...}``) beside the
backend's own files."""


def read_meta(path: str | Path) -> dict[str, Any]:
    """The metadata of the tagger saved in directory ``path`` (errors name the file)."""
    meta_path = Path(path) / META_FILE
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"not a saved tagger (no {META_FILE})", source=path) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc}", source=meta_path) from None
    if not isinstance(meta, dict):
        raise InputError("not a JSON object", source=meta_path)
    return meta

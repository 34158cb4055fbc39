"""Test helpers for the translation backends: tiny local models (built once per test session)
and a fake dictionary translator for crafted cases."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

_MODELS: dict[str, Path] = {}
_ROOT: list[Path] = []


def tiny_model(family: str) -> Path:
    """A tiny random-weight model of ``family`` (built on first use, removed at exit)."""
    if family not in _MODELS:
        from xlner.bench.tiny_seq2seq import build_tiny_seq2seq

        if not _ROOT:
            root = Path(tempfile.mkdtemp(prefix="xlner-tiny-mt-"))
            atexit.register(shutil.rmtree, root, True)
            _ROOT.append(root)
        _MODELS[family] = build_tiny_seq2seq(_ROOT[0] / family, family)
    return _MODELS[family]


def tiny_ct2(family: str) -> Path:
    key = f"{family}-ct2"
    if key not in _MODELS:
        from xlner.translate.ct2 import convert_to_ct2

        _MODELS[key] = convert_to_ct2(tiny_model(family), _ROOT[0] / key)
    return _MODELS[key]


# Short outputs keep the random models fast (they rarely emit an end-of-sentence token).
FAST = {"beam_size": 1, "device": "cpu", "max_output_ratio": 0.5, "max_output_extra": 3,
        "threads": 1}


class DictTranslator:
    """Word-by-word translation through a dictionary (unknown words copied); markers and
    punctuation pass through. ``rewrite`` maps a whole input to a fixed output."""

    name = "dict"
    version = 1

    def __init__(self, words: Mapping[str, str] | None = None,
                 rewrite: Mapping[str, str] | None = None,
                 log: list[list[str]] | None = None) -> None:
        self.words = dict(words or {})
        self.rewrite = dict(rewrite or {})
        self.calls: list[list[str]] = log if log is not None else []

    def translate(self, sentences: Sequence[str], src_lang: str, tgt_lang: str) -> list[str]:
        self.calls.append(list(sentences))
        out = []
        for s in sentences:
            if s in self.rewrite:
                out.append(self.rewrite[s])
                continue
            tokens = []
            for tok in s.split():
                core = tok.strip("[]")
                lead = tok[:len(tok) - len(tok.lstrip("["))]
                trail = tok[len(tok.rstrip("]")):]
                tokens.append(lead + self.words.get(core, core) + trail)
            out.append(" ".join(tokens))
        return out

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version}


class TableLikelihood:
    """``log_likelihood`` from a function of (source, target, src_lang, tgt_lang)."""

    def __init__(self, fn: Callable[[str, str, str, str], float]) -> None:
        self.fn = fn
        self.calls: list[int] = []

    def log_likelihood(self, sources: Sequence[str], targets: Sequence[str], src_lang: str,
                       tgt_lang: str) -> np.ndarray:
        self.calls.append(len(sources))
        return np.array([self.fn(s, t, src_lang, tgt_lang)
                         for s, t in zip(sources, targets, strict=True)], dtype=np.float64)

    def describe(self) -> dict[str, Any]:
        return {"name": "table", "version": 1}

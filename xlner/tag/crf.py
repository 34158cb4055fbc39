"""The embedded tagger: a linear-chain CRF (python-crfsuite) over gazetteer-free word features.

Features of word ``i``: its lowercased form, shape (full and collapsed), case and digit flags,
prefixes and suffixes up to 4 characters, position (first/last word), and the form, shape and
affixes of the words in a ±2 window. Training is L-BFGS with elastic-net regularisation; the
model lives in memory as bytes, is saved as ``model.crfsuite`` beside ``tagger.json``, and
predicts IOB2 tags with per-word marginal probabilities over its labels.

The default trainer is L-BFGS (deterministic; calibrated marginals). The online algorithms
(``ap``: averaged perceptron, ``l2sgd``, ``pa``, ``arow``) are several times faster; their
shuffling is seeded with ``seed``. A training run on the same data and feature settings as the
previous one reuses its extracted features.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from xlner.corpora.schemes import decode, to_iob2
from xlner.data import Sentence
from xlner.errors import ConfigError, InputError, XlnerError
from xlner.files import atomic_write, scratch_folder
from xlner.progress import stage
from xlner.protocols import Component, init_parameters
from xlner.registry import taggers
from xlner.tag.base import META_FILE, Tagged, read_meta

log = logging.getLogger(__name__)

MODEL_FILE = "model.crfsuite"
FEATURES_VERSION = 1
_TRAINER_CACHE: tuple[tuple[Any, ...], Any] | None = None
"""The last training data with its features (crfsuite's own form), reused when the next
training run has the same data and feature settings: training several seeds extracts the
features once."""


def clear_training_cache() -> None:
    """Free the features kept from the last training run."""
    global _TRAINER_CACHE
    _TRAINER_CACHE = None

ALGORITHMS = ("lbfgs", "l2sgd", "ap", "pa", "arow")


def seed_crfsuite(seed: int) -> bool:
    """Seed the C library's ``rand()``, which crfsuite's online algorithms (``ap``, ``l2sgd``,
    ``pa``, ``arow``) use to shuffle the training data: the same seed gives the same model.
    Returns whether seeding was possible (not on platforms without a C library handle)."""
    import ctypes

    try:
        libc = ctypes.CDLL(None)
        libc.srand(ctypes.c_uint(seed))
    except (OSError, AttributeError, TypeError):  # pragma: no cover - e.g. Windows
        log.warning("cannot seed crfsuite's shuffling: %s training is not reproducible",
                    "online")
        return False
    return True


def shape(word: str) -> str:
    """Character classes of ``word``: ``"Obama2"`` → ``"Xxxxxd"`` (capped at 12 characters)."""
    out = []
    for ch in word[:12]:
        if ch.isupper():
            out.append("X")
        elif ch.islower():
            out.append("x")
        elif ch.isdigit():
            out.append("d")
        elif ch.isalpha():
            out.append("a")  # caseless letters (Ge'ez, Arabic, CJK, ...)
        else:
            out.append(ch)
    return "".join(out)


def short_shape(word: str) -> str:
    """Collapsed shape: runs of one class become one symbol (``"Obama2"`` → ``"Xxd"``)."""
    full = shape(word) + ("+" if len(word) > 12 else "")
    out: list[str] = []
    for ch in full:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


class FeatureExtractor:
    """Feature strings of each word of a sentence (the CRF's input), cached per word form."""

    def __init__(self, window: int = 2, affixes: int = 4) -> None:
        self.window = window
        self.affixes = affixes
        self._own: dict[str, tuple[list[str], str, str, str, str]] = {}

    def _word(self, word: str) -> tuple[list[str], str, str, str, str]:
        """The word's own features, and its form, shape and affixes as context features."""
        cached = self._own.get(word)
        if cached is not None:
            return cached
        low = word.lower()
        ss = short_shape(word)
        own = ["bias", f"w={low}", f"sh={shape(word)}", f"ss={ss}", f"len={min(len(word), 8)}"]
        flags = ""
        if word[:1].isupper():
            own.append("title")
            flags += "T"
        if word.isupper():
            own.append("upper")
            flags += "U"
        if any(c.isdigit() for c in word):
            own.append("digit")
        if not any(c.isalnum() for c in word):
            own.append("punct")
        if "-" in word:
            own.append("hyph")
        for k in range(1, self.affixes + 1):
            if len(low) > k:
                own.append(f"p{k}={low[:k]}")
                own.append(f"s{k}={low[-k:]}")
        affix = f"{low[:3]}|{low[-3:]}" if len(low) > 3 else ""
        cached = (own, low, ss, flags, affix)
        if len(self._own) < 500_000:
            self._own[word] = cached
        return cached

    def __call__(self, words: Sequence[str]) -> list[list[str]]:
        info = [self._word(w) for w in words]
        n = len(words)
        out: list[list[str]] = []
        for i in range(n):
            feats = list(info[i][0])
            if i == 0:
                feats.append("BOS")
            if i == n - 1:
                feats.append("EOS")
            for off in range(-self.window, self.window + 1):
                if off == 0:
                    continue
                j = i + off
                if j < 0 or j >= n:
                    feats.append(f"{off}:pad")
                    continue
                _, low, ss, flags, affix = info[j]
                feats.append(f"{off}:w={low}")
                feats.append(f"{off}:ss={ss}")
                if flags:
                    feats.append(f"{off}:f={flags}")
                if affix and abs(off) == 1:
                    p3, s3 = affix.split("|")
                    feats.append(f"{off}:p3={p3}")
                    feats.append(f"{off}:s3={s3}")
            if i > 0:
                feats.append(f"-1|0:w={info[i - 1][1]}|{info[i][1]}")
            if i < n - 1:
                feats.append(f"0|1:w={info[i][1]}|{info[i + 1][1]}")
            out.append(feats)
        return out


@taggers.register
@dataclass(eq=False)
class CRFTagger(Component):
    """Linear-chain CRF (python-crfsuite, L-BFGS) with shape, affix and ±window features.

    The settings are dataclass fields; its description is derived from them."""

    name = "crf"
    version = 1

    c1: float = 0.05
    c2: float = 0.01
    max_iterations: int = 60
    min_freq: int = 1
    window: int = 2
    affixes: int = 4
    all_transitions: bool = True
    algorithm: str = "lbfgs"
    seed: int = 0

    def __post_init__(self) -> None:
        if self.algorithm not in ALGORITHMS:
            raise ConfigError(f"crf: unknown algorithm {self.algorithm!r}; choose {ALGORITHMS}")
        if self.max_iterations < 1:
            raise ConfigError(f"crf: max_iterations must be >= 1, not {self.max_iterations}")
        if self.c1 < 0 or self.c2 < 0:
            raise ConfigError("crf: c1 and c2 must be >= 0")
        if self.window < 0 or self.affixes < 0:
            raise ConfigError("crf: window and affixes must be >= 0")
        self._labels: list[str] = []
        self._model: bytes | None = None
        self._tagger: Any = None
        self._extractor: FeatureExtractor | None = None
        self.training: dict[str, Any] = {}
        """Facts of the last training run (sentences, seconds, iterations)."""

    @property
    def labels(self) -> list[str]:
        """IOB2 labels in the column order of ``Tagged.probs``: ``O``, then ``B-``/``I-`` of
        each class in alphabetical order."""
        return list(self._labels)

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "features": FEATURES_VERSION,
                **self.settings()}

    def _features(self, words: Sequence[str]) -> list[list[str]]:
        if self._extractor is None:
            self._extractor = FeatureExtractor(self.window, self.affixes)
        return self._extractor(words)

    def train(self, sentences: Sequence[Sentence],
              dev: Sequence[Sentence] | None = None) -> None:
        """Train on word-level labelled sentences (``dev`` is ignored by this backend)."""
        import pycrfsuite

        if not sentences:
            raise InputError("no training sentences")
        t0 = time.perf_counter()
        tagged: list[tuple[Sequence[str], list[str]]] = []
        for k, sent in enumerate(sentences):
            if not sent.words:
                raise InputError(f"training sentence {k} is empty", source=sent.origin)
            try:
                tagged.append((sent.words, to_iob2(sent.entities, len(sent.words))))
            except ValueError as exc:
                raise InputError(f"training sentence {k}: {exc}", source=sent.origin) from None
        n_used = len(tagged)
        digest = hashlib.sha256()
        for words, tags in tagged:
            digest.update("\x1f".join(words).encode("utf-8"))
            digest.update(("\x1e" + " ".join(tags) + "\x1d").encode("utf-8"))
        key = (self.algorithm, self.window, self.affixes, FEATURES_VERSION, digest.hexdigest())
        global _TRAINER_CACHE
        if _TRAINER_CACHE is not None and _TRAINER_CACHE[0] == key:
            trainer = _TRAINER_CACHE[1]  # same data and features: reuse them (e.g. seeds)
        else:
            _TRAINER_CACHE = None  # free the previous data first
            trainer = pycrfsuite.Trainer(algorithm=self.algorithm, verbose=False)
            for words, tags in tagged:
                trainer.append(self._features(words), tags)
            _TRAINER_CACHE = (key, trainer)
        feature_seconds = time.perf_counter() - t0
        params: dict[str, Any] = {"max_iterations": self.max_iterations,
                                  "feature.minfreq": self.min_freq,
                                  "feature.possible_transitions": self.all_transitions}
        if self.algorithm == "lbfgs":
            params.update({"c1": self.c1, "c2": self.c2})
        elif self.algorithm == "l2sgd":
            params["c2"] = self.c2
        trainer.set_params(params)
        with scratch_folder("xlner-crf-") as tmp:
            path = os.path.join(tmp, MODEL_FILE)
            if self.algorithm != "lbfgs":
                seed_crfsuite(self.seed)
            t1 = time.perf_counter()
            with stage(f"training the CRF on {len(sentences)} sentences"):
                trainer.train(path)
            train_seconds = time.perf_counter() - t1
            with open(path, "rb") as handle:
                model = handle.read()
        info = trainer.logparser.last_iteration or {}
        self._set_model(model)
        self.training = {"sentences": n_used,
                         "tokens": sum(len(s.words) for s in sentences),
                         "feature_seconds": round(feature_seconds, 3),
                         "train_seconds": round(train_seconds, 3),
                         "iterations": len(trainer.logparser.iterations),
                         "loss": info.get("loss")}
        log.info("crf: trained on %d sentences in %.1f s (%d iterations)", n_used,
                 train_seconds, self.training["iterations"])

    def _set_model(self, model: bytes) -> None:
        import pycrfsuite

        tagger = pycrfsuite.Tagger()
        tagger.open_inmemory(model)
        classes = sorted({lab.partition("-")[2] for lab in tagger.labels() if lab != "O"})
        # B- and I- of every class, even one never seen in training (its probability is 0)
        self._labels = ["O", *(f"{p}-{c}" for c in classes for p in "BI")]
        self._model = model
        self._tagger = tagger

    def _require_model(self) -> Any:
        if self._tagger is None:
            raise XlnerError("the CRF tagger has no model: train or load it first")
        return self._tagger

    def predict(self, sentences: Sequence[Sequence[str]]) -> list[Tagged]:
        """Entities and per-word marginal label probabilities of each sentence."""
        tagger = self._require_model()
        labels = self._labels
        known = set(tagger.labels())
        out: list[Tagged] = []
        for words in sentences:
            if not words:
                out.append(Tagged([], np.zeros((0, len(labels)), dtype=np.float32)))
                continue
            tagger.set(self._features(words))
            tags = tagger.tag()
            probs = np.zeros((len(words), len(labels)), dtype=np.float32)
            for c, label in enumerate(labels):
                if label in known:
                    for i in range(len(words)):
                        probs[i, c] = tagger.marginal(label, i)
            entities = decode(tags, "iob2", repair=True).entities
            out.append(Tagged(entities, probs))
        return out

    def save(self, path: str | Path) -> None:
        """Write ``model.crfsuite`` and ``tagger.json`` into the directory ``path``."""
        if self._model is None:
            raise XlnerError("the CRF tagger has no model to save: train it first")
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        with atomic_write(path / MODEL_FILE, "wb") as handle:
            handle.write(self._model)
        meta = {**self.describe(), "labels": self._labels, "training": self.training}
        with atomic_write(path / META_FILE) as handle:
            json.dump(meta, handle, indent=2)
            handle.write("\n")

    @classmethod
    def load(cls, path: str | Path) -> CRFTagger:
        path = Path(path)
        meta_path = path / META_FILE
        meta = read_meta(path)
        if meta.get("name") != cls.name:
            raise InputError(f"saved tagger is {meta.get('name')!r}, not {cls.name!r}",
                             source=meta_path)
        if meta.get("features", FEATURES_VERSION) != FEATURES_VERSION:
            raise InputError(f"saved with CRF feature version {meta.get('features')}; this "
                             f"xlner extracts version {FEATURES_VERSION}: retrain the model",
                             source=meta_path)
        settings = {p.name: meta[p.name] for p in init_parameters(cls)[0] if p.name in meta}
        tagger = cls(**settings)
        try:
            model = (path / MODEL_FILE).read_bytes()
        except FileNotFoundError:
            raise InputError(f"saved CRF tagger has no {MODEL_FILE}", source=path) from None
        try:
            tagger._set_model(model)
        except Exception as exc:  # pycrfsuite raises plain ValueError on a corrupt model
            raise InputError(f"cannot read the CRF model: {exc}",
                             source=path / MODEL_FILE) from None
        tagger.training = dict(meta.get("training") or {})
        return tagger

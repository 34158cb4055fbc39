"""A Hugging Face token-classification tagger (transformers; the ``neural`` extra).

* **Predict** with any token-classification checkpoint (hub name or local directory), e.g. the
  published system's ``FacebookAI/xlm-roberta-large-finetuned-conll03-english``, or with a
  tagger fine-tuned here. Each word's label distribution is the softmax at its first subword.
  Entities are decoded from the per-word argmax in the model's own scheme, leniently (an ``I-X``
  that does not continue an ``X`` starts a new entity).
* **Probabilities** are always reported over IOB2 labels ``["O", "B-C1", "I-C1", ...]``
  (classes sorted), whatever the model's scheme: BIOES mass is folded (``S→B``, ``E→I``) and an
  IOB1 model (CoNLL-03 checkpoints without ``B-PER``) is converted with the previous word's
  in-class mass: ``P(B-X) = P1(B-X) + P1(I-X)·(1 − in_X(prev))``, ``P(I-X) = P1(I-X)·in_X(prev)``
  (an approximation that treats neighbouring words as independent). Rows sum to 1.
* **Fine-tune** on word-level sentences: labels on each word's first subword, the other subwords
  ignored (-100); AdamW with linear warm-up and decay, gradient clipping, seeded; with a dev set
  the best epoch by span F1 is kept.
* **Long sentences** are windowed (or rejected with ``long_inputs="error"``), never truncated.
* Saved as a directory: the model and tokenizer files plus ``tagger.json``
  (``{"name": "hf", ...}``), loadable with :func:`xlner.tag.load_tagger`.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from xlner.corpora.schemes import decode, to_iob2
from xlner.data import Entity, Sentence, validate_entities
from xlner.errors import ConfigError, InputError, XlnerError
from xlner.files import atomic_write
from xlner.protocols import Component
from xlner.subwords import (
    LONG_INPUTS,
    Encoded,
    encode_words,
    from_pretrained,
    model_limit,
    piece_inputs,
    plan_pieces,
    require_torch,
    resolve_device,
    run_pieces,
    specials_of,
)
from xlner.tag.base import META_FILE, Tagged, read_meta

log = logging.getLogger(__name__)

DEFAULT_MODEL = "FacebookAI/xlm-roberta-large-finetuned-conll03-english"
IGNORE = -100
SCHEMES = ("iob1", "iob2", "bioes")

FloatArray = npt.NDArray[np.float32]


# --------------------------------------------------------------------------- label schemes


def iob2_labels(classes: Sequence[str]) -> list[str]:
    """``["O", "B-C1", "I-C1", ...]`` for the given classes (in the given order)."""
    out = ["O"]
    for c in classes:
        out += [f"B-{c}", f"I-{c}"]
    return out


def split_labels(labels: Sequence[str]) -> list[tuple[str, str]]:
    """``(prefix, class)`` of each label; ``("O", "")`` for ``O``. Raises on other forms."""
    out = []
    for label in labels:
        if label == "O":
            out.append(("O", ""))
            continue
        prefix, sep, cls = label.partition("-")
        if not sep or not cls or prefix not in ("B", "I", "E", "S"):
            raise ConfigError(f"label {label!r} is not O or B-/I-/E-/S-<class>; the tagger "
                              "needs a model with IOB or BIOES labels")
        out.append((prefix, cls))
    if ("O", "") not in out:
        raise ConfigError(f"labels {list(labels)} have no 'O'")
    return out


def detect_scheme(labels: Sequence[str]) -> str:
    """``bioes`` if any ``E-``/``S-`` label, ``iob1`` if a class has ``I-`` but no ``B-``,
    else ``iob2``."""
    parts = split_labels(labels)
    if any(p in ("E", "S") for p, _ in parts):
        return "bioes"
    has_b = {c for p, c in parts if p == "B"}
    has_i = {c for p, c in parts if p == "I"}
    return "iob1" if has_i - has_b else "iob2"


def label_classes(labels: Sequence[str]) -> list[str]:
    return sorted({c for p, c in split_labels(labels) if p != "O"})


def to_iob2_probs(raw: FloatArray, labels: Sequence[str], scheme: str) -> FloatArray:
    """Convert per-word probabilities over the model's ``labels`` to IOB2 columns
    (:func:`iob2_labels` of the sorted classes); see the module docstring."""
    parts = split_labels(labels)
    classes = label_classes(labels)
    n = raw.shape[0]
    out = np.zeros((n, 1 + 2 * len(classes)), dtype=np.float64)
    col = {part: k for k, part in enumerate(parts)}

    def column(prefix: str, cls: str) -> npt.NDArray[np.float64]:
        k = col.get((prefix, cls))
        return np.zeros(n) if k is None else raw[:, k].astype(np.float64)

    out[:, 0] = column("O", "")
    for c, cls in enumerate(classes):
        b, i = column("B", cls), column("I", cls)
        if scheme == "bioes":
            b, i = b + column("S", cls), i + column("E", cls)
        elif scheme == "iob1":
            inside = b + i
            prev = np.concatenate([[0.0], inside[:-1]])
            b, i = b + i * (1.0 - prev), i * prev
        out[:, 1 + 2 * c] = b
        out[:, 2 + 2 * c] = i
    return out.astype(np.float32)


def softmax_rows(x: npt.NDArray[Any]) -> FloatArray:
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(x - x.max(axis=1, keepdims=True))
    out: FloatArray = (e / e.sum(axis=1, keepdims=True)).astype(np.float32)
    return out


# --------------------------------------------------------------------------- the tagger


class HFTagger(Component):
    """Transformers token classification (fine-tune and predict), batched and device-aware."""

    name = "hf"
    version = 1
    setting_attrs: ClassVar[Mapping[str, str]] = {
        "model": "model_name", "device": "device_spec", "labels": "train_labels"}
    hidden_settings = frozenset({"model", "device", "labels"})
    """:meth:`settings` are the training settings (saved with the model); the description
    adds the model and what training made of it."""
    epochs: int
    lr: float
    batch_size: int
    eval_batch_size: int
    weight_decay: float
    warmup: float
    max_grad_norm: float
    seed: int | None
    max_length: int | None
    long_inputs: str
    stride: int | None
    keep_best: bool

    def __init__(self, model: str | Path = DEFAULT_MODEL, *, epochs: int = 3, lr: float = 5e-5,
                 batch_size: int = 16, eval_batch_size: int = 64, weight_decay: float = 0.01,
                 warmup: float = 0.1, max_grad_norm: float = 1.0, seed: int | None = 0,
                 device: str | None = "auto", max_length: int | None = None,
                 long_inputs: str = "window", stride: int | None = None,
                 keep_best: bool = True, labels: Sequence[str] | None = None) -> None:
        if long_inputs not in LONG_INPUTS:
            raise ConfigError(f"long_inputs must be one of {', '.join(LONG_INPUTS)}, "
                              f"not {long_inputs!r}")
        for key, value in (("epochs", epochs), ("batch_size", batch_size),
                           ("eval_batch_size", eval_batch_size)):
            if int(value) < 1:
                raise ConfigError(f"{key} must be positive, not {value}")
        self.model_name = str(model)
        self.device_spec = device
        self.train_labels = list(labels) if labels is not None else None
        # stored as the numbers they stand for (lr=1 is described as 1.0, as saved before)
        epochs, batch_size, eval_batch_size = map(int, (epochs, batch_size, eval_batch_size))
        lr, weight_decay, warmup, max_grad_norm = map(float, (lr, weight_decay, warmup,
                                                              max_grad_norm))
        self.keep(locals())
        if self.train_labels is not None:
            split_labels(self.train_labels)
        self.base_model: str = self.model_name
        self.history: list[dict[str, Any]] = []
        self.trained = False
        self._raw_labels: list[str] | None = None
        self._scheme: str | None = None
        self._tokenizer: Any = None
        self._model: Any = None
        self._device: Any = None

    # -- labels ---------------------------------------------------------------------------

    def _set_raw_labels(self, raw: Sequence[str]) -> None:
        self._scheme = detect_scheme(raw)
        self._raw_labels = list(raw)

    def _config_labels(self, config: Any) -> list[str]:
        id2label = {int(k): str(v) for k, v in (getattr(config, "id2label", None) or {}).items()}
        raw = [id2label[k] for k in sorted(id2label)]
        if not raw or all(label.startswith("LABEL_") for label in raw):
            raise XlnerError(f"{self.model_name} has no NER labels (id2label {raw}); fine-tune "
                             "it with train() or pick a token-classification checkpoint")
        return raw

    @property
    def model_labels(self) -> list[str]:
        """The model's own labels in output order (any scheme)."""
        if self._raw_labels is None:
            _, transformers = require_torch()
            config = from_pretrained(transformers.AutoConfig, self.model_name)
            self._set_raw_labels(self._config_labels(config))
        assert self._raw_labels is not None
        return self._raw_labels

    @property
    def scheme(self) -> str:
        """Scheme of the model's labels (``iob1``, ``iob2`` or ``bioes``)."""
        self.model_labels  # noqa: B018 - loads the labels
        assert self._scheme is not None
        return self._scheme

    @property
    def classes(self) -> list[str]:
        return label_classes(self.model_labels)

    @property
    def labels(self) -> list[str]:
        """IOB2 labels in the column order of ``Tagged.probs``."""
        return iob2_labels(self.classes)

    # -- loading --------------------------------------------------------------------------

    def _load(self) -> tuple[Any, Any, Any]:
        if self._model is None:
            _, transformers = require_torch()
            self._device = resolve_device(self.device_spec)
            self._tokenizer = self._load_tokenizer()
            model = from_pretrained(transformers.AutoModelForTokenClassification,
                                    self.model_name)
            self._set_raw_labels(self._config_labels(model.config))
            self._model = model.eval().to(self._device)
        return self._tokenizer, self._model, self._device

    def _load_tokenizer(self) -> Any:
        _, transformers = require_torch()
        tokenizer = from_pretrained(transformers.AutoTokenizer, self.model_name)
        if not getattr(tokenizer, "is_fast", False):
            raise ConfigError(f"{self.model_name}: a fast tokenizer is needed (word ids)")
        return tokenizer

    # -- prediction -----------------------------------------------------------------------

    def predict(self, sentences: Sequence[Sequence[str]]) -> list[Tagged]:
        """Entities and per-word IOB2 probabilities of each sentence (batched, in order)."""
        if not sentences:
            return []
        tokenizer, model, device = self._load()
        encoded = encode_words(tokenizer, sentences)
        logits = run_pieces(encoded, _logits_forward(model),
                            limit=model_limit(tokenizer, model.config, self.max_length),
                            specials=specials_of(tokenizer), device=device,
                            batch_size=self.eval_batch_size, long_inputs=self.long_inputs,
                            stride=self.stride)
        raw_labels, scheme, labels = self.model_labels, self.scheme, self.labels
        out = []
        for enc, rows in zip(encoded, logits, strict=True):
            if enc.n_words == 0:
                out.append(Tagged([], np.zeros((0, len(labels)), dtype=np.float32), labels))
                continue
            raw = softmax_rows(rows[enc.first])
            tags = [raw_labels[k] for k in raw.argmax(axis=1).tolist()]
            entities = decode(tags, scheme, repair=True).entities
            out.append(Tagged(entities, to_iob2_probs(raw, raw_labels, scheme), labels))
        return out

    # -- training -------------------------------------------------------------------------

    def train(self, sentences: Sequence[Sentence],
              dev: Sequence[Sentence] | None = None) -> None:
        """Fine-tune on word-level labelled sentences (first-subword labels)."""
        torch, transformers = require_torch()
        if not sentences:
            raise InputError("no training sentences")
        for k, s in enumerate(sentences):
            if len(s.words) == 0:
                raise InputError(f"training sentence {k} has no words", source=s.origin)
            try:
                validate_entities(s.entities, len(s.words))
            except ValueError as exc:
                raise InputError(f"training sentence {k}: {exc}", source=s.origin) from None
        found = sorted({e.label for s in sentences for e in s.entities})
        if self.train_labels is not None:
            labels = self.train_labels
            if detect_scheme(labels) != "iob2":
                raise ConfigError("labels for training must be IOB2 (O, B-X, I-X)")
            missing = set(found) - set(label_classes(labels))
            if missing:
                raise InputError(f"training data has classes {sorted(missing)} not in labels")
        else:
            labels = iob2_labels(found)
        label_id = {label: i for i, label in enumerate(labels)}

        torch.manual_seed(self.seed if self.seed is not None else 0)
        rng = np.random.default_rng(self.seed)
        self._device = resolve_device(self.device_spec)
        tokenizer = self._load_tokenizer()
        model = from_pretrained(
            transformers.AutoModelForTokenClassification,
            self.model_name, num_labels=len(labels), id2label=dict(enumerate(labels)),
            label2id=label_id, ignore_mismatched_sizes=True)
        model.to(self._device)
        self._tokenizer, self._model = tokenizer, model
        self._set_raw_labels(labels)

        encoded = encode_words(tokenizer, [s.words for s in sentences])
        specials = specials_of(tokenizer)
        limit = model_limit(tokenizer, model.config, self.max_length)
        pieces, homes = plan_pieces(encoded, limit, specials, self.long_inputs, self.stride)
        targets = _piece_targets(pieces, homes, encoded,
                                 [[label_id[t] for t in to_iob2(s.entities, len(s.words))]
                                  for s in sentences])

        decay: list[Any] = []
        no_decay: list[Any] = []
        for pname, param in model.named_parameters():
            (no_decay if param.ndim < 2 or "norm" in pname.lower() else decay).append(param)
        optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": self.weight_decay},
                                       {"params": no_decay, "weight_decay": 0.0}], lr=self.lr)
        steps = self.epochs * math.ceil(len(pieces) / self.batch_size)
        warm = int(self.warmup * steps)

        def schedule(step: int) -> float:
            if step < warm:
                return (step + 1) / (warm + 1)
            return max(0.0, (steps - step) / max(1, steps - warm))

        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
        self.history = []
        best: tuple[float, dict[str, Any]] | None = None
        for epoch in range(1, self.epochs + 1):
            model.train()
            order = rng.permutation(len(pieces))
            total, batches = 0.0, 0
            for lo in range(0, len(order), self.batch_size):
                chunk = order[lo:lo + self.batch_size].tolist()
                ids, mask = piece_inputs([pieces[i] for i in chunk], encoded, specials)
                target = np.full(ids.shape, IGNORE, dtype=np.int64)
                skip = len(specials.prefix)
                for row, i in enumerate(chunk):
                    target[row, skip:skip + len(targets[i])] = targets[i]
                out = model(input_ids=torch.from_numpy(ids).to(self._device),
                            attention_mask=torch.from_numpy(mask).to(self._device),
                            labels=torch.from_numpy(target).to(self._device))
                optimizer.zero_grad()
                out.loss.backward()
                if self.max_grad_norm > 0:
                    torch.nn.utils.clip_grad_norm_(model.parameters(), self.max_grad_norm)
                optimizer.step()
                scheduler.step()
                total += float(out.loss.detach().cpu())
                batches += 1
            model.eval()
            record: dict[str, Any] = {"epoch": epoch, "loss": total / max(1, batches)}
            if dev:
                predicted = [t.entities for t in self.predict([s.words for s in dev])]
                record["dev_f1"] = _span_f1(dev, predicted)
                if self.keep_best and (best is None or record["dev_f1"] > best[0]):
                    best = (record["dev_f1"], {k: v.detach().clone().cpu()
                                               for k, v in model.state_dict().items()})
            log.info("epoch %d: %s", epoch, record)
            self.history.append(record)
        if best is not None and best[0] > self.history[-1].get("dev_f1", -1.0):
            model.load_state_dict(best[1])
        model.eval()
        self.trained = True

    # -- persistence ----------------------------------------------------------------------

    def save(self, path: str | Path) -> None:
        """Model and tokenizer files plus ``tagger.json`` (written last, atomically)."""
        tokenizer, model, _ = self._load()
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / META_FILE).unlink(missing_ok=True)
        model.save_pretrained(path)
        tokenizer.save_pretrained(path)
        meta = {"name": self.name, "version": self.version, "base_model": self.base_model,
                "labels": self.model_labels, "scheme": self.scheme, "trained": self.trained,
                "settings": self.settings(), "history": self.history}
        with atomic_write(path / META_FILE) as handle:
            json.dump(meta, handle, indent=2, ensure_ascii=False)
            handle.write("\n")

    @classmethod
    def load(cls, path: str | Path, **overrides: Any) -> HFTagger:
        """A tagger saved with :meth:`save`; ``overrides`` (e.g. ``device``) win."""
        meta = read_meta(path)
        settings = {**meta.get("settings", {}), **overrides}
        tagger = cls(path, **settings)
        tagger.base_model = str(meta.get("base_model", path))
        tagger.history = list(meta.get("history", []))
        tagger.trained = bool(meta.get("trained", False))
        if meta.get("labels"):
            tagger._set_raw_labels(meta["labels"])
        return tagger

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "version": self.version,
                               "model": self.model_name, "base_model": self.base_model,
                               "trained": self.trained, **self.settings()}
        if self._raw_labels is not None:
            out["labels"] = self._raw_labels
            out["scheme"] = self._scheme
        if self.history:
            out["history"] = self.history
        return out


def _logits_forward(model: Any) -> Any:
    def forward(ids: Any, mask: Any) -> Any:
        return model(input_ids=ids, attention_mask=mask).logits
    return forward


def _piece_targets(pieces: Sequence[Any], homes: Sequence[npt.NDArray[np.int64]],
                   encoded: Sequence[Encoded], word_labels: Sequence[Sequence[int]],
                   ) -> list[npt.NDArray[np.int64]]:
    """Per piece, a label per subword: the word's label at its first subword when this piece
    is that subword's home window, else ``IGNORE``."""
    out = [np.full(p.end - p.start, IGNORE, dtype=np.int64) for p in pieces]
    for k, enc in enumerate(encoded):
        labels = np.asarray(word_labels[k], dtype=np.int64)
        firsts = enc.first
        owner = homes[k][firsts]
        for w, (pos, piece) in enumerate(zip(firsts.tolist(), owner.tolist(), strict=True)):
            out[piece][pos - pieces[piece].start] = labels[w]
    return out


__all__ = ["DEFAULT_MODEL", "HFTagger", "detect_scheme", "iob2_labels", "label_classes",
           "split_labels", "to_iob2_probs"]


def _span_f1(gold: Sequence[Sentence], predicted: Sequence[Sequence[Entity]]) -> float:
    """Micro span F1 (exact boundaries and label), computed as seqeval's strict IOB2 score is
    (``xlner.evaluate`` sits above the taggers, so the dev score is counted here)."""
    gold_set = {(k, e) for k, s in enumerate(gold) for e in s.entities}
    pred_set = {(k, e) for k, ents in enumerate(predicted) for e in ents}
    tp = len(gold_set & pred_set)
    if not tp:
        return 0.0
    precision, recall = tp / len(pred_set), tp / len(gold_set)
    return 2 * precision * recall / (precision + recall)

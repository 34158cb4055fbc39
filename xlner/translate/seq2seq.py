"""Shared machinery of the neural translators (transformers and CTranslate2 backends).

- *Model families*: ``nllb`` (NLLB-200: source language token first, target language token
  forced as the first output), ``m2m100`` (the same with ``__xx__`` tokens) and ``marian`` (one
  model per language pair, no language tokens). ``auto`` detects the family from the model's
  config and tokenizer.
- *Token-budget batches*: inputs are sorted by length (longest first) and packed so that a
  batch's padded size ``n_sentences × longest`` stays within ``max_tokens``; results come back in
  input order.
- *Long inputs* are never truncated silently: with ``too_long="error"`` (default) a sentence over
  the model's input limit raises :class:`InputError` naming it; with ``too_long="split"`` it is
  cut at spaces into pieces that fit, each piece is translated and the translations are joined
  with a space.

This module imports no heavy dependency; the backends import torch/ctranslate2 lazily.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import KW_ONLY, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from xlner.errors import ConfigError, InputError, XlnerError
from xlner.progress import task
from xlner.protocols import Component
from xlner.translate.langcodes import lookup, to_m2m100, to_nllb

log = logging.getLogger(__name__)

FAMILIES = ("nllb", "m2m100", "marian")
TOO_LONG = ("error", "split")
_NLLB_CODE = re.compile(r"^[a-z]{3}_[A-Z][a-z]{3}$")


def require_neural() -> None:
    """Raise a clear error when the optional ``neural`` extra is missing."""
    try:
        import transformers  # noqa: F401
    except ImportError as exc:
        raise XlnerError("neural translators need the optional dependencies: "
                         "pip install 'xlner[neural]' (after pip install torch)") from exc


def detect_family(model_type: str, tokenizer_class: str) -> str:
    """``nllb``, ``m2m100`` or ``marian`` from a config's ``model_type`` and the tokenizer class."""
    model_type = model_type.lower().replace("-", "_")
    if model_type == "marian":
        return "marian"
    if model_type == "m2m_100":
        return "nllb" if "nllb" in tokenizer_class.lower() else "m2m100"
    raise ConfigError(f"unsupported translation model type {model_type!r}; supported: NLLB-200, "
                      "M2M100 (model_type m2m_100) and Marian")


def check_family(family: str) -> str:
    if family not in (*FAMILIES, "auto"):
        raise ConfigError(f"unknown model family {family!r}; choose auto, {', '.join(FAMILIES)}")
    return family


def language_token(family: str, code: str) -> str | None:
    """The model's language token for ``code`` (``None`` for Marian, which has none).

    NLLB accepts any ISO/MasakhaNER/XTREME code in the table and any raw NLLB code
    (``ace_Arab``); M2M100 any table code. Unknown codes raise :class:`ConfigError`.
    """
    if family == "nllb":
        if _NLLB_CODE.match(code.strip()):
            return code.strip()
        return to_nllb(code)
    if family == "m2m100":
        return f"__{to_m2m100(code)}__"
    lookup(code)  # Marian: validate the code all the same
    return None


def marian_pair_codes(code: str) -> tuple[str, str]:
    """ISO 639-1 (else 639-3) and ISO 639-3 code of a language, for Marian model templates."""
    lang = lookup(code)
    return (lang.iso1 or lang.iso3), lang.iso3


def token_batches(lengths: Sequence[int], max_tokens: int,
                  max_batch_size: int | None = None) -> list[list[int]]:
    """Indices grouped into batches, longest first, each with ``n × longest <= max_tokens``.

    A single item longer than ``max_tokens`` gets a batch of its own.
    """
    if max_tokens < 1:
        raise ConfigError(f"max_tokens must be >= 1, not {max_tokens}")
    if max_batch_size is not None and max_batch_size < 1:
        raise ConfigError(f"max_batch_size must be >= 1 or None, not {max_batch_size}")
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    batches: list[list[int]] = []
    current: list[int] = []
    longest = 0
    for i in order:
        size = max(1, int(lengths[i]))
        grown = max(longest, size)
        if current and (grown * (len(current) + 1) > max_tokens
                        or (max_batch_size is not None and len(current) >= max_batch_size)):
            batches.append(current)
            current, grown = [], size
        current.append(i)
        longest = grown
    if current:
        batches.append(current)
    return batches


def split_to_fit(text: str, count: Callable[[list[str]], list[int]], max_length: int,
                 index: int) -> list[str]:
    """Cut ``text`` at spaces into pieces whose token counts (``count``) fit ``max_length``."""
    words = text.split()
    overhead = count([""])[0]  # special tokens of any input
    pieces: list[list[str]] = []
    current: list[str] = []
    budget = 0
    for word, n in zip(words, count(words), strict=True):
        if n > max_length:
            raise InputError(f"sentence {index}: the word {word[:40]!r} alone has {n} tokens, "
                             f"more than the model's limit of {max_length}")
        cost = n - overhead
        if current and overhead + budget + cost > max_length:
            pieces.append(current)
            current, budget = [], 0
        current.append(word)
        budget += cost
    if current:
        pieces.append(current)
    texts = [" ".join(p) for p in pieces]
    out: list[str] = []
    for piece, n in zip(texts, count(texts), strict=True):
        if n <= max_length:
            out.append(piece)
            continue
        words = piece.split()
        if len(words) == 1:
            raise InputError(f"sentence {index}: the word {piece[:40]!r} has {n} tokens, more "
                             f"than the model's limit of {max_length}")
        half = len(words) // 2
        for part in (" ".join(words[:half]), " ".join(words[half:])):
            out.extend(split_to_fit(part, count, max_length, index))
    return out


@dataclass
class TranslationStats:
    """Counts of the last :meth:`Seq2SeqTranslator.translate` call."""

    sentences: int = 0
    batches: int = 0
    split_sentences: int = 0
    unfinished: int = 0
    """Outputs that hit the output length cap before the end-of-sentence token."""


@dataclass(eq=False)
class Seq2SeqTranslator(Component):
    """Base of the neural backends: language tokens, long inputs, token-budget batching.

    A backend implements :meth:`_load`, :meth:`_generate` and :meth:`_score`; a
    ``model`` may contain ``{src}``/``{tgt}`` (ISO 639-1) or ``{src3}``/``{tgt3}`` (ISO 639-3)
    placeholders for per-pair models such as ``Helsinki-NLP/opus-mt-{src}-{tgt}``.
    The settings are dataclass fields (a backend is a dataclass adding its own);
    ``describe()`` is derived from them (:class:`~xlner.protocols.Component`), leaving out
    those a backend names in ``hidden_settings``.
    """

    name = "seq2seq"
    version = 1
    hidden_settings = frozenset({"device", "threads"})

    model: str
    _: KW_ONLY
    family: str = "auto"
    beam_size: int = 4
    max_tokens: int = 4096
    max_batch_size: int | None = None
    max_length: int | None = None
    too_long: str = "error"
    max_output_ratio: float = 2.0
    max_output_extra: int = 10
    device: str = "auto"
    threads: int | None = None
    """CPU threads of the backend (``None``: its default)."""

    def __post_init__(self) -> None:
        if self.beam_size < 1:
            raise ConfigError(f"beam_size must be >= 1, not {self.beam_size}")
        if self.too_long not in TOO_LONG:
            raise ConfigError(f"too_long must be one of {', '.join(TOO_LONG)}, not "
                              f"{self.too_long!r}")
        if self.max_length is not None and self.max_length < 3:
            raise ConfigError(f"max_length must be >= 3 tokens, not {self.max_length}")
        if self.max_output_ratio <= 0 or self.max_output_extra < 0:
            raise ConfigError("max_output_ratio must be > 0 and max_output_extra >= 0")
        if self.threads is not None and self.threads < 1:
            raise ConfigError(f"threads must be >= 1, not {self.threads}")
        self.model = str(self.model)
        self.family = check_family(self.family)
        token_batches([], self.max_tokens, self.max_batch_size)  # validates the batching
        self.last_stats = TranslationStats()
        self._loaded: dict[str, Any] = {}

    # -- to implement -------------------------------------------------------------------------
    def _load(self, model: str) -> Any:
        """Load the model and tokenizer at ``model``; the handle has ``tokenizer``, ``family``
        and ``max_length`` attributes."""
        raise NotImplementedError

    def _generate(self, handle: Any, texts: list[str], src_token: str | None,
                  tgt_token: str | None) -> tuple[list[str], int]:
        """Translations of one batch and the number that hit the length cap."""
        raise NotImplementedError

    def _score(self, handle: Any, sources: list[str], targets: list[str],
               src_token: str | None, tgt_token: str | None) -> list[float]:
        """Mean log-probability per target token (EOS included, forced language token not)."""
        raise NotImplementedError

    # -- shared ---------------------------------------------------------------------------------
    def model_for(self, src_lang: str, tgt_lang: str) -> str:
        """The model path or hub name for a language pair (fills a template)."""
        if "{" not in self.model:
            return self.model
        s1, s3 = marian_pair_codes(src_lang)
        t1, t3 = marian_pair_codes(tgt_lang)
        try:
            return self.model.format(src=s1, tgt=t1, src3=s3, tgt3=t3)
        except (KeyError, IndexError) as exc:
            raise ConfigError(f"model template {self.model!r}: unknown placeholder {exc}; use "
                              "{src}, {tgt}, {src3}, {tgt3}") from None

    def handle(self, src_lang: str, tgt_lang: str) -> Any:
        """The loaded model for a language pair (codes are checked before anything loads)."""
        for code in (src_lang, tgt_lang):
            if self.family != "auto":
                language_token(self.family, code)
            elif not _NLLB_CODE.match(code.strip()):
                lookup(code)
        path = self.model_for(src_lang, tgt_lang)
        if path not in self._loaded:
            require_neural()
            self._loaded[path] = self._load(path)
        return self._loaded[path]

    def tokens_for(self, handle: Any, src_lang: str, tgt_lang: str
                   ) -> tuple[str | None, str | None]:
        """Source and target language tokens, checked against the model's vocabulary."""
        out: list[str | None] = []
        for code in (src_lang, tgt_lang):
            token = language_token(handle.family, code)
            if token is not None and not handle.has_token(token):
                raise ConfigError(f"model {handle.path} has no language token {token!r} "
                                  f"(for {code!r})")
            out.append(token)
        return out[0], out[1]

    def _limit(self, handle: Any) -> int:
        limit = int(handle.max_length)
        return limit if self.max_length is None else min(limit, self.max_length)

    def _prepare(self, handle: Any, sentences: Sequence[str], src_token: str | None
                 ) -> tuple[list[str], list[tuple[int, int]]]:
        """Pieces to translate and, per sentence, its ``[start, end)`` range of pieces.

        Empty sentences get no piece (their translation is the empty string).
        """
        limit = self._limit(handle)
        texts = [" ".join(s.split()) for s in sentences]
        live = [k for k, t in enumerate(texts) if t]
        counts = dict(zip(live, handle.count([texts[k] for k in live], src_token), strict=True))
        pieces: list[str] = []
        ranges: list[tuple[int, int]] = []
        self.last_stats.split_sentences = 0
        for k, text in enumerate(texts):
            start = len(pieces)
            if text:
                if counts[k] <= limit:
                    pieces.append(text)
                elif self.too_long == "error":
                    raise InputError(f"sentence {k} has {counts[k]} tokens; the model takes at "
                                     f"most {limit} (pass too_long=split to cut long sentences "
                                     "at spaces and translate the pieces)")
                else:
                    pieces.extend(split_to_fit(text, lambda ws: handle.count(ws, src_token),
                                               limit, k))
                    self.last_stats.split_sentences += 1
            ranges.append((start, len(pieces)))
        return pieces, ranges

    def translate(self, sentences: Sequence[str], src_lang: str, tgt_lang: str) -> list[str]:
        """One translation per input sentence, in order (batched by token budget)."""
        handle = self.handle(src_lang, tgt_lang)
        src_token, tgt_token = self.tokens_for(handle, src_lang, tgt_lang)
        self.last_stats = TranslationStats(sentences=len(sentences))
        pieces, ranges = self._prepare(handle, sentences, src_token)
        lengths = handle.count(pieces, src_token) if pieces else []
        outputs: list[str] = [""] * len(pieces)
        with task(f"translating {src_lang}->{tgt_lang}", total=len(pieces), unit="sent") as done:
            for batch in token_batches(lengths, self.max_tokens, self.max_batch_size):
                texts, unfinished = self._generate(handle, [pieces[i] for i in batch],
                                                   src_token, tgt_token)
                for i, text in zip(batch, texts, strict=True):
                    outputs[i] = text.strip()
                self.last_stats.batches += 1
                self.last_stats.unfinished += unfinished
                done.update(len(batch))
        if self.last_stats.unfinished:
            log.warning("%d of %d translations hit the output length cap (max_output_ratio=%g, "
                        "max_output_extra=%d) before their end", self.last_stats.unfinished,
                        len(pieces), self.max_output_ratio, self.max_output_extra)
        return [" ".join(t for t in outputs[a:b] if t) for a, b in ranges]

    def log_likelihood(self, sources: Sequence[str], targets: Sequence[str], src_lang: str,
                       tgt_lang: str) -> npt.NDArray[np.float64]:
        """Length-normalised log-probability of each target given its source (forced decoding):
        the mean over target tokens, end-of-sentence included, forced language token excluded.
        """
        if len(sources) != len(targets):
            raise InputError(f"{len(sources)} sources but {len(targets)} targets")
        handle = self.handle(src_lang, tgt_lang)
        src_token, tgt_token = self.tokens_for(handle, src_lang, tgt_lang)
        srcs = [" ".join(s.split()) for s in sources]
        tgts = [" ".join(t.split()) for t in targets]
        limit = self._limit(handle)
        src_len = handle.count(srcs, src_token) if srcs else []
        tgt_len = handle.count_target(tgts, tgt_token) if tgts else []
        for k, (a, b) in enumerate(zip(src_len, tgt_len, strict=True)):
            if a > limit or b > limit:
                raise InputError(f"pair {k} has {a} source and {b} target tokens; the model "
                                 f"takes at most {limit}")
        out = np.zeros(len(srcs), dtype=np.float64)
        lengths = [a + b for a, b in zip(src_len, tgt_len, strict=True)]
        for batch in token_batches(lengths, self.max_tokens, self.max_batch_size):
            scores = self._score(handle, [srcs[i] for i in batch], [tgts[i] for i in batch],
                                 src_token, tgt_token)
            out[batch] = scores
        return out

    def output_cap(self, longest_input: int, limit: int | None = None) -> int:
        """Largest number of generated tokens for an input of this many tokens, at most the
        model's ``limit`` (its decoder has no positions beyond)."""
        cap = int(self.max_output_ratio * longest_input) + self.max_output_extra
        return cap if limit is None else max(1, min(cap, limit))


class TokenizerHandle:
    """A loaded model with its Hugging Face tokenizer: token ids built explicitly per family.

    Source ids are ``[src_lang] + subwords + [eos]`` (NLLB, M2M100; NLLB's legacy mode puts
    the language last), ``subwords + [eos]`` for Marian; target ids (forced decoding) are
    ``[tgt_lang] + subwords + [eos]`` (``subwords + [eos]`` for Marian).
    """

    def __init__(self, path: str, family: str, tokenizer: Any, model: Any,
                 max_length: int) -> None:
        self.path = path
        self.family = family
        self.tokenizer = tokenizer
        self.model = model
        self.max_length = max_length
        self.legacy = bool(getattr(tokenizer, "legacy_behaviour", False))
        eos = tokenizer.eos_token_id
        if eos is None:
            raise ConfigError(f"the tokenizer of {path} has no end-of-sentence token")
        self.eos_id = int(eos)
        self.pad_id = int(tokenizer.pad_token_id if tokenizer.pad_token_id is not None else eos)
        self.decoder_start = self.eos_id
        self.device = "cpu"

    def token_id(self, token: str) -> int:
        ident = self.tokenizer.convert_tokens_to_ids(token)
        if ident is None or (ident == self.tokenizer.unk_token_id
                             and token != self.tokenizer.unk_token):
            raise ConfigError(f"model {self.path} has no token {token!r}")
        return int(ident)

    def has_token(self, token: str) -> bool:
        try:
            self.token_id(token)
        except ConfigError:
            return False
        return True

    def subwords(self, texts: Sequence[str], target: bool = False) -> list[list[int]]:
        if not texts:
            return []
        if target:  # Marian's target side has its own sentencepiece model
            enc = self.tokenizer(text_target=list(texts), add_special_tokens=False,
                                 verbose=False)
        else:  # lengths are checked by the translator, not warned about by the tokenizer
            enc = self.tokenizer(list(texts), add_special_tokens=False, verbose=False)
        return [list(map(int, ids)) for ids in enc["input_ids"]]

    def encode_source(self, texts: Sequence[str], src_token: str | None) -> list[list[int]]:
        out = self.subwords(texts)
        if src_token is None:
            return [[*ids, self.eos_id] for ids in out]
        lang = self.token_id(src_token)
        if self.legacy:
            return [[*ids, self.eos_id, lang] for ids in out]
        return [[lang, *ids, self.eos_id] for ids in out]

    def encode_target(self, texts: Sequence[str], tgt_token: str | None) -> list[list[int]]:
        out = self.subwords(texts, target=self.family == "marian")
        if tgt_token is None:
            return [[*ids, self.eos_id] for ids in out]
        lang = self.token_id(tgt_token)
        return [[lang, *ids, self.eos_id] for ids in out]

    def count(self, texts: Sequence[str], src_token: str | None) -> list[int]:
        extra = 1 if src_token is None else 2
        return [len(ids) + extra for ids in self.subwords(texts)]

    def count_target(self, texts: Sequence[str], tgt_token: str | None) -> list[int]:
        extra = 1 if tgt_token is None else 2
        return [len(ids) + extra
                for ids in self.subwords(texts, target=self.family == "marian")]

    def decode(self, ids: Sequence[int]) -> str:
        return str(self.tokenizer.decode(list(ids), skip_special_tokens=True))

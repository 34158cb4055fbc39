"""Word-tokenised sentences through Hugging Face encoders: subwords, windows, batches, devices.

Shared by the neural aligners (:mod:`xlner.align.neural`) and the transformers tagger
(:mod:`xlner.tag.hf`). Everything here imports torch and transformers lazily; ``import xlner``
never does.

* :func:`encode_words` maps each sentence's words to subword ids (without special tokens) and
  records which word every subword belongs to. A word the tokenizer turns into no subword at all
  (e.g. a lone zero-width space) is encoded as the unknown token, so every word keeps a position.
* A sentence longer than the model's limit is never truncated silently: with
  ``long_inputs="window"`` it is cut into overlapping windows and each subword takes its output
  from the window in which it is most central; with ``long_inputs="error"`` it raises
  :class:`~xlner.errors.InputError` naming the sentence.
* :func:`run_pieces` runs the windows of a whole batch through a model in length-sorted
  mini-batches and reassembles one output row per subword, in input order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from xlner.errors import ConfigError, InputError, XlnerError

log = logging.getLogger(__name__)

LONG_INPUTS = ("window", "error")
INSTALL_HINT = "pip install 'xlner[neural]' (CI installs torch==2.13.0 first)"
_ROBERTA_LIKE = {"roberta", "xlm-roberta", "xlm-roberta-xl", "camembert", "longformer",
                 "luke", "mpnet", "ibert", "data2vec-text", "roberta-prelayernorm"}
"""Model types whose position ids start after the padding index (limit = positions - 2)."""


def require_torch() -> tuple[Any, Any]:
    """``(torch, transformers)``, or a clear error naming the optional extra."""
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise XlnerError(f"this component needs torch and transformers: {INSTALL_HINT} "
                         f"({exc})") from None
    hf: Any = transformers
    hf.logging.set_verbosity_error()
    hf.logging.disable_progress_bar()
    return torch, hf


def from_pretrained(loader: Any, name: str, **kwargs: Any) -> Any:
    """``loader.from_pretrained(name)``, with a clear error when the model cannot be found or
    a local model directory holds damaged files (a truncated weights file, broken JSON)."""
    try:
        return loader.from_pretrained(name, **kwargs)
    except OSError as exc:
        raise ConfigError(f"cannot load {name!r} (a Hugging Face model name with hub access, or "
                          f"a local directory): {exc}") from None
    except Exception as exc:
        if not Path(name).is_dir():
            raise
        raise ConfigError(f"cannot load the model directory {name!r}: a damaged or incomplete "
                          f"file ({type(exc).__name__}: {exc}); copy or save the model "
                          "again") from None


def resolve_device(device: str | None) -> Any:
    """A ``torch.device``: ``"auto"``/``None`` picks CUDA when available, else CPU."""
    torch, _ = require_torch()
    if device is None or str(device).lower() == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        return torch.device(device)
    except RuntimeError as exc:
        raise ConfigError(f"invalid device {device!r}: {exc}") from None


def model_limit(tokenizer: Any, config: Any, explicit: int | None = None) -> int:
    """Longest input (subwords including special tokens) the model accepts."""
    if explicit is not None:
        if explicit < 4:
            raise ConfigError(f"max_length must be at least 4, not {explicit}")
        return int(explicit)
    limits: list[int] = []
    tok_max = getattr(tokenizer, "model_max_length", None)
    if isinstance(tok_max, int) and 0 < tok_max < 1_000_000:
        limits.append(tok_max)
    positions = getattr(config, "max_position_embeddings", None)
    if isinstance(positions, int) and positions > 0:
        if getattr(config, "model_type", "") in _ROBERTA_LIKE:
            positions -= int(getattr(config, "pad_token_id", 1) or 1) + 1
        limits.append(positions)
    if not limits:
        raise ConfigError("cannot tell the model's input limit; pass max_length")
    return min(limits)


@dataclass(frozen=True, slots=True)
class Encoded:
    """Subwords of one word-tokenised sentence (no special tokens).

    ``word_of[p]`` is the word of subword ``p``; ``first[w]`` is the first subword of word ``w``.
    """

    ids: npt.NDArray[np.int64]
    word_of: npt.NDArray[np.int64]
    first: npt.NDArray[np.int64]
    n_words: int

    def __len__(self) -> int:
        return int(self.ids.shape[0])


@dataclass(frozen=True, slots=True)
class Specials:
    """Special tokens wrapped around every model input, and the padding id."""

    prefix: tuple[int, ...]
    suffix: tuple[int, ...]
    pad: int

    @property
    def count(self) -> int:
        return len(self.prefix) + len(self.suffix)


def specials_of(tokenizer: Any) -> Specials:
    """Special tokens the tokenizer adds around a single sentence (e.g. ``[CLS] … [SEP]``)."""
    enc = tokenizer([["x"]], is_split_into_words=True, add_special_tokens=True)
    ids = list(enc["input_ids"][0])
    content = [p for p, w in enumerate(enc.word_ids(0)) if w is not None]
    if not content:
        raise ConfigError("the tokenizer produced no subword for the probe word 'x'")
    pad = tokenizer.pad_token_id
    if pad is None:
        pad = tokenizer.eos_token_id if tokenizer.eos_token_id is not None else 0
    return Specials(tuple(ids[:content[0]]), tuple(ids[content[-1] + 1:]), int(pad))


def encode_words(tokenizer: Any, sentences: Sequence[Sequence[str]]) -> list[Encoded]:
    """Subword ids and word maps of ``sentences`` (batched through a fast tokenizer)."""
    out: list[Encoded | None] = [None] * len(sentences)
    todo = [k for k, words in enumerate(sentences) if len(words) > 0]
    for k, words in enumerate(sentences):
        if len(words) == 0:
            out[k] = _encoded([], [], 0)
    if todo:
        batch = [list(sentences[k]) for k in todo]
        enc = tokenizer(batch, is_split_into_words=True, add_special_tokens=False)
        for row, k in enumerate(todo):
            word_ids = [-1 if w is None else int(w) for w in enc.word_ids(row)]
            ids = list(enc["input_ids"][row])
            n = len(batch[row])
            if len(set(w for w in word_ids if w >= 0)) < n:
                ids, word_ids = _encode_with_unk(tokenizer, batch[row], k)
            out[k] = _encoded(ids, word_ids, n)
    return [e for e in out if e is not None]


def _encode_with_unk(tokenizer: Any, words: list[str], index: int) -> tuple[list[int], list[int]]:
    """Encode word by word, using the unknown token for words without any subword."""
    unk = tokenizer.unk_token_id
    ids: list[int] = []
    word_ids: list[int] = []
    per_word = tokenizer(words, is_split_into_words=False, add_special_tokens=False)["input_ids"]
    for w, pieces in enumerate(per_word):
        pieces = list(pieces)
        if not pieces:
            if unk is None:
                raise InputError(f"sentence {index}: word {w} ({words[w]!r}) has no subword "
                                 "and the tokenizer has no unknown token")
            pieces = [int(unk)]
        ids.extend(pieces)
        word_ids.extend([w] * len(pieces))
    return ids, word_ids


def _encoded(ids: Sequence[int], word_ids: Sequence[int], n_words: int) -> Encoded:
    ids_arr = np.asarray(ids, dtype=np.int64)
    word_of = np.asarray(word_ids, dtype=np.int64)
    keep = word_of >= 0
    ids_arr, word_of = ids_arr[keep], word_of[keep]
    first = np.full(n_words, -1, dtype=np.int64)
    if word_of.size:
        words, first_pos = np.unique(word_of, return_index=True)
        first[words] = first_pos
    return Encoded(ids_arr, word_of, first, n_words)


def windows(length: int, capacity: int, stride: int | None = None) -> list[tuple[int, int]]:
    """Overlapping ``[start, end)`` windows of at most ``capacity`` covering ``length``."""
    if capacity < 1:
        raise ConfigError(f"window capacity must be positive, not {capacity}")
    if length <= capacity:
        return [(0, length)]
    step = max(1, min(capacity, stride if stride is not None else capacity // 2))
    out: list[tuple[int, int]] = []
    start = 0
    while True:
        end = min(start + capacity, length)
        out.append((end - capacity, end) if end == length else (start, end))
        if end == length:
            return out
        start += step


def home_window(length: int, spans: Sequence[tuple[int, int]]) -> npt.NDArray[np.int64]:
    """For each position, the window in which it is most central (ties: the earlier one)."""
    pos = np.arange(length)
    best = np.full(length, -1, dtype=np.int64)
    margin = np.full(length, -1, dtype=np.int64)
    for w, (a, b) in enumerate(spans):
        inside = (pos >= a) & (pos < b)
        m = np.minimum(pos - a, b - 1 - pos)
        better = inside & (m > margin)
        best[better] = w
        margin[better] = m[better]
    return best


@dataclass(frozen=True, slots=True)
class Piece:
    """One model input: subwords ``[start, end)`` of sentence ``sentence``."""

    sentence: int
    start: int
    end: int


def plan_pieces(encoded: Sequence[Encoded], limit: int, specials: Specials,
                long_inputs: str = "window", stride: int | None = None,
                ) -> tuple[list[Piece], list[npt.NDArray[np.int64]]]:
    """Pieces covering every sentence, and per sentence the piece each subword reads from."""
    if long_inputs not in LONG_INPUTS:
        raise ConfigError(f"long_inputs must be one of {', '.join(LONG_INPUTS)}, "
                          f"not {long_inputs!r}")
    capacity = limit - specials.count
    pieces: list[Piece] = []
    homes: list[npt.NDArray[np.int64]] = []
    for k, enc in enumerate(encoded):
        n = len(enc)
        if n > capacity and long_inputs == "error":
            raise InputError(f"sentence {k}: {n} subwords exceed the model limit of "
                             f"{capacity} (plus {specials.count} special tokens); use "
                             "long_inputs='window' or shorter sentences")
        spans = windows(n, capacity, stride) if n else []
        if len(spans) > 1:
            log.debug("sentence %d: %d subwords in %d windows", k, n, len(spans))
        base = len(pieces)
        pieces.extend(Piece(k, a, b) for a, b in spans)
        homes.append(home_window(n, spans) + base if n else np.zeros(0, dtype=np.int64))
    return pieces, homes


def piece_inputs(pieces: Sequence[Piece], encoded: Sequence[Encoded], specials: Specials,
                 ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Padded ``input_ids`` and ``attention_mask`` of ``pieces`` (specials included)."""
    seqs = [np.concatenate([np.asarray(specials.prefix, dtype=np.int64),
                            encoded[p.sentence].ids[p.start:p.end],
                            np.asarray(specials.suffix, dtype=np.int64)]) for p in pieces]
    width = max(len(s) for s in seqs)
    ids = np.full((len(seqs), width), specials.pad, dtype=np.int64)
    mask = np.zeros((len(seqs), width), dtype=np.int64)
    for r, s in enumerate(seqs):
        ids[r, :len(s)] = s
        mask[r, :len(s)] = 1
    return ids, mask


Forward = Callable[[Any, Any], Any]
"""``(input_ids, attention_mask)`` tensors on the device → ``(batch, time, dim)`` tensor."""


def run_pieces(encoded: Sequence[Encoded], forward: Forward, *, limit: int, specials: Specials,
               device: Any, batch_size: int = 32, long_inputs: str = "window",
               stride: int | None = None) -> list[npt.NDArray[np.float32]]:
    """One output row per subword of every sentence: ``(len(encoded[k]), dim)`` float32.

    Pieces are sorted by length (longest first) and run ``batch_size`` at a time under
    ``torch.inference_mode``; results come back in input order.
    """
    torch, _ = require_torch()
    if batch_size < 1:
        raise ConfigError(f"batch_size must be positive, not {batch_size}")
    pieces, homes = plan_pieces(encoded, limit, specials, long_inputs, stride)
    order = sorted(range(len(pieces)), key=lambda i: -(pieces[i].end - pieces[i].start))
    outputs: list[npt.NDArray[np.float32] | None] = [None] * len(pieces)
    skip = len(specials.prefix)
    with torch.inference_mode():
        for lo in range(0, len(order), batch_size):
            chunk = order[lo:lo + batch_size]
            ids, mask = piece_inputs([pieces[i] for i in chunk], encoded, specials)
            result = forward(torch.from_numpy(ids).to(device), torch.from_numpy(mask).to(device))
            values = result.float().cpu().numpy()
            for row, i in enumerate(chunk):
                n = pieces[i].end - pieces[i].start
                outputs[i] = values[row, skip:skip + n]
    dim = next((o.shape[1] for o in outputs if o is not None), 0)
    out: list[npt.NDArray[np.float32]] = []
    for k, enc in enumerate(encoded):
        n = len(enc)
        rows = np.zeros((n, dim), dtype=np.float32)
        home = homes[k]
        for i in np.unique(home).tolist():
            piece, values = pieces[i], outputs[i]
            assert values is not None
            where = np.nonzero(home == i)[0]
            rows[where] = values[where - piece.start]
        out.append(rows)
    return out

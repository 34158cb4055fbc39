"""Embedding-based aligners over any Hugging Face encoder: SimAlign- and AWESoME-style.

Both embed the two sentences of a pair with a multilingual encoder (hidden states of one layer;
layer 8 of mBERT by default), compare every source subword with every target subword and lift
the subword links to word links (words ``i`` and ``j`` are linked when any of their subwords
are).

* :class:`SimAlignAligner` (Jalili Sabet et al. 2020): cosine similarity rescaled to [0, 1];
  ``argmax`` keeps mutual best pairs, ``itermax`` repeats argmax on the words still unaligned
  (pairs where one side is aligned are down-weighted by ``alpha``), ``match`` takes a maximum
  weight bipartite matching. ``level="word"`` averages subword vectors into word vectors first.
* :class:`AwesomeAligner` (Dou & Neubig 2021): dot products, softmax over targets and over
  sources; a link needs probability above ``threshold`` (1e-3) in both directions.

The alignment functions on similarity matrices (:func:`argmax_links`, :func:`itermax_links`,
:func:`match_links`, :func:`softmax_links`, :func:`lift_links`) are plain numpy and are the
tested core. Embedding is batched over the whole input (source and target sentences together,
sorted by length) on the chosen device; long sentences are windowed or rejected, never truncated
(see :mod:`xlner.subwords`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from xlner.align.base import Words, check_batch
from xlner.data import Links, as_links, empty_links
from xlner.errors import ConfigError
from xlner.progress import task
from xlner.protocols import AlignerBase, Component, init_parameters
from xlner.subwords import (
    LONG_INPUTS,
    Encoded,
    encode_words,
    from_pretrained,
    model_limit,
    require_torch,
    resolve_device,
    run_pieces,
    specials_of,
)

Matrix = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]

DEFAULT_MODEL = "bert-base-multilingual-cased"
SIMALIGN_METHODS = ("argmax", "itermax", "match")


# --------------------------------------------------------------------------- numpy core


def argmax_links(sim: Matrix) -> Mask:
    """Mutual best pairs: ``sim[i, j]`` is the maximum of both its row and its column."""
    m, n = sim.shape
    out = np.zeros((m, n), dtype=bool)
    if m == 0 or n == 0:
        return out
    rows = np.arange(m)
    best_col = sim.argmax(axis=1)
    best_row = sim.argmax(axis=0)
    mutual: npt.NDArray[np.bool_] = np.asarray(best_row[best_col] == rows, dtype=bool)
    out[rows[mutual], best_col[mutual]] = True
    return out


def itermax_links(sim: Matrix, iterations: int = 2, alpha: float = 0.9) -> Mask:
    """SimAlign's IterMax: argmax, then argmax again among pairs with an unaligned side.

    In each further round a pair whose two sides are both aligned is excluded, a pair with one
    side aligned has its similarity scaled by ``alpha``; new mutual best pairs are added. Stops
    after ``iterations`` rounds in all, when nothing changes, or when one side is fully aligned.
    Matrices with at most two rows or columns get plain argmax links.
    """
    if iterations < 1:
        raise ConfigError(f"itermax needs at least one iteration, not {iterations}")
    links = argmax_links(sim)
    if min(sim.shape) <= 2:
        return links
    for _ in range(iterations - 1):
        src_done: Mask = np.asarray(links.any(axis=1), dtype=bool)
        tgt_done: Mask = np.asarray(links.any(axis=0), dtype=bool)
        if src_done.all() or tgt_done.all():
            break
        both = src_done[:, None] & tgt_done[None, :]
        one = src_done[:, None] ^ tgt_done[None, :]
        weight = np.where(both, 0.0, np.where(one, alpha, 1.0))
        new = argmax_links(sim * weight) & ~both & ~links
        if not new.any():
            break
        links |= new
    return links


def match_links(sim: Matrix) -> Mask:
    """A maximum-weight bipartite matching (``min(m, n)`` links)."""
    m, n = sim.shape
    out = np.zeros((m, n), dtype=bool)
    if m == 0 or n == 0:
        return out
    try:
        from scipy.optimize import linear_sum_assignment
    except ImportError as exc:
        raise ConfigError("method 'match' needs scipy: pip install 'xlner[neural]'") from exc
    rows, cols = linear_sum_assignment(sim, maximize=True)
    out[rows, cols] = True
    return out


def softmax(x: Matrix, axis: int) -> Matrix:
    shifted = x - x.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)  # type: ignore[no-any-return]


def softmax_links(scores: Matrix, threshold: float = 1e-3) -> tuple[Mask, Mask]:
    """AWESoME's extraction: ``(forward, reverse)`` masks of probabilities above ``threshold``.

    Forward normalises each source row over the targets, reverse each target column over the
    sources; AWESoME's alignment is their intersection.
    """
    m, n = scores.shape
    if m == 0 or n == 0:
        empty = np.zeros((m, n), dtype=bool)
        return empty, empty.copy()
    return softmax(scores, axis=1) > threshold, softmax(scores, axis=0) > threshold


def cosine_similarity(a: npt.NDArray[Any], b: npt.NDArray[Any]) -> Matrix:
    """Cosine similarity rescaled to [0, 1] (``(cos + 1) / 2``), as SimAlign does."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    an = a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-12)
    bn = b / np.maximum(np.linalg.norm(b, axis=1, keepdims=True), 1e-12)
    return (an @ bn.T + 1.0) / 2.0  # type: ignore[no-any-return]


def lift_links(mask: Mask, src_word_of: npt.NDArray[np.int64],
               tgt_word_of: npt.NDArray[np.int64]) -> Links:
    """Word links from subword links: words linked when any of their subwords are."""
    si, tj = np.nonzero(mask)
    if si.size == 0:
        return empty_links()
    return as_links(np.stack([src_word_of[si], tgt_word_of[tj]], axis=1))


def word_means(vectors: npt.NDArray[np.float32], word_of: npt.NDArray[np.int64],
               n_words: int) -> npt.NDArray[np.float64]:
    """Mean subword vector of each word."""
    sums = np.zeros((n_words, vectors.shape[1]), dtype=np.float64)
    np.add.at(sums, word_of, vectors)
    counts = np.bincount(word_of, minlength=n_words).astype(np.float64)
    means: npt.NDArray[np.float64] = sums / np.maximum(counts, 1.0)[:, None]
    return means


# --------------------------------------------------------------------------- encoder


class Embedder(Component):
    """Hidden states of one layer of a Hugging Face encoder for word-tokenised sentences."""

    name = "embedder"
    setting_attrs: ClassVar[Mapping[str, str]] = {"model": "model_name"}
    hidden_settings = frozenset({"device"})

    def __init__(self, model: str | Path, *, layer: int = 8, device: str | None = "auto",
                 batch_size: int = 32, max_length: int | None = None,
                 long_inputs: str = "window", stride: int | None = None) -> None:
        if long_inputs not in LONG_INPUTS:
            raise ConfigError(f"long_inputs must be one of {', '.join(LONG_INPUTS)}, "
                              f"not {long_inputs!r}")
        if batch_size < 1:
            raise ConfigError(f"batch_size must be positive, not {batch_size}")
        self.model_name = str(model)
        self.layer = int(layer)
        self.device_spec = device
        self.batch_size = int(batch_size)
        self.max_length = max_length
        self.long_inputs = long_inputs
        self.stride = stride
        self._loaded: tuple[Any, Any, Any] | None = None

    def load(self) -> tuple[Any, Any, Any]:
        """``(tokenizer, model, device)``, loaded on first use."""
        if self._loaded is None:
            _, transformers = require_torch()
            device = resolve_device(self.device_spec)
            tokenizer = from_pretrained(transformers.AutoTokenizer, self.model_name)
            if not getattr(tokenizer, "is_fast", False):
                raise ConfigError(f"{self.model_name}: a fast tokenizer is needed for word "
                                  "alignment (word ids)")
            model = from_pretrained(transformers.AutoModel, self.model_name)
            n_layers = int(getattr(model.config, "num_hidden_layers", 0))
            if not -n_layers - 1 <= self.layer <= n_layers:
                raise ConfigError(f"{self.model_name} has {n_layers} layers; layer "
                                  f"{self.layer} does not exist (0 = embeddings)")
            model.eval().to(device)
            self._loaded = (tokenizer, model, device)
        return self._loaded

    @property
    def limit(self) -> int:
        tokenizer, model, _ = self.load()
        return model_limit(tokenizer, model.config, self.max_length)

    def embed(self, sentences: Sequence[Sequence[str]]
              ) -> tuple[list[Encoded], list[npt.NDArray[np.float32]]]:
        """Subword maps and one vector per subword for each sentence."""
        tokenizer, model, device = self.load()
        encoded = encode_words(tokenizer, sentences)
        layer = self.layer

        def forward(ids: Any, mask: Any) -> Any:
            out = model(input_ids=ids, attention_mask=mask, output_hidden_states=True)
            return out.hidden_states[layer]

        vectors = run_pieces(encoded, forward, limit=self.limit, specials=specials_of(tokenizer),
                             device=device, batch_size=self.batch_size,
                             long_inputs=self.long_inputs, stride=self.stride)
        return encoded, vectors



class _EncoderAligner(AlignerBase):
    name = "encoder"
    version = 1
    uses_bitext = False
    needs_entities = False
    directional = False
    pairwise = True
    """Each pair is aligned on its own: a batch may be split (actor pools, shards)."""
    hidden_settings = frozenset(p.name for p in init_parameters(Embedder)[0])
    """The encoder's settings: the embedder that holds them describes them."""

    def __init__(self, model: str | Path, layer: int, device: str | None, batch_size: int,
                 max_length: int | None, long_inputs: str, stride: int | None,
                 chunk_size: int = 4096) -> None:
        if chunk_size < 1:
            raise ConfigError(f"chunk_size must be positive, not {chunk_size}")
        self.embedder = Embedder(model, layer=layer, device=device, batch_size=batch_size,
                                 max_length=max_length, long_inputs=long_inputs, stride=stride)
        self.chunk_size = int(chunk_size)

    def _pair_links(self, src: Encoded, tgt: Encoded, src_vec: npt.NDArray[np.float32],
                    tgt_vec: npt.NDArray[np.float32]) -> Links:
        raise NotImplementedError

    def align(self, src: Sequence[Words], tgt: Sequence[Words]) -> list[Links]:
        """Word links of each pair. Source and target sentences are embedded together in
        length-sorted batches, ``chunk_size`` pairs at a time (bounding the memory held)."""
        check_batch(src, tgt)
        out: list[Links] = []
        with task(f"{self.name}: aligning", total=len(src), unit="pair") as done:
            for lo in range(0, len(src), self.chunk_size):
                chunk_src = src[lo:lo + self.chunk_size]
                chunk_tgt = tgt[lo:lo + self.chunk_size]
                encoded, vectors = self.embedder.embed([*chunk_src, *chunk_tgt])
                n = len(chunk_src)
                out.extend(self._pair_links(encoded[k], encoded[n + k], vectors[k],
                                            vectors[n + k])
                           if len(encoded[k]) and len(encoded[n + k]) else empty_links()
                           for k in range(n))
                done.update(n)
        return out

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), **self.embedder.settings()}


class SimAlignAligner(_EncoderAligner):
    """SimAlign-style alignment (argmax, itermax or match) from encoder similarities."""

    name = "simalign"
    version = 1

    def __init__(self, model: str | Path = DEFAULT_MODEL, method: str = "itermax", *,
                 layer: int = 8, level: str = "subword", iterations: int = 2,
                 alpha: float = 0.9, device: str | None = "auto", batch_size: int = 32,
                 max_length: int | None = None, long_inputs: str = "window",
                 stride: int | None = None, chunk_size: int = 4096) -> None:
        if method not in SIMALIGN_METHODS:
            raise ConfigError(f"simalign method must be one of {', '.join(SIMALIGN_METHODS)}, "
                              f"not {method!r}")
        if level not in ("subword", "word"):
            raise ConfigError(f"simalign level must be 'subword' or 'word', not {level!r}")
        super().__init__(model, layer, device, batch_size, max_length, long_inputs, stride,
                         chunk_size)
        self.method = method
        self.level = level
        self.iterations = iterations
        self.alpha = alpha

    def links_from_similarity(self, sim: Matrix) -> Mask:
        if self.method == "argmax":
            return argmax_links(sim)
        if self.method == "itermax":
            return itermax_links(sim, self.iterations, self.alpha)
        return match_links(sim)

    def _pair_links(self, src: Encoded, tgt: Encoded, src_vec: npt.NDArray[np.float32],
                    tgt_vec: npt.NDArray[np.float32]) -> Links:
        if self.level == "word":
            sim = cosine_similarity(word_means(src_vec, src.word_of, src.n_words),
                                    word_means(tgt_vec, tgt.word_of, tgt.n_words))
            return as_links(np.argwhere(self.links_from_similarity(sim)))
        sim = cosine_similarity(src_vec, tgt_vec)
        return lift_links(self.links_from_similarity(sim), src.word_of, tgt.word_of)

    def shows(self, setting: str) -> bool:
        """``iterations`` and ``alpha`` only for ``itermax``, the method that reads them."""
        return setting not in ("iterations", "alpha") or self.method == "itermax"


class AwesomeAligner(_EncoderAligner):
    """AWESoME-style alignment: bidirectional softmax over dot products, thresholded."""

    name = "awesome"
    version = 1

    def __init__(self, model: str | Path = DEFAULT_MODEL, *, layer: int = 8,
                 threshold: float = 1e-3, symmetrize: str = "intersection",
                 device: str | None = "auto", batch_size: int = 32,
                 max_length: int | None = None, long_inputs: str = "window",
                 stride: int | None = None, chunk_size: int = 4096) -> None:
        from xlner.align.symmetrize import canonical_name, get_method

        super().__init__(model, layer, device, batch_size, max_length, long_inputs, stride,
                         chunk_size)
        if not 0.0 <= threshold < 1.0:
            raise ConfigError(f"awesome threshold must be in [0, 1), not {threshold}")
        self.threshold = threshold
        self.symmetrize = canonical_name(symmetrize)
        self._sym = get_method(self.symmetrize)

    def _pair_links(self, src: Encoded, tgt: Encoded, src_vec: npt.NDArray[np.float32],
                    tgt_vec: npt.NDArray[np.float32]) -> Links:
        scores = np.asarray(src_vec, dtype=np.float64) @ np.asarray(tgt_vec, dtype=np.float64).T
        fwd, rev = softmax_links(scores, self.threshold)
        if self.symmetrize == "intersection":  # AWESoME's own: intersect subword links
            return lift_links(fwd & rev, src.word_of, tgt.word_of)
        return self._sym(lift_links(fwd, src.word_of, tgt.word_of),
                         lift_links(rev, src.word_of, tgt.word_of))



def torch_available() -> bool:
    """Whether the neural extra is importable (without importing it)."""
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in ("torch", "transformers"))


__all__ = ["AwesomeAligner", "Embedder", "SimAlignAligner", "argmax_links", "cosine_similarity",
           "itermax_links", "lift_links", "match_links", "require_torch", "softmax_links",
           "torch_available", "word_means"]

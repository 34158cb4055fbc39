"""Translation-likelihood score (NMTScore-style; docs/method.md §4).

For source entity text ``p`` (language ``src_lang``) and candidate text ``t`` (``tgt_lang``),
with ``P(y|x)`` the length-normalised probability of ``y`` given ``x`` under a translation
model (``exp`` of the mean token log-probability, end of sentence included, forced language
token excluded; forced decoding, no search)::

    c(p, t) = ½ · [ P(t|p) / P(t|t) + P(p|t) / P(p|p) ]

Both directions are used (symmetric), and each is normalised by the self-translation
likelihood of its output (so a text that is hard to produce at all is not penalised). Scores are
capped at 1 (``clip``) and set to 0 below ``threshold`` (0.1 as in the thesis). All distinct
``(p, t)`` pairs of a batch go through the model together, batched by the translator's token
budget; identical pairs and texts are scored once.

The translator is any object with ``log_likelihood(sources, targets, src_lang, tgt_lang)``
(the ``nllb``/``m2m100``/``marian``/``hf``/``ct2`` translators), given by spec or as an object.
Languages come from ``src_lang``/``tgt_lang`` or per sentence from ``extras["src_lang"]`` and
``extras["tgt_lang"]``. As a spec: ``nmt(translator=nllb,device=cuda,max_tokens=16000,src_lang=en,
tgt_lang=hau)`` or ``nmt(translator=ct2,translator_model=/models/nllb-3.3b-ct2,...)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from xlner.errors import ConfigError
from xlner.project.base import ProjectionInput
from xlner.protocols import Component

FloatArray = npt.NDArray[np.float64]


@runtime_checkable
class LikelihoodModel(Protocol):
    def log_likelihood(self, sources: Sequence[str], targets: Sequence[str], src_lang: str,
                       tgt_lang: str) -> FloatArray: ...

    def describe(self) -> dict[str, Any]: ...


class NMTScorer(Component):
    """Symmetric, length- and self-normalised translation likelihood of (entity, candidate)."""

    name = "nmt"
    version = 1
    hidden_settings = frozenset({"translator_model", "device", "max_tokens"})

    def __init__(self, translator: str | LikelihoodModel = "nllb", *,
                 src_lang: str | None = None, tgt_lang: str | None = None,
                 threshold: float = 0.1, clip: bool = True, translator_model: str | None = None,
                 device: str | None = None, max_tokens: int | None = None) -> None:
        from xlner.translate import translator_from

        translator = translator_from(translator, model=translator_model, device=device,
                                     max_tokens=max_tokens)
        if not isinstance(translator, LikelihoodModel):
            raise ConfigError(f"translator {type(translator).__name__} cannot score "
                              "translations (it has no log_likelihood)")
        if not 0.0 <= threshold < 1.0:
            raise ConfigError(f"nmt threshold must be in [0, 1), not {threshold}")
        self.translator = translator
        self.src_lang = src_lang
        self.tgt_lang = tgt_lang
        self.threshold = threshold
        self.clip = clip
        self.last_pairs = 0

    def _languages(self, item: ProjectionInput, index: int) -> tuple[str, str]:
        src = item.extras.get("src_lang", self.src_lang)
        tgt = item.extras.get("tgt_lang", self.tgt_lang)
        if src is None or tgt is None:
            raise ConfigError(f"sentence {index}: the nmt score needs src_lang and tgt_lang "
                              "(scorer parameters or extras)")
        return str(src), str(tgt)

    def pair_scores(self, sources: Sequence[str], targets: Sequence[str], src_lang: str,
                    tgt_lang: str) -> FloatArray:
        """``c(p, t)`` of each ``(sources[k], targets[k])`` pair (one language pair)."""
        if len(sources) != len(targets):
            raise ValueError(f"{len(sources)} sources but {len(targets)} targets")
        if not sources:
            return np.zeros(0, dtype=np.float64)
        pairs = sorted(set(zip(sources, targets, strict=True)))
        ps = sorted({p for p, _ in pairs})
        ts = sorted({t for _, t in pairs})
        ll = self.translator.log_likelihood
        forward = ll([p for p, _ in pairs], [t for _, t in pairs], src_lang, tgt_lang)
        backward = ll([t for _, t in pairs], [p for p, _ in pairs], tgt_lang, src_lang)
        self_t = dict(zip(ts, ll(ts, ts, tgt_lang, tgt_lang), strict=True))
        self_p = dict(zip(ps, ll(ps, ps, src_lang, src_lang), strict=True))
        norm_t = np.array([self_t[t] for _, t in pairs])
        norm_p = np.array([self_p[p] for p, _ in pairs])
        values = 0.5 * (np.exp(forward - norm_t) + np.exp(backward - norm_p))
        if self.clip:
            values = np.minimum(values, 1.0)
        values[values < self.threshold] = 0.0
        self.last_pairs += len(pairs)
        index = {pair: k for k, pair in enumerate(pairs)}
        return np.array([values[index[pair]] for pair in zip(sources, targets, strict=True)],
                        dtype=np.float64)

    def _flat(self, batch: Sequence[ProjectionInput], sent: Sequence[int],
              ent: Sequence[int], start: Sequence[int], end: Sequence[int]) -> FloatArray:
        """Scores of pairs given as (sentence, entity index in sentence, candidate span)."""
        groups: dict[tuple[str, str], list[int]] = {}
        texts_p: list[str] = []
        texts_t: list[str] = []
        langs: dict[int, tuple[str, str]] = {}
        for k, (s, e, a, b) in enumerate(zip(sent, ent, start, end, strict=True)):
            item = batch[s]
            if s not in langs:
                langs[s] = self._languages(item, s)
            entity = item.entities[e]
            texts_p.append(" ".join(item.src_words[entity[0]:entity[1]]))
            texts_t.append(" ".join(item.tgt_words[a:b]))
            groups.setdefault(langs[s], []).append(k)
        out = np.zeros(len(texts_p), dtype=np.float64)
        for (src_lang, tgt_lang), members in groups.items():
            out[members] = self.pair_scores([texts_p[k] for k in members],
                                            [texts_t[k] for k in members], src_lang, tgt_lang)
        return out

    def score(self, batch: Any, candidates: Sequence[Any] | None = None) -> Any:
        """Per-sentence ``(n_entities, n_candidates)`` matrices for ``(batch, candidates)``;
        given a pair grid alone (an object with ``pair_ent``/``pair_cand`` arrays), one score
        per pair of the grid."""
        self.last_pairs = 0
        if candidates is None and hasattr(batch, "pair_ent"):
            grid = batch
            sent = grid.ent_sent[grid.pair_ent]
            ent = grid.pair_ent - grid.ent_offsets[sent]
            return self._flat(grid.batch, sent.tolist(), ent.tolist(),
                              grid.cand_start[grid.pair_cand].tolist(),
                              grid.cand_end[grid.pair_cand].tolist())
        if candidates is None or len(candidates) != len(batch):
            raise ValueError("score(batch, candidates) needs one candidate array per sentence")
        sent, ent, start, end = [], [], [], []
        shapes = []
        for s, (item, spans) in enumerate(zip(batch, candidates, strict=True)):
            spans = np.asarray(spans, dtype=np.int64).reshape(-1, 2)
            shapes.append((len(item.entities), len(spans)))
            for e in range(len(item.entities)):
                for a, b in spans.tolist():
                    sent.append(s)
                    ent.append(e)
                    start.append(a)
                    end.append(b)
        flat = self._flat(batch, sent, ent, start, end)
        out: list[FloatArray] = []
        offset = 0
        for n_ent, n_cand in shapes:
            out.append(flat[offset:offset + n_ent * n_cand].reshape(n_ent, n_cand))
            offset += n_ent * n_cand
        return out

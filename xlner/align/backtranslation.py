"""Back-translation refinement (docs/method.md §2) as an alignment strategy for any projection
method.

For a source sentence ``S`` with entities and its target sentence ``T``:

1. translate ``S`` back into the target language with entity markers (EasyProject style,
   :func:`xlner.translate.markers.translate_with_markers`), giving ``T'`` and, for each source
   entity whose markers survived, its span in ``T'``;
2. align ``T'`` with ``T`` (a same-language pair) with a monolingual aligner (default eflomal
   with identity priors, which favour copied words);
3. compose: the words of a source entity ``p`` are linked to the words of its span ``m`` in
   ``T'`` monotonically and proportionally (word ``i`` of ``p`` ↔ word ``⌊i·|m|/|p|⌋`` of ``m``
   and back, so every word on either side has a link), and through the monolingual links to
   ``T``.

The result is an ordinary ``(source word, target word)`` link array per sentence pair, so the
heuristic and candidate matching use it unchanged. Links exist only for words of source
entities (the only words projection reads); an entity whose markers were lost or not matched
gets no links and is reported unprojected (``no-aligned-words``) by the projection method,
never silently. The marked translations of the last call are kept in ``last_marked``.

In the authors' released results this was worse on average than direct alignment (it helped
Japanese and Thai): an option to measure, not a default.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xlner.align.base import Aligner, AlignerBase, Words, check_batch
from xlner.data import Entity, Links, Sentence, as_links, empty_links
from xlner.errors import ConfigError
from xlner.translate.base import Translator
from xlner.translate.markers import MarkedTranslation, translate_with_markers


def proportional_links(src_len: int, tgt_len: int) -> list[tuple[int, int]]:
    """Monotone links between two spans: ``i → ⌊i·m/n⌋`` and ``j → ⌊j·n/m⌋`` (union)."""
    pairs = {(i, i * tgt_len // src_len) for i in range(src_len)}
    pairs |= {(j * src_len // tgt_len, j) for j in range(tgt_len)}
    return sorted(pairs)


def compose_links(src_entities: Sequence[Entity], marked: MarkedTranslation,
                  mono: Links) -> Links:
    """Source→target links through the matched spans of ``marked`` and the ``T'``→``T``
    links ``mono``."""
    by_bt: dict[int, list[int]] = {}
    for b, j in mono.tolist():
        by_bt.setdefault(b, []).append(j)
    pairs: set[tuple[int, int]] = set()
    for span, k in zip(marked.entities, marked.sources, strict=True):
        ent = src_entities[k]
        for di, db in proportional_links(ent.end - ent.start, span.end - span.start):
            for j in by_bt.get(span.start + db, ()):
                pairs.add((ent.start + di, j))
    return as_links(sorted(pairs)) if pairs else empty_links()


class BackTranslationAligner(AlignerBase):
    """Links composed through a marker-preserving back-translation (needs source entities).

    ``translator`` and ``aligner`` are component specs or objects (``translator_model``,
    ``device``, ``max_tokens``, ``beam_size`` set the translator built from a spec);
    ``src_lang`` is the language of the source sentences (usually English), ``tgt_lang`` that of
    the target sentences.
    """

    name = "backtranslation"
    version = 1
    needs_entities = True
    hidden_settings = frozenset({"translator_model", "device", "max_tokens", "beam_size",
                                 "open_marker", "close_marker"})
    """The translator's settings are in its description, the markers in ``markers``."""
    src_lang: str
    tgt_lang: str
    threshold: float
    tokenizer: str
    open_marker: str
    close_marker: str

    def __init__(self, translator: str | Translator = "nllb", *, src_lang: str = "en",
                 tgt_lang: str | None = None,
                 aligner: str | Aligner = "eflomal(identity_prior=1.0)",
                 threshold: float = 0.5, tokenizer: str = "xlner", open_marker: str = "[",
                 close_marker: str = "]", translator_model: str | None = None,
                 device: str | None = None, max_tokens: int | None = None,
                 beam_size: int | None = None) -> None:
        if tgt_lang is None:
            raise ConfigError("backtranslation needs tgt_lang, the language of the target "
                              "sentences")
        from xlner.translate import translator_from

        self.translator: Translator = translator_from(
            translator, model=translator_model, device=device, max_tokens=max_tokens,
            beam_size=beam_size)
        if isinstance(aligner, str):
            from xlner.align import create_aligner

            aligner = create_aligner(aligner)
        self.aligner = aligner
        self.keep(locals())  # src_lang, tgt_lang, threshold, tokenizer, markers as given
        self.last_marked: list[MarkedTranslation] = []

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "markers": [self.open_marker, self.close_marker]}

    def align(self, src: Sequence[Words], tgt: Sequence[Words],
              entities: Sequence[Sequence[Entity]] | None = None) -> list[Links]:
        """Links of each pair; ``entities`` (per source sentence) are required."""
        if entities is None:
            raise ConfigError("the backtranslation aligner needs the source entities: pass "
                              "entities= (projection pipelines and benchmarks do)")
        check_batch(src, tgt)
        if len(entities) != len(src):
            raise ConfigError(f"{len(entities)} entity lists for {len(src)} sentences")
        return self.align_sentences([Sentence(tuple(w), tuple(e))
                                     for w, e in zip(src, entities, strict=True)], tgt)

    def align_sentences(self, src: Sequence[Sentence], tgt: Sequence[Words]) -> list[Links]:
        check_batch([s.words for s in src], tgt)
        marked = translate_with_markers(
            self.translator, src, self.src_lang, self.tgt_lang, threshold=self.threshold,
            tokenizer=self.tokenizer, open_marker=self.open_marker,
            close_marker=self.close_marker)
        self.last_marked = marked
        mono = self.aligner.align([m.words for m in marked], [tuple(t) for t in tgt])
        out = []
        for sent, item, links, words in zip(src, marked, mono, tgt, strict=True):
            composed = compose_links(sent.entities, item, links)
            if composed.size and (composed[:, 1].max() >= len(words)
                                  or composed[:, 0].max() >= len(sent.words)):
                raise ConfigError("the monolingual aligner returned links outside the sentences")
            out.append(composed)
        return out

    def stats(self) -> dict[str, int]:
        """Counts over the last call: entities matched, lost markers, low similarity."""
        counts = {"matched": 0, "markers-lost": 0, "low-similarity": 0, "unbalanced": 0}
        for item in self.last_marked:
            counts["matched"] += len(item.entities)
            counts["unbalanced"] += item.unbalanced_markers
            for miss in item.unmatched:
                counts[miss.reason] = counts.get(miss.reason, 0) + 1
        return counts

"""Translate-test: translate target-language sentences into the tagger's language (English),
tag the translations, project the predicted entities back onto the original target words and
score them against the target gold. No model is trained.

Stages written into the output directory (when one is given), each with its signature and
reused by a re-run with the same inputs and settings::

    translations.jsonl, translations.<tokenizer>.txt   the target sentences translated, split
    tagged.conll                                       the tagger's entities on the translations
    align/forward.txt, reverse.txt                     translation ↔ target links
    predictions.conll                                  entities projected onto the target words
                                                       (+ .report.json, .details.jsonl)
    scores.json                                        span P/R/F1 against the target gold
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlner.align.base import Aligner, is_pairwise
from xlner.corpora.conll import read_conll, write_conll
from xlner.corpora.corpus import Corpus
from xlner.corpora.labels import LabelMap
from xlner.data import Sentence
from xlner.errors import ConfigError
from xlner.evaluate.metrics import Scores, evaluate
from xlner.files import model_digest, write_json
from xlner.pipelines.actors import pool_batch, pooled
from xlner.pipelines.config import RunConfig
from xlner.pipelines.project import check_parallel
from xlner.pipelines.report import ProjectionReport
from xlner.pipelines.stages import Workspace, component_key
from xlner.pipelines.steps import (
    align_step,
    check_language,
    make_aligner,
    project_step,
    resolve_tokenizer,
    translate_step,
    words_description,
)
from xlner.pipelines.tagging import PREDICT_BATCH, predict_entities
from xlner.project.limits import Limits
from xlner.project.recipes import resolve_method
from xlner.project.scores.tagger import TAG_BATCH
from xlner.signature import make_signature
from xlner.tag.base import Tagger
from xlner.translate.base import Translator

log = logging.getLogger(__name__)


@dataclass
class TranslateTestResult:
    lang: str
    scores: Scores | None
    """``None`` when the target has no gold labels to score against."""
    predictions: Corpus
    tagged: Corpus
    report: ProjectionReport
    signature: dict[str, Any]
    seconds: dict[str, float] = field(default_factory=dict)
    reused: list[str] = field(default_factory=list)
    computed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"signature": self.signature, "lang": self.lang,
                "scores": None if self.scores is None else self.scores.to_dict(),
                "projection": self.report.to_dict(),
                "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
                "stages": {"reused": self.reused, "computed": self.computed}}


def _resolve(spec: str | Path, params: dict[str, Any] | None) -> tuple[Tagger, Any]:
    """A tagger and its stage key from a saved directory (keyed by its files' digest), a tagger
    spec or a Hugging Face model."""
    from xlner.tag import META_FILE, load_tagger, resolve_tagger

    path = Path(spec)
    if (path / META_FILE).is_file():
        tagger = resolve_tagger(path, **params) if params else load_tagger(path)
        return tagger, {"dir": str(path), **model_digest(path)}
    if path.is_dir() and not (path / "config.json").is_file():
        load_tagger(path)  # neither a saved tagger nor a checkpoint: raises a clear error
    tagger = resolve_tagger(spec, **(params or {}))
    return tagger, component_key(tagger)


def translate_test(target: Corpus, translator: Translator, tagger: Tagger | str | Path,
                   lang: str, out_dir: str | Path | None = None, *, pivot_lang: str = "en",
                   tokenizer: str = "auto", method: str = "heuristic",
                   aligner: str | Aligner = "eflomal",
                   aligner_params: dict[str, Any] | None = None, bitext: bool = True,
                   pred_label_map: LabelMap | None = None, anchors: bool = False,
                   data_dir: str | Path | None = None, download: bool = True,
                   resume: bool = True,
                   tagger_params: dict[str, Any] | None = None,
                   target_tagger: Tagger | str | Path | None = None,
                   target_tagger_params: dict[str, Any] | None = None,
                   config: RunConfig | None = None,
                   limits: Limits | None = None) -> TranslateTestResult:
    """Run translate-test on ``target`` (sentences in ``lang``, gold labels if any).

    ``tagger`` is a tagger, the directory of a saved one, a tagger spec (``hf(model=...)``) or
    a Hugging Face token-classification model name (``tagger_params`` go to the backend, e.g.
    ``device``; see :func:`xlner.tag.resolve_tagger`). ``pred_label_map`` renames or
    drops predicted classes before projection (e.g. ``MISC=O`` when the target gold has no
    MISC); map the gold's classes when loading ``target``. ``anchors`` adds orthographic
    anchors to the links (:mod:`xlner.align.anchors`). ``target_tagger`` (same forms as
    ``tagger``; a multilingual tagger run on the target sentences) feeds the methods that read
    a target tagger: the ``tagger`` candidates and the ``tagger`` score of candidate matching.
    A pair over the ``limits`` (:mod:`xlner.project.limits`) is not aligned: it is reported
    failed in the projection report (its prediction has no entities), the rest projected.
    With ``config.engine == "ray"`` the tagger (given as a spec, name or directory) and a
    neural aligner (given as a spec) run as Ray actor pools that load their model once per
    actor (:func:`xlner.pipelines.actors.pooled`); outputs and stage keys are the local ones.
    """
    check_language(lang)
    check_language(pivot_lang)
    for k, sent in enumerate(target):
        if not sent.words:
            raise ConfigError(f"target sentence {k} is empty")
    model_key: Any
    tagger_spec = str(tagger) if isinstance(tagger, str | Path) else None
    if isinstance(tagger, str | Path):
        tagger, model_key = _resolve(tagger, tagger_params)
    else:
        model_key = component_key(tagger)
    target_tagger_key: Any = None
    target_tagger_spec = str(target_tagger) if isinstance(target_tagger, str | Path) else None
    if isinstance(target_tagger, str | Path):
        target_tagger, target_tagger_key = _resolve(target_tagger, target_tagger_params)
    elif target_tagger is not None:
        target_tagger_key = component_key(target_tagger)
    resolved = resolve_method(method)
    ws = Workspace(out_dir, resume=resume)
    tokenizer = resolve_tokenizer(tokenizer, translator)
    seconds: dict[str, float] = {}
    inputs = {"target": words_description(target)}
    t0 = time.perf_counter()
    words, split_key = translate_step(ws, target.words, translator, src_lang=lang,
                                      tgt_lang=pivot_lang, tokenizer=tokenizer, inputs=inputs)
    seconds["translate"] = time.perf_counter() - t0
    check_parallel(target, words, target.name, "its translations")

    # tag the translations
    pmap = None if pred_label_map is None or pred_label_map.is_identity else pred_label_map
    tag_st = ws.stage("tag", "tagged.conll", split_key, model_key,
                      None if pmap is None else pmap.describe())
    t0 = time.perf_counter()
    if ws.reuse(tag_st):
        assert tag_st.path is not None
        read = read_conll(tag_st.path, name="tagged translations")
        if read.words != [tuple(w) for w in words]:
            raise ConfigError(f"{tag_st.path} does not hold the translations' words; delete it")
        # described by content as when tagged now: a resumed run's outputs are the same
        tagged = Corpus([Sentence(s.words, s.entities) for s in read],
                        name="tagged translations")
    else:
        tag_st.start()
        with pooled(config if tagger_spec else None, "tagger", tagger_spec or "",
                    tagger_params, "predict", batch_size=PREDICT_BATCH) as run_tagger:
            entities = predict_entities(tagger, words, run=run_tagger)
        sentences = [Sentence(tuple(w), tuple(e)) for w, e in
                     zip(words, entities, strict=True)]
        if pmap is not None:
            sentences = [pmap.apply_sentence(s) for s in sentences]
        tagged = Corpus(sentences, name="tagged translations")
        if tag_st.path is not None:
            write_conll(tag_st.path, tagged)
        tag_st.finish(make_signature("tag", inputs={"translations": split_key,
                                                    "tagger": model_key},
                                     components={"tagger": tagger},
                                     params={"pred_label_map": None if pmap is None
                                             else pmap.describe()}))
    seconds["tag"] = time.perf_counter() - t0

    # align translation ↔ target and project back
    al = make_aligner(aligner, aligner_params, lang=lang, src_lang=pivot_lang,
                      data_dir=data_dir, download=download, bitext=bitext)
    with pooled(config if isinstance(aligner, str) and is_pairwise(al) else None, "aligner",
                str(aligner), aligner_params, "align",
                batch_size=pool_batch(al)) as run_aligner:
        aligned, align_key, seconds["align"] = align_step(
            ws, tagged.words, target.words, al, upstream=[inputs, split_key],
            entities=[s.entities for s in tagged], limits=limits, run=run_aligner)
    with pooled(config if target_tagger_spec else None, "tagger", target_tagger_spec or "",
                target_tagger_params, "predict", batch_size=TAG_BATCH) as run_target_tagger:
        projected = project_step(ws, "predictions.conll", tagged, target.words, resolved,
                                 aligned, al, upstream=[target.describe(), align_key, tag_st.key],
                                 target_name=target.name, anchors=anchors,
                                 target_tagger=target_tagger,
                                 target_tagger_key=target_tagger_key, limits=limits,
                                 tag_run=run_target_tagger)
    seconds["project"] = projected.seconds
    predictions = Corpus([Sentence(t.words, p.entities, t.origin) for t, p in
                          zip(target, projected.corpus, strict=True)],
                         name=f"{target.name} (translate-test)")
    has_gold = any(s.entities for s in target)
    scores = evaluate(target.sentences, predictions.sentences) if has_gold else None
    signature = make_signature(
        "translate-test", inputs={"target": target.describe(), "tagger": model_key},
        components={"translator": translator, "tagger": tagger, "aligner": al,
                    "method": resolved,
                    **({"target_tagger": target_tagger} if target_tagger is not None else {})},
        params={"lang": lang, "pivot_lang": pivot_lang, "tokenizer": tokenizer,
                "symmetrize": projected.symmetrize, "anchors": anchors,
                "pred_label_map": None if pmap is None else pmap.describe(),
                **({"config": config.digest_view()} if config is not None else {})})
    result = TranslateTestResult(lang, scores, predictions, tagged, projected.report, signature,
                                 seconds, ws.reused, ws.computed)
    if ws.out_dir is not None:
        write_json(ws.out_dir / "scores.json", result.to_dict())
    return result

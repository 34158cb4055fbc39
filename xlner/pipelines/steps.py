"""Steps shared by the translate-train and translate-test pipelines, each a resumable stage:
translate, split into words, align, project, train a tagger, evaluate."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xlner.align import create_aligner
from xlner.align.anchors import add_anchors_batch
from xlner.align.base import Aligner, needs_entities, read_pharaoh, uses_bitext, write_pharaoh
from xlner.align.util import DirectionalLinks, align_batch, directional_extras, links_for
from xlner.corpora.conll import write_conll
from xlner.corpora.corpus import Corpus
from xlner.data import Entity, Links, Sentence
from xlner.errors import ConfigError, CorpusNotFoundError, InputError, XlnerError
from xlner.evaluate.metrics import Scores, evaluate
from xlner.files import atomic_folder, atomic_write, write_json
from xlner.pipelines.project import expand_aligned, project_corpus
from xlner.pipelines.report import ProjectionReport
from xlner.pipelines.stages import Workspace, component_key
from xlner.pipelines.tagging import SIGNATURE_FILE, predict_entities
from xlner.project.base import ProjectionResult, Unprojected
from xlner.project.limits import Limits
from xlner.project.recipes import Method
from xlner.signature import make_signature
from xlner.tag.base import META_FILE, Tagger
from xlner.translate.base import Translator
from xlner.translate.langcodes import lookup
from xlner.translate.split import join_words, split_translations

if TYPE_CHECKING:
    from xlner.pipelines.shards import ShardedAlignment

log = logging.getLogger(__name__)

Words = tuple[str, ...]
ANCHORS_VERSION = 1


def check_language(code: str) -> str:
    """Validate a language code (clear error for an unknown one); returns it stripped."""
    lookup(code)
    return code.strip()


def method_slug(spec: str) -> str:
    """A file-name-safe form of a method spec (``heuristic(d=2)@union`` →
    ``heuristic-d-2-union``)."""
    slug = re.sub(r"[^\w.]+", "-", spec.strip()).strip("-")
    return slug or "method"


def make_aligner(spec: str | Aligner = "eflomal", params: dict[str, Any] | None = None, *,
                 lang: str, src_lang: str = "en", data_dir: str | Path | None = None,
                 download: bool = True, bitext: bool = True) -> Aligner:
    """An aligner for ``src_lang``→``lang`` pairs; for eflomal the defaults the pipelines are
    tuned with: identity priors 1.0 (copied names and numbers) and the bitext
    ``bitext:<src>-<lang>`` when it is available (skipped, with a log line, when not)."""
    if not isinstance(spec, str):
        return spec
    params = dict(params or {})
    if uses_bitext(spec):
        params.setdefault("data_dir", data_dir)
        params.setdefault("download", download)
        if bitext and "bitext" not in params:
            name = f"bitext:{src_lang}-{lang}"
            try:
                from xlner.corpora.named import load_bitext

                params["bitext"] = load_bitext([name], data_dir=data_dir, download=download)
            except (CorpusNotFoundError, ConfigError, XlnerError) as exc:
                log.info("no bitext %s for the aligner: %s", name, exc)
    return create_aligner(spec, **params)


# -- translate and split -----------------------------------------------------------------------
def words_description(corpus: Corpus) -> dict[str, Any]:
    """A corpus's identity by its words alone (labels left out): what translation and
    alignment depend on, so that relabelling the source does not redo them."""
    from xlner.files import text_digest

    return {"name": corpus.name, "sentences": len(corpus),
            "words": text_digest(" ".join(s.words) for s in corpus)}


def resolve_tokenizer(tokenizer: str, translator: Translator) -> str:
    """``auto``: ``whitespace`` for translators whose output is already split into words
    (e.g. a cache read from CoNLL), else ``xlner``."""
    if tokenizer != "auto":
        return tokenizer
    return "whitespace" if getattr(translator, "pre_split", False) else "xlner"


def translate_step(ws: Workspace, sentences: Sequence[Sequence[str]], translator: Translator, *,
                   src_lang: str, tgt_lang: str, tokenizer: str, inputs: dict[str, Any],
                   prefix: str = "", run: Callable[[Sequence[str], str, str], list[str]]
                   | None = None) -> tuple[list[Words], str]:
    """Translate word-split sentences and split the translations into words. ``run``
    translates in place of ``translator.translate`` (the same translator elsewhere, e.g. an
    actor pool: :func:`xlner.pipelines.actors.pooled_translate`); the key is the translator's.

    Writes ``translations.jsonl`` (index, source, translation: a valid cache for the
    ``cached`` translator) and ``translations.<tokenizer>.txt`` (words joined by spaces).
    Returns the words of each translation and the stage key.
    """
    tokenizer = resolve_tokenizer(tokenizer, translator)
    texts = [join_words(s) for s in sentences]
    for k, sentence in enumerate(sentences):
        if not sentence:
            raise InputError(f"sentence {k} to translate is empty")
    st = ws.stage("translate", f"{prefix}translations.jsonl", inputs, component_key(translator),
                  src_lang, tgt_lang)
    if ws.reuse(st):
        assert st.path is not None
        raw = _read_translations(st.path, len(texts))
    else:
        st.start()
        t0 = time.perf_counter()
        raw = (run or translator.translate)(texts, src_lang, tgt_lang)
        if len(raw) != len(texts):
            raise XlnerError(f"translator {translator.name} returned {len(raw)} translations "
                             f"for {len(texts)} sentences")
        seconds = time.perf_counter() - t0
        if st.path is not None:
            with atomic_write(st.path) as handle:
                for k, (src, tgt) in enumerate(zip(texts, raw, strict=True)):
                    handle.write(json.dumps({"index": k, "source": src, "translation": tgt},
                                            ensure_ascii=False) + "\n")
        st.finish(make_signature("translate", inputs=inputs,
                                 components={"translator": translator},
                                 params={"src_lang": src_lang, "tgt_lang": tgt_lang,
                                         "seconds": round(seconds, 3)}))
    origin = getattr(translator, "origin", None)
    split = ws.stage("split", f"{prefix}translations.{tokenizer}.txt", st.key, tokenizer)
    if ws.reuse(split):
        assert split.path is not None
        words = [tuple(line.split(" ")) for line in
                 split.path.read_text(encoding="utf-8").splitlines()]
        if len(words) != len(texts):
            raise InputError(f"{len(words)} lines for {len(texts)} sentences", source=split.path)
    else:
        split.start()
        words = split_translations(raw, tokenizer, origin=origin if callable(origin) else None)
        if split.path is not None:
            with atomic_write(split.path) as handle:
                for w in words:
                    handle.write(" ".join(w) + "\n")
        split.finish(make_signature("split translations", inputs={"translations": st.key},
                                    params={"tokenizer": tokenizer}))
    return words, split.key


def _read_translations(path: Path, n: int) -> list[str]:
    out = []
    with open(path, encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, 1):
            try:
                out.append(json.loads(line)["translation"])
            except (json.JSONDecodeError, KeyError, TypeError):
                raise InputError("not a translations line", source=path, line=lineno) from None
    if len(out) != n:
        raise InputError(f"{len(out)} translations for {n} sentences", source=path)
    return out


# -- align ----------------------------------------------------------------------------------
def align_step(ws: Workspace, src: Sequence[Sequence[str]], tgt: Sequence[Sequence[str]],
               aligner: Aligner, *, upstream: Sequence[Any], prefix: str = "",
               entities: Sequence[Sequence[Entity]] | None = None,
               limits: Limits | None = None,
               run: Callable[[Sequence[Sequence[str]], Sequence[Sequence[str]]], list[Links]]
               | None = None, sharded: ShardedAlignment | None = None
               ) -> tuple[DirectionalLinks | list[Links], str, float]:
    """Align the batch; stores forward and reverse links (``align/forward.txt``,
    ``align/reverse.txt``) so that each method symmetrises as it is tuned for.

    ``entities`` (per source sentence) reach aligners that need them (back-translation); the
    stage key then depends on them too, else on the words only. A pair over the ``limits``
    (default :class:`~xlner.project.limits.Limits`; the aligner's own maximum too) is not
    aligned: its links are empty and :func:`project_step` reports it failed (``over-limit``);
    the stage key then names the pairs left out. ``run`` aligns in the aligner's place (an
    actor pool of a pairwise aligner: :func:`xlner.pipelines.actors.pooled`); the key stays
    the aligner's. ``sharded`` aligns the pairs in shards (eflomal with shared priors,
    :class:`~xlner.pipelines.shards.ShardedAlignment`; shard files in ``<prefix>align.shards/``),
    its settings then part of the key; a batch of one shard is aligned (and keyed) as
    unsharded."""
    needs = needs_entities(aligner)
    if needs and entities is None:
        raise ConfigError(f"aligner {getattr(aligner, 'name', aligner)!r} needs the source "
                          "entities")
    over = (limits or Limits()).violations(
        src, tgt, entities if entities is not None else [()] * len(src),
        getattr(aligner, "max_words", None))
    keep = [k for k in range(len(src)) if k not in over]
    ents_key = [[tuple(e) for e in es] for es in entities] if needs and entities else None
    shards = None if sharded is None else sharded.key(len(keep))
    st = ws.stage("align", f"{prefix}align", *upstream, component_key(aligner),
                  *([ents_key] if ents_key is not None else []),
                  *([{"over_limit": sorted(over)}] if over else []),
                  *([{"shards": shards}] if shards is not None else []))
    if ws.reuse(st):
        assert st.path is not None
        seconds = float(st.signature().get("params", {}).get("seconds", 0.0))
        if (st.path / "forward.txt").exists():
            fwd = read_pharaoh(st.path / "forward.txt")
            rev = read_pharaoh(st.path / "reverse.txt")
            return DirectionalLinks(fwd, rev), st.key, seconds
        return read_pharaoh(st.path / "links.txt"), st.key, seconds
    st.start()
    if over:
        log.warning("%d sentence pairs over the limits are not aligned (reported failed; "
                    "first: pair %d: %s)", len(over), min(over), over[min(over)])
    t0 = time.perf_counter()
    def do(s: Sequence[Sequence[str]], t: Sequence[Sequence[str]],
           e: Sequence[Sequence[Entity]] | None) -> DirectionalLinks | list[Links]:
        if shards is not None:
            assert sharded is not None
            folder = None if ws.out_dir is None else ws.out_dir / f"{prefix}align.shards"
            return sharded.align(s, t, folder)
        return run(s, t) if run is not None else align_batch(aligner, s, t, e)

    aligned = expand_aligned(do(
        [src[k] for k in keep], [tgt[k] for k in keep],
        [entities[k] for k in keep] if needs and entities is not None else None),
        keep, len(src)) if over else do(src, tgt, entities if needs else None)
    seconds = time.perf_counter() - t0
    if st.path is not None:
        st.path.mkdir(parents=True, exist_ok=True)
        if isinstance(aligned, DirectionalLinks):
            write_pharaoh(st.path / "forward.txt", aligned.forward)
            write_pharaoh(st.path / "reverse.txt", aligned.reverse)
        else:
            write_pharaoh(st.path / "links.txt", aligned)
    done = {} if shards is None or sharded is None else {"shards": {
        **shards, "total": len(sharded.outcomes),
        "reused": sum(o.reused for o in sharded.outcomes)}}
    st.finish(make_signature("align", inputs={"upstream": list(upstream)},
                             components={"aligner": aligner},
                             params={"seconds": round(seconds, 3), "pairs": len(src), **done}))
    return aligned, st.key, seconds


# -- project --------------------------------------------------------------------------------
@dataclass
class Projected:
    """A projection stage's output."""

    corpus: Corpus
    results: list[ProjectionResult]
    report: ProjectionReport
    symmetrize: str | None
    seconds: float
    key: str


def _result_to_json(k: int, res: ProjectionResult) -> str:
    return json.dumps({"sentence": k, "status": res.status, "detail": res.detail,
                       "entities": [list(e) for e in res.entities], "sources": res.sources,
                       "unprojected": [[*u.entity, u.reason] for u in res.unprojected]},
                      ensure_ascii=False)


def _result_from_json(line: str) -> ProjectionResult:
    d = json.loads(line)
    return ProjectionResult([Entity(*e) for e in d["entities"]], list(d["sources"]),
                            [Unprojected(Entity(s, e, lab), reason)
                             for s, e, lab, reason in d["unprojected"]],
                            d["status"], d["detail"])


def project_step(ws: Workspace, relpath: str, source: Corpus, target: Sequence[Sequence[str]],
                 method: Method, aligned: DirectionalLinks | list[Links], aligner: Aligner, *,
                 upstream: Sequence[Any], target_name: str = "target",
                 anchors: bool = False, target_tagger: Tagger | None = None,
                 target_tagger_key: Any = None, limits: Limits | None = None,
                 tag_run: Callable[..., list[Any]] | None = None) -> Projected:
    """Project ``source``'s entities onto the target words with one method.

    ``target_tagger`` tags the target words (batched) for methods that read a target
    tagger: the ``tagger`` candidate extractor and the ``tagger`` scorer
    (:func:`xlner.project.scores.tagger.target_tag_extras`; ``tag_run`` tags them in its
    place, an actor pool); ``target_tagger_key`` identifies it in the stage key. A pair over
    the ``limits`` (default :class:`~xlner.project.limits.Limits`) is reported failed
    (``over-limit``), the rest projected; limits other than the defaults are part of the stage
    key.

    Writes ``<relpath>`` (CoNLL), ``<relpath>.report.json`` and ``<relpath>.details.jsonl``
    (per sentence: status, entities, which source entity each came from, unprojected
    entities with their reasons).
    """
    links, sym = links_for(aligned, aligner, method.symmetrize)
    limits = limits or Limits()
    st = ws.stage("project", relpath, *upstream, method.describe(), sym,
                  {"anchors": ANCHORS_VERSION} if anchors else None,
                  *([{"target_tagger": target_tagger_key}] if target_tagger is not None else []),
                  *([{"limits": limits.to_dict()}] if limits != Limits() else []))
    tgt_words = [tuple(w) for w in target]
    if ws.reuse(st):
        assert st.path is not None
        details = st.path.with_name(st.path.name + ".details.jsonl")
        lines = details.read_text(encoding="utf-8").splitlines()
        if len(lines) != len(tgt_words):
            raise InputError(f"{len(lines)} lines for {len(tgt_words)} sentences",
                             source=details)
        results = [_result_from_json(line) for line in lines]
        corpus = Corpus([Sentence(w, tuple(r.entities)) for w, r in
                         zip(tgt_words, results, strict=True)],
                        name=f"{source.name}->{target_name}")
        report = ProjectionReport.build([s.entities for s in source], results)
        seconds = float(st.signature().get("params", {}).get("seconds", 0.0))
        return Projected(corpus, results, report, sym, seconds, st.key)
    st.start()
    n_anchors = 0
    if anchors:
        links, n_anchors = add_anchors_batch(source.words, tgt_words, links)
    extras = directional_extras(aligned)
    if target_tagger is not None:
        from xlner.project.scores.tagger import target_tag_extras

        tags = target_tag_extras(tgt_words, target_tagger, run=tag_run)
        extras = [{**e, **t} for e, t in zip(extras or [{} for _ in tgt_words], tags,
                                              strict=True)]
    run = project_corpus(source, tgt_words, projector=method.projector, links=links,
                         extras=extras, limits=limits)
    corpus = Corpus(run.corpus.sentences, name=f"{source.name}->{target_name}")
    if st.path is not None:
        write_conll(st.path, corpus)
        with atomic_write(st.path.with_name(st.path.name + ".details.jsonl")) as handle:
            for k, res in enumerate(run.results):
                handle.write(_result_to_json(k, res) + "\n")
        report_dict = run.report.to_dict()
        report_dict["project_seconds"] = run.project_seconds
        report_dict["anchors"] = n_anchors if anchors else None
        write_json(st.path.with_name(st.path.name + ".report.json"), report_dict)
    st.finish(make_signature("project", inputs={"source": source.describe(),
                                                "upstream": list(upstream)},
                             components={"method": method},
                             params={"symmetrize": sym, "anchors": anchors,
                                     "target_tagger": target_tagger_key,
                                     "anchors_added": n_anchors,
                                     "seconds": round(run.project_seconds, 3)}))
    return Projected(corpus, run.results, run.report, sym, run.project_seconds, st.key)


# -- train and evaluate -----------------------------------------------------------------------
def train_step(ws: Workspace, relpath: str, train: Sequence[Sentence], tagger_spec: str, *,
               upstream: Sequence[Any], dev: Sequence[Sentence] | None = None,
               describe_train: dict[str, Any] | None = None,
               overrides: dict[str, Any] | None = None) -> tuple[Tagger, str, float]:
    """Train a tagger (spec such as ``crf`` or ``crf(c1=0.1)``; ``overrides`` win over the
    spec's parameters, e.g. ``{"seed": 2}``) and save it to ``relpath``."""
    from xlner.tag import create_tagger, load_tagger

    tagger = create_tagger(tagger_spec, **(overrides or {}))
    st = ws.stage("train", relpath, *upstream, component_key(tagger),
                  None if dev is None else len(dev))
    if ws.reuse(st):
        assert st.path is not None
        seconds = float(st.signature().get("params", {}).get("seconds", 0.0))
        return load_tagger(st.path), st.key, seconds
    st.start()
    t0 = time.perf_counter()
    tagger.train(train, dev)
    seconds = time.perf_counter() - t0
    signature = make_signature("train", inputs={"train": describe_train or {},
                                                "upstream": list(upstream)},
                               components={"tagger": tagger},
                               params={"sentences": len(train), "seconds": round(seconds, 3)})
    if st.path is not None:  # written aside and renamed: never a partial model folder
        with atomic_folder(st.path, keep=(SIGNATURE_FILE, META_FILE)) as folder:
            tagger.save(folder)
            write_json(folder / SIGNATURE_FILE, signature)
    st.finish(signature)
    return tagger, st.key, seconds


def evaluate_step(ws: Workspace, relpath: str, tagger: Tagger, test: Corpus, *,
                  upstream: Sequence[Any]) -> Scores:
    """Tag ``test`` and score against its gold; writes ``relpath`` (JSON with signature)."""
    st = ws.stage("evaluate", relpath, *upstream, test.describe())
    if ws.reuse(st):
        assert st.path is not None
        return scores_from_dict(json.loads(st.path.read_text(encoding="utf-8"))["scores"])
    st.start()
    predicted = predict_entities(tagger, [s.words for s in test])
    scores = evaluate(test.sentences, predicted)
    signature = make_signature("evaluate", inputs={"test": test.describe(),
                                                   "upstream": list(upstream)},
                               components={"tagger": tagger})
    if st.path is not None:
        write_json(st.path, {"signature": signature, "scores": scores.to_dict()})
    st.finish(signature)
    return scores


def scores_from_dict(d: dict[str, Any]) -> Scores:
    from xlner.evaluate.metrics import ClassScores

    return Scores(d["precision"], d["recall"], d["f1"], d["gold"], d["predicted"],
                  d["sentences"], {k: ClassScores(**v) for k, v in d["per_class"].items()})

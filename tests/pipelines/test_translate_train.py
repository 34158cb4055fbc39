"""Translate-train end to end on small corpora the tests write: outputs, signatures, reports,
filters, resumption, errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.synthetic_parallel import make_pairs, without
from xlner.corpora.conll import read_conll
from xlner.corpora.corpus import Corpus
from xlner.data import Entity, Sentence
from xlner.errors import ConfigError, InputError
from xlner.evaluate.metrics import evaluate
from xlner.pipelines.config import translate_train_config
from xlner.pipelines.filters import apply_filters, parse_filters, source_filter
from xlner.pipelines.repair import RepairReport
from xlner.pipelines.translate_train import TranslateTrainResult, translate_train
from xlner.project.base import (
    ERROR,
    NO_ALIGNMENT,
    ProjectionInput,
    ProjectionResult,
    Unprojected,
)
from xlner.translate.cached import CachedTranslator
from xlner.translate.split import JoinReport

FAST = "crf(max_iterations=30)"


def run_tt(source: Corpus, translator: CachedTranslator, lang: str, out: Path | None,
           eval_corpus: Corpus | None = None, **settings: Any) -> TranslateTrainResult:
    """translate-train through its run configuration, as the command line builds it."""
    variants = {k: settings.pop(k) for k in ("variant", "projection_variant") if k in settings}
    config = translate_train_config(lang=lang, out=out, eval="eval" if eval_corpus is not None
                                    else None, **settings)
    return translate_train(config, source=source, translator=translator,
                           eval_corpus=eval_corpus, **variants)


def step_of(signature: dict[str, Any], kind: str) -> dict[str, Any]:
    """The step of ``kind`` in the run configuration a signature records."""
    (step,) = [s for s in signature["params"]["config"]["steps"] if s["kind"] == kind]
    return step


@pytest.fixture()
def parallel(tmp_path: Path) -> tuple[Corpus, list[Sentence], Path]:
    src, tgt = make_pairs(200, seed=21)
    cache = tmp_path / "translations.txt"
    cache.write_text("".join(" ".join(s.words) + "\n" for s in tgt), encoding="utf-8")
    return Corpus(src, name="synthetic-en"), tgt, cache


def test_end_to_end(tmp_path: Path, parallel: tuple[Corpus, list[Sentence], Path]) -> None:
    source, tgt, cache = parallel
    _, test_tgt = make_pairs(60, seed=22)
    test = Corpus(without(test_tgt, "MISC"), name="synthetic-test")
    out = tmp_path / "run"
    result = run_tt(source, CachedTranslator(cache), "swa", out,
                             tokenizer="whitespace", source_label_map="MISC=O",
                             filters="no-failed,complete", tagger=FAST, eval_corpus=test,
                             bitext=False)
    (outcome,) = result.outcomes
    # the projected training set matches the target gold (names are copied, so they align)
    train = read_conll(out / "heuristic" / "train.conll")
    assert len(train) == outcome.filters.kept_sentences == len(tgt)  # everything landed
    assert evaluate(without(tgt, "MISC"), train.sentences).f1 > 0.95
    # every stage carries its signature; reports are there
    for rel in ("translations.jsonl", "translations.whitespace.txt", "align",
                "heuristic/projected.conll", "heuristic/train.conll", "heuristic/model",
                "heuristic/eval.json"):
        sig = json.loads((out / f"{rel}.signature.json").read_text())
        assert sig["key"].startswith("sha256:") and sig["xlner"]
    sig = json.loads((out / "heuristic" / "train.conll.signature.json").read_text())
    steps = sig["params"]["config"]["steps"]  # the signature holds the run configuration
    assert {"kind": "filters", "params": {"names": ["no-failed", "complete"]}} in steps
    assert all(s["kind"] != "label-map" for s in steps)  # the source map is not a step
    assert steps[0]["kind"] == "translate" and steps[0]["tokenizer"] == "whitespace"
    assert steps[2] == {"kind": "project", "methods": ["heuristic"],
                        "source_label_map": "MISC=O"}
    assert sig["components"]["translator"]["name"] == "cached"
    report = json.loads((out / "heuristic" / "train.conll.report.json").read_text())
    assert report["source_entities"] == sum(len(s.entities) for s in without(
        list(source), "MISC"))
    assert set(report["by_class"]) == {"PER", "ORG", "LOC"}
    assert report["filters"]["kept_sentences"] == len(train)
    assert (out / "heuristic" / "model" / "tagger.json").exists()
    assert (out / "heuristic" / "model" / "signature.json").exists()
    # the trained tagger works on the held-out target sentences
    assert outcome.scores is not None and outcome.scores.f1 > 0.8
    summary = json.loads((out / "summary.json").read_text())
    assert summary["methods"][0]["scores"]["f1"] == outcome.scores.f1
    # translations.jsonl is itself a valid cache
    again = CachedTranslator(out / "translations.jsonl")
    assert again.translate([" ".join(s.words) for s in source], "en", "swa")[3] == \
        " ".join(tgt[3].words)


def test_resume_reuses_finished_stages(tmp_path: Path,
                                       parallel: tuple[Corpus, list[Sentence], Path]) -> None:
    source, _, cache = parallel
    out = tmp_path / "run"
    kwargs = {"tokenizer": "whitespace", "bitext": False, "tagger": FAST}
    first = run_tt(source, CachedTranslator(cache), "swa", out, **kwargs)
    assert first.reused == []
    model_mtime = (out / "heuristic" / "model" / "model.crfsuite").stat().st_mtime_ns
    second = run_tt(source, CachedTranslator(cache), "swa", out, **kwargs)
    assert second.computed == [] and len(second.reused) == len(first.computed)
    assert (out / "heuristic" / "model" / "model.crfsuite").stat().st_mtime_ns == model_mtime
    # a changed filter recomputes the training set and the model, not the alignment
    third = run_tt(source, CachedTranslator(cache), "swa", out, filters="complete",
                            **kwargs)
    assert "align" in third.reused and "heuristic/projected.conll" in third.reused
    assert third.computed == ["heuristic/train.conll", "heuristic/model"]
    # relabelling the source redoes the projection, not the translation or the alignment
    relabelled = run_tt(source, CachedTranslator(cache), "swa", out,
                                 source_label_map="MISC=O",
                                 projection_variant="no-misc", **kwargs)
    assert {"translations.jsonl", "align"} <= set(relabelled.reused)
    assert "heuristic/no-misc/projected.conll" in relabelled.computed
    # a changed method recomputes the projection only
    fourth = run_tt(source, CachedTranslator(cache), "swa", out,
                             methods=["heuristic(d=1)"], **kwargs)
    assert "align" in fourth.reused
    assert "heuristic-d-1/projected.conll" in fourth.computed
    # changed translations recompute everything downstream
    lines = cache.read_text(encoding="utf-8").splitlines()
    lines[0] = lines[0] + " leo"
    cache.write_text("\n".join(lines) + "\n", encoding="utf-8")
    fifth = run_tt(source, CachedTranslator(cache), "swa", out, **kwargs)
    assert "translations.jsonl" in fifth.computed and "align" in fifth.computed
    # an interrupted stage (no sidecar) is not reused
    (out / "heuristic" / "train.conll.signature.json").unlink()
    sixth = run_tt(source, CachedTranslator(cache), "swa", out, **kwargs)
    assert "heuristic/train.conll" in sixth.computed
    no_resume = run_tt(source, CachedTranslator(cache), "swa", out, resume=False,
                                **kwargs)
    assert no_resume.reused == []


def test_several_methods_share_one_alignment(
        tmp_path: Path, parallel: tuple[Corpus, list[Sentence], Path]) -> None:
    source, _, cache = parallel
    result = run_tt(source, CachedTranslator(cache), "swa", tmp_path / "run",
                             methods=["heuristic", "heuristic-paper", "heuristic@union"],
                             bitext=False)
    assert [o.slug for o in result.outcomes] == ["heuristic", "heuristic-paper",
                                                 "heuristic-union"]
    assert [o.symmetrize for o in result.outcomes] == ["intersection", "grow-diag-final-and",
                                                       "union"]
    assert result.computed.count("align") == 1
    with pytest.raises(ConfigError, match="unknown projection method"):
        run_tt(source, CachedTranslator(cache), "swa", None, methods=["nope"])


def test_misc_block_then_drop(tmp_path: Path,
                              parallel: tuple[Corpus, list[Sentence], Path]) -> None:
    source, _, cache = parallel
    out = tmp_path / "run"
    run_tt(source, CachedTranslator(cache), "swa", out, bitext=False,
                    target_label_map="MISC=O")
    projected = read_conll(out / "heuristic" / "projected.conll")
    train = read_conll(out / "heuristic" / "train.conll")
    assert "MISC" in projected.labels() and "MISC" not in train.labels()
    result = run_tt(source, CachedTranslator(cache), "swa", None, bitext=False,
                             filters="no-failed,without:MISC")
    dropped = result.outcomes[0].filters.dropped_sentences["without:MISC"]
    assert dropped == sum(any(e.label == "MISC" for e in s.entities) for s in source) > 0


def test_errors(tmp_path: Path, parallel: tuple[Corpus, list[Sentence], Path]) -> None:
    source, _, cache = parallel
    short = tmp_path / "short.txt"
    short.write_text("a b\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"short\.txt: 200 sentences to translate but the "
                       r"cache holds 1 translations"):
        run_tt(source, CachedTranslator(short), "swa", tmp_path / "x")
    with pytest.raises(ConfigError, match="unknown language code 'xx'"):
        run_tt(source, CachedTranslator(cache), "xx", tmp_path / "x")
    empty = Corpus([*source.sentences[:3], Sentence(())], name="e")
    with pytest.raises(ConfigError, match="source sentence 3 is empty"):
        run_tt(empty, CachedTranslator(cache), "swa", tmp_path / "x")
    with pytest.raises(ConfigError, match="unknown training-data filter"):
        run_tt(source, CachedTranslator(cache), "swa", None, filters="shiny")
    with pytest.raises(ConfigError, match="needs a tagger"):
        run_tt(source, CachedTranslator(cache), "swa", None, eval_corpus=source)


def test_filters_report_every_dropped_sentence() -> None:
    src = [Sentence(("A", "B"), (Entity(0, 1, "PER"), Entity(1, 2, "LOC"))),
           Sentence(("A",), (Entity(0, 1, "PER"),)),
           Sentence(("A",), (Entity(0, 1, "PER"),)),
           Sentence(("A", "x", "A"), (Entity(0, 1, "PER"),))]
    results = [ProjectionResult([Entity(0, 1, "PER")], [0], [Unprojected(
                   Entity(1, 2, "LOC"), NO_ALIGNMENT)]),
               ProjectionResult.failed(_input(src[1]), "boom"),
               ProjectionResult([Entity(0, 1, "PER")], [0], []),
               ProjectionResult([Entity(0, 1, "PER"), Entity(2, 3, "PER")], [0, 0], [])]
    tgt = [Sentence(s.words, tuple(r.entities)) for s, r in zip(src, results, strict=True)]
    assert results[1].status == ERROR
    kept, report = apply_filters(parse_filters("no-failed,complete,no-split"), src, tgt,
                                 results)
    assert kept == [tgt[2]]
    assert report.dropped_sentences == {"no-failed": 1, "complete": 1, "no-split": 1}
    assert report.dropped_entities["no-split"] == 2
    assert report.kept_sentences + sum(report.dropped_sentences.values()) == 4
    kept, report = apply_filters(["same-count"], src, tgt, results)
    assert kept == [tgt[2]]
    assert parse_filters("none") == [] and parse_filters(None) == []
    with pytest.raises(ConfigError, match="given twice"):
        parse_filters("complete,complete")


def test_prose_filter_keeps_running_text_and_works_on_the_source_alone() -> None:
    def sent(text: str) -> Sentence:
        return Sentence(tuple(text.split()))

    src = [sent("Anna Berg visited Nairobi on Monday ."),
           sent("SOCCER - ENGLISH LEAGUE RESULTS"),
           sent("BRUSSELS 1996-08-22"),
           sent("Wimbledon 3 1 0 2"),        # 1 of 5 words holds a lower-case letter
           sent("Leeds beat Hull 2-1 .")]    # 3 of 5
    results = [ProjectionResult([], [], []) for _ in src]
    kept, report = apply_filters(["prose"], src, src, results)
    assert kept == [src[0], src[4]] and report.dropped_sentences == {"prose": 3}
    kept, _ = apply_filters(["prose:0.7"], src, src, results)  # a stricter share
    assert kept == [src[0]]
    drop = source_filter("prose")
    assert [drop(s) for s in src] == [False, True, True, True, False]
    assert source_filter("without:PER")(Sentence(("A",), (Entity(0, 1, "PER"),)))
    with pytest.raises(ConfigError, match="needs a projection result"):
        source_filter("complete")
    with pytest.raises(ConfigError, match="unknown training-data filter"):
        source_filter("shiny")
    for bad in ("prose:0", "prose:1.5", "prose:x"):
        with pytest.raises(ConfigError, match="share of lower-case words"):
            parse_filters(bad)


def _input(sentence: Sentence) -> ProjectionInput:
    return ProjectionInput(sentence.words, sentence.words, sentence.entities,
                           np.zeros((0, 2), dtype=np.int32))


def test_anchors_land_names_with_glued_prefixes(tmp_path: Path) -> None:
    src, tgt = make_pairs(150, seed=23)
    glued = []  # the toy target glues "ka" onto every name's first word (as Xhosa kaClinton)
    for s in tgt:
        words = list(s.words)
        for e in s.entities:
            words[e.start] = "ka" + words[e.start]
        glued.append(Sentence(tuple(words), s.entities))
    cache = tmp_path / "glued.txt"
    cache.write_text("".join(" ".join(s.words) + "\n" for s in glued), encoding="utf-8")
    result = run_tt(Corpus(src, name="en"), CachedTranslator(cache), "xho",
                             tmp_path / "run", tokenizer="whitespace", bitext=False,
                             anchors=True)
    projected = read_conll(tmp_path / "run" / "heuristic" / "projected.conll")
    assert evaluate(glued, projected.sentences).f1 > 0.95
    report = json.loads((tmp_path / "run" / "heuristic" / "projected.conll.report.json")
                        .read_text())
    assert report["anchors"] >= sum(len(s.entities) for s in src)
    assert step_of(result.signature, "align")["anchors"] is True


def test_recall_repair_is_a_stage_setting_and_reported(
        tmp_path: Path, parallel: tuple[Corpus, list[Sentence], Path]) -> None:
    source, _, cache = parallel
    out = tmp_path / "run"
    kwargs = {"tokenizer": "whitespace", "bitext": False}
    plain = run_tt(source, CachedTranslator(cache), "swa", out, **kwargs)
    repaired = run_tt(source, CachedTranslator(cache), "swa", out,
                               repair={"folds": 3}, **kwargs)
    assert "heuristic/train.conll" in repaired.computed  # the setting is part of the key
    (outcome,) = repaired.outcomes
    report = json.loads((out / "heuristic" / "train.conll.report.json").read_text())
    assert report["repair"]["settings"]["folds"] == 3
    assert report["repair"] == outcome.repair.to_dict()  # type: ignore[union-attr]
    # projected labels are kept; additions only
    for before, after in zip(plain.outcomes[0].train, outcome.train, strict=True):
        assert set(before.entities) <= set(after.entities)
    sig = json.loads((out / "heuristic" / "train.conll.signature.json").read_text())
    assert step_of(sig, "recall-repair")["params"]["folds"] == 3
    # a resumed run reads the repaired set back instead of training the fold taggers again
    again = run_tt(source, CachedTranslator(cache), "swa", out,
                            repair={"folds": 3}, **kwargs)
    assert "heuristic/train.conll" in again.reused
    assert again.outcomes[0].train == outcome.train
    assert again.outcomes[0].repair == report["repair"]
    # block_dropped: the words of projected spans of dropped classes (MISC) are blocked
    blocking = run_tt(source, CachedTranslator(cache), "swa", tmp_path / "block",
                               repair={"block_dropped": True},
                               target_label_map="MISC=O", **kwargs)
    projected = read_conll(tmp_path / "block" / "heuristic" / "projected.conll")
    misc = sum(e.label == "MISC" for s in projected for e in s.entities)
    report = blocking.outcomes[0].repair
    assert isinstance(report, RepairReport) and misc > 0
    assert report.settings["blocked_spans"] == misc
    sig = json.loads((tmp_path / "block" / "heuristic" / "train.conll.signature.json"
                      ).read_text())
    assert step_of(sig, "recall-repair")["params"]["block_dropped"] is True
    with pytest.raises(ConfigError, match="unknown recall repair settings"):
        run_tt(source, CachedTranslator(cache), "swa", None, repair={"nope": 1},
                        **kwargs)


def test_join_rewrites_the_training_set_last_and_is_a_stage_setting(
        tmp_path: Path, parallel: tuple[Corpus, list[Sentence], Path]) -> None:
    source, tgt, _ = parallel
    # the translator's tokenizer split an apostrophe off a prefix glued to each place name
    split = [tuple(w for j, word in enumerate(s.words) for w in
                   ((["n", "'", word]) if any(e.label == "LOC" and e.start == j
                                              for e in s.entities) else [word]))
             for s in tgt]
    cache = tmp_path / "split.txt"
    cache.write_text("".join(" ".join(w) + "\n" for w in split), encoding="utf-8")
    out = tmp_path / "run"
    kwargs = {"tokenizer": "whitespace", "bitext": False,
              "source_label_map": "MISC=O"}
    plain = run_tt(source, CachedTranslator(cache), "swa", out, **kwargs)
    joined = run_tt(source, CachedTranslator(cache), "swa", out, join="apostrophes",
                             **kwargs)
    assert "heuristic/train.conll" in joined.computed  # the rule is part of the stage key
    (outcome,) = joined.outcomes
    assert isinstance(outcome.join, JoinReport)
    locs = sum(e.label == "LOC" for s in tgt for e in s.entities)
    assert outcome.join.words_merged == 2 * locs
    # projection ran on the split words; the training set is joined, and place names cover
    # the whole joined word, as in target data that writes n'Kano
    assert all("'" not in s.words for s in outcome.train)
    loc_words = [s.words[e.start] for s in outcome.train for e in s.entities if e.label == "LOC"]
    assert len(loc_words) >= 0.95 * locs and all(w.startswith("n'") for w in loc_words)
    assert outcome.join.entities_widened == len(loc_words)
    for before, after in zip(plain.outcomes[0].train, outcome.train, strict=True):
        assert [e.label for e in before.entities] == [e.label for e in after.entities]
    report = json.loads((out / "heuristic" / "train.conll.report.json").read_text())
    assert report["join"] == outcome.join.to_dict()
    sig = json.loads((out / "heuristic" / "train.conll.signature.json").read_text())
    assert step_of(sig, "join")["params"]["rule"] == "apostrophes"
    again = run_tt(source, CachedTranslator(cache), "swa", out, join="apostrophes",
                            **kwargs)
    assert "heuristic/train.conll" in again.reused
    assert again.outcomes[0].train == outcome.train and again.outcomes[0].join == report["join"]
    with pytest.raises(ConfigError, match="unknown word-joining rule"):
        run_tt(source, CachedTranslator(cache), "swa", None, join="hyphens", **kwargs)


# -- eflomal's alignment in shards (shard_size) ----------------------------------------------------
EFLOMAL: dict[str, Any] = {"seed": 3, "rel_iterations": 0.2}
UNSHARDED = {  # recorded at 9b7eb54, before translate-train could align in shards
    "keys": {"align": "sha256:8551b2a21126c85524e02081425090fed62e1d19a143d7d0092c7790edef328c",
             "ilp/projected.conll":
                 "sha256:6f0a1aa82cd2d54e6a6e7f9e35443f4050cd54eb8e93360e5165105dee9e75f0",
             "ilp/train.conll":
                 "sha256:9803b2032602b6b2668df625eb89d8ce6eaea1b82debc9221773cb98929df9bd"},
    "files": {"align/forward.txt":
                  "6243440eb3c8a241c334fe51aed154f14c0ea27fc49bf96b82afba6693dd6a1f",
              "align/reverse.txt":
                  "d194795f3b042430b191fb43c7e7d2b4dfa0f6b9065c76ffdd8db5fb46aafc64",
              "ilp/projected.conll":
                  "f5d6f7cdae49a3763b3cefbbf7a06034554b0905d23bb04153e4aac2ffdc516d",
              "ilp/train.conll":
                  "f5d6f7cdae49a3763b3cefbbf7a06034554b0905d23bb04153e4aac2ffdc516d"}}


@pytest.fixture()
def toy_bitext_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """120 toy pairs translated by a cache, ``bitext:en-swa`` of 200 other pairs in a data
    directory; paths relative to ``tmp_path`` (the stage keys hold the cache's path)."""
    monkeypatch.chdir(tmp_path)
    src, tgt = make_pairs(120, seed=31)
    Path("translations.txt").write_text("".join(" ".join(s.words) + "\n" for s in tgt),
                                        encoding="utf-8")
    bsrc, btgt = make_pairs(200, seed=32)
    folder = Path("data/bitext/en-swa")
    folder.mkdir(parents=True)
    (folder / "toy.en").write_text("".join(" ".join(s.words) + "\n" for s in bsrc))
    (folder / "toy.swa").write_text("".join(" ".join(s.words) + "\n" for s in btgt))

    def run(out: str, **settings: Any) -> TranslateTrainResult:
        config = translate_train_config(lang="swa", out=out, tokenizer="whitespace",
                                        methods=("ilp",), aligner_params=EFLOMAL,
                                        data_dir="data", download=False, **settings)
        return translate_train(config, source=Corpus(src, name="synthetic-en"),
                               translator=CachedTranslator("translations.txt"))

    run.src, run.tgt = src, tgt  # type: ignore[attr-defined]
    return run


def _digest(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_unsharded_runs_and_runs_of_one_shard_are_as_before(toy_bitext_run: Any) -> None:
    """The unsharded stage keys and outputs are those of the code before sharding; a shard
    size of at least the corpus aligns it whole, with the same keys and files."""
    # 120 pairs in shards of 100: the last 20 (under half a shard) join the first, one shard
    for out, settings in (("whole", {}), ("one-shard", {"shard_size": 120}),
                          ("joined", {"shard_size": 100})):
        toy_bitext_run(out, **settings)
        for rel, key in UNSHARDED["keys"].items():
            sig = json.loads(Path(out, f"{rel}.signature.json").read_text())
            assert sig["key"] == key, (out, rel)
        for rel, digest in UNSHARDED["files"].items():
            assert _digest(Path(out, rel)) == digest, (out, rel)
        assert not Path(out, "align.shards").exists()
    summary = json.loads(Path("whole/summary.json").read_text())
    assert "shard_size" not in summary["signature"]["params"]
    summary = json.loads(Path("one-shard/summary.json").read_text())
    assert summary["signature"]["params"]["shard_size"] == 120


def test_sharded_alignment_uses_priors_learnt_from_the_first_shard(
        toy_bitext_run: Any, tmp_path: Path) -> None:
    from xlner.align import EflomalAligner, read_pharaoh
    from xlner.align.priors import learn_priors
    from xlner.pipelines.shards import SHARD_PRIORS_SCALE
    from xlner.pipelines.steps import make_aligner

    result = toy_bitext_run("sharded", shard_size=50)
    forward = read_pharaoh(Path("sharded/align/forward.txt"))
    reverse = read_pharaoh(Path("sharded/align/reverse.txt"))
    src = [s.words for s in toy_bitext_run.src]
    tgt = [s.words for s in toy_bitext_run.tgt]
    # the same by hand: priors from the first 50 pairs + the bitext, then 2 shards with them
    # (50 and 70 pairs: the last 20, under half a shard, join the one before)
    learner = make_aligner("eflomal", EFLOMAL, lang="swa", data_dir="data",
                           download=False)
    learn_priors(learner, src[:50], tgt[:50], tmp_path / "priors.txt")
    assert (tmp_path / "priors.txt").read_bytes() == \
        Path("sharded/align.shards/priors.txt").read_bytes()
    shard = EflomalAligner(**EFLOMAL, priors=tmp_path / "priors.txt",
                           priors_scale=SHARD_PRIORS_SCALE, one_core=True)
    no_priors = EflomalAligner(**EFLOMAL, one_core=True)
    expected: tuple[list[Any], list[Any]] = ([], [])
    alone: list[Any] = []
    for start, end in ((0, 50), (50, 120)):
        f, r = shard.align_both(src[start:end], tgt[start:end])
        expected[0].extend(f)
        expected[1].extend(r)
        alone.extend(no_priors.align_both(src[start:end], tgt[start:end])[0])

    def same(a: list[Any], b: list[Any]) -> bool:
        return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))

    assert same(forward, expected[0]) and same(reverse, expected[1])
    assert not same(forward, alone)  # the shards did use the priors
    assert _digest(Path("sharded/align/forward.txt")) != UNSHARDED["files"]["align/forward.txt"]
    assert sorted(p.name for p in Path("sharded/align.shards").glob("shard-*.jsonl")) == [
        "shard-00000.jsonl", "shard-00001.jsonl"]
    sig = json.loads(Path("sharded/align.signature.json").read_text())
    assert sig["params"]["shards"] == {
        "shard_size": 50, "last_shard": 70, "priors_sample": 50,
        "priors_scale": SHARD_PRIORS_SCALE,
        "priors_version": 2, "shard_bitext": [], "total": 2, "reused": 0}
    assert sig["key"] != UNSHARDED["keys"]["align"]
    assert result.signature["params"]["shard_size"] == 50
    # no priors: every shard aligned with the bitext, a different alignment (and key)
    toy_bitext_run("off", shard_size=50, priors_sample=-1)
    assert not Path("off/align.shards/priors.txt").exists()
    off = read_pharaoh(Path("off/align/forward.txt"))
    assert not same(off, forward)
    with_bitext = make_aligner("eflomal", {**EFLOMAL, "one_core": True}, lang="swa",
                               data_dir="data", download=False)
    assert same(off, [f for start, end in ((0, 50), (50, 120)) for f in with_bitext.align_both(
        src[start:end], tgt[start:end])[0]])


def test_sharded_alignment_resumes_shard_by_shard_and_reports_a_failed_shard(
        toy_bitext_run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from xlner.errors import XlnerError

    monkeypatch.setenv("XLNER_FAIL_SHARD", "1")
    with pytest.raises(XlnerError, match=r"1 of 3 alignment shards failed \(shard 1: "
                       "XlnerError: shard 1: failure injected"):
        toy_bitext_run("run", shard_size=40)
    shards = Path("run/align.shards")
    assert (shards / "shard-00000.jsonl").is_file() and (shards / "shard-00002.jsonl").is_file()
    assert not (shards / "shard-00001.jsonl").exists() and not Path("run/align").exists()
    stamps = {p.name: p.stat().st_mtime_ns for p in shards.iterdir()}
    monkeypatch.delenv("XLNER_FAIL_SHARD")
    first = toy_bitext_run("run", shard_size=40, workers=2)  # resumed on 2 processes
    sig = json.loads(Path("run/align.signature.json").read_text())
    assert sig["params"]["shards"]["reused"] == 2 and "align" in first.computed
    after = {p.name: p.stat().st_mtime_ns for p in shards.iterdir()}
    assert {k: v for k, v in after.items() if "00001" not in k} == stamps  # priors too
    # the same links as a run that never failed
    toy_bitext_run("fresh", shard_size=40)
    assert Path("run/align/forward.txt").read_bytes() == \
        Path("fresh/align/forward.txt").read_bytes()
    again = toy_bitext_run("run", shard_size=40)
    assert again.computed == []
    # another shard size is another alignment
    other = toy_bitext_run("run", shard_size=50)
    assert "align" in other.computed and "ilp/projected.conll" in other.computed


def test_sharded_translate_train_settings(toy_bitext_run: Any,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    from xlner.cli.main import main

    with pytest.raises(ConfigError, match="sharded alignment is for the eflomal aligner"):
        toy_bitext_run("x", shard_size=50, aligner="simalign")
    with pytest.raises(ConfigError, match="at least 1"):
        toy_bitext_run("x", shard_size=0)
    with pytest.raises(ConfigError, match="unknown engine"):
        toy_bitext_run("x", shard_size=50, engine="spark")
    assert not Path("x").exists()  # refused before anything ran
    flags = ["translate-train", "--source", "src.conll", "--translations", "translations.txt",
             "--lang", "swa", "--out", "cli", "--aligner-param", "seed=3",
             "--aligner-param", "rel_iterations=0.2", "--method", "ilp",
             "--data-dir", "data", "--no-download"]
    assert main([*flags, "--priors-sample", "20", "--print-config"]) == 2
    assert main([*flags, "--ray-address", "auto", "--print-config"]) == 2  # needs --engine ray
    assert "--ray-address needs --engine ray" in capsys.readouterr().err
    assert main([*flags, "--shard-size", "50", "--engine", "ray", "--ray-address",
                 "ray://head:10001", "--print-config"]) == 0
    assert 'ray_address = "ray://head:10001"' in capsys.readouterr().out
    assert main([*flags, "--shard-size", "50", "--workers", "2", "--print-config"]) == 0
    toml = capsys.readouterr().out
    assert "shard_size = 50" in toml and "workers = 2" in toml
    from xlner.corpora.conll import write_conll

    write_conll(Path("src.conll"), toy_bitext_run.src)
    Path("run.toml").write_text(toml, encoding="utf-8")
    assert main(["run", "run.toml"]) == 0
    assert Path("cli/align.shards/shard-00001.jsonl").is_file()
    assert not Path("cli/align.shards/shard-00002.jsonl").exists()  # 50 + 70 pairs
    toy_bitext_run("api", shard_size=50)
    assert Path("cli/align/forward.txt").read_bytes() == Path("api/align/forward.txt").read_bytes()


@pytest.mark.slow
def test_sharded_alignment_on_ray_gives_the_local_links(toy_bitext_run: Any) -> None:
    pytest.importorskip("ray")
    toy_bitext_run("local", shard_size=50)
    toy_bitext_run("ray", shard_size=50, engine="ray", workers=2)
    for rel in ("align/forward.txt", "align/reverse.txt", "ilp/train.conll"):
        assert Path("ray", rel).read_bytes() == Path("local", rel).read_bytes()


def test_train_step_never_leaves_a_partial_model_under_its_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A save that fails half-way (as a kill would stop it) leaves no model folder: the stage
    is written aside and renamed whole; the next run trains and saves it."""
    from xlner.pipelines.stages import Workspace
    from xlner.pipelines.steps import train_step
    from xlner.tag.crf import CRFTagger

    src, _ = make_pairs(40, seed=3)
    original = CRFTagger.save

    def half_save(self: CRFTagger, path: str | Path) -> None:
        original(self, path)
        raise OSError("disk full")

    monkeypatch.setattr(CRFTagger, "save", half_save)
    ws = Workspace(tmp_path)
    with pytest.raises(InputError):  # the OSError, as the error boundary words it
        train_step(ws, "m/model", src, FAST, upstream=["u"])
    assert not (tmp_path / "m" / "model").exists()
    assert not [p for p in (tmp_path / "m").iterdir() if not p.name.startswith(".")]
    monkeypatch.setattr(CRFTagger, "save", original)
    train_step(Workspace(tmp_path), "m/model", src, FAST, upstream=["u"])
    assert (tmp_path / "m" / "model" / "signature.json").is_file()
    assert (tmp_path / "m" / "model" / "tagger.json").is_file()


def test_sharded_alignment_joins_the_ray_cluster_it_is_given(
        toy_bitext_run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    ray = pytest.importorskip("ray")
    joined: list[dict[str, Any]] = []

    def init(**kwargs: Any) -> None:  # no cluster here: record the call, then fail as Ray would
        joined.append(kwargs)
        raise ConnectionError("no Ray cluster at ray://head:10001")

    monkeypatch.setattr(ray, "is_initialized", lambda: False)
    monkeypatch.setattr(ray, "init", init)
    with pytest.raises(ConnectionError):
        toy_bitext_run("r", shard_size=50, engine="ray", workers=2,
                       ray_address="ray://head:10001")
    assert [k.get("address") for k in joined] == ["ray://head:10001"]

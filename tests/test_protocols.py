"""Components: describe() derived from the constructor's settings, pinned to earlier outputs."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from xlner.project.candidates import create_extractor
from xlner.project.recipes import resolve_method
from xlner.project.scores import create_scorer
from xlner.protocols import Component, settings_of
from xlner.registry import solvers

# describe() outputs as the hand-written methods gave them before they were derived: the
# signatures (and so the stage keys and cached results) keep their keys and values.
ALIGN = {"name": "align", "version": 1, "mode": "links", "null_weight": 0.0, "links": None}
ORTHO = {"name": "ortho", "version": 2, "n": 2, "fold": False, "romanize": True, "key": False}
LEXICON = {"name": "lexicon", "version": 1, "links": "union", "lowercase": True}
ILP = {"name": "ilp", "version": 1, "backend": "highs", "time_limit": 1.0, "fast_paths": True,
       "max_work": 200000, "milp_batch": 256}
PINNED: list[tuple[Any, dict[str, Any]]] = [
    (lambda: resolve_method("heuristic(d=2,k=3)@union").describe(), {
        "name": "heuristic(d=2,k=3)@union", "symmetrize": "union", "projector": {
            "name": "heuristic", "version": 1, "d": 2, "k": 3, "only_i": False, "thr": None,
            "extend": "reverse", "extend_words": "any", "adjective_label": None}}),
    (lambda: resolve_method("ilp+lex+adj").describe(), {
        "name": "ilp+lex+adj", "symmetrize": "intersection", "projector": {
            "name": "matching", "version": 1,
            "candidates": {"name": "union", "version": 1, "parts": [
                {"name": "ngrams", "version": 1, "n": 10},
                {"name": "aligned", "version": 1, "max_len": None}]},
            "scores": {"name": "fusion", "version": 1, "gate": False, "terms": [
                {"scorer": ALIGN, "weight": 1.0, "threshold": 0.0, "bonus": False},
                {"scorer": ORTHO, "weight": 0.1, "threshold": 0.6, "bonus": False},
                {"scorer": LEXICON, "weight": 0.5, "threshold": 0.2, "bonus": False}]},
            "solver": ILP, "constraint": "<=", "n": 1, "min_score": 0.0, "prune": True,
            "on_infeasible": "relax", "adjective_label": "MISC", "extend": None,
            "extend_words": "any"}}),
    (lambda: solvers.create("ilp(time_limit=2,milp_batch=8)").describe(),
     {**ILP, "time_limit": 2.0, "milp_batch": 8}),
    (lambda: solvers.create("greedy(fast_path=false)").describe(),
     {"name": "greedy", "version": 1, "fast_path": False}),
    (lambda: create_extractor("ngrams:10+aligned:5+tagger").describe(), {
        "name": "union", "version": 1, "parts": [
            {"name": "ngrams", "version": 1, "n": 10},
            {"name": "aligned", "version": 1, "max_len": 5},
            {"name": "tagger", "version": 1, "key": "tagger_spans"}]}),
    (lambda: create_scorer("tagger").describe(), {
        "name": "fusion", "version": 1, "gate": False, "terms": [
            {"scorer": {"name": "tagger", "version": 1, "mode": "class", "alpha": 1.15,
                        "threshold": 0.05}, "weight": 1.0, "threshold": 0.0, "bonus": False}]}),
]


@pytest.mark.parametrize(("make", "expected"), PINNED)
def test_derived_descriptions_keep_the_previous_keys_and_values(
        make: Any, expected: dict[str, Any]) -> None:
    assert make() == expected


def test_heuristic_keeps_the_previous_key_order() -> None:
    projector = resolve_method("heuristic").projector.describe()
    assert list(projector) == ["name", "version", "d", "k", "only_i", "thr", "extend",
                               "extend_words", "adjective_label"]


class _Inner(Component):
    name = "inner"

    def __init__(self, x: int = 1) -> None:
        self.x = x


class _Outer(Component):
    name = "outer"
    version = 3
    setting_attrs: ClassVar[dict[str, str]] = {"inner": "part"}
    hidden_settings = frozenset({"device"})

    def __init__(self, inner: _Inner, parts: list[_Inner], rate: float = 0.5,
                 device: str = "cpu") -> None:
        self.part = inner
        self._parts = parts
        self.rate = rate


def test_settings_are_read_renamed_hidden_and_nested() -> None:
    outer = _Outer(_Inner(2), [_Inner(3)], rate=0.25, device="cuda")
    assert outer.describe() == {"name": "outer", "version": 3,
                                "inner": {"name": "inner", "version": 1, "x": 2},
                                "parts": [{"name": "inner", "version": 1, "x": 3}],
                                "rate": 0.25}


def test_a_setting_held_nowhere_is_an_error_not_left_out() -> None:
    class Forgetful(Component):
        name = "forgetful"

        def __init__(self, alpha: float = 1.0) -> None:
            self.a = alpha

    with pytest.raises(TypeError, match="Forgetful: setting 'alpha' is held under no "
                                        "attribute 'alpha'"):
        Forgetful().describe()

    class Plain:  # not a Component: a setting it does not hold is skipped, as before
        def __init__(self, alpha: float = 1.0) -> None:
            self.a = alpha

    assert settings_of(Plain()) == {"name": "Plain", "version": 1}


# -- the components whose describe() was hand-written until the sweep: aligners, translators,
# taggers, the visual score. Their outputs as the hand-written methods gave them (dict equality:
# every digest of a description sorts its keys).

SEQ2SEQ = {"family": "auto", "beam_size": 4, "max_tokens": 4096, "max_batch_size": None,
           "max_length": None, "too_long": "error", "max_output_ratio": 2.0,
           "max_output_extra": 10}
EFLOMAL = {"name": "eflomal", "version": 2, "symmetrize": "grow-diag-final-and",
           "lowercase": True, "seed": 0, "model": 3, "samplers": 3, "rel_iterations": 1.0,
           "null_prior": 0.2, "iterations": None, "identity_prior": 1.0, "prefix_match": 0,
           "truncate": 6, "unglue": False, "bitext": None, "max_bitext": None}
ENCODER = {"model": "enc", "layer": 8, "batch_size": 32, "max_length": None,
           "long_inputs": "window", "stride": None, "chunk_size": 4096}
HF_TAGGER_SETTINGS = {"epochs": 3, "lr": 5e-5, "batch_size": 16, "eval_batch_size": 64,
                      "weight_decay": 0.01, "warmup": 0.1, "max_grad_norm": 1.0, "seed": 0,
                      "max_length": None, "long_inputs": "window", "stride": None,
                      "keep_best": True}


class _Encoder:
    def describe(self) -> dict[str, Any]:
        return {"model": "clip"}


def _hf(**kw: Any) -> Any:
    from xlner.translate.hf import HFTranslator

    return HFTranslator("mt", **kw)


def _backtranslation() -> Any:
    from xlner.align.backtranslation import BackTranslationAligner
    from xlner.align.eflomal import EflomalAligner

    return BackTranslationAligner(_hf(), tgt_lang="de", aligner=EflomalAligner(seed=1),
                                  threshold=0.25, open_marker="<", device="cpu")


def _component(module: str, name: str, *args: Any, **kw: Any) -> Any:
    import importlib

    return getattr(importlib.import_module(module), name)(*args, **kw)


HANDWRITTEN: list[tuple[Any, dict[str, Any]]] = [
    (lambda: _component("xlner.align.eflomal", "EflomalAligner"), EFLOMAL),
    (lambda: _component("xlner.align.eflomal", "EflomalAligner", "union", lowercase=False,
                        seed=None, iterations=(1, 2, 3), max_bitext=5, tokenizer="whitespace",
                        one_core=True, data_dir="/nowhere", download=False),
     {**EFLOMAL, "symmetrize": "union", "lowercase": False, "seed": None,
      "iterations": (1, 2, 3), "max_bitext": 5, "tokenizer": "whitespace"}),
    (lambda: _component("xlner.align.neural", "SimAlignAligner", "enc", device="cpu"),
     {"name": "simalign", "version": 1, **ENCODER, "method": "itermax", "level": "subword",
      "iterations": 2, "alpha": 0.9}),
    (lambda: _component("xlner.align.neural", "SimAlignAligner", "enc", "argmax", layer=-1,
                        level="word", stride=16, chunk_size=7, iterations=5),
     {"name": "simalign", "version": 1, **ENCODER, "layer": -1, "stride": 16, "chunk_size": 7,
      "method": "argmax", "level": "word"}),
    (lambda: _component("xlner.align.neural", "AwesomeAligner", "enc", threshold=0.01,
                        symmetrize="gdfa", batch_size=4),
     {"name": "awesome", "version": 1, **ENCODER, "batch_size": 4, "threshold": 0.01,
      "symmetrize": "grow-diag-final-and"}),
    (_backtranslation,
     {"name": "backtranslation", "version": 1, "translator": {
         "name": "hf", "version": 1, "model": "mt", **SEQ2SEQ, "device": "auto",
         "dtype": "auto", "revision": None, "threads": None},
      "aligner": {**EFLOMAL, "seed": 1}, "src_lang": "en", "tgt_lang": "de",
      "threshold": 0.25, "tokenizer": "xlner", "markers": ["<", "]"]}),
    (lambda: _hf(beam_size=1, device="cpu", threads=2, local_files_only=True),
     {"name": "hf", "version": 1, "model": "mt", **SEQ2SEQ, "beam_size": 1, "device": "cpu",
      "dtype": "auto", "revision": None, "threads": 2}),
    (lambda: _component("xlner.translate.hf", "nllb", max_tokens=100, dtype="float16"),
     {"name": "nllb", "version": 1, "model": "facebook/nllb-200-3.3B", **SEQ2SEQ,
      "family": "nllb", "max_tokens": 100, "device": "auto", "dtype": "float16",
      "revision": None, "threads": None}),
    (lambda: _component("xlner.translate.ct2", "CT2Translator", "dir", device="cpu",
                        compute_type="int8", device_index=1, too_long="split"),
     {"name": "ct2", "version": 1, "model": "dir", **SEQ2SEQ, "too_long": "split",
      "device": "cpu", "compute_type": "int8", "tokenizer": None, "threads": None}),
    (lambda: _component("xlner.tag.crf", "CRFTagger", c1=0.5, algorithm="ap", seed=3),
     {"name": "crf", "version": 1, "features": 1, "c1": 0.5, "c2": 0.01,
      "max_iterations": 60, "min_freq": 1, "window": 2, "affixes": 4,
      "all_transitions": True, "algorithm": "ap", "seed": 3}),
    (lambda: _component("xlner.tag.hf", "HFTagger", "tagger-model", epochs=2, device="cpu",
                        labels=["O", "B-PER", "I-PER"]),
     {"name": "hf", "version": 1, "model": "tagger-model", "base_model": "tagger-model",
      "trained": False, **HF_TAGGER_SETTINGS, "epochs": 2}),
    (lambda: _component("xlner.tag.hf", "HFTagger", "m", lr=1, stride=8).settings(),
     {**HF_TAGGER_SETTINGS, "lr": 1.0, "stride": 8}),
    (lambda: _component("xlner.tag.crf", "CRFTagger", window=1).settings(),
     {"c1": 0.05, "c2": 0.01, "max_iterations": 60, "min_freq": 1, "window": 1,
      "affixes": 4, "all_transitions": True, "algorithm": "lbfgs", "seed": 0}),
    (lambda: _component("xlner.project.scores.visual", "VisualScorer", _Encoder(), text=1,
                        image=0.25, missing="zero", device="cuda", cache_size=3),
     {"name": "visual", "version": 1, "encoder": {"model": "clip"}, "text": 1.0,
      "image": 0.25, "grid": 2, "threshold": 0.0, "mode": "score", "eps": 1e-4,
      "missing": "zero"}),
]


@pytest.mark.parametrize(("make", "expected"), HANDWRITTEN)
def test_descriptions_keep_the_hand_written_keys_and_values(
        make: Any, expected: dict[str, Any]) -> None:
    out = make()
    out = out if isinstance(out, dict) else out.describe()
    assert out == expected
    assert [type(v) for v in out.values()] == [type(expected[k]) for k in out]


def test_eflomal_describes_its_priors_bitext_and_identity(tmp_path: Any) -> None:
    from xlner.align.eflomal import EflomalAligner
    from xlner.corpora.text import Bitext
    from xlner.files import file_digest

    priors = tmp_path / "priors"
    priors.write_text("x\n", encoding="utf-8")
    bitext = Bitext([("a",)], [("b",)], name="bi", digest="sha256:0")
    aligner = EflomalAligner(bitext=bitext, priors=priors, priors_scale=0.5)
    with_priors = {**EFLOMAL, "priors": file_digest(priors), "priors_scale": 0.5,
                   "priors_lex_only": False}
    assert aligner.describe() == {**with_priors, "bitext": bitext.describe()}
    assert aligner.describe_settings() == with_priors
    assert aligner.identity() == {**with_priors, "bitext": bitext.describe()}


def test_the_cached_translator_describes_what_it_read(tmp_path: Any) -> None:
    from xlner.files import file_digest
    from xlner.translate.cached import CachedTranslator

    path = tmp_path / "t.txt"
    path.write_text("eins\nzwei\n", encoding="utf-8")
    assert CachedTranslator(path, src_lang="de", check_source=False).describe() == {
        "name": "cached", "version": 1, "path": str(path), "format": "text",
        "digest": file_digest(path), "translations": 2, "src_lang": "deu", "tgt_lang": None}

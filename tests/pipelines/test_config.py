"""The run configuration: TOML round trip, validation with file and key, builders."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from xlner.errors import ConfigError
from xlner.pipelines.config import (
    Align,
    Input,
    Project,
    Refine,
    RunConfig,
    Translate,
    dump_toml,
    load_config,
    project_config,
    translate_test_config,
    translate_train_config,
)
from xlner.pipelines.refine import check_refine, dropped_classes


def full_config() -> RunConfig:
    return translate_train_config(
        lang="hau", source="nllb-conll2003:hau:en", translations="nllb-conll2003:hau:tp",
        methods=["ilp+grow", "heuristic(d=1)@union"], aligner_params={"seed": 3, "x": 0.5},
        anchors=True, target_label_map="MISC=O", consistency={"min_count": 2},
        filters="no-failed,prose:0.4", repair={"folds": 3, "tagger": "crf(c1=0.1,c2=1)"},
        join="apostrophes", tagger="crf", eval=Input("masakhaner2:hau:test", label_map="DATE=O",
                                                      repair=True), out="runs/hau")


def test_toml_round_trip(tmp_path: Path) -> None:
    config = full_config()
    text = config.to_toml()
    assert tomllib.loads(text) == config.to_dict()  # the writer writes valid TOML
    (tmp_path / "run.toml").write_text(text, encoding="utf-8")
    again = load_config(tmp_path / "run.toml")
    assert again == config and again.to_toml() == text
    # refinement steps keep the order the pipeline applies them in
    assert [s.kind for s in again.refine] == ["consistency", "label-map", "filters",
                                              "recall-repair", "join"]
    assert again.step(Translate).params == {"path": "nllb-conll2003:hau:tp"}
    assert again.step(Project).methods == ("ilp+grow", "heuristic(d=1)@union")


def test_digest_view_leaves_locations_out() -> None:
    a = full_config()
    b = translate_train_config(**{**_kwargs(), "out": "elsewhere"})
    c = translate_train_config(**{**_kwargs(), "filters": "no-failed"})
    assert a.to_dict() != b.to_dict() and a.digest_view() == b.digest_view()
    assert a.digest_view() != c.digest_view()


def _kwargs() -> dict[str, object]:
    return {"lang": "hau", "source": "nllb-conll2003:hau:en",
            "translations": "nllb-conll2003:hau:tp",
            "methods": ["ilp+grow", "heuristic(d=1)@union"],
            "aligner_params": {"seed": 3, "x": 0.5}, "anchors": True,
            "target_label_map": "MISC=O", "consistency": {"min_count": 2},
            "filters": "no-failed,prose:0.4",
            "repair": {"folds": 3, "tagger": "crf(c1=0.1,c2=1)"}, "join": "apostrophes",
            "tagger": "crf", "eval": Input("masakhaner2:hau:test", label_map="DATE=O",
                                           repair=True), "out": "runs/hau"}


def test_errors_name_the_file_and_key(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    cases = {
        'pipeline = "translate-train"\n': "missing key 'lang'",
        'pipeline = "fly"\nlang = "de"\n': "unknown pipeline 'fly'",
        'pipeline = "project"\nlang = "de"\ncolour = 1\n': "unknown keys \\['colour'\\]",
        'pipeline = "project"\nlang = "de"\n[[steps]]\nkind = "dance"\n':
            "steps\\[0\\]: unknown step kind 'dance'",
        'pipeline = "project"\nlang = "de"\n[[steps]]\nkind = "align"\nseed = 1\n':
            "steps\\[0\\]: unknown keys \\['seed'\\]",
        'pipeline = "project"\nlang = "de"\n[inputs.source]\nlabel = "x"\n':
            "inputs.source: unknown keys",
        'pipeline = "project"\nlang = "de"\n[[steps]]\nkind = "align"\n'
        '[[steps]]\nkind = "align"\n': "given more than once",
        'pipeline = "project"\nlang = \n': "not valid TOML",
    }
    for text, message in cases.items():
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError, match=message) as info:
            load_config(path)
        assert str(path) in str(info.value)
    with pytest.raises(ConfigError, match="no such run configuration"):
        load_config(tmp_path / "missing.toml")


def test_refine_settings_are_checked() -> None:
    with pytest.raises(ConfigError, match="unknown consistency settings"):
        check_refine([Refine("consistency", {"min_cnt": 2})])
    with pytest.raises(ConfigError, match="unknown word-joining rule"):
        check_refine([Refine("join", {"rule": "hyphens"})])
    with pytest.raises(ConfigError, match="shiny"):
        check_refine([Refine("filters", {"names": ["shiny"]})])
    with pytest.raises(ConfigError, match="unknown step kind"):
        RunConfig("project", "de", {}, (Refine("polish"),))
    assert dropped_classes([Refine("label-map", {"map": "MISC=O,DATE=O"})],
                           ["LOC", "MISC", "PER"]) == ["MISC"]


def test_builders_for_the_other_pipelines() -> None:
    tt = translate_test_config(lang="de", target="europarl-ner:de", tagger="models/en",
                               translations="europarl-ner:en", pred_label_map="MISC=O",
                               method="ilp+lex")
    assert [s.kind for s in tt.steps] == ["translate", "tag", "align", "project"]
    assert RunConfig.from_dict(tomllib.loads(tt.to_toml())) == tt
    pr = project_config(source="en.conll", target="de.txt", out="out.conll",
                        bitexts=["bitext:en-de"], aligner_params={"seed": 1})
    assert pr.step(Align).bitexts == ("bitext:en-de",)
    assert RunConfig.from_dict(tomllib.loads(pr.to_toml())) == pr
    with pytest.raises(ConfigError, match="cannot write"):
        dump_toml({"x": object()})


def test_limits_round_trip_and_stay_out_of_the_defaults(tmp_path: Path) -> None:
    from xlner.project.limits import Limits

    plain = project_config(source="en.conll", target="de.txt", out="o.conll")
    assert "max_words" not in plain.to_toml() and plain.require(Project).limits() == Limits()
    config = project_config(source="en.conll", target="de.txt", out="o.conll",
                            limits={"max_words": 50, "max_candidates": 0})
    (tmp_path / "run.toml").write_text(config.to_toml(), encoding="utf-8")
    again = load_config(tmp_path / "run.toml").require(Project).limits()
    assert again == Limits(max_words=50, max_candidates=0)
    with pytest.raises(ConfigError, match="max_entities"):
        Project(max_entities=-2).limits()


def test_actor_pool_settings_round_trip_and_stay_out_of_the_digest() -> None:
    import dataclasses

    a = full_config()
    pooled = dataclasses.replace(a, engine="ray", workers=2, actors=3, num_gpus=0.5)
    again = RunConfig.from_dict(tomllib.loads(pooled.to_toml()))
    assert again == pooled and (again.actors, again.num_gpus) == (3, 0.5)
    assert pooled.digest_view() == a.digest_view()

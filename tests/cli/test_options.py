"""One name per option across subcommands; old spellings are hidden aliases; grouped help."""

from __future__ import annotations

import pytest

from xlner.cli.main import build_parser


@pytest.mark.parametrize(("command", "new", "old", "dest"), [
    (["align", "--src", "a", "--tgt", "b"], "--aligner-param", "--param", "aligner_param"),
    (["project", "--source", "a", "--target", "b", "--out", "o"], "--method-param", "--param",
     "method_param"),
    (["translate", "--input", "a", "--out", "o", "--src-lang", "hau"], "--translator-param",
     "--param", "translator_param"),
])
def test_param_options_and_their_old_spelling(command: list[str], new: str, old: str,
                                              dest: str) -> None:
    parser = build_parser()
    a = parser.parse_args([*command, new, "seed=1", new, "x=2"])
    b = parser.parse_args([*command, old, "seed=1", old, "x=2"])
    assert getattr(a, dest) == getattr(b, dest) == ["seed=1", "x=2"]


def test_project_keeps_method_and_aligner_params_apart() -> None:
    args = build_parser().parse_args(["project", "--source", "a", "--target", "b", "--out", "o",
                                      "--param", "d=1", "--aligner-param", "seed=3"])
    assert args.method_param == ["d=1"] and args.aligner_param == ["seed=3"]


@pytest.mark.parametrize("command", ["translate-train", "translate-test"])
def test_split_means_dev_or_test_only(command: str) -> None:
    base = [command, "--translations", "t", "--lang", "hau", "--out", "o"]
    base += ["--source", "s"] if command == "translate-train" else ["--target", "s",
                                                                   "--tagger", "m"]
    parser = build_parser()
    new = parser.parse_args([*base, "--translations-tokenize", "whitespace"])
    old = parser.parse_args([*base, "--split", "whitespace"])
    assert new.translations_tokenize == old.translations_tokenize == "whitespace"
    assert parser.parse_args(base).translations_tokenize == "auto"


def test_help_is_grouped_and_hides_old_spellings(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    with pytest.raises(SystemExit):
        parser.parse_args(["translate-train", "--help"])
    out = capsys.readouterr().out
    for group in ("translation:", "alignment:", "input corpora:", "data:", "dataset output:"):
        assert group in out
    assert "--translations-tokenize" in out and "--split" not in out
    with pytest.raises(SystemExit):
        parser.parse_args(["align", "--help"])
    out = capsys.readouterr().out
    assert "--aligner-param" in out and "--param " not in out

"""``xlner.pipelines.run.run`` and ``xlner run``: a configuration printed by a command
reproduces that command's outputs byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.synthetic_parallel import make_pairs, write_data_dir
from xlner.cli.main import main
from xlner.corpora.conll import write_conll
from xlner.errors import ConfigError
from xlner.pipelines.config import load_config, project_config
from xlner.pipelines.run import ProjectResult, run


def _files(root: Path) -> dict[str, bytes]:
    """Every output file but the JSON ones (signatures and reports hold times); scores
    instead of eval.json."""
    out = {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
           if p.is_file() and p.suffix != ".json"}
    for p in root.rglob("eval.json"):
        out[str(p.relative_to(root))] = json.dumps(json.loads(p.read_text())["scores"]).encode()
    return out


def test_print_config_reproduces_translate_train(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    data = write_data_dir(tmp_path / "data", "swa", n=120, seed=4)
    flags = ["translate-train", "--source", "nllb-conll2003:swa:en", "--translations",
             "nllb-conll2003:swa:tprojection", "--lang", "swa", "--method", "heuristic,ilp",
             "--target-label-map", "MISC=O", "--consistency", "min_count=2",
             "--filters", "no-failed,complete", "--tagger", "crf(max_iterations=20)",
             "--eval", "masakhaner2:swa:test", "--eval-label-map", "DATE=O",
             "--data-dir", str(data), "--no-download", "--no-bitext"]
    assert main([*flags, "--out", str(tmp_path / "a")]) == 0
    capsys.readouterr()
    assert main([*flags, "--out", str(tmp_path / "b"), "--print-config"]) == 0
    toml = capsys.readouterr().out
    assert not (tmp_path / "b").exists()  # printing runs nothing
    (tmp_path / "run.toml").write_text(toml, encoding="utf-8")
    assert main(["run", str(tmp_path / "run.toml"), "--json", str(tmp_path / "r.json")]) == 0
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert a == b and "ilp/train.conll" in a and "heuristic/eval.json" in a
    # the signatures carry the configuration, the same for both runs
    sa = json.loads((tmp_path / "a" / "summary.json").read_text())["signature"]
    sb = json.loads((tmp_path / "b" / "summary.json").read_text())["signature"]
    assert sa["params"]["config"] == sb["params"]["config"] == \
        load_config(tmp_path / "run.toml").digest_view()
    assert json.loads((tmp_path / "r.json").read_text())["config"]["pipeline"] == \
        "translate-train"
    # xlner run --print-config normalises the file it reads
    assert main(["run", str(tmp_path / "run.toml"), "--print-config"]) == 0
    assert capsys.readouterr().out == toml


def test_project_config_through_the_library(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    src, tgt = make_pairs(40, seed=9)
    write_conll(tmp_path / "en.conll", src)
    write_conll(tmp_path / "de.conll", tgt)
    flags = ["project", "--source", str(tmp_path / "en.conll"), "--target",
             str(tmp_path / "de.conll"), "--method", "ilp", "--aligner-param", "seed=2"]
    assert main([*flags, "--out", str(tmp_path / "cli.conll")]) == 0
    config = project_config(source=str(tmp_path / "en.conll"),
                            target=str(tmp_path / "de.conll"), out=tmp_path / "lib.conll",
                            method="ilp", aligner_params={"seed": 2})
    result = run(config)
    assert isinstance(result.outcome, ProjectResult)
    assert (tmp_path / "lib.conll").read_bytes() == (tmp_path / "cli.conll").read_bytes()
    assert result.signature["params"]["config"] == config.digest_view()
    capsys.readouterr()
    assert main([*flags, "--out", str(tmp_path / "x.conll"), "--print-config"]) == 0
    printed = capsys.readouterr().out
    assert 'pipeline = "project"' in printed and "seed = 2" in printed
    with pytest.raises(ConfigError, match="needs the input 'target'"):
        run(project_config(source="a", target="b", out="c").__class__(
            "project", "und", {"source": config.input("source")}, config.steps,
            out=str(tmp_path / "y.conll")))

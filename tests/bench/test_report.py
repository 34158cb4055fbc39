"""``xlner report``: F1 charts of benchmark results, projection report charts, index.html."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.toydata import toy_pair
from xlner.bench.report import f1_table, write_report
from xlner.cli.main import main
from xlner.corpora.conll import write_conll
from xlner.errors import InputError

pytest.importorskip("matplotlib")

MASAKHANER = {"signature": {}, "results": [
    {"lang": lang, "labels": labels, "f1": f1}
    for lang, row in {"hau": (0.570, 0.571, 0.705), "ibo": (0.509, 0.593, 0.866)}.items()
    for labels, f1 in zip(("tprojection", "ilp+grow", "gold"), row, strict=True)]}
EUROPARL = {"results": [{"lang": "de", "method": "heuristic", "f1": 0.902},
                        {"lang": "es", "method": "heuristic", "f1": 0.926},
                        {"lang": "de", "method": "ilp+lex", "f1": 0.924}]}


def test_f1_table_reads_both_bench_shapes() -> None:
    langs, table = f1_table(MASAKHANER["results"])
    assert langs == ["hau", "ibo"] and table["gold"] == {"hau": 0.705, "ibo": 0.866}
    langs, table = f1_table(EUROPARL["results"])
    assert table["ilp+lex"] == {"de": 0.924} and langs == ["de", "es"]
    with pytest.raises(InputError, match="line 1"):
        f1_table([{"lang": "de"}])


def test_bench_report_charts_and_tables(tmp_path: Path) -> None:
    (tmp_path / "m.json").write_text(json.dumps(MASAKHANER))
    (tmp_path / "e.json").write_text(json.dumps(EUROPARL))
    index = write_report([tmp_path / "m.json", tmp_path / "e.json"], tmp_path / "rep")
    page = index.read_text()
    for stem in ("m", "e"):
        assert (tmp_path / "rep" / f"{stem}.png").read_bytes()[:4] == b"\x89PNG"
        assert f'src="{stem}.svg"' in page
    svg = (tmp_path / "rep" / "m.svg").read_text()
    for text in ("hau", "ibo", "tprojection", "ilp+grow", "gold (upper bound)"):
        assert text in svg
    # the table: each row with its F1 per language and the average
    assert "<td>ilp+grow</td><td>0.571</td><td>0.593</td><td>0.582</td>" in page
    assert "<td>ilp+lex</td><td>0.924</td><td></td><td>0.924</td>" in page


def test_run_directory_report(tmp_path: Path) -> None:
    src, tgt = toy_pair(50, seed=7)
    write_conll(tmp_path / "s.conll", src)
    write_conll(tmp_path / "t.conll", tgt)
    run = tmp_path / "run"
    assert main(["project", "--source", str(tmp_path / "s.conll"), "--target",
                 str(tmp_path / "t.conll"), "--out", str(run / "p.conll")]) == 0
    report = json.loads((run / "p.conll.report.json").read_text())
    assert main(["report", str(run), "--out", str(tmp_path / "rep")]) == 0
    page = (tmp_path / "rep" / "index.html").read_text()
    assert "p.conll.report.json" in page
    svg = (tmp_path / "rep" / "p-conll-report-json.svg").read_text()
    assert "source entities by class" in svg and "unprojected by reason" in svg
    per = report["by_class"]["PER"]
    assert f"<td>PER</td><td>{per['source']}</td><td>{per['projected']}</td>" in page
    assert f"{report['sentences']} sentences; failed sentences: 0" in page


def test_report_errors_name_the_file(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{\n  oops")
    with pytest.raises(InputError, match=r"bad\.json:2: invalid JSON"):
        write_report([tmp_path / "bad.json"], tmp_path / "rep")
    (tmp_path / "other.json").write_text("{}")
    with pytest.raises(InputError, match=r"other\.json: neither"):
        write_report([tmp_path / "other.json"], tmp_path / "rep")
    with pytest.raises(InputError, match=r"no .*report\.json"):
        write_report([tmp_path], tmp_path / "rep")

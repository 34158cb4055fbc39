"""The projection viewer: error judgement, page data, and the page in headless chromium."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from tests.toydata import toy_pair
from xlner.cli.main import main
from xlner.corpora.conll import write_conll
from xlner.data import Entity, Sentence, as_links, format_pharaoh
from xlner.errors import InputError
from xlner.evaluate.viewer import span_errors, viewer_data, write_viewer


def kinds(gold: list[Entity], pred: list[Entity]) -> list[tuple[str, str]]:
    return [(e.kind, e.label) for e in span_errors(gold, pred)]


def test_span_errors_judge_every_kind() -> None:
    gold = [Entity(0, 2, "PER"), Entity(3, 4, "LOC"), Entity(5, 6, "ORG"), Entity(8, 9, "LOC")]
    pred = [Entity(0, 2, "PER"), Entity(3, 4, "ORG"), Entity(5, 7, "ORG"), Entity(10, 11, "PER")]
    assert kinds(gold, pred) == [("correct", "PER"), ("class", "ORG"), ("boundary", "ORG"),
                                 ("missed", "LOC"), ("spurious", "PER")]
    cls = span_errors(gold, pred)[1]
    assert cls.gold == Entity(3, 4, "LOC") and cls.pred == Entity(3, 4, "ORG")
    assert kinds([], []) == []
    # a wider prediction over two gold entities: one boundary error, neither gold is missed
    assert kinds([Entity(0, 1, "PER"), Entity(1, 2, "PER")], [Entity(0, 2, "PER")]) == \
        [("boundary", "PER")]


def test_viewer_data_checks_its_inputs() -> None:
    pred = [Sentence(("a", "b"), (Entity(0, 1, "PER"),))]
    src = [Sentence(("x", "y"), (Entity(1, 2, "PER"),))]
    data = viewer_data(pred, gold=[Sentence(("a", "b"), ())], source=src,
                       links=[as_links([(1, 0)])])
    row = data["sentences"][0]
    assert row["l"] == [1, 0] and row["e"] == [["spurious", 0, 1, "PER", ""]]
    wide = viewer_data([Sentence(("a", "b"), (Entity(0, 2, "PER"),))],
                       gold=[Sentence(("a", "b"), (Entity(1, 2, "PER"),))])
    assert wide["sentences"][0]["e"] == [["boundary", 0, 2, "PER", "PER", 1, 2]]
    assert data["classes"] == ["PER"]
    with pytest.raises(InputError, match=r"g\.txt: 2 gold sentences for 1"):
        viewer_data(pred, gold=pred * 2, names={"gold": "g.txt"})
    with pytest.raises(InputError, match="gold words differ"):
        viewer_data(pred, gold=[Sentence(("a", "c"), ())])
    with pytest.raises(InputError, match=r"l\.txt:1: sentence 1: a link points past"):
        viewer_data(pred, source=src, links=[as_links([(0, 5)])], names={"links": "l.txt"})


def test_page_is_self_contained(tmp_path: Path) -> None:
    pred = [Sentence(("</script>", "<b>x</b>"), (Entity(0, 1, "PER"),))]
    out = write_viewer(tmp_path / "v.html", pred, title="t <1>")
    page = out.read_text()
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in page and "<link" not in page
    assert page.count("</script>") == 2  # the data cannot close its script element
    payload = re.search(r'id="data">(.*?)</script>', page, re.S)
    assert payload and json.loads(payload.group(1))["sentences"][0]["t"][0] == "</script>"
    assert "<title>t &lt;1&gt;</title>" in page


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def run_chromium(args: list[str], tmp: Path) -> str:
    exe = chromium()
    assert exe is not None
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-dev-shm-usage", f"--user-data-dir={tmp / 'profile'}", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "HOME": str(tmp)})
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture
def page(tmp_path: Path) -> Path:
    src, tgt = toy_pair(120, seed=4)
    rng = np.random.default_rng(0)
    pred = []
    for s in tgt:  # perturb the gold: drop, relabel, widen some entities, add a spurious one
        ents = []
        for e in s.entities:
            r = rng.random()
            if r < 0.15:
                continue
            if r < 0.3:
                e = Entity(e.start, e.end, "MISC")
            elif r < 0.4 and e.end < len(s) and not any(o.start == e.end for o in s.entities):
                e = Entity(e.start, e.end + 1, e.label)
            ents.append(e)
        if rng.random() < 0.1 and not any(e.start == 0 for e in ents) and \
                not any(e.start == 0 for e in s.entities):
            ents.append(Entity(0, 1, "ORG"))
        pred.append(s.with_entities(ents))
    write_conll(tmp_path / "src.conll", src)
    write_conll(tmp_path / "gold.conll", tgt)
    write_conll(tmp_path / "pred.conll", pred)
    # the toy pair keeps names in place up to local swaps: link words of equal rank
    (tmp_path / "links.txt").write_text("".join(
        format_pharaoh(as_links([(i, i) for i in range(min(len(a), len(b)))])) + "\n"
        for a, b in zip(src, tgt, strict=True)))
    out = tmp_path / "view.html"
    assert main(["show", str(tmp_path / "pred.conll"), "--gold", str(tmp_path / "gold.conll"),
                 "--source", str(tmp_path / "src.conll"), "--links",
                 str(tmp_path / "links.txt"), "--out", str(out)]) == 0
    return out


@pytest.mark.slow
@pytest.mark.skipif(chromium() is None, reason="no chromium installed (apt-get install "
                    "chromium); the viewer's browser test needs it")
def test_page_renders_in_headless_chromium(page: Path, tmp_path: Path) -> None:
    dom = run_chromium(["--dump-dom", page.as_uri()], tmp_path)
    shown = int(re.search(r'data-shown="(\d+)"', dom).group(1))  # type: ignore[union-attr]
    assert shown == 50  # the first page
    assert 'data-matching="120"' in dom
    assert ">Anna<" in dom or ">Berlin<" in dom or ">Olga<" in dom
    assert dom.count("<line ") > 100 and 'data-link="0-0"' in dom
    for kind in ("missed", "class", "correct"):
        assert f'class="err {kind}"' in dom
    # a scripted click on the "missed" filter: only sentences with a missed entity remain
    dom2 = run_chromium(["--dump-dom", page.as_uri() + "#click=err-missed"], tmp_path)
    assert 'data-clicked="err-missed"' in dom2
    matching = int(re.search(r'data-matching="(\d+)"', dom2).group(1))  # type: ignore[union-attr]
    assert 0 < matching < 120
    cards = dom2.split('class="pair"')[1:]
    assert len(cards) == min(50, matching)
    assert all('class="err missed"' in c for c in cards)
    # filters from the URL hash: a class and a search
    dom3 = run_chromium(["--dump-dom", page.as_uri() + "#error=spurious&q=w1"], tmp_path)
    cards3 = dom3.split('class="pair"')[1:]
    assert all('class="err spurious"' in c and "w1" in c for c in cards3)
    shot = tmp_path / "view.png"
    run_chromium([f"--screenshot={shot}", "--window-size=1200,900", page.as_uri()], tmp_path)
    assert shot.is_file() and shot.read_bytes()[:4] == b"\x89PNG"
    keep = os.environ.get("XLNER_TEST_ARTIFACTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / "viewer.png")

"""Progress bars: drawn on a terminal or when forced, silent otherwise, and with --quiet."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.toydata import toy_pair
from xlner import progress
from xlner.cli.main import main
from xlner.corpora.conll import write_conll

pytest.importorskip("tqdm")


@pytest.fixture(autouse=True)
def _reset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XLNER_PROGRESS", raising=False)
    progress.set_quiet(False)


def test_silent_when_stderr_is_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    assert not progress.enabled()
    assert list(progress.bar([1, 2, 3], desc="things")) == [1, 2, 3]
    with progress.task("work", total=2) as t:
        t.update(2)
    with progress.stage("waiting"):
        pass
    assert capsys.readouterr().err == ""


def test_bar_counts_and_stage_elapsed(monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(progress, "_isatty", lambda: True)
    monkeypatch.setattr(progress, "MININTERVAL", 0.0)
    assert progress.enabled()
    assert list(progress.bar(range(4), desc="langs", unit="lang")) == [0, 1, 2, 3]
    err = capsys.readouterr().err
    assert "langs" in err and "4/4" in err and "lang/s" in err
    with progress.task("translating", total=10, unit="sent") as t:
        t.update(10)
    assert "10/10" in capsys.readouterr().err
    with progress.stage("eflomal: aligning", interval=0.05):
        time.sleep(0.2)
    err = capsys.readouterr().err
    assert "eflomal: aligning: 00:00" in err


def test_quiet_and_environment_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "_isatty", lambda: True)
    progress.set_quiet(True)
    assert not progress.enabled()
    progress.set_quiet(False)
    monkeypatch.setenv("XLNER_PROGRESS", "0")
    assert not progress.enabled()
    monkeypatch.setattr(progress, "_isatty", lambda: False)
    monkeypatch.setenv("XLNER_PROGRESS", "1")
    assert progress.enabled()


def test_cli_shows_steps_and_keeps_the_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    src, tgt = toy_pair(60, seed=1)
    write_conll(tmp_path / "s.conll", src)
    write_conll(tmp_path / "t.conll", tgt)
    monkeypatch.setattr(progress, "_isatty", lambda: True)
    args = ["project", "--source", str(tmp_path / "s.conll"), "--target",
            str(tmp_path / "t.conll"), "--no-resume"]
    assert main([*args, "--out", str(tmp_path / "a.conll")]) == 0
    err = capsys.readouterr().err
    assert "eflomal: aligning 60 sentence pairs" in err and "projecting 60 sentences" in err
    assert "source entities" in err  # the summary stays
    assert main(["-q", *args, "--out", str(tmp_path / "b.conll")]) == 0
    err = capsys.readouterr().err
    assert "eflomal: aligning" not in err and "projecting" not in err
    assert "source entities" in err

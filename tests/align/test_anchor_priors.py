"""Anchor priors: eflomal lexical priors from orthographic anchors."""

from __future__ import annotations

from pathlib import Path

import pytest

from xlner.align.anchor_priors import anchor_links, anchor_priors, write_anchor_priors
from xlner.align.eflomal import EflomalAligner
from xlner.align.priors import read_priors

SRC = [["Putin", "met", "Trump", "in", "Moscow"], ["the", "talks", "ended"]]
TGT = [["Путин", "встретил", "Трампа", "в", "Москве"], ["переговоры", "закончились"]]


def test_anchors_across_scripts_become_priors_over_eflomal_keys(tmp_path: Path) -> None:
    assert sorted(anchor_links(SRC, TGT)) == [(0, 0, 0), (0, 2, 2), (0, 4, 4)]
    pri = anchor_priors(SRC, TGT, weight=2.0)
    assert dict(pri.lex) == {("putin", "путин"): 2.0, ("trump", "трампа"): 2.0,
                             ("moscow", "москве"): 2.0}
    assert not (pri.hmmf or pri.hmmr or pri.ferf or pri.ferr)
    whole = anchor_priors(SRC, TGT, truncate=0, lowercase=False)
    assert ("Moscow", "Москве") in whole.lex
    path = tmp_path / "anchors.priors"
    write_anchor_priors(path, SRC, TGT, weight=2.0)
    assert read_priors(path).lex == pri.lex
    with pytest.raises(ValueError, match="positive"):
        anchor_priors(SRC, TGT, weight=0)


def test_eflomal_anchor_prior_reaches_the_priors_file(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    original = EflomalAligner._write_priors

    def kept(self: EflomalAligner, path: Path, *args: object) -> None:
        original(self, path, *args)  # type: ignore[arg-type]
        seen.append(Path(path).read_text())

    monkeypatch.setattr(EflomalAligner, "_write_priors", kept)
    src, tgt = SRC * 3, TGT * 3
    with_anchors = EflomalAligner(anchor_prior=3.0, identity_prior=0)
    assert len(with_anchors.align(src, tgt)) == 6
    header, *lines = seen[0].splitlines()
    assert header.split()[2] == "3" and all(line.endswith(" 3") for line in lines)
    assert with_anchors.describe()["anchor_prior"] == 3.0
    seen.clear()
    plain = EflomalAligner(identity_prior=0)
    plain.align(src, tgt)
    assert seen == [] and "anchor_prior" not in plain.describe()  # no priors file at all
    both = EflomalAligner(anchor_prior=0.5)  # identity (1.0) wins where both apply
    both.align([["Anna", "Moscow"]], [["Anna", "Москве"]])
    assert sorted(line.split()[2] for line in seen[0].splitlines()[1:]) == ["0.5", "1"]

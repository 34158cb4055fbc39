"""Learnt eflomal priors as a shard's aligner uses them: lexical counts scaled, HMM jump and
fertility priors left out unless asked for (measured on Europarl-NER de, docs/runs.md)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from xlner.align.eflomal import EflomalAligner, _Vocab
from xlner.align.priors import Priors, write_priors
from xlner.errors import ConfigError


def _eflomal_priors(tmp_path: Path, **kw: object) -> list[str]:
    learnt = tmp_path / "learnt.txt"
    write_priors(learnt, Priors(lex=Counter({("haus", "house"): 200, ("gone", "absent"): 5}),
                                hmmf=Counter({1: 1000, 2: 50}), hmmr=Counter({1: 900}),
                                ferf=Counter({("haus", 1): 200}),
                                ferr=Counter({("house", 1): 200})))
    al = EflomalAligner(priors=learnt, identity_prior=0, **kw)  # type: ignore[arg-type]
    sv, tv = _Vocab(True, 6), _Vocab(True, 6)
    src, tgt = [sv.encode(("das", "Haus"))], [tv.encode(("the", "house"))]
    out = tmp_path / "eflomal-priors.txt"
    al._write_priors(out, src, tgt, sv, tv)
    return out.read_text().splitlines()


def test_learnt_priors_scaled_and_lexical_only_by_default(tmp_path: Path) -> None:
    lines = _eflomal_priors(tmp_path)
    # header: vocabularies + 1 (NULL), one lexical prior (the other pair's words are absent),
    # no HMM or fertility priors
    assert lines == ["3 3 1 0 0 0 0", "2 2 2"]  # haus → house: 200 × 0.01
    full = _eflomal_priors(tmp_path, priors_scale=1.0, priors_lex_only=False)
    assert full[0] == "3 3 1 2 1 1 1" and full[1] == "2 2 200"
    assert full[2:5] == ["1 1000", "2 50", "1 900"]


def test_priors_settings_are_described_and_checked(tmp_path: Path) -> None:
    learnt = tmp_path / "p.txt"
    write_priors(learnt, Priors(lex=Counter({("a", "b"): 1})))
    a = EflomalAligner(priors=learnt).describe()
    b = EflomalAligner(priors=learnt, priors_scale=0.5).describe()
    assert a["priors_scale"] == 0.01 and a != b
    assert EflomalAligner(priors=learnt).identity()["priors_scale"] == 0.01
    with pytest.raises(ConfigError, match="priors_scale must be positive"):
        EflomalAligner(priors=learnt, priors_scale=0)

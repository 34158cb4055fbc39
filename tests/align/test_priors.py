"""Learnt eflomal priors: the whole run's statistics per direction, as a shard's aligner uses
them (docs/runs.md)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from tests.align.test_eflomal import accuracy, synthetic_corpus
from xlner.align.eflomal import EflomalAligner, _Vocab
from xlner.align.priors import (
    LearntPriors,
    Priors,
    count_direction,
    learn_priors,
    read_priors,
    write_priors,
)
from xlner.corpora.text import Bitext
from xlner.errors import ConfigError


def test_counts_follow_each_direction_as_eflomal_keeps_them() -> None:
    src, tgt = ["a", "b", "c"], ["x", "y"]
    lex: Counter[tuple[str, str]] = Counter()
    jumps: Counter[int] = Counter()
    fert: Counter[tuple[str, int]] = Counter()
    # forward: each target word has at most one source word; b is unaligned (fertility 0)
    count_direction(src, tgt, np.array([[0, 0], [2, 1]]), lex, jumps, fert, reverse=False)
    assert lex == {("a", "x"): 1, ("c", "y"): 1}
    assert jumps == {1: 2, 2: 1}  # -1 -> 0, 0 -> 2, 2 -> the end (3)
    assert fert == {("a", 1): 1, ("b", 0): 1, ("c", 1): 1}
    lex, jumps, fert = Counter(), Counter(), Counter()
    # reverse: each source word has at most one target word; c goes to NULL
    count_direction(src, tgt, np.array([[0, 0], [1, 0]]), lex, jumps, fert, reverse=True)
    assert lex == {("a", "x"): 1, ("b", "x"): 1}  # keys stay (source, target)
    assert jumps == {1: 1, 0: 1, 2: 1}
    assert fert == {("x", 2): 1, ("y", 0): 1}


def _eflomal_priors(tmp_path: Path, reverse: bool, **kw: object) -> list[str]:
    learnt = tmp_path / "learnt.txt"
    write_priors(learnt, Priors(
        lex=Counter({("haus", "house"): 200, ("haus", "home"): 100, ("gone", "absent"): 5}),
        lexr=Counter({("haus", "house"): 150, ("das", "home"): 40}),
        hmmf=Counter({1: 1000, 2: 50}), hmmr=Counter({1: 900}),
        ferf=Counter({("haus", 1): 200}), ferr=Counter({("house", 1): 200})))
    al = EflomalAligner(priors=learnt, identity_prior=0, **kw)  # type: ignore[arg-type]
    sv, tv = _Vocab(True, 6), _Vocab(True, 6)
    src, tgt = [sv.encode(("das", "Haus"))], [tv.encode(("the", "house"))]
    out = tmp_path / "eflomal-priors.txt"
    al._write_priors(out, src, tgt, sv, tv, learnt=LearntPriors(read_priors(learnt)),
                     reverse=reverse)
    return out.read_text().splitlines()


def test_learnt_priors_per_direction_keep_the_mass_of_absent_words(tmp_path: Path) -> None:
    # vocabularies + NULL + one spare word each; haus -> house 200 x 0.01, and haus's
    # translation absent from the batch (home, 100) on the spare target word (id 3)
    assert _eflomal_priors(tmp_path, False, priors_scale=0.01, priors_lex_only=True) == [
        "4 4 2 0 0 0 0", "2 2 2", "2 3 1"]
    # reverse: the reverse links' counts; house's only translation is present, and home is
    # absent from the batch (so das -> home has no line)
    assert _eflomal_priors(tmp_path, True, priors_scale=0.01, priors_lex_only=True) == [
        "4 4 1 0 0 0 0", "2 2 1.5"]
    full = _eflomal_priors(tmp_path, False, priors_scale=1.0, priors_lex_only=False)
    assert full[0] == "4 4 2 2 1 1 1" and full[1:3] == ["2 2 200", "2 3 100"]
    assert full[3:] == ["1 1000", "2 50", "1 900", "2 1 200", "2 1 200"]


def test_a_file_without_reverse_links_serves_both_directions() -> None:
    pri = LearntPriors(Priors(lex=Counter({("a", "x"): 2, ("b", "x"): 3, ("a", "y"): 1})))
    assert pri.direction(False)[1] == {"a": 3, "b": 3}
    table, totals = pri.direction(True)
    assert table is pri.priors.lex and totals == {"x": 5, "y": 1}


def test_shards_aligned_with_learnt_priors_follow_the_whole_run(tmp_path: Path) -> None:
    src, tgt, gold = synthetic_corpus(600, seed=2)
    bitext = Bitext([tuple(s) for s in src[40:]], [tuple(t) for t in tgt[40:]], name="toy")
    whole = EflomalAligner(symmetrize="intersection", bitext=bitext, seed=1)
    path = tmp_path / "priors.txt"
    learnt = learn_priors(whole, src[:40], tgt[:40], path)
    assert read_priors(path) == learnt and learnt.lexr and learnt.ferr
    alone = EflomalAligner(symmetrize="intersection", seed=1, rel_iterations=0.1)
    shared = EflomalAligner(symmetrize="intersection", seed=1, rel_iterations=0.1, priors=path,
                            priors_scale=1.0, priors_lex_only=False)
    for shard in (slice(0, 10), slice(10, 20)):
        without = accuracy(alone.align(src[shard], tgt[shard]), gold[shard])
        with_priors = accuracy(shared.align(src[shard], tgt[shard]), gold[shard])
        assert with_priors > 0.95 > without


def test_priors_settings_are_described_and_checked(tmp_path: Path) -> None:
    learnt = tmp_path / "p.txt"
    write_priors(learnt, Priors(lex=Counter({("a", "b"): 1})))
    a = EflomalAligner(priors=learnt).describe()
    b = EflomalAligner(priors=learnt, priors_scale=0.5).describe()
    assert a != b and b["priors_scale"] == 0.5
    assert EflomalAligner(priors=learnt).identity()["priors_scale"] == a["priors_scale"]
    with pytest.raises(ConfigError, match="priors_scale must be positive"):
        EflomalAligner(priors=learnt, priors_scale=0)

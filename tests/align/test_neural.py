"""SimAlign- and AWESoME-style aligners: the numpy core on crafted matrices (always run) and the
whole path over tiny locally built encoders (skipped without torch/transformers)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from xlner.align.neural import (
    argmax_links,
    cosine_similarity,
    itermax_links,
    lift_links,
    match_links,
    softmax_links,
    word_means,
)
from xlner.errors import ConfigError, InputError

# --------------------------------------------------------------------------- numpy core


def test_argmax_keeps_only_mutual_best() -> None:
    sim = np.array([[0.9, 0.8, 0.1],
                    [0.95, 0.2, 0.3],   # row 1's best is col 0, but col 0's best is row 1 too
                    [0.1, 0.7, 0.6]])
    got = argmax_links(sim)
    # col 0: best row 1 (0.95); row 1: best col 0 -> mutual. row 0: best col 0, not mutual.
    # col 1: best row 0 (0.8); row 0's best is col 0 -> not mutual. row 2: best col 1; col 1's
    # best is row 0 -> not mutual. col 2: best row 2, row 2's best is col 1 -> not mutual.
    assert np.argwhere(got).tolist() == [[1, 0]]


def test_itermax_adds_links_for_unaligned_words() -> None:
    sim = np.array([[0.9, 0.85, 0.1],
                    [0.8, 0.2, 0.1],
                    [0.1, 0.1, 0.7]])
    first = argmax_links(sim)
    assert np.argwhere(first).tolist() == [[0, 0], [2, 2]]
    got = itermax_links(sim, iterations=2, alpha=0.9)
    # round 2 weights: both sides aligned -> excluded, one side -> x0.9, none -> x1.
    # (0,1) = 0.85*0.9 = 0.765 is the best of row 0 and of column 1 -> added;
    # (1,0) = 0.8*0.9 = 0.72 beats (1,1) = 0.2 in row 1 and is the best of column 0 -> added.
    assert np.argwhere(got).tolist() == [[0, 0], [0, 1], [1, 0], [2, 2]]
    assert np.array_equal(itermax_links(sim, iterations=1), first)


def test_itermax_alpha_changes_the_second_round() -> None:
    sim = np.array([[0.9, 0.5, 0.1],
                    [0.8, 0.45, 0.1],
                    [0.1, 0.1, 0.7]])
    # row 1: (1,0) weighted 0.8*alpha vs (1,1) fully free 0.45
    low = itermax_links(sim, iterations=2, alpha=0.5)   # 0.40 < 0.45 -> (1, 1)
    high = itermax_links(sim, iterations=2, alpha=0.9)  # 0.72 > 0.45 -> (1, 0)
    assert low[1, 1] and not low[1, 0]
    assert high[1, 0] and not high[1, 1]


def test_itermax_small_matrices_are_plain_argmax() -> None:
    sim = np.array([[0.9, 0.8], [0.85, 0.1]])
    assert np.array_equal(itermax_links(sim, iterations=5), argmax_links(sim))
    with pytest.raises(ConfigError):
        itermax_links(sim, iterations=0)


def test_match_is_an_optimal_assignment() -> None:
    pytest.importorskip("scipy")
    sim = np.array([[0.9, 0.8, 0.0],
                    [0.85, 0.1, 0.0],
                    [0.0, 0.0, 0.3]])
    got = match_links(sim)
    # greedy/argmax would take (0,0); the optimum pairs (0,1) and (1,0): 1.65 > 1.0
    assert np.argwhere(got).tolist() == [[0, 1], [1, 0], [2, 2]]
    rng = np.random.default_rng(1)
    for _ in range(20):
        m = rng.random((4, 6))
        got = match_links(m)
        assert got.sum() == 4 and (got.sum(axis=0) <= 1).all() and (got.sum(axis=1) == 1).all()
        from itertools import permutations
        best = max(sum(m[i, p[i]] for i in range(4)) for p in permutations(range(6), 4))
        assert m[got].sum() == pytest.approx(best)


def test_softmax_links_thresholds_both_directions() -> None:
    scores = np.array([[5.0, 0.0, -2.0],
                       [0.0, 0.0, 9.0]])
    fwd, rev = softmax_links(scores, threshold=0.1)
    row0 = np.exp([5.0, 0.0, -2.0]) / np.exp([5.0, 0.0, -2.0]).sum()
    assert fwd[0].tolist() == (row0 > 0.1).tolist() == [True, False, False]
    col1 = np.array([0.5, 0.5])  # column 1 is uniform over the two sources
    assert rev[:, 1].tolist() == (col1 > 0.1).tolist() == [True, True]
    assert (fwd & rev).tolist() == [[True, False, False], [False, False, True]]
    # a lower threshold only adds links
    f2, r2 = softmax_links(scores, threshold=1e-3)
    assert (f2 >= fwd).all() and (r2 >= rev).all() and (f2 & r2).sum() > (fwd & rev).sum()


def test_lift_subword_links_to_words() -> None:
    # source words: 0 = [s0, s1], 1 = [s2]; target words: 0 = [t0], 1 = [t1, t2, t3]
    mask = np.zeros((3, 4), dtype=bool)
    mask[1, 0] = True   # second subword of src word 0 -> tgt word 0
    mask[2, 3] = True   # src word 1 -> last subword of tgt word 1
    mask[2, 2] = True   # duplicate word link, must appear once
    links = lift_links(mask, np.array([0, 0, 1]), np.array([0, 1, 1, 1]))
    assert links.dtype == np.int32 and links.tolist() == [[0, 0], [1, 1]]
    assert lift_links(np.zeros((3, 4), dtype=bool), np.array([0, 0, 1]),
                      np.array([0, 1, 1, 1])).shape == (0, 2)


def test_cosine_similarity_and_word_means() -> None:
    a = np.array([[1.0, 0.0], [0.0, 2.0], [-1.0, 0.0]])
    sim = cosine_similarity(a, a)
    assert sim[0, 0] == pytest.approx(1.0) and sim[0, 2] == pytest.approx(0.0)
    assert sim[0, 1] == pytest.approx(0.5)
    means = word_means(a.astype(np.float32), np.array([0, 0, 1]), 2)
    assert means.tolist() == [[0.5, 1.0], [-1.0, 0.0]]


def test_importing_xlner_does_not_import_torch() -> None:
    code = ("import sys, xlner, xlner.cli.main as m; m.load_components(); "
            "from xlner.registry import aligners, taggers, scorers; "
            "assert {'simalign', 'awesome'} <= set(aligners.names()); "
            "assert 'hf' in taggers and 'tagger' in scorers; "
            "m.build_parser(); "
            "assert 'torch' not in sys.modules and 'transformers' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


# --------------------------------------------------------------------------- tiny encoders

SENTENCES = [
    ["the", "quick", "fox", "jumps", "over", "a", "lazy", "dog", "near", "Paris"],
    ["Maria", "visits", "Berlin", "every", "summer", "with", "her", "brother"],
    ["small", "models", "learn", "slowly", "but", "they", "are", "cheap"],
    ["John"],
    ["a", "b", "c", "d", "e", "f", "g"],
]


@pytest.fixture(scope="module")
def encoders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from xlner.bench.tiny_encoders import build_tiny_encoder, synthetic_sentences

    texts = [" ".join(s) for s in SENTENCES + synthetic_sentences(150, seed=2)]
    root = tmp_path_factory.mktemp("encoders")
    return {kind: build_tiny_encoder(root / kind, texts, kind=kind, seed=0)
            for kind in ("bert", "xlmr")}


def identity(n: int) -> list[list[int]]:
    return [[i, i] for i in range(n)]


@pytest.mark.parametrize("kind", ["bert", "xlmr"])
@pytest.mark.parametrize("method", ["argmax", "itermax", "match"])
def test_simalign_aligns_a_sentence_with_itself(encoders: dict[str, Path], kind: str,
                                                method: str) -> None:
    from xlner.align.neural import SimAlignAligner

    aligner = SimAlignAligner(encoders[kind], method=method, layer=2, device="cpu")
    # distinct words only: each subword's most similar counterpart is itself
    sents = [SENTENCES[1], SENTENCES[2]]
    links = aligner.align(sents, sents)
    assert [x.tolist() for x in links] == [identity(len(s)) for s in sents]


def test_batched_equals_one_at_a_time_in_input_order(encoders: dict[str, Path]) -> None:
    from xlner.align.neural import AwesomeAligner, SimAlignAligner

    src = SENTENCES
    tgt = [SENTENCES[(k + 2) % len(SENTENCES)] for k in range(len(SENTENCES))]
    for aligner in (SimAlignAligner(encoders["bert"], layer=1, device="cpu", batch_size=2),
                    AwesomeAligner(encoders["xlmr"], layer=2, device="cpu", batch_size=3),
                    SimAlignAligner(encoders["xlmr"], layer=2, device="cpu", chunk_size=2)):
        batched = aligner.align(src, tgt)
        single = [aligner.align([s], [t])[0] for s, t in zip(src, tgt, strict=True)]
        assert len(batched) == len(src)
        for k, (a, b) in enumerate(zip(batched, single, strict=True)):
            assert np.array_equal(a, b), k
            assert a.dtype == np.int32 and a.ndim == 2 and a.shape[1] == 2
            if a.size:
                assert a[:, 0].max() < len(src[k]) and a[:, 1].max() < len(tgt[k])


def test_awesome_threshold_and_symmetrisation(encoders: dict[str, Path]) -> None:
    from xlner.align.neural import AwesomeAligner

    src, tgt = SENTENCES[:3], SENTENCES[1:4]
    low = AwesomeAligner(encoders["bert"], layer=2, device="cpu", threshold=1e-3).align(src, tgt)
    high = AwesomeAligner(encoders["bert"], layer=2, device="cpu", threshold=0.3).align(src, tgt)
    union = AwesomeAligner(encoders["bert"], layer=2, device="cpu", threshold=0.3,
                           symmetrize="union").align(src, tgt)
    as_set = lambda links: {tuple(x) for x in links.tolist()}  # noqa: E731
    for lo, hi, un in zip(low, high, union, strict=True):
        assert as_set(hi) <= as_set(lo)
        assert as_set(hi) <= as_set(un)
    assert sum(len(x) for x in high) < sum(len(x) for x in low)
    # identical sentences: each subword's own dot product dominates at a high threshold
    same = AwesomeAligner(encoders["bert"], layer=2, device="cpu", threshold=0.3).align(
        [SENTENCES[1]], [SENTENCES[1]])
    assert set(map(tuple, identity(len(SENTENCES[1])))) & as_set(same[0])


def test_long_sentences_are_windowed_or_rejected(encoders: dict[str, Path]) -> None:
    from xlner.align.neural import SimAlignAligner
    from xlner.bench.tiny_encoders import synthetic_sentences

    # distinct words, well beyond the 64-subword limit of the tiny model
    words = list(dict.fromkeys(w for s in synthetic_sentences(40, seed=5) for w in s))[:90]
    windowed = SimAlignAligner(encoders["bert"], method="argmax", layer=2, device="cpu")
    assert len(windowed.embedder.load()[0](words, is_split_into_words=True)["input_ids"]) > 64
    assert windowed.align([words], [words])[0].tolist() == identity(len(words))
    small = SimAlignAligner(encoders["bert"], method="argmax", layer=2, device="cpu",
                            max_length=12)
    assert small.align([words], [words])[0].tolist() == identity(len(words))
    strict = SimAlignAligner(encoders["bert"], layer=2, device="cpu", long_inputs="error")
    with pytest.raises(InputError, match=r"sentence 1: .* exceed the model limit"):
        strict.align([["short"], words], [["short"], ["x"]])


def test_edge_cases(encoders: dict[str, Path]) -> None:
    from xlner.align.neural import SimAlignAligner
    from xlner.subwords import encode_words

    aligner = SimAlignAligner(encoders["bert"], layer=2, device="cpu")
    out = aligner.align([[], ["a", "b"], ["a"]], [["a"], [], ["a"]])
    assert [x.shape for x in out] == [(0, 2), (0, 2), (1, 2)]
    assert aligner.align([], []) == []
    with pytest.raises(InputError):
        aligner.align([["a"]], [])
    tokenizer = aligner.embedder.load()[0]
    enc = encode_words(tokenizer, [["a", "\u200b", "b"]])[0]
    assert enc.n_words == 3 and (enc.first >= 0).all()  # the empty word became [UNK]
    with pytest.raises(ConfigError, match="layer 7"):
        SimAlignAligner(encoders["bert"], layer=7, device="cpu").align([["a"]], [["a"]])
    with pytest.raises(ConfigError):
        SimAlignAligner(encoders["bert"], method="nope")
    with pytest.raises(ConfigError):
        SimAlignAligner(encoders["bert"], long_inputs="truncate")
    with pytest.raises(ConfigError, match="cannot load"):
        SimAlignAligner(encoders["bert"].parent / "missing", device="cpu").align([["a"]],
                                                                                [["a"]])


def test_word_level_similarity(encoders: dict[str, Path]) -> None:
    from xlner.align.neural import SimAlignAligner

    aligner = SimAlignAligner(encoders["xlmr"], method="match", level="word", layer=2,
                              device="cpu")
    src, tgt = SENTENCES[1], SENTENCES[2][:5]
    links = aligner.align([src, src], [src, tgt])
    assert links[0].tolist() == identity(len(src))
    assert len(links[1]) == min(len(src), len(tgt))  # a matching over words


def test_cli_align_prints_pharaoh(encoders: dict[str, Path], tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    from xlner.cli.main import main

    src = tmp_path / "src.txt"
    src.write_text("\n".join(" ".join(s) for s in SENTENCES[:3]) + "\n", encoding="utf-8")
    rc = main(["align", "--aligner", "simalign", "--model", str(encoders["bert"]),
               "--param", "layer=2,device=cpu", "--src", str(src), "--tgt", str(src)])
    assert rc == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [" ".join(f"{i}-{i}" for i in range(len(s))) for s in SENTENCES[:3]]
    out = tmp_path / "links.txt"
    assert main(["align", "--aligner", "awesome", "--model", str(encoders["xlmr"]),
                 "--param", "layer=2", "--src", str(src), "--tgt", str(src),
                 "--out", str(out)]) == 0
    assert len(out.read_text().splitlines()) == 3
    assert (tmp_path / "links.txt.signature.json").exists()

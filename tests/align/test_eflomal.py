from __future__ import annotations

import os
import random
import shutil
import signal
import time
from pathlib import Path

import pytest

from xlner.align import create_aligner, read_pharaoh, write_pharaoh
from xlner.align.eflomal import MAX_LENGTH, EflomalAligner
from xlner.corpora.text import Bitext
from xlner.errors import ConfigError, InputError


def synthetic_corpus(n: int, seed: int = 1) -> tuple[list[list[str]], list[list[str]],
                                                     list[set[tuple[int, int]]]]:
    """A toy language pair: every source word has one target word; target order swaps
    some adjacent words. Returns the gold links."""
    rng = random.Random(seed)
    vocab = [f"w{k}" for k in range(60)]
    src, tgt, gold = [], [], []
    for _ in range(n):
        words = rng.sample(vocab, rng.randint(4, 9))
        order = list(range(len(words)))
        for k in range(0, len(order) - 1, 2):
            if rng.random() < 0.4:
                order[k], order[k + 1] = order[k + 1], order[k]
        src.append(words)
        tgt.append([f"T{words[i][1:]}" for i in order])
        gold.append({(i, j) for j, i in enumerate(order)})
    return src, tgt, gold


def accuracy(links: list, gold: list[set[tuple[int, int]]]) -> float:
    hit = total = 0
    for lk, g in zip(links, gold, strict=True):
        found = {(i, j) for i, j in lk.tolist()}
        hit += len(found & g)
        total += len(g)
    return hit / total


def test_learns_a_toy_language_pair() -> None:
    src, tgt, gold = synthetic_corpus(400)
    aligner = EflomalAligner(symmetrize="intersection")
    links = aligner.align(src, tgt)
    assert len(links) == 400
    assert accuracy(links, gold) > 0.95


def test_extra_bitext_helps_and_only_batch_links_come_back() -> None:
    src, tgt, gold = synthetic_corpus(600, seed=2)
    batch_src, batch_tgt, batch_gold = src[:20], tgt[:20], gold[:20]
    bitext = Bitext([tuple(s) for s in src[20:]], [tuple(t) for t in tgt[20:]], name="toy")
    with_bitext = EflomalAligner(symmetrize="intersection", bitext=bitext)
    links = with_bitext.align(batch_src, batch_tgt)
    assert len(links) == 20
    assert accuracy(links, batch_gold) > 0.95
    assert with_bitext.describe()["bitext"]["pairs"] == 580


def test_seed_makes_runs_reproducible() -> None:
    src, tgt, _ = synthetic_corpus(150, seed=3)
    a = EflomalAligner(seed=7).align(src, tgt)
    b = EflomalAligner(seed=7).align(src, tgt)
    assert [x.tolist() for x in a] == [x.tolist() for x in b]


def test_lowercasing_merges_case_variants() -> None:
    src = [["Haus", "rot"], ["haus", "blau"]] * 30
    tgt = [["house", "red"], ["house", "blue"]] * 30
    links = EflomalAligner(symmetrize="intersection").align(src, tgt)
    assert (0, 0) in {tuple(x) for x in links[0].tolist()}


def test_identity_priors_are_accepted() -> None:
    src, tgt, _ = synthetic_corpus(200, seed=4)
    tgt = [[w if k % 3 else w.lower() for k, w in enumerate(t)] for t in tgt]
    links = EflomalAligner(symmetrize="intersection", identity_prior=1.0).align(src, tgt)
    assert len(links) == 200


def inflected_corpus(n: int, seed: int = 5) -> tuple[list[list[str]], list[list[str]],
                                                    list[set[tuple[int, int]]]]:
    """Target words are a 4-letter stem plus a random 3-letter ending (1000 forms per stem), in
    random order: only the stems carry the translation."""
    rng = random.Random(seed)
    vocab = [f"w{k:03d}" for k in range(80)]
    src, tgt, gold = [], [], []
    for _ in range(n):
        words = rng.sample(vocab, rng.randint(4, 9))
        order = list(range(len(words)))
        rng.shuffle(order)
        src.append(words)
        tgt.append([f"t{words[i][1:]}" + "".join(rng.choice("abcdefghij") for _ in range(3))
                    for i in order])
        gold.append({(i, j) for j, i in enumerate(order)})
    return src, tgt, gold


def test_truncation_pools_inflected_forms() -> None:
    src, tgt, gold = inflected_corpus(300)
    whole = EflomalAligner(symmetrize="intersection", rel_iterations=0.3,
                           truncate=0).align(src, tgt)
    stems = EflomalAligner(symmetrize="intersection", rel_iterations=0.3, truncate=4)
    assert stems.describe()["truncate"] == 4
    assert accuracy(stems.align(src, tgt), gold) > 0.9 > 0.5 > accuracy(whole, gold)


def test_unglue_strips_lower_case_prefixes_before_a_capital() -> None:
    from xlner.align.eflomal import unglue

    assert [unglue(w) for w in ["waseUnited", "kweChina", "n'Awka", "e-PUK", "yeU.S."]] == [
        "United", "China", "Awka", "PUK", "U.S."]
    # whole names, lower-case words, long prefixes and caseless words stay as they are
    for word in ["United", "McDonald", "ISIXEKO", "wa", "kwakanganisisaX", "ndị", "Москва"]:
        assert unglue(word) == word


def test_unglue_pools_prefixed_names() -> None:
    """Each name appears behind a random noun-class prefix: whole forms are all rare, the
    unglued names are frequent."""
    rng = random.Random(3)
    names = [f"N{k:02d}x" for k in range(40)]
    src, tgt, gold = [], [], []
    prefixes = ["".join(rng.choice("aeiklnsuwyz") for _ in range(rng.randint(1, 4)))
                for _ in range(60)]
    for _ in range(150):
        words = rng.sample(names, 5)
        order = list(range(5))
        rng.shuffle(order)
        src.append(words)
        tgt.append([rng.choice(prefixes) + f"M{words[i][1:3]}y"
                    for i in order])
        gold.append({(i, j) for j, i in enumerate(order)})
    plain = EflomalAligner(symmetrize="intersection", rel_iterations=0.3, truncate=0,
                           identity_prior=0)
    glued = EflomalAligner(symmetrize="intersection", rel_iterations=0.3, truncate=0,
                           identity_prior=0, unglue=True)
    assert glued.describe()["unglue"] is True
    assert accuracy(glued.align(src, tgt), gold) > accuracy(plain.align(src, tgt), gold) + 0.2


def test_errors() -> None:
    aligner = EflomalAligner()
    with pytest.raises(InputError, match="1 source sentences but 2"):
        aligner.align([["a"]], [["b"], ["c"]])
    with pytest.raises(InputError, match="eflomal aligns at most"):
        aligner.align([["a"] * (MAX_LENGTH + 1)], [["b"]])
    with pytest.raises(ConfigError):
        EflomalAligner(symmetrize="nope")
    with pytest.raises(ConfigError):
        EflomalAligner(model=4)
    with pytest.raises(ConfigError, match="truncate"):
        EflomalAligner(truncate=-1)
    assert aligner.align([], []) == []


def test_empty_sentences_get_no_links() -> None:
    src, tgt, _ = synthetic_corpus(50)
    links = EflomalAligner().align([*src, []], [*tgt, ["x"]])
    assert links[-1].shape == (0, 2)


def test_registry_and_pharaoh_round_trip(tmp_path: Path) -> None:
    aligner = create_aligner("eflomal(symmetrize=union,seed=3)")
    assert isinstance(aligner, EflomalAligner)
    assert aligner.describe()["symmetrize"] == "union" and aligner.seed == 3
    src, tgt, _ = synthetic_corpus(30)
    links = aligner.align(src, tgt)
    write_pharaoh(tmp_path / "l.txt", links)
    back = read_pharaoh(tmp_path / "l.txt")
    assert [x.tolist() for x in back] == [x.tolist() for x in links]


def test_bad_pharaoh_names_line(tmp_path: Path) -> None:
    p = tmp_path / "l.txt"
    p.write_text("0-0 1-1\n0-x\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_pharaoh(p)
    assert info.value.line == 2


def test_long_pairs_cap_the_iteration_schedule() -> None:
    from xlner.align.eflomal import LONG_WORK

    aligner = EflomalAligner()
    assert aligner._iterations(3) == (721, 721, 2887)  # few short sentences: many iterations
    capped = aligner._iterations(3, long_cells=3 * 1000 * 1000)
    assert capped[2] == LONG_WORK // 3_000_000 and capped[0] <= capped[2]
    assert aligner._iterations(100_000, long_cells=10 * 300 * 300) == aligner._iterations(100_000)


@pytest.mark.parametrize("spec", ["eflomal(iterations=[3,2,7])", "eflomal(iterations=(3,2,7))",
                                  "eflomal(iterations=3:2:7)"])
def test_explicit_iterations_reach_the_binary(spec: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A spec's ``iterations`` (text) become the three counts eflomal is given (they used to
    reach it as characters of the text: ``-1 [ -2 3 -3 ,``, a run of nearly no iterations)."""
    import subprocess

    import xlner.align.eflomal as module

    calls: list[list[str]] = []
    real = subprocess.Popen

    class Recording(real):  # type: ignore[misc, valid-type]
        def __init__(self, args: list[str], *rest: object, **options: object) -> None:
            calls.append([str(a) for a in args])
            super().__init__(args, *rest, **options)

    monkeypatch.setattr(module.subprocess, "Popen", Recording)
    aligner = create_aligner(spec)
    assert isinstance(aligner, EflomalAligner) and aligner.iterations == (3, 2, 7)
    assert aligner._iterations(10) == (3, 2, 7)
    src, tgt, _ = synthetic_corpus(20)
    aligner.align(src, tgt)
    runs = [c for c in calls if Path(c[0]).name == "eflomal"]
    assert len(runs) == 2
    for args in runs:
        given = {args[k]: args[k + 1] for k in range(len(args) - 1)
                 if args[k] in ("-1", "-2", "-3")}
        assert given == {"-1": "3", "-2": "2", "-3": "7"}


@pytest.mark.parametrize("value", [1000, "1000", "1,2", "[1.5,2,3]", "[1,-2,3]", "a,b,c",
                                   (1, 2, 3, 4), True])
def test_malformed_iterations_are_a_config_error(value: object) -> None:
    with pytest.raises(ConfigError, match="three non-negative integers"):
        EflomalAligner(iterations=value)  # type: ignore[arg-type]


def test_a_few_long_sentences_align_in_bounded_time() -> None:
    import random
    import time

    rng = random.Random(0)
    src = [tuple(f"s{rng.randrange(400)}" for _ in range(600)) for _ in range(2)]
    tgt = [tuple(f"t{rng.randrange(400)}" for _ in range(600)) for _ in range(2)]
    t0 = time.perf_counter()
    links = EflomalAligner().align(src, tgt)
    assert len(links) == 2 and all(len(lk) for lk in links)
    # uncapped, the schedule would run 3,535 iterations of the fertility model (minutes)
    assert time.perf_counter() - t0 < 60


def test_max_bitext_reads_the_kept_pairs_only_and_aligns_as_before(tmp_path: Path) -> None:
    src, tgt, _ = synthetic_corpus(80, seed=4)
    d = tmp_path / "bt"
    d.mkdir()
    # past the 40 pairs kept: an undecodable line, never read
    (d / "t.en").write_bytes("".join(" ".join(s) + "\n" for s in src[20:]).encode() + b"a\xffb\n")
    (d / "t.de").write_text("".join(" ".join(t) + "\n" for t in tgt[20:]) + "x\n",
                            encoding="utf-8")
    in_memory = Bitext([tuple(s) for s in src[20:]], [tuple(t) for t in tgt[20:]], name="m")
    files = EflomalAligner(symmetrize="intersection", bitext=f"{d}:en-de",
                           tokenizer="whitespace", max_bitext=40)
    memory = EflomalAligner(symmetrize="intersection", bitext=in_memory, max_bitext=40)
    got, want = files.align(src[:20], tgt[:20]), memory.align(src[:20], tgt[:20])
    assert [lk.tolist() for lk in got] == [lk.tolist() for lk in want]
    assert len(files.bitext or ()) == 40
    with pytest.raises(InputError, match=r"t\.en:61: byte"):
        EflomalAligner(bitext=f"{d}:en-de", tokenizer="whitespace").align(src[:2], tgt[:2])


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir() or shutil.which("cc") is None,
                    reason="needs /proc and a C compiler")
def test_a_shim_compile_killed_leaves_nothing_behind(tmp_path: Path) -> None:
    """``xlner align`` (seeded eflomal) interrupted or killed while the seeding shim compiles:
    no file under the shim's final name, none of the compiler's temporary files in the
    user's ``TMPDIR``, no compiler left running; the next run builds the shim and sweeps
    what a killed build left."""
    from tests.cli.test_interrupt import environment, xlner

    mark = tmp_path / "cc-started"
    wrapper = tmp_path / "slow-cc"  # a compiler that writes a temporary file, then waits
    wrapper.write_text('#!/bin/sh\nmktemp "${TMPDIR:-/tmp}/cc-own.XXXXXX" >/dev/null\n'
                       f'echo $$ > {mark}.tmp && mv {mark}.tmp {mark}\nsleep 60\n'
                       f'exec {shutil.which("cc")} "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    (tmp_path / "a.txt").write_text("the house\na red house\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("das haus\nein rotes haus\n", encoding="utf-8")
    env = environment(tmp_path / "user-tmp")
    lib = Path(env["XLNER_CACHE_DIR"]) / "lib"
    args = ["align", "--src", str(tmp_path / "a.txt"), "--tgt", str(tmp_path / "b.txt"),
            "--out", str(tmp_path / "l.txt")]
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        mark.unlink(missing_ok=True)
        proc = xlner(args, dict(env, CC=str(wrapper)))
        deadline = time.monotonic() + 60
        while not mark.exists():
            assert proc.poll() is None and time.monotonic() < deadline, sig
            time.sleep(0.01)
        cc = int(mark.read_text())
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
        assert b"Traceback" not in err, err.decode()
        assert list((tmp_path / "user-tmp").iterdir()) == [], sig
        assert not (tmp_path / "l.txt").exists()
        assert not list(lib.glob("*.so")), sig
        if sig == signal.SIGKILL:  # nobody left to stop the compiler: it runs on, in its folder
            assert [p.name.split("-")[2] for p in lib.iterdir()] == [str(proc.pid)]
            assert _running(cc)
            os.killpg(cc, signal.SIGKILL)
        else:
            assert proc.returncode == 130, err.decode()
            assert not _running(cc), sig
            assert list(lib.iterdir()) == [], sig
    rerun = xlner(args, env)
    _, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err.decode()
    assert [p.suffix for p in lib.iterdir()] == [".so"]  # the killed build's folder swept
    assert list((tmp_path / "user-tmp").iterdir()) == []
    assert (tmp_path / "l.txt").read_text(encoding="utf-8").count("\n") == 2

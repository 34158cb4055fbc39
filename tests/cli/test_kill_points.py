"""``translate``, ``translate-train`` and ``bench parallel`` killed (SIGKILL, SIGINT, SIGTERM)
at 10 random points each: no final name ever holds a partial file, and the rerun resumes,
recomputes only what was unfinished and writes byte-identical outputs."""

from __future__ import annotations

import json
import random
import re
import signal
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from tests.cli.test_interrupt import environment, xlner
from tests.synthetic_parallel import write_data_dir
from tests.tiny_mt import tiny_model

POINTS = 10
SIGNALS = (signal.SIGKILL, signal.SIGINT, signal.SIGTERM)


def kill_at_random_points(args: Sequence[str], out: Path, files: Sequence[str],
                          env: dict[str, str], seed: int,
                          before_rerun: Callable[[Path], object] | None = None,
                          out_flag: str = "--out") -> tuple[dict[str, bytes], str, object]:
    """Run ``args + --out`` once uninterrupted (its own cache), then ``POINTS`` times killed
    at a random moment (``out`` shared); after each kill every file of ``files`` (relative to
    the output) is either absent or complete. Returns the reference bytes, the rerun's stderr
    and what ``before_rerun(out)`` said about the unfinished state."""
    ref = out.parent / "reference" / out.name
    t0 = time.monotonic()
    first = xlner([*args, out_flag, str(ref)], dict(env, XLNER_CACHE_DIR=str(out.parent / "c0")))
    _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err.decode()
    duration = time.monotonic() - t0
    base = ref if ref.is_dir() else ref.parent
    expected = {name: (base / name).read_bytes() for name in files}
    target = out if ref.is_dir() else out.parent
    rng = random.Random(seed)
    for point in range(POINTS):
        proc = xlner([*args, out_flag, str(out)], env)
        time.sleep(rng.uniform(0.0, duration))
        proc.send_signal(SIGNALS[point % len(SIGNALS)])
        _, err = proc.communicate(timeout=300)
        assert b"Traceback" not in err, err.decode()
        for name, data in expected.items():
            if (target / name).exists():
                assert (target / name).read_bytes() == data, (point, name)
    state = before_rerun(out) if before_rerun is not None else None
    rerun = xlner([*args, out_flag, str(out)], env)
    _, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err.decode()
    for name, data in expected.items():
        assert (target / name).read_bytes() == data, name
    return expected, err.decode(), state


@pytest.mark.slow
def test_translate_killed_at_random_points(tmp_path: Path) -> None:
    src = tmp_path / "in.txt"
    rng = random.Random(3)
    words = ["kalo", "mita", "Berlin", "sure", "Amina", "Bello", "ta", "Kano", "ba", "do"]
    src.write_text("".join(" ".join(rng.choices(words, k=rng.randint(3, 8))) + "\n"
                           for _ in range(32)), encoding="utf-8")
    spec = (f"nllb(model={tiny_model('nllb')},device=cpu,beam_size=1,max_output_ratio=0.5,"
            "max_output_extra=2,threads=1)")
    args = ["-v", "translate", "--input", str(src), "--translator", spec, "--src-lang", "hau",
            "--tgt-lang", "en", "--chunk-size", "4"]
    out = tmp_path / "run" / "out.jsonl"

    def finished_lines(out: Path) -> int:
        partial = [p for p in out.parent.glob("*") if p.name.startswith(out.name + ".")
                   and "partial" in p.name]
        if not partial or out.exists():
            return 0
        lines = partial[0].read_text(encoding="utf-8").split("\n")[:-1]  # last: cut off
        return len([line for line in lines if line.strip()])

    _, err, done = kill_at_random_points(args, out, ["out.jsonl"], environment(tmp_path / "t"),
                                         seed=1, before_rerun=finished_lines)
    assert isinstance(done, int)
    if done:  # only the unfinished sentences are translated again
        assert f"resuming after {done} of 32" in err, err
    assert not any("partial" in p.name for p in out.parent.iterdir())


@pytest.mark.slow
def test_translate_train_killed_at_random_points(tmp_path: Path) -> None:
    data = write_data_dir(tmp_path / "data", "swa", n=160, seed=4)
    args = ["translate-train", "--source", "nllb-conll2003:swa:en", "--translations",
            "nllb-conll2003:swa:tprojection", "--lang", "swa", "--source-label-map", "MISC=O",
            "--tagger", "crf(max_iterations=30)", "--eval", "masakhaner2:swa:test",
            "--eval-label-map", "DATE=O", "--data-dir", str(data), "--no-download",
            "--no-bitext"]
    files = ["translations.jsonl", "translations.whitespace.txt", "align/forward.txt",
             "align/reverse.txt", "heuristic/projected.conll",
             "heuristic/projected.conll.details.jsonl", "heuristic/train.conll",
             "heuristic/train.conll.report.json", "heuristic/model/model.crfsuite"]

    def finished_stages(out: Path) -> set[str]:
        return {str(p.relative_to(out))[:-len(".signature.json")]
                for p in out.rglob("*.signature.json")
                if p.parent.name != "model" and p.name != "signature.json"}

    _, err, done = kill_at_random_points(args, tmp_path / "run" / "tt", files,
                                         environment(tmp_path / "t"), seed=2,
                                         before_rerun=finished_stages)
    found = re.search(r"reused stages: (.*)", err)
    reused = set(found.group(1).split(", ")) if found else set()
    assert reused == done, err  # every finished stage reused, every other one recomputed


@pytest.mark.slow
def test_bench_parallel_killed_at_random_points(tmp_path: Path) -> None:
    from tests.bench.test_parallel import _dir_corpus

    corpus = _dir_corpus(tmp_path / "pc", n=100)
    (corpus / "yy.conll").write_bytes((corpus / "xx.conll").read_bytes())
    work = tmp_path / "work"
    args = ["bench", "parallel", "--corpus", str(corpus), "--langs", "xx,yy", "--methods",
            "heuristic,ilp", "--no-bitext", "--work-dir", str(work)]

    def scores(path: Path) -> list[tuple[str, str, float]]:
        rows = json.loads(path.read_text(encoding="utf-8"))["results"]
        return [(r["lang"], r["method"], r["f1"]) for r in rows]

    def finished(_: Path) -> dict[Path, int]:
        return {p: p.stat().st_mtime_ns for p in work.rglob("*") if p.is_file()}

    out = tmp_path / "run" / "b.json"
    # the JSON holds timings: compared by scores below, not bytes
    _, _, done = kill_at_random_points(args, out, [], environment(tmp_path / "t"), seed=3,
                                         before_rerun=finished, out_flag="--json")
    assert scores(out) == scores(out.parent / "reference" / out.name)
    assert isinstance(done, dict)
    stages = {p for p in done if p.name.endswith(".signature.json")}
    # a finished alignment stage is read back, not recomputed (its files untouched)
    for path in stages:
        assert path.stat().st_mtime_ns == done[path], path

"""``translate``, ``translate-train``, ``bench parallel``, ``bench masakhaner-nllb``,
``bench scale``, ``translate-test``, ``model-transfer``, ``train``, sharded ``project`` and
``align`` killed (SIGKILL, SIGINT, SIGTERM)
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

from tests.cli.test_interrupt import REPO, environment, xlner
from tests.synthetic_parallel import write_data_dir
from tests.tiny_mt import tiny_model

POINTS = 10
SIGNALS = (signal.SIGKILL, signal.SIGINT, signal.SIGTERM)
STARTUP_FAILURE = b"Fatal Python error: init_import_site"
PACKAGE_INIT = ("xlner/__init__.py", "xlner/_version.py", "xlner/__main__.py")
"""Modules whose top level runs before :func:`xlner.__main__.entry` handles an interrupt."""


def interrupted_in_startup(err: bytes) -> bool:
    """Whether ``err`` is CPython's own report of an interrupt that landed before any xlner
    code could handle it: in the interpreter's site imports (its fatal-error report) or while
    ``python -m xlner`` imports the package (a ``KeyboardInterrupt`` traceback through
    nothing but the interpreter's and the standard library's frames and the package's
    ``__init__``, which imports nothing else)."""
    if err.startswith(STARTUP_FAILURE):
        return True
    text = err.decode(errors="replace").strip()
    if not (text.startswith("Traceback") and text.endswith("KeyboardInterrupt")):
        return False
    package = str(REPO / "xlner")
    frames = re.findall(r'^\s*File "([^"]+)", line \d+, in (\S+)', text, flags=re.M)
    return bool(frames) and all(not Path(f).is_relative_to(package)
                                or (f.endswith(PACKAGE_INIT) and where == "<module>")
                                for f, where in frames)


CI_STARTUP = f"""Traceback (most recent call last):
  File "<frozen runpy>", line 112, in _get_module_details
  File "{REPO}/xlner/__init__.py", line 16, in <module>
    from typing import TYPE_CHECKING, Any
  File "/usr/lib/python3.11/typing.py", line 2052, in __init_subclass__
    def __init_subclass__(cls, *args, **kwargs):

KeyboardInterrupt
"""
"""What CI printed for a SIGINT while ``python -m xlner`` imported the package."""


def test_only_an_interrupt_before_any_xlner_code_counts_as_startup() -> None:
    assert interrupted_in_startup(CI_STARTUP.encode())
    assert interrupted_in_startup(STARTUP_FAILURE + b" (site)")
    in_cli = CI_STARTUP.replace(f"{REPO}/xlner/__init__.py", f"{REPO}/xlner/cli/main.py")
    assert not interrupted_in_startup(in_cli.encode())  # the CLI's own code: its bug
    in_entry = CI_STARTUP.replace(f"{REPO}/xlner/__init__.py\", line 16, in <module>",
                                  f"{REPO}/xlner/__main__.py\", line 9, in entry")
    assert in_entry != CI_STARTUP and not interrupted_in_startup(in_entry.encode())
    other = CI_STARTUP.replace("KeyboardInterrupt", "ValueError: x")
    assert not interrupted_in_startup(other.encode())


TIMED = ("created", "seconds", "load_average", "peak_rss_mb", "sentences_per_second",
         "resumed", "reused", "computed")
"""Keys of JSON outputs that hold timings or say how a result was made (not what it is: a
resumed run reuses stages, an uninterrupted one computes them): ``*_seconds``,
``*_per_second``, ``*_per_task_second`` and these."""


def untimed(data: bytes, root: Path, out: Path | None = None) -> object:
    """A JSON output without its :data:`TIMED` keys, the run's cache folder ``root`` and
    output path ``out`` (which differ between the reference run and the others) written as
    ``<cache>`` and ``<out>``."""
    def strip(value: object) -> object:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in TIMED
                    and not k.endswith(("_seconds", "_per_second", "_per_task_second"))}
        if isinstance(value, list):
            return [strip(v) for v in value]
        if isinstance(value, str):
            value = value.replace(str(root), "<cache>")
            return value if out is None else value.replace(str(out), "<out>")
        return value

    return strip(json.loads(data))


def visible_files(folder: Path) -> dict[str, Path]:
    """Files under ``folder`` by relative path, temporary (dot-named) ones left out."""
    return {str(p.relative_to(folder)): p for p in folder.rglob("*")
            if p.is_file() and not any(part.startswith(".")
                                       for part in p.relative_to(folder).parts)}


def kill_at_random_points(args: Sequence[str], out: Path, files: Sequence[str],
                          env: dict[str, str], seed: int,
                          before_rerun: Callable[[Path], object] | None = None,
                          out_flag: str = "--out", trees: Sequence[str] = (),
                          timed: bool = False,
                          after_kill: Callable[[Path, object], object] | None = None
                          ) -> tuple[dict[str, bytes], str, object]:
    """Run ``args + --out`` once uninterrupted (its own cache), then ``POINTS`` times killed
    at a random moment (``out`` shared); after each kill every file of ``files`` (relative to
    the output; ``["*"]``: every visible file the reference wrote there) and every file of
    the folders ``trees`` (relative to the cache folder: work folders) is either absent or
    complete, and ``after_kill(out, point)`` may check more. ``{out}`` in ``args`` stands
    for the run's output path (more outputs beside or in it). Returns the reference bytes,
    the rerun's stderr and what ``before_rerun(out)`` said about the unfinished state.
    ``timed``: JSON files are compared :func:`untimed`, all others byte for byte."""
    ref = out.parent / "reference" / out.name
    ref_cache, cache = out.parent / "c0", Path(env["XLNER_CACHE_DIR"])

    def argv(path: Path) -> list[str]:
        return [a.replace("{out}", str(path)) for a in args] + [out_flag, str(path)]

    t0 = time.monotonic()
    first = xlner(argv(ref), dict(env, XLNER_CACHE_DIR=str(ref_cache)))
    _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err.decode()
    duration = time.monotonic() - t0
    base = ref if ref.is_dir() else ref.parent
    if list(files) == ["*"]:
        files = sorted(visible_files(base))
    expected = {name: (base / name).read_bytes() for name in files}
    target = out if ref.is_dir() else out.parent
    in_trees = {f"{tree}/{name}": path for tree in trees
                for name, path in visible_files(ref_cache / tree).items()}
    assert not trees or in_trees

    def same(name: str, data: bytes, path: Path, root: Path) -> bool:
        if timed and name.endswith(".json"):
            return (untimed(path.read_bytes(), root, out)
                    == untimed(data, ref_cache, ref))
        return path.read_bytes() == data

    def check(final: bool, point: object) -> None:
        for name, data in expected.items():
            if final or (target / name).exists():
                assert same(name, data, target / name, cache), (point, name)
        for name, path in in_trees.items():
            if final or (cache / name).exists():
                assert same(name, path.read_bytes(), cache / name, cache), (point, name)
        for tree in trees:  # nothing under a final name that the reference lacks
            assert {f"{tree}/{n}" for n in visible_files(cache / tree)} <= set(in_trees), point

    rng = random.Random(seed)
    for point in range(POINTS):
        proc = xlner(argv(out), env)
        time.sleep(rng.uniform(0.0, duration))
        proc.send_signal(SIGNALS[point % len(SIGNALS)])
        _, err = proc.communicate(timeout=300)
        # a signal in the interpreter's own start-up (before any xlner code can handle it)
        # ends in CPython's report: not the toolkit's, and nothing is written
        assert b"Traceback" not in err or interrupted_in_startup(err), err.decode()
        check(False, point)
        if after_kill is not None:
            after_kill(out, point)
    state = before_rerun(out) if before_rerun is not None else None
    rerun = xlner(argv(out), env)
    _, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err.decode()
    check(True, "rerun")
    for tree in trees:
        assert {f"{tree}/{n}" for n in visible_files(cache / tree)} == set(in_trees)
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


@pytest.mark.slow
def test_bench_masakhaner_killed_at_random_points(tmp_path: Path) -> None:
    """Every stage file of the work folder and the JSON: absent or complete after each kill,
    identical to the uninterrupted run's after the rerun (JSON without timings), and every
    stage finished before the rerun read back, not rewritten."""
    data = write_data_dir(tmp_path / "data", "zul", n=160, seed=1)
    args = ["bench", "masakhaner-nllb", "--data-dir", str(data), "--langs", "zul", "--tagger",
            "crf(algorithm=ap,max_iterations=5)", "--seeds", "1,2", "--no-download",
            "--setup", "no-failed"]
    env = environment(tmp_path / "t")
    work = Path(env["XLNER_CACHE_DIR"]) / "bench" / "masakhaner-nllb"

    def finished(_: Path) -> dict[Path, int]:  # the stages (not the summary every run writes)
        return {p: p.stat().st_mtime_ns for p in visible_files(work).values()
                if not p.name.startswith("summary.")}

    out = tmp_path / "run" / "m.json"
    _, _, done = kill_at_random_points(args, out, ["m.json"], env, seed=5,
                                       before_rerun=finished, out_flag="--json",
                                       trees=["bench/masakhaner-nllb"], timed=True)
    assert isinstance(done, dict)
    for path, mtime in done.items():  # recomputes only what was unfinished
        assert path.stat().st_mtime_ns == mtime, path


@pytest.mark.slow
def test_bench_scale_killed_at_random_points(tmp_path: Path) -> None:
    """The JSON appears only complete; the rows measured before a kill are kept (the progress
    file beside the JSON) and only the others measured again; every row's projected output
    (its digest) is the uninterrupted run's; no scratch folder of a killed run survives."""
    data = write_data_dir(tmp_path / "data", "swa", n=60, seed=3)
    args = ["bench", "scale", "--data-dir", str(data), "--sizes", "150,300", "--engines",
            "local:1,local:2", "--shard-size", "100", "--aligner-param", "rel_iterations=0.5"]
    env = environment(tmp_path / "t")

    def kept_rows(out: Path) -> int:
        partial = out.with_name(out.name + ".partial")  # a finished run removed it
        if not partial.exists():
            return 0
        return len(json.loads(partial.read_text(encoding="utf-8"))["results"])

    out = tmp_path / "run" / "s.json"
    _, _, kept = kill_at_random_points(args, out, ["s.json"], env, seed=6,
                                       before_rerun=kept_rows, out_flag="--json", timed=True)
    rows = json.loads(out.read_text(encoding="utf-8"))["results"]
    assert len(rows) == 4 and len({r["output_digest"] for r in rows}) == 2
    assert [r.get("resumed", False) for r in rows] == [k < kept for k in range(4)]
    assert not out.with_name("s.json.partial").exists()
    assert not list((tmp_path / "t").glob("xlner-scale-*"))
    # the pool workers of the killed runs died with their driver
    assert running_with(str(data)) == []


def running_with(marker: str) -> list[int]:
    """Pids of the processes whose command line holds ``marker`` (zombies aside)."""
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            cmd = (entry / "cmdline").read_bytes().decode(errors="replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if marker in cmd and state != "Z":
            pids.append(int(entry.name))
    return pids


@pytest.fixture(scope="module")
def tagged_data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A synthetic data directory and a CRF tagger trained on it, shared by the tests below
    (their reference runs use the same model)."""
    from xlner.cli.main import main

    root = tmp_path_factory.mktemp("tagged")
    data = write_data_dir(root / "data", "swa", n=160, seed=4)
    model = root / "crf"
    assert main(["train", "--train", "masakhaner2:swa:train", "--data-dir", str(data),
                 "--no-download", "--model", str(model), "--tagger",
                 "crf(max_iterations=30)"]) == 0
    return data, model


def finished_stages(out: Path, outputs: Sequence[str] = ()) -> set[str]:
    """The stages of ``out`` whose signature was written (a stage's last file), the
    command's other ``outputs`` aside."""
    return {p.name[:-len(".signature.json")] for p in out.glob("*.signature.json")} \
        - set(outputs)


@pytest.mark.slow
def test_translate_test_killed_at_random_points(tagged_data: tuple[Path, Path],
                                                tmp_path: Path) -> None:
    """Every stage, the predictions and the scores: absent or complete after each kill; the
    rerun reuses exactly the stages finished before it and writes the reference's files."""
    data, model = tagged_data
    args = ["translate-test", "--target", "europarl-ner:swa", "--translations",
            "europarl-ner:en", "--tagger", str(model), "--lang", "swa", "--data-dir",
            str(data), "--no-download", "--no-bitext", "--pred", "{out}/pred.conll",
            "--json", "{out}/run.json"]
    out = tmp_path / "run" / "ts"
    _, _, done = kill_at_random_points(args, out, ["*"], environment(tmp_path / "t"), seed=7,
                                       timed=True, before_rerun=lambda o: finished_stages(
                                           o, ["pred.conll"]))
    stages = json.loads((out / "run.json").read_text(encoding="utf-8"))["stages"]
    assert set(stages["reused"]) == done, stages  # recomputes only what was unfinished
    assert set(stages["reused"]) | set(stages["computed"]) == finished_stages(
        out, ["pred.conll"])


@pytest.mark.slow
def test_model_transfer_killed_at_random_points(tagged_data: tuple[Path, Path],
                                                tmp_path: Path) -> None:
    """One tagging pass, no stages: a killed run leaves the predictions, their signature
    and the scores absent or complete, and the rerun writes the reference's files."""
    data, model = tagged_data
    args = ["model-transfer", "--tagger", str(model), "--target", "masakhaner2:swa:test",
            "--data-dir", str(data), "--no-download", "--json", "{out}.json"]
    out = tmp_path / "run" / "mt.conll"
    expected, _, _ = kill_at_random_points(
        args, out, ["mt.conll", "mt.conll.signature.json", "mt.conll.json"],
        environment(tmp_path / "t"), seed=8, timed=True)
    assert expected["mt.conll"].count(b"\n\n") == 80  # every sentence of the target
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]


@pytest.mark.slow
def test_train_killed_at_random_points(tagged_data: tuple[Path, Path],
                                       tmp_path: Path) -> None:
    """CRF training does not resume (crfsuite keeps no checkpoints): a killed run restarts.
    The model directory appears whole or not at all (written aside, renamed), the rerun's
    model is byte-identical, and no killed run's folder survives the rerun."""
    data, _ = tagged_data
    args = ["train", "--train", "masakhaner2:swa:train", "--data-dir", str(data),
            "--no-download", "--tagger", "crf(max_iterations=60)"]
    files = ["model.crfsuite", "tagger.json", "signature.json"]

    def whole(out: Path, point: object) -> None:
        assert not out.exists() or sorted(p.name for p in out.iterdir()) == sorted(files), point

    out = tmp_path / "run" / "model"
    kill_at_random_points(args, out, files, environment(tmp_path / "t"), seed=9,
                          out_flag="--model", timed=True, after_kill=whole)
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]  # swept
    assert not list((tmp_path / "t").iterdir())  # the CRF's scratch folders swept


@pytest.mark.slow
def test_sharded_project_killed_at_random_points(tmp_path: Path) -> None:
    """``project --shard-size`` on a local pool of 2 workers, the driver killed: every shard
    and the merged output absent or complete, the rerun recomputes only the missing shards,
    and no pool worker or eflomal run of a killed driver survives it."""
    from tests.cli.test_interrupt import eflomal_processes
    from tests.toydata import toy_pair
    from xlner.corpora.conll import write_conll

    src_s, tgt_s = toy_pair(600, seed=9)
    src, tgt = tmp_path / "src.conll", tmp_path / "tgt.txt"
    write_conll(src, src_s)
    tgt.write_text("".join(" ".join(s.words) + "\n" for s in tgt_s), encoding="utf-8")
    args = ["project", "--source", str(src), "--target", str(tgt), "--method", "ilp+lex",
            "--shard-size", "100", "--engine", "local", "--workers", "2"]
    env = environment(tmp_path / "t")

    def finished_shards(out: Path) -> int:
        return len(list(out.with_name(out.name + ".shards").glob("*.signature.json")))

    out = tmp_path / "run" / "p.conll"
    expected, err, done = kill_at_random_points(args, out, ["*"], env, seed=10, timed=True,
                                                before_rerun=finished_shards)
    assert sum(name.endswith(".jsonl") for name in expected) == 6
    assert f"6 shards ({done} reused)" in err, err  # only the missing shards recomputed
    assert running_with(str(src)) == [] and eflomal_processes(str(tmp_path / "t")) == []


@pytest.mark.slow
def test_align_killed_at_random_points(tmp_path: Path) -> None:
    """``align`` (one eflomal run, no stages: a killed run starts again): the links and
    their signature absent or complete after every kill, the rerun's byte-identical (timings
    apart), no eflomal run of a killed process left."""
    from tests.cli.test_interrupt import eflomal_processes
    from tests.toydata import toy_pair

    src_s, tgt_s = toy_pair(3000, seed=4)
    src, tgt = tmp_path / "src.txt", tmp_path / "tgt.txt"
    src.write_text("".join(" ".join(s.words) + "\n" for s in src_s), encoding="utf-8")
    tgt.write_text("".join(" ".join(s.words) + "\n" for s in tgt_s), encoding="utf-8")
    args = ["align", "--src", str(src), "--tgt", str(tgt), "--no-download"]
    env = environment(tmp_path / "t")
    out = tmp_path / "run" / "links.txt"
    expected, _, _ = kill_at_random_points(args, out, ["*"], env, seed=12, timed=True)
    assert "links.txt" in expected and len(expected["links.txt"].splitlines()) == 3000
    assert eflomal_processes(str(tmp_path / "t")) == []

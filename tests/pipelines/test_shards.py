"""Sharded projection: the same output for any shard size and engine (given the links), shards
resumed one by one, a failing shard reported while the rest land."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.synthetic_parallel import make_pairs
from xlner.align import EflomalAligner, write_pharaoh
from xlner.cli.main import main
from xlner.corpora.conll import write_conll
from xlner.errors import ConfigError, InputError
from xlner.pipelines.config import project_config
from xlner.pipelines.run import run_project
from xlner.pipelines.shards import project_sharded, read_shard


@pytest.fixture(scope="module")
def pairs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pairs")
    src, tgt = make_pairs(90, seed=5)
    write_conll(root / "en.conll", src)
    write_conll(root / "sw.conll", tgt)
    links = EflomalAligner(symmetrize="intersection", seed=1).align(
        [s.words for s in src], [s.words for s in tgt])
    write_pharaoh(root / "links.txt", links)
    return root


def _config(pairs: Path, out: Path, **kw: object) -> object:
    return project_config(source=str(pairs / "en.conll"), target=str(pairs / "sw.conll"),
                          out=out, method="ilp", **kw)  # type: ignore[arg-type]


def test_any_shard_size_and_engine_gives_the_unsharded_output(pairs: Path,
                                                              tmp_path: Path) -> None:
    links = str(pairs / "links.txt")
    run_project(_config(pairs, tmp_path / "whole.conll", links=links))  # type: ignore[arg-type]
    whole = (tmp_path / "whole.conll").read_bytes()
    # 90 pairs: 12 shards of 7 and one of 6; 40 + 50 (the last 10 join the one before); one
    for size, workers, shards in ((7, 1, 13), (40, 2, 2), (1000, 1, 1)):
        out = tmp_path / f"s{size}-{workers}.conll"
        res = project_sharded(_config(pairs, out, links=links),  # type: ignore[arg-type]
                              shard_size=size, workers=workers)
        assert len(res.shards) == shards and not res.failed
        assert out.read_bytes() == whole, (size, workers)
    # shards hold words, entities, links and the per-sentence report fields
    sentences, results = read_shard(tmp_path / "s40-2.conll.shards" / "shard-00000.jsonl")
    line = json.loads((tmp_path / "s40-2.conll.shards" / "shard-00000.jsonl"
                       ).read_text().splitlines()[0])
    assert set(line) >= {"words", "entities", "links", "status", "unprojected", "sources"}
    assert len(sentences) == len(results) == 40


def test_eflomal_per_shard_same_on_one_or_two_workers(pairs: Path, tmp_path: Path) -> None:
    outs = []
    for workers in (1, 2):
        out = tmp_path / f"w{workers}.conll"
        project_sharded(_config(pairs, out, aligner_params={"seed": 3}),  # type: ignore[arg-type]
                        shard_size=45, workers=workers)
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] and outs[0]


def test_resume_recomputes_only_missing_shards_and_failures_are_reported(
        pairs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "p.conll"
    config = _config(pairs, out, links=str(pairs / "links.txt"))
    clean = project_sharded(config, shard_size=20)  # type: ignore[arg-type]
    expected = out.read_bytes()
    assert [s.reused for s in clean.shards] == [False] * 5
    # a killed run leaves some shards missing (and maybe a stale final file): only those redo
    folder = tmp_path / "p.conll.shards"
    stamps = {p.name: p.stat().st_mtime_ns for p in folder.glob("*.jsonl")}
    (folder / "shard-00001.jsonl").unlink()
    (folder / "shard-00003.jsonl.signature.json").unlink()
    out.unlink()
    again = project_sharded(config, shard_size=20)  # type: ignore[arg-type]
    assert [s.reused for s in again.shards] == [True, False, True, False, True]
    assert out.read_bytes() == expected
    for name in ("shard-00000.jsonl", "shard-00002.jsonl", "shard-00004.jsonl"):
        assert (folder / name).stat().st_mtime_ns == stamps[name]  # not rewritten
    # a failing shard is reported with its error; the rest land; no partial final file
    monkeypatch.setenv("XLNER_FAIL_SHARD", "2")
    fresh = tmp_path / "f.conll"
    flags = ["project", "--source", str(pairs / "en.conll"), "--target",
             str(pairs / "sw.conll"), "--method", "ilp", "--links", str(pairs / "links.txt"),
             "--shard-size", "20", "--out", str(fresh)]
    assert main(flags) == 2
    err = capsys.readouterr().err
    assert "shard 2 failed: XlnerError" in err and "1 of 5 shards failed" in err
    assert not fresh.exists()
    assert sorted(p.name for p in (tmp_path / "f.conll.shards").glob("*.jsonl")) == [
        f"shard-0000{k}.jsonl" for k in (0, 1, 3, 4)]
    monkeypatch.delenv("XLNER_FAIL_SHARD")
    assert main(flags) == 0
    assert "5 shards (4 reused)" in capsys.readouterr().err
    assert fresh.read_bytes() == expected


def test_bad_settings(pairs: Path, tmp_path: Path) -> None:
    config = _config(pairs, tmp_path / "x.conll")
    with pytest.raises(ConfigError, match="unknown engine"):
        project_sharded(config, engine="spark")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="at least 1"):
        project_sharded(config, shard_size=0)  # type: ignore[arg-type]


@pytest.mark.slow
def test_ray_engine_gives_the_local_output(pairs: Path, tmp_path: Path) -> None:
    pytest.importorskip("ray")
    outs = []
    for engine, workers in (("local", 2), ("ray", 2)):
        out = tmp_path / f"{engine}.conll"
        res = project_sharded(_config(pairs, out, aligner_params={"seed": 3}),  # type: ignore[arg-type]
                              shard_size=30, engine=engine, workers=workers)
        assert not res.failed, res.failed
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


def test_shared_priors_are_learnt_once_and_used_by_every_shard(
        pairs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from xlner.align.priors import read_priors

    out = tmp_path / "pri.conll"
    config = project_config(source=str(pairs / "en.conll"), target=str(pairs / "sw.conll"),
                            out=out, method="ilp", aligner_params={"seed": 3,
                                                                   "rel_iterations": 0.2},
                            priors_sample=60)
    res = project_sharded(config, shard_size=45)
    assert not res.failed and out.exists()
    priors = tmp_path / "pri.conll.shards" / "priors.txt"
    learnt = read_priors(priors)
    assert learnt.lex and learnt.lexr and learnt.hmmf and learnt.hmmr
    assert learnt.ferf and learnt.ferr
    # names are copied into the target: some keys pair with themselves
    assert any(src == tgt for src, tgt in learnt.lex)
    stamp = priors.stat().st_mtime_ns
    again = project_sharded(config, shard_size=45)
    assert all(s.reused for s in again.shards) and priors.stat().st_mtime_ns == stamp
    flags = ["project", "--source", str(pairs / "en.conll"), "--target", str(pairs / "sw.conll"),
             "--method", "ilp", "--out", str(out), "--aligner-param", "seed=3",
             "--aligner-param", "rel_iterations=0.2", "--priors-sample", "60"]
    assert main([*flags, "--print-config"]) == 2  # a sample needs shards
    assert main([*flags, "--shard-size", "45", "--print-config"]) == 0
    assert "priors_sample = 60" in capsys.readouterr().out
    bad = tmp_path / "bad.txt"
    bad.write_text("LEX\ta\tb\t1\nHMMF\tx\t2\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.txt:2: not an eflomal priors line"):
        read_priors(bad)


def test_the_driver_reads_the_inputs_shard_by_shard(pairs: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """At most the running shard (one worker) is read ahead of the shards done, and the
    output is the one from the whole corpus in memory."""
    import xlner.pipelines.shards as shards
    from xlner.align import read_pharaoh
    from xlner.corpora.conll import read_conll

    src, tgt = read_conll(pairs / "en.conll"), read_conll(pairs / "sw.conll")
    links = read_pharaoh(pairs / "links.txt")
    read = [0]

    def lazy() -> object:
        for s in src:
            read[0] += 1
            yield s

    seen: list[tuple[int, int]] = []
    real = shards.run_shard

    def spy(config: object, shard: shards.Shard, path: str, key: str) -> object:
        seen.append((shard.index, read[0]))
        return real(config, shard, path, key)  # type: ignore[arg-type]

    monkeypatch.setattr(shards, "run_shard", spy)
    out = tmp_path / "lazy.conll"
    res = project_sharded(_config(pairs, out, links=str(pairs / "links.txt")),  # type: ignore[arg-type]
                          shard_size=20, source=lazy(), target=(s.words for s in tgt),
                          links=iter(links))
    assert not res.failed and res.sentences == 90
    # a shard ahead (to join a small last one to the one before): never more
    assert seen == [(k, min(20 * (k + 2), 90)) for k in range(5)]
    whole = tmp_path / "whole.conll"
    project_sharded(_config(pairs, whole, links=str(pairs / "links.txt")),  # type: ignore[arg-type]
                    shard_size=1000)
    assert out.read_bytes() == whole.read_bytes()
    assert json.loads((tmp_path / "lazy.conll.report.json").read_text()) == json.loads(
        (tmp_path / "whole.conll.report.json").read_text())
    # inputs of different lengths: both counts, once the shorter one ends
    with pytest.raises(InputError, match="90 sentences in the source but 89 in the target"):
        project_sharded(_config(pairs, tmp_path / "short.conll"),  # type: ignore[arg-type]
                        shard_size=20, source=iter(src), target=[s.words for s in tgt][:89],
                        links=links)
    with pytest.raises(InputError, match=r"links91\.txt: 91 link lines for 90 sentence pairs"):
        (pairs / "links91.txt").write_text((pairs / "links.txt").read_text() + "0-0\n")
        project_sharded(_config(pairs, tmp_path / "l.conll",  # type: ignore[arg-type]
                                links=str(pairs / "links91.txt")), shard_size=20)


def test_shards_leave_pairs_over_the_limits_out_of_the_alignment(pairs: Path,
                                                                 tmp_path: Path) -> None:
    out = tmp_path / "lim.conll"
    config = _config(pairs, out, limits={"max_words": 8},  # some pairs are longer
                     aligner_params={"seed": 1})
    res = project_sharded(config, shard_size=30)  # type: ignore[arg-type]
    assert not res.failed and res.report is not None
    failed = res.report.failed
    assert failed and all("max_words=8" in f["error"] for f in failed)
    assert res.report.unprojected.get("over-limit", 0) > 0


def test_with_a_bitext_shards_use_priors_from_the_first_shard_by_default(
        pairs: Path, tmp_path: Path) -> None:
    extra_src, extra_tgt = make_pairs(200, seed=6)
    bitext = tmp_path / "bitext"
    bitext.mkdir()
    (bitext / "toy.en").write_text("".join(" ".join(s.words) + "\n" for s in extra_src))
    (bitext / "toy.sw").write_text("".join(" ".join(s.words) + "\n" for s in extra_tgt))

    def run(name: str, shard_size: int, **kw: object) -> Path:
        out = tmp_path / f"{name}.conll"
        res = project_sharded(_config(pairs, out, bitexts=[f"{bitext}:en-sw"],  # type: ignore[arg-type]
                                      aligner_params={"seed": 3, "rel_iterations": 0.2}, **kw),
                              shard_size=shard_size)
        assert not res.failed, res.failed
        return out

    priors = Path("priors.txt")
    auto = run("auto", 40)  # 90 pairs: the first 40 with the bitext learn the priors
    assert (tmp_path / "auto.conll.shards" / priors).is_file()
    off = run("off", 40, priors_sample=-1)  # every shard with the bitext
    assert not (tmp_path / "off.conll.shards" / priors).exists()

    def links(out: Path) -> list[object]:
        return [json.loads(line)["links"] for f in sorted(
            out.with_name(out.name + ".shards").glob("*.jsonl")) for line in f.open()]

    assert links(auto) != links(off)  # the shards were aligned differently
    # a corpus of one shard is aligned whole with the bitext, as unsharded
    whole = run("whole", 100)
    assert not (tmp_path / "whole.conll.shards" / priors).exists()
    unsharded = tmp_path / "unsharded.conll"
    run_project(_config(pairs, unsharded, bitexts=[f"{bitext}:en-sw"],  # type: ignore[arg-type]
                        aligner_params={"seed": 3, "rel_iterations": 0.2}))
    assert whole.read_text() == unsharded.read_text()


def test_shards_weigh_the_shared_priors_by_the_default_scale(pairs: Path, tmp_path: Path
                                                             ) -> None:
    from xlner.pipelines.shards import SHARD_PRIORS_SCALE

    def links(name: str, **params: object) -> list[object]:
        out = tmp_path / f"{name}.conll"
        config = project_config(source=str(pairs / "en.conll"), target=str(pairs / "sw.conll"),
                                out=out, method="ilp",
                                aligner_params={"seed": 3, "rel_iterations": 0.2, **params},
                                priors_sample=60)
        assert not project_sharded(config, shard_size=45).failed
        return [json.loads(line)["links"] for f in sorted(
            out.with_name(out.name + ".shards").glob("shard-*.jsonl")) for line in f.open()]

    assert SHARD_PRIORS_SCALE == 4.0
    default = links("default")
    assert default == links("four", priors_scale=4.0)
    assert default != links("one", priors_scale=1.0)


def test_shard_spans_cover_the_corpus_and_join_a_small_last_shard() -> None:
    import itertools

    from xlner.pipelines.shards import shard_spans

    assert shard_spans(0, 10) == []
    assert shard_spans(7, 10) == [(0, 7)]
    assert shard_spans(14, 10) == [(0, 14)]  # 4 < 5: one shard of 14
    assert shard_spans(15, 10) == [(0, 10), (10, 15)]
    assert shard_spans(14011, 2000)[-1] == (12000, 14011)  # not a shard of 11 pairs
    for n in range(1, 120):
        for size in (1, 2, 3, 7, 10, 40):
            spans = shard_spans(n, size)
            assert spans[0][0] == 0 and spans[-1][1] == n
            assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
            lengths = [e - s for s, e in spans]
            assert all(2 * k >= size and 2 * k < 3 * size for k in lengths) or n < size
            assert (len(spans) == 1) == (2 * n < 3 * size)

"""Whole-corpus vs sharded eflomal alignment on Europarl-NER (ilp+lex+adj), per seed.

    PYTHONPATH=. python scripts/priors_table.py --data-dir ../shared/data --lang de \\
        --seeds 0,1,2 --shards 200 \\
        --setting 'priors:priors=true' --setting 'bitext5k:max_bitext=5000'

For each seed, one eflomal run aligns the whole corpus together with the bitext (the default
alignment: the ``whole`` row) and the priors are counted from that same run
(:func:`xlner.align.priors.count_priors`: corpus + bitext, the whole run's links). Each
``--setting LABEL:KEY=VALUE,...`` then aligns the corpus in shards of each size: ``priors=true``
adds the learnt priors, ``max_bitext=M`` aligns each shard together with the first ``M`` bitext
pairs (``all``: the whole bitext; absent: none), ``sample=K`` learns the priors from the first
``K`` pairs plus the bitext in a run of their own (default: the whole run's); other keys are
eflomal settings (``priors_scale``, ``priors_lex_only``, ``iterations=5/5/22``, ...). F1 when
the shard links are projected over the whole corpus (``links_whole``: the alignment's effect
alone) and per shard (``per_shard``: as a sharded run does, ``ilp+lex``'s lexicon seeing one
shard), the seconds the shards took and the load average. Rows go to stdout and ``--json``.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

from xlner.align import create_aligner
from xlner.align.eflomal import EflomalAligner
from xlner.align.priors import count_priors, learn_priors, write_priors
from xlner.align.util import DirectionalLinks, align_batch, directional_extras, links_for
from xlner.bench.parallel import load_side
from xlner.corpora.corpus import Corpus
from xlner.evaluate.metrics import evaluate
from xlner.pipelines.project import project_corpus
from xlner.project.recipes import resolve_method


def _value(text: str) -> Any:
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    if "/" in text:
        return tuple(int(x) for x in text.split("/"))
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text


def _setting(text: str) -> tuple[str, dict[str, Any]]:
    label, _, params = text.partition(":")
    return label, {k: _value(v) for k, v in (p.split("=", 1) for p in params.split(",") if p)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--lang", default="de")
    ap.add_argument("--seeds", default="0")
    ap.add_argument("--shards", default="200")
    ap.add_argument("--method", default="ilp+lex+adj")
    ap.add_argument("--setting", action="append", default=[], help="LABEL:KEY=VALUE,...")
    ap.add_argument("--work", default="priors-table")
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    method = resolve_method(args.method)
    src = load_side("europarl-ner", "en", data_dir=args.data_dir)
    tgt = load_side("europarl-ner", args.lang, data_dir=args.data_dir)
    bitext = f"bitext:en-{args.lang}"
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []

    def emit(row: dict[str, Any]) -> None:
        row["load"] = round(os.getloadavg()[0], 1)
        rows.append(row)
        print(json.dumps(row), flush=True)
        if args.json:
            Path(args.json).write_text(json.dumps({"results": rows}, indent=1) + "\n")

    def f1(al: Any, parts: list[tuple[Corpus, Corpus, DirectionalLinks]]) -> float:
        pred = []
        for a, b, aligned in parts:
            links, _ = links_for(aligned, al, method.symmetrize)
            pred += project_corpus(a, b, projector=method.projector, links=links,
                                   extras=directional_extras(aligned)).corpus.sentences
        return round(evaluate(tgt.sentences, pred).f1, 5)

    for seed in (int(x) for x in args.seeds.split(",")):
        al = create_aligner("eflomal", bitext=bitext, data_dir=args.data_dir, download=False,
                            seed=seed)
        assert isinstance(al, EflomalAligner)
        priors = work / f"priors-{args.lang}-s{seed}.txt"
        whole_file = work / f"whole-{args.lang}-s{seed}.json"
        if not (priors.exists() and whole_file.exists()):
            t0 = time.time()
            fwd, rev, xs, xt = al.align_with_bitext(src.words, tgt.words)
            n = len(src)
            whole = DirectionalLinks(fwd[:n], rev[:n])
            seconds = round(time.time() - t0, 1)
            write_priors(priors, count_priors(al, [*src.words, *xs], [*tgt.words, *xt],
                                              fwd, rev))
            whole_file.write_text(json.dumps({"f1": f1(al, [(src, tgt, whole)]),
                                              "seconds": seconds}))
        w = json.loads(whole_file.read_text())
        emit({"setting": "whole", "seed": seed, "f1": w["f1"], "seconds": w["seconds"]})
        for text in args.setting:
            label, params = _setting(text)
            use_priors = bool(params.pop("priors", False))
            max_bitext = params.pop("max_bitext", None)
            sample = int(params.pop("sample", len(src)))
            kw: dict[str, Any] = dict(params, seed=seed)
            if use_priors and sample == len(src):
                kw["priors"] = str(priors)
            elif use_priors:  # the first `sample` pairs + the bitext, in a run of their own
                kw["priors"] = str(work / f"priors-{args.lang}-s{seed}-k{sample}.txt")
                if not Path(kw["priors"]).exists():
                    learn_priors(al, src.words[:sample], tgt.words[:sample], kw["priors"])
            if max_bitext is not None:
                kw.update(bitext=bitext, data_dir=args.data_dir, download=False)
                if max_bitext != "all":
                    kw["max_bitext"] = int(max_bitext)
            shard_al = create_aligner("eflomal", **kw)
            for size in (int(x) for x in args.shards.split(",")):
                t0 = time.time()
                parts = []
                for st in range(0, len(src), size):
                    a = Corpus(src.sentences[st:st + size], name="s")
                    b = Corpus(tgt.sentences[st:st + size], name="t")
                    aligned = align_batch(shard_al, a.words, b.words)
                    assert isinstance(aligned, DirectionalLinks)
                    parts.append((a, b, aligned))
                seconds = round(time.time() - t0, 1)
                joined = DirectionalLinks([f for p in parts for f in p[2].forward],
                                          [r for p in parts for r in p[2].reverse])
                emit({"setting": label, "params": text, "seed": seed, "shard": size,
                      "links_whole": f1(al, [(src, tgt, joined)]),
                      "per_shard": f1(al, parts), "seconds": seconds})


if __name__ == "__main__":
    main()

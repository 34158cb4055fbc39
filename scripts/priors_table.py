"""Whole-corpus vs sharded eflomal alignment with shared priors on Europarl-NER (ilp+lex+adj).

    PYTHONPATH=. python scripts/priors_table.py --data-dir ../shared/data --lang de \\
        --samples 0,799 --shards 100,200,400

Rows: the whole corpus aligned at once with the bitext (the default), then for each priors
sample K (the first K pairs aligned with the bitext to learn the priors) and shard size S the
corpus aligned in shards of S, bitext-free, with the priors; F1 when the links are projected
over the whole corpus (the alignment's effect alone) and per shard (as a sharded run does).
The aligner's priors settings (``priors_scale``, ``priors_lex_only``) are its defaults unless
``--aligner-param`` says otherwise.
"""

from __future__ import annotations

import argparse
import json
import time

from xlner.align import create_aligner
from xlner.align.priors import learn_priors
from xlner.align.util import DirectionalLinks, align_batch, directional_extras, links_for
from xlner.bench.parallel import load_side
from xlner.corpora.corpus import Corpus
from xlner.evaluate.metrics import evaluate
from xlner.pipelines.project import project_corpus
from xlner.project.recipes import resolve_method


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--lang", default="de")
    ap.add_argument("--samples", default="0,799")
    ap.add_argument("--shards", default="100,200,400")
    ap.add_argument("--method", default="ilp+lex+adj")
    ap.add_argument("--aligner-param", action="append", default=[], help="KEY=FLOAT")
    ap.add_argument("--work", default="priors-table")
    args = ap.parse_args()
    extra = {k: float(v) for k, v in (p.split("=", 1) for p in args.aligner_param)}
    method = resolve_method(args.method)
    src = load_side("europarl-ner", "en", data_dir=args.data_dir)
    tgt = load_side("europarl-ner", args.lang, data_dir=args.data_dir)
    al = create_aligner("eflomal", bitext=f"bitext:en-{args.lang}", data_dir=args.data_dir,
                        download=False)

    def f1(parts: list[tuple[Corpus, Corpus, DirectionalLinks]]) -> float:
        pred = []
        for a, b, aligned in parts:
            links, _ = links_for(aligned, al, method.symmetrize)
            pred += project_corpus(a, b, projector=method.projector, links=links,
                                   extras=directional_extras(aligned)).corpus.sentences
        return round(evaluate(tgt.sentences, pred).f1, 5)

    t0 = time.time()
    whole = align_batch(al, src.words, tgt.words)
    assert isinstance(whole, DirectionalLinks)
    rows = [{"setting": "whole", "f1": f1([(src, tgt, whole)]),
             "seconds": round(time.time() - t0, 1)}]
    print(json.dumps(rows[-1]), flush=True)
    import os

    os.makedirs(args.work, exist_ok=True)
    for k in (int(x) for x in args.samples.split(",")):
        path = f"{args.work}/priors-{args.lang}-{k}.txt"
        t0 = time.time()
        learn_priors(al, src.words[:k], tgt.words[:k], path)
        learn_s = round(time.time() - t0, 1)
        shard_al = create_aligner("eflomal", priors=path, **extra)
        for size in (int(x) for x in args.shards.split(",")):
            t0 = time.time()
            parts = []
            for st in range(0, len(src), size):
                a = Corpus(src.sentences[st:st + size], name="s")
                b = Corpus(tgt.sentences[st:st + size], name="t")
                aligned = align_batch(shard_al, a.words, b.words)
                assert isinstance(aligned, DirectionalLinks)
                parts.append((a, b, aligned))
            joined = DirectionalLinks([f for p in parts for f in p[2].forward],
                                      [r for p in parts for r in p[2].reverse])
            rows.append({"setting": f"priors sample={k} shard={size}",
                         "f1_links_whole": f1([(src, tgt, joined)]),
                         "f1_per_shard": f1(parts), "learn_seconds": learn_s,
                         "shard_seconds": round(time.time() - t0, 1)})
            print(json.dumps(rows[-1]), flush=True)


if __name__ == "__main__":
    main()

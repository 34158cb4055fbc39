"""``xlner bench``: the benchmarks (intrinsic projection on parallel NER corpora, ...)."""

from __future__ import annotations

import argparse

from xlner.bench.parallel import bench_parallel, format_table
from xlner.cli.common import add_data_options, write_json
from xlner.project.recipes import split_methods
from xlner.registry import parse_params


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("bench", help="run a benchmark")
    bench = p.add_subparsers(dest="bench", required=True, metavar="BENCHMARK")
    for name in ("parallel", "europarl"):
        e = bench.add_parser(name, help=(
            "any parallel NER corpus (europarl-ner, uner-pud or a DIR of <lang>.conll): gold "
            "English entities projected onto each language, scored against its gold")
            if name == "parallel" else "bench parallel --corpus europarl-ner")
        if name == "parallel":
            e.add_argument("--corpus", required=True,
                           help="europarl-ner, uner-pud, or a directory holding en.conll and "
                           "<lang>.conll (sentence i parallel across files)")
        e.add_argument("--langs", default=None,
                       help="comma-separated target languages (default: all present)")
        e.add_argument("--methods", default="heuristic",
                       help="comma-separated method specs (default heuristic)")
        e.add_argument("--aligner", default="eflomal")
        e.add_argument("--aligner-param", action="append", default=[],
                       help="aligner parameter key=value (repeatable)")
        e.add_argument("--no-bitext", action="store_true",
                       help="do not add bitext:en-<lang> to the aligner's data")
        e.add_argument("--anchors", action="store_true",
                       help="add orthographic anchors to the links (names copied or "
                       "transliterated into the other sentence)")
        e.add_argument("--work-dir", default=None,
                       help="keep each language's alignment here and reuse it while the words "
                       "and aligner settings are the same")
        e.add_argument("--json", default=None, help="write results and signature as JSON")
        add_data_options(e)
        e.set_defaults(func=run_parallel)
    b = bench.add_parser("translate-batching", help="translator: sentences/s one at a time vs "
                         "batched (default: a tiny NLLB-style model built locally)")
    b.add_argument("--translator", default=None,
                   help="translator spec (default: a tiny random-weight model, CPU, greedy)")
    b.add_argument("--tiny-family", default="nllb", choices=["nllb", "m2m100", "marian"])
    b.add_argument("--sentences", type=int, default=64)
    b.add_argument("--batch-size", type=int, default=32)
    b.add_argument("--src-lang", default="hau")
    b.add_argument("--tgt-lang", default="en")
    b.add_argument("--json", default=None, help="write results as JSON")
    b.set_defaults(func=run_translate_batching)

    b = bench.add_parser("align-batching", help="neural aligner: pairs/s one at a time vs "
                         "batched (tiny local encoder unless --model)")
    b.add_argument("--aligner", default="simalign", help="simalign or awesome (default simalign)")
    b.add_argument("--model", default=None,
                   help="encoder (name or directory); default: a tiny random-weight encoder "
                   "built locally")
    b.add_argument("--kind", default="bert", choices=["bert", "xlmr"],
                   help="tiny encoder style (default bert)")
    b.add_argument("--pairs", type=int, default=256, help="sentence pairs (default 256)")
    b.add_argument("--batch-size", type=int, default=32)
    b.add_argument("--device", default="cpu", help="cpu, cuda, auto (default cpu)")
    b.add_argument("--aligner-param", action="append", default=[],
                   help="aligner parameter key=value (repeatable)")
    b.add_argument("--json", default=None, help="write the result as JSON")
    b.set_defaults(func=run_align_batching)

    s = bench.add_parser("speed", help="sentences/s of the projection step alone (alignments "
                         "precomputed) on Europarl-NER and on synthetic long sentences")
    s.add_argument("--methods", default="heuristic,greedy,ilp",
                   help="comma-separated method specs (default heuristic,greedy,ilp)")
    s.add_argument("--langs", default="de", help="Europarl target languages, comma-separated; "
                   "'none' for the synthetic batch only (default de)")
    s.add_argument("--synthetic", type=int, default=1000,
                   help="number of synthetic long sentences (default 1000; 0 to skip)")
    s.add_argument("--repeats", type=int, default=3, help="timed runs per method, best kept")
    s.add_argument("--bitext", action="store_true",
                   help="align Europarl with bitext:en-<lang> added (slower, better links)")
    s.add_argument("--aligner-param", action="append", default=[],
                   help="eflomal parameter key=value (repeatable)")
    s.add_argument("--json", default=None, help="write results and signature as JSON")
    add_data_options(s)
    s.set_defaults(func=run_speed)

    m = bench.add_parser("masakhaner-nllb", help="MasakhaNER 2.0 translate-train on NLLB "
                         "translations of CoNLL-2003: the same tagger trained on T-Projection's "
                         "labels, on our projections, and on gold MasakhaNER train")
    m.add_argument("--langs", default=None,
                   help="comma-separated languages (default: all with nllb-conll2003 files)")
    m.add_argument("--methods", default="heuristic",
                   help="comma-separated projection method specs (default heuristic)")
    m.add_argument("--setup", action="append", default=None,
                   help="how our training data is made, comma-separated: misc=drop|block, "
                   "anchors, consistency, repair, join[=RULE], filter names (repeatable: one "
                   "row per setup and method; default: no-failed and "
                   "misc=block,anchors,consistency,no-failed,prose,repair,join)")
    m.add_argument("--tagger", default=None, help="tagger spec trained on every label set "
                   "(default crf(algorithm=ap,max_iterations=10))")
    m.add_argument("--seeds", default="1,2,3",
                   help="train once per seed and report the mean (default 1,2,3)")
    m.add_argument("--aligner", default="eflomal")
    m.add_argument("--aligner-param", action="append", default=[],
                   help="aligner parameter key=value (repeatable)")
    m.add_argument("--no-bitext", action="store_true",
                   help="do not add bitext:en-<lang> to the aligner's data")
    m.add_argument("--no-gold", action="store_true", help="skip the gold upper bound")
    m.add_argument("--split", choices=("test", "dev"), default="test",
                   help="MasakhaNER split to score on (dev: choose settings without the test "
                   "set; default test)")
    m.add_argument("--peer-consistency", action="store_true",
                   help="add a row: T-Projection's labels after the consistency step")
    m.add_argument("--peer-setup", action="append", default=[], metavar="SETUP",
                   help="add a row: T-Projection's labels treated as SETUP says, to compare "
                   "on the same sentences and words: join[=RULE] and source-side filters "
                   "(prose[:R], without:CLASS), comma-separated (repeatable)")
    m.add_argument("--work-dir", default=None, help="where stages are kept and resumed "
                   "(default $XLNER_CACHE_DIR/bench/masakhaner-nllb)")
    m.add_argument("--no-resume", action="store_true", help="recompute every stage")
    m.add_argument("--json", default=None, help="write the rows and signature as JSON")
    add_data_options(m)
    m.set_defaults(func=run_masakhaner)


def run_masakhaner(args: argparse.Namespace) -> int:
    from xlner.bench.masakhaner import DEFAULT_SETUPS, DEFAULT_TAGGER, bench_masakhaner_nllb
    from xlner.bench.masakhaner import format_table as masakhaner_table

    params: dict[str, object] = {}
    for item in args.aligner_param:
        params.update(parse_params(item))
    out = bench_masakhaner_nllb(
        args.langs.split(",") if args.langs else None, split_methods(args.methods),
        setups=args.setup or list(DEFAULT_SETUPS), tagger=args.tagger or DEFAULT_TAGGER,
        seeds=[int(x) for x in args.seeds.split(",") if x.strip()], aligner=args.aligner,
        aligner_params=params, bitext=not args.no_bitext,
        include_gold=not args.no_gold, peer_consistency=args.peer_consistency,
        peer_setups=args.peer_setup,
        work_dir=args.work_dir, data_dir=args.data_dir,
        download=not args.no_download, resume=not args.no_resume, split=args.split)
    print(masakhaner_table(out["results"]))
    print("seconds per language: " + ", ".join(f"{k} {v:.0f}" for k, v in out["seconds"].items()))
    if args.json:
        write_json(args.json, out)
    return 0


def run_parallel(args: argparse.Namespace) -> int:
    params: dict[str, object] = {}
    for item in args.aligner_param:
        params.update(parse_params(item))
    corpus = getattr(args, "corpus", None) or "europarl-ner"
    out = bench_parallel(
        corpus, args.langs.split(",") if args.langs else None, split_methods(args.methods),
        aligner=args.aligner, aligner_params=params, bitext=not args.no_bitext,
        data_dir=args.data_dir, download=not args.no_download, anchors=args.anchors,
        work_dir=args.work_dir, command=f"bench {args.bench}")
    print(format_table(out["results"]))
    if args.json:
        write_json(args.json, out)
    return 0


def run_translate_batching(args: argparse.Namespace) -> int:
    from xlner.bench.batching import bench_translator, format_results

    result = bench_translator(args.translator, n=args.sentences, batch_size=args.batch_size,
                              src_lang=args.src_lang, tgt_lang=args.tgt_lang,
                              tiny_family=args.tiny_family)
    print(format_results([result]))
    if args.json:
        from xlner.signature import make_signature

        signature = make_signature("bench translate-batching", params={
            "translator": args.translator or f"tiny-{args.tiny_family}",
            "sentences": args.sentences, "batch_size": args.batch_size,
            "src_lang": args.src_lang, "tgt_lang": args.tgt_lang})
        write_json(args.json, {"results": [result.to_dict()], "signature": signature})
    return 0


def run_align_batching(args: argparse.Namespace) -> int:
    from xlner.bench.align_batching import bench_tiny, format_batching

    params: dict[str, object] = {}
    for item in args.aligner_param:
        params.update(parse_params(item))
    out = bench_tiny(args.aligner, pairs=args.pairs, batch_size=args.batch_size,
                     device=args.device, kind=args.kind, params=params, model=args.model)
    print(format_batching(out))
    if args.json:
        write_json(args.json, out)
    return 0


def run_speed(args: argparse.Namespace) -> int:
    from xlner.bench.speed import bench_speed, format_speed_table

    params: dict[str, object] = {}
    for item in args.aligner_param:
        params.update(parse_params(item))
    langs = [] if args.langs.strip().lower() == "none" else args.langs.split(",")
    out = bench_speed(split_methods(args.methods), langs=langs, synthetic=args.synthetic,
                      repeats=args.repeats, data_dir=args.data_dir,
                      download=not args.no_download, bitext=args.bitext,
                      aligner_params=params)
    print(format_speed_table(out["results"]))
    if args.json:
        write_json(args.json, out)
    return 0

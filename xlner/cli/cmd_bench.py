"""``xlner bench``: the benchmarks (intrinsic projection on parallel NER corpora, ...)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from xlner.bench.parallel import bench_parallel, format_table
from xlner.cli import common
from xlner.cli.cmd_translate_train import SHARD_HELP
from xlner.errors import ConfigError
from xlner.files import write_json
from xlner.project.recipes import split_methods

EFLOMAL_PARAM = "eflomal parameter key=value (repeatable)"


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
        add_aligner_options(e)
        e.add_argument("--anchors", action="store_true",
                       help="add orthographic anchors to the links (names copied or "
                       "transliterated into the other sentence)")
        e.add_argument("--work-dir", default=None,
                       help="keep each language's alignment here and reuse it while the words "
                       "and aligner settings are the same")
        _json_option(e)
        common.add_input_options(e, run_parallel, corpus=False)
    b = bench.add_parser("translate-batching", help="translator: sentences/s one at a time vs "
                         "batched (default: a tiny NLLB-style model built locally)")
    b.add_argument("--translator", default=None,
                   help="translator spec (default: a tiny random-weight model, CPU, greedy)")
    b.add_argument("--tiny-family", default="nllb", choices=["nllb", "m2m100", "marian"])
    b.add_argument("--sentences", type=int, default=64)
    b.add_argument("--batch-size", type=int, default=32)
    b.add_argument("--src-lang", default="hau")
    b.add_argument("--tgt-lang", default="en")
    _json_option(b)
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
    common.add_param_option(b, "aligner")
    _batching_options(b, batch_size=32, func=run_align_batching)

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
    common.add_param_option(s, "aligner", EFLOMAL_PARAM)
    _json_option(s)
    common.add_input_options(s, run_speed, corpus=False)

    it = bench.add_parser("image-text", help="image-text parallel corpus: text-only projection "
                          "vs the same method with the visual score (span F1, paired bootstrap)")
    it.add_argument("--corpus", required=True, help="a JSONL image-text file, a folder with "
                    "one, NAME (<data dir>/image-text/NAME), or synthetic:N (N synthetic "
                    "sentence pairs with drawn images, to check the pipeline)")
    it.add_argument("--langs", default=None, help="comma-separated target languages (default: "
                    "all in the corpus but the source)")
    it.add_argument("--src-lang", default="en")
    it.add_argument("--method", default="ilp", help="candidate-matching method (default ilp)")
    model = it.add_mutually_exclusive_group(required=True)
    model.add_argument("--visual-model", help="CLIP-style model (name or folder)")
    model.add_argument("--tiny-model", action="store_true", help="a tiny random-weight CLIP "
                       "built locally on the corpus text (checks the pipeline; no accuracy)")
    it.add_argument("--visual-weight", type=float, default=0.5)
    it.add_argument("--visual-mode", default="bonus", choices=["bonus", "fused", "tiebreak"],
                    help="bonus: re-ranks pairs the text scores allow (default); fused: an "
                    "ordinary term; tiebreak: decides ties only")
    common.add_param_option(it, "visual", "visual scorer parameter key=value (text, image, grid, "
                     "threshold, device, batch_size, text_model, missing; repeatable)")
    it.add_argument("--aligner", default="eflomal")
    common.add_param_option(it, "aligner")
    it.add_argument("--samples", type=int, default=1000, help="bootstrap resamples")
    it.add_argument("--seed", type=int, default=0)
    it.add_argument("--on-missing", default="error", choices=["error", "report"],
                    help="missing or unreadable images: fail listing them (default) or keep "
                    "the records, each reported as a failed sentence")
    _json_option(it)
    common.add_data_options(it)
    it.set_defaults(func=run_image_text)

    vb = bench.add_parser("visual-batching", help="visual scorer: candidates/s one pair at a "
                          "time vs batched (tiny CLIP built locally unless --model)")
    vb.add_argument("--model", default=None, help="CLIP-style model (default: tiny, local)")
    vb.add_argument("--sentences", type=int, default=16)
    vb.add_argument("--max-n", type=int, default=3, help="candidate n-gram length (default 3)")
    _batching_options(vb, batch_size=64, func=run_visual_batching)

    sc = bench.add_parser("scale", help="align + project N real sentence pairs in shards, per "
                          "engine and worker count (time, peak RSS of the process tree)")
    sc.add_argument("--sizes", default="10000,100000",
                    help="numbers of pairs, comma-separated (default 10000,100000)")
    sc.add_argument("--engines", default="local:1,local:2",
                    help="ENGINE:WORKERS, comma-separated (default local:1,local:2)")
    sc.add_argument("--shard-size", type=int, default=10000, help="pairs per shard")
    sc.add_argument("--method", default="heuristic", help="projection method (default heuristic)")
    sc.add_argument("--langs", default=None, help="nllb-conll2003 languages (default all)")
    sc.add_argument("--seed", type=int, default=0, help="eflomal seed (default 0)")
    sc.add_argument("--no-resume", action="store_true",
                    help="measure every row again, even those an interrupted run with the same "
                    "settings kept in JSON.partial (with --json)")
    common.add_param_option(sc, "aligner", EFLOMAL_PARAM)
    _json_option(sc)
    common.add_data_options(sc)
    sc.set_defaults(func=run_scale)

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
    m.add_argument("--seeds", default=[1, 2, 3], type=common.int_list,
                   help="train once per seed and report the mean (default 1,2,3)")
    add_aligner_options(m)
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
    common.add_shard_options(m, SHARD_HELP)
    m.add_argument("--no-resume", action="store_true", help="recompute every stage")
    _json_option(m)
    common.add_input_options(m, run_masakhaner, corpus=False)


def _json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", default=None, help="write the results and signature as JSON")


def _batching_options(parser: argparse.ArgumentParser, batch_size: int,
                      func: Callable[[argparse.Namespace], int]) -> None:
    """The options every batching benchmark takes, and its function."""
    parser.add_argument("--batch-size", type=int, default=batch_size)
    parser.add_argument("--device", default="cpu", help="cpu, cuda, auto (default cpu)")
    _json_option(parser)
    parser.set_defaults(func=func)


def add_aligner_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--aligner", default="eflomal")
    common.add_param_option(parser, "aligner")
    parser.add_argument("--no-bitext", action="store_true",
                        help="do not add bitext:en-<lang> to the aligner's data")


def _finish(args: argparse.Namespace, table: str, out: dict[str, Any]) -> int:
    """Print a benchmark's table, write its JSON where asked; exit code 0."""
    print(table)
    if args.json:
        write_json(args.json, out)
    return 0


def run_masakhaner(args: argparse.Namespace) -> int:
    from xlner.bench.masakhaner import DEFAULT_SETUPS, DEFAULT_TAGGER, bench_masakhaner_nllb
    from xlner.bench.masakhaner import format_table as masakhaner_table

    params = common.merge_params(args.aligner_param)
    out = bench_masakhaner_nllb(
        args.langs.split(",") if args.langs else None, split_methods(args.methods),
        setups=args.setup or list(DEFAULT_SETUPS), tagger=args.tagger or DEFAULT_TAGGER,
        seeds=args.seeds, aligner=args.aligner,
        aligner_params=params, bitext=not args.no_bitext,
        include_gold=not args.no_gold, peer_consistency=args.peer_consistency,
        peer_setups=args.peer_setup,
        work_dir=args.work_dir, data_dir=args.data_dir,
        download=not args.no_download, resume=not args.no_resume, split=args.split,
        **common.shard_settings(args))
    seconds = ", ".join(f"{k} {v:.0f}" for k, v in out["seconds"].items())
    return _finish(args, f"{masakhaner_table(out['results'])}\nseconds per language: {seconds}",
                   out)



def run_image_text(args: argparse.Namespace) -> int:
    import tempfile

    from xlner.bench.image_text import bench_image_text, format_image_text, load_image_text

    with tempfile.TemporaryDirectory(prefix="xlner-image-text-") as tmp:
        corpus = args.corpus
        if corpus.startswith("synthetic:"):
            from xlner.bench.image_text import write_synthetic_image_text

            corpus = str(write_synthetic_image_text(f"{tmp}/synthetic", int(corpus[10:]),
                                                    lang=(args.langs or "xx").split(",")[0]))
        data = load_image_text(corpus, args.data_dir, args.on_missing)
        model = args.visual_model
        if args.tiny_model:
            from xlner.bench.tiny_clip import build_tiny_clip

            model = str(build_tiny_clip(f"{tmp}/clip", [" ".join(s.words) for r in data
                                              for s in r.texts.values()]))
        out = bench_image_text(
            data, args.langs.split(",") if args.langs else None, visual_model=model,
            method=args.method, src_lang=args.src_lang, visual_weight=args.visual_weight,
            visual_mode=args.visual_mode, visual_params=common.merge_params(args.visual_param),
            aligner=args.aligner, aligner_params=common.merge_params(args.aligner_param),
            samples=args.samples, seed=args.seed)
    return _finish(args, format_image_text(out["results"]), out)


def run_visual_batching(args: argparse.Namespace) -> int:
    from xlner.bench.image_text import bench_visual_batching, format_visual_batching

    out = bench_visual_batching(args.model, sentences=args.sentences, max_n=args.max_n,
                                batch_size=args.batch_size, device=args.device)
    return _finish(args, format_visual_batching(out), out)


def run_parallel(args: argparse.Namespace) -> int:
    params = common.merge_params(args.aligner_param)
    corpus = getattr(args, "corpus", None) or "europarl-ner"
    out = bench_parallel(
        corpus, args.langs.split(",") if args.langs else None, split_methods(args.methods),
        aligner=args.aligner, aligner_params=params, bitext=not args.no_bitext,
        data_dir=args.data_dir, download=not args.no_download, anchors=args.anchors,
        work_dir=args.work_dir, command=f"bench {args.bench}")
    return _finish(args, format_table(out["results"]), out)


def run_translate_batching(args: argparse.Namespace) -> int:
    from xlner.bench.batching import bench_translator, format_results

    result = bench_translator(args.translator, n=args.sentences, batch_size=args.batch_size,
                              src_lang=args.src_lang, tgt_lang=args.tgt_lang,
                              tiny_family=args.tiny_family)
    from xlner.signature import make_signature

    signature = make_signature("bench translate-batching", params={
        "translator": args.translator or f"tiny-{args.tiny_family}",
        "sentences": args.sentences, "batch_size": args.batch_size,
        "src_lang": args.src_lang, "tgt_lang": args.tgt_lang})
    return _finish(args, format_results([result]),
                   {"results": [result.to_dict()], "signature": signature})


def run_align_batching(args: argparse.Namespace) -> int:
    from xlner.bench.align_batching import bench_tiny, format_batching

    params = common.merge_params(args.aligner_param)
    out = bench_tiny(args.aligner, pairs=args.pairs, batch_size=args.batch_size,
                     device=args.device, kind=args.kind, params=params, model=args.model)
    return _finish(args, format_batching(out), out)



def run_scale(args: argparse.Namespace) -> int:
    from xlner.bench.scale import bench_scale, format_scale_table, parse_engines

    try:
        sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
    except ValueError:
        raise ConfigError(f"--sizes {args.sizes!r}: expected integers, e.g. 10000,100000") from None
    # rows measured so far, kept beside the JSON until it is written (an interrupted run resumes)
    progress = Path(f"{args.json}.partial") if args.json else None
    out = bench_scale(sizes, parse_engines(args.engines), data_dir=args.data_dir,
                      langs=args.langs.split(",") if args.langs else None, method=args.method,
                      shard_size=args.shard_size, seed=args.seed,
                      aligner_params=common.merge_params(args.aligner_param),
                      progress=progress, resume=not args.no_resume)
    _finish(args, format_scale_table(out["results"]), out)
    if progress is not None:  # the rows are in the JSON now
        progress.unlink(missing_ok=True)
    return 0


def run_speed(args: argparse.Namespace) -> int:
    from xlner.bench.speed import bench_speed, format_speed_table

    params = common.merge_params(args.aligner_param)
    langs = [] if args.langs.strip().lower() == "none" else args.langs.split(",")
    out = bench_speed(split_methods(args.methods), langs=langs, synthetic=args.synthetic,
                      repeats=args.repeats, data_dir=args.data_dir,
                      download=not args.no_download, bitext=args.bitext,
                      aligner_params=params)
    return _finish(args, format_speed_table(out["results"]), out)

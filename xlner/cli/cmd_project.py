"""``xlner project``: project source entities onto a parallel target."""

from __future__ import annotations

import argparse
import time

from xlner.align import create_aligner, read_pharaoh
from xlner.align.store import AlignmentStore, alignment_key
from xlner.align.util import DirectionalLinks, align_batch, directional_extras, links_for
from xlner.cli.cmd_align import aligner_params
from xlner.cli.common import add_corpus_options, add_data_options, eprint, load_input, seed_value
from xlner.corpora.corpus import Corpus
from xlner.data import Links, check_links
from xlner.errors import ConfigError, InputError
from xlner.files import check_output, file_digest
from xlner.pipelines.project import check_parallel, project_corpus, save_projection
from xlner.project.recipes import method_names, resolve_method
from xlner.registry import parse_params
from xlner.signature import make_signature


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("project", help="project source entities onto parallel target sentences")
    p.add_argument("--source", required=True, help="labelled source: CoNLL file or corpus name")
    p.add_argument("--target", required=True,
                   help="target sentences: CoNLL (labels ignored), text, or corpus name")
    p.add_argument("--out", required=True, help="output CoNLL (plus .signature.json and "
                   ".report.json beside it)")
    p.add_argument("--method", default="heuristic",
                   help=f"projection method spec (default heuristic); one of: "
                   f"{', '.join(method_names())}")
    p.add_argument("--param", action="append", default=[],
                   help="method parameter key=value[,key=value] (repeatable)")
    p.add_argument("--candidates", default=None, help="candidate extractor (matching methods)")
    p.add_argument("--scores", default=None, help="scores and weights (matching methods)")
    p.add_argument("--aligner", default="eflomal", help="aligner name or spec")
    p.add_argument("--aligner-param", dest="param_aligner", action="append", default=[],
                   help="aligner parameter key=value (repeatable)")
    p.add_argument("--bitext", action="append", default=None,
                   help="extra bitext for statistical aligners: bitext:en-<lang> or a directory")
    p.add_argument("--symmetrize", default=None,
                   help="symmetrisation (default: the one the method is tuned for)")
    p.add_argument("--seed", default=None, type=seed_value, help="aligner random seed")
    p.add_argument("--links", default=None,
                   help="precomputed Pharaoh links instead of aligning: symmetrised links, or "
                   "the forward links when --links-reverse is given")
    p.add_argument("--links-reverse", default=None,
                   help="the reverse-direction links (with --links FORWARD): every method then "
                   "symmetrises them as it is tuned for (xlner align --out-forward/--out-reverse "
                   "write both)")
    p.add_argument("--no-resume", action="store_true", help="recompute the alignment even if "
                   "the alignment store holds one of the same words and aligner settings "
                   "($XLNER_CACHE_DIR/alignments, shared by every method and output)")
    p.add_argument("--no-bitext", action="store_true",
                   help="align the given sentences alone, without extra bitext")
    add_corpus_options(p)
    add_data_options(p)
    p.set_defaults(func=run)


def check_link_ranges(links: list[Links], source: Corpus, target: Corpus, path: str) -> None:
    """Every link inside its sentence pair (else an error naming the file and line)."""
    for k, (item, s, t) in enumerate(zip(links, source, target, strict=True)):
        try:
            check_links(item, len(s.words), len(t.words))
        except ValueError as exc:
            raise InputError(str(exc), source=path, line=k + 1) from None


def run(args: argparse.Namespace) -> int:
    check_output(args.out)
    source = load_input(args.source, args, labelled=True, role="source")
    target = load_input(args.target, args, labelled=False, role="target")
    check_parallel(source, target, args.source, args.target)
    overrides: dict[str, object] = {}
    for item in args.param:
        overrides.update(parse_params(item))
    if args.candidates:
        overrides["candidates"] = args.candidates
    if args.scores:
        overrides["scores"] = args.scores
    method = resolve_method(args.method, **overrides)
    components: dict[str, object] = {"method": method}
    extras = None
    align_seconds = 0.0
    if args.no_bitext and args.bitext:
        raise ConfigError("--no-bitext and --bitext contradict each other")
    if args.links_reverse and not args.links:
        raise ConfigError("--links-reverse needs --links FORWARD")
    if args.links:
        links = read_pharaoh(args.links, expect=len(source))
        symmetrize = None
        check_link_ranges(links, source, target, args.links)
        inputs_extra: dict[str, object] = {"links": {"path": args.links,
                                                     "digest": file_digest(args.links)}}
        if args.links_reverse:
            reverse = read_pharaoh(args.links_reverse, expect=len(source))
            check_link_ranges(reverse, source, target, args.links_reverse)
            given = DirectionalLinks(links, reverse)
            symmetrize = str(args.symmetrize or method.symmetrize or "grow-diag-final-and")
            links = given.get(symmetrize)
            extras = directional_extras(given)
            inputs_extra["links_reverse"] = {"path": args.links_reverse,
                                             "digest": file_digest(args.links_reverse)}
    else:
        args.param = args.param_aligner
        aligner = create_aligner(args.aligner, **aligner_params(args))
        store = AlignmentStore()
        key = alignment_key(source.words, target.words, aligner, [s.entities for s in source])
        cached = None if args.no_resume else store.get(key, len(source))
        if cached is not None:
            aligned = cached
            eprint(f"reusing the alignment in {store.path(key)} (--no-resume to recompute)")
        else:
            t0 = time.perf_counter()
            aligned = align_batch(aligner, source.words, target.words,
                                  [s.entities for s in source])
            align_seconds = time.perf_counter() - t0
            store.put(key, aligned, {"source": args.source, "target": args.target})
        links, symmetrize = links_for(aligned, aligner, args.symmetrize or method.symmetrize)
        extras = directional_extras(aligned)
        components["aligner"] = aligner
        inputs_extra = {}
    run_ = project_corpus(source, target, projector=method.projector, links=links,
                          extras=extras)
    run_.align_seconds = align_seconds
    signature = make_signature(
        "project", inputs={"source": source.describe(), "target": target.describe(),
                           **inputs_extra},
        components=components, params={"symmetrize": symmetrize})
    save_projection(run_, args.out, signature)
    eprint(run_.report.summary())
    eprint(f"wrote {args.out}")
    return 1 if run_.report.failed else 0  # partial: the failed sentences are in the report

"""``xlner project``: project source entities onto a parallel target."""

from __future__ import annotations

import argparse
from pathlib import Path

from xlner.align import create_aligner, read_pharaoh
from xlner.align.util import directional_extras, links_for
from xlner.cli.cmd_align import aligner_params
from xlner.cli.common import add_corpus_options, add_data_options, eprint, load_input
from xlner.corpora.corpus import Corpus
from xlner.pipelines.project import check_parallel, project_corpus, save_projection
from xlner.pipelines.stages import Workspace
from xlner.pipelines.steps import align_step, words_description
from xlner.project.labels import restrict_labels
from xlner.project.recipes import DEFAULT_METHOD, method_names, resolve_method
from xlner.registry import parse_params
from xlner.signature import make_signature


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("project", help="project source entities onto parallel target sentences")
    p.add_argument("--source", required=True, help="labelled source: CoNLL file or corpus name")
    p.add_argument("--target", required=True,
                   help="target sentences: CoNLL (labels ignored), text, or corpus name")
    p.add_argument("--out", required=True, help="output CoNLL (plus .signature.json and "
                   ".report.json beside it)")
    p.add_argument("--method", default=DEFAULT_METHOD,
                   help=f"projection method spec (default {DEFAULT_METHOD}: the best across "
                   f"languages measured); one of: {', '.join(method_names())}")
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
    p.add_argument("--seed", default=None, help="aligner random seed")
    p.add_argument("--links", default=None, help="precomputed Pharaoh links instead of aligning")
    p.add_argument("--no-resume", action="store_true", help="recompute the alignment even if "
                   "OUT.align holds one made from the same inputs and settings")
    add_corpus_options(p)
    add_data_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    source = load_input(args.source, args)
    target = load_input(args.target, args)
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
    if args.links:
        links = read_pharaoh(args.links)
        symmetrize = None
        inputs_extra = {"links": args.links}
    else:
        args.param = args.param_aligner
        aligner = create_aligner(args.aligner, **aligner_params(args))
        out = Path(args.out)
        ws = Workspace(out.parent, resume=not args.no_resume)
        aligned, _, align_seconds = align_step(
            ws, source.words, target.words, aligner, prefix=f"{out.name}.",
            upstream=[words_description(source), words_description(target)],
            entities=[s.entities for s in source])
        if ws.reused:
            eprint(f"reusing the alignment in {out}.align (--no-resume to recompute)")
        links, symmetrize = links_for(aligned, aligner, args.symmetrize or method.symmetrize)
        extras = directional_extras(aligned)
        components["aligner"] = aligner
        inputs_extra = {}
    run_ = project_corpus(source, target, projector=method.projector, links=links,
                          extras=extras)
    run_.align_seconds = align_seconds
    dropped: dict[str, int] = {}
    adjective = getattr(method.projector, "adjective_label", None)
    labels = source.labels()
    if adjective is not None and labels and adjective not in labels:
        # +adj on a label set without MISC: such names-as-adjectives are left unlabelled
        sentences, dropped = restrict_labels(run_.corpus.sentences, labels)
        run_.corpus = Corpus(sentences, name=run_.corpus.name)
        eprint(f"{sum(dropped.values())} projected {adjective} spans left out: the source "
               f"label set ({', '.join(labels)}) has no {adjective}")
    signature = make_signature(
        "project", inputs={"source": source.describe(), "target": target.describe(),
                           **inputs_extra},
        components=components, params={"symmetrize": symmetrize,
                                       "dropped_outside_label_set": dropped})
    save_projection(run_, args.out, signature)
    eprint(run_.report.summary())
    eprint(f"wrote {args.out}")
    return 0

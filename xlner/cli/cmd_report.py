"""``xlner report``: charts (PNG, SVG) and an index.html of benchmark results or runs."""

from __future__ import annotations

import argparse

from xlner.bench.report import write_report
from xlner.cli.common import eprint


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("report", help="plots and an HTML page of benchmark JSON files or run "
                       "directories (projection reports, translate-train summaries)")
    p.add_argument("inputs", nargs="+", help="BENCH.json, OUT.conll.report.json or RUN_DIR")
    p.add_argument("--out", required=True, help="output directory (index.html, charts)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    index = write_report(args.inputs, args.out)
    eprint(f"wrote {index}")
    return 0

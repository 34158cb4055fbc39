"""``xlner run RUN.toml``: run a pipeline described by a run configuration."""

from __future__ import annotations

import argparse

from xlner.cli.cmd_project import report_project, report_sharded
from xlner.cli.cmd_translate_test import report_translate_test
from xlner.cli.cmd_translate_train import report_translate_train
from xlner.files import write_json
from xlner.pipelines.config import load_config
from xlner.pipelines.run import ProjectResult, run
from xlner.pipelines.shards import ShardedResult
from xlner.pipelines.translate_test import TranslateTestResult


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("run", help="run a pipeline from a run configuration (TOML; "
                       "--print-config on translate-train, translate-test or project writes one)")
    p.add_argument("config", help="run configuration (TOML)")
    p.add_argument("--print-config", action="store_true",
                   help="print the configuration as read (normalised TOML) and exit")
    p.add_argument("--json", default=None, help="write the run's result and signature as JSON")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    if args.print_config:
        print(config.to_toml(), end="")
        return 0
    result = run(config)
    if isinstance(result.outcome, ShardedResult):
        report_sharded(result.outcome)
    elif isinstance(result.outcome, ProjectResult):
        report_project(result.outcome, config)
    elif isinstance(result.outcome, TranslateTestResult):
        report_translate_test(result.outcome)
    else:
        report_translate_train(result.outcome, config)
    if args.json:
        write_json(args.json, result.to_dict())
    return 0

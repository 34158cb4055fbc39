"""The ``xlner`` command: every subcommand is a thin wrapper over a public function."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from xlner import __version__
from xlner.errors import XlnerError
from xlner.progress import set_quiet

COMMANDS = ["align", "project", "translate", "translate-train", "translate-test", "train",
            "tag", "model-transfer", "evaluate", "show", "report", "convert-ct2", "bench",
            "components"]
"""Subcommand modules ``xlner.cli.cmd_<name>``, in help order."""

COMPONENT_MODULES = ["xlner.align", "xlner.project", "xlner.tag", "xlner.translate"]


def load_components() -> None:
    """Import the packages that register components."""
    for module in COMPONENT_MODULES:
        importlib.import_module(module)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xlner", description="Cross-lingual NER by annotation projection.")
    parser.add_argument("--version", action="version", version=f"xlner {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress bars (they are drawn only when stderr is a terminal)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"xlner.cli.cmd_{name.replace('-', '_')}").add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    load_components()
    set_quiet(bool(args.quiet))
    try:
        return int(args.func(args) or 0)
    except XlnerError as exc:
        print(f"xlner {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

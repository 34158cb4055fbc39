"""The ``xlner`` command: every subcommand is a thin wrapper over a public function."""

from __future__ import annotations

import argparse
import contextlib
import errno
import functools
import importlib
import logging
import sys
from collections.abc import Sequence

from xlner._version import __version__
from xlner.errors import XlnerError
from xlner.files import output_lock
from xlner.processes import check_stop, stop_on_signals
from xlner.progress import set_quiet

COMMANDS = ["run", "align", "project", "translate", "translate-train", "translate-test", "train",
            "tag", "model-transfer", "evaluate", "show", "report", "convert-ct2", "bench",
            "components"]
"""Subcommand modules ``xlner.cli.cmd_<name>``, in help order."""

COMPONENT_MODULES = ["xlner.align", "xlner.project", "xlner.tag", "xlner.translate"]


def load_components() -> None:
    """Import the packages that register components."""
    for module in COMPONENT_MODULES:
        importlib.import_module(module)


GLOBAL_FLAGS = frozenset({"--version", "-v", "--verbose", "--debug", "-q", "--quiet"})
"""The options before the command (none takes a value)."""


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The ``xlner`` parser; with ``command`` (one of :data:`COMMANDS`) only that subcommand's
    module is imported and its options built (what a run needs), else every subcommand."""
    parser = argparse.ArgumentParser(
        prog="xlner", description="Cross-lingual NER by annotation projection.")
    parser.add_argument("--version", action="version", version=f"xlner {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress")
    parser.add_argument("--debug", action="store_true",
                        help="show the Python traceback of an error")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress bars (they are drawn only when stderr is a terminal)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in [command] if command in COMMANDS else COMMANDS:
        assert name is not None
        importlib.import_module(f"xlner.cli.cmd_{name.replace('-', '_')}").add_parser(sub)
    return parser


def command_of(argv: Sequence[str]) -> str | None:
    """The subcommand ``argv`` names (the first word after the global flags), if it is one of
    :data:`COMMANDS`; ``None`` otherwise (help, a typo: the full parser answers)."""
    for arg in argv:
        if arg in GLOBAL_FLAGS:
            continue
        return arg if arg in COMMANDS else None
    return None


@functools.cache
def _parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser, built once per process and command (building every subcommand costs more
    than most small runs: a run builds only its own)."""
    return build_parser(command)


EXIT_OK, EXIT_PARTIAL, EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
"""Exit codes: 0 ok; 1 partial (some sentences failed and were reported); 2 bad input or
configuration (one ``xlner CMD: error:`` line); 3 an internal error (a bug: ``--debug`` shows
the traceback); 130 interrupted (SIGINT or SIGTERM)."""


def describe_error(exc: BaseException) -> str:
    """One line for a failure the user can fix: the file (and line) and what went wrong."""
    if isinstance(exc, XlnerError):
        return str(exc)
    if isinstance(exc, UnicodeDecodeError):
        return (f"byte {exc.start} is not valid {exc.encoding}; give the input's encoding, "
                "e.g. --encoding latin-1")
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        hint = {errno.ENOSPC: "; free some space or write elsewhere",
                errno.EACCES: "; check the permissions", errno.EROFS: "; write elsewhere",
                errno.EISDIR: "; give a file path", errno.ENOENT: "; check the path"}
        return f"{where}{exc.strerror or exc}{hint.get(exc.errno or 0, '')}"
    return str(exc)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every failure the user can cause ends in one ``error:`` line (exit 2),
    a traceback only with ``--debug``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = _parser(command_of(argv))
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: usage errors (2), --help and --version (0)
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    except KeyboardInterrupt:  # while starting: nothing was written yet
        print("xlner: interrupted while starting; nothing was written", file=sys.stderr)
        return EXIT_INTERRUPTED
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    set_quiet(bool(args.quiet))
    try:
        with stop_on_signals():  # SIGTERM cleans up as SIGINT does; neither is ever lost
            load_components()
            out = getattr(args, "out", None)
            with output_lock(out) if out else contextlib.nullcontext():
                code = int(args.func(args) or 0)
            check_stop()  # lost on the way (its outputs are complete): still exit as stopped
            return code
    except KeyboardInterrupt:
        print(f"xlner {args.command}: interrupted; rerun the same command to resume",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    except (XlnerError, OSError, UnicodeDecodeError) as exc:
        if args.debug:
            raise
        print(f"xlner {args.command}: error: {describe_error(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:
        if args.debug:
            raise
        print(f"xlner {args.command}: internal error: {type(exc).__name__}: {exc} "
              "(a bug; --debug shows the traceback)", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())

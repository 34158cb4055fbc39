"""The command's entry point: only the parser (and pipeline) of the command run is built."""

from __future__ import annotations

import subprocess
import sys

from xlner.cli.main import COMMANDS, build_parser, command_of


def test_command_of_skips_the_global_flags() -> None:
    assert command_of(["-q", "--debug", "project", "--out", "x"]) == "project"
    assert command_of(["translate-train", "--lang", "hau"]) == "translate-train"
    assert command_of(["--help"]) is None
    assert command_of(["projct"]) is None  # a typo: the full parser names the choices
    assert command_of([]) is None


def test_a_command_builds_only_its_own_parser() -> None:
    one = build_parser("evaluate")
    (sub,) = [a for a in one._actions if a.dest == "command"]
    assert list(sub.choices) == ["evaluate"]  # type: ignore[arg-type]
    (every,) = [a for a in build_parser()._actions if a.dest == "command"]
    assert list(every.choices) == COMMANDS  # type: ignore[arg-type]


def test_project_imports_no_other_command_or_pipeline(tmp_path: object) -> None:
    code = ("import sys; from xlner.cli.main import main; "
            "rc = main(['project', '--source', 'missing.conll', '--target', 'missing.txt', "
            f"'--out', {str(tmp_path)!r} + '/o.conll']); "
            "print(rc, sorted(m for m in sys.modules if m.startswith(('xlner.cli.cmd_', "
            "'xlner.pipelines.translate', 'xlner.bench'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split(" ", 1)
    assert out[0] == "2"  # the missing file, one error line
    assert out[1].strip() == "['xlner.cli.cmd_project']"

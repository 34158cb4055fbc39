"""Every ``xlner`` command line in the README is accepted by the parser as
written: option names, choices and typed values (a renamed option or a stale example fails
here). Lines elided with ``...`` are checked up to the elision."""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from pathlib import Path

import pytest

from xlner.cli.main import _parser

ROOT = Path(__file__).resolve().parents[1]
DEFAULTS = {"L": "hau", "S": "0", "MT": "nllb(model=facebook/nllb-200-3.3B,device=cuda)",
            "TAGGER": "FacebookAI/xlm-roberta-large-finetuned-conll03-english"}


def command_lines(text: str) -> list[str]:
    """The ``xlner ...`` commands of the ```bash blocks, continuation lines joined."""
    out: list[str] = []
    for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S):
        joined = re.sub(r"\\\n\s*", " ", block)
        for line in joined.splitlines():
            line = line.split(" # ")[0].strip()  # a trailing comment
            if line.startswith("#"):
                continue
            found = re.search(r"(?:^|&& |\s)(?:\.venv/bin/)?xlner (.*)$", line)
            if found:
                out.append(found.group(1))
    return out


def argv_of(command: str) -> list[str]:
    for name, value in DEFAULTS.items():
        command = command.replace(f"${name}", value)
    argv = shlex.split(command.split(" ... ")[0] if " ... " in command else command)
    return argv


COMMANDS = command_lines((ROOT / "README.md").read_text(encoding="utf-8"))


def test_the_readme_has_its_commands() -> None:
    names = {argv_of(c)[0] for c in COMMANDS}
    assert {"bench", "align", "project", "evaluate", "translate-train", "translate-test",
            "translate", "model-transfer", "show", "report", "train"} <= names


@pytest.mark.parametrize("command", COMMANDS)
def test_a_readme_command_is_accepted_as_written(command: str) -> None:
    argv = argv_of(command)
    err = io.StringIO()
    if command.split()[1:2] == ["..."] or " ... " in command:
        pytest.skip("elided example (checked by the full form above it)")
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            _parser().parse_args(argv)
        except SystemExit as exc:
            raise AssertionError(f"xlner {command}\n{err.getvalue()}") from exc

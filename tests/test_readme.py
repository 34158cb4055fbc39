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
    command = command.split(" > ")[0]  # a redirect of stdout
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


# -- every figure beside the command that regenerates it ---------------------------------------
FIGURE = re.compile(r"(?<![\w.,])(?:\d+(?:\.\d+)?×|\d+\.\d{2,}|\d{1,3}(?:,\d{3})+|"
                    r"\d+(?:\.\d+)? s\b|\d+ min\b)")
"""A measured figure: an F1 (``0.744``), a rate (``85,510``), a speed-up (``38.9×``) or a
duration (``50 s``, ``14 min``); one-decimal numbers (``MasakhaNER 2.0``, weights such as
``0.5·align``) and anything inside code are not figures."""
INLINE_COMMAND = re.compile(r"`((?:\.venv/bin/)?xlner [^`]+)`")
FENCE = re.compile(r"```(\w*)\n(.*?)```", flags=re.S)


def sections(text: str) -> list[tuple[str, str]]:
    """``(heading, body)`` of every section (``#`` headings outside code blocks)."""
    out: list[tuple[str, str]] = []
    heading, body, fenced = "", [], False
    for line in text.splitlines(keepends=True):
        if line.startswith("```"):
            fenced = not fenced
        if line.startswith("#") and not fenced:
            out.append((heading, "".join(body)))
            heading, body = line.strip(), []
        else:
            body.append(line)
    out.append((heading, "".join(body)))
    return out


def figures_and_commands(body: str) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The figures of a section's prose and tables and its commands (fenced ``bash`` lines
    and inline ```xlner ...``` spans), each with its offset in the section."""
    commands = [(m.start(), c) for m in FENCE.finditer(body) if m.group(1) == "bash"
                for c in command_lines(m.group(0))]
    prose = FENCE.sub(lambda m: " " * len(m.group(0)), body)
    for m in INLINE_COMMAND.finditer(prose):
        command = re.sub(r"\s+", " ", m.group(1)).split("xlner ", 1)[1].removesuffix(" ...")
        if command.split()[0] in COMMAND_NAMES:
            commands.append((m.start(), command))
    prose = re.sub(r"`[^`]*`", lambda m: " " * len(m.group(0)), prose)
    return [(m.start(), m.group(0)) for m in FIGURE.finditer(prose)], commands


def _command_names() -> set[str]:
    from xlner.cli.main import COMMANDS as names

    return set(names)


COMMAND_NAMES = _command_names()
README_SECTIONS = sections((ROOT / "README.md").read_text(encoding="utf-8"))


def test_the_figure_finder_finds_figures_and_commands() -> None:
    body = ("```bash\nxlner bench speed --repeats 5\n```\n\n| m | de |\n|---|---|\n"
            "| `ilp` | 35,216 |\n| `greedy` (`d=0.8`) | 0.920 |\n\nMasakhaNER 2.0: 0.5·align, "
            "13.4–32.9× faster, 50 s, `xlner bench align-batching` ok.\n")
    found, commands = figures_and_commands(body)
    assert [f for _, f in found] == ["35,216", "0.920", "32.9×", "50 s"]
    assert [c for _, c in commands] == ["bench speed --repeats 5", "bench align-batching"]
    (figure,), (command,) = figures_and_commands("F1 0.91, then `xlner bench speed`")
    assert figure[1] == "0.91" and figure[0] < command[0]  # a figure before its command
    assert sections("a\n# One\n```bash\n# not a heading\n```\n## Two\nb\n") == [
        ("", "a\n"), ("# One", "```bash\n# not a heading\n```\n"), ("## Two", "b\n")]


@pytest.mark.parametrize(("heading", "body"), [s for s in README_SECTIONS
                                               if figures_and_commands(s[1])[0]],
                         ids=[s[0] or "top" for s in README_SECTIONS
                              if figures_and_commands(s[1])[0]])
def test_every_readme_figure_follows_the_command_that_regenerates_it(heading: str,
                                                                     body: str) -> None:
    """In every section, each figure (table cell or prose) comes after a command printed in
    that section: a new row or figure under an existing command passes, a figure block moved
    away from its command (or a section of figures without one) fails. Each such command is
    accepted by the parser as written."""
    found, commands = figures_and_commands(body)
    first_command = min((at for at, _ in commands), default=len(body))
    orphans = [f for at, f in found if at < first_command]
    assert not orphans, (f"{heading}: figures {orphans[:5]} are not preceded by the command "
                         "that regenerates them (print it in the section, above them)")
    for _, command in commands:
        if " ... " in command or command.split()[1:2] == ["..."]:
            continue
        with contextlib.redirect_stderr(io.StringIO()) as err, \
                contextlib.redirect_stdout(io.StringIO()):
            try:
                _parser().parse_args(argv_of(command))
            except SystemExit as exc:
                raise AssertionError(f"{heading}: xlner {command}\n{err.getvalue()}") from exc


# -- every README command runs as written, on a slice of the real corpora ----------------------
NEEDS_MODELS = ("nllb(", "FacebookAI/", "device=cuda", "$MT", "$TAGGER", "--aligner awesome",
                "--aligner simalign")
"""Commands that need model weights from the hub or a GPU: not run offline (parsed above)."""
SMALLER = {"--synthetic": "20", "--repeats": "1"}
"""Options of heavy commands run with smaller values (the data is sliced too)."""
OUTPUT_OPTIONS = ("--out", "--json", "--model")
SLICE_SENTENCES, SLICE_LINES = 40, 20


def slice_data_dir(source: Path, dest: Path, sentences: int = SLICE_SENTENCES,
                   lines: int = SLICE_LINES) -> None:
    """A copy of the data directory with the first ``sentences`` sentences of every CoNLL
    file and the first ``lines`` lines of every bitext and FLORES file (still parallel)."""
    for path in sorted(source.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(source)
        out = dest / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        by_line = rel.parts[0] in ("bitext", "flores200")
        if not by_line and path.suffix not in (".conll", ".txt", ".tsv"):
            out.write_bytes(path.read_bytes())
            continue
        kept: list[str] = []
        blocks = 0
        with open(path, encoding="utf-8", newline="") as handle:
            for line in handle:
                if by_line and len(kept) == lines:
                    break
                kept.append(line)
                if not by_line and not line.strip() and kept[:-1] and kept[-2].strip():
                    blocks += 1
                    if blocks == sentences:
                        break
        out.write_text("".join(kept), encoding="utf-8", newline="")


def runnable(command: str, data: Path) -> tuple[list[str], str | None]:
    """The argv of a README command on the sliced ``data`` and its stdout redirect, if any."""
    command = command.replace("../shared/data", str(data))
    redirect = None
    if " > " in command:
        command, redirect = (part.strip() for part in command.split(" > ", 1))
    argv = argv_of(command)
    for k, arg in enumerate(argv[:-1]):
        if arg in SMALLER:
            argv[k + 1] = SMALLER[arg]
    return argv, redirect


def test_slice_data_dir_keeps_sentences_and_parallel_lines(tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "europarl-ner").mkdir(parents=True)
    (src / "bitext" / "en-de").mkdir(parents=True)
    (src / "europarl-ner" / "de.conll").write_text(
        "".join(f"w{k}\tO\nx\tB-PER\n\n" for k in range(5)), encoding="utf-8")
    (src / "bitext" / "en-de" / "a.de").write_text("".join(f"{k}\n" for k in range(9)),
                                                    encoding="utf-8")
    slice_data_dir(src, tmp_path / "dst", sentences=2, lines=3)
    assert (tmp_path / "dst" / "europarl-ner" / "de.conll").read_text(encoding="utf-8") == \
        "w0\tO\nx\tB-PER\n\nw1\tO\nx\tB-PER\n\n"
    assert (tmp_path / "dst" / "bitext" / "en-de" / "a.de").read_text() == "0\n1\n2\n"
    argv, redirect = runnable("align --src en.txt --data-dir ../shared/data > de.links",
                              tmp_path / "dst")
    assert argv == ["align", "--src", "en.txt", "--data-dir", str(tmp_path / "dst")]
    assert redirect == "de.links"
    assert runnable("bench speed --synthetic 1000 --repeats 5", tmp_path)[0] == [
        "bench", "speed", "--synthetic", "20", "--repeats", "1"]


@pytest.mark.slow
def test_every_readme_command_runs_as_written_on_a_slice(
        data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The README's command lines, in their order (later ones read what earlier ones wrote),
    against a slice of the staged corpora (the first 40 sentences of each corpus, 20 lines of
    each bitext file): each exits 0 and writes the outputs it names. The files the examples
    take as placeholders (``en.txt``, ``de.conll``...) are Europarl-NER's; commands that need
    hub models or a GPU are only parsed (above)."""
    from xlner.cli.main import main
    from xlner.corpora.conll import read_conll, write_conll

    data = tmp_path / "data"
    slice_data_dir(data_dir, data)
    work = tmp_path / "work"
    work.mkdir()
    for lang in ("en", "de"):
        corpus = read_conll(data / "europarl-ner" / f"{lang}.conll")
        write_conll(work / f"{lang}.conll", corpus)
        (work / f"{lang}.txt").write_text("".join(" ".join(s.words) + "\n" for s in corpus),
                                          encoding="utf-8")
    monkeypatch.chdir(work)
    monkeypatch.setenv("XLNER_DATA_DIR", str(data))
    ran: list[str] = []
    failures: list[str] = []
    for command in COMMANDS:
        if " ... " in command or command.split()[1:2] == ["..."] or any(
                marker in command for marker in NEEDS_MODELS):
            continue
        argv, redirect = runnable(command, data)
        rc = main(argv)
        out, err = capsys.readouterr()
        if redirect:
            (work / redirect).write_text(out, encoding="utf-8")
        missing = [argv[k + 1] for k, a in enumerate(argv[:-1])
                   if a in OUTPUT_OPTIONS and not (work / argv[k + 1]).exists()]
        if rc != 0 or missing:
            failures.append(f"xlner {command}\n  exit {rc}, missing {missing}\n  "
                            f"{err.strip()[-600:]}")
        ran.append(argv[0] if argv[0] != "bench" else f"bench {argv[1]}")
    assert not failures, "\n".join(failures)
    assert {"bench europarl", "bench masakhaner-nllb", "align", "project",
            "evaluate", "translate-train", "train", "translate-test", "show",
            "report"} <= set(ran)

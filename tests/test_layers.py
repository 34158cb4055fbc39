"""The layers hold: no module of xlner imports a layer above its own, and no two packages
import each other (read from the source with ``ast``; imports inside functions count).

Order, bottom to top (docs/architecture.md): the core modules at the top of ``xlner/``
(``data``, ``errors``, ``files``, ``protocols``, ``registry``, ``spec``, ``signature``, ...) <
``corpora`` < ``translate`` < ``align`` < ``project`` < ``tag`` < ``evaluate`` < ``pipelines`` <
``bench`` < ``cli`` < the public API (``xlner/__init__.py``, ``xlner/api.py``,
``xlner/__main__.py``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "xlner"
LAYERS = ["core", "corpora", "translate", "align", "project", "tag", "evaluate", "pipelines",
          "bench", "cli", "api"]
API_MODULES = {"xlner", "xlner.__main__", "xlner.api"}


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str, root: Path) -> str:
    """The layer of a module of the package (a dotted name under ``xlner``)."""
    if module in API_MODULES:
        return "api"
    parts = module.split(".")
    if (root / parts[1]).is_dir():
        return parts[1]
    return "core"


def imported_modules(path: Path, module: str, root: Path) -> Iterator[tuple[int, str]]:
    """``(line, module)`` of every xlner module ``path`` imports, wherever the import is."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # ``from xlner.x import y``: ``y`` may be a module of its own
            targets = [f"{target}.{a.name}" if is_module(f"{target}.{a.name}", root) else target
                       for a in node.names]
        else:
            continue
        for name in targets:
            if name == "xlner" or name.startswith("xlner."):
                yield node.lineno, name


def is_module(name: str, root: Path) -> bool:
    rel = Path(*name.split(".")[1:]) if "." in name else Path()
    return (root / rel).with_suffix(".py").is_file() or (root / rel / "__init__.py").is_file()


def upward_imports(root: Path) -> list[str]:
    problems = []
    for path in sorted(root.rglob("*.py")):
        module = module_name(path, root)
        here = layer_of(module, root)
        for line, target in imported_modules(path, module, root):
            there = layer_of(target, root)
            if LAYERS.index(there) > LAYERS.index(here):
                problems.append(f"{path.relative_to(root.parent)}:{line}: {module} ({here}) "
                                f"imports {target} ({there}), a higher layer")
    return problems


def package_cycles(root: Path) -> list[str]:
    """Packages (and top-level modules) that reach each other through imports."""
    graph: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        module = module_name(path, root)
        unit = ".".join(module.split(".")[:2])
        for _, target in imported_modules(path, module, root):
            other = ".".join(target.split(".")[:2])
            if other != unit:
                graph.setdefault(unit, set()).add(other)
    cycles = []
    for start in sorted(graph):
        for other in sorted(graph[start]):
            if other > start and start in reachable(graph, other):
                cycles.append(f"{start} <-> {other}")
    return cycles


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for nxt in graph.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_no_module_imports_a_higher_layer() -> None:
    assert upward_imports(PACKAGE) == []


def test_no_cycle_between_packages() -> None:
    assert package_cycles(PACKAGE) == []


def test_every_package_has_a_layer() -> None:
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert packages <= set(LAYERS), packages - set(LAYERS)


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    """A copy of the package layout with one lazy upward import and one cycle planted."""
    root = tmp_path / "xlner"
    for rel, text in {
        "__init__.py": "from xlner.data import Entity\n",
        "data.py": "",
        "align/__init__.py": "",
        "align/util.py": "def f():\n    from xlner.project.base import LINKS\n",
        "project/__init__.py": "",
        "project/base.py": "from xlner.align import util\n",
        "core_ok.py": "from . import data\n",
    }.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def test_the_checks_catch_a_planted_upward_import_and_cycle(planted: Path) -> None:
    assert upward_imports(planted) == [
        "xlner/align/util.py:2: xlner.align.util (align) imports xlner.project.base (project), "
        "a higher layer"]
    assert package_cycles(planted) == ["xlner.align <-> xlner.project"]


TESTS = Path(__file__).resolve().parent
CONCERNS = {
    # The CLI is tested by what the commands do, across command modules.
    "cli/test_cli", "cli/test_cli_translate", "cli/test_errors", "cli/test_fuzz",
    "cli/test_interrupt", "cli/test_kill_points", "cli/test_options",
    "cli/test_pipeline_commands",
    # The house itself: these layers, the README's commands and figures, the scripts/ tools.
    "test_layers", "test_readme", "test_scripts",
}


def unmirrored(tests: Path, package: Path) -> list[str]:
    """Test files ``tests/<dir>/test_<name>.py`` with no module ``xlner/<dir>/<name>.py`` (or
    package ``xlner/<dir>/<name>/``) to mirror, other than the named concerns."""
    out = []
    for path in sorted(tests.rglob("test_*.py")):
        rel = path.relative_to(tests).with_suffix("")
        target = package / rel.parent / rel.name.removeprefix("test_")
        if str(rel) not in CONCERNS and not (target.with_suffix(".py").is_file()
                                             or target.is_dir()):
            out.append(str(rel))
    return out


def test_test_files_mirror_modules(tmp_path: Path) -> None:
    assert unmirrored(TESTS, PACKAGE) == []
    planted = tmp_path / "tests" / "project"
    planted.mkdir(parents=True)
    (planted / "test_scores_misc.py").write_text("")
    assert unmirrored(tmp_path / "tests", PACKAGE) == ["project/test_scores_misc"]

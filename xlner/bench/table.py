"""Plain-text tables for the benchmarks' console output."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any


def format_rows(columns: Sequence[tuple[str, str, str]], rows: Iterable[Sequence[Any]],
                sep: str = " ") -> str:
    """A header and one line per row; each column is ``(title, title format, cell format)``
    in :func:`format` specs (e.g. ``("seconds", ">9", ">9.1f")``)."""
    lines = [sep.join(format(title, head) for title, head, _ in columns)]
    lines += [sep.join(format(value, cell) for value, (_, _, cell) in zip(row, columns,
                                                                             strict=True))
              for row in rows]
    return "\n".join(lines)

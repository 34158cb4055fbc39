"""Exception types. Every error about user input names where it came from."""

from __future__ import annotations

from pathlib import Path


class XlnerError(Exception):
    """Base class of the errors xlner raises on purpose."""


class InputError(XlnerError, ValueError):
    """Invalid input data, located by file (or other origin) and line when known."""

    def __init__(self, message: str, *, source: str | Path | None = None,
                 line: int | None = None) -> None:
        self.message = message
        self.source = None if source is None else str(source)
        self.line = line
        where = ""
        if self.source is not None:
            where = self.source if line is None else f"{self.source}:{line}"
            where += ": "
        elif line is not None:
            where = f"line {line}: "
        super().__init__(where + message)


class TagSequenceError(InputError):
    """A tag sequence that is invalid under its scheme (e.g. ``I-X`` after ``O`` in strict IOB2)."""


class CorpusNotFoundError(XlnerError, FileNotFoundError):
    """A named corpus that is neither in the data directory nor downloadable."""


class ConfigError(XlnerError, ValueError):
    """An unknown component name or an invalid parameter."""


class ProjectionError(XlnerError):
    """Projection of one sentence failed; carries the sentence index."""

    def __init__(self, message: str, *, index: int | None = None) -> None:
        self.index = index
        super().__init__(message if index is None else f"sentence {index}: {message}")

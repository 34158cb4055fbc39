"""The translator protocol: a batch of sentences, source and target language → translations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class Translator(Protocol):
    """Translates raw (untokenised) sentences; word splitting is a separate, explicit step."""

    name: str
    version: int

    def translate(self, sentences: Sequence[str], src_lang: str, tgt_lang: str) -> list[str]:
        """One translation per input sentence, in order."""
        ...

    def describe(self) -> dict[str, Any]: ...

"""Word splitting of translations: an explicit, named step recorded in signatures."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from xlner.corpora.text import get_tokenizer
from xlner.errors import InputError


def join_words(words: Sequence[str]) -> str:
    """The text handed to a translator for a word-split sentence: words joined by spaces."""
    return " ".join(words)


def split_translations(translations: Sequence[str], tokenizer: str = "xlner", *,
                       origin: Callable[[int], str | None] | None = None,
                       ) -> list[tuple[str, ...]]:
    """Split each translation into words with the named tokenizer (``xlner``, ``whitespace``).

    A translation with no words is an error naming its sentence index (and, when ``origin``
    is given, where it was read from).
    """
    split = get_tokenizer(tokenizer)
    out: list[tuple[str, ...]] = []
    for k, text in enumerate(translations):
        words = tuple(split(text))
        if not words:
            raise InputError(f"the translation of sentence {k} is empty",
                             source=origin(k) if origin is not None else None)
        out.append(words)
    return out

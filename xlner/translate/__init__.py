"""Translators: the :class:`Translator` protocol and backends."""

from __future__ import annotations

from typing import Any

from xlner.registry import translators
from xlner.translate.base import Translator
from xlner.translate.cached import CachedTranslator
from xlner.translate.split import join_words, split_translations


def create_translator(spec: Any, **overrides: Any) -> Translator:
    return translators.create(spec, **overrides)  # type: ignore[no-any-return]


__all__ = ["CachedTranslator", "Translator", "create_translator", "join_words",
           "split_translations"]

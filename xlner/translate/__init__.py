"""Translators: the :class:`Translator` protocol and backends."""

from __future__ import annotations

from typing import Any

from xlner.registry import translators
from xlner.translate.base import Translator

# Neural backends register by module path: importing xlner never imports torch.
for _name, _attr, _doc in [
    ("nllb", "hf:nllb", "NLLB-200 through transformers (default facebook/nllb-200-3.3B)"),
    ("m2m100", "hf:m2m100", "M2M100 through transformers (default facebook/m2m100_418M)"),
    ("marian", "hf:marian", "Marian/OPUS-MT through transformers, one model per pair"),
    ("hf", "hf:hf", "any NLLB/M2M100/Marian checkpoint (family detected), transformers"),
    ("ct2", "ct2:CT2Translator", "a CTranslate2 model directory (see xlner convert-ct2)"),
]:
    translators.register(_name, version=1, description=_doc,
                         factory=f"xlner.translate.{_attr}")


def create_translator(spec: Any, **overrides: Any) -> Translator:
    return translators.create(spec, **overrides)  # type: ignore[no-any-return]


__all__ = ["Translator", "create_translator"]

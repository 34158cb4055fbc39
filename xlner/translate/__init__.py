"""Translators: the :class:`Translator` protocol and backends."""

from __future__ import annotations

from typing import Any

from xlner.registry import translators
from xlner.translate.base import Translator
from xlner.translate.cached import CachedTranslator
from xlner.translate.split import join_words, split_translations

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
    return translators.create(spec, **overrides)


def translator_from(spec: Any, *, model: str | None = None, device: str | None = None,
                    max_tokens: int | None = None, beam_size: int | None = None) -> Any:
    """A translator object as given, or built from a spec with the settings that are not
    ``None`` (components that use a translator take these flat settings, since a spec cannot
    nest parentheses: ``nmt(translator=ct2,translator_model=/models/nllb-ct2,device=cuda)``)."""
    if not isinstance(spec, str):
        return spec
    overrides = {k: v for k, v in (("model", model), ("device", device),
                                   ("max_tokens", max_tokens), ("beam_size", beam_size))
                 if v is not None}
    return create_translator(spec, **overrides)


__all__ = ["CachedTranslator", "Translator", "create_translator", "join_words",
           "split_translations", "translator_from"]

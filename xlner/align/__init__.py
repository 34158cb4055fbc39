"""Word alignment: the :class:`Aligner` protocol, eflomal (embedded default), symmetrisation.

Neural aligners register by module path so that listing them does not import torch.
"""

from __future__ import annotations

from typing import Any

from xlner.align.base import Aligner, read_pharaoh, write_pharaoh
from xlner.align.eflomal import EflomalAligner
from xlner.align.symmetrize import symmetrize
from xlner.registry import aligners

aligners.register("simalign", version=1, factory="xlner.align.neural:SimAlignAligner",
                  description="SimAlign-style (argmax/itermax/match) over a Hugging Face "
                  "encoder (neural extra)")
aligners.register("awesome", version=1, factory="xlner.align.neural:AwesomeAligner",
                  description="AWESoME-style softmax alignment over a Hugging Face encoder "
                  "(neural extra)")
aligners.register("backtranslation", version=1,
                  factory="xlner.align.backtranslation:BackTranslationAligner",
                  description="links composed through a marker-preserving back-translation "
                  "and a same-language alignment (docs/method.md §2)")


def create_aligner(spec: Any, **overrides: Any) -> Aligner:
    """An aligner from a spec such as ``"eflomal(symmetrize=union)"``."""
    return aligners.create(spec, **overrides)


__all__ = ["Aligner", "EflomalAligner", "create_aligner", "read_pharaoh", "symmetrize",
           "write_pharaoh"]

from xlner._callable import make_callable  # noqa: E402

make_callable(__name__, "xlner.api:align")  # xlner.align(...): xlner.api.align

"""The tagger protocol: train on word-level labelled sentences, predict entities with per-word
label probabilities, save and load.

:class:`Tagger` and its output :class:`Tagged` are defined below every layer
(:mod:`xlner.protocols`, :mod:`xlner.data`) and re-exported here.
"""

from __future__ import annotations

from xlner.data import Tagged as Tagged
from xlner.protocols import Tagger as Tagger

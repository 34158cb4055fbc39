"""Cross-fold recall repair of projected training data.

Projected data misses names: the translation adds one the source does not have, a source
entity lands on part of a name only, or the alignment misses it. A tagger trained on such data
learns that these names are ``O``. :func:`repair_recall` splits the sentences into ``folds``
(a seeded shuffle), trains a tagger on all folds but one and tags the held-out fold, so that no
sentence is tagged by a model that saw its own labels; a predicted entity is added when

- it overlaps no entity the sentence already has (projected labels are never changed), and
- it overlaps no span in ``blocked`` (the words of projected spans of a class the target data
  drops, such as MISC: the source says what they are, and it is not a kept class), and
- every word of it looks like a name (:func:`~xlner.project.extend.name_like`: a capital
  inside the word, or an initial capital not at the start of the sentence), so that in cased
  scripts common words never become entities.

Every addition is counted in the report, per class. The final tagger is then trained on the
repaired data as on any other training set.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from xlner.data import Entity, Sentence, Span
from xlner.errors import ConfigError
from xlner.project.extend import name_like

REPAIR_DEFAULTS: dict[str, Any] = {"tagger": "crf(algorithm=ap,max_iterations=10)", "folds": 2,
                                   "seed": 0, "block_dropped": False}
"""Settings of :func:`repair_recall` in a pipeline; ``block_dropped`` passes the projected
spans of the classes the target data drops (MISC) as ``blocked``."""


@dataclass
class RepairReport:
    settings: dict[str, Any]
    added: Counter[str] = field(default_factory=Counter)
    agreed: int = 0
    """Predictions equal to an entity the sentence has."""
    rejected_overlap: int = 0
    rejected_blocked: int = 0
    """Predictions on the words of a blocked span (e.g. a projected MISC entity)."""
    rejected_not_name: int = 0
    sentences_changed: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"settings": self.settings, "added": dict(self.added), "agreed": self.agreed,
                "rejected_overlap": self.rejected_overlap,
                "rejected_blocked": self.rejected_blocked,
                "rejected_not_name": self.rejected_not_name,
                "sentences_changed": self.sentences_changed}

    def summary(self) -> str:
        return (f"recall repair: added {sum(self.added.values())} entities in "
                f"{self.sentences_changed} sentences; {self.agreed} predictions agreed with the "
                f"labels, rejected {self.rejected_overlap} overlapping them, "
                f"{self.rejected_blocked} on blocked spans and {self.rejected_not_name} not "
                "name-like")


def fold_assignment(n: int, folds: int, seed: int) -> list[list[int]]:
    """Indices ``0..n-1`` shuffled with ``seed`` and dealt into ``folds`` folds."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [sorted(order[f::folds]) for f in range(folds)]


def repair_recall(sentences: Sequence[Sentence], *, tagger: str = REPAIR_DEFAULTS["tagger"],
                  folds: int = REPAIR_DEFAULTS["folds"], seed: int = REPAIR_DEFAULTS["seed"],
                  blocked: Sequence[Sequence[Span]] | None = None
                  ) -> tuple[list[Sentence], RepairReport]:
    """Add held-out tagger predictions that overlap no label, no ``blocked`` span (one list per
    sentence) and look like names (see the module docstring). ``tagger`` is a tagger spec;
    its ``seed`` is set from ``seed``."""
    from xlner.pipelines.tagging import predict_entities
    from xlner.tag import create_tagger

    if folds < 2:
        raise ConfigError(f"recall repair needs at least 2 folds, not {folds}")
    if len(sentences) < folds:
        raise ConfigError(f"recall repair: {len(sentences)} sentences cannot make {folds} folds")
    if blocked is not None and len(blocked) != len(sentences):
        raise ConfigError(f"recall repair: {len(blocked)} lists of blocked spans for "
                          f"{len(sentences)} sentences")
    report = RepairReport({"tagger": tagger, "folds": folds, "seed": seed,
                           "blocked_spans": None if blocked is None
                           else sum(len(b) for b in blocked)})
    out = list(sentences)
    parts = fold_assignment(len(sentences), folds, seed)
    for f, held in enumerate(parts):
        held_set = set(held)
        model = create_tagger(tagger, seed=seed + f)
        model.train([s for k, s in enumerate(sentences) if k not in held_set])
        predicted = predict_entities(model, [sentences[k].words for k in held])
        for k, entities in zip(held, predicted, strict=True):
            sent = sentences[k]
            added = _additions(sent, entities, report,
                               () if blocked is None else blocked[k])
            if added:
                out[k] = Sentence(sent.words, tuple(sorted([*sent.entities, *added])),
                                  sent.origin)
                report.sentences_changed += 1
                report.added.update(e.label for e in added)
    return out, report


def _additions(sent: Sentence, predicted: Sequence[Entity], report: RepairReport,
               blocked: Sequence[Span]) -> list[Entity]:
    taken = bytearray(len(sent.words))
    for ent in sent.entities:
        taken[ent.start:ent.end] = b"\x01" * (ent.end - ent.start)
    off = bytearray(len(sent.words))
    for start, end in blocked:
        off[start:end] = b"\x01" * (end - start)
    added = []
    existing = set(sent.entities)
    for ent in predicted:
        if ent in existing:
            report.agreed += 1
        elif any(taken[ent.start:ent.end]):
            report.rejected_overlap += 1
        elif any(off[ent.start:ent.end]):
            report.rejected_blocked += 1
        elif not all(name_like(sent.words[j], j) for j in range(ent.start, ent.end)):
            report.rejected_not_name += 1
        else:
            added.append(ent)
            taken[ent.start:ent.end] = b"\x01" * (ent.end - ent.start)
    return added

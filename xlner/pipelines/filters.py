"""Quality filters for projected training data: which projected sentences to train on.

Each filter looks at one sentence's projection and gives a reason to drop it (or ``None``).
Filters run in the order given; a dropped sentence is counted under the first filter that
dropped it, so every sentence left out is accounted for in the report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from xlner.data import Sentence
from xlner.errors import ConfigError
from xlner.project.base import ERROR, ProjectionResult
from xlner.spec import parts, spec_error

FilterFn = Callable[[Sentence, ProjectionResult], bool]
"""``(source sentence, projection result) → True`` to drop the sentence."""


def _failed(src: Sentence, res: ProjectionResult) -> bool:
    return res.status == ERROR


def _incomplete(src: Sentence, res: ProjectionResult) -> bool:
    return bool(res.unprojected)


def _split(src: Sentence, res: ProjectionResult) -> bool:
    return len(res.sources) != len(set(res.sources))


def _count(src: Sentence, res: ProjectionResult) -> bool:
    return len(res.entities) != len(src.entities)


def _no_entities(src: Sentence, res: ProjectionResult) -> bool:
    return not res.entities


FILTERS: dict[str, tuple[FilterFn, str]] = {
    "no-failed": (_failed, "drop sentences whose projection failed (they would be all-O)"),
    "complete": (_incomplete, "drop sentences with a source entity that did not land"),
    "no-split": (_split, "drop sentences where one source entity landed as several spans"),
    "same-count": (_count, "drop sentences whose target entity count differs from the source"),
    "has-entities": (_no_entities, "drop sentences without any projected entity"),
}


WITHOUT = "without:"
"""``without:MISC`` drops sentences whose *source* has an entity of class MISC: a class the
target data leaves out would otherwise teach the tagger that its words are O."""


def _without(label: str) -> FilterFn:
    def drop(src: Sentence, res: ProjectionResult) -> bool:
        return _has_label(src, label)
    return drop


def _has_label(src: Sentence, label: str) -> bool:
    return any(e.label == label for e in src.entities)


PROSE = "prose"
PROSE_DEFAULT = 0.5
"""``prose`` (or ``prose:R``) keeps sentences in which at least a share ``R`` (default 0.5) of
the source words hold a lower-case letter (``visited``, ``Nairobi``; not ``NAIROBI``, ``2-1``,
``-``): running text, not the capitalised headlines, datelines and result tables of a newswire
corpus (``SOCCER - ENGLISH LEAGUE RESULTS``, ``BRUSSELS 1996-08-22``, ``Wimbledon 3 1 0 2``),
whose words in capitals and numbers teach a tagger patterns that running text in the target
language does not have. Decided on the source side, so that every label set of the same
translations keeps the same sentences."""


def _prose(ratio: float) -> FilterFn:
    def drop(src: Sentence, res: ProjectionResult) -> bool:
        return _not_prose(src, ratio)
    return drop


def _not_prose(src: Sentence, ratio: float) -> bool:
    lower = sum(any(ch.islower() for ch in w) for w in src.words)
    return lower < ratio * len(src.words)


def source_filter(name: str) -> Callable[[Sentence], bool]:
    """A filter that decides on the source sentence alone (``prose[:R]``, ``without:CLASS``),
    as ``source sentence → True to drop``: it applies to any label set of the same
    translations (a peer's, too)."""
    if name.startswith(WITHOUT) and name[len(WITHOUT):]:
        label = name[len(WITHOUT):]
        return lambda src: _has_label(src, label)
    ratio = prose_ratio(name)
    if ratio is not None:
        return lambda src: _not_prose(src, ratio)
    get_filter(name)  # an unknown name is an error of its own
    raise ConfigError(f"filter {name!r} needs a projection result; only {PROSE}[:R] and "
                      f"{WITHOUT}<CLASS> decide on the source sentence alone")


def prose_ratio(name: str) -> float | None:
    """The ratio of a ``prose[:R]`` filter name, ``None`` for other names."""
    if name == PROSE:
        return PROSE_DEFAULT
    if not name.startswith(PROSE + ":"):
        return None
    text = name[len(PROSE) + 1:]
    try:
        ratio = float(text)
    except ValueError:
        ratio = -1.0
    if not 0.0 < ratio <= 1.0:
        raise ConfigError(f"filter {name!r}: the share of lower-case words must be a number "
                          f"in (0, 1], not {text!r}")
    return ratio


def get_filter(name: str) -> tuple[FilterFn, str]:
    if name.startswith(WITHOUT) and name[len(WITHOUT):]:
        label = name[len(WITHOUT):]
        return _without(label), f"drop sentences whose source has a {label} entity"
    ratio = prose_ratio(name)
    if ratio is not None:
        return _prose(ratio), (f"drop sentences in which fewer than {ratio:g} of the source "
                               "words hold a lower-case letter (headlines, tables)")
    try:
        return FILTERS[name]
    except KeyError:
        valid = [*FILTERS, f"{PROSE}[:R]", f"{WITHOUT}<CLASS>", "none"]
        raise ConfigError(f"unknown training-data filter {name!r}; valid names: "
                          f"{', '.join(sorted(valid))}") from None


def parse_filters(spec: str | Sequence[str] | None) -> list[str]:
    """``"no-failed,complete"`` → names, validated; ``None``/``"none"``/``""`` → no filter. A
    list in the grammar of :mod:`xlner.spec`; an error names the position of the bad item."""
    if spec is None:
        return []
    text = spec if isinstance(spec, str) else ",".join(spec)
    names: list[str] = []
    for item in parts(text):
        if item.text.lower() == "none":
            continue
        if item.text in names:
            raise spec_error(text, item.position, f"filter {item.text!r} is given twice",
                             what="training-data filter")
        try:
            get_filter(item.text)
        except ConfigError as exc:
            raise spec_error(text, item.position, str(exc), what="training-data filter"
                             ) from None
        names.append(item.text)
    return names


@dataclass
class FilterReport:
    """Sentences and entities kept, and dropped per filter."""

    filters: list[str]
    sentences: int = 0
    kept_sentences: int = 0
    kept_entities: int = 0
    dropped_sentences: Counter[str] = field(default_factory=Counter)
    dropped_entities: Counter[str] = field(default_factory=Counter)
    """Target entities that were in the dropped sentences, per filter."""

    def to_dict(self) -> dict[str, Any]:
        return {"filters": {name: get_filter(name)[1] for name in self.filters},
                "sentences": self.sentences, "kept_sentences": self.kept_sentences,
                "kept_entities": self.kept_entities,
                "dropped_sentences": {n: self.dropped_sentences[n] for n in self.filters},
                "dropped_entities": {n: self.dropped_entities[n] for n in self.filters}}

    def summary(self) -> str:
        parts = [f"{n}: -{self.dropped_sentences[n]}" for n in self.filters]
        return (f"kept {self.kept_sentences}/{self.sentences} sentences, "
                f"{self.kept_entities} entities" + (f" ({', '.join(parts)})" if parts else ""))


def apply_filters(filters: Sequence[str], sources: Sequence[Sentence],
                  projected: Sequence[Sentence], results: Sequence[ProjectionResult],
                  ) -> tuple[list[Sentence], FilterReport]:
    """The projected sentences that pass every filter, and the report."""
    names = parse_filters(list(filters))
    fns = [(n, get_filter(n)[0]) for n in names]
    report = FilterReport(names, sentences=len(projected))
    kept: list[Sentence] = []
    for src, tgt, res in zip(sources, projected, results, strict=True):
        reason = next((n for n, fn in fns if fn(src, res)), None)
        if reason is None:
            kept.append(tgt)
            report.kept_entities += len(tgt.entities)
        else:
            report.dropped_sentences[reason] += 1
            report.dropped_entities[reason] += len(tgt.entities)
    report.kept_sentences = len(kept)
    return kept, report

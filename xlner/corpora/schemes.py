"""Tag schemes (IOB1, IOB2, BIOES; BILOU read as BIOES): tag sequences to entity spans and back.

Schemes live only at the file boundary. A scheme is data (its prefixes); :func:`decode`
reads tags into spans, validating them, and :func:`encode` writes spans as tags.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from xlner.data import Entity
from xlner.errors import ConfigError, TagSequenceError

OUTSIDE = "O"


class Scheme(Enum):
    IOB1 = "iob1"
    IOB2 = "iob2"
    BIOES = "bioes"

    @property
    def prefixes(self) -> frozenset[str]:
        return frozenset("BIES" if self is Scheme.BIOES else "BI")

    @classmethod
    def parse(cls, name: str | Scheme) -> Scheme:
        if isinstance(name, Scheme):
            return name
        key = name.strip().lower().replace("-", "")
        aliases = {"bio": "iob2", "iobes": "bioes", "bilou": "bioes"}
        key = aliases.get(key, key)
        try:
            return cls(key)
        except ValueError:
            raise ConfigError(f"unknown tag scheme {name!r}; choose iob1, iob2 or bioes") from None


_BILOU = {"L": "E", "U": "S"}
"""BILOU's last and unit prefixes, the same as BIOES's E and S."""


@dataclass(frozen=True, slots=True)
class Decoded:
    """Entities read from a tag sequence and how many invalid transitions were repaired."""

    entities: list[Entity]
    repairs: int


def split_tag(tag: str, scheme: Scheme, position: int) -> tuple[str, str]:
    """``"B-PER"`` → ``("B", "PER")``; ``"O"`` → ``("O", "")``."""
    if tag == OUTSIDE:
        return OUTSIDE, ""
    prefix, sep, label = tag.partition("-")
    if scheme is Scheme.BIOES and sep:
        prefix = _BILOU.get(prefix, prefix)
    if not sep or not label or prefix not in scheme.prefixes:
        raise TagSequenceError(
            f"tag {tag!r} is not valid in {scheme.name} (expected O or "
            f"{'/'.join(sorted(scheme.prefixes))}-<label>"
            f"{'; BILOU L-/U- are read as E-/S-' if scheme is Scheme.BIOES else ''})",
            line=position + 1)
    return prefix, label


def decode(tags: Sequence[str], scheme: Scheme | str = Scheme.IOB2, *,
           repair: bool = False, labels: frozenset[str] | None = None) -> Decoded:
    """Read entity spans from ``tags``.

    Invalid transitions (IOB2: ``I-X`` not after ``B-X``/``I-X``; BIOES: any break of
    ``B I* E | S``) raise :class:`TagSequenceError` whose ``line`` is the 1-based position in
    the sentence, unless ``repair`` is set: then the offending tag starts a new entity and the
    repair is counted. A ``B-`` tag always closes the open entity (adjacent entities stay two).
    ``labels``, when given, is the closed set of entity classes allowed.
    """
    scheme = Scheme.parse(scheme)
    if scheme is Scheme.IOB2 and labels is None:
        valid = _valid_iob2(tags)
        if valid is not None:
            return Decoded(valid, 0)
    entities: list[Entity] = []
    repairs = 0
    start = -1  # start of the open entity, -1 if none
    label = ""
    closed_only = False  # BIOES: the open entity already ended (E/S)

    def invalid(msg: str, position: int) -> None:
        nonlocal repairs
        if not repair:
            raise TagSequenceError(f"{msg} in {scheme.name}", line=position + 1)
        repairs += 1

    for i, tag in enumerate(tags):
        prefix, lab = split_tag(tag, scheme, i)
        if labels is not None and prefix != OUTSIDE and lab not in labels:
            raise TagSequenceError(
                f"label {lab!r} of tag {tag!r} is not one of {sorted(labels)}", line=i + 1)
        is_open = start >= 0 and not closed_only
        if prefix == OUTSIDE:
            if scheme is Scheme.BIOES and is_open:
                invalid(f"entity {label} opened by B- is not closed by E- before O", i)
            if start >= 0:
                entities.append(Entity(start, i, label))
            start, closed_only = -1, False
            continue
        continues = is_open and lab == label
        if scheme is Scheme.IOB2:
            if prefix == "I" and not continues:
                invalid(f"{tag} follows {'O' if start < 0 else 'B/I-' + label}", i)
                prefix = "B"
        elif scheme is Scheme.IOB1:
            if prefix == "I" and not continues:
                prefix = "B"  # in IOB1 an I- tag after O or another class starts an entity
        else:  # BIOES
            if prefix in "BS" and is_open:
                invalid(f"{tag} follows an entity {label} that was not closed by E-", i)
            elif prefix in "IE" and not continues:
                invalid(f"{tag} does not continue a B-{lab} entity", i)
                prefix = "B" if prefix == "I" else "S"
        if prefix in "BS" or not continues:
            if start >= 0:
                entities.append(Entity(start, i, label))
            start, label = i, lab
        closed_only = prefix in "ES"
    if start >= 0:
        if scheme is Scheme.BIOES and not closed_only:
            invalid(f"entity {label} opened by B- is not closed by E- at sentence end",
                    len(tags) - 1)
        entities.append(Entity(start, len(tags), label))
    return Decoded(entities, repairs)


def _valid_iob2(tags: Sequence[str]) -> list[Entity] | None:
    """The entities of a valid IOB2 sequence (the common case, read in one tight loop), or
    ``None`` at the first irregularity: :func:`decode`'s general loop then reports or repairs
    it."""
    entities: list[Entity] = []
    start = -1
    label = ""
    for i, tag in enumerate(tags):
        if tag == "O":
            if start >= 0:
                entities.append(Entity(start, i, label))
                start = -1
            continue
        head = tag[:2]
        if head == "B-" and len(tag) > 2:
            if start >= 0:
                entities.append(Entity(start, i, label))
            start, label = i, tag[2:]
        elif head != "I-" or start < 0 or tag[2:] != label:
            return None
    if start >= 0:
        entities.append(Entity(start, len(tags), label))
    return entities


def encode(entities: Sequence[Entity], n_words: int,
           scheme: Scheme | str = Scheme.IOB2) -> list[str]:
    """Write entity spans (sorted, disjoint, in bounds) as a tag sequence of ``n_words`` tags."""
    scheme = Scheme.parse(scheme)
    tags = [OUTSIDE] * n_words
    previous: Entity | None = None
    for ent in entities:
        if not (0 <= ent.start < ent.end <= n_words):
            raise ValueError(f"entity {ent} out of bounds for {n_words} words")
        if previous is not None and ent.start < previous.end:
            raise ValueError(f"entities {previous} and {ent} overlap or are out of order")
        length = ent.end - ent.start
        if scheme is Scheme.IOB2:
            tags[ent.start:ent.end] = [f"B-{ent.label}"] + [f"I-{ent.label}"] * (length - 1)
        elif scheme is Scheme.IOB1:
            adjacent = previous is not None and previous.end == ent.start \
                and previous.label == ent.label
            first = "B" if adjacent else "I"
            tags[ent.start:ent.end] = [f"{first}-{ent.label}"] + [f"I-{ent.label}"] * (length - 1)
        elif length == 1:
            tags[ent.start] = f"S-{ent.label}"
        else:
            tags[ent.start:ent.end] = ([f"B-{ent.label}"] + [f"I-{ent.label}"] * (length - 2)
                                       + [f"E-{ent.label}"])
        previous = ent
    return tags


def to_iob2(entities: Sequence[Entity], n_words: int) -> list[str]:
    return encode(entities, n_words, Scheme.IOB2)

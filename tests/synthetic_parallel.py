"""A small synthetic parallel NER corpus (English ↔ a toy Swahili-like target) for pipeline
tests, written in the layout of the real data directory.

Sentences come from templates; names are copied into the target (as real translations of names
mostly are), other words go through a small dictionary, and each template fixes where the
entities land, so the target gold is known exactly.
"""

from __future__ import annotations

import random
from pathlib import Path

from xlner.corpora.conll import write_conll
from xlner.corpora.schemes import to_iob2
from xlner.data import Entity, Sentence

PER = ["Anna Berg", "Tomas Keller", "Maria Lopez", "John Smith", "Peter Novak", "Amina Yusuf",
       "Kwame Mensah", "Laura Rossi", "Ivan Petrov", "Fatima Bello", "Chen Wei", "Omar Haddad"]
LOC = ["Berlin", "Nairobi", "Kano", "Paris", "Lagos", "Geneva", "Mombasa", "Cairo", "Accra",
       "Dakar", "Kigali", "Lusaka"]
ORG = ["Acme Corp", "Red Cross", "Globex", "Umbrella Group", "Initech", "Vandelay Industries"]
MISC = ["German", "Kenyan", "Olympic"]

# English template, target template; {X0}, {X1} are entity slots (X = P, L, O, M).
TEMPLATES = [
    ("{P0} visited {L0} on Monday .", "{P0} alitembelea {L0} siku ya Jumatatu ."),
    ("The {O0} opened an office in {L0} .", "{O0} ilifungua ofisi huko {L0} ."),
    ("{P0} works for {O0} in {L0} .", "{P0} anafanya kazi {O0} huko {L0} ."),
    ("Officials in {L0} said the talks were good .",
     "Maafisa huko {L0} walisema mazungumzo yalikuwa mazuri ."),
    ("{P0} met {P1} in {L0} yesterday .", "{P0} alikutana na {P1} huko {L0} jana ."),
    ("The {M0} team won the match .", "Timu ya {M0} ilishinda mechi ."),
    ("Prices rose sharply last week .", "Bei zilipanda sana wiki iliyopita ."),
    ("{O0} said profits fell .", "{O0} ilisema faida ilishuka ."),
]
CODES = {"P": ("PER", PER), "L": ("LOC", LOC), "O": ("ORG", ORG), "M": ("MISC", MISC)}


def _fill(template: str, values: dict[str, tuple[str, str]]) -> Sentence:
    words: list[str] = []
    entities: list[Entity] = []
    for token in template.split():
        if token.startswith("{") and token.endswith("}"):
            label, text = values[token[1:-1]]
            parts = text.split()
            entities.append(Entity(len(words), len(words) + len(parts), label))
            words.extend(parts)
        else:
            words.append(token)
    return Sentence(tuple(words), tuple(entities))


def make_pairs(n: int, seed: int = 0) -> tuple[list[Sentence], list[Sentence]]:
    """``n`` English sentences with gold entities and their toy translations with gold."""
    rng = random.Random(seed)
    src: list[Sentence] = []
    tgt: list[Sentence] = []
    for _ in range(n):
        en, xx = rng.choice(TEMPLATES)
        values: dict[str, tuple[str, str]] = {}
        for code, (label, pool) in CODES.items():
            picks = rng.sample(pool, 2)
            values[f"{code}0"] = (label, picks[0])
            values[f"{code}1"] = (label, picks[1])
        src.append(_fill(en, values))
        tgt.append(_fill(xx, values))
    return src, tgt


def without(sentences: list[Sentence], label: str) -> list[Sentence]:
    return [s.with_entities(e for e in s.entities if e.label != label) for s in sentences]


def with_dates(sentences: list[Sentence], word: str = "Jumatatu") -> list[Sentence]:
    """MasakhaNER has DATE: label every ``word`` as one."""
    return [s.with_entities([*s.entities, *(Entity(i, i + 1, "DATE")
                                             for i, w in enumerate(s.words) if w == word)])
            for s in sentences]


def write_space_conll(path: Path, sentences: list[Sentence]) -> None:
    """MasakhaNER style: ``word<SPACE>tag``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        for s in sentences:
            for word, tag in zip(s.words, to_iob2(s.entities, len(s.words)), strict=True):
                handle.write(f"{word} {tag}\n")
            handle.write("\n")


def write_data_dir(root: Path, lang: str = "swa", n: int = 240, seed: int = 0,
                   noisy_tprojection: bool = True) -> Path:
    """A data directory with ``nllb-conll2003``, ``masakhaner2`` and ``europarl-ner``-style
    files for ``lang`` (and ``en``)."""
    src, tgt = make_pairs(n, seed)
    nllb = root / "nllb-conll2003"
    nllb.mkdir(parents=True, exist_ok=True)
    write_conll(nllb / f"{lang}.en.conll", src)
    peer = without(tgt, "MISC")
    if noisy_tprojection:  # the peer misses every second person
        peer = [s.with_entities(e for k, e in enumerate(s.entities)
                                if not (e.label == "PER" and k % 2 == 0)) for s in peer]
    write_conll(nllb / f"{lang}.nllb.tprojection.conll", peer)
    _, test_tgt = make_pairs(80, seed + 2)
    _, gold_tgt = make_pairs(120, seed + 3)
    write_space_conll(root / "masakhaner2" / lang / "train.txt",
                      with_dates(without(gold_tgt, "MISC")))
    write_space_conll(root / "masakhaner2" / lang / "test.txt",
                      with_dates(without(test_tgt, "MISC")))
    _, dev_tgt = make_pairs(50, seed + 5)
    write_space_conll(root / "masakhaner2" / lang / "dev.txt",
                      with_dates(without(dev_tgt, "MISC")))
    eu_src, eu_tgt = make_pairs(60, seed + 4)
    write_conll(root / "europarl-ner" / "en.conll", eu_src)
    write_conll(root / "europarl-ner" / f"{lang}.conll", eu_tgt)
    return root

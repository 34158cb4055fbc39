"""A toy parallel language pair with entities, written in the shared-data layout."""

from __future__ import annotations

import random
from pathlib import Path

from xlner.corpora.conll import write_conll
from xlner.data import Entity, Sentence

NAMES = ["Anna", "Berlin", "Acme", "Rome", "Zed", "Olga", "Nile", "Ikea"]
LABELS = {"Anna": "PER", "Olga": "PER", "Zed": "PER", "Berlin": "LOC", "Rome": "LOC",
          "Nile": "LOC", "Acme": "ORG", "Ikea": "ORG"}


def toy_pair(n: int, seed: int = 0) -> tuple[list[Sentence], list[Sentence]]:
    """English-like and 'xx' sentences; names are copied, other words translated one to one,
    adjacent words sometimes swapped. Entities are the names (and 'Acme Corp' style pairs)."""
    rng = random.Random(seed)
    vocab = [f"w{k}" for k in range(40)]
    src, tgt = [], []
    for _ in range(n):
        words = rng.sample(vocab, rng.randint(3, 7))
        tokens: list[tuple[str, str | None]] = [(w, None) for w in words]
        for _ in range(rng.randint(0, 2)):
            name = rng.choice(NAMES)
            tokens.insert(rng.randint(0, len(tokens)), (name, LABELS[name]))
        order = list(range(len(tokens)))
        for k in range(0, len(order) - 1, 3):
            if rng.random() < 0.3 and tokens[order[k]][1] is None \
                    and tokens[order[k + 1]][1] is None:
                order[k], order[k + 1] = order[k + 1], order[k]
        s_words = tuple(t for t, _ in tokens)
        s_ents = tuple(Entity(i, i + 1, lab) for i, (_, lab) in enumerate(tokens) if lab)
        t_tokens = [tokens[i] for i in order]
        t_words = tuple(t if lab else "x" + t[1:] for t, lab in t_tokens)
        t_ents = tuple(Entity(j, j + 1, lab) for j, (_, lab) in enumerate(t_tokens) if lab)
        src.append(Sentence(s_words, s_ents))
        tgt.append(Sentence(t_words, t_ents))
    return src, tgt


def write_toy_data_dir(root: Path, lang: str = "xx", n: int = 60, bitext: int = 300) -> Path:
    src, tgt = toy_pair(n)
    write_conll(root / "europarl-ner" / "en.conll", src)
    write_conll(root / "europarl-ner" / f"{lang}.conll", tgt)
    bsrc, btgt = toy_pair(bitext, seed=1)
    d = root / "bitext" / f"en-{lang}"
    d.mkdir(parents=True, exist_ok=True)
    (d / "toy.en").write_text("".join(" ".join(s.words) + "\n" for s in bsrc), encoding="utf-8")
    (d / f"toy.{lang}").write_text("".join(" ".join(s.words) + "\n" for s in btgt),
                                   encoding="utf-8")
    return root

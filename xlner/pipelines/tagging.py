"""Training a tagger on a labelled corpus and tagging sentences with it (``xlner train``,
``xlner tag``)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from xlner.corpora.conll import write_conll
from xlner.corpora.corpus import Corpus
from xlner.data import Entity, Sentence
from xlner.errors import InputError
from xlner.files import atomic_folder, model_digest, write_json
from xlner.signature import make_signature, write_sidecar
from xlner.tag.base import META_FILE, Tagged, Tagger

SIGNATURE_FILE = "signature.json"
"""A saved model's signature, inside its directory (it travels with the model)."""


def train_tagger(train: Corpus, model_dir: str | Path | None, *, tagger: str = "crf",
                 dev: Corpus | None = None) -> Tagger:
    """Train a tagger (spec such as ``crf`` or ``crf(c1=0.1,max_iterations=100)``) on
    ``train`` and save it, with its signature, into ``model_dir`` (if given)."""
    from xlner.tag import create_tagger

    for k, sent in enumerate(train):
        if not sent.words:
            raise InputError(f"training sentence {k} is empty", source=sent.origin)
    model = create_tagger(tagger)
    t0 = time.perf_counter()
    model.train(train.sentences, None if dev is None else dev.sentences)
    seconds = time.perf_counter() - t0
    if model_dir is not None:
        signature = make_signature(
            "train", inputs={"train": train.describe(),
                             "dev": None if dev is None else dev.describe()},
            components={"tagger": model},
            params={"labels": model.labels, "seconds": round(seconds, 3)})
        # written aside and renamed: the directory is never a partial model
        with atomic_folder(model_dir, keep=(SIGNATURE_FILE, META_FILE)) as folder:
            model.save(folder)
            write_json(folder / SIGNATURE_FILE, signature)
    return model


PREDICT_BATCH = 1024
"""Sentences per ``predict`` call (an actor pool's batches are the same)."""


def predict_entities(tagger: Tagger, sentences: Sequence[Sequence[str]],
                     batch_size: int = PREDICT_BATCH,
                     run: Callable[[Sequence[Sequence[str]]], list[Tagged]] | None = None
                     ) -> list[list[Entity]]:
    """The tagger's entities of each sentence, sorted (batched); ``run`` predicts all of them
    in the tagger's place (an actor pool, :func:`xlner.pipelines.actors.pooled`, batching as
    here)."""
    if run is not None:
        return [sorted(t.entities) for t in run(sentences)]
    out: list[list[Entity]] = []
    for start in range(0, len(sentences), batch_size):
        out.extend(sorted(t.entities) for t in tagger.predict(sentences[start:start + batch_size]))
    return out


def tag_corpus(tagger: Tagger, sentences: Sequence[Sentence]) -> list[Sentence]:
    """The sentences with the tagger's entities (gold entities, if any, are replaced)."""
    entities = predict_entities(tagger, [s.words for s in sentences])
    return [Sentence(s.words, tuple(e), s.origin) for s, e in
            zip(sentences, entities, strict=True)]


def tag_file(model_dir: str | Path, corpus: Corpus, out: str | Path) -> Corpus:
    """Tag ``corpus`` with the saved tagger in ``model_dir``; write CoNLL and its signature."""
    from xlner.tag import load_tagger

    for k, sent in enumerate(corpus):
        if not sent.words:
            raise InputError(f"sentence {k} is empty", source=sent.origin)
    tagger = load_tagger(model_dir)
    tagged = Corpus(tag_corpus(tagger, corpus.sentences), name=f"{corpus.name} (tagged)")
    write_conll(out, tagged)
    model: dict[str, Any] = {"dir": str(model_dir), **model_digest(model_dir)}
    write_sidecar(out, make_signature("tag", inputs={"input": corpus.describe(),
                                                     "model": model},
                                      components={"tagger": tagger}))
    return tagged

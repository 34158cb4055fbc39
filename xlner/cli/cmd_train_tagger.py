"""``xlner train-tagger``: train any registered tagger on labelled sentences and save it."""

from __future__ import annotations

import argparse
from pathlib import Path

from xlner.cli.common import add_corpus_options, add_data_options, eprint, load_input
from xlner.signature import make_signature, write_sidecar
from xlner.tag import META_FILE, create_tagger


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("train-tagger", help="train a tagger (e.g. fine-tune a Hugging Face "
                       "encoder) and save it as a directory")
    p.add_argument("--tagger", required=True,
                   help="tagger spec, e.g. 'hf(model=xlm-roberta-large,epochs=3,lr=2e-5)'")
    p.add_argument("--train", required=True, help="training corpus name or CoNLL file")
    p.add_argument("--dev", default=None, help="dev corpus (the best epoch is kept)")
    p.add_argument("--out", required=True, help="directory to save the tagger in")
    add_corpus_options(p)
    add_data_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    train = load_input(args.train, args, labelled=True)
    dev = load_input(args.dev, args, labelled=True) if args.dev else None
    tagger = create_tagger(args.tagger)
    tagger.train(train.sentences, dev.sentences if dev is not None else None)
    tagger.save(args.out)
    write_sidecar(Path(args.out) / META_FILE, make_signature(
        "train-tagger", inputs={"train": train.describe(),
                                "dev": None if dev is None else dev.describe()},
        components={"tagger": tagger}, params={"label_map": args.label_map}))
    eprint(f"saved {tagger.name} tagger to {args.out}")
    return 0

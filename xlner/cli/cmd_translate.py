"""``xlner translate``: translate a corpus with a named translator, resumably."""

from __future__ import annotations

import argparse

from xlner.cli import common
from xlner.signature import make_signature


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("translate", help="translate a corpus (text, CoNLL or named corpus) "
                       "into a text or .jsonl file")
    p.add_argument("--input", required=True,
                   help="named corpus (masakhaner2:hau:test), CoNLL file or text file")
    p.add_argument("--out", required=True, help="output: .jsonl (index, source, translation) "
                   "or text (one translation a line)")
    p.add_argument("--translator", default="nllb",
                   help="translator spec, e.g. nllb, 'nllb(beam_size=4,device=cuda)', "
                   "'ct2(model=DIR)' (default nllb = facebook/nllb-200-3.3B)")
    common.add_param_option(p, "translator", alias=True)
    p.add_argument("--src-lang", required=True, help="source language code (hau, de, ...)")
    p.add_argument("--tgt-lang", default="en", help="target language code (default en)")
    p.add_argument("--chunk-size", type=int, default=1024,
                   help="sentences per translator call between progress saves")
    p.add_argument("--no-resume", action="store_true",
                   help="start again even if a partial translation exists")
    common.add_text_options(p)
    common.add_input_options(p, run, corpus=False)


def run(args: argparse.Namespace) -> int:
    from xlner.translate import create_translator
    from xlner.translate.run import translate_to_file

    # the labels of a CoNLL input are not used here, so they are not read (nor validated)
    corpus = common.load_input(args.input, args, labelled=False, role="input")
    params = common.merge_params(args.translator_param)
    translator = create_translator(args.translator, **params)
    sentences = [" ".join(s.words) for s in corpus]
    signature = make_signature(
        "translate", inputs={"input": corpus.describe()}, components={"translator": translator},
        params={"src_lang": args.src_lang, "tgt_lang": args.tgt_lang})
    translate_to_file(translator, sentences, args.out, args.src_lang, args.tgt_lang,
                      chunk_size=args.chunk_size, resume=not args.no_resume,
                      signature=signature)
    common.eprint(f"wrote {len(sentences)} translations to {args.out}")
    return 0

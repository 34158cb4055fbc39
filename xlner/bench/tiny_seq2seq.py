"""Tiny random-weight translation models built locally (no hub access).

Used by the tests and by ``xlner bench translate-batching``: a subword tokenizer is trained
on the fly on synthetic text (BPE with the ``tokenizers`` library for NLLB, sentencepiece for
M2M100 and Marian), a small config (``d_model`` 32, one encoder and one decoder layer) gets
random weights (a large ``init_std`` so that outputs depend on the input), and both are saved
with ``save_pretrained``. Every backend then loads the directory through its real code path.
"""

from __future__ import annotations

import json
import random
import string
import tempfile
from pathlib import Path
from typing import Any

from xlner.errors import ConfigError
from xlner.translate.seq2seq import FAMILIES, require_neural

_SYLLABLES = ["ka", "lo", "mi", "ta", "ne", "ri", "su", "ba", "do", "fe", "gu", "ha", "jo", "ku",
              "li", "mo", "nu", "pa", "ro", "sa", "te", "vu", "wa", "yo", "zu"]
NAMES = ["Berlin", "Angela", "Merkel", "Paris", "Europe", "Kano", "Lagos", "Amina", "Bello",
         "Nairobi", "Kenya", "Ghana", "Accra", "Obama"]
_ALPHABET = string.ascii_letters + string.digits + ".,;:!?'\"()[]-"


def tiny_words(n: int = 300, seed: int = 0) -> list[str]:
    """Pseudo-words of a made-up language."""
    rng = random.Random(seed)
    words: set[str] = set()
    while len(words) < n:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 3))))
    return sorted(words)


def tiny_sentences(n: int, seed: int = 0, min_words: int = 3, max_words: int = 14) -> list[str]:
    """``n`` synthetic sentences of pseudo-words, names and punctuation (varied lengths)."""
    rng = random.Random(seed)
    vocab = tiny_words(seed=0) + NAMES
    out = []
    for _ in range(n):
        words = [rng.choice(vocab) for _ in range(rng.randint(min_words, max_words))]
        out.append(" ".join(words) + rng.choice(["", " .", " ?", " !"]))
    return out


def _training_text(seed: int) -> list[str]:
    return [*tiny_sentences(400, seed=seed), " ".join(_ALPHABET), "[ Angela Merkel ] ( Kano ) ."]


def _nllb_tokenizer(lines: list[str], vocab_size: int) -> Any:
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import NllbTokenizer

    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, show_progress=False,
                                  special_tokens=["<s>", "<pad>", "</s>", "<unk>"],
                                  initial_alphabet=[*_ALPHABET, "▁"])
    tok.train_from_iterator(lines, trainer)
    spec = json.loads(tok.to_str())["model"]
    merges: Any = [tuple(m) if isinstance(m, list) else tuple(m.split(" "))
                   for m in spec["merges"]]
    return NllbTokenizer(vocab=spec["vocab"], merges=merges)


def _spm_files(lines: list[str], vocab_size: int, folder: Path,
               marian: bool = False) -> tuple[Path, Path]:
    """A sentencepiece model and its ``vocab.json``; Marian-style (``</s>`` 0, ``<unk>`` 1,
    ``<pad>`` last, as in the OPUS-MT conversions) or fairseq-style (``<s> <pad> </s> <unk>``)."""
    import io

    import sentencepiece as spm

    ids: dict[str, Any] = ({"eos_id": 0, "unk_id": 1, "bos_id": -1, "pad_id": -1} if marian
           else {"bos_id": 0, "pad_id": 1, "eos_id": 2, "unk_id": 3})
    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=buffer, vocab_size=vocab_size,
        model_type="bpe", character_coverage=1.0, hard_vocab_limit=False, minloglevel=2,
        num_threads=1, **ids)
    model_path = folder / "spm.model"
    model_path.write_bytes(buffer.getvalue())
    proc = spm.SentencePieceProcessor(model_file=str(model_path))
    vocab = {proc.id_to_piece(i): i for i in range(proc.get_piece_size())}
    if marian:
        vocab["<pad>"] = len(vocab)
    vocab_path = folder / "vocab.json"
    vocab_path.write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    return model_path, vocab_path


def _vocab_size(tokenizer: Any) -> int:
    ids = [len(tokenizer) - 1, *tokenizer.get_vocab().values(), *tokenizer.all_special_ids,
           *getattr(tokenizer, "lang_token_to_id", {}).values()]
    return int(max(ids)) + 1 + int(getattr(tokenizer, "num_madeup_words", 0))


def build_tiny_seq2seq(path: str | Path, family: str = "nllb", *, seed: int = 0,
                       vocab_size: int = 300, d_model: int = 32, layers: int = 1,
                       heads: int = 2, ffn: int = 64, max_positions: int = 128,
                       init_std: float = 0.5) -> Path:
    """Save a random-weight ``family`` model (``nllb``, ``m2m100``, ``marian``) with a freshly
    trained tokenizer to ``path``; ``max_positions`` is its input limit in tokens."""
    if family not in FAMILIES:
        raise ConfigError(f"tiny model family must be one of {', '.join(FAMILIES)}")
    require_neural()
    import torch
    from transformers import (
        M2M100Config,
        M2M100ForConditionalGeneration,
        M2M100Tokenizer,
        MarianConfig,
        MarianMTModel,
        MarianTokenizer,
    )

    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    lines = _training_text(seed)
    tokenizer: Any
    with tempfile.TemporaryDirectory(prefix="xlner-tiny-") as tmp:
        if family == "nllb":
            tokenizer = _nllb_tokenizer(lines, vocab_size)
        else:
            spm_path, vocab_path = _spm_files(lines, vocab_size, Path(tmp),
                                              marian=family == "marian")
            if family == "m2m100":
                tokenizer = M2M100Tokenizer(vocab_file=str(vocab_path), spm_file=str(spm_path))
            else:
                tokenizer = MarianTokenizer(source_spm=str(spm_path), target_spm=str(spm_path),
                                            vocab=str(vocab_path))
        tokenizer.model_max_length = max_positions
        tokenizer.save_pretrained(str(path))
    common: dict[str, Any] = {
        "vocab_size": _vocab_size(tokenizer), "d_model": d_model, "encoder_layers": layers,
        "decoder_layers": layers, "encoder_attention_heads": heads,
        "decoder_attention_heads": heads, "encoder_ffn_dim": ffn, "decoder_ffn_dim": ffn,
        "max_position_embeddings": max_positions, "init_std": init_std,
        "pad_token_id": tokenizer.pad_token_id, "eos_token_id": tokenizer.eos_token_id,
        "dropout": 0.0, "attention_dropout": 0.0, "activation_dropout": 0.0,
    }
    torch.manual_seed(seed)
    model: Any
    config: Any
    if family == "marian":
        config = MarianConfig(decoder_start_token_id=tokenizer.pad_token_id,
                              forced_eos_token_id=tokenizer.eos_token_id, **common)
        model = MarianMTModel(config)
    else:
        config = M2M100Config(bos_token_id=0, decoder_start_token_id=tokenizer.eos_token_id,
                              **common)
        model = M2M100ForConditionalGeneration(config)
    model.eval()
    model.save_pretrained(str(path))
    return path



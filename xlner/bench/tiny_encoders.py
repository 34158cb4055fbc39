"""Tiny random-weight Hugging Face encoders built locally (no hub access).

Used by the tests and by ``xlner bench batching``: a tokenizer is trained on the fly on the
given text (WordPiece for a BERT-style model, Unigram with a sentencepiece-like pre-tokenizer for
an XLM-R-style model) and a small config (hidden 32, 2 layers, 2 heads by default) is saved with
random weights. The result is a directory that every neural component loads through the real
``from_pretrained`` code path.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from xlner.errors import ConfigError
from xlner.subwords import require_torch

KINDS = ("bert", "xlmr")
BERT_SPECIALS = {"pad_token": "[PAD]", "unk_token": "[UNK]", "cls_token": "[CLS]",
                 "sep_token": "[SEP]", "mask_token": "[MASK]"}
XLMR_SPECIALS = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>",
                 "pad_token": "<pad>", "cls_token": "<s>", "sep_token": "</s>",
                 "mask_token": "<mask>"}


def build_tiny_encoder(path: str | Path, texts: Iterable[str], *, kind: str = "bert",
                       vocab_size: int = 300, hidden: int = 32, layers: int = 2, heads: int = 2,
                       max_positions: int = 64, seed: int = 0,
                       labels: Sequence[str] | None = None) -> Path:
    """Train a tokenizer on ``texts`` and save a random-weight encoder to ``path``.

    ``max_positions`` is the model's input limit in subwords (special tokens included).
    With ``labels`` the model is saved as a token classifier with those labels.
    """
    if kind not in KINDS:
        raise ConfigError(f"tiny model kind must be one of {', '.join(KINDS)}, not {kind!r}")
    torch, transformers = require_torch()
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers
    from tokenizers import trainers as tok_trainers

    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    lines = list(texts)
    if kind == "bert":
        tok, fast = _train_tokenizer(
            lines, Tokenizer(models.WordPiece(unk_token="[UNK]")),
            normalizers.BertNormalizer(lowercase=False), pre_tokenizers.BertPreTokenizer(),
            decoders.WordPiece(), tok_trainers.WordPieceTrainer(
                vocab_size=vocab_size, special_tokens=list(BERT_SPECIALS.values()),
                show_progress=False),
            BERT_SPECIALS, "[CLS] $A [SEP] $B [SEP]", max_positions)
        config = transformers.BertConfig(
            vocab_size=tok.get_vocab_size(), hidden_size=hidden, num_hidden_layers=layers,
            num_attention_heads=heads, intermediate_size=2 * hidden,
            max_position_embeddings=max_positions, pad_token_id=tok.token_to_id("[PAD]"))
    else:
        tok, fast = _train_tokenizer(
            lines, Tokenizer(models.Unigram()), normalizers.NFKC(), pre_tokenizers.Metaspace(),
            decoders.Metaspace(), tok_trainers.UnigramTrainer(
                vocab_size=vocab_size, special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"],
                unk_token="<unk>", show_progress=False),
            XLMR_SPECIALS, "<s> $A </s> </s> $B </s>", max_positions)
        bos, eos = tok.token_to_id("<s>"), tok.token_to_id("</s>")
        pad_id = tok.token_to_id("<pad>")
        assert pad_id is not None
        pad = int(pad_id)
        config = transformers.XLMRobertaConfig(
            vocab_size=tok.get_vocab_size(), hidden_size=hidden, num_hidden_layers=layers,
            num_attention_heads=heads, intermediate_size=2 * hidden,
            max_position_embeddings=max_positions + pad + 1, pad_token_id=pad,
            bos_token_id=bos, eos_token_id=eos)
    torch.manual_seed(seed)
    if labels is not None:
        config.num_labels = len(labels)
        config.id2label = dict(enumerate(labels))
        config.label2id = {label: i for i, label in enumerate(labels)}
        model = transformers.AutoModelForTokenClassification.from_config(config)
    else:
        model = transformers.AutoModel.from_config(config)
    model.save_pretrained(path)
    fast.save_pretrained(path)
    return path


def _train_tokenizer(lines: list[str], tok: Any, normalizer: Any, pre_tokenizer: Any,
                     decoder: Any, trainer: Any, specials: dict[str, str], pair: str,
                     max_positions: int) -> tuple[Any, Any]:
    """Train ``tok`` on ``lines``, wrap every input in its first and last special tokens
    (``cls_token``/``sep_token``; ``pair`` is the template of two inputs) and give it with its
    transformers fast tokenizer (special tokens ``specials``)."""
    from tokenizers import processors

    _, transformers = require_torch()
    tok.normalizer, tok.pre_tokenizer, tok.decoder = normalizer, pre_tokenizer, decoder
    tok.train_from_iterator(lines, trainer)
    first, last = specials["cls_token"], specials["sep_token"]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{first} $A {last}", pair=pair,
        special_tokens=[(first, tok.token_to_id(first)), (last, tok.token_to_id(last))])
    fast = transformers.PreTrainedTokenizerFast(tokenizer_object=tok,
                                                model_max_length=max_positions, **specials)
    return tok, fast


def synthetic_words(n: int = 400, seed: int = 0) -> list[str]:
    """Pronounceable pseudo-words (lower case), deterministic for a seed."""
    import random

    rng = random.Random(seed)
    onsets = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "ch", "tr"]
    vowels = ["a", "e", "i", "o", "u", "ai", "ou"]
    out: set[str] = set()
    while len(out) < n:
        out.add("".join(rng.choice(onsets) + rng.choice(vowels)
                        for _ in range(rng.randint(1, 3))))
    return sorted(out)


def synthetic_sentences(n: int, *, min_len: int = 4, max_len: int = 25, seed: int = 0,
                        vocabulary: Sequence[str] | None = None) -> list[list[str]]:
    """``n`` sentences of random vocabulary words (some capitalised), lengths uniform."""
    import random

    rng = random.Random(seed)
    vocab = list(vocabulary) if vocabulary is not None else synthetic_words(seed=seed)
    out = []
    for _ in range(n):
        words = [rng.choice(vocab) for _ in range(rng.randint(min_len, max_len))]
        out.append([w.capitalize() if rng.random() < 0.15 else w for w in words])
    return out

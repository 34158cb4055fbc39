"""A tiny random-weight CLIP built locally (no hub access), and synthetic images.

Used by the tests and by ``xlner bench visual-batching`` / ``xlner bench image-text``: a
WordPiece tokenizer is built on the fly from the given text (deterministically), and a CLIP with
small text and vision towers (hidden 32, 2 layers, 2 heads, 32x32 images in 8x8 patches) is
saved with random weights beside the tokenizer and an image processor, so the visual scorer
loads it through the real ``from_pretrained`` code path. Images are drawn with Pillow.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from xlner.corpora.images import require_pillow
from xlner.subwords import require_torch

COLOURS = ("red", "green", "blue", "yellow", "purple", "orange", "white", "black")
_RGB = {"red": (220, 30, 30), "green": (30, 180, 60), "blue": (30, 60, 220),
        "yellow": (240, 220, 40), "purple": (140, 40, 170), "orange": (250, 140, 20),
        "white": (250, 250, 250), "black": (10, 10, 10)}


def _vocabulary(texts: Iterable[str], size: int, specials: list[str]) -> dict[str, int]:
    """A deterministic WordPiece vocabulary: specials, every character (word-initial and
    ``##`` continuation), then the most frequent words (ties alphabetical) up to ``size``."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(re.findall(r"\w+|[^\w\s]", text.lower()))
    chars = sorted({ch for word in counts for ch in word})
    tokens = specials + chars + [f"##{ch}" for ch in chars]
    seen = set(tokens)
    for word, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if len(tokens) >= size:
            break
        if word not in seen:
            tokens.append(word)
            seen.add(word)
    return {token: k for k, token in enumerate(tokens)}


def build_tiny_clip(path: str | Path, texts: Iterable[str], *, vocab_size: int = 300,
                    hidden: int = 32, layers: int = 2, heads: int = 2, projection: int = 16,
                    image_size: int = 32, patch_size: int = 8, max_positions: int = 32,
                    seed: int = 0) -> Path:
    """Build a WordPiece tokenizer from ``texts`` (deterministic) and save a random-weight
    ``CLIPModel`` to ``path``."""
    torch, transformers = require_torch()
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]
    tok = Tokenizer(models.WordPiece(_vocabulary(texts, vocab_size, specials),
                                     unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece()
    cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)])
    fast = transformers.PreTrainedTokenizerFast(
        tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
        sep_token="[SEP]", eos_token="[SEP]", model_max_length=max_positions)
    text_config = transformers.CLIPTextConfig(
        vocab_size=tok.get_vocab_size(), hidden_size=hidden, intermediate_size=2 * hidden,
        num_hidden_layers=layers, num_attention_heads=heads,
        max_position_embeddings=max_positions, pad_token_id=tok.token_to_id("[PAD]"),
        bos_token_id=cls_id, eos_token_id=sep_id)
    vision_config = transformers.CLIPVisionConfig(
        hidden_size=hidden, intermediate_size=2 * hidden, num_hidden_layers=layers,
        num_attention_heads=heads, image_size=image_size, patch_size=patch_size)
    config = transformers.CLIPConfig(text_config=text_config.to_dict(),
                                     vision_config=vision_config.to_dict(),
                                     projection_dim=projection)
    torch.manual_seed(seed)
    model = transformers.CLIPModel(config)
    model.save_pretrained(path)
    fast.save_pretrained(path)
    processor = transformers.CLIPImageProcessor(
        size={"shortest_edge": image_size}, crop_size={"height": image_size, "width": image_size})
    processor.save_pretrained(path)
    return path


def draw_image(path: str | Path, colours: Iterable[str], *, size: int = 48, seed: int = 0
               ) -> Path:
    """A PNG with one filled shape per colour name on a grey background."""
    image_mod = require_pillow()
    from PIL import ImageDraw

    rng = random.Random(seed)
    image = image_mod.new("RGB", (size, size), (128, 128, 128))
    draw = ImageDraw.Draw(image)
    for colour in colours:
        x, y = rng.randrange(0, size - 12), rng.randrange(0, size - 12)
        w, h = rng.randrange(8, 20), rng.randrange(8, 20)
        box = (x, y, min(size - 1, x + w), min(size - 1, y + h))
        if rng.random() < 0.5:
            draw.rectangle(box, fill=_RGB.get(colour, (0, 0, 0)))
        else:
            draw.ellipse(box, fill=_RGB.get(colour, (0, 0, 0)))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
    return path

"""Word segmentation for scripts written without spaces: Chinese, Japanese, Thai.

A segmenting tokenizer is the xlner tokenizer (:mod:`xlner.corpora.tokenize`) whose tokens
holding characters of the segmenter's script are cut further by a light dictionary segmenter:
``jieba`` (Chinese: Han), ``tinysegmenter`` (Japanese: Han and Kana), ``newmm`` (Thai; the
maximal-matching tokenizer of PyThaiNLP, standalone). Other tokens (Latin words, numbers,
punctuation) are split as the xlner tokenizer splits them, so English text passes unchanged.
No character is lost: a segmenter output that does not concatenate back to its input leaves
the token whole. The segmenters are in the ``segment`` extra (``pip install 'xlner[segment]'``)
and imported on first use.

Tokenizer names: the segmenter (``jieba``, ``tinysegmenter``, ``newmm``) or a language code
(``zh``, ``zho``, ``cmn``, ``ja``, ``jpn``, ``th``, ``tha``, also NLLB codes such as
``zho_Hans``): :func:`segmenter_for` picks by language.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable

from xlner.corpora.tokenize import tokenize
from xlner.errors import ConfigError

Segment = Callable[[str], list[str]]

SEGMENTER_BY_LANGUAGE = {"zh": "jieba", "zho": "jieba", "cmn": "jieba", "yue": "jieba",
                         "ja": "tinysegmenter", "jpn": "tinysegmenter",
                         "th": "newmm", "tha": "newmm"}
SEGMENTERS = ("jieba", "tinysegmenter", "newmm")


def segmenter_for(lang: str) -> str | None:
    """The segmenter of a language code (``zh``, ``jpn``, ``tha_Thai``...), or ``None`` for a
    language written with spaces."""
    base = lang.split("_")[0].split("-")[0].lower()
    return SEGMENTER_BY_LANGUAGE.get(base)


def _script_of(ch: str) -> str:
    name = unicodedata.name(ch, "")
    if name.startswith(("CJK UNIFIED", "CJK COMPATIBILITY IDEOGRAPH")):
        return "han"
    if name.startswith(("HIRAGANA", "KATAKANA")) or ch == "ー":
        return "kana"
    if name.startswith("THAI"):
        return "thai"
    return ""


_SCRIPTS = {"jieba": {"han"}, "tinysegmenter": {"han", "kana"}, "newmm": {"thai"}}


def _missing(name: str, package: str) -> ConfigError:
    return ConfigError(f"the {name} word segmenter is not installed: pip install {package} "
                       "(or the extra: pip install 'xlner[segment]')")


@functools.cache
def _backend(name: str) -> Segment:
    if name == "jieba":
        try:
            import jieba
        except ImportError:
            raise _missing(name, "jieba") from None
        import logging

        jieba.setLogLevel(logging.WARNING)
        tok = jieba.Tokenizer()
        return lambda text: list(tok.lcut(text, HMM=True))
    if name == "tinysegmenter":
        try:
            import tinysegmenter
        except ImportError:
            raise _missing(name, "tinysegmenter") from None
        seg = tinysegmenter.TinySegmenter()
        return lambda text: list(seg.tokenize(text))
    if name == "newmm":
        try:
            from newmm_tokenizer.tokenizer import word_tokenize
        except ImportError:
            raise _missing(name, "newmm-tokenizer") from None
        return lambda text: list(word_tokenize(text))
    raise ConfigError(f"unknown word segmenter {name!r}; choose {', '.join(SEGMENTERS)}")


def segmenting_tokenizer(name: str) -> Callable[[str], list[str]]:
    """A tokenizer: xlner tokens, those of the segmenter's script cut by ``name``."""
    if name not in _SCRIPTS:
        raise ConfigError(f"unknown word segmenter {name!r}; choose {', '.join(SEGMENTERS)}")
    scripts = _SCRIPTS[name]

    @functools.lru_cache(maxsize=200_000)
    def cut(token: str) -> tuple[str, ...]:
        pieces = [p for p in _backend(name)(token) if p and not p.isspace()]
        return tuple(pieces) if "".join(pieces) == token else (token,)

    def split(text: str) -> list[str]:
        out: list[str] = []
        for token in tokenize(text):
            if any(_script_of(ch) in scripts for ch in token):
                out.extend(cut(token))
            else:
                out.append(token)
        return out

    split.__name__ = f"segment_{name}"
    return split


def resolve_segmenter_name(name: str) -> str | None:
    """The segmenter a tokenizer name stands for (itself or a language's), else ``None``."""
    if name in SEGMENTERS:
        return name
    return segmenter_for(name) if "_" in name or len(name) <= 3 else None

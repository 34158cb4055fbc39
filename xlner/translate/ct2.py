"""CTranslate2 translators and the conversion of a transformers checkpoint.

:func:`convert_to_ct2` (CLI: ``xlner convert-ct2``) turns an NLLB, M2M100 or Marian checkpoint
(hub name or directory) into a CTranslate2 model directory that also holds the tokenizer and a
small ``xlner-ct2.json`` (family, input limit, source model). The ``ct2`` translator loads such a
directory: ``ct2(model=/models/nllb-3.3b-ct2,device=cuda,compute_type=int8_float16)``.

Token ids, language tokens, batching, long inputs and output caps are shared with the
transformers backend (:mod:`xlner.translate.seq2seq`), so both give the same results for the
same weights up to floating point.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from dataclasses import KW_ONLY, dataclass
from pathlib import Path
from typing import Any

from xlner.errors import ConfigError, InputError, XlnerError
from xlner.signature import make_signature, write_sidecar
from xlner.subwords import from_pretrained
from xlner.translate.seq2seq import (
    Seq2SeqTranslator,
    TokenizerHandle,
    detect_family,
    require_neural,
)

log = logging.getLogger(__name__)

META_FILE = "xlner-ct2.json"
QUANTIZATIONS = ("int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16",
                 "bfloat16", "float32")


def require_ct2() -> Any:
    try:
        import ctranslate2
    except ImportError as exc:
        raise XlnerError("the ct2 translator needs ctranslate2: pip install 'xlner[neural]'"
                         ) from exc
    return ctranslate2


def family_from_tokenizer(tokenizer_class: str) -> str:
    name = tokenizer_class.lower()
    for key, family in (("nllb", "nllb"), ("m2m100", "m2m100"), ("marian", "marian")):
        if key in name:
            return family
    raise ConfigError(f"cannot tell the model family from tokenizer {tokenizer_class}; pass "
                      "family=nllb, m2m100 or marian")


class _TokenizerView:
    """A tokenizer whose ``special_tokens_map`` lists M2M100's language tokens as
    ``additional_special_tokens`` (transformers 5 keeps them elsewhere, and the CTranslate2
    converter reads them from there to build the vocabulary)."""

    def __init__(self, tokenizer: Any) -> None:
        self._tokenizer = tokenizer
        langs = getattr(tokenizer, "lang_token_to_id", {})
        self._extra = [t for t, _ in sorted(langs.items(), key=lambda item: item[1])]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tokenizer, name)

    @property
    def special_tokens_map(self) -> dict[str, Any]:
        out = dict(self._tokenizer.special_tokens_map)
        if self._extra and not out.get("additional_special_tokens"):
            out["additional_special_tokens"] = self._extra
        return out


def _converter_class() -> Any:
    from ctranslate2.converters import TransformersConverter

    class Converter(TransformersConverter):  # type: ignore[misc]
        def load_tokenizer(self, tokenizer_class: Any, model_name_or_path: str,
                           **kwargs: Any) -> Any:
            tokenizer = super().load_tokenizer(tokenizer_class, model_name_or_path, **kwargs)
            return _TokenizerView(tokenizer) if hasattr(tokenizer, "lang_token_to_id") \
                else tokenizer

    return Converter


def convert_to_ct2(model: str | Path, output: str | Path, *, quantization: str | None = None,
                   revision: str | None = None, force: bool = False) -> Path:
    """Convert a transformers seq2seq checkpoint to a CTranslate2 directory at ``output``.

    The conversion is written beside ``output`` and moved into place when complete; an existing
    ``output`` is replaced only with ``force``.
    """
    if quantization is not None and quantization not in QUANTIZATIONS:
        raise ConfigError(f"quantization must be one of {', '.join(QUANTIZATIONS)}")
    require_neural()
    require_ct2()
    from transformers import AutoConfig, AutoTokenizer

    output = Path(output)
    if output.exists() and not force:
        raise ConfigError(f"{output} exists; pass force to replace it")
    tokenizer = from_pretrained(AutoTokenizer, str(model), revision=revision)
    config = from_pretrained(AutoConfig, str(model), revision=revision)
    family = detect_family(str(config.model_type), type(tokenizer).__name__)
    limit = int(getattr(config, "max_position_embeddings", 0) or 1024)
    tok_limit = getattr(tokenizer, "model_max_length", None)
    if isinstance(tok_limit, int) and 0 < tok_limit < 1_000_000:
        limit = min(limit, tok_limit)
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=output.parent))
    try:
        target = tmp / "model"
        _converter_class()(str(model), revision=revision).convert(
            str(target), quantization=quantization, force=True)
        tokenizer.save_pretrained(str(target))
        meta = {"family": family, "max_length": limit, "source_model": str(model),
                "revision": revision, "quantization": quantization}
        (target / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        write_sidecar(target / META_FILE, make_signature(
            "convert-ct2", inputs={"model": str(model)},
            params={"quantization": quantization, "revision": revision}))
        if output.exists():
            shutil.rmtree(output)
        target.rename(output)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return output


@dataclass(eq=False)
class CT2Translator(Seq2SeqTranslator):
    """A CTranslate2 model directory (from :func:`convert_to_ct2`, or any CTranslate2
    conversion with ``tokenizer=`` pointing at its Hugging Face tokenizer).

    ``device`` (``cpu``, ``cuda``, ``auto``), ``device_index``, ``compute_type``
    (``default``, ``auto``, ``int8``, ``int8_float16``, ``float16``, ...), ``threads`` (CPU),
    and the shared settings ``beam_size``, ``max_tokens``, ``max_length``, ``too_long``.
    """

    name = "ct2"
    version = 1
    hidden_settings = frozenset({"device_index"})

    _: KW_ONLY
    tokenizer: str | None = None
    device_index: int = 0
    compute_type: str = "default"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.device not in ("auto", "cpu", "cuda"):
            raise ConfigError(f"ct2 device must be cpu, cuda or auto, not {self.device!r}")

    def _load(self, model: str) -> TokenizerHandle:
        ctranslate2 = require_ct2()
        from transformers import AutoTokenizer

        folder = Path(model)
        if not (folder / "model.bin").exists():
            raise ConfigError(f"{model} is not a CTranslate2 model directory (no model.bin); "
                              "convert a checkpoint with xlner convert-ct2")
        meta: dict[str, Any] = {}
        if (folder / META_FILE).exists():
            try:
                meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
            except json.JSONDecodeError as exc:
                raise InputError(f"invalid JSON: {exc}; convert the model again",
                                 source=folder / META_FILE) from None
        tokenizer = from_pretrained(AutoTokenizer, self.tokenizer or str(folder))
        family = meta.get("family") or family_from_tokenizer(type(tokenizer).__name__)
        if self.family != "auto" and family != self.family:
            raise ConfigError(f"model {model!r} is a {family} model, not {self.family}")
        limit = meta.get("max_length")
        if limit is None:
            tok_limit = getattr(tokenizer, "model_max_length", None)
            limit = tok_limit if isinstance(tok_limit, int) and tok_limit < 1_000_000 else 1024
        device = self.device
        if device == "auto":
            device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
        try:
            net = ctranslate2.Translator(str(folder), device=device,
                                         device_index=self.device_index,
                                         compute_type=self.compute_type,
                                         intra_threads=self.threads or 0)
        except RuntimeError as exc:  # a truncated or foreign model.bin, a device it lacks
            raise InputError(f"cannot load the CTranslate2 model on {device}: {exc}",
                             source=folder) from None
        handle = TokenizerHandle(str(folder), family, tokenizer, net, int(limit))
        handle.device = device
        return handle

    def _tokens(self, handle: TokenizerHandle, rows: list[list[int]]) -> list[list[str]]:
        return [list(handle.tokenizer.convert_ids_to_tokens(r)) for r in rows]

    def _generate(self, handle: Any, texts: list[str], src_token: str | None,
                  tgt_token: str | None) -> tuple[list[str], int]:
        rows = handle.encode_source(texts, src_token)
        caps = [self.output_cap(len(r), handle.max_length - 1) for r in rows]
        prefix = None if tgt_token is None else [[tgt_token] for _ in rows]
        results = handle.model.translate_batch(
            self._tokens(handle, rows), prefix, beam_size=self.beam_size,
            max_input_length=0, max_decoding_length=max(caps), return_end_token=True)
        eos = handle.tokenizer.convert_ids_to_tokens(handle.eos_id)
        out: list[str] = []
        unfinished = 0
        skip = 0 if tgt_token is None else 1
        for result, cap in zip(results, caps, strict=True):
            # the same per-sentence cap as the transformers backend (language token included)
            tokens = list(result.hypotheses[0])[skip:cap]
            if eos not in tokens:
                unfinished += 1
            ids = handle.tokenizer.convert_tokens_to_ids(tokens)
            out.append(handle.decode(ids))
        return out, unfinished

    def _score(self, handle: Any, sources: list[str], targets: list[str],
               src_token: str | None, tgt_token: str | None) -> list[float]:
        src_rows = handle.encode_source(sources, src_token)
        tgt_rows = [r[:-1] for r in handle.encode_target(targets, tgt_token)]  # ct2 adds EOS
        results = handle.model.score_batch(self._tokens(handle, src_rows),
                                           self._tokens(handle, tgt_rows), max_input_length=0)
        skip = 0 if tgt_token is None else 1
        out = []
        for result in results:
            values = list(result.log_probs)[skip:]
            out.append(sum(values) / max(1, len(values)))
        return out

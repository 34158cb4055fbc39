"""Hugging Face transformers translators: NLLB-200, M2M100 and Marian (seq2seq ``generate``).

Registered as ``nllb`` (default model ``facebook/nllb-200-3.3B``, the published system),
``m2m100`` (``facebook/m2m100_418M``), ``marian`` (``Helsinki-NLP/opus-mt-{src}-{tgt}``, one model
per language pair, loaded on first use) and ``hf`` (any of these families, detected from the
model). ``model`` is a hub name or a local directory (``from_pretrained`` handles both).

Examples: ``nllb``, ``nllb(model=facebook/nllb-200-distilled-600M,beam_size=1)``,
``hf(model=/models/my-nllb,device=cuda,max_tokens=16000)``.

torch and transformers are imported when a model is first used, never at import time.
"""

from __future__ import annotations

import logging
from dataclasses import KW_ONLY, dataclass
from typing import Any

from xlner.errors import ConfigError
from xlner.subwords import from_pretrained
from xlner.translate.seq2seq import Seq2SeqTranslator, TokenizerHandle, detect_family

log = logging.getLogger(__name__)

DTYPES = ("auto", "float32", "float16", "bfloat16")
NLLB_MODEL = "facebook/nllb-200-3.3B"
M2M100_MODEL = "facebook/m2m100_418M"
MARIAN_MODEL = "Helsinki-NLP/opus-mt-{src}-{tgt}"


def resolve_device(device: str) -> str:
    """``auto`` → ``cuda`` when a GPU is visible, else ``cpu``; other values are checked."""
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ConfigError(f"device {device!r} asked for, but torch sees no CUDA GPU")
    if device != "cpu" and not device.startswith("cuda"):
        raise ConfigError(f"device must be cpu, cuda, cuda:N or auto, not {device!r}")
    return device


def resolve_dtype(dtype: str, device: str) -> Any:
    """``auto`` → float32 on CPU, bfloat16 (else float16) on a GPU."""
    import torch

    if dtype not in DTYPES:
        raise ConfigError(f"dtype must be one of {', '.join(DTYPES)}, not {dtype!r}")
    if dtype == "auto":
        if device == "cpu":
            return torch.float32
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return getattr(torch, dtype)


def pad_batch(rows: list[list[int]], pad_id: int) -> tuple[Any, Any]:
    """Right-padded id tensor and its attention mask."""
    import torch

    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for k, row in enumerate(rows):
        ids[k, :len(row)] = torch.tensor(row, dtype=torch.long)
        mask[k, :len(row)] = 1
    return ids, mask


@dataclass(eq=False)
class HFTranslator(Seq2SeqTranslator):
    """A transformers encoder-decoder translation model (NLLB, M2M100 or Marian).

    ``beam_size`` (1 = greedy), ``max_tokens`` (padded source tokens per batch),
    ``max_batch_size``, ``device`` (``cpu``, ``cuda``, ``cuda:N``, ``auto``), ``dtype``
    (``auto``, ``float32``, ``float16``, ``bfloat16``), ``max_length`` (input limit in tokens,
    default the model's), ``too_long`` (``error`` or ``split``), output cap
    ``max_output_ratio × input length + max_output_extra`` tokens, ``threads`` (CPU threads;
    torch's setting is process-wide).
    """

    name = "hf"
    version = 1
    hidden_settings = frozenset({"local_files_only", "registry_name"})

    _: KW_ONLY
    dtype: str = "auto"
    revision: str | None = None
    local_files_only: bool = False
    registry_name: str = "hf"
    """The name it is registered and described under (``nllb``, ``m2m100``, ...)."""

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.dtype not in DTYPES:
            raise ConfigError(f"dtype must be one of {', '.join(DTYPES)}, not {self.dtype!r}")
        self.name = self.registry_name

    def _load(self, model: str) -> TokenizerHandle:
        if self.threads is not None:
            import torch

            torch.set_num_threads(self.threads)  # process-wide in torch
        from transformers import AutoConfig, AutoModelForSeq2SeqLM, AutoTokenizer

        kwargs: dict[str, Any] = {"revision": self.revision,
                                  "local_files_only": self.local_files_only}
        tokenizer = from_pretrained(AutoTokenizer, model, **kwargs)
        config = from_pretrained(AutoConfig, model, **kwargs)
        family = detect_family(str(config.model_type), type(tokenizer).__name__)
        if self.family != "auto" and family != self.family:
            raise ConfigError(f"model {model!r} is a {family} model, not {self.family}")
        device = resolve_device(self.device)
        dtype = resolve_dtype(self.dtype, device)
        net = from_pretrained(AutoModelForSeq2SeqLM, model, dtype=dtype, **kwargs)
        net.to(device).eval()
        limit = int(getattr(config, "max_position_embeddings", 0) or 1024)
        tok_limit = getattr(tokenizer, "model_max_length", None)
        if isinstance(tok_limit, int) and 0 < tok_limit < 1_000_000:
            limit = min(limit, tok_limit)
        handle = TokenizerHandle(model, family, tokenizer, net, limit)
        start = getattr(net.generation_config, "decoder_start_token_id", None)
        if start is None:
            start = config.decoder_start_token_id
        if start is None:
            raise ConfigError(f"model {model!r} has no decoder_start_token_id")
        handle.decoder_start = int(start)
        handle.device = device
        log.info("loaded %s (%s) on %s as %s", model, family, device, dtype)
        return handle

    def _generate(self, handle: Any, texts: list[str], src_token: str | None,
                  tgt_token: str | None) -> tuple[list[str], int]:
        import torch

        rows = handle.encode_source(texts, src_token)
        ids, mask = pad_batch(rows, handle.pad_id)
        kwargs: dict[str, Any] = {
            "num_beams": self.beam_size, "do_sample": False, "num_return_sequences": 1,
            "max_new_tokens": self.output_cap(max(len(r) for r in rows), handle.max_length - 1),
            "max_length": None,
            # a sentence cut at the cap must not end in a forced EOS (it would look finished)
            "forced_eos_token_id": None,
        }
        if tgt_token is not None:
            kwargs["forced_bos_token_id"] = handle.token_id(tgt_token)
        with torch.inference_mode():
            out = handle.model.generate(input_ids=ids.to(handle.device),
                                        attention_mask=mask.to(handle.device), **kwargs)
        texts_out: list[str] = []
        unfinished = 0
        skip = 1 if tgt_token is None else 2  # the decoder start and the forced language token
        for row, src in zip(out.cpu().tolist(), rows, strict=True):
            # Each output is cut at its own cap, so results do not depend on the batching.
            row = row[skip:1 + self.output_cap(len(src), handle.max_length - 1)]
            if handle.eos_id not in row:
                unfinished += 1
            texts_out.append(handle.decode(row))
        return texts_out, unfinished

    def _score(self, handle: Any, sources: list[str], targets: list[str],
               src_token: str | None, tgt_token: str | None) -> list[float]:
        import torch

        src_rows = handle.encode_source(sources, src_token)
        tgt_rows = handle.encode_target(targets, tgt_token)
        ids, mask = pad_batch(src_rows, handle.pad_id)
        labels, label_mask = pad_batch(tgt_rows, handle.pad_id)
        dec_in, _ = pad_batch([[handle.decoder_start, *r[:-1]] for r in tgt_rows],
                              handle.pad_id)
        with torch.inference_mode():
            logits = handle.model(input_ids=ids.to(handle.device),
                                  attention_mask=mask.to(handle.device),
                                  decoder_input_ids=dec_in.to(handle.device),
                                  decoder_attention_mask=label_mask.to(handle.device)).logits
            logp = torch.log_softmax(logits.float(), dim=-1).cpu()
        token_logp = logp.gather(-1, labels.unsqueeze(-1)).squeeze(-1)
        weights = label_mask.to(token_logp.dtype)
        if tgt_token is not None:
            weights[:, 0] = 0.0  # the forced language token
        means = (token_logp * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)
        return [float(x) for x in means.tolist()]


def hf(model: str, **params: Any) -> HFTranslator:
    """Any supported seq2seq model; the family is detected from the model."""
    return HFTranslator(model, **params)


def nllb(model: str = NLLB_MODEL, **params: Any) -> HFTranslator:
    """NLLB-200 (default facebook/nllb-200-3.3B) with NLLB language codes."""
    return HFTranslator(model, family="nllb", registry_name="nllb", **params)


def m2m100(model: str = M2M100_MODEL, **params: Any) -> HFTranslator:
    """M2M100 (default facebook/m2m100_418M) with M2M100 language codes."""
    return HFTranslator(model, family="m2m100", registry_name="m2m100", **params)


def marian(model: str = MARIAN_MODEL, **params: Any) -> HFTranslator:
    """Marian (OPUS-MT): one model per pair, ``{src}``/``{tgt}`` filled with ISO 639-1 codes."""
    return HFTranslator(model, family="marian", registry_name="marian", **params)

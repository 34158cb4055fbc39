"""Visual score: agreement of a source entity and a target candidate in a CLIP-style space.

For source entity text ``p``, candidate text ``t`` and the sentence pair's image ``I``, with a
dual encoder whose text tower ``T`` (multilingual, or one text tower per language sharing the
image space) and image tower ``V`` embed into one space (unit vectors):

* text agreement ``s_text = max(0, cos(T(p), T(t)))``: a name and its translation land close
  in a multilingual space;
* grounding agreement ``s_image = 1 - ½ · mean_r |cos(T(p), V(r)) - cos(T(t), V(r))|`` over the
  regions ``r`` of ``I`` (the whole image, plus a ``grid`` x ``grid`` tiling when ``grid >= 2``):
  ``t`` grounds in the image where, and as strongly as, ``p`` does;

``c(p, t) = (text · s_text + image · s_image) / (text + image)`` in ``[0, 1]``; values below
``threshold`` are 0. ``mode="tiebreak"`` scales the score by ``eps`` (default 1e-4) so that, used
as a bonus term (``align=1,visual(mode=tiebreak)~1``), it only decides between pairs whose other
scores tie (differ by less than ``eps``).

Batch first: every distinct text of a pair grid goes through the text tower once, in mini-
batches of ``batch_size``; region embeddings are computed once per image and cached (by path or
URL) across calls, text embeddings too (both caches bounded by ``cache_size``). The image comes
from ``extras["image"]`` (a path, an ``http(s)`` URL or a Pillow image, see
:mod:`xlner.corpora.images`); a sentence without a usable image raises
:class:`~xlner.errors.ProjectionError` (the pipelines then report that sentence as failed), or,
with ``missing="zero"``, scores 0 and is counted in :attr:`VisualScorer.missing`.

The encoder is any object with ``embed_texts(texts)`` and ``embed_images(images)`` returning
unit-norm rows (:class:`ClipEncoder` wraps Hugging Face ``CLIPModel``-style models with
``get_text_features`` / ``get_image_features``; ``text_model=`` gives a separate text tower of
the same family). As a spec: ``visual(model=openai/clip-vit-base-patch32,device=cuda)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from xlner.corpora.images import IMAGE, IMAGE_ORIGIN, load_image
from xlner.errors import ConfigError, ProjectionError
from xlner.protocols import Component

FloatArray = npt.NDArray[np.float64]
MODES = ("score", "tiebreak")
MISSING = ("error", "zero")


@runtime_checkable
class DualEncoder(Protocol):
    """Texts and images into one space, unit-norm rows (``float32`` or ``float64``)."""

    def embed_texts(self, texts: Sequence[str]) -> npt.NDArray[Any]: ...

    def embed_images(self, images: Sequence[Any]) -> npt.NDArray[Any]: ...

    def describe(self) -> dict[str, Any]: ...


def _features(out: Any) -> Any:
    """A feature tensor from ``get_*_features`` (a tensor, or an output with ``pooler_output``
    in transformers >= 5)."""
    return out if hasattr(out, "shape") else out.pooler_output


class ClipEncoder:
    """A Hugging Face CLIP-style dual encoder (``get_text_features``/``get_image_features``)."""

    def __init__(self, model: str, *, text_model: str | None = None, device: str = "cpu",
                 batch_size: int = 64, max_length: int | None = None) -> None:
        from xlner.subwords import from_pretrained, require_torch

        torch, transformers = require_torch()
        if batch_size < 1:
            raise ConfigError(f"batch_size must be >= 1, not {batch_size}")
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        self.name = model
        self.text_name = text_model or model
        self.device = device
        self.batch_size = batch_size
        self._torch = torch
        self.model = from_pretrained(transformers.AutoModel, model).to(device).eval()
        self.text = (self.model if text_model is None else
                     from_pretrained(transformers.AutoModel, text_model).to(device).eval())
        self.tokenizer = from_pretrained(transformers.AutoTokenizer, self.text_name)
        self.processor = from_pretrained(transformers.AutoImageProcessor, model)
        for obj, what in ((self.text, "get_text_features"), (self.model, "get_image_features")):
            if not hasattr(obj, what):
                raise ConfigError(f"{type(obj).__name__} has no {what}: the visual score needs "
                                  "a CLIP-style dual encoder")
        limit = getattr(getattr(getattr(self.text, "config", None), "text_config", None),
                        "max_position_embeddings", None)
        self.max_length = max_length or limit or 77

    def describe(self) -> dict[str, Any]:
        return {"model": self.name, "text_model": self.text_name, "device": self.device,
                "batch_size": self.batch_size, "max_length": self.max_length}

    def _unit(self, x: Any) -> npt.NDArray[np.float32]:
        x = x / x.norm(dim=-1, keepdim=True).clamp_min(1e-12)
        return np.asarray(x.float().cpu().numpy(), dtype=np.float32)

    def embed_texts(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        torch = self._torch
        chunks = []
        order = sorted(range(len(texts)), key=lambda k: len(texts[k]))
        with torch.inference_mode():
            for lo in range(0, len(order), self.batch_size):
                part = [texts[k] for k in order[lo:lo + self.batch_size]]
                enc = self.tokenizer(part, padding=True, truncation=True,
                                     max_length=self.max_length, return_tensors="pt")
                enc = {k: v.to(self.device) for k, v in enc.items()
                       if k in ("input_ids", "attention_mask")}
                chunks.append(self._unit(_features(self.text.get_text_features(**enc))))
        if not chunks:
            return np.zeros((0, 0), dtype=np.float32)
        stacked = np.concatenate(chunks)
        out = np.empty_like(stacked)
        out[np.asarray(order)] = stacked
        return out

    def embed_images(self, images: Sequence[Any]) -> npt.NDArray[np.float32]:
        torch = self._torch
        chunks = []
        with torch.inference_mode():
            for lo in range(0, len(images), self.batch_size):
                pixels = self.processor(images=list(images[lo:lo + self.batch_size]),
                                        return_tensors="pt")["pixel_values"].to(self.device)
                chunks.append(self._unit(_features(
                    self.model.get_image_features(pixel_values=pixels))))
        return np.concatenate(chunks) if chunks else np.zeros((0, 0), dtype=np.float32)


def regions(image: Any, grid: int) -> list[Any]:
    """The whole image, then (``grid >= 2``) its ``grid`` x ``grid`` tiles, row by row."""
    out = [image]
    if grid >= 2:
        w, h = image.size
        for r in range(grid):
            for c in range(grid):
                box = (c * w // grid, r * h // grid, (c + 1) * w // grid, (r + 1) * h // grid)
                out.append(image.crop(box))
    return out


class VisualScorer(Component):
    """Visual agreement of (source entity, candidate) pairs; see the module docstring."""

    name = "visual"
    version = 1
    setting_attrs: ClassVar[Mapping[str, str]] = {"text": "text_weight",
                                                  "image": "image_weight",
                                                  "missing": "on_missing"}
    hidden_settings = frozenset({"model", "device", "batch_size", "text_model", "cache_size",
                                 "key"})
    """The encoder's settings are in its description (``encoder``)."""

    def __init__(self, model: str | DualEncoder | None = None, *, text: float = 0.5,
                 image: float = 0.5, grid: int = 2, threshold: float = 0.0,
                 mode: str = "score", eps: float = 1e-4, missing: str = "error",
                 device: str = "cpu", batch_size: int = 64, text_model: str | None = None,
                 cache_size: int = 100_000, key: str = IMAGE) -> None:
        if model is None:
            raise ConfigError("the visual score needs model=<CLIP-style model name or folder>")
        if mode not in MODES:
            raise ConfigError(f"visual mode must be one of {', '.join(MODES)}, not {mode!r}")
        if missing not in MISSING:
            raise ConfigError(f"visual missing must be one of {', '.join(MISSING)}, not "
                              f"{missing!r}")
        if text < 0 or image < 0 or text + image <= 0:
            raise ConfigError("visual weights text and image must be >= 0, not both 0")
        if grid < 0 or not 0.0 <= threshold <= 1.0 or eps <= 0:
            raise ConfigError("visual: grid >= 0, threshold in [0, 1] and eps > 0 required")
        self.encoder: DualEncoder = (ClipEncoder(model, text_model=text_model, device=device,
                                                 batch_size=batch_size)
                                     if isinstance(model, str) else model)
        self.text_weight = float(text)
        self.image_weight = float(image)
        self.grid = int(grid)
        self.threshold = float(threshold)
        self.mode = mode
        self.eps = float(eps)
        self.on_missing = missing
        self.cache_size = int(cache_size)
        self.key = key
        self._texts: dict[str, npt.NDArray[Any]] = {}
        self._images: dict[Any, npt.NDArray[Any]] = {}
        self._alive: dict[Any, Any] = {}
        self.missing = 0
        """Sentences scored 0 for want of an image (``missing="zero"``), over all calls."""
        self.stats = {"texts_embedded": 0, "images_embedded": 0}

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "encoder": self.encoder.describe()}

    def clear_cache(self) -> None:
        self._texts.clear()
        self._images.clear()
        self._alive.clear()

    def _embed_texts(self, texts: Sequence[str]) -> None:
        new = [t for t in dict.fromkeys(texts) if t not in self._texts]
        if not new:
            return
        if len(self._texts) + len(new) > self.cache_size:
            self._texts.clear()
        for text, vec in zip(new, self.encoder.embed_texts(new), strict=True):
            self._texts[text] = vec
        self.stats["texts_embedded"] += len(new)

    def _image_key(self, item_extras: dict[str, Any]) -> Any:
        image = item_extras.get(self.key)
        if image is None:
            return None
        if isinstance(image, str):
            return image
        self._alive[id(image)] = image  # keeps the object (and so its id) alive while cached
        return ("object", id(image))

    def _embed_images(self, wanted: dict[Any, tuple[Any, int, str]]) -> None:
        """Region embeddings of every image not yet cached; ``wanted`` maps key to (image,
        sentence index, origin)."""
        new = [k for k in wanted if k not in self._images]
        if not new:
            return
        if len(self._images) + len(new) > self.cache_size:
            self._images.clear()
        crops, owners = [], []
        for key in new:
            image, index, origin = wanted[key]
            try:
                picture = load_image(image)
            except Exception as exc:  # a missing file, a broken download, a bad decoder
                where = f" ({origin})" if origin else ""
                raise ProjectionError(f"image {image if isinstance(image, str) else key} cannot "
                                      f"be read{where}: {type(exc).__name__}: {exc}",
                                      index=index) from None
            parts = regions(picture, self.grid)
            crops.extend(parts)
            owners.append(len(parts))
        vectors = self.encoder.embed_images(crops)
        lo = 0
        for key, n in zip(new, owners, strict=True):
            self._images[key] = vectors[lo:lo + n]
            lo += n
        self.stats["images_embedded"] += len(new)

    def score(self, grid: Any) -> FloatArray:
        """One value per pair of a :class:`~xlner.project.scores.base.PairGrid`."""
        values = np.zeros(grid.n_pairs, dtype=np.float64)
        if not grid.n_pairs:
            return values
        sent = grid.ent_sent[grid.pair_ent]
        batch = grid.batch
        keys: dict[int, Any] = {}
        wanted: dict[Any, tuple[Any, int, str]] = {}
        for s in np.unique(sent).tolist():
            extras = batch[s].extras
            key = self._image_key(extras)
            if key is None:
                if self.on_missing == "error":
                    where = extras.get(IMAGE_ORIGIN)
                    raise ProjectionError(f"no image in extras[{self.key!r}]"
                                          + (f" ({where})" if where else "")
                                          + " (the visual score needs one per sentence pair)",
                                          index=s)
                self.missing += 1
                continue
            keys[s] = key
            wanted.setdefault(key, (extras[self.key], s, str(extras.get(IMAGE_ORIGIN, ""))))
        self._embed_images(wanted)
        has = np.array([s in keys for s in sent.tolist()], dtype=bool)
        if not has.any():
            return values
        ent = grid.pair_ent[has]
        cand = grid.pair_cand[has]
        psent = sent[has]
        ent_text = [" ".join(batch[s].src_words[a:b]) for s, a, b in zip(
            grid.ent_sent[ent].tolist(), grid.ent_start[ent].tolist(), grid.ent_end[ent].tolist(),
            strict=True)]
        cand_text = [" ".join(batch[s].tgt_words[a:b]) for s, a, b in zip(
            psent.tolist(), grid.cand_start[cand].tolist(), grid.cand_end[cand].tolist(),
            strict=True)]
        self._embed_texts(ent_text + cand_text)
        vocab = {t: k for k, t in enumerate(dict.fromkeys(ent_text + cand_text))}
        table = np.stack([self._texts[t] for t in vocab]).astype(np.float64)
        ip = np.fromiter((vocab[t] for t in ent_text), np.int64, len(ent_text))
        it = np.fromiter((vocab[t] for t in cand_text), np.int64, len(cand_text))
        s_text = np.clip(np.einsum("kd,kd->k", table[ip], table[it]), 0.0, 1.0)
        # Grounding profiles: cosine of each (text, image) combination with the image's regions,
        # computed once per distinct combination.
        img_ids = {key: k for k, key in enumerate(dict.fromkeys(keys[s] for s in psent.tolist()))}
        img_of = np.fromiter((img_ids[keys[s]] for s in psent.tolist()), np.int64, len(psent))
        n_reg = len(next(iter(self._images.values())))
        region = np.stack([self._images[key] for key in img_ids]).astype(np.float64)
        profile: dict[int, npt.NDArray[np.float64]] = {}
        for text_idx in (ip, it):
            combo = np.unique(text_idx * len(img_ids) + img_of)
            t_idx, i_idx = combo // len(img_ids), combo % len(img_ids)
            prof = np.einsum("krd,kd->kr", region[i_idx], table[t_idx])
            profile.update(zip(combo.tolist(), prof, strict=True))
        gp = np.stack([profile[c] for c in (ip * len(img_ids) + img_of).tolist()])
        gt = np.stack([profile[c] for c in (it * len(img_ids) + img_of).tolist()])
        s_image = 1.0 - 0.5 * np.abs(gp - gt).reshape(-1, n_reg).mean(axis=1)
        fused = (self.text_weight * s_text + self.image_weight * np.clip(s_image, 0.0, 1.0)) / (
            self.text_weight + self.image_weight)
        fused = np.where(fused >= self.threshold, fused, 0.0) if self.threshold > 0 else fused
        if self.mode == "tiebreak":
            fused = fused * self.eps
        values[has] = fused
        return values


__all__ = ["ClipEncoder", "DualEncoder", "VisualScorer", "regions"]

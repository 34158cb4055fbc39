"""Image-text corpora: sentences (or parallel sentences) that carry an image.

An :class:`ImageRecord` holds one image (a path, a URL or an in-memory Pillow image) and, per
language, a :class:`~xlner.data.Sentence` with its entities and, when the corpus says so, whether
each entity is visible in the image. Readers:

* :func:`read_image_jsonl` / :func:`write_image_jsonl`: JSON Lines, one record a line::

    {"id": "17", "image": "images/17.jpg",
     "en": {"words": ["Maria", "rides", "a", "bike"], "tags": ["B-PER", "O", "O", "O"]},
     "de": {"words": [...], "entities": [{"start": 0, "end": 1, "label": "PER",
                                           "visible": true}]}}

  A language is any key whose value is an object with ``"words"``; entities come from IOB2
  ``"tags"`` or from ``"entities"`` objects (each may have ``"visible"``); a ``"visible"`` list
  beside ``"tags"`` gives the flags of the decoded entities in order. Relative image paths are
  resolved against ``image_dir`` (default: the file's folder).
* :func:`read_captions`: a captions file per language plus an image folder and image ids, as
  Multi30k (``train.en``, ``train.de``, ``train_images.txt``: line *i* of each) and
  Flickr8k/30k token files (``IMAGE#n<TAB>caption`` lines, no ids file). Captions are plain text
  (tokenised here) or CoNLL (``.conll`` suffix: words and tags, one sentence per id).
* :func:`from_rows`: rows of a Hugging Face dataset with an ``Image`` feature (or any iterable
  of dicts), without importing ``datasets``.

Missing or unreadable images are found by :meth:`ImageTextCorpus.check_images` and reported per
sentence with file and line: the readers raise :class:`~xlner.errors.InputError` listing them
(``on_missing="error"``, the default) or keep them in :attr:`ImageTextCorpus.problems`
(``"report"``), where projection reports each such sentence as failed. Nothing is skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlner.corpora.corpus import Corpus
from xlner.corpora.schemes import decode, to_iob2
from xlner.data import Entity, Sentence, validate_entities
from xlner.errors import ConfigError, InputError
from xlner.files import atomic_write, text_digest

IMAGE = "image"
"""``ProjectionInput.extras`` key: the sentence pair's image (path, URL or Pillow image)."""
IMAGE_ORIGIN = "image_origin"
"""``ProjectionInput.extras`` key: where the record came from (``file:line``), for errors."""
ON_MISSING = ("error", "report")
_RESERVED = {"id", "image", "meta"}


def require_pillow() -> Any:
    """``PIL.Image``, or a clear error naming the optional extra."""
    try:
        from PIL import Image
    except ImportError as exc:
        from xlner.errors import XlnerError

        raise XlnerError(f"images need Pillow: pip install 'xlner[neural]' ({exc})") from None
    return Image


def is_url(image: object) -> bool:
    return isinstance(image, str) and image.split("://", 1)[0] in ("http", "https")


@dataclass(frozen=True)
class ImageRecord:
    """One image and its sentences by language (``visible[lang][k]`` for entity ``k``)."""

    image: Any
    texts: Mapping[str, Sentence]
    visible: Mapping[str, tuple[bool | None, ...]] = field(default_factory=dict)
    id: str = ""
    origin: str = ""

    def image_key(self) -> str:
        """A stable name of the image (its path or URL; ``id`` for an in-memory image)."""
        return self.image if isinstance(self.image, str) else f"{self.origin}#{self.id}"


@dataclass(frozen=True)
class ImageProblem:
    """An image that is missing or cannot be read, and the record it belongs to."""

    origin: str
    image: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: image {self.image}: {self.reason}"


def load_image(image: Any, *, timeout: float = 30.0) -> Any:
    """A Pillow RGB image from a path, an ``http(s)`` URL or a Pillow image."""
    image_mod = require_pillow()
    if isinstance(image, image_mod.Image):
        return image.convert("RGB")
    if not isinstance(image, str | Path):
        raise ValueError(f"not an image: {type(image).__name__}")
    if is_url(image):
        import io
        import urllib.request

        with urllib.request.urlopen(str(image), timeout=timeout) as response:
            data = response.read()
        return image_mod.open(io.BytesIO(data)).convert("RGB")
    with image_mod.open(image) as handle:
        return handle.convert("RGB")


def image_problem(image: Any, *, open_images: bool = True) -> str | None:
    """Why ``image`` cannot be used (``None``: it can). URLs are not fetched here."""
    if image is None or image == "":
        return "no image"
    if not isinstance(image, str) or is_url(image):
        return None
    path = Path(image)
    if not path.is_file():
        return "file not found"
    if open_images:
        try:
            image_mod = require_pillow()
            with image_mod.open(path) as handle:
                handle.verify()
        except Exception as exc:  # any decoder error: reported with the record
            return f"cannot be read ({type(exc).__name__}: {exc})"
    return None


@dataclass
class ImageTextCorpus(Sequence[ImageRecord]):
    """Image records read from one source; ``problems`` lists unusable images."""

    records: list[ImageRecord]
    name: str = "<memory>"
    path: Path | None = None
    problems: list[ImageProblem] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, index: Any) -> Any:
        return self.records[index]

    def languages(self) -> list[str]:
        """Languages present in every record, sorted."""
        if not self.records:
            return []
        common = set(self.records[0].texts)
        for record in self.records[1:]:
            common &= set(record.texts)
        return sorted(common)

    def corpus(self, lang: str) -> Corpus:
        """The sentences of ``lang`` (every record must have it)."""
        sentences = []
        for record in self.records:
            if lang not in record.texts:
                raise InputError(f"no {lang!r} sentence (has {', '.join(sorted(record.texts))})",
                                 source=record.origin)
            sentences.append(record.texts[lang])
        return Corpus(sentences, name=f"{self.name}:{lang}", path=self.path)

    def visible(self, lang: str) -> list[tuple[bool | None, ...]] | None:
        """Per sentence of ``lang``, the visibility of each entity; ``None`` when the corpus
        has no visibility field for ``lang``."""
        if not any(record.visible.get(lang) for record in self.records):
            return None
        out = []
        for record in self.records:
            flags = record.visible.get(lang) or ()
            n = len(record.texts[lang].entities)
            out.append(tuple(flags) + (None,) * (n - len(flags)))
        return out

    def extras(self) -> list[dict[str, Any]]:
        """Per record, the projection extras the visual scorer reads (``image`` and its origin;
        no ``image`` for a record whose image has a problem)."""
        bad = {p.origin for p in self.problems}
        out: list[dict[str, Any]] = []
        for record in self.records:
            extra: dict[str, Any] = {IMAGE_ORIGIN: record.origin}
            if record.origin not in bad and record.image is not None:
                extra[IMAGE] = record.image
            out.append(extra)
        return out

    def check_images(self, *, open_images: bool = True) -> list[ImageProblem]:
        """Every record whose image is missing or unreadable (URLs are not fetched)."""
        found = []
        for record in self.records:
            reason = image_problem(record.image, open_images=open_images)
            if reason is not None:
                found.append(ImageProblem(record.origin, str(record.image), reason))
        return found

    def describe(self) -> dict[str, object]:
        digest = text_digest(
            f"{r.image_key()}\t" + "\t".join(f"{lang}:{' '.join(s.words)}:{s.entities!r}"
                                            for lang, s in sorted(r.texts.items()))
            for r in self.records)
        out: dict[str, object] = {"name": self.name, "records": len(self), "digest": digest,
                                  "languages": self.languages()}
        if self.path is not None:
            out["path"] = str(self.path)
        if self.problems:
            out["image_problems"] = len(self.problems)
        return out


def _finish(corpus: ImageTextCorpus, on_missing: str, open_images: bool) -> ImageTextCorpus:
    if on_missing not in ON_MISSING:
        raise ConfigError(f"on_missing must be one of {', '.join(ON_MISSING)}, not "
                          f"{on_missing!r}")
    corpus.problems = corpus.check_images(open_images=open_images)
    if corpus.problems and on_missing == "error":
        shown = "\n  ".join(str(p) for p in corpus.problems[:10])
        more = len(corpus.problems) - 10
        raise InputError(f"{len(corpus.problems)} of {len(corpus)} images missing or unreadable "
                         f"(on_missing='report' keeps them, reported per sentence):\n  {shown}"
                         + (f"\n  ... and {more} more" if more > 0 else ""),
                         source=corpus.path)
    return corpus


def _resolve(image: Any, base: Path | None) -> Any:
    if not isinstance(image, str) or not image or is_url(image) or base is None:
        return image
    path = Path(image)
    return str(path if path.is_absolute() else base / path)


def _sentence(value: Any, origin: str, lang: str, repair: bool
              ) -> tuple[Sentence, tuple[bool | None, ...]]:
    words = value.get("words")
    if not isinstance(words, list) or not words or not all(
            isinstance(w, str) and w for w in words):
        raise ValueError(f"{lang}: 'words' must be a non-empty list of non-empty strings")
    visible: list[bool | None] = []
    if "tags" in value and "entities" in value:
        raise ValueError(f"{lang}: give 'tags' or 'entities', not both")
    if "tags" in value:
        tags = value["tags"]
        if not isinstance(tags, list) or len(tags) != len(words):
            raise ValueError(f"{lang}: {len(words)} words but "
                             f"{len(tags) if isinstance(tags, list) else 'no list of'} tags")
        entities = decode([str(t) for t in tags], repair=repair).entities
        flags = value.get("visible")
        if flags is not None:
            if not isinstance(flags, list) or len(flags) != len(entities):
                raise ValueError(f"{lang}: 'visible' needs one flag per entity "
                                 f"({len(entities)})")
            visible = [None if f is None else bool(f) for f in flags]
    else:
        entities = []
        for item in value.get("entities", []):
            try:
                entities.append(Entity(int(item["start"]), int(item["end"]),
                                       str(item["label"])))
            except (KeyError, TypeError, ValueError):
                raise ValueError(f"{lang}: entity {item!r} needs start, end and label") from None
            flag = item.get("visible")
            visible.append(None if flag is None else bool(flag))
        order = sorted(range(len(entities)), key=entities.__getitem__)
        entities = [entities[k] for k in order]
        visible = [visible[k] for k in order]
        validate_entities(entities, len(words))
    if all(v is None for v in visible):
        visible = []
    return Sentence(tuple(words), tuple(entities), origin), tuple(visible)


def read_image_jsonl(path: str | Path, *, image_dir: str | Path | None = None,
                     repair: bool = False, on_missing: str = "error",
                     open_images: bool = True, name: str | None = None) -> ImageTextCorpus:
    """Read image records from JSON Lines (see the module docstring)."""
    path = Path(path)
    base = Path(image_dir) if image_dir is not None else path.parent
    records: list[ImageRecord] = []
    if not path.is_file():
        raise InputError("file not found", source=path)
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            origin = f"{path}:{number}"
            try:
                obj = json.loads(line)
                if not isinstance(obj, dict):
                    raise ValueError("a record must be a JSON object")
                texts: dict[str, Sentence] = {}
                visible: dict[str, tuple[bool | None, ...]] = {}
                for key, value in obj.items():
                    if key in _RESERVED:
                        continue
                    if not isinstance(value, dict) or "words" not in value:
                        raise ValueError(f"field {key!r} is not a sentence (an object with "
                                         "'words')")
                    texts[key], flags = _sentence(value, origin, key, repair)
                    if flags:
                        visible[key] = flags
                if not texts:
                    raise ValueError("no sentence (a language key with 'words')")
            except (ValueError, json.JSONDecodeError) as exc:
                raise InputError(str(exc), source=path, line=number) from None
            records.append(ImageRecord(_resolve(obj.get("image"), base), texts, visible,
                                       str(obj.get("id", len(records))), origin))
    corpus = ImageTextCorpus(records, name or path.stem, path)
    return _finish(corpus, on_missing, open_images)


def _sentence_json(sentence: Sentence, flags: Sequence[bool | None]) -> dict[str, Any]:
    out: dict[str, Any] = {"words": list(sentence.words)}
    if flags:
        out["entities"] = [{"start": e.start, "end": e.end, "label": e.label,
                            **({} if f is None else {"visible": f})}
                           for e, f in zip(sentence.entities, flags, strict=True)]
    else:
        out["tags"] = to_iob2(sentence.entities, len(sentence.words))
    return out


def write_image_jsonl(path: str | Path, corpus: Iterable[ImageRecord], *,
                      image_dir: str | Path | None = None) -> Path:
    """Write records as JSON Lines (atomically). Paths under the file's folder are written
    relative to it; an in-memory image is saved as PNG into ``image_dir``
    (default ``<file stem>-images`` beside the file)."""
    path = Path(path)
    base = path.parent.resolve()
    saved = Path(image_dir) if image_dir is not None else path.with_name(path.stem + "-images")
    with atomic_write(path) as handle:
        for k, record in enumerate(corpus):
            image = record.image
            if image is not None and not isinstance(image, str):
                saved.mkdir(parents=True, exist_ok=True)
                target = saved / f"{record.id or k}.png"
                image.save(target)
                image = str(target)
            if isinstance(image, str) and not is_url(image):
                resolved = Path(image).resolve()
                if resolved.is_relative_to(base):
                    image = str(resolved.relative_to(base))
            obj: dict[str, Any] = {"id": record.id or str(k), "image": image}
            for lang, sentence in sorted(record.texts.items()):
                obj[lang] = _sentence_json(sentence, record.visible.get(lang, ()))
            handle.write(json.dumps(obj, ensure_ascii=False) + "\n")
    return path


def read_captions(captions: Mapping[str, str | Path], *, images: str | Path,
                  ids: str | Path | None = None, tokenizer: str = "xlner",
                  sep: str = "\t", on_missing: str = "error", open_images: bool = True,
                  name: str | None = None) -> ImageTextCorpus:
    """Captions by language (``{"en": "train.en", "de": "train.de"}``), parallel line by line,
    with an image folder and the image file names: one per line in ``ids`` (Multi30k), or, with
    no ``ids``, at the start of each caption line before ``sep`` (Flickr ``IMAGE#n<TAB>text``;
    ``#n`` is dropped). A ``.conll`` captions file holds one tagged sentence per image."""
    from xlner.corpora.conll import read_conll
    from xlner.corpora.text import get_tokenizer, read_lines

    if not captions:
        raise ConfigError("read_captions needs at least one captions file")
    split = get_tokenizer(tokenizer)
    folder = Path(images)
    if not folder.is_dir():
        raise InputError("image folder not found", source=folder)
    per_lang: dict[str, list[Sentence]] = {}
    names: list[str] | None = None
    if ids is not None:
        names = [x.strip() for x in read_lines(ids)]
        if any(not x for x in names):
            blank = next(k for k, x in enumerate(names, 1) if not x)
            raise InputError("empty image id", source=ids, line=blank)
    origins: list[str] = []
    for lang, file in captions.items():
        file = Path(file)
        found_names: list[str] = []
        if file.suffix.lower() == ".conll":
            sentences = list(read_conll(file).sentences)
        else:
            sentences = []
            for number, line in enumerate(read_lines(file), 1):
                text = line
                if ids is None:
                    image, got, text = line.partition(sep)
                    if not got:
                        raise InputError(f"no image name before {sep!r} (give ids= for "
                                         "captions without names)", source=file, line=number)
                    found_names.append(image.split("#", 1)[0].strip())
                words = split(text.strip())
                if not words:
                    raise InputError("empty caption", source=file, line=number)
                sentences.append(Sentence(tuple(words), (), f"{file}:{number}"))
        if ids is None and not found_names:
            raise ConfigError(f"{file}: a CoNLL captions file needs ids=")
        if names is None:
            names = found_names
        elif ids is None and found_names != names:
            raise InputError("image names differ from the first captions file's",
                             source=file)
        if len(sentences) != len(names):
            raise InputError(f"{len(sentences)} captions but {len(names)} image ids",
                             source=file)
        per_lang[lang] = sentences
        if not origins:
            origins = [s.origin or f"{file}:{k + 1}" for k, s in enumerate(sentences)]
    assert names is not None
    records = [ImageRecord(str(folder / image), {lang: per_lang[lang][k] for lang in per_lang},
                           {}, Path(image).stem, origins[k])
               for k, image in enumerate(names)]
    first = Path(next(iter(captions.values())))
    corpus = ImageTextCorpus(records, name or first.stem, first)
    return _finish(corpus, on_missing, open_images)


def from_rows(rows: Iterable[Mapping[str, Any]], *, words: Mapping[str, str],
              tags: Mapping[str, str] | None = None, image: str = "image",
              label_names: Sequence[str] | None = None, name: str = "rows",
              on_missing: str = "error") -> ImageTextCorpus:
    """Image records from dict rows, e.g. a Hugging Face dataset with an ``Image`` feature
    (``datasets.load_dataset(...)`` iterates as dicts; the image is a Pillow image, a path or
    a ``{"path": ..., "bytes": ...}`` dict). ``words``/``tags`` name the column of each
    language; integer tags are looked up in ``label_names`` (the ``ClassLabel`` names)."""
    records = []
    for k, row in enumerate(rows):
        origin = f"{name}:{k + 1}"
        texts: dict[str, Sentence] = {}
        try:
            for lang, column in words.items():
                value: dict[str, Any] = {"words": list(row[column])}
                if tags and lang in tags:
                    raw = list(row[tags[lang]])
                    if raw and isinstance(raw[0], int):
                        if label_names is None:
                            raise ValueError(f"{lang}: integer tags need label_names")
                        raw = [label_names[t] for t in raw]
                    value["tags"] = raw
                texts[lang] = _sentence(value, origin, lang, False)[0]
        except (KeyError, ValueError, IndexError) as exc:
            raise InputError(f"row {k + 1}: {exc}", source=name) from None
        picture = row.get(image)
        if isinstance(picture, Mapping):
            picture = picture.get("path") or (_decode_bytes(picture["bytes"])
                                              if picture.get("bytes") else None)
        records.append(ImageRecord(picture, texts, {}, str(k), origin))
    return _finish(ImageTextCorpus(records, name), on_missing, True)


def _decode_bytes(data: bytes) -> Any:
    import io

    return require_pillow().open(io.BytesIO(data)).convert("RGB")


__all__ = ["IMAGE", "IMAGE_ORIGIN", "ImageProblem", "ImageRecord", "ImageTextCorpus",
           "from_rows", "image_problem", "is_url", "load_image", "read_captions",
           "read_image_jsonl", "require_pillow", "write_image_jsonl"]

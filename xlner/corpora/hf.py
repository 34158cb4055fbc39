"""Hugging Face datasets in and out (extra ``[hf]``: ``pip install 'xlner[hf]'``).

In: ``hf:<repo>[:<config>]:<split>`` (a hub repository or a local directory of data files, read
with ``datasets.load_dataset``), ``hf:<named corpus>`` (``hf:masakhaner2:hau:test``: the hub
dataset behind a named corpus), a ``save_to_disk`` directory (``DIR`` or ``DIR:<split>``), or
Parquet / JSON (lines) files. Word and tag columns are found by name (``tokens``/``words``,
``ner_tags``/``tags``/``labels``); integer tags take their names from the dataset's
``Sequence(ClassLabel)`` feature, else from the named corpus's known label set.

Out: :func:`to_dataset` builds a ``datasets.Dataset`` (``tokens`` + ``ner_tags`` as
``Sequence(ClassLabel)``, the signature in the dataset's description), :func:`save_dataset`
writes it as a ``save_to_disk`` directory plus ``<split>.parquet`` inside it (loadable by
``load_from_disk`` and by ``load_dataset("parquet", ...)``), :func:`push_dataset` uploads it.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlner.corpora.corpus import Corpus
from xlner.corpora.labels import LabelMap
from xlner.corpora.schemes import Scheme, decode, encode
from xlner.data import Sentence
from xlner.errors import ConfigError, CorpusNotFoundError, InputError, TagSequenceError

HINT = "Hugging Face datasets need the [hf] extra: pip install 'xlner[hf]'"
WORD_COLUMNS = ("tokens", "words", "token")
TAG_COLUMNS = ("ner_tags", "tags", "labels", "ner", "ner_labels")
DATA_SUFFIXES = {".parquet": "parquet", ".json": "json", ".jsonl": "json", ".arrow": "arrow"}

IOB2_4 = ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC")
IOB2_3 = IOB2_4[:7]
MASAKHANER_LABELS = (*IOB2_3, "B-DATE", "I-DATE")


@dataclass(frozen=True)
class HubCorpus:
    """Where a named corpus lives on the hub and its label names (index = tag id)."""

    repo: str
    config: str | None
    split: str
    labels: tuple[str, ...]


def _split(split: str) -> str:
    return {"dev": "validation"}.get(split, split)


def hub_corpus(name: str) -> HubCorpus:
    """The hub dataset of a named corpus: ``masakhaner2:hau:test`` → masakhane/masakhaner2,
    config ``hau``, split ``test``; also ``wikiann:<lang>:<split>`` (unimelb-nlp/wikiann),
    ``panx:<lang>:<split>`` (google/xtreme ``PAN-X.<lang>``), ``uner:<config>:<split>``
    (universalner/universal_ner, e.g. ``uner:de_pud:test``), ``conll2003:<split>``
    (eriktks/conll2003) and ``europarl-ner:<lang>`` (ShkalikovOleh/europarl-ner)."""
    kind, _, rest = name.partition(":")
    args = rest.split(":") if rest else []

    def need(n: int, usage: str) -> list[str]:
        if len(args) != n or not all(args):
            raise ConfigError(f"hub corpus {name!r}: expected {usage}")
        return args

    if kind == "masakhaner2":
        lang, split = need(2, "masakhaner2:<lang>:<train|dev|test>")
        return HubCorpus("masakhane/masakhaner2", lang, _split(split), MASAKHANER_LABELS)
    if kind == "wikiann":
        lang, split = need(2, "wikiann:<lang>:<train|dev|test>")
        return HubCorpus("unimelb-nlp/wikiann", lang, _split(split), IOB2_3)
    if kind == "panx":
        lang, split = need(2, "panx:<lang>:<train|dev|test>")
        return HubCorpus("google/xtreme", f"PAN-X.{lang}", _split(split), IOB2_3)
    if kind == "uner":
        config, split = need(2, "uner:<config, e.g. de_pud>:<split>")
        return HubCorpus("universalner/universal_ner", config, _split(split), IOB2_3)
    if kind == "conll2003":
        (split,) = need(1, "conll2003:<train|dev|test>")
        return HubCorpus("eriktks/conll2003", None, _split(split), IOB2_4)
    if kind == "europarl-ner":
        (lang,) = need(1, "europarl-ner:<lang>")
        return HubCorpus("ShkalikovOleh/europarl-ner", lang, "test", IOB2_4)
    raise ConfigError(f"no hub dataset is known for {name!r}; known: masakhaner2, wikiann, "
                      "panx, uner, conll2003, europarl-ner")


def _datasets() -> Any:
    try:
        import datasets
    except ImportError:
        raise ConfigError(HINT) from None
    return datasets


def is_hf_spec(text: str) -> bool:
    """``hf:...``, a ``save_to_disk`` directory (optionally ``:split``), or data files."""
    if text.startswith("hf:"):
        return True
    path = Path(text)
    if path.suffix.lower() in (".parquet", ".arrow") and path.is_file():
        return True
    if path.suffix.lower() in (".json", ".jsonl") and path.is_file():
        return True
    directory, sep, split = text.rpartition(":")
    base = Path(directory) if sep and split and not Path(text).exists() else path
    return base.is_dir() and _is_saved(base)


def load_hf(spec: str, *, label_map: LabelMap | None = None, repair: bool = False,
            scheme: Scheme | str = Scheme.IOB2, labels: Sequence[str] | None = None) -> Corpus:
    """A labelled corpus from a dataset spec (see the module docstring)."""
    datasets = _datasets()
    default_labels: tuple[str, ...] | None = tuple(labels) if labels else None
    if spec.startswith("hf:"):
        rest = spec[3:]
        kind = rest.partition(":")[0]
        if kind in {"masakhaner2", "wikiann", "panx", "uner", "conll2003", "europarl-ner"}:
            hub = hub_corpus(rest)
            ds = _load_hub(datasets, hub.repo, hub.config, hub.split, spec)
            default_labels = default_labels or hub.labels
        else:
            parts = rest.split(":")
            if len(parts) == 1 and Path(parts[0]).exists():
                return load_hf(parts[0], label_map=label_map, repair=repair, scheme=scheme,
                               labels=labels)
            if len(parts) not in (2, 3) or not all(parts):
                raise ConfigError(f"dataset spec {spec!r}: expected hf:<repo>[:<config>]:"
                                  "<split> or hf:<named corpus> (e.g. hf:masakhaner2:hau:test)")
            repo, config, split = (parts[0], None, parts[1]) if len(parts) == 2 else parts
            if Path(repo).is_dir() and _is_saved(Path(repo)):
                ds = _load_disk(datasets, Path(repo), split, spec)
            else:
                ds = _load_hub(datasets, repo, config, split, spec)
    else:
        path = Path(spec)
        if path.is_file():
            builder = DATA_SUFFIXES.get(path.suffix.lower())
            if builder is None:
                raise InputError("not a Parquet, JSON or Arrow file", source=path)
            try:
                ds = datasets.load_dataset(builder, data_files=str(path), split="train")
            except Exception as exc:  # datasets raises many types for unreadable files
                raise InputError(f"cannot read as {builder}: {exc}", source=path) from None
        else:
            directory, _, split = spec.rpartition(":")
            base = path if path.is_dir() else Path(directory)
            ds = _load_disk(datasets, base, None if path.is_dir() else split, spec)
    return dataset_to_corpus(ds, name=spec, label_map=label_map, repair=repair, scheme=scheme,
                             labels=default_labels)


def _is_saved(path: Path) -> bool:
    return (path / "dataset_dict.json").is_file() or (path / "state.json").is_file()


def _load_hub(datasets: Any, repo: str, config: str | None, split: str, spec: str) -> Any:
    try:
        return datasets.load_dataset(repo, config, split=split)
    except Exception as exc:  # network, missing repo, bad split: one clear error
        raise CorpusNotFoundError(f"dataset {spec!r} (load_dataset({repo!r}, {config!r}, "
                                  f"split={split!r})) could not be loaded: {exc}") from None


def _load_disk(datasets: Any, path: Path, split: str | None, spec: str) -> Any:
    try:
        ds = datasets.load_from_disk(str(path))
    except Exception as exc:
        raise CorpusNotFoundError(f"{path}: not a saved dataset ({exc})") from None
    if isinstance(ds, datasets.DatasetDict):
        if split is None:
            if len(ds) != 1:
                raise ConfigError(f"{spec}: the dataset has splits {sorted(ds)}; name one "
                                  f"as {path}:<split>")
            split = next(iter(ds))
        split = split if split in ds else _split(split)
        if split not in ds:
            raise ConfigError(f"{spec}: no split {split!r}; the dataset has {sorted(ds)}")
        return ds[split]
    return ds


def _column(names: Sequence[str], wanted: tuple[str, ...], what: str, spec: str) -> str:
    for name in wanted:
        if name in names:
            return name
    raise InputError(f"no {what} column (looked for {', '.join(wanted)}; the dataset has "
                     f"{', '.join(names)})", source=spec)


def tag_names(feature: Any) -> list[str] | None:
    """Label names of a ``Sequence(ClassLabel)`` / ``List(ClassLabel)`` feature, else None."""
    inner = getattr(feature, "feature", None)
    names = getattr(inner, "names", None)
    return list(names) if names else None


def dataset_to_corpus(ds: Any, *, name: str, label_map: LabelMap | None = None,
                      repair: bool = False, scheme: Scheme | str = Scheme.IOB2,
                      labels: Sequence[str] | None = None) -> Corpus:
    """A :class:`Corpus` of one dataset split; rows are checked like CoNLL lines (row numbers
    in errors are 1-based)."""
    scheme = Scheme.parse(scheme)
    columns = list(ds.column_names)
    words_col = _column(columns, WORD_COLUMNS, "word", name)
    tag_col = next((c for c in TAG_COLUMNS if c in columns), None)
    names = tag_names(ds.features[tag_col]) if tag_col else None
    if names is None and labels:
        names = list(labels)
    sentences: list[Sentence] = []
    repairs = 0
    words_all = ds[words_col]
    tags_all = ds[tag_col] if tag_col else [None] * len(words_all)
    for row, (words, tags) in enumerate(zip(words_all, tags_all, strict=True), 1):
        origin = f"{name}:row {row}"
        if not words:
            raise InputError("empty sentence", source=name, line=row)
        if any(not isinstance(w, str) or not w for w in words):
            raise InputError("empty or non-text word", source=name, line=row)
        entities: tuple[Any, ...] = ()
        if tags is not None:
            if len(tags) != len(words):
                raise InputError(f"{len(words)} words but {len(tags)} tags", source=name,
                                 line=row)
            if tags and not isinstance(tags[0], str):
                if names is None:
                    raise InputError("integer tags without label names (no ClassLabel "
                                     "feature; pass labels=...)", source=name, line=row)
                try:
                    tags = [names[t] for t in tags]
                except IndexError:
                    raise InputError(f"tag id out of range for {len(names)} label names",
                                     source=name, line=row) from None
            try:
                decoded = decode(tags, scheme, repair=repair)
            except TagSequenceError as exc:
                raise TagSequenceError(f"{exc.message} (word {exc.line})", source=name,
                                       line=row) from None
            repairs += decoded.repairs
            entities = tuple(decoded.entities)
            if label_map is not None:
                entities = label_map.apply(entities)
        sentences.append(Sentence(tuple(words), entities, origin))
    corpus = Corpus(sentences, name=name, repairs=repairs)
    if label_map is not None and not label_map.is_identity:
        corpus.meta["label_map"] = label_map.describe()
    fingerprint = getattr(ds, "_fingerprint", None)
    if fingerprint:
        corpus.meta["fingerprint"] = fingerprint
    return corpus


def label_names(corpora: Sequence[Sequence[Sentence]],
                classes: Sequence[str] | None = None) -> list[str]:
    """IOB2 label names ``O, B-X, I-X, ...`` for the classes present (sorted) or given."""
    found = classes or sorted({e.label for c in corpora for s in c for e in s.entities})
    return ["O", *[f"{p}-{c}" for c in found for p in ("B", "I")]]


def to_dataset(sentences: Sequence[Sentence], *, signature: dict[str, Any] | None = None,
               classes: Sequence[str] | None = None) -> Any:
    """A ``datasets.Dataset`` with ``id``, ``tokens`` and ``ner_tags`` (Sequence of ClassLabel,
    IOB2); the signature is stored as JSON in ``info.description``."""
    datasets = _datasets()
    names = label_names([sentences], classes)
    index = {n: i for i, n in enumerate(names)}
    features = datasets.Features({
        "id": datasets.Value("string"),
        "tokens": datasets.Sequence(datasets.Value("string")),
        "ner_tags": datasets.Sequence(datasets.ClassLabel(names=names)),
    })
    try:
        rows = {
            "id": [str(i) for i in range(len(sentences))],
            "tokens": [list(s.words) for s in sentences],
            "ner_tags": [[index[t] for t in encode(s.entities, len(s.words), Scheme.IOB2)]
                         for s in sentences],
        }
    except KeyError as exc:
        raise ConfigError(f"class {exc} is not among the dataset's classes {classes}") from None
    info = datasets.DatasetInfo(
        description=json.dumps({"xlner_signature": signature}, ensure_ascii=False)
        if signature else "", features=features)
    return datasets.Dataset.from_dict(rows, features=features, info=info)


def dataset_signature(ds: Any) -> dict[str, Any] | None:
    """The signature :func:`to_dataset` stored, or None."""
    try:
        data = json.loads(ds.info.description or "null")
    except (json.JSONDecodeError, TypeError):
        return None
    return data.get("xlner_signature") if isinstance(data, dict) else None


def save_dataset(sentences: Sequence[Sentence], out: str | Path, *,
                 signature: dict[str, Any] | None = None, split: str = "train",
                 classes: Sequence[str] | None = None) -> Any:
    """Write ``out/`` as a ``DatasetDict`` (``save_to_disk``) holding ``split``, plus
    ``out/data/<split>.parquet``, atomically (a failed write leaves any old ``out`` intact).
    Returns the ``DatasetDict``."""
    datasets = _datasets()
    ds = to_dataset(sentences, signature=signature, classes=classes)
    dd = datasets.DatasetDict({split: ds})
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        with _quiet(datasets):
            dd.save_to_disk(str(tmp / "ds"))
        (tmp / "ds" / "data").mkdir()
        _write_parquet(ds, tmp / "ds" / "data" / f"{split}.parquet", signature)
        if out.exists():
            old = out.with_name(f".{out.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            out.rename(old)
            (tmp / "ds").rename(out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            (tmp / "ds").rename(out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dd


@contextlib.contextmanager
def _quiet(datasets: Any) -> Iterator[None]:
    """No ``datasets`` progress bars while writing (ours report the step instead)."""
    enabled = datasets.is_progress_bar_enabled()
    datasets.disable_progress_bars()
    try:
        yield
    finally:
        if enabled:
            datasets.enable_progress_bars()


def _write_parquet(ds: Any, path: Path, signature: dict[str, Any] | None) -> None:
    """Parquet with the ``huggingface`` features metadata (``load_dataset`` restores the
    ClassLabel names from it) and the signature under ``xlner_signature``."""
    import pyarrow.parquet as pq

    table = ds.data.table
    meta = dict(table.schema.metadata or {})
    if signature:
        meta[b"xlner_signature"] = json.dumps(signature, ensure_ascii=False).encode()
    pq.write_table(table.replace_schema_metadata(meta), str(path))


def parquet_signature(path: str | Path) -> dict[str, Any] | None:
    """The signature :func:`save_dataset` stored in a Parquet file's metadata, or None."""
    import pyarrow.parquet as pq

    meta = pq.read_schema(str(path)).metadata or {}
    raw = meta.get(b"xlner_signature")
    return None if raw is None else dict(json.loads(raw))


def push_dataset(sentences: Sequence[Sentence], repo: str, *,
                 signature: dict[str, Any] | None = None, split: str = "train",
                 private: bool = False) -> Any:
    """Upload the dataset :func:`to_dataset` builds to the hub as ``repo`` (needs a token)."""
    datasets = _datasets()
    dd = datasets.DatasetDict({split: to_dataset(sentences, signature=signature)})
    dd.push_to_hub(repo, private=private)
    return dd


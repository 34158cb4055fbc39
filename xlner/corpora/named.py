"""Named corpora: ``europarl-ner:de``, ``uner-pud:ru``, ``masakhaner2:hau:test``,
``conll2003:train``, ``wikiann:de:dev``, ``bitext:en-de``, ``flores200:hau_Latn``,
``nllb-conll2003:hau:en``.

A name resolves to a file in the data directory (``--data-dir`` or ``$XLNER_DATA_DIR``; layout as
in ``shared/data``). When it is not there, the canonical source is downloaded once into the cache
(``$XLNER_CACHE_DIR/data``, same layout). ``$XLNER_MIRROR`` replaces the scheme and host of every
download URL (for mirrors and for tests against a local server).
"""

from __future__ import annotations

import os
import shutil
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from xlner.cache import cache_dir
from xlner.corpora.conll import read_conll
from xlner.corpora.corpus import Corpus
from xlner.corpora.detect import Format, detect_format
from xlner.corpora.hf import is_hf_spec, load_hf
from xlner.corpora.labels import LabelMap
from xlner.corpora.schemes import Scheme
from xlner.corpora.text import Bitext, bitext_pairs_in, read_bitext, read_text
from xlner.errors import ConfigError, CorpusNotFoundError, InputError, XlnerError
from xlner.files import atomic_write

GITHUB = "https://raw.githubusercontent.com"
EUROPARL = f"{GITHUB}/ixa-ehu/ner-evaluation-corpus-europarl/master/{{lang}}-europarl.test.conll02"
MASAKHANER2 = f"{GITHUB}/masakhane-io/masakhane-ner/main/MasakhaNER2.0/data/{{lang}}/{{split}}.txt"
MAFAND = f"{GITHUB}/masakhane-io/lafand-mt/main/data/text_files/en-{{lang}}/{{split}}.{{side}}"
OPUS_TESTSETS = (f"{GITHUB}/Helsinki-NLP/OPUS-MT-testsets/master/testsets/"
                 "en-{lang}/{name}.{side}")
TPROJECTION = (f"{GITHUB}/ikergarcia1996/T-Projection/main/datasets/masakhaNER_projections/"
               "{lang}.train.txt")
UNER_PUD = f"{GITHUB}/UniversalNER/UNER_{{language}}-PUD/master/{{lang}}_pud-ud-test.iob2"
UNER_PUD_LANGUAGES = {"en": "English", "de": "German", "pt": "Portuguese", "ru": "Russian",
                      "sv": "Swedish", "zh": "Chinese"}
"""Languages of Universal NER v1 with a PUD test set (the same 1000 sentences in each)."""
CONLL2003_SPLITS = {"train": "train.txt", "dev": "dev.txt", "validation": "dev.txt",
                    "test": "test.txt", "test.conllpp": "test.conllpp.txt",
                    "conllpp": "test.conllpp.txt"}
WMT_TESTSETS = ["news-test2008"] + [f"newstest{y}" for y in range(2009, 2021)] \
    + ["tatoeba-test-v2021-08-07"]
HUB_NAMES = {"europarl-ner": "ShkalikovOleh/europarl-ner",
             "uner-pud": "universalner/universal_ner", "masakhaner2": "masakhane/masakhaner2",
             "conll2003": "eriktks/conll2003", "wikiann": "google/xtreme (PAN-X.<lang>)"}


def default_data_dir(explicit: str | Path | None = None) -> Path | None:
    """The offline data directory: the option, else ``$XLNER_DATA_DIR``, else none."""
    if explicit is not None:
        return Path(explicit)
    env = os.environ.get("XLNER_DATA_DIR")
    return Path(env) if env else None


def download_dir() -> Path:
    return cache_dir() / "data"


def mirrored(url: str) -> str:
    mirror = os.environ.get("XLNER_MIRROR")
    if not mirror:
        return url
    parts = urllib.parse.urlsplit(url)
    return mirror.rstrip("/") + parts.path


def download(url: str, target: Path, timeout: float = 60.0) -> Path:
    """Fetch ``url`` into ``target`` atomically (a partial download never stays)."""
    url = mirrored(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(tmp, "wb") as out:
            shutil.copyfileobj(response, out)
        os.replace(tmp, target)
    except (urllib.error.URLError, OSError) as exc:
        tmp.unlink(missing_ok=True)
        raise CorpusNotFoundError(f"download of {url} failed: {exc}") from None
    return target


def uner_iob2_to_conll(path: Path, target: Path) -> Path:
    """Convert a Universal NER ``.iob2`` file (``# comment`` lines, then ``index<TAB>word<TAB>
    tag<TAB>...`` per word, blank line between sentences) to ``word<TAB>tag`` CoNLL,
    atomically. A word line without an integer index and a tag fails with file and line."""
    out: list[str] = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            line = line.rstrip("\r\n")
            if line.startswith("#"):
                continue
            if not line.strip():
                if out and out[-1] != "\n":
                    out.append("\n")
                continue
            cols = line.split("\t")
            if len(cols) < 3 or not cols[0].isdigit() or not cols[1]:
                raise InputError(f"{path}:{number}: expected index<TAB>word<TAB>tag, got "
                                 f"{line[:60]!r}")
            out.append(f"{cols[1]}\t{cols[2]}\n")
    if out and out[-1] != "\n":
        out.append("\n")
    with atomic_write(target) as handle:
        handle.writelines(out)
    return target


def fetch(src: Source, target: Path) -> Path:
    """Download ``src`` into ``target``, converted as the source says (the downloaded file is
    kept beside it under its own name, so that an error can name it)."""
    assert src.url is not None
    if src.convert is None:
        return download(src.url, target)
    raw = download(src.url, target.with_name(src.url.rsplit("/", 1)[-1]))
    return uner_iob2_to_conll(raw, target)


@dataclass(frozen=True)
class Source:
    """Where one file of a named corpus lives: its path in the data layout and its URL."""

    relpath: str
    url: str | None
    convert: str | None = None
    """How the downloaded file becomes ``relpath`` (``uner-iob2``); ``None``: as it is."""


def _parse(name: str) -> tuple[str, list[str]]:
    kind, _, rest = name.partition(":")
    return kind, [p for p in rest.split(":")] if rest else []


def sources(name: str) -> list[Source]:
    """The files behind a corpus name, in the data-directory layout."""
    kind, args = _parse(name)

    def need(n: int, usage: str) -> list[str]:
        if len(args) != n or not all(args):
            raise ConfigError(f"corpus name {name!r}: expected {usage}")
        return args

    if kind == "europarl-ner":
        (lang,) = need(1, "europarl-ner:<lang>")
        return [Source(f"europarl-ner/{lang}.conll", EUROPARL.format(lang=lang))]
    if kind == "uner-pud":
        (lang,) = need(1, "uner-pud:<lang>")
        language = UNER_PUD_LANGUAGES.get(lang)
        url = UNER_PUD.format(language=language, lang=lang) if language else None
        return [Source(f"uner-pud/{lang}.conll", url, "uner-iob2")]
    if kind == "masakhaner2":
        lang, split = need(2, "masakhaner2:<lang>:<train|dev|test>")
        _split_in(split, ("train", "dev", "test"), name)
        return [Source(f"masakhaner2/{lang}/{split}.txt",
                       MASAKHANER2.format(lang=lang, split=split))]
    if kind == "conll2003":
        (split,) = need(1, "conll2003:<train|dev|test|test.conllpp>")
        _split_in(split, tuple(CONLL2003_SPLITS), name)
        return [Source(f"conll2003/{CONLL2003_SPLITS[split]}", None)]
    if kind == "wikiann":
        lang, split = need(2, "wikiann:<lang>:<dev|train>")
        _split_in(split, ("dev", "train"), name)
        return [Source(f"wikiann/{split}-{lang}.tsv", None)]
    if kind == "flores200":
        (code,) = need(1, "flores200:<nllb code, e.g. hau_Latn>")
        return [Source(f"flores200/{code}.devtest", None)]
    if kind == "nllb-conll2003":
        lang, side = need(2, "nllb-conll2003:<lang>:<en|tprojection>")
        _split_in(side, ("en", "tprojection"), name)
        if side == "en":
            return [Source(f"nllb-conll2003/{lang}.en.conll", None)]
        return [Source(f"nllb-conll2003/{lang}.nllb.tprojection.conll",
                       TPROJECTION.format(lang=lang))]
    if kind == "bitext":
        (pair,) = need(1, "bitext:en-<lang>")
        src, _, tgt = pair.partition("-")
        if src != "en" or not tgt:
            raise ConfigError(f"corpus name {name!r}: expected bitext:en-<lang>")
        if tgt in ("de", "es", "it", "fr"):
            return [Source(f"bitext/en-{tgt}/{test}.{side}",
                           OPUS_TESTSETS.format(lang=tgt, name=test, side=side))
                    for test in WMT_TESTSETS for side in ("en", tgt)]
        return [Source(f"bitext/en-{tgt}/mafand-{split}.{side}",
                       MAFAND.format(lang=tgt, split=split, side=side))
                for split in ("train", "dev", "test") for side in ("en", tgt)]
    raise ConfigError(f"unknown corpus {name!r}; known kinds: europarl-ner, uner-pud, "
                      "masakhaner2, conll2003, wikiann, flores200, nllb-conll2003, bitext")


def _split_in(split: str, allowed: tuple[str, ...], name: str) -> None:
    if split not in allowed:
        raise ConfigError(f"corpus name {name!r}: split {split!r} is not one of {allowed}")


def is_corpus_name(text: str) -> bool:
    kind = text.partition(":")[0]
    return ":" in text and kind in {"europarl-ner", "uner-pud", "masakhaner2", "conll2003",
                                     "wikiann", "flores200", "nllb-conll2003", "bitext"}


def resolve(name: str, *, data_dir: str | Path | None = None, download_missing: bool = True,
            optional: bool = False) -> list[Path]:
    """Local paths of a corpus's files, downloading missing ones when a URL is known.

    ``optional`` (bitext) skips files that are neither present nor downloadable, as long as at
    least one is found.
    """
    base = default_data_dir(data_dir)
    found: list[Path] = []
    missing: list[Source] = []
    for src in sources(name):
        candidates = [p for p in (base / src.relpath if base else None,
                                  download_dir() / src.relpath) if p is not None]
        path = next((p for p in candidates if p.is_file()), None)
        if path is None and download_missing and src.url is not None:
            try:
                path = fetch(src, download_dir() / src.relpath)
            except CorpusNotFoundError:
                if not optional:
                    raise
        if path is None:
            missing.append(src)
        else:
            found.append(path)
    if missing and (not optional or not found):
        where = f"{base}" if base else "no data directory (set --data-dir or XLNER_DATA_DIR)"
        hub = HUB_NAMES.get(name.partition(":")[0])
        hint = f"; it is on the Hugging Face hub as {hub}" if hub else ""
        raise CorpusNotFoundError(
            f"corpus {name!r} not found: looked for {missing[0].relpath} in {where} and in "
            f"{download_dir()}" + ("" if download_missing else " (downloads disabled)")
            + ("; no download source is known for it" if missing[0].url is None else "")
            + hint)
    return found


def load_corpus(name_or_path: str | Path, *, data_dir: str | Path | None = None,
                download_missing: bool = True, label_map: LabelMap | None = None,
                scheme: Scheme | str = Scheme.IOB2, repair: bool = False,
                skip_empty_words: bool = False) -> Corpus:
    """A labelled corpus by name or path (CoNLL; ``.txt`` paths that are not CoNLL are text), or
    a Hugging Face dataset (``hf:<repo>[:<config>]:<split>``, ``hf:masakhaner2:hau:test``, a
    ``save_to_disk`` directory, Parquet/JSON files; see :mod:`xlner.corpora.hf`).
    ``skip_empty_words``: see :func:`~xlner.corpora.conll.read_conll`."""
    text = str(name_or_path)
    if is_hf_spec(text):
        return load_hf(text, label_map=label_map, repair=repair, scheme=scheme)
    if is_corpus_name(text):
        kind = text.partition(":")[0]
        if kind == "bitext":
            raise ConfigError(f"{text!r} is a bitext; use load_bitext")
        (path,) = resolve(text, data_dir=data_dir, download_missing=download_missing)
        if kind == "flores200":
            return read_text(path, tokenizer="xlner", name=text)
        corpus = read_conll(path, scheme=scheme, repair=repair, label_map=label_map, name=text,
                            skip_empty_words=skip_empty_words)
        return corpus
    path = Path(text)
    if not path.exists():
        raise CorpusNotFoundError(f"{text}: no such file, and not a corpus name "
                                  "(e.g. europarl-ner:de, masakhaner2:hau:test)")
    return read_conll(path, scheme=scheme, repair=repair, label_map=label_map,
                      skip_empty_words=skip_empty_words)


def load_bitext(specs: Sequence[str | Path], *, data_dir: str | Path | None = None,
                download: bool = True, tokenizer: str = "xlner", limit: int | None = None,
                max_words: int | None = None) -> Bitext:
    """Extra parallel text for aligners: ``bitext:en-<lang>`` names or directories of
    ``X.<src>``/``X.<tgt>`` pairs (``DIR`` or ``DIR:en-de`` to name the languages); ``limit``
    and ``max_words`` as :func:`~xlner.corpora.text.read_bitext` takes them."""
    pairs = bitext_files(specs, data_dir=data_dir, download=download)
    return read_bitext(pairs, tokenizer=tokenizer, name="+".join(map(str, specs)),
                       limit=limit, max_words=max_words)


def bitext_files(specs: Sequence[str | Path], *, data_dir: str | Path | None = None,
                 download: bool = True) -> list[tuple[Path, Path]]:
    """The file pairs behind bitext specs (see :func:`load_bitext`), without reading them."""
    pairs: list[tuple[Path, Path]] = []
    for spec in specs:
        text = str(spec)
        if text.startswith("bitext:"):
            sources(text)  # validates the name
            src, _, tgt = text.partition(":")[2].partition("-")
            base = default_data_dir(data_dir)
            local = base / "bitext" / f"{src}-{tgt}" if base else None
            if local is not None and local.is_dir():
                pairs += bitext_pairs_in(local, src, tgt)  # every pair the data dir holds
                continue
            files = resolve(text, data_dir=data_dir, download_missing=download, optional=True)
            by_name = {p.name: p for p in files}
            pairs += [(p, by_name[p.with_suffix(f".{tgt}").name]) for p in files
                      if p.suffix == f".{src}" and p.with_suffix(f".{tgt}").name in by_name]
        else:
            directory, _, langs = text.partition(":") if not Path(text).exists() \
                else (text, "", "")
            src, _, tgt = (langs or "").partition("-")
            if not langs:
                suffixes = sorted({p.suffix[1:] for p in Path(directory).glob("*.*")})
                if "en" not in suffixes or len(suffixes) != 2:
                    raise ConfigError(f"bitext directory {directory}: name the languages as "
                                      f"{directory}:en-<lang> (found suffixes {suffixes})")
                src, tgt = "en", next(s for s in suffixes if s != "en")
            pairs += bitext_pairs_in(directory, src, tgt)
    if not pairs:
        raise XlnerError(f"no bitext files found for {', '.join(map(str, specs))}")
    return pairs


def load_input(spec: str | Path, *, data_dir: str | Path | None = None, download: bool = True,
               label_map: LabelMap | str | None = None, scheme: Scheme | str = Scheme.IOB2,
               repair: bool = False, tokenize: str = "whitespace",
               labelled: bool | None = None, skip_empty_words: bool = False,
               encoding: str = "utf-8", allow_empty: bool = False,
               role: str | None = None) -> Corpus:
    """A corpus from a name or a file whose format (labelled CoNLL, words-only CoNLL, text)
    is detected from its content, whatever its name (:mod:`xlner.corpora.detect`).

    ``labelled=True``: a role that needs labels; an unlabelled file (text, one column) is an
    error naming ``role``. ``labelled=False``: labels, if any, are not read. ``label_map``
    renames or drops classes (``"MISC=O"``); ``skip_empty_words``: see
    :func:`~xlner.corpora.conll.read_conll`. An input with no sentences is an error unless
    ``allow_empty``."""
    if not isinstance(label_map, LabelMap):
        label_map = LabelMap.parse(label_map)
    text = str(spec)
    what = f"--{role}" if role else "input"
    if is_corpus_name(text) and labelled is False and text.partition(":")[0] not in (
            "flores200", "bitext"):
        (path,) = resolve(text, data_dir=data_dir, download_missing=download)
        corpus = read_conll(path, labelled=False, name=text)  # the words only: tags unread
    elif is_corpus_name(text) or is_hf_spec(text):
        corpus = load_corpus(text, data_dir=data_dir, download_missing=download,
                             label_map=label_map, scheme=scheme, repair=repair,
                             skip_empty_words=skip_empty_words)
        if labelled and text.partition(":")[0] == "flores200":
            raise InputError(f"{text} is plain text; {what} needs labelled CoNLL")
    else:
        corpus = _read_file(Path(text), what, label_map=label_map, scheme=scheme,
                            repair=repair, tokenize=tokenize, labelled=labelled,
                            skip_empty_words=skip_empty_words, encoding=encoding,
                            allow_empty=allow_empty)
    if not len(corpus) and not allow_empty:
        raise InputError(f"{what} has no sentences (--allow-empty to accept an empty input)",
                         source=corpus.path or text)
    return corpus


def _read_file(path: Path, what: str, *, label_map: LabelMap, scheme: Scheme | str,
               repair: bool, tokenize: str, labelled: bool | None, skip_empty_words: bool,
               encoding: str, allow_empty: bool) -> Corpus:
    fmt = detect_format(path, encoding)
    if fmt is Format.EMPTY and not allow_empty:
        raise InputError(f"{what} has no sentences (--allow-empty to accept an empty "
                         "input)", source=path)
    if fmt is Format.TEXT:
        if labelled:
            raise InputError(
                f"{what} needs labelled CoNLL (word and tag columns, a blank line between "
                "sentences) but this reads as plain text (one sentence a line)", source=path)
        return read_text(path, tokenizer=tokenize, encoding=encoding)
    if labelled and fmt is Format.WORDS:
        raise InputError(f"{what} needs labelled CoNLL but this file has one column "
                         "(words only, no tags)", source=path)
    return read_conll(path, scheme=scheme, repair=repair, label_map=label_map,
                      labelled=labelled if labelled is not None else fmt is Format.CONLL,
                      encoding=encoding, skip_empty_words=skip_empty_words)

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from xlner.corpora.named import load_bitext, load_corpus, resolve, sources
from xlner.data import Entity
from xlner.errors import ConfigError, CorpusNotFoundError, InputError

CONLL = "Angela\tB-PER\nMerkel\tI-PER\nspoke\tO\n\nin\tO\nBerlin\tB-LOC\n"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path, list[str]]]:
    """A local HTTP server on 127.0.0.1 serving a folder the test fills; logs request paths."""
    root = tmp_path / "www"
    root.mkdir()
    requests: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            requests.append(self.path)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                            partial(Handler, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", root, requests
    finally:
        httpd.shutdown()


def test_resolves_from_data_dir_layout(tmp_path: Path) -> None:
    (tmp_path / "europarl-ner").mkdir()
    (tmp_path / "europarl-ner" / "de.conll").write_text(CONLL, encoding="utf-8")
    corpus = load_corpus("europarl-ner:de", data_dir=tmp_path, download_missing=False)
    assert corpus.name == "europarl-ner:de"
    assert corpus[0].entities == (Entity(0, 2, "PER"),)


def test_data_dir_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "masakhaner2" / "hau").mkdir(parents=True)
    (tmp_path / "masakhaner2" / "hau" / "test.txt").write_text("Kano B-LOC\n", encoding="utf-8")
    monkeypatch.setenv("XLNER_DATA_DIR", str(tmp_path))
    assert load_corpus("masakhaner2:hau:test", download_missing=False)[0].entities == (
        Entity(0, 1, "LOC"),)


def test_downloads_canonical_file_into_cache(server: tuple[str, Path, list[str]],
                                            monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    url, root, requests = server
    remote = root / "ixa-ehu" / "ner-evaluation-corpus-europarl" / "master"
    remote.mkdir(parents=True)
    (remote / "es-europarl.test.conll02").write_text(CONLL, encoding="utf-8")
    monkeypatch.setenv("XLNER_MIRROR", url)
    empty = tmp_path / "empty"
    empty.mkdir()
    corpus = load_corpus("europarl-ner:es", data_dir=empty)
    assert corpus[1].entities == (Entity(1, 2, "LOC"),)
    assert requests == ["/ixa-ehu/ner-evaluation-corpus-europarl/master/es-europarl.test.conll02"]
    # second use reads the cache, no new request
    load_corpus("europarl-ner:es", data_dir=empty)
    assert len(requests) == 1


def test_failed_download_leaves_no_partial_file(server: tuple[str, Path, list[str]],
                                                monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    url, _, _ = server
    monkeypatch.setenv("XLNER_MIRROR", url)
    with pytest.raises(CorpusNotFoundError, match="download"):
        load_corpus("masakhaner2:yor:dev", data_dir=tmp_path)
    assert not any(Path(p).name.endswith(".part") for p in tmp_path.rglob("*"))


def test_not_present_and_not_downloadable(tmp_path: Path) -> None:
    with pytest.raises(CorpusNotFoundError) as info:
        load_corpus("conll2003:train", data_dir=tmp_path)
    message = str(info.value)
    assert "conll2003/train.txt" in message and "eriktks/conll2003" in message


def test_downloads_disabled(tmp_path: Path) -> None:
    with pytest.raises(CorpusNotFoundError, match="downloads disabled"):
        load_corpus("europarl-ner:it", data_dir=tmp_path, download_missing=False)


@pytest.mark.parametrize("name", ["europarl-ner", "masakhaner2:hau", "masakhaner2:hau:tune",
                                  "wikiann:de:test", "bitext:de-en", "nope:x", "conll2003:x"])
def test_invalid_names(name: str) -> None:
    with pytest.raises(ConfigError):
        sources(name)


def test_bitext_by_name_downloads_available_files(server: tuple[str, Path, list[str]],
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    url, root, _ = server
    remote = root / "masakhane-io" / "lafand-mt" / "main" / "data" / "text_files" / "en-hau"
    remote.mkdir(parents=True)
    (remote / "dev.en").write_text("Hello world .\n", encoding="utf-8")
    (remote / "dev.hau").write_text("Sannu duniya .\n", encoding="utf-8")
    monkeypatch.setenv("XLNER_MIRROR", url)
    bt = load_bitext(["bitext:en-hau"], data_dir=tmp_path)
    assert bt.source == [("Hello", "world", ".")]
    assert bt.target == [("Sannu", "duniya", ".")]


def test_bitext_from_local_layout_and_directory(tmp_path: Path) -> None:
    d = tmp_path / "bitext" / "en-xx"
    d.mkdir(parents=True)
    (d / "a.en").write_text("one\n", encoding="utf-8")
    (d / "a.xx").write_text("uno\n", encoding="utf-8")
    assert len(load_bitext([str(d)])) == 1
    assert len(load_bitext([f"{d}:en-xx"])) == 1
    # a name uses every file pair the data directory holds for the pair
    (d / "b.en").write_text("two\nthree\n", encoding="utf-8")
    (d / "b.xx").write_text("dos\ntres\n", encoding="utf-8")
    bt = load_bitext(["bitext:en-xx"], data_dir=tmp_path, download=False)
    assert bt.source == [("one",), ("two",), ("three",)]


def test_bitext_name_missing_everywhere(tmp_path: Path) -> None:
    with pytest.raises(CorpusNotFoundError):
        resolve("bitext:en-zul", data_dir=tmp_path, download_missing=False, optional=True)


def test_bitext_directory_with_ambiguous_languages(tmp_path: Path) -> None:
    for name in ("a.en", "a.de", "a.fr"):
        (tmp_path / name).write_text("x\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="name the languages"):
        load_bitext([str(tmp_path)])


UNER_IOB2 = ("# sent_id = n01001011\n# text = Angela Merkel spoke\n"
             "1\tAngela\tB-PER\t-\t-\n2\tMerkel\tI-PER\t-\t-\n3\tspoke\tO\t-\t-\n\n"
             "# sent_id = n01001012\n1\tin\tO\t-\t-\n2\tBerlin\tB-LOC\t-\t-\n")


def test_uner_pud_downloads_and_converts_the_iob2_file(server: tuple[str, Path, list[str]],
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    url, root, requests = server
    remote = root / "UniversalNER" / "UNER_Russian-PUD" / "master"
    remote.mkdir(parents=True)
    (remote / "ru_pud-ud-test.iob2").write_text(UNER_IOB2, encoding="utf-8")
    monkeypatch.setenv("XLNER_MIRROR", url)
    monkeypatch.setenv("XLNER_CACHE_DIR", str(tmp_path / "cache"))
    corpus = load_corpus("uner-pud:ru", data_dir=tmp_path / "empty")
    assert [s.words for s in corpus] == [("Angela", "Merkel", "spoke"), ("in", "Berlin")]
    assert [s.entities for s in corpus] == [(Entity(0, 2, "PER"),), (Entity(1, 2, "LOC"),)]
    assert requests == ["/UniversalNER/UNER_Russian-PUD/master/ru_pud-ud-test.iob2"]
    cached = tmp_path / "cache" / "data" / "uner-pud"
    assert sorted(p.name for p in cached.iterdir()) == ["ru.conll", "ru_pud-ud-test.iob2"]


def test_uner_pud_local_file_wins_and_bad_iob2_names_the_line(
        server: tuple[str, Path, list[str]], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    (tmp_path / "uner-pud").mkdir()
    (tmp_path / "uner-pud" / "de.conll").write_text(CONLL, encoding="utf-8")
    assert len(load_corpus("uner-pud:de", data_dir=tmp_path, download_missing=False)) == 2
    url, root, _ = server
    remote = root / "UniversalNER" / "UNER_German-PUD" / "master"
    remote.mkdir(parents=True)
    (remote / "de_pud-ud-test.iob2").write_text("1\tok\tO\nBroken line\n", encoding="utf-8")
    monkeypatch.setenv("XLNER_MIRROR", url)
    monkeypatch.setenv("XLNER_CACHE_DIR", str(tmp_path / "cache"))
    with pytest.raises(InputError, match=r"de_pud-ud-test.iob2.*:2"):
        load_corpus("uner-pud:de", data_dir=tmp_path / "empty")
    assert not (tmp_path / "cache" / "data" / "uner-pud" / "de.conll").exists()


def test_uner_pud_unknown_language_has_no_download(tmp_path: Path) -> None:
    assert sources("uner-pud:xx")[0].url is None
    with pytest.raises(CorpusNotFoundError, match=r"uner-pud/xx\.conll"):
        load_corpus("uner-pud:xx", data_dir=tmp_path)

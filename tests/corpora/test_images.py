"""Image-text corpora: JSON Lines round trip, captions layouts, dict rows, image problems."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xlner.corpora.images import (
    IMAGE,
    IMAGE_ORIGIN,
    ImageRecord,
    from_rows,
    read_captions,
    read_image_jsonl,
    write_image_jsonl,
)
from xlner.data import Entity, Sentence
from xlner.errors import InputError

PIL = pytest.importorskip("PIL.Image")


def _png(path: Path, colour: tuple[int, int, int] = (200, 10, 10)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    PIL.new("RGB", (16, 16), colour).save(path)
    return path


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_jsonl_reads_tags_entities_and_visibility(tmp_path: Path) -> None:
    _png(tmp_path / "img" / "a.png")
    _png(tmp_path / "img" / "b.png")
    path = _write(tmp_path / "c.jsonl", [
        {"id": "a", "image": "img/a.png",
         "en": {"words": ["Maria", "sees", "New", "York"], "tags": ["B-PER", "O", "B-LOC",
                                                                   "I-LOC"],
                "visible": [True, False]},
         "de": {"words": ["Maria", "sieht", "New", "York"],
                "entities": [{"start": 2, "end": 4, "label": "LOC", "visible": False},
                             {"start": 0, "end": 1, "label": "PER", "visible": True}]}},
        {"id": "b", "image": "img/b.png", "en": {"words": ["hello"], "tags": ["O"]},
         "de": {"words": ["hallo"], "tags": ["O"]}}])
    corpus = read_image_jsonl(path)
    assert corpus.languages() == ["de", "en"]
    en, de = corpus.corpus("en"), corpus.corpus("de")
    assert en[0].entities == (Entity(0, 1, "PER"), Entity(2, 4, "LOC"))
    assert de[0].entities == en[0].entities  # entity objects are sorted
    assert corpus.visible("de") == [(True, False), ()]
    assert corpus.visible("en") == [(True, False), ()]
    assert corpus.records[0].image == str(tmp_path / "img" / "a.png")
    extras = corpus.extras()
    assert extras[1][IMAGE] == str(tmp_path / "img" / "b.png")
    assert extras[0][IMAGE_ORIGIN] == f"{path}:1"
    assert corpus.problems == []


def test_jsonl_round_trip_keeps_everything(tmp_path: Path) -> None:
    image = _png(tmp_path / "pics" / "x.png")
    records = [ImageRecord(str(image), {
        "en": Sentence(("Ana", "runs"), (Entity(0, 1, "PER"),)),
        "xx": Sentence(("Ana", "corre"), (Entity(0, 1, "PER"),))},
        {"en": (True,), "xx": (True,)}, "r0"),
        ImageRecord("https://example.org/y.jpg", {
            "en": Sentence(("Paris",), (Entity(0, 1, "LOC"),)),
            "xx": Sentence(("Parigi",), (Entity(0, 1, "LOC"),))}, {}, "r1")]
    out = write_image_jsonl(tmp_path / "set.jsonl", records)
    first = json.loads(out.read_text().splitlines()[0])
    assert first["image"] == "pics/x.png"  # relative to the file
    back = read_image_jsonl(out)
    assert [r.texts for r in back] == [r.texts for r in records]
    assert [dict(r.visible) for r in back] == [{"en": (True,), "xx": (True,)}, {}]
    assert back.records[1].image == "https://example.org/y.jpg"  # URLs are kept, not fetched


def test_jsonl_in_memory_images_are_saved(tmp_path: Path) -> None:
    record = ImageRecord(PIL.new("RGB", (8, 8)), {"en": Sentence(("a",))}, {}, "m")
    out = write_image_jsonl(tmp_path / "mem.jsonl", [record])
    back = read_image_jsonl(out)
    assert Path(back.records[0].image).is_file()


@pytest.mark.parametrize(("row", "message"), [
    ({"image": "a.png", "en": {"words": ["a", "b"], "tags": ["O"]}}, "2 words but 1 tags"),
    ({"image": "a.png", "en": {"words": ["a"], "tags": ["X-PER"]}}, "not valid"),
    ({"image": "a.png", "en": {"words": []}}, "non-empty list"),
    ({"image": "a.png", "en": "just text"}, "not a sentence"),
    ({"image": "a.png"}, "no sentence"),
    ({"image": "a.png", "en": {"words": ["a"], "entities": [{"start": 0, "end": 3,
                                                              "label": "PER"}]}},
     "out of bounds"),
])
def test_jsonl_bad_records_name_file_and_line(tmp_path: Path, row: dict, message: str) -> None:
    _png(tmp_path / "a.png")
    good = {"image": "a.png", "en": {"words": ["ok"], "tags": ["O"]}}
    path = _write(tmp_path / "bad.jsonl", [good, row])
    with pytest.raises(InputError, match=message) as err:
        read_image_jsonl(path)
    assert f"{path}:2" in str(err.value)


def test_missing_and_unreadable_images_are_reported_per_sentence(tmp_path: Path) -> None:
    _png(tmp_path / "ok.png")
    (tmp_path / "broken.png").write_bytes(b"not a png at all")
    path = _write(tmp_path / "c.jsonl", [
        {"image": "ok.png", "en": {"words": ["a"]}},
        {"image": "gone.png", "en": {"words": ["b"]}},
        {"image": "broken.png", "en": {"words": ["c"]}},
        {"en": {"words": ["d"]}}])
    with pytest.raises(InputError) as err:
        read_image_jsonl(path)
    text = str(err.value)
    assert "3 of 4 images" in text
    assert f"{path}:2: image {tmp_path / 'gone.png'}: file not found" in text
    assert f"{path}:3" in text and "cannot be read" in text
    assert f"{path}:4: image None: no image" in text
    kept = read_image_jsonl(path, on_missing="report")
    assert len(kept) == 4  # nothing skipped
    assert [p.origin for p in kept.problems] == [f"{path}:{k}" for k in (2, 3, 4)]
    assert [IMAGE in e for e in kept.extras()] == [True, False, False, False]


def test_multi30k_layout_captions_and_ids(tmp_path: Path) -> None:
    for name in ("1.jpg", "2.jpg"):
        _png(tmp_path / "images" / name)
    (tmp_path / "train.en").write_text("A dog runs.\nTwo men in Paris.\n")
    (tmp_path / "train.de").write_text("Ein Hund rennt.\nZwei Männer in Paris.\n")
    (tmp_path / "train_images.txt").write_text("1.jpg\n2.jpg\n")
    corpus = read_captions({"en": tmp_path / "train.en", "de": tmp_path / "train.de"},
                           images=tmp_path / "images", ids=tmp_path / "train_images.txt")
    assert len(corpus) == 2 and corpus.languages() == ["de", "en"]
    assert corpus.corpus("en")[0].words == ("A", "dog", "runs", ".")
    assert corpus.records[1].image == str(tmp_path / "images" / "2.jpg")
    assert corpus.records[1].origin == f"{tmp_path / 'train.en'}:2"
    (tmp_path / "short.de").write_text("Ein Hund rennt.\n")
    with pytest.raises(InputError, match="1 captions but 2 image ids"):
        read_captions({"de": tmp_path / "short.de"}, images=tmp_path / "images",
                      ids=tmp_path / "train_images.txt")


def test_flickr_layout_names_on_each_line_and_conll_captions(tmp_path: Path) -> None:
    _png(tmp_path / "im" / "10.jpg")
    tokens = tmp_path / "captions.txt"
    tokens.write_text("10.jpg#0\tA girl in Rome\n11.jpg#0\tA cat\n")
    with pytest.raises(InputError) as err:
        read_captions({"en": tokens}, images=tmp_path / "im")
    assert f"{tokens}:2: image {tmp_path / 'im' / '11.jpg'}: file not found" in str(err.value)
    tokens.write_text("10.jpg#0\tA girl in Rome\nno tab here\n")
    with pytest.raises(InputError, match=f"{tokens}:2: no image name"):
        read_captions({"en": tokens}, images=tmp_path / "im")
    conll = tmp_path / "cap.conll"
    conll.write_text("A\tO\ngirl\tO\nin\tO\nRome\tB-LOC\n\n")
    (tmp_path / "ids.txt").write_text("10.jpg\n")
    corpus = read_captions({"en": conll}, images=tmp_path / "im", ids=tmp_path / "ids.txt")
    assert corpus.corpus("en")[0].entities == (Entity(3, 4, "LOC"),)


def test_rows_like_a_hugging_face_dataset(tmp_path: Path) -> None:
    rows = [{"image": PIL.new("RGB", (8, 8)), "tokens": ["Ana", "sings"], "ner": [1, 0]},
            {"image": {"path": str(_png(tmp_path / "p.png")), "bytes": None},
             "tokens": ["Lima"], "ner": [3]}]
    corpus = from_rows(rows, words={"es": "tokens"}, tags={"es": "ner"},
                       label_names=["O", "B-PER", "I-PER", "B-LOC", "I-LOC"], name="hf")
    assert corpus.corpus("es")[1].entities == (Entity(0, 1, "LOC"),)
    assert corpus.records[1].image == str(tmp_path / "p.png")
    with pytest.raises(InputError, match="row 1: es: integer tags need label_names"):
        from_rows(rows, words={"es": "tokens"}, tags={"es": "ner"})

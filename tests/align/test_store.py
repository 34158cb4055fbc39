from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from xlner.align import EflomalAligner
from xlner.align.store import AlignmentStore, alignment_key
from xlner.align.util import DirectionalLinks

SRC = [("a", "b"), ("c",)]
TGT = [("x", "y"), ("z",)]


def bitext_dir(tmp_path: Path, extra: str = "") -> Path:
    d = tmp_path / "bt"
    d.mkdir(exist_ok=True)
    (d / "t.en").write_text("a b\nc\n" + extra, encoding="utf-8")
    (d / "t.de").write_text("x y\nz\n" + extra, encoding="utf-8")
    return d


def test_key_identifies_bitext_by_file_digests_without_reading_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import xlner.corpora.named as named

    d = bitext_dir(tmp_path)

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("the bitext was read")

    monkeypatch.setattr(named, "read_bitext", fail)
    aligner = EflomalAligner(bitext=f"{d}:en-de")
    key = alignment_key(SRC, TGT, aligner)
    assert key == alignment_key(SRC, TGT, EflomalAligner(bitext=f"{d}:en-de"))
    assert key != alignment_key(SRC, TGT, EflomalAligner(bitext=f"{d}:en-de", seed=1))
    assert key != alignment_key(SRC, [("x", "y"), ("q",)], aligner)
    assert key != alignment_key(SRC, TGT, EflomalAligner())
    bitext_dir(tmp_path, extra="more\n")  # the bitext's content changed
    assert key != alignment_key(SRC, TGT, EflomalAligner(bitext=f"{d}:en-de"))


def test_store_round_trip_and_unfinished_entries(tmp_path: Path) -> None:
    store = AlignmentStore(tmp_path / "store")
    fwd = [np.array([[0, 0], [1, 1]], dtype=np.int32), np.array([[0, 0]], dtype=np.int32)]
    rev = [np.array([[0, 1]], dtype=np.int32), np.zeros((0, 2), dtype=np.int32)]
    assert store.get("sha256:ab", 2) is None
    folder = store.put("sha256:ab", DirectionalLinks(fwd, rev))
    got = store.get("sha256:ab", 2)
    assert isinstance(got, DirectionalLinks)
    assert [x.tolist() for x in got.forward] == [x.tolist() for x in fwd]
    assert [x.tolist() for x in got.reverse] == [x.tolist() for x in rev]
    (folder / "done.json").unlink()  # an interrupted write never passes for a stored one
    assert store.get("sha256:ab", 2) is None
    store.put("sha256:cd", fwd)
    plain = store.get("sha256:cd", 2)
    assert isinstance(plain, list) and plain[0].tolist() == [[0, 0], [1, 1]]

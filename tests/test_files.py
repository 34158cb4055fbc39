"""File helpers: JSON written atomically, model directory digests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xlner.files import file_digest, model_digest, write_json


def test_write_json_is_indented_utf8_and_leaves_the_old_file_on_error(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "a.json"
    write_json(path, {"name": "Zürich", "n": [1, 2]})
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n") and "Zürich" in text and '\n  "n"' in text
    with pytest.raises(TypeError):
        write_json(path, {"bad": object()})
    assert json.loads(path.read_text(encoding="utf-8")) == {"name": "Zürich", "n": [1, 2]}
    assert [p.name for p in path.parent.iterdir()] == ["a.json"]  # no temporary left


def test_model_digest_covers_the_files_but_not_the_signature(tmp_path: Path) -> None:
    (tmp_path / "weights.bin").write_bytes(b"\x00\x01")
    (tmp_path / "signature.json").write_text("{}")
    (tmp_path / "nested").mkdir()
    digest = model_digest(tmp_path)
    assert digest == {"weights.bin": file_digest(tmp_path / "weights.bin")}
    (tmp_path / "weights.bin").write_bytes(b"\x00\x02")
    assert model_digest(tmp_path) != digest

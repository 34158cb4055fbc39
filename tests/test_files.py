"""File helpers: JSON written atomically, folders renamed into place whole, model directory
digests, private work folders."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from xlner.files import _umask, file_digest, model_digest, private_folder, write_json


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


def test_private_folder_sweeps_only_the_folders_of_dead_processes(tmp_path: Path) -> None:
    import subprocess
    import sys

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / f".w-{dead.pid}-abc").mkdir()  # left by a killed process
    (tmp_path / f".w-{os.getppid()}-def").mkdir()  # a live process's
    (tmp_path / ".w-notapid").mkdir()
    (tmp_path / f".other-{dead.pid}-x").mkdir()  # another prefix
    mine = private_folder(tmp_path, ".w-")
    assert mine.name.startswith(f".w-{os.getpid()}-") and mine.is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [mine.name, f".w-{os.getppid()}-def", ".w-notapid", f".other-{dead.pid}-x"])
    assert private_folder(tmp_path, ".w-") != mine and mine.is_dir()  # its own live pid kept


def test_atomic_folder_appears_whole_and_replaces_only_its_own(tmp_path: Path) -> None:
    from xlner.errors import InputError
    from xlner.files import atomic_folder

    out = tmp_path / "model"
    with pytest.raises(RuntimeError), atomic_folder(out, keep=("meta.json",)) as folder:
        (folder / "meta.json").write_text("1", encoding="utf-8")
        raise RuntimeError("killed while writing")
    assert not out.exists() and list(tmp_path.iterdir()) == []  # nothing under the name
    with atomic_folder(out, keep=("meta.json",)) as folder:
        (folder / "meta.json").write_text("1", encoding="utf-8")
        assert not out.exists()
    assert (out / "meta.json").read_text(encoding="utf-8") == "1"
    assert (out.stat().st_mode & 0o777) == 0o777 & ~_umask()
    with atomic_folder(out, keep=("meta.json",)) as folder:  # replaces a folder it wrote
        (folder / "other").write_text("2", encoding="utf-8")
    assert sorted(p.name for p in out.iterdir()) == ["other"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]
    with pytest.raises(InputError, match="not a folder this command wrote"), \
            atomic_folder(out, keep=("meta.json",)):
        pass
    assert (out / "other").exists()  # refused, never deleted
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="is a file"), atomic_folder(tmp_path / "file"):
        pass


def test_no_output_is_committed_after_a_stop_whose_interrupt_was_lost(tmp_path: Path) -> None:
    import contextlib
    import signal

    from xlner.files import atomic_folder, atomic_write
    from xlner.processes import raise_stop, stop_on_signals

    out, folder = tmp_path / "out.txt", tmp_path / "model"
    out.write_text("before\n", encoding="utf-8")
    with stop_on_signals():
        with contextlib.suppress(KeyboardInterrupt):  # as Python swallows it in a fork hook
            raise_stop(signal.SIGTERM)
        with pytest.raises(KeyboardInterrupt), atomic_write(out) as handle:
            handle.write("after\n")
        with pytest.raises(KeyboardInterrupt), atomic_folder(folder) as tmp:
            (tmp / "weights").write_text("w", encoding="utf-8")
    assert out.read_text(encoding="utf-8") == "before\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]  # no temporary left
    write_json(tmp_path / "x.json", {})  # outside the block: writes as before

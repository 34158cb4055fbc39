"""Shared fixtures: an isolated cache, the real corpora when present."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path | None:
    """``$XLNER_DATA_DIR`` or ``../shared/data`` beside the repository, if present."""
    env = os.environ.get("XLNER_DATA_DIR")
    candidates = [Path(env)] if env else []
    candidates.append(REPO.parent / "shared" / "data")
    return next((p for p in candidates if (p / "europarl-ner").is_dir()), None)


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("xlner-cache")


@pytest.fixture(autouse=True)
def _isolated_cache(session_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Downloads and built helpers go to a per-session cache, never to ~/.cache."""
    monkeypatch.setenv("XLNER_CACHE_DIR", str(session_cache))
    monkeypatch.delenv("XLNER_MIRROR", raising=False)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The real corpora; tests using it are skipped when they are absent."""
    path = shared_data_dir()
    if path is None:
        pytest.skip("real corpora not available (set XLNER_DATA_DIR)")
    return path

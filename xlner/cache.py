"""Where xlner keeps downloads, built helpers and model caches."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """``$XLNER_CACHE_DIR``, else ``$XDG_CACHE_HOME/xlner``, else ``~/.cache/xlner``."""
    env = os.environ.get("XLNER_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "xlner"

"""Resumable pipeline stages.

A long run writes each stage's output (a file or a directory) into its output directory, with a
signature sidecar ``<output>.signature.json`` that carries the stage *key*: a digest of
everything the output depends on (input digests, component settings, the keys of the stages it
reads). A re-run with the same key reuses the output; a changed setting gives another key and the
stage is recomputed. The sidecar is removed before a stage recomputes and written only after its
output is complete, so an interrupted stage never passes for a finished one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlner.signature import _jsonable, sidecar_path, write_sidecar

log = logging.getLogger(__name__)


def _located(value: Any) -> Any:
    """Drop ``path`` beside a ``digest`` (content, not location, identifies data)."""
    if isinstance(value, dict):
        return {k: _located(v) for k, v in value.items()
                if not (k == "path" and "digest" in value)}
    if isinstance(value, list):
        return [_located(v) for v in value]
    return value


def stage_key(*parts: Any) -> str:
    """A digest of JSON-able descriptions (components are described through ``describe()``)."""
    text = json.dumps(_located(_jsonable(list(parts))), sort_keys=True, ensure_ascii=False,
                      default=repr)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


LOCATION_SETTINGS = frozenset({"data_dir", "download"})
"""Settings that say where data comes from, not what it is (its digest is in the key)."""


def component_key(component: Any) -> dict[str, Any]:
    """A component's description plus its public scalar settings (some ``describe()`` methods
    leave settings out; the key must not). Data locations are left out: moving the data
    directory does not invalidate finished stages."""
    out: dict[str, Any] = {}
    describe = getattr(component, "describe", None)
    if callable(describe):
        out["describe"] = _jsonable(describe())
    out["class"] = f"{type(component).__module__}.{type(component).__qualname__}"
    scalar = (str, int, float, bool, type(None), tuple, list)
    settings = {k: v for k, v in sorted(vars(component).items())
                if not k.startswith("_") and k not in LOCATION_SETTINGS
                and isinstance(v, scalar)}
    out["settings"] = _jsonable(settings)
    return out


@dataclass
class Stage:
    """One resumable output: ``path`` (file or directory) and the key it must carry."""

    name: str
    path: Path | None
    key: str
    resume: bool = True

    @property
    def sidecar(self) -> Path | None:
        return None if self.path is None else sidecar_path(self.path)

    def done(self) -> bool:
        """Whether a finished output with this key is there to reuse."""
        if self.path is None or not self.resume or not self.path.exists():
            return False
        assert self.sidecar is not None
        try:
            recorded = json.loads(self.sidecar.read_text(encoding="utf-8")).get("key")
        except (OSError, json.JSONDecodeError, AttributeError):
            return False
        if recorded == self.key:
            log.info("stage %s: reusing %s", self.name, self.path)
            return True
        return False

    def start(self) -> None:
        """Invalidate any earlier output before recomputing (the sidecar goes first)."""
        if self.path is None:
            return
        assert self.sidecar is not None
        self.sidecar.unlink(missing_ok=True)
        if self.path.is_dir():
            shutil.rmtree(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def finish(self, signature: Mapping[str, Any]) -> None:
        """Record the output as finished: its signature with the stage key."""
        if self.path is not None:
            write_sidecar(self.path, {**signature, "stage": self.name, "key": self.key})

    def signature(self) -> dict[str, Any]:
        """The recorded signature of a finished stage."""
        assert self.sidecar is not None
        data: dict[str, Any] = json.loads(self.sidecar.read_text(encoding="utf-8"))
        return data


class Workspace:
    """Stages of one run under an output directory (``None``: compute everything in memory)."""

    def __init__(self, out_dir: str | Path | None, *, resume: bool = True) -> None:
        self.out_dir = None if out_dir is None else Path(out_dir)
        self.resume = resume
        self.reused: list[str] = []
        self.computed: list[str] = []

    def stage(self, name: str, relpath: str, *parts: Any) -> Stage:
        path = None if self.out_dir is None else self.out_dir / relpath
        return Stage(name, path, stage_key(name, *parts), self.resume)

    def reuse(self, stage: Stage) -> bool:
        """Whether ``stage`` is finished with its key (then it is reused, else recomputed);
        the outcome is recorded in ``reused``/``computed``."""
        done = stage.done()
        label = stage.name if stage.path is None or self.out_dir is None \
            else str(stage.path.relative_to(self.out_dir))
        (self.reused if done else self.computed).append(label)
        return done

"""Translating a whole corpus to a file, resumably (``xlner translate``).

Sentences go to the translator in chunks; each finished chunk is appended to
``<out>.partial.jsonl`` (flushed and synced). A re-run with the same sources continues after
the last finished chunk (a partial file whose sources differ is an error, never mixed in). The
final file is written atomically, with a signature sidecar, and the partial file is removed.

Output formats: ``.jsonl`` (one ``{"index", "source", "translation"}`` object a line, the format
the ``cached`` translator checks sources against) or plain text (one translation a line).
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from xlner.errors import InputError
from xlner.files import atomic_write
from xlner.signature import write_sidecar
from xlner.translate.base import Translator

log = logging.getLogger(__name__)


def partial_path(out: str | Path) -> Path:
    out = Path(out)
    return out.with_name(out.name + ".partial.jsonl")


def _read_partial(path: Path, sources: Sequence[str]) -> list[str]:
    done: list[str] = []
    if not path.exists():
        return done
    with open(path, encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, 1):
            if not line.endswith("\n"):
                break  # a line cut by an interruption: redo from here
            try:
                item = json.loads(line)
            except json.JSONDecodeError:
                break
            k = len(done)
            if item.get("index") != k or k >= len(sources) or item.get("source") != sources[k]:
                raise InputError("the partial translation belongs to other sentences; remove it "
                                 "or choose another output", source=path, line=lineno)
            done.append(str(item["translation"]))
    return done


def translate_to_file(translator: Translator, sentences: Sequence[str], out: str | Path,
                      src_lang: str, tgt_lang: str, *, chunk_size: int = 1024,
                      resume: bool = True, signature: Mapping[str, Any] | None = None
                      ) -> list[str]:
    """Translate ``sentences`` into ``out`` (``.jsonl`` or text) and return the translations."""
    out = Path(out)
    partial = partial_path(out)
    done = _read_partial(partial, sentences) if resume else []
    if not resume:
        partial.unlink(missing_ok=True)
    if done:
        log.info("resuming after %d of %d sentences", len(done), len(sentences))
    # rewrite the partial file without any cut-off last line, then append chunk by chunk
    partial.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(partial) as handle:
        for k, text in enumerate(done):
            handle.write(json.dumps({"index": k, "source": sentences[k], "translation": text},
                                    ensure_ascii=False) + "\n")
    t0 = time.perf_counter()
    with open(partial, "a", encoding="utf-8") as handle:
        for start in range(len(done), len(sentences), chunk_size):
            chunk = list(sentences[start:start + chunk_size])
            try:
                outputs = translator.translate(chunk, src_lang, tgt_lang)
            except InputError as exc:
                if start == 0:
                    raise
                raise InputError(f"in sentences {start}..{start + len(chunk) - 1} of the input "
                                 f"(numbered from {start}): {exc}") from None
            if len(outputs) != len(chunk):
                raise InputError(f"the translator returned {len(outputs)} translations for "
                                 f"{len(chunk)} sentences")
            for k, text in enumerate(outputs, start):
                handle.write(json.dumps({"index": k, "source": sentences[k],
                                         "translation": text}, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
            done.extend(outputs)
            log.info("translated %d/%d sentences (%.1f s)", len(done), len(sentences),
                     time.perf_counter() - t0)
    with atomic_write(out) as handle:
        for k, text in enumerate(done):
            if out.suffix == ".jsonl":
                handle.write(json.dumps({"index": k, "source": sentences[k],
                                         "translation": text}, ensure_ascii=False) + "\n")
            else:
                handle.write(" ".join(text.split()) + "\n")
    if signature is not None:
        write_sidecar(out, signature)
    partial.unlink(missing_ok=True)
    return done

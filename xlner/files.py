"""File helpers shared by every step: atomic writes, checked text reads, JSON files and
content digests."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from xlner.errors import InputError
from xlner.processes import check_stop

BOM = "\ufeff"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _os_error(exc: OSError, path: Path, action: str) -> InputError:
    reason = exc.strerror or str(exc)
    hint = ""
    if exc.errno == errno.ENOSPC:
        hint = "; free some space or write elsewhere"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = "; choose a writable location" if action == "write" else ""
    return InputError(f"cannot {action}: {reason}{hint}", source=path)


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:  # type: ignore[type-arg]
    """Write to a temporary file beside ``path`` and rename it into place on success.

    A crash or exception leaves any previous file at ``path`` untouched and no partial file.
    The file gets the usual permissions (``0666`` less the umask), not ``mkstemp``'s ``0600``.
    Errors of the file system (a directory in the way, no permission, disk full) raise
    :class:`~xlner.errors.InputError` naming ``path``.
    """
    path = Path(path)
    if path.is_dir():
        raise InputError("is a directory; give a file path to write", source=path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _os_error(exc, path, "write") from None
    try:
        with os.fdopen(fd, mode, encoding=None if "b" in mode else encoding) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        check_stop()  # a stop whose interrupt was lost: no output committed after it
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise _os_error(exc, path, "write") from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def check_output(path: str | Path) -> Path:
    """Fail early (before any work) when ``path`` cannot be written: a directory in its place,
    a file where its folder should be, a folder without write permission."""
    path = Path(path)
    if path.is_dir():
        raise InputError("is a directory; give a file path to write", source=path)
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise InputError(f"cannot write: {parent} is not a directory", source=path)
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"cannot write: no permission in {parent}; choose a writable location",
                         source=path)
    return path


@contextlib.contextmanager
def output_lock(path: str | Path) -> Iterator[None]:
    """Hold an exclusive lock on output ``path`` (a file or a directory) for a run: a second
    run writing the same output at the same time is refused with :class:`InputError`.

    The lock is ``.<name>.lock`` beside ``path`` (``flock``: released by the system when the
    process dies, even on SIGKILL, so a killed run never leaves a stale lock).
    """
    import fcntl

    path = Path(path)
    lock = path.with_name(f".{path.name}.lock")
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock, "a+")  # noqa: SIM115 (closed by the with below)
    except OSError as exc:
        raise _os_error(exc, path, "write") from None
    with handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise InputError(f"another xlner run ({holder}) is writing this output; wait for "
                             f"it to finish or choose another output", source=path) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                lock.unlink()


def _read_error(exc: OSError, path: Path) -> InputError:
    """The error for a file that cannot be opened for reading."""
    if isinstance(exc, FileNotFoundError):
        return InputError("file not found", source=path)
    if isinstance(exc, IsADirectoryError):
        return InputError("is a directory; expected a file", source=path)
    return _os_error(exc, path, "read")


def read_text_file(path: str | Path, encoding: str = "utf-8") -> str:
    """The text of a file, with a leading UTF-8 byte-order mark removed.

    A missing file, a directory, an unreadable file or bytes that are not valid in ``encoding``
    raise :class:`~xlner.errors.InputError` naming the file (and line and byte offset of the
    first invalid byte, with the ``--encoding`` hint).
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _read_error(exc, path) from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"byte {exc.start} (0x{data[exc.start]:02x}) is not valid {encoding}; give the "
            "file's encoding, e.g. --encoding latin-1", source=path, line=line) from None
    except (LookupError, ValueError):
        raise InputError(f"unknown encoding {encoding!r}", source=path) from None
    return text[1:] if text.startswith(BOM) else text


def iter_lines(path: str | Path, encoding: str = "utf-8") -> Iterator[str]:
    """The lines of a file as :func:`read_text_file` and :func:`split_lines` give them, read
    one at a time (a caller that stops early reads no further)."""
    path = Path(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise _read_error(exc, path) from None
    with handle:
        offset = 0
        for lineno, raw in enumerate(handle, 1):
            try:
                line = raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"byte {offset + exc.start} (0x{raw[exc.start]:02x}) is not valid "
                    f"{encoding}; give the file's encoding, e.g. --encoding latin-1",
                    source=path, line=lineno) from None
            except (LookupError, ValueError):
                raise InputError(f"unknown encoding {encoding!r}", source=path) from None
            offset += len(raw)
            if lineno == 1 and line.startswith(BOM):
                line = line[1:]
            line = line[:-1] if line.endswith("\n") else line
            yield line[:-1] if line.endswith("\r") else line


def split_lines(text: str) -> list[str]:
    """Lines of ``text`` split at ``\\n`` only (as files count lines), without ``\\r``."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if "\r" not in text:
        return lines
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def file_digest(path: str | Path) -> str:
    """``sha256:<hex>`` of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return "sha256:" + h.hexdigest()


def text_digest(parts: Iterator[str] | list[str]) -> str:
    """``sha256:<hex>`` of text parts joined by newlines (for in-memory data)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(b"\n")
    return "sha256:" + h.hexdigest()


def private_folder(parent: str | Path, prefix: str) -> Path:
    """A new folder ``<parent>/<prefix><pid>-<random>`` for one process's temporary work,
    after removing the folders of that prefix left by processes that no longer run (a run
    killed with SIGKILL cannot clean up after itself; the next one does)."""
    parent = Path(parent)
    parent.mkdir(parents=True, exist_ok=True)
    for path in parent.glob(f"{prefix}*"):
        pid = path.name[len(prefix):].split("-", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            import shutil

            shutil.rmtree(path, ignore_errors=True)
        except PermissionError:  # another user's live process
            continue
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent))


@contextlib.contextmanager
def scratch_folder(prefix: str, parent: str | Path | None = None) -> Iterator[Path]:
    """A :func:`private_folder` (in the temporary folder unless ``parent``), removed on exit;
    what a killed process leaves is removed by the next one."""
    import shutil

    folder = private_folder(tempfile.gettempdir() if parent is None else parent, prefix)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def atomic_folder(path: str | Path, keep: tuple[str, ...] = ()) -> Iterator[Path]:
    """A folder written in a private sibling (``.<name>.partial-<pid>-...``) and renamed to
    ``path`` once the block ends without error: ``path`` never holds a partial folder (a run
    killed while writing leaves only the sibling, which the next run removes). An existing
    ``path`` is replaced only when it is empty or holds one of the files ``keep`` names (a
    folder this writer made before): anything else is refused, never deleted. The folder
    gets the usual permissions (``0777`` less the umask)."""
    import shutil

    path = Path(path)
    if path.exists() and not path.is_dir():
        raise InputError("is a file; give a directory path to write", source=path)
    if path.is_dir() and any(path.iterdir()) and not any((path / n).exists() for n in keep):
        raise InputError("exists and is not a folder this command wrote (none of "
                         f"{', '.join(keep) or 'its files'}); give a new or empty directory",
                         source=path)
    try:
        tmp = private_folder(path.parent, f".{path.name}.partial-")
    except OSError as exc:
        raise _os_error(exc, path, "write") from None
    try:
        yield tmp
        os.chmod(tmp, 0o777 & ~_umask())
        check_stop()
        if path.is_dir():  # swapped out, then removed: a kill in between leaves no folder
            old = private_folder(path.parent, f".{path.name}.old-")
            os.rmdir(old)
            path.rename(old)
            tmp.rename(path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(path)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise _os_error(exc, path, "write") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_json(path: str | Path, data: Any) -> None:
    """``data`` as indented UTF-8 JSON with a final newline, written atomically."""
    with atomic_write(path) as handle:
        json.dump(data, handle, indent=2, ensure_ascii=False)
        handle.write("\n")


def model_digest(path: str | Path) -> dict[str, str]:
    """Digests of the files of a saved model directory (its identity in stage keys)."""
    path = Path(path)
    return {p.name: file_digest(p) for p in sorted(path.iterdir())
            if p.is_file() and p.name != "signature.json"}

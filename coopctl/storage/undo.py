"""The last change, kept so that `coopctl undo` can reverse it.

Every change coopctl writes goes through `journal.apply`, which asks this module
to `remember` the files it is about to touch (their bytes before, or that they did
not exist) and, once the change is whole, to `record` it with a fingerprint of
each file as the change left it: `STORE/.coopctl/last-change.json`, never
committed in a git-backed store. Only the last change is kept: `undo` reverses
that one, while its files are still as it left them (a later edit by hand, a
sync, another tool's write: refused, naming the file), and marks it undone, so a
second `undo` says there is nothing left to undo instead of reversing an older
change or redoing this one. In a git-backed store, the change's own commit is
reversed by `git revert` (when that commit is still the last one; otherwise the
files are put back and committed as "undo: ...").
"""

from __future__ import annotations

import binascii
import json
from pathlib import Path
from typing import NamedTuple

from coopctl.core.errors import CoopError
from coopctl.i18n import t
from coopctl.storage import files

LAST = ".coopctl/last-change.json"
LIMIT = 32 * 1024 * 1024  # bytes kept of the files a change replaces; a larger change cannot be undone


FORMAT = 2  # the fingerprints of files it keeps: 2, BLAKE2b (`files.fingerprint`); 1 (an older coopctl), SHA-256


def _digest(data: bytes | None, format: int = FORMAT) -> str | None:
    if data is None:
        return None
    if format == 1:
        import hashlib

        return hashlib.sha256(data).hexdigest()
    return files.fingerprint(data).hex()


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def remember(root: Path, ops) -> dict[str, bytes | None] | None:
    """The bytes of each file `ops` touch, before (None: the file does not exist); None when they are too
    many to keep."""
    before: dict[str, bytes | None] = {}
    size = 0
    for op in ops:
        for path in (op.path, op.to):
            if path and path not in before:
                # a temporary file moved into place (a document `attach` copied in) is not put back by undo
                data = None if op.action == "move" and path == op.path and files.is_temporary(path) else _read(root / path)
                size += len(data or b"")
                if size > LIMIT:
                    return None
                before[path] = data
    return before


def record(root: Path, ops, message: str, before: dict[str, bytes | None] | None, commit: str | None = None) -> None:
    """After the change is whole: keep what undoes it (or that it cannot be undone); `commit`, in a git-backed
    store, the commit that holds it (which `git revert` reverses)."""
    if before is None:
        _write(root, {"message": message, "too_big": True})
        return
    after: dict[str, str | None] = {path: _digest(data) for path, data in before.items()}
    for op in ops:
        if op.action == "write":
            after[op.path] = _digest(op.data or b"")
        elif op.action == "move":
            moved = after.get(op.path)
            if moved is None and files.is_temporary(op.path):  # its bytes were not kept (`remember`): what it holds now
                moved = _digest(_read(root / op.to))
            after[op.to] = moved  # type: ignore[index]
            after[op.path] = None
        elif op.action == "remove":
            after[op.path] = None
    _write(root, {"format": FORMAT, "message": message, "commit": commit, "files": [
        {"path": path, "before": None if data is None else binascii.b2a_base64(data, newline=False).decode("ascii"),
         "after": after[path]} for path, data in sorted(before.items())]})


def forget(root: Path) -> None:
    """A change that could not be recorded must not leave the one before it to be undone instead."""
    try:
        (root / LAST).unlink()
    except OSError:
        pass


class Undo(NamedTuple):
    message: str  # the change it reverses
    commit: str | None  # in a git-backed store, the commit that made it
    files: list[tuple[str, bytes | None]]  # each file to put back, with its bytes (None: remove it)
    texts: list[tuple[str, str, str]]  # (path, text now, text after the undo), for a dry run's diff


def plan(root: Path) -> Undo:
    """What reverses the last change; CoopError when there is none, or when its files changed since."""
    data = _load(root)
    message = data.get("message") or "?"
    if data.get("undone"):
        raise CoopError(t("nothing to undo: the last change ({change}) was undone already, and coopctl keeps only "
                          "the last one", change=message))
    if data.get("too_big"):
        raise CoopError(t("the last change ({change}) was too large to keep a copy of; it cannot be undone",
                          change=message))
    back: list[tuple[str, bytes | None]] = []
    texts = []
    for entry in data.get("files", []):
        path = entry["path"]
        now = _read(root / path)
        if _digest(now, data.get("format", 1)) != entry["after"]:
            raise CoopError(t("{path} changed after the last coopctl change ({change}); undo reverses only a change "
                              "whose files are as it left them", path=path, change=message))
        old = None if entry["before"] is None else binascii.a2b_base64(entry["before"])
        if old == now:
            continue
        back.append((path, old))
        texts.append((path, _text(now), _text(old)))
    return Undo(message, data.get("commit"), back, texts)


def mark_undone(root: Path, message: str) -> None:
    _write(root, {"message": message, "undone": True})


def _load(root: Path) -> dict:
    try:
        data = json.loads((root / LAST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CoopError(t("nothing to undo: no change made by coopctl is recorded in this store")) from None
    except (OSError, ValueError):
        raise CoopError(t("{file} cannot be read, so coopctl cannot tell what the last change was",
                          file=root / LAST)) from None
    if not isinstance(data, dict):
        raise CoopError(t("{file} cannot be read, so coopctl cannot tell what the last change was", file=root / LAST))
    return data


def _text(data: bytes | None) -> str:
    return "" if data is None else data.decode("utf-8", errors="replace")


def _write(root: Path, data: dict) -> None:
    (root / LAST).parent.mkdir(exist_ok=True)
    # not fsynced: losing it to a power cut loses only the undo (an older record left then no longer matches the
    # files, and is refused), and a change costs no more waiting on the disk than before
    files.atomic_write(root / LAST, json.dumps(data, ensure_ascii=False).encode("utf-8"), durable=False, private=True)

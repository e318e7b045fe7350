"""Every write to a store, as one transaction: all of it or none of it, and in git, committed under its name.

A change that spans several files (an import, a delete or restore, a rename, an
attached document) is written in three steps, under the store's lock:

1. the plan goes into the journal, `STORE/.coopctl/journal.json` (phase
   `prepared`), and every new file is written beside its target under a
   temporary name (`.NAME.TXID.staged`), flushed and fsynced;
2. the journal says `committed` (one atomic rename): from here on the change
   happens, whatever comes;
3. the renames are applied (a file replaced or removed is first kept as
   `.NAME.TXID.old`), the kept copies are removed, then the journal.

The next coopctl that finds a journal, writer or reader, finishes it or rolls
it back before anything else, under the lock, and says which in one line: a
`prepared` change is rolled back (its staged files removed: nothing of it was
ever visible), a `committed` one is finished, and one that failed half-way is
undone from the kept copies (`rollback`). So a kill at any moment leaves all of
an import or none of it. A change of one file in a store without git needs no
journal: one rename is already all or nothing.

In a git-backed store, git is asked before anything is written whether it can
commit (`git.ready_to_commit`); the change is then recorded as not committed
yet (`STORE/.coopctl/uncommitted.json`), written, and committed under its own
message. If the commit still fails, the change stays saved, the command says
"saved but not committed" with the reason, and the next command that changes
the store (or `sync`) commits it under its own message, before anything else.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, NamedTuple

from coopctl.core.errors import CoopError
from coopctl.i18n import t, tn
from coopctl.storage import files

STATE_DIR = ".coopctl"
JOURNAL = f"{STATE_DIR}/journal.json"
UNCOMMITTED = f"{STATE_DIR}/uncommitted.json"

Notice = Callable[[str], None]


def _stderr(message: str) -> None:
    from coopctl.core.text import clean

    sys.stderr.write(clean(t("coopctl: note: {message}", message=message)) + "\n")


_notice: list[Notice] = [_stderr]


def set_notice(callback: Notice) -> None:
    """Where this module's one-line notices go (the command line gives its `note`)."""
    _notice[0] = callback


def notice(message: str) -> None:
    _notice[0](message)


class FileOp(NamedTuple):  # not a dataclass: this module is on every command's path (start-up time)
    """One step of a change: write `data` to `path`, move `path` to `to`, or remove `path`."""

    action: str  # "write", "move" or "remove"
    path: str  # relative to the store, e.g. "partners/osaka.toml"
    data: bytes | None = None
    to: str | None = None


# ---------------------------------------------------------------- the lock, with recovery


@contextmanager
def locked(root: Path, on_wait: Callable[[], None] | None = None, timeout: float | None = None,
           on_notice: Notice | None = None) -> Iterator[None]:
    """Hold the store's lock, having first finished or rolled back a change a killed coopctl left (see the
    module docstring), then removed the temporary files a killed writer left (`on_notice` is told of both)."""
    say = on_notice or notice
    with files.locked(root, on_wait, timeout):
        recover(root, say)
        removed = files.remove_stale_temporaries(root)
        if removed:
            say(tn("removed {n} unfinished temporary file left by an interrupted coopctl ({files}); "
                   "the store's records were not affected",
                   "removed {n} unfinished temporary files left by an interrupted coopctl ({files}); "
                   "the store's records were not affected",
                   len(removed), files=", ".join(removed[:3]) + (", ..." if len(removed) > 3 else "")))
        yield


def recover_before_reading(root: Path) -> None:
    """A reader that finds a journal takes the lock (which finishes or rolls it back) before it reads, so that
    it never shows half of a change. One stat when there is none."""
    if files.holding(root) or not (root / JOURNAL).exists():
        return
    lock = root / files.LOCK_FILE
    if not os.access(lock if lock.exists() else root, os.W_OK):
        raise CoopError(t("{root} holds a change that a coopctl was interrupted in ({file}); it is finished or "
                          "rolled back by the next coopctl run by someone who can write to the store",
                          root=root, file=root / JOURNAL))
    with locked(root):
        pass


def recover(root: Path, say: Notice) -> None:
    """Under the lock: finish or roll back what the journal says, then commit what is saved but not committed."""
    journal = _read(root / JOURNAL)
    if journal is None and (root / JOURNAL).exists():
        raise CoopError(t("{file} cannot be read, so coopctl cannot tell how to finish the change a coopctl was "
                          "interrupted in; look at the files it names, then remove it", file=root / JOURNAL))
    if journal is not None:
        phase = journal.get("phase")
        message = journal.get("message") or "?"
        count = tn("{n} file", "{n} files", len(journal.get("steps", [])))
        try:
            if phase == "committed":
                _forward(root, journal)
                _finish(root, journal)
                say(t("finished a change that a coopctl was interrupted in: {change} ({files})", change=message,
                      files=count))
                if journal.get("git"):
                    commit_uncommitted(root, say, strict=False)
            else:
                _backward(root, journal, applied=phase == "rollback")
                _remove(root / JOURNAL)
                say(t("rolled back a change that a coopctl was interrupted in, so that none of it is written: "
                      "{change} ({files})", change=message, files=count))
        except OSError as e:
            raise CoopError(t("cannot finish or roll back the change a coopctl was interrupted in ({change}): {path}: "
                              "{reason}; the journal {file} says what it was", change=message,
                              path=e.filename or root, reason=e.strerror or e, file=root / JOURNAL)) from None


# ---------------------------------------------------------------- applying a change


def apply(root: Path, ops: list[FileOp], message: str, undoable: bool = True) -> list[str]:
    """Apply `ops` as one change, all or nothing, under the lock the caller holds (`locked`); in a git-backed
    store, also one commit of exactly the files they touch, with `message`. Returns those files. With
    `undoable`, what the files held before is kept for `coopctl undo` (`storage.undo`)."""
    touched = sorted({p for op in ops for p in (op.path, op.to) if p})
    if not ops:
        return touched
    for op in ops:
        if op.action == "write" and (root / op.path).is_symlink():
            raise CoopError(t("{path} is a symbolic link: writing it would replace the link with a file and leave "
                              "{target} without the change; keep the file itself in the store (nothing was written)",
                              path=root / op.path, target=os.path.realpath(root / op.path)))
    from coopctl.storage import undo

    before = undo.remember(root, ops) if undoable else None
    git = _git_store(root)
    if git:
        from coopctl.storage import git as git_module

        git_module.ready_to_commit(root, notice)
        commit_uncommitted(root, notice, strict=True)
        git_module.commit_hand_edits(root)
    if len(ops) == 1 and not git:
        _apply_one(root, ops[0])
    else:
        _transaction(root, ops, message, git)
    commit = None
    if git:
        commit_uncommitted(root, notice, strict=False, checked=True)
        if undoable and not _uncommitted(root):  # committed: the last commit is this change's
            commit = git_module.git(root, "rev-parse", "HEAD", check=False).stdout.strip() or None
    if undoable:
        try:
            undo.record(root, ops, message, before, commit)
        except OSError:
            undo.forget(root)  # the change is made; only its undo is lost (never an older change's)
    return touched


def _apply_one(root: Path, op: FileOp) -> None:
    """One file, no journal: a single rename is all or nothing already."""
    target = root / op.path
    try:
        if op.action == "write":
            target.parent.mkdir(exist_ok=True)
            files.atomic_write(target, op.data or b"")
        elif op.action == "move":
            destination = root / op.to  # type: ignore[operator]
            _refuse_existing(target, destination)
            destination.parent.mkdir(exist_ok=True)
            os.replace(target, destination)
            files.fsync_dir(destination.parent)
            files.fsync_dir(target.parent)
        elif op.action == "remove":
            os.unlink(target)
            files.fsync_dir(target.parent)
        else:
            raise ValueError(op.action)
    except OSError as e:
        where = root / op.to if op.action == "move" and e.filename and str(e.filename).endswith(str(op.to)) \
            else target
        reason = e.strerror or e
        if op.action == "write":
            raise CoopError(t("could not write {path}: {reason}; the file is unchanged", path=where,
                              reason=reason)) from None
        if op.action == "move":
            raise CoopError(t("could not move {path}: {reason}; nothing was moved", path=where, reason=reason)) from None
        raise CoopError(t("could not remove {path}: {reason}; the file is still there", path=where,
                          reason=reason)) from None


def _refuse_existing(target: Path, destination: Path) -> None:
    if destination.exists():
        raise CoopError(t("cannot move {path} to {destination}: that file already exists; nothing was moved",
                          path=target, destination=destination))


def _transaction(root: Path, ops: list[FileOp], message: str, git: bool) -> None:
    import secrets

    if len({p for op in ops for p in (op.path, op.to) if p}) != sum(1 + (op.to is not None) for op in ops):
        raise ValueError("a change names a file twice")
    txid = secrets.token_hex(4)
    steps = []
    for op in ops:
        step = {"action": op.action, "path": op.path}
        if op.action == "write":
            step["staged"] = _beside(op.path, txid, "staged")
            step["existed"] = (root / op.path).exists()
        if op.action in ("write", "remove"):
            step["old"] = _beside(op.path, txid, "old")
        if op.action == "move":
            _refuse_existing(root / op.path, root / op.to)  # type: ignore[operator]
            step["to"] = op.to
        steps.append(step)
    journal = {"format": 1, "id": txid, "pid": os.getpid(), "message": message, "git": git, "phase": "prepared",
               "steps": steps}
    failed = None
    try:
        _write(root, journal)
        for op, step in zip(ops, steps):
            if op.action == "write":
                failed = root / op.path
                _stage(root / step["staged"], root / op.path, op.data or b"")
        for directory in sorted({(root / s["staged"]).parent for s in steps if "staged" in s}):
            files.fsync_dir(directory)
        failed = None
        journal["phase"] = "committed"  # the moment the change happens: all of it from here, or none before
        _write(root, journal)
    except OSError as e:
        try:
            _backward(root, journal, applied=False)
            _remove(root / JOURNAL)
        except OSError:
            pass  # the next coopctl rolls it back: the journal still says `prepared`
        raise CoopError(t("could not write {path}: {reason}; nothing was changed", path=failed or root / JOURNAL,
                          reason=e.strerror or e)) from None
    try:
        _forward(root, journal)
    except OSError as e:
        path = e.filename or root
        try:
            journal["phase"] = "rollback"
            _write(root, journal)
            _backward(root, journal, applied=True)
            _remove(root / JOURNAL)
        except OSError:
            raise CoopError(t("could not write {path}: {reason}; the change is unfinished: the next coopctl command "
                              "finishes or rolls it back", path=path, reason=e.strerror or e)) from None
        raise CoopError(t("could not write {path}: {reason}; nothing was changed", path=path,
                          reason=e.strerror or e)) from None
    _finish(root, journal)


def _beside(path: str, txid: str, what: str) -> str:
    head, _, name = path.rpartition("/")
    return f"{head}/.{name}.{txid}.{what}" if head else f".{name}.{txid}.{what}"


def _stage(staged: Path, target: Path, data: bytes) -> None:
    staged.parent.mkdir(exist_ok=True)
    fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        files.keep_mode(str(staged), target)
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _forward(root: Path, journal: dict) -> None:
    """Apply each step that is not applied yet (so it can run again after a kill, and finish the job). An error
    names the file of the step that failed."""
    for step in journal["steps"]:
        path = root / step["path"]
        try:
            if step["action"] == "write":
                staged = root / step["staged"]
                if not staged.exists():
                    continue  # applied already
                old = root / step["old"]
                if path.exists() and not old.exists():
                    _keep(path, old)
                os.replace(staged, path)
            elif step["action"] == "move":
                to = root / step["to"]
                if path.exists() and not to.exists():
                    to.parent.mkdir(exist_ok=True)
                    os.rename(path, to)
            elif step["action"] == "remove":
                if path.exists():
                    os.replace(path, root / step["old"])
        except OSError as e:
            raise OSError(e.errno, e.strerror, str(path)) from None
    for directory in _directories(root, journal):
        files.fsync_dir(directory)


def _keep(path: Path, old: Path) -> None:
    """A second name for the file a step replaces, to put it back if the change is undone."""
    try:
        os.link(path, old)
    except OSError:  # a file system without hard links
        data = path.read_bytes()
        fd = os.open(old, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())


def _backward(root: Path, journal: dict, applied: bool) -> None:
    """Remove what was staged; and with `applied` (the change failed half-way), undo each step that was
    applied, in reverse order, from the kept copies. Before `committed` no file of the store was touched."""
    for step in reversed(journal["steps"]):
        path = root / step["path"]
        if step["action"] == "write":
            staged, old = root / step["staged"], root / step["old"]
            if applied:
                if old.exists() and path.exists() and os.path.samefile(old, path):
                    os.unlink(old)  # kept, but never replaced: the file is as it was
                elif old.exists():
                    os.replace(old, path)  # the file as it was
                elif not step.get("existed", True) and not staged.exists() and path.exists():
                    os.unlink(path)  # a new file, which this change wrote
            _unlink(staged)
        elif applied and step["action"] == "move":
            to = root / step["to"]
            if to.exists() and not path.exists():
                os.rename(to, path)
        elif applied and step["action"] == "remove":
            old = root / step["old"]
            if old.exists() and not path.exists():
                os.replace(old, path)
    for directory in _directories(root, journal):
        files.fsync_dir(directory)


def _finish(root: Path, journal: dict) -> None:
    """The change is whole: drop the kept copies; in git, note it as not committed yet; drop the journal."""
    for step in journal["steps"]:
        if "old" in step:
            _unlink(root / step["old"])
    if journal.get("git"):
        paths = sorted({p for s in journal["steps"] for p in (s["path"], s.get("to")) if p})
        _save_uncommitted(root, _uncommitted(root) + [{"message": journal["message"], "paths": paths}])
    _remove(root / JOURNAL)


def _directories(root: Path, journal: dict) -> list[Path]:
    return sorted({(root / p).parent for s in journal["steps"] for p in (s["path"], s.get("to")) if p})


# ---------------------------------------------------------------- git: saved, then committed


def _git_store(root: Path) -> bool:
    if not (root / ".git").exists():
        return False  # the common case costs one stat, not a git process
    from coopctl.storage import git

    return git.is_git_store(root)


def commit_uncommitted(root: Path, say: Notice = notice, strict: bool = True, checked: bool = False) -> None:
    """Commit each change saved but not committed yet, oldest first, under its own message. `strict`: raise
    when git cannot (before a new change is written); else say so, and leave it for the next command.
    `checked`: git was just asked whether it can commit (`git.ready_to_commit`)."""
    pending = _uncommitted(root)
    if not pending or not _git_store(root):
        return
    from coopctl.storage import git

    while pending:
        entry = pending[0]
        try:
            if not strict and not checked:
                git.ready_to_commit(root, say)
            git.commit_change(root, entry["paths"], entry["message"])
        except CoopError as e:
            if strict:
                raise CoopError(t("an earlier change is saved but not committed ({change}), and git still cannot "
                                  "commit it: {reason}; nothing was written", change=entry["message"], reason=e)) from None
            say(t("saved but not committed: {change}: {reason}; the next coopctl command that changes the store "
                  "commits it", change=entry["message"], reason=e))
            return
        pending = pending[1:]
        _save_uncommitted(root, pending)


def _uncommitted(root: Path) -> list[dict]:
    data = _read(root / UNCOMMITTED)
    return [e for e in data if isinstance(e, dict) and "message" in e and "paths" in e] \
        if isinstance(data, list) else []


def _save_uncommitted(root: Path, entries: list[dict]) -> None:
    if entries:
        _write(root, entries, UNCOMMITTED)
    else:
        _remove(root / UNCOMMITTED)


# ---------------------------------------------------------------- the journal's own files


def _read(path: Path):
    import json  # here: a command that finds no journal never needs it (start-up time)

    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return None  # half a journal cannot exist (it is written whole): an unreadable one is not ours


def _write(root: Path, data, name: str = JOURNAL) -> None:
    import json

    (root / STATE_DIR).mkdir(exist_ok=True)
    files.atomic_write(root / name, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))


def _remove(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        return
    files.fsync_dir(path.parent)


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass

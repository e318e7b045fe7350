"""Changing a store: one transaction, under the store's lock, that writes whole files or nothing.

`transaction(root)` locks the store, loads it (refusing a store with any
problem), and hands out a `Transaction`. A change makes new (frozen) records
and gives each changed partner to `tx.put(partner)` (settings to
`tx.put_settings`); `commit(message)` runs the checks of `core.checks` on the
store as it would be, refuses a rewrite that would lose comments, and writes the
changed files as one change, all of them or none (`storage.journal`), in a
git-backed store as one commit of exactly those files. `apply_files` moves and
removes whole files (the trash, `edit`) the same way. `init_store` makes a new store.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from coopctl.core import checks
from coopctl.core.errors import CoopError
from coopctl.core.records import Partner, Settings, Store
from coopctl.i18n import t
from coopctl.storage import encode
from coopctl.storage.files import atomic_write, encode_text, refuse_reserved_name
from coopctl.storage.journal import FileOp, apply, locked
from coopctl.storage.loader import Loaded, load, load_valid
from coopctl.storage.source import SourceFile
from coopctl.storage.location import PARTNERS_DIR, SETTINGS_FILE, example_path, is_store, partner_file


class CommentsWouldBeLost(CoopError):
    pass


@dataclass
class Change:
    """What a transaction changed: the files written (or that would be)."""

    files: list[str] = field(default_factory=list)


class Transaction:
    """The records of a locked store, and the changes made to them so far (`store` shows them applied)."""

    def __init__(self, loaded: Loaded, force: bool):
        self.loaded = loaded
        self.store: Store = loaded.store
        self.vocabulary = loaded.vocabulary
        self.force = force
        self._changed: dict[str, Partner] = {}
        self._settings: Settings | None = None
        self._files: list[FileOp] = []  # whole files moved in with the records (an attached document)

    def put(self, partner: Partner) -> None:
        """Record a new or changed partner: its file is written at commit."""
        self._changed[partner.id] = partner
        self.store = self.store.with_partners({partner.id: partner})

    def put_settings(self, settings: Settings) -> None:
        """Record new settings: the settings file is rewritten at commit."""
        from coopctl.core.sectors import Vocabulary

        self._settings = settings
        self.store = self.store.with_partners({}, settings)
        self.vocabulary = Vocabulary(settings.sectors, settings.sector_aliases)

    def add_file(self, op: FileOp) -> None:
        """A file step of the same change (`journal.apply`): an attached document moved into place."""
        self._files.append(op)

    def check(self) -> None:
        """Refuse a change that leaves a problem `check` would report: the first, with a count."""
        settings = self.store.settings
        found = [f for p in (self.store.partners.values() if self._settings else self._changed.values())
                 for f in checks.check_partner(settings, p)]
        found += [f for f in checks.check_store(self.store) if f.partner_id in self._changed or self._settings]
        if found:
            more = t(" (and {n} more)", n=len(found) - 1) if len(found) > 1 else ""
            raise CoopError(t("{file}: {message}; nothing was written", file=partner_file(found[0].partner_id),
                              message=found[0].message) + more)

    def planned(self) -> dict[str, str]:
        """The text of every file to write, by its name in the store; refuses to drop comments."""
        self.check()
        out: dict[str, str] = {}
        if self._settings is not None:
            text = encode.dump_settings(self._settings)
            old = self.loaded.settings_text
            if old != text:
                if old is not None:
                    self._refuse_losing_comments(SourceFile(self.loaded.root / SETTINGS_FILE, SETTINGS_FILE, text=old))
                out[SETTINGS_FILE] = text
        for partner_id, partner in self._changed.items():
            name = partner_file(partner_id)
            text = encode.dump_partner(partner)
            source = self.loaded.files.get(partner_id)
            if source is not None:
                source.verify()  # under the lock: the file must still be the text its record was read from
                if source.text == text:
                    continue
                self._refuse_losing_comments(source)
            out[name] = text
        return out

    def _refuse_losing_comments(self, source: SourceFile) -> None:
        lines = source.comment_lines()
        if not lines or self.force:
            return
        if source.name == SETTINGS_FILE:
            raise CommentsWouldBeLost(t("{file}:{line}: this file has comments, which rewriting it would lose; "
                                        "move them elsewhere, or pass --force to rewrite it without them",
                                        file=source.name, line=lines[0]))
        raise CommentsWouldBeLost(t("{file}:{line}: this file has comments, which rewriting it would lose; "
                                    "move them into a 'notes' value, or pass --force to rewrite it without them",
                                    file=source.name, line=lines[0]))

    def commit(self, message: str | None = None) -> Change:
        """Write every changed file, all of them or none (`journal.apply`); in a git-backed store, also make one
        commit of exactly those files. `message` says what happened (it becomes the commit message)."""
        planned = self.planned()
        root = self.loaded.root
        encoded = {name: encode_text(text, root / name) for name, text in planned.items()}  # fail before any write
        for name in planned:
            refuse_reserved_name(name)
        names = sorted(planned)
        ops = [FileOp("write", name, data) for name, data in encoded.items()] + self._files
        apply(root, ops, message or f"coopctl: update {', '.join(names)}")
        return Change(sorted(names + [op.to or op.path for op in self._files]))


def git_store(root: Path) -> bool:
    if not (root / ".git").exists():
        return False  # the common case costs one stat, not a git process
    from coopctl.storage import git

    return git.is_git_store(root)


@contextmanager
def transaction(root: Path, *, force: bool = False, on_wait: Callable[[], None] | None = None,
                on_notice: Callable[[str], None] | None = None) -> Iterator[Transaction]:
    """Lock (finishing or rolling back first what a killed coopctl left), load (refusing a store with
    problems), let the caller change records, and nothing more.

    The caller calls `commit()` (or `planned()` for a dry run) before leaving.
    """
    if not is_store(root):
        load(root)  # raises the "no store" error
    with locked(root, on_wait, on_notice=on_notice):
        yield Transaction(load_valid(root), force)


def apply_files(root: Path, ops: list[FileOp], message: str) -> list[str]:
    """Write exact bytes, move and remove whole files, as one change (`journal.apply`: all or nothing), under
    the lock the caller holds.

    For changes that are not a rewrite of records (`edit` keeps the user's text as typed,
    `delete` and `restore` move files to and from the trash). In a git-backed store, hand edits
    are committed first, then one commit holds exactly the files these steps touched. Returns those files.
    """
    return apply(root, ops, message)


def init_store(root: Path, owner: str | None, sample: bool) -> list[str]:
    """Create a store; with `sample`, a copy of the bundled example. Returns the files made."""
    try:
        return _init_store(root, owner, sample)
    except OSError as e:
        where = f"{e.filename}: " if e.filename and Path(e.filename) != root else ""
        raise CoopError(t("could not create the store at {root}: {where}{reason}", root=root, where=where,
                          reason=e.strerror or e)) from None
    except UnicodeEncodeError:
        raise CoopError(t("--owner holds bytes that are not valid UTF-8 (check the terminal's encoding)")) from None


def _init_store(root: Path, owner: str | None, sample: bool) -> list[str]:
    import shutil
    from dataclasses import replace

    if is_store(root):
        raise CoopError(t("{root} already holds a store; pick another --store", root=root))
    if root.exists() and not root.is_dir():
        raise CoopError(t("{root} exists and is not a directory", root=root))
    if root.exists() and any(root.iterdir()):
        raise CoopError(t("{root} is not empty; give an empty or new directory", root=root))
    root.mkdir(parents=True, exist_ok=True)
    made: list[str] = []
    (root / PARTNERS_DIR).mkdir(exist_ok=True)
    if sample:
        source = example_path()
        for file in sorted((source / PARTNERS_DIR).glob("*.toml")):
            shutil.copyfile(file, root / PARTNERS_DIR / file.name)
            made.append(f"{PARTNERS_DIR}/{file.name}")
        settings_text = (source / SETTINGS_FILE).read_text(encoding="utf-8")
        if owner:
            settings_text = encode.dump_settings(replace(load(source, cache=False).store.settings, owner=owner))
        atomic_write(root / SETTINGS_FILE, settings_text.encode("utf-8"))
    else:
        atomic_write(root / SETTINGS_FILE,
                     encode.dump_settings(Settings(owner=owner or root.resolve().name)).encode("utf-8"))
    made.insert(0, SETTINGS_FILE)
    return made

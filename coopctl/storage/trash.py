"""Deleting records with a way back: the store's trash.

`delete` never destroys a record: a deleted partner's file is moved, as it is,
into `STORE/trash/`; a deleted agreement is first copied there (the whole
partner file as it was, comments included) and only then removed from its
partner's file. `restore` brings either back, refusing when its id is in use
again. The loader reads only `partners/`, so the trash is never part of the
records and `check` never looks at it.

A trash entry is one file whose name says what it holds (ids are slugs, which
have no dots, so the name splits unambiguously):

    trash/20250102T101112Z.partner.osaka.toml
    trash/20250102T101112Z.agreement.osaka.osaka-mou-2023.toml
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from coopctl.core.errors import CoopError, Problem
from coopctl.core.ids import nearest, require_record
from coopctl.core.records import Agreement, Partner
from coopctl.i18n import t, tn
from coopctl.storage.loader import Loaded
from coopctl.storage.location import PARTNERS_DIR, TRASH_DIR
from coopctl.storage.transaction import FileOp, Transaction, apply_files

_ENTRY = re.compile(
    r"^(?P<stamp>\d{8}T\d{6}Z)(?:-(?P<n>\d+))?\.(?:partner\.(?P<pid>[a-z0-9-]+)"
    r"|agreement\.(?P<apid>[a-z0-9-]+)\.(?P<aid>[a-z0-9-]+)"
    r"|document\.(?P<dpid>[a-z0-9-]+)\.(?P<daid>[a-z0-9-]+)\.(?P<sha>[0-9a-f]{64}))\.toml$"
)


@dataclass(frozen=True)
class TrashEntry:
    name: str  # the file name in trash/
    deleted: datetime
    kind: str  # "partner", "agreement" or "document" (a detached document's record: storage.doctrash)
    partner_id: str
    agreement_id: str | None
    sha256: str | None = None

    @property
    def record_id(self) -> str:
        return self.sha256[:12] if self.sha256 else self.agreement_id or self.partner_id

    @property
    def path(self) -> str:
        return f"{TRASH_DIR}/{self.name}"

    def row(self) -> dict:
        return {"id": self.record_id, "record": self.kind, "partner_id": self.partner_id,
                "deleted": self.deleted.strftime("%Y-%m-%d %H:%M:%S UTC"), "file": self.path} | (
                    {"agreement": self.agreement_id, "sha256": self.sha256} if self.sha256 else {})


def entries(root: Path) -> list[TrashEntry]:
    """What the trash holds, newest first. Files that are not trash entries are left alone."""
    from coopctl.storage.journal import recover_before_reading

    recover_before_reading(root)  # a delete or restore a killed coopctl left half-done: finished or rolled back
    folder = root / TRASH_DIR
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        m = _ENTRY.match(path.name)
        if not m or not path.is_file():
            continue
        deleted = datetime.strptime(m.group("stamp"), "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
        if m.group("pid"):
            found.append(TrashEntry(path.name, deleted, "partner", m.group("pid"), None))
        elif m.group("sha"):
            found.append(TrashEntry(path.name, deleted, "document", m.group("dpid"), m.group("daid"), m.group("sha")))
        else:
            found.append(TrashEntry(path.name, deleted, "agreement", m.group("apid"), m.group("aid")))
    return sorted(found, key=lambda e: (e.deleted, int((_ENTRY.match(e.name).group("n") or 0)), e.name), reverse=True)


def _entry_name(root: Path, tail: str, now: datetime | None = None) -> str:
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    name, n = f"{stamp}.{tail}", 1
    while (root / TRASH_DIR / name).exists():
        n += 1
        name = f"{stamp}-{n}.{tail}"
    return name


# ---------------------------------------------------------------- delete


@dataclass
class Deletion:
    kind: str
    partner: Partner
    agreement: Agreement | None

    @property
    def record_id(self) -> str:
        return self.agreement.id if self.agreement else self.partner.id

    def describe(self) -> list[str]:
        """What will go, for the person who must confirm it."""
        if self.agreement is not None:
            a = self.agreement
            return [t("agreement {id}: {title} ({type}) with {partner}, {terms}, {activities}", id=a.id, title=a.title,
                      type=a.type, partner=self.partner.name, terms=tn("{n} term", "{n} terms", len(a.terms)),
                      activities=tn("{n} activity", "{n} activities", len(a.activities)))]
        lines = [t("partner {id}: {name}, with {agreements}", id=self.partner.id, name=self.partner.name,
                   agreements=tn("{n} agreement", "{n} agreements", len(self.partner.agreements)))
                 + (":" if self.partner.agreements else "")]
        lines += ["  " + t("agreement {id}: {title} ({type})", id=a.id, title=a.title, type=a.type)
                  for a in self.partner.agreements]
        return lines


def plan_delete(loaded: Loaded, record_id: str) -> Deletion:
    """The record `record_id` names: an agreement id first, then a partner id or name."""
    partner, agreement = require_record(loaded.store, record_id)
    return Deletion("partner" if agreement is None else "agreement", partner, agreement)


def delete(tx: Transaction, record_id: str, dry_run: bool = False) -> str:
    """Move a partner, or one agreement, into the trash. Runs inside the caller's transaction (lock held)."""
    root = tx.loaded.root
    plan = plan_delete(tx.loaded, record_id)
    partner = plan.partner
    source = f"{PARTNERS_DIR}/{partner.id}.toml"
    if plan.agreement is None:
        name = _entry_name(root, f"partner.{partner.id}.toml")
        ops = [FileOp("move", source, to=f"{TRASH_DIR}/{name}")]
    else:
        name = _entry_name(root, f"agreement.{partner.id}.{plan.agreement.id}.toml")
        original = (root / source).read_bytes()  # as it is on disk, comments and all
        tx.put(partner.without_agreement(plan.agreement.id))
        rewritten = tx.planned()  # refuses (without --force) to drop the file's comments
        ops = [FileOp("write", f"{TRASH_DIR}/{name}", original)]  # the copy first: never in no place
        ops += [FileOp("write", path, text.encode("utf-8")) for path, text in rewritten.items()]
    moved = t("would move") if dry_run else t("moved")
    if plan.kind == "agreement":
        message = t("delete agreement {id} ({moved} to {file}; bring it back with 'coopctl restore {id}')",
                    id=plan.record_id, moved=moved, file=f"{TRASH_DIR}/{name}")
    else:
        message = t("delete partner {id} ({moved} to {file}; bring it back with 'coopctl restore {id}')",
                    id=plan.record_id, moved=moved, file=f"{TRASH_DIR}/{name}")
    if not dry_run:
        apply_files(root, ops, message)
    return message


# ---------------------------------------------------------------- restore


def find_entry(root: Path, wanted: str) -> TrashEntry:
    """The newest trash entry for a record id, or the entry with that file name."""
    all_entries = entries(root)
    for entry in all_entries:
        if wanted in (entry.name, entry.path, entry.name.removesuffix(".toml")):
            return entry
    for entry in all_entries:
        if entry.record_id == wanted or (entry.sha256 and len(wanted) >= 6 and entry.sha256.startswith(wanted)):
            return entry
    if not all_entries:
        raise CoopError(t("the trash is empty: nothing called '{name}' to restore", name=wanted))
    for entry in all_entries:  # an agreement that went with its whole partner
        if entry.kind == "partner" and f'id = "{wanted}"' in (root / entry.path).read_text("utf-8", "replace"):
            raise CoopError(t("agreement {id} was deleted with its partner {partner}; "
                              "bring both back with 'coopctl restore {partner}'", id=wanted, partner=entry.partner_id))
    raise CoopError(t("nothing in the trash is called '{name}'{hint} (see 'coopctl restore')", name=wanted,
                      hint=nearest(wanted, sorted({e.record_id for e in all_entries}))))


def _read_trashed(tx: Transaction, entry: TrashEntry) -> Partner:
    """The trashed partner file, checked with the same rules as the store's own files."""
    read = tx.loaded.read_file(tx.loaded.root / entry.path, entry.path, entry.partner_id)
    problems, partner = read.problems, read.partner
    if problems or partner is None:
        first = problems[0] if problems else Problem(entry.path, None, None, t("cannot be read"))
        raise CoopError(t("cannot restore from {path}: {problem}; the file is plain TOML: fix it, or copy what you need "
                          "from it by hand", path=tx.loaded.root / first.file, problem=str(first)[len(first.file) + 2:]))
    return partner


def restore(tx: Transaction, wanted: str, dry_run: bool = False) -> str:
    """Bring a record back from the trash, refusing if its id is in use again."""
    root = tx.loaded.root
    store = tx.store
    entry = find_entry(root, wanted)
    trashed = _read_trashed(tx, entry)
    target = f"{PARTNERS_DIR}/{entry.partner_id}.toml"
    if entry.kind == "document":
        from coopctl.storage.doctrash import restore_document

        return restore_document(tx, entry, trashed, dry_run)
    if entry.kind == "partner":
        if entry.partner_id in store.partners or (root / target).exists():
            raise CoopError(t("cannot restore partner {id}: the store has a partner with that id again; "
                              "delete or rename it first (the trashed copy stays in {file})", id=entry.partner_id,
                              file=entry.path))
        clashes = [a.id for a in trashed.agreements if store.find_agreement(a.id) is not None]
        if clashes:
            raise CoopError(tn("cannot restore partner {id}: agreement id {ids} is in use again; "
                               "the trashed copy stays in {file}",
                               "cannot restore partner {id}: agreement ids {ids} are in use again; "
                               "the trashed copy stays in {file}", len(clashes),
                               id=entry.partner_id, ids=", ".join(clashes), file=entry.path))
        ops = [FileOp("move", entry.path, to=target)]
        message = t("restore partner {id} from {file}", id=entry.partner_id, file=entry.path)
    else:
        agreement = next((a for a in trashed.agreements if a.id == entry.agreement_id), None)
        if agreement is None:
            raise CoopError(t("{path} does not hold agreement {id}; nothing restored", path=root / entry.path,
                              id=entry.agreement_id))
        if store.find_agreement(agreement.id) is not None:
            raise CoopError(t("cannot restore agreement {id}: the store has an agreement with that id again; "
                              "the trashed copy stays in {file}", id=agreement.id, file=entry.path))
        partner = store.partners.get(entry.partner_id)
        note = ""
        if partner is None:  # its partner was deleted too, or renamed: bring the partner back as it was then
            partner = trashed._replace(agreements=())
            note = t(" (and its partner {id}, which was no longer in the store)", id=partner.id)
        partner = partner.with_agreement(agreement)
        tx.put(partner)
        rewritten = tx.planned()
        ops = [FileOp("write", path, text.encode("utf-8")) for path, text in rewritten.items()]
        ops.append(FileOp("remove", entry.path))  # only once the record is back in the store
        message = t("restore agreement {id} to {partner}{note} from {file}", id=agreement.id, partner=partner.id, note=note,
                    file=entry.path)
    if not dry_run:
        apply_files(root, ops, message)
    return message

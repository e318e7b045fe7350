"""A detached document in the trash, and bringing it back (`coopctl restore`).

`detach` moves the stored file to `trash/<stamp>.document.<sha256>.<ext>` (when no other record names it) and
writes the record it removed beside it, as a partner file holding only that agreement and that document:
`trash/<stamp>.document.<partner>.<agreement>.<sha256>.toml` (plain TOML, checked like any partner file when it
is read back). `restore` puts the record back into its agreement and the file back under `documents/`, with its
text layer made again, in one change.
"""

from __future__ import annotations

from pathlib import Path

from coopctl.core.errors import CoopError
from coopctl.core.records import Agreement, Document, Partner
from coopctl.i18n import t
from coopctl.storage import archive, encode
from coopctl.storage.location import TRASH_DIR
from coopctl.storage.transaction import FileOp, Transaction, apply_files


def record_name(partner: Partner, agreement: Agreement, document: Document) -> str:
    """The tail of the trash entry's name (`trash._entry_name` adds the time)."""
    return f"document.{partner.id}.{agreement.id}.{document.sha256}.toml"


def record_entry(name: str, partner: Partner, agreement: Agreement, document: Document) -> FileOp:
    """The trash entry `name` that keeps a detached document's record (written with the detach)."""
    kept = partner._replace(agreements=(agreement._replace(documents=(document,)),))
    return FileOp("write", f"{TRASH_DIR}/{name}", encode.dump_partner(kept).encode("utf-8"))


def _trashed_file(root: Path, sha256: str) -> str | None:
    """The newest trashed copy of the file with this SHA-256 (`<stamp>.document.<sha256>[.<ext>]`)."""
    folder = root / TRASH_DIR
    found = sorted((p.name for p in folder.iterdir() if p.is_file() and f".document.{sha256}" in p.name
                    and not p.name.endswith(".toml")), reverse=True) if folder.is_dir() else []
    return f"{TRASH_DIR}/{found[0]}" if found else None


def restore_document(tx: Transaction, entry, trashed: Partner, dry_run: bool = False) -> str:
    """Bring a detached document back: its record into its agreement, its file into `documents/`."""
    root, store = tx.loaded.root, tx.store
    document = next((d for a in trashed.agreements if a.id == entry.agreement_id for d in a.documents
                     if d.sha256 == entry.sha256), None)
    if document is None:
        raise CoopError(t("{path} does not hold a document of {id}; nothing restored", path=root / entry.path,
                          id=entry.agreement_id))
    agreement = store.find_agreement(entry.agreement_id)
    if agreement is None:
        raise CoopError(t("cannot restore the document: agreement {id} is no longer in the store; restore it first "
                          "(the record stays in {file})", id=entry.agreement_id, file=entry.path))
    if any(d.sha256 == document.sha256 and d.kind == document.kind and d.step == document.step
           and d.term_start == document.term_start for d in agreement.documents):
        raise CoopError(t("{id} holds this document again ({sha}); the record stays in {file}", id=agreement.id,
                          sha=document.sha256[:12], file=entry.path))
    ops: list[FileOp] = []
    stored = archive.kept(root, document.sha256)
    if stored is None:
        trashed_file = _trashed_file(root, document.sha256)
        if trashed_file is None:
            raise CoopError(t("the file of {name} ({sha}) is no longer in the trash; attach it again instead",
                              name=document.name, sha=document.sha256[:12]))
        if archive.hash_file(root / trashed_file) != document.sha256:
            raise CoopError(t("{file} has changed since it was detached (its SHA-256 differs); attach it again "
                              "instead", file=root / trashed_file))
        extension = trashed_file.rpartition(f"{document.sha256}")[2].lstrip(".")
        ops.append(FileOp("move", trashed_file, to=archive.stored_path(document.sha256, extension)))
        if document.media_type == "application/pdf" and archive.read_text(root, document.sha256) is None:
            text, _ = archive.extract_text(root / trashed_file, document.name)
            if text:
                ops.append(FileOp("write", archive.text_path(document.sha256), text.encode("utf-8")))
    partner = store.partners[agreement.partner_id]
    tx.put(partner.with_agreement(agreement._replace(documents=agreement.documents + (document,))))
    ops = [FileOp("write", path, text.encode("utf-8")) for path, text in tx.planned().items()] + ops
    ops.append(FileOp("remove", entry.path))  # only once the record is back in the store
    message = t("restore document {name} ({sha}) to {id} from {file}", name=document.name, sha=document.sha256[:12],
                id=agreement.id, file=entry.path)
    if not dry_run:
        apply_files(root, ops, message)
    return message

"""`check` proves the archive: every recorded document is in the store with its SHA-256; a stored file no
record names is an orphan (`--fix-orphans` moves it to the trash)."""

import typer

from coopctl.cli.base import note, say, waiting
from coopctl.i18n import t, tn


def prove_archive(loaded, fix_orphans: bool) -> None:
    """Print each problem of the archive as `stored file: message (record file:line)`; exit 1 if any."""
    from coopctl.app.archive import trashed_documents
    from coopctl.storage import archive
    from coopctl.storage.location import partner_file
    from coopctl.views.tables import print_lines

    root = loaded.root
    problems, orphans = archive.verify(root, loaded.store, trashed_documents(loaded))
    lines = []
    for p in problems:
        source = loaded.files.get(p.partner_id)
        line = source.locate(p.path)[0] if source is not None else None
        record = f"{root / partner_file(p.partner_id)}" + (f":{line}" if line else "")
        lines.append(t("{file}: {message} (recorded at {record})", file=root / p.file, message=p.message,
                       record=record))
    unfinished = archive.unfinished(root)
    if (orphans or unfinished) and fix_orphans:
        moved = _to_trash(root, orphans)  # taking the lock removes the unfinished copies
        if moved:
            say(tn("moved {n} orphan document to the trash: {files}", "moved {n} orphan documents to the trash: {files}",
                   len(moved), files=", ".join(moved)))
        orphans, unfinished = [], []
    lines += [t("{file}: an unfinished copy left by an interrupted coopctl (no record names it; the next change to "
                "the store, or check --fix-orphans, removes it)", file=root / u) for u in unfinished]
    lines += [t("{file}: no record names this stored file (an orphan; check --fix-orphans moves it to the trash)",
                file=root / o) for o in orphans]
    if lines:
        print_lines(lines)
        say(tn("{n} problem in {root}", "{n} problems in {root}", len(lines), root=root))
        raise typer.Exit(1)


def _to_trash(root, orphans: list[str]) -> list[str]:
    from coopctl.storage.journal import FileOp, locked
    from coopctl.storage.location import TRASH_DIR
    from coopctl.storage.transaction import apply_files
    from coopctl.storage.trash import _entry_name

    with locked(root, waiting, on_notice=note):
        ops = []
        for orphan in orphans:
            name = _entry_name(root, "document." + orphan.rpartition("/")[2])
            ops.append(FileOp("move", orphan, to=f"{TRASH_DIR}/{name}"))
        apply_files(root, ops, "coopctl: orphan documents moved to the trash")
    return orphans

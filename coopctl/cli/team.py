"""Working as a team and safely: sync, history, edit, delete and restore."""

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from coopctl.cli.base import (
    CoopError,
    DryRunOpt,
    ForceOpt,
    NoInputOpt,
    Output,
    StoreOpt,
    UsageError,
    command,
    confirm,
    interactive,
    note,
    one_store,
    output_options,
    say,
    waiting,
)
from coopctl.i18n import t, tc


@command()
def sync(
    take: Annotated[Optional[str], typer.Option("--take", metavar="mine|theirs", help=t("Where both sides changed the same value, keep yours (mine) or the other side's (theirs)."))] = None,
    store: StoreOpt = None,
) -> None:
    """Pull others' changes (with rebase), then push yours, in a git-backed store.

    Partner files are merged record by record: activities, milestones, documents and terms that
    two people added commute. Two changes to the same value stop the sync with both values shown,
    the store left as it was; settle them with --take mine or --take theirs.

    Example: coopctl sync --store ./jatim
    """
    from coopctl.storage import git, journal
    from coopctl.storage.location import require_store

    if take is not None and take not in git.TAKES:
        raise UsageError(t("--take is mine or theirs, not '{value}'", value=take))
    root = one_store(store)
    require_store(root)
    with journal.locked(root, waiting, on_notice=note):
        if git.is_git_store(root):
            journal.commit_uncommitted(root, note)  # under their own messages, before any hand edit
        try:
            message = git.sync(root, note, take)
        except git.SyncConflict as conflict:
            for line in conflict.details:
                say(line)
            raise
    say(message[0].upper() + message[1:])


@command("merge-driver", hidden=True)
def merge_driver(base: Path, ours: Path, theirs: Path, name: str) -> None:
    """git's merge driver for partner files (init --git and sync register it): BASE OURS THEIRS PATH."""
    from coopctl.storage.merge import merge_file

    raise typer.Exit(merge_file(base, ours, theirs, name))


@command()
@output_options
def history(
    record_id: Annotated[Optional[str], typer.Argument(metavar="[ID]", help=t("Only the changes to this partner or agreement."))] = None,
    *,
    out: Output,
) -> None:
    """The changes to the store (or to one partner or agreement), newest first, from git.

    Example: coopctl history western-australia-sister-state
    """
    from coopctl.core.ids import require_record
    from coopctl.storage import git
    from coopctl.storage.loader import load
    from coopctl.storage.location import partner_file
    from coopctl.views import listing

    root = one_store(out.stores)
    loaded = load(root)
    if not git.is_git_store(root):
        raise CoopError(t("{root} is not a git-backed store, so coopctl keeps no history of it; "
                          "make it one with: coopctl init --git --store {root}", root=root))
    paths, mentioning = None, None
    if record_id:
        if (root / partner_file(record_id)).exists() and record_id not in loaded.store.partners:
            paths = [partner_file(record_id)]  # a partner file that does not load: its history still shows
        else:
            partner, agreement = require_record(loaded.store, record_id)
            paths, mentioning = [partner_file(partner.id)], agreement.id if agreement else None
    rows = [{"date": c.date, "author": c.author, "change": c.message, "files": list(c.files), "commit": c.commit}
            for c in git.history(root, paths, mentioning)]
    listing.show_rows(rows, out.format, [("date", t("Date")), ("author", t("Author")), ("change", t("Change"))],
                      ["date", "author", "change", "files", "commit"], keep=("date",), wrap=("change",),
                      empty=t("no changes recorded"))


@command()
def edit(
    record_id: Annotated[str, typer.Argument(metavar="ID", help=t("A partner (id or name) or an agreement; its partner's file is opened."))],
    dry_run: DryRunOpt = False,
    store: StoreOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Edit a partner's file in $VISUAL or $EDITOR (else vi); checked on save.

    Problems are shown at the top of the file and, at a terminal, you are asked whether to edit again or
    give up; save it unchanged, or quit the editor with an error (:cq in vi), to give up too. Without a
    terminal (or with --no-input) an invalid save gives up at once: the store is untouched, the copy kept.
    The file is saved exactly as you wrote it.

    Example: coopctl edit osaka-sister-province
    """
    from coopctl.core.text import clean
    from coopctl.storage import editing

    def again() -> bool:
        return confirm(t("Edit again? (no: give up, leaving the store as it was)"), default=True)

    result = editing.edit(one_store(store), record_id, dry_run=dry_run, say=say, on_wait=waiting, on_notice=note,
                          again=again if interactive(no_input) else None)
    if dry_run:
        for line in result.diff:
            sys.stdout.write(clean(line) + "\n")
        say(t("Dry run, nothing written: {change}", change=result.message))
    elif result.written:
        say(t("Saved: {change}", change=result.message))
    else:
        say(result.message)


@command()
def delete(
    record_id: Annotated[str, typer.Argument(metavar="ID", help=t("A partner (id or name, with all its agreements) or an agreement."))],
    yes: Annotated[bool, typer.Option("--yes", "-y", help=t("Do not ask; needed when not at a terminal."))] = False,
    dry_run: DryRunOpt = False,
    no_input: NoInputOpt = False,
    force: ForceOpt = False,
    store: StoreOpt = None,
) -> None:
    """Move a partner or an agreement to the store's trash; 'coopctl restore' brings it back.

    Example: coopctl delete alexandria-loi --yes
    """
    from coopctl.storage import trash
    from coopctl.storage.loader import load_valid
    from coopctl.storage.transaction import transaction

    root = one_store(store)
    plan = trash.plan_delete(load_valid(root), record_id)
    say(t("This moves to the trash (coopctl restore brings it back):"))
    for line in plan.describe():
        say(f"  {line}")
    if not yes and not dry_run:
        if not interactive(no_input):
            raise UsageError(t("deleting needs --yes when not asked at a terminal; nothing was deleted"))
        question = t("Delete agreement {id}?", id=plan.record_id) if plan.kind == "agreement" \
            else t("Delete partner {id}?", id=plan.record_id)
        if not confirm(question, default=False, err=True):
            raise CoopError(t("nothing was deleted"))
    with transaction(root, force=force, on_wait=waiting, on_notice=note) as tx:
        message = trash.delete(tx, record_id, dry_run=dry_run)
    say(t("Dry run, nothing written: {change}", change=message) if dry_run else t("Saved: {change}", change=message))


@command()
@output_options
def restore(
    record_id: Annotated[Optional[str], typer.Argument(metavar="[ID]", help=t("The record to bring back (the newest one of that id), or a trash file's name; without it, list the trash."))] = None,
    dry_run: DryRunOpt = False,
    force: ForceOpt = False,
    no_input: NoInputOpt = False,  # restore never asks; accepted so that scripts can always give it
    *,
    out: Output,
) -> None:
    """List the trash, or bring a deleted partner or agreement back (refused if its id is in use again).

    Example: coopctl restore alexandria-loi
    """
    from coopctl.storage import trash
    from coopctl.storage.location import require_store
    from coopctl.storage.transaction import transaction
    from coopctl.views import listing

    root = one_store(out.stores)
    if record_id is None:
        require_store(root)
        rows = [e.row() for e in trash.entries(root)]
        listing.show_rows(rows, out.format, [("id", t("ID")), ("record", t("Record")), ("deleted", t("Deleted")),
                                             ("partner_id", t("Partner")), ("file", t("File"))],
                          ["deleted", "record", "id", "partner_id", "file"],
                          keep=("deleted", "record", "id", "partner_id", "file"), drop=("file", "partner_id"),
                          empty=t("the trash is empty"), display=lambda r: r | {"record": tc("record", r["record"])})
        return
    with transaction(root, force=force, on_wait=waiting, on_notice=note) as tx:
        message = trash.restore(tx, record_id, dry_run=dry_run)
    say(t("Dry run, nothing written: {change}", change=message) if dry_run else t("Saved: {change}", change=message))

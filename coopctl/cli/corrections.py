"""Corrections: amend (the last term's dates, signing date or number: a mistake, not a renewal) and undo (the
last change a coopctl command made), each one transaction like every change."""

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from coopctl.cli.base import (
    Change,
    NoInputOpt,
    StoreOpt,
    UsageError,
    a_date,
    change_options,
    command,
    load,
    note,
    one_store,
    say,
    waiting,
    write,
)
from coopctl.i18n import t


@command()
@change_options
def amend(
    agreement_id: Annotated[str, typer.Argument(metavar="ID", help=t("The agreement whose last term to correct."))],
    start: Annotated[Optional[str], typer.Option("--start", metavar="DATE", help=t("The last term's correct first day."))] = None,
    until: Annotated[Optional[str], typer.Option("--until", metavar="DATE", help=t("The last term's correct last day."))] = None,
    end: Annotated[Optional[str], typer.Option("--end", metavar="DATE", help=t("The same as --until."))] = None,
    signed: Annotated[Optional[str], typer.Option("--signed", metavar="DATE", help=t("The correct signing date (of a signed term)."))] = None,
    number: Annotated[Optional[str], typer.Option("--number", metavar="NO", help=t("The agreement's number for that term."))] = None,
    *,
    change: Change,
) -> None:
    """Correct the last term of an agreement: its dates, signing date or number (a mistake, not a renewal).

    --dry-run shows the change to the partner file as a diff. A renewal is a new term: coopctl renew.

    Example: coopctl amend unicef-cpap-2021-2025 --signed 16/12/2025 --number "UN/2025/12" --dry-run
    """
    from coopctl.app.operations import amend_term

    if until is not None and end is not None:
        raise UsageError(t("--until and --end are the same option; give one of them"))
    # an error names the option the person typed (--end was told '--until: ...')
    last = a_date(end, "--end") if end is not None else a_date(until, "--until")
    values = a_date(start, "--start"), last, a_date(signed, "--signed")
    write(change, lambda tx: amend_term(tx, agreement_id, *values, number))


@command()
def undo(
    dry_run: Annotated[bool, typer.Option("--dry-run", "-n", help=t("Show what would be reversed; write nothing."))] = False,
    no_input: NoInputOpt = False,
    store: StoreOpt = None,
) -> None:
    """Reverse the last change a coopctl command made to the store, saying which.

    Only the last change is kept: a second undo reverses nothing more. A change whose files were edited
    since (by hand, by a sync) is not undone. In a git-backed store the change's commit is reverted (git revert).

    Example: coopctl undo --dry-run
    """
    del no_input  # undo never asks; accepted, as by every writing command, for scripts
    import difflib

    from coopctl.core.text import clean
    from coopctl.storage import undo as undoing
    from coopctl.storage.journal import FileOp, apply, locked

    root = one_store(store)
    load(store)  # a store that cannot be read is said so, as by every command
    with locked(root, waiting, on_notice=note):
        plan = undoing.plan(root)
        if dry_run:
            for path, now, then in plan.texts:
                for line in difflib.unified_diff(now.splitlines(), then.splitlines(), f"a/{path}", f"b/{path}",
                                                 lineterm=""):
                    sys.stdout.write(clean(line) + "\n")
            say(t("Dry run, nothing written: undo would reverse: {change}", change=plan.message))
            return
        if not _git_revert(root, plan):
            ops = [FileOp("remove", path) if old is None else FileOp("write", path, old) for path, old in plan.files]
            apply(root, ops, t("undo: {change}", change=plan.message), undoable=False)
        undoing.mark_undone(root, plan.message)
    say(t("Undone: {change}", change=plan.message))


def _git_revert(root: Path, plan) -> bool:
    """In a git-backed store whose last commit is still the change to undo: `git revert` it. False otherwise (the
    files are then put back as in a plain store, and committed)."""
    from coopctl.core.text import clean
    from coopctl.storage import git
    from coopctl.storage.transaction import git_store

    if not plan.commit or not git_store(root):
        return False
    last = git.git(root, "log", "-1", "--format=%H%n%B", check=False).stdout.split("\n", 1)
    if len(last) < 2 or last[0] != plan.commit or last[1].strip() != clean(plan.message).strip():
        return False
    git.ready_to_commit(root, note)
    with git.running(root):
        git.git(root, "revert", "--no-edit", plan.commit)
    return True

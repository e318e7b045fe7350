"""The archive of documents: attach, docs, detach, open, search.

A document is copied into the store (`documents/ab/<sha256>.<ext>`) and recorded with its agreement in one
transaction (`app.archive`); `check` proves the archive (see `listings.check`).
"""

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from coopctl.cli.base import (
    Change,
    CoopError,
    Output,
    StoreOpt,
    a_date,
    change_options,
    command,
    load,
    note,
    one_store,
    output_options,
    say,
    waiting,
)
from coopctl.i18n import t, tc

KindHelp = t("What it is: signed-text (the default), draft, rks, dprd-letter, dprd-approval, verification, "
             "ministry-approval, full-powers, evaluation, minutes, report or other.")


def a_kind(text: Optional[str], option: str = "--kind") -> Optional[str]:
    from coopctl.core import lexicon

    if text is None:
        return None
    return lexicon.resolve(lexicon.DOCUMENT_KINDS, text, t("document kind"), field="kind")


def attach_file(change: Change, agreement_id: str, source: Path, what, extra=None) -> None:
    """Run an attach (and `extra(tx)` first, for `milestone --doc`) in one transaction; `what` is an `Attach`, or
    makes one from the transaction (after `extra`)."""
    from coopctl.app.archive import attach as do_attach
    from coopctl.storage import archive
    from coopctl.storage.transaction import transaction

    root = one_store(change.store)
    temporaries: list[str] = []
    try:
        with transaction(root, force=change.force, on_wait=waiting, on_notice=note) as tx:
            first = extra(tx) if extra else None
            if callable(what):
                what = what(tx)
            message, _, warnings = do_attach(tx, agreement_id, source, what, change.force, change.dry_run,
                                             temporaries)
            for warning in warnings:
                note(warning)
            if first:
                message = f"{first}; {message}"
            if change.dry_run:
                say(t("Dry run, nothing written: {change}", change=message))
                return
            tx.commit(message)
    except BaseException:
        archive.discard_unfinished(root, temporaries)
        raise
    say(t("Saved: {change}", change=message))


@command()
@change_options
def attach(
    agreement_id: Annotated[str, typer.Argument(metavar="ID", help=t("The agreement."))],
    file: Annotated[Path, typer.Argument(metavar="FILE", help=t("The file to keep (a PDF of the signed text, a letter)."))],
    kind: Annotated[Optional[str], typer.Option("--kind", metavar="KIND", help=KindHelp)] = None,
    number: Annotated[Optional[str], typer.Option("--number", metavar="NO", help=t("The document's number."))] = None,
    when: Annotated[Optional[str], typer.Option("--date", metavar="DATE", help=t("The document's date."))] = None,
    title: Annotated[Optional[str], typer.Option("--title", metavar="TEXT", help=t("What the document is called."))] = None,
    term: Annotated[Optional[str], typer.Option("--term", metavar="START", help=t("The term it belongs to, by its start (default: the latest signed term)."))] = None,
    *,
    change: Change,
) -> None:
    """Keep a copy of a file with an agreement: in the store, named by its SHA-256, recorded with the agreement.

    Example: coopctl attach western-australia-sister-state naskah.pdf --number 120/2023 --date 2023-09-05
    """
    from coopctl.app.archive import Attach

    what = Attach(a_kind(kind) or "signed-text", number, a_date(when, "--date"), title, a_date(term, "--term"))
    attach_file(change, agreement_id, file, what)


KindOpt = Annotated[Optional[str], typer.Option("--kind", metavar="KIND", help=t("Only documents of this kind."))]


@command()
@output_options
def docs(
    agreement_id: Annotated[Optional[str], typer.Argument(metavar="ID", help=t("Only this agreement."))] = None,
    kind: KindOpt = None,
    missing: Annotated[bool, typer.Option("--missing", help=t("List what the archive lacks: signed terms without their signed text, done approvals without their letter."))] = False,
    *,
    out: Output,
) -> None:
    """List the documents kept in the store, or (--missing) the ones it should hold and does not.

    Example: coopctl docs --missing
    """
    from coopctl.app import archive
    from coopctl.views import listing

    loaded = load(out.stores)
    if missing:
        rows = archive.missing_rows(loaded.store, agreement_id)
        if kind:
            wanted = a_kind(kind)
            rows = [r for r in rows if r["missing"] == wanted]
        listing.show_rows(rows, out.format,
                          [("id", t("Agreement")), ("missing", t("Missing")), ("term", t("Term")), ("date", t("Date"))],
                          ["id", "partner_id", "missing", "term", "step", "date"], keep=("id", "missing"),
                          empty=t("no document is missing"))
        return
    rows = archive.document_rows(loaded.root, loaded.store, agreement_id, a_kind(kind))
    listing.show_rows(rows, out.format,
                      [("id", t("Agreement")), ("kind", tc("document", "Kind")), ("name", t("File")), ("number", t("Number")),
                       ("date", t("Date")), ("sha", "SHA-256")],
                      ["id", "partner_id", "kind", "name", "size", "sha256", "media_type", "number", "date", "title",
                       "term", "step", "file"], keep=("id", "kind", "date", "sha"), wrap=("name",),
                      empty=t("no documents"), display=lambda r: r | {"sha": r["sha256"][:12]})


@command()
@change_options
def detach(
    agreement_id: Annotated[str, typer.Argument(metavar="ID", help=t("The agreement."))],
    prefix: Annotated[str, typer.Argument(metavar="SHA_PREFIX", help=t("The start of the document's SHA-256 (see coopctl docs ID)."))],
    kind: Annotated[Optional[str], typer.Option("--kind", metavar="KIND", help=t("The document of this kind, where one file is kept as several."))] = None,
    *,
    change: Change,
) -> None:
    """Remove a document from an agreement; its file and its record go to the store's trash (coopctl restore
    SHA_PREFIX brings both back).

    Example: coopctl detach western-australia-sister-state 3f2a
    """
    from coopctl.app.archive import detach as do_detach
    from coopctl.cli.base import write
    from coopctl.storage.location import TRASH_DIR
    from coopctl.storage.trash import _entry_name

    root = one_store(change.store)

    def make(tx):
        from coopctl.app.archive import find_document
        from coopctl.core.ids import require_agreement

        wanted = a_kind(kind)
        document = find_document(require_agreement(tx.store, agreement_id)[1], prefix, wanted)
        extension = document.name.rpartition(".")[2].lower() if "." in document.name else "bin"
        name = _entry_name(root, f"document.{document.sha256}.{extension if extension.isalnum() else 'bin'}")
        return do_detach(tx, agreement_id, prefix, f"{TRASH_DIR}/{name}", wanted)

    write(change, make, root)


@command("open")
def open_(
    agreement_id: Annotated[str, typer.Argument(metavar="ID", help=t("The agreement."))],
    kind: KindOpt = None,
    store: StoreOpt = None,
) -> None:
    """Open an agreement's document with the system's viewer; off a terminal or with no display, print where it is kept.

    Example: coopctl open western-australia-sister-state
    """
    import os
    import shutil
    import subprocess

    from coopctl.app import archive

    loaded = load(store)
    rows = archive.document_rows(loaded.root, loaded.store, agreement_id, a_kind(kind))
    if not rows:
        raise CoopError(t("{id} has no such document; see coopctl docs --missing", id=agreement_id))
    preferred = next((r for r in reversed(rows) if r["kind"] == "signed-text"), rows[-1])
    path = loaded.root / preferred["file"]
    if not path.is_file():
        raise CoopError(t("{file} is missing from the store; run coopctl check", file=preferred["file"]))
    if not sys.stdout.isatty():
        sys.stdout.write(f"{path}\n")
        return
    if sys.platform == "win32":
        os.startfile(str(path))  # type: ignore[attr-defined]
        return
    viewer = "open" if sys.platform == "darwin" else "xdg-open"
    # no viewer, or (off macOS) no display to show one on (a server over ssh): xdg-open would fail unseen
    headless = viewer == "xdg-open" and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if shutil.which(viewer) is None or headless:
        sys.stdout.write(f"{path}\n")
        return
    subprocess.Popen([viewer, str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@command()
@output_options
def search(
    query: Annotated[str, typer.Argument(metavar="QUERY", help=t("Words to find (any case or accents)."))],
    *,
    out: Output,
) -> None:
    """Find partners, agreements, activities and documents by words in their ids, names, titles, numbers, notes,
    summaries and the text of attached PDFs.

    Example: coopctl search waste
    """
    from coopctl.app import archive
    from coopctl.views import listing

    loaded = load(out.stores)
    rows = archive.search_rows(loaded.store, query, loaded.root)
    if out.format in ("table", "md"):  # where it matched, in the reader's language (JSON and CSV keep the ids)
        rows = [r | {"where": _where(r["where"])} for r in rows]
    listing.show_rows(rows, out.format, [("id", t("Record")), ("where", t("Where")), ("text", t("Text"))],
                      ["id", "partner_id", "where", "text"], keep=("id", "where"), wrap=("text",),
                      empty=t("nothing matches"))


def _where(where: str) -> str:
    """Where `search` found a word (`title`, `document text:SHA`), as people read it."""
    base, colon, sha = where.partition(":")
    words = {"partner": tc("search", "partner"), "name": tc("search", "name"), "local_name": tc("search", "local_name"),
             "notes": tc("search", "notes"), "id": tc("search", "id"), "title": tc("search", "title"),
             "number": tc("search", "number"), "activity": tc("search", "activity"),
             "document": tc("search", "document"), "document text": tc("search", "document text")}
    return words.get(base, base) + colon + sha

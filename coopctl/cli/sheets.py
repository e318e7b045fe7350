"""Spreadsheets and calendars: import, export, calendar."""

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from coopctl.cli.base import (
    AsOfOpt,
    CoopError,
    DryRunOpt,
    NoInputOpt,
    ForceOpt,
    StoreOpt,
    Stores,
    UsageError,
    a_duration,
    command,
    load,
    note,
    one_store,
    say,
    waiting,
)
from coopctl.i18n import t, tn


class SheetFormat(str, Enum):
    xlsx = "xlsx"
    csv = "csv"
    json = "json"


class SheetTable(str, Enum):
    agreements = "agreements"
    activities = "activities"
    documents = "documents"


OutputOpt = Annotated[Optional[str], typer.Option("-o", "--output", metavar="FILE", help=t("Write to FILE ('-' or none: standard output)."))]


def _as_of(as_of: Optional[str]):
    from datetime import date

    from coopctl.cli.base import a_day

    return a_day(as_of, "--as-of") or date.today()


def write_output(output: Optional[str], data: bytes) -> bool:
    """An export to -o FILE or stdout (`storage.files.write_output` says how); True when it went to a file."""
    from coopctl.storage.files import write_output as write_to

    return write_to(output, data) is not None


class Ambiguous(str, Enum):
    list = "list"
    first = "first"


@command("import")
def import_(
    file: Annotated[Path, typer.Argument(metavar="FILE", help=t("An .xlsx workbook, a CSV file (UTF-8, comma or semicolon) or a coopctl JSON export."))],
    update: Annotated[bool, typer.Option("--update", help=t("Update the agreements and partners that already exist and differ (else they are reported, and nothing is written)."))] = False,
    rejects: Annotated[Optional[Path], typer.Option("--rejects", metavar="FILE", help=t("Import every row that can be, and write the others to FILE (CSV for CSV, xlsx for xlsx) with a column of their problems; without it the import is all or nothing."))] = None,
    mapping: Annotated[Optional[list[str]], typer.Option("--map", metavar="COLUMN=FIELD", help=t("Read a column as a field, e.g. \"Judul Kerja Sama=title\" (repeat for more)."))] = None,
    no_infer: Annotated[bool, typer.Option("--no-infer", help=t("Take only what the sheet says: no type from the title, kind from the name, start from the signing date, renewal rows as terms, partners by a normalised name or sector phrases mapped to sectors."))] = False,
    infer_ambiguous: Annotated[Ambiguous, typer.Option("--infer-ambiguous", help=t("When two partners or agreements fit a row: list them as problems (list), or take the first (first)."))] = Ambiguous.list,
    dry_run: DryRunOpt = False,
    force: ForceOpt = False,
    store: StoreOpt = None,
    no_input: NoInputOpt = False,  # import never asks; accepted so that scripts can always give it
) -> None:
    """Import agreements from a spreadsheet, one row per term, or a JSON export: all or nothing.

    Columns are found by their header, in English or Indonesian, in any case: partner/mitra,
    country/negara, kind/jenis mitra, title/judul, type/jenis, sectors/bidang, start/tanggal
    mulai, end/tanggal berakhir, signed/tanggal tanda tangan, number/nomor, unit/OPD,
    notes/keterangan, sources/sumber (and id, partner_id, pending, place, notice, local_party);
    --map names any other; a column coopctl has no field for is kept in the agreement's extra
    table. Rows with the same id, or the same partner and title, are the terms of one agreement.
    What the sheet leaves out is inferred and listed by --dry-run (marked ~): the type from the
    title, the partner's kind from its country and name, the start from the signing date, a
    renewal or reaffirmation row as a new term of the agreement it renews, a partner written
    another way ("City of Darwin"), sector phrases ("trade and investment"); --no-infer turns
    this off. Dates: 2023-08-22, 22/08/2023, 22 Agustus 2023, 2023-08, 2014 or date cells.
    Every problem is listed as file:row:column and nothing is written unless every row is valid
    (with --rejects, the other rows are imported and the bad ones written to FILE); importing
    the same file again changes nothing. With --update, filled cells replace what the store
    holds, empty cells keep it; new terms that overlap none of an agreement's are added without
    it; from a JSON export, a differing agreement is replaced whole.

    Example: coopctl import kerja-sama.xlsx --dry-run --rejects ditolak.xlsx
    """
    from coopctl.core.text import clean, shorten
    from coopctl.interop.cells import ImportProblems, read_file
    from coopctl.interop.columns import parse_map
    from coopctl.interop.importing import ImportOptions, apply_import
    from coopctl.storage.location import require_store
    from coopctl.storage.transaction import transaction

    root = one_store(store)
    require_store(root)  # says there is no store, before the file is read
    options = ImportOptions(update=update, infer=not no_infer, first=infer_ambiguous == Ambiguous.first,
                            mapping=parse_map(mapping or []), rejects=rejects is not None)

    def listed(problems) -> None:
        sys.stdout.flush()
        for problem in problems:
            line = clean(str(problem))
            sys.stderr.write((shorten(line) if len(line) > 600 else line) + "\n")

    def refused(e: ImportProblems) -> CoopError:
        """Every problem on its own line on stderr; the error line follows."""
        for line in e.notes:
            note(line)
        listed(e.problems)
        return CoopError(e.message)

    try:
        source = read_file(file, str(file))
    except ImportProblems as e:
        raise refused(e) from None
    if rejects is not None:
        _check_rejects(rejects, file, source)
    with transaction(root, force=force, on_wait=waiting, on_notice=note) as tx:
        try:
            plan = apply_import(tx, source, update, options)
        except ImportProblems as e:
            raise refused(e) from None
        for line in plan.notes:
            note(line)
        listed(plan.problems)
        if rejects is not None and not plan.rejected:
            note(t("every row can be imported; {path} is not written", path=str(rejects)))
        summary = plan.summary()
        if dry_run:
            for line in plan.lines + _inferred_lines(plan.inferred):
                sys.stdout.write(clean(line) + "\n")
            if plan.rejected:
                say(t("Dry run: {n} rows would be written to {path}", n=len(plan.rejected), path=str(rejects)))
            say(t("Dry run, nothing written: {change}", change=summary))
            return
        if plan.rejected:
            _write_rejects(rejects, source, plan)
        if not plan.partners and plan.settings is None:
            if plan.rejected:
                say(t("Wrote the {n} rows not imported to {path}: fix them there and import it again",
                      n=len(plan.rejected), path=str(rejects)))
            say(summary[0].upper() + summary[1:])
            return
        tx.commit(summary)
    if plan.rejected:
        say(t("Wrote the {n} rows not imported to {path}: fix them there and import it again",
              n=len(plan.rejected), path=str(rejects)))
    say(t("Saved: {change}", change=summary))


def _inferred_lines(inferred: list) -> list[str]:
    """The inferred values as a table: row, field, ~value, and where it came from."""
    if not inferred:
        return []
    cells = [(str(i.row), i.field, "~" + i.value, i.reason) for i in inferred]
    widths = [max(len(c[k]) for c in cells) for k in range(3)]
    head = [t("Inferred (~), not in the sheet (--no-infer: take only what the sheet says):")]
    return head + ["  " + "  ".join(c[k].ljust(widths[k]) for k in range(3)) + "  " + c[3] for c in cells]


def _check_rejects(path: Path, file: Path, source) -> None:
    """A rejects file is not the input, has the input's format, and can be written (before anything is)."""
    import os

    from coopctl.interop.cells import JsonExport

    if isinstance(source, JsonExport):
        raise UsageError(t("--rejects applies to a spreadsheet; a JSON export is imported whole"))
    same = path.resolve() == file.resolve() or (path.exists() and os.path.samefile(path, file))
    if same:
        raise UsageError(t("--rejects {path} is the file being imported; give another file", path=str(path)))
    suffix = path.suffix.lower().lstrip(".")
    if suffix and suffix in ("csv", "xlsx") and suffix != source.kind:
        raise UsageError(t("--rejects {path}: the rows are written as the input is ({kind}); give a file ending in "
                           ".{kind}", path=str(path), kind=source.kind))
    folder = path.resolve().parent
    if not folder.is_dir() or not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise CoopError(t("cannot write the rejects to {path}: {reason}; nothing was imported", path=str(path),
                          reason=t("no such folder") if not folder.is_dir() else t("permission denied")))


def _write_rejects(path: Path, source, plan) -> None:
    from coopctl.interop.rejects import rejects_bytes
    from coopctl.storage.files import atomic_write

    try:
        atomic_write(path, rejects_bytes(source, plan.header_row, plan.rejected))
    except OSError as e:
        raise CoopError(t("cannot write the rejects to {path}: {reason}; nothing was imported", path=str(path),
                          reason=e.strerror or str(e))) from None


@command()
def export(
    fmt: Annotated[Optional[SheetFormat], typer.Option("--format", help=t("xlsx, csv or json (default: from the -o file's extension)."))] = None,
    output: OutputOpt = None,
    table: Annotated[Optional[SheetTable], typer.Option("--table", help=t("CSV: the agreements (one row per term, the default), the activities or the document records. An xlsx workbook has all three sheets."))] = None,
    delimiter: Annotated[Optional[str], typer.Option("--delimiter", metavar="CHAR", help=t("CSV: ',' (the default) or ';' (what Excel expects with Indonesian regional settings), or 'tab'."))] = None,
    public: Annotated[bool, typer.Option("--public", help=t("Only what a government publishes: the agreements without notes, and no activities (xlsx or CSV)."))] = False,
    with_documents: Annotated[Optional[Path], typer.Option("--with-documents", metavar="DIR", help=t("Also copy the stored documents into DIR, under their original names."))] = None,
    store: StoreOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """Export the store: an xlsx workbook or a CSV file for people, or JSON that holds all of it.

    xlsx: a sheet of agreements (one row per term) and one of activities, with date cells,
    frozen headers and filters. CSV: UTF-8 with a byte-order mark, for Excel. JSON: the whole
    store (settings, partners, contacts, notes, sources, sectors with their history, terms,
    activities), which 'coopctl import' restores exactly. Text that a spreadsheet would run as
    a formula never runs. The xlsx and CSV exports can be imported back.

    Example: coopctl export -o kerja-sama.xlsx --as-of 2023-08-22
    """
    from coopctl.interop import docsheet, exporting
    from coopctl.views.listing import owned

    if fmt is None:
        suffix = Path(output).suffix.lower().lstrip(".") if output not in (None, "-") else ""
        if suffix not in ("xlsx", "csv", "json"):
            raise UsageError(t("give --format xlsx, csv or json, or an -o FILE ending in .xlsx, .csv or .json"))
        name = suffix
    else:
        name = fmt.value
    if name != "csv" and (table is not None or delimiter is not None):
        raise UsageError(t("{option} applies to --format csv", option="--table" if table is not None else "--delimiter"))
    if public and (name == "json" or table in (SheetTable.activities, SheetTable.documents)):
        raise UsageError(t("--public exports the agreements, as xlsx or CSV"))
    if public and with_documents is not None:
        raise UsageError(t("--with-documents copies files a public export leaves out; use one or the other"))
    separator = {None: ",", ",": ",", ";": ";", "tab": "\t", "\t": "\t"}.get(delimiter)
    if separator is None:
        raise UsageError(t("--delimiter '{value}' must be ',', ';' or 'tab'", value=delimiter or ""))
    if name == "xlsx" and output in (None, "-") and sys.stdout.isatty():
        raise UsageError(t("an .xlsx workbook cannot be shown on a terminal; give -o FILE.xlsx (or redirect the output)"))
    day = _as_of(as_of)
    stores = Stores(store)
    if name == "json" and stores.many:
        raise UsageError(t("a JSON export holds one whole store; export each store on its own, "
                           "or use --format csv or xlsx for a roll-up"))
    data_store = stores.loaded[0].store
    agreements = sum(len(l.store.agreements()) for l in stores.loaded)
    count = tn("{n} agreement", "{n} agreements", agreements)
    if name == "json":
        data = exporting.json_bytes(data_store)
        what = t("{partners}, {agreements} and the settings",
                 partners=tn("{n} partner", "{n} partners", len(data_store.partners)), agreements=count)
    else:
        terms = stores.rows(exporting.agreement_rows, day)
        acts = stores.rows(lambda s: exporting.activity_rows(s.store), day, id_keys=("agreement",))
        papers = stores.rows(lambda s: docsheet.document_rows(s.store), day, id_keys=("agreement",))
        paper_columns = tuple(owned(list(docsheet.COLUMNS), stores.many))
        term_columns = tuple(exporting.agreement_columns(terms, owned(list(exporting.AGREEMENT_COLUMNS), stores.many)))
        if public:
            from coopctl.app.documents import PUBLIC_EXPORT_COLUMNS

            term_columns = tuple(c for c in term_columns if c in PUBLIC_EXPORT_COLUMNS)
        activity_columns = tuple(owned(list(exporting.ACTIVITY_COLUMNS), stores.many))
        terms_text = f"{count} ({tn('{n} term', '{n} terms', len(terms))})"
        activities_text = tn("{n} activity", "{n} activities", len(acts))
        if name == "xlsx" and public:
            data = exporting.xlsx_bytes([("agreements", terms, term_columns)])
            what = terms_text
        elif name == "xlsx":
            data = exporting.xlsx_bytes([("agreements", terms, term_columns), ("activities", acts, activity_columns)]
                                        + ([(docsheet.SHEET, papers, paper_columns)] if papers else []))
            what = t("{terms} and {activities}", terms=terms_text, activities=activities_text) if not papers else \
                t("{terms}, {activities} and {documents}", terms=terms_text, activities=activities_text,
                  documents=tn("{n} document record", "{n} document records", len(papers)))
        elif table == SheetTable.documents:
            data = exporting.csv_bytes(papers, paper_columns, separator)
            what = tn("{n} document record", "{n} document records", len(papers))
        elif table == SheetTable.activities:
            data = exporting.csv_bytes(acts, activity_columns, separator)
            what = activities_text
        else:
            data = exporting.csv_bytes(terms, term_columns, separator)
            what = terms_text
    if with_documents is not None:
        if stores.many:
            raise UsageError(t("--with-documents copies the files of one store; export each store on its own"))
        if output in (None, "-"):
            raise UsageError(t("--with-documents goes with -o FILE: the files are copied next to it"))
    if write_output(output, data):
        say(t("Exported {what} to {where}", what=what, where=str(output)))
    if with_documents is not None:
        copied, warnings = docsheet.copy_documents(stores.loaded[0].root, data_store, with_documents)
        for warning in warnings:
            note(warning)
        say(tn("Copied {n} document to {folder}", "Copied {n} documents to {folder}", copied, folder=str(with_documents)))
    stores.finish()


@command()
def calendar(
    output: OutputOpt = None,
    within: Annotated[Optional[str], typer.Option("--within", metavar="DURATION", help=t("Only events from the as-of date to this far ahead, e.g. 24m."))] = None,
    store: StoreOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """Write the renewal calendar (RFC 5545, .ics) for Outlook, Google Calendar or Thunderbird.

    For each agreement with an end, all-day events on the day its notice window opens and on
    its end day, with alarms; a pending (unsigned) term's end is marked as pending. Each event
    keeps its UID, so importing the feed again updates it instead of adding a copy.

    Example: coopctl calendar -o renewals.ics --within 24m
    """
    from coopctl.interop import calendar as calendar_feed

    day = _as_of(as_of)
    window = a_duration(within, "--within")
    loaded = load(store)
    found = calendar_feed.events(loaded.store, day, window)
    data = calendar_feed.feed_bytes(loaded.store, found, day)
    if write_output(output, data):
        agreements = tn("{n} agreement", "{n} agreements", len({e.agreement_id for e in found}))
        say(t("Wrote {events} to {where}", where=str(output),
              events=tn("{n} event for {agreements}", "{n} events for {agreements}", len(found), agreements=agreements)))

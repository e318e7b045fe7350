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
    ForceOpt,
    StoreOpt,
    Stores,
    UsageError,
    a_duration,
    command,
    load,
    note,
    one_store,
    parsed,
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


OutputOpt = Annotated[Optional[str], typer.Option("-o", "--output", metavar="FILE", help=t("Write to FILE ('-' or none: standard output)."))]


def _as_of(as_of: Optional[str]):
    from datetime import date

    from coopctl.core.dates import parse_day

    return parsed(parse_day, as_of, "--as-of") or date.today()


def write_output(output: Optional[str], data: bytes) -> bool:
    """An export to -o FILE or stdout (`storage.files.write_output` says how); True when it went to a file."""
    from coopctl.storage.files import write_output as write_to

    return write_to(output, data) is not None


@command("import")
def import_(
    file: Annotated[Path, typer.Argument(metavar="FILE", help=t("An .xlsx workbook, a CSV file (UTF-8, comma or semicolon) or a coopctl JSON export."))],
    update: Annotated[bool, typer.Option("--update", help=t("Update the agreements and partners that already exist and differ (else they are reported, and nothing is written)."))] = False,
    dry_run: DryRunOpt = False,
    force: ForceOpt = False,
    store: StoreOpt = None,
) -> None:
    """Import agreements from a spreadsheet, one row per term, or a JSON export: all or nothing.

    Columns are found by their header, in English or Indonesian, in any case: partner/mitra,
    country/negara, kind/jenis mitra, title/judul, type/jenis, sectors/bidang, start/tanggal
    mulai, end/tanggal berakhir, signed/tanggal tanda tangan, number/nomor, unit/OPD,
    notes/keterangan (and id, partner_id, pending, place, notice). Rows with the same id, or
    the same partner and title, are the terms of one agreement. Dates: 2023-08-22, 22/08/2023,
    22-08-2023, 22 Agustus 2023 or date cells. Every problem is listed as file:row:column and
    nothing is written unless every row is valid; importing the same file again changes nothing.
    With --update, filled cells replace what the store holds, empty cells keep it, sectors and
    terms are added (a term is matched by its start); from a JSON export, a differing agreement
    is replaced whole.

    Example: coopctl import kerja-sama.xlsx --dry-run
    """
    from coopctl.core.text import clean, shorten
    from coopctl.interop.cells import ImportProblems, read_file
    from coopctl.interop.importing import apply_import
    from coopctl.storage.location import require_store
    from coopctl.storage.transaction import transaction

    root = one_store(store)
    require_store(root)  # says there is no store, before the file is read

    def listed(e: ImportProblems) -> CoopError:
        """Every problem on its own line on stderr; the error line follows."""
        for line in e.notes:
            note(line)
        sys.stdout.flush()
        for problem in e.problems:
            line = clean(str(problem))
            sys.stderr.write((shorten(line) if len(line) > 600 else line) + "\n")
        return CoopError(e.message)

    try:
        source = read_file(file, str(file))
    except ImportProblems as e:
        raise listed(e) from None
    with transaction(root, force=force, on_wait=waiting, on_notice=note) as tx:
        try:
            plan = apply_import(tx, source, update)
        except ImportProblems as e:
            raise listed(e) from None
        for line in plan.notes:
            note(line)
        summary = plan.summary()
        if dry_run:
            for line in plan.lines:
                sys.stdout.write(clean(line) + "\n")
            say(t("Dry run, nothing written: {change}", change=summary))
            return
        if not plan.partners and plan.settings is None:
            say(summary[0].upper() + summary[1:])
            return
        tx.commit(summary)
    say(t("Saved: {change}", change=summary))


@command()
def export(
    fmt: Annotated[Optional[SheetFormat], typer.Option("--format", help=t("xlsx, csv or json (default: from the -o file's extension)."))] = None,
    output: OutputOpt = None,
    table: Annotated[Optional[SheetTable], typer.Option("--table", help=t("CSV: the agreements (one row per term, the default) or the activities. An xlsx workbook has both sheets."))] = None,
    delimiter: Annotated[Optional[str], typer.Option("--delimiter", metavar="CHAR", help=t("CSV: ',' (the default) or ';' (what Excel expects with Indonesian regional settings), or 'tab'."))] = None,
    public: Annotated[bool, typer.Option("--public", help=t("Only what a government publishes: the agreements without notes, and no activities (xlsx or CSV)."))] = False,
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
    from coopctl.interop import exporting
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
    if public and (name == "json" or table == SheetTable.activities):
        raise UsageError(t("--public exports the agreements, as xlsx or CSV"))
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
        term_columns = tuple(owned(list(exporting.AGREEMENT_COLUMNS), stores.many))
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
            data = exporting.xlsx_bytes([("agreements", terms, term_columns), ("activities", acts, activity_columns)])
            what = t("{terms} and {activities}", terms=terms_text, activities=activities_text)
        elif table == SheetTable.activities:
            data = exporting.csv_bytes(acts, activity_columns, separator)
            what = activities_text
        else:
            data = exporting.csv_bytes(terms, term_columns, separator)
            what = terms_text
    if write_output(output, data):
        say(t("Exported {what} to {where}", what=what, where=str(output)))
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

"""Spreadsheets in and out: import agreements from .xlsx, .csv or coopctl's own .json export,
and export the store as .xlsx, .csv or .json.

Reading turns a file into a `Table` (its rows of raw cell values, numbered as the
spreadsheet numbers them), then `plan_import` validates every row against the store and
works out what would change: a `Plan`, or `ImportProblems` listing every problem as
`file:row:column: message`. Nothing is written here; `operations.apply_import` applies a
plan inside a store transaction, so an import is all or nothing.

One spreadsheet row is one term of an agreement; the rows of one agreement (the same `id`,
or the same partner and title) are its terms in order. Columns are found by their header,
in English or Indonesian, ignoring case, spaces and punctuation.

The JSON export holds the whole store losslessly: the settings and each partner exactly as
their files hold them (the TOML writer's canonical data, with dates as ISO strings), so an
export imported into an empty store gives the same files byte for byte.

openpyxl is imported only when an .xlsx file is read or written.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable

from coopctl.core import checks
from coopctl.storage import decode, encode
from coopctl.core.countries import COUNTRY_CODES
from coopctl.core.dates import DateError, PartialDate, parse_duration
from coopctl.core.errors import CoopError
from coopctl.core.text import FORMULA_START
from coopctl.i18n import N_, t, tc, tn
from coopctl.core.records import (
    AGREEMENT_TYPES,
    LEVELS,
    PARTNER_KINDS,
    Agreement,
    AgreementSector,
    Partner,
    Settings,
    Store,
    Term,
)
from coopctl.core.ids import fold, is_slug
from coopctl.core.sectors import SectorError, Vocabulary

EXPORT_FORMAT = "coopctl-export"
EXPORT_VERSION = 1
HEADER_SEARCH_ROWS = 20


# ---------------------------------------------------------------- messages
# Every sentence this module shows people, in one place (their words are in the catalogue).


class Msg:
    @staticmethod
    def not_found(name: str) -> str:
        return t("{name}: no such file", name=name)

    @staticmethod
    def unreadable(name: str, reason: str) -> str:
        return t("{name}: cannot read the file: {reason}", name=name, reason=reason)

    @staticmethod
    def empty_file(name: str) -> str:
        return t("{name}: the file is empty", name=name)

    @staticmethod
    def old_xls(name: str) -> str:
        return t("{name} is an old Excel 97-2003 workbook (.xls) or a password-protected one; open it in "
                 "Excel and save it as 'Excel Workbook (.xlsx)' or 'CSV UTF-8', without a password", name=name)

    @staticmethod
    def binary(name: str, what: str) -> str:
        return t("{name} is not a spreadsheet ({what}); import reads .xlsx workbooks, CSV files and coopctl's .json exports",
                 name=name, what=what)

    @staticmethod
    def bad_xlsx(name: str, reason: str) -> str:
        return t("{name} is not a readable .xlsx workbook ({reason}); save it again from Excel as 'Excel Workbook (.xlsx)'",
                 name=name, reason=reason)

    @staticmethod
    def no_sheet(name: str) -> str:
        return t("{name} holds no worksheet", name=name)

    @staticmethod
    def not_utf8(byte: int) -> str:
        return t("the file is not UTF-8 text (byte 0x{byte:02x}); save it from Excel as 'CSV UTF-8 (Comma delimited)'",
                 byte=byte)

    @staticmethod
    def bad_csv(reason: str) -> str:
        return t("cannot read this CSV row: {reason}", reason=reason)

    @staticmethod
    def no_header(searched: int) -> str:
        return tn("no header row found: the first row does not name two or more of the columns coopctl reads, "
                  "such as partner/mitra, title/judul, type/jenis, start/tanggal mulai, end/tanggal berakhir",
                  "no header row found: the first {n} rows do not name two or more of the columns coopctl reads, "
                  "such as partner/mitra, title/judul, type/jenis, start/tanggal mulai, end/tanggal berakhir", searched)

    @staticmethod
    def missing_column(what: str, names: str) -> str:
        return t("no {what} column: add a column headed {names}", what=what, names=names)

    @staticmethod
    def same_column(header: str, other_column: str, other_header: str) -> str:
        return t("column '{header}' means the same as column {column} ('{other}'); keep one of them", header=header,
                 column=other_column, other=other_header)

    @staticmethod
    def ignored_column(header: str, hint: str) -> str:
        return t("column '{header}' is not one coopctl reads; its values are ignored{hint}", header=header, hint=hint)

    @staticmethod
    def did_you_mean(name: str) -> str:
        return t(" (did you mean '{name}'?)", name=name)

    @staticmethod
    def unheaded_column() -> str:
        return t("this column has values but no header; they are ignored (give it a header coopctl reads)")

    @staticmethod
    def no_rows(row: int) -> str:
        return t("no rows under the header (row {row}): nothing to import", row=row)

    @staticmethod
    def sheet_chosen(sheet: str, others: str) -> str:
        return t("read the sheet '{sheet}' (the workbook also has: {others})", sheet=sheet, others=others)

    @staticmethod
    def merged(cells: str) -> str:
        return t("cells {cells} are merged; unmerge them and write the value in every row "
                 "(each row must stand on its own)", cells=cells)

    @staticmethod
    def merged_header(cells: str) -> str:
        return t("header cells {cells} are merged; give every column its own header in one row", cells=cells)

    @staticmethod
    def formula(text: str) -> str:
        return t("the cell holds a formula ({text}); it must hold a value: copy the column and paste it "
                 "back with 'Paste Values'", text=text)

    @staticmethod
    def excel_error(text: str) -> str:
        return t("the cell shows the error {text}; it must hold a value", text=text)

    @staticmethod
    def not_text(kind: str) -> str:
        return t("the cell holds {kind}, not text", kind=kind)

    @staticmethod
    def not_a_date(text: str) -> str:
        return t("'{text}' is not a date (write 2023-08-22, 22/08/2023, 22 Agustus 2023, or use a date cell)", text=text)

    @staticmethod
    def month_first(text: str, day: int, month: int, year: int) -> str:
        return t("'{text}' has no month {month}: dates are read day first, so write it "
                 "{month:02d}/{day:02d}/{year} or {year}-{day:02d}-{month:02d}", text=text, day=day, month=month, year=year)

    @staticmethod
    def two_digit_year(text: str) -> str:
        return t("'{text}' has a two-digit year; write the year in full (22/08/2023)", text=text)

    @staticmethod
    def number_not_date(number: Any, serial: str) -> str:
        if serial:
            return t("the number {number} is not a date; if it is an Excel date ({serial}) stored as a plain number, "
                     "format the cell as a date", number=number, serial=serial)
        return t("the number {number} is not a date", number=number)

    @staticmethod
    def not_a_flag(text: str) -> str:
        return t("'{text}' is not yes or no (write yes/ya or no/tidak, or leave it empty)", text=text)

    @staticmethod
    def not_a_slug(what: str, text: str, suggestion: str) -> str:
        if suggestion:
            return t("{what} '{text}' must be lowercase letters, digits and '-', such as '{suggestion}'", what=what,
                     text=text, suggestion=suggestion)
        return t("{what} '{text}' must be lowercase letters, digits and '-'", what=what, text=text)

    @staticmethod
    def bad_country(text: str) -> str:
        return t("country '{value}' is not an ISO 3166-1 alpha-2 code such as ID, AU or JP", value=text)

    @staticmethod
    def bad_choice(what: str, text: str, choices: Iterable[str]) -> str:
        return t("{what} '{text}' is not one coopctl knows; use one of: {choices}", what=what, text=text,
                 choices=", ".join(choices))

    @staticmethod
    def bad_duration(text: str) -> str:
        return t("'{text}' is not a duration (write for example 18m, 180d or 5y)", text=text)

    @staticmethod
    def duplicate_row(first: int) -> str:
        return t("this row repeats row {row} exactly; delete one of them", row=first)

    @staticmethod
    def duplicate_term(agreement: str, start: Any, first: int) -> str:
        return t("a second term of {agreement} starting {start} (row {row} has one); one row per term",
                 agreement=agreement, start=start, row=first)

    @staticmethod
    def needs_start() -> str:
        return t("every row is a term and needs its start date")

    @staticmethod
    def needs_partner(names: str) -> str:
        return t("this row names no partner: fill in {names}, or the id of an existing agreement", names=names)

    @staticmethod
    def needs_title(names: str) -> str:
        return t("a new agreement needs a title ({names})", names=names)

    @staticmethod
    def needs_type(names: str) -> str:
        return t("a new agreement needs a type ({names}): one of {choices}", names=names, choices=", ".join(AGREEMENT_TYPES))

    @staticmethod
    def new_partner_needs(partner: str, what: str, names: str, choices: str) -> str:
        return t("'{partner}' is a new partner and needs its {what} ({names}){choices}", partner=partner, what=what,
                 names=names, choices=choices)

    @staticmethod
    def add_column(names: str) -> str:
        return t("; add a column headed {names}", names=names)

    @staticmethod
    def conflict(header: str, value: Any, other: Any, row: int, whose: str) -> str:
        if whose == "partner":
            return t("{header} is '{value}' here but '{other}' in row {row}, for the same partner", header=header,
                     value=value, other=other, row=row)
        return t("{header} is '{value}' here but '{other}' in row {row}, for the same agreement", header=header,
                 value=value, other=other, row=row)

    @staticmethod
    def wrong_partner(agreement: str, partner: str, named: str) -> str:
        return t("agreement {agreement} belongs to partner '{partner}', not '{named}'", agreement=agreement,
                 partner=partner, named=named)

    @staticmethod
    def id_taken(agreement_id: str, other: str) -> str:
        return t("the agreement id '{id}' (made from partner and title) is already used by {other}; add an 'id' column "
                 "to name this one", id=agreement_id, other=other)

    @staticmethod
    def partner_name_clash(name: str, partner_id: str, other: str) -> str:
        return t("no partner is named '{name}', and a new one would get the id '{id}' of '{other}': write that "
                 "partner's name or id ({id}), or give the new partner its own id in a 'partner_id' column",
                 name=name, id=partner_id, other=other)

    @staticmethod
    def reserved_partner(partner_id: str) -> str:
        return t("'{id}' cannot be a partner id (a reserved file name on Windows); add a 'partner_id' column", id=partner_id)

    @staticmethod
    def no_partner_id(name: str) -> str:
        return t("cannot make a partner id from '{name}'; give a name with letters or digits, or a 'partner_id' column",
                 name=name)

    @staticmethod
    def end_before_start(end: Any, start: Any) -> str:
        return t("the term ends ({end}) before it starts ({start})", end=end, start=start)

    @staticmethod
    def pending_and_signed() -> str:
        return t("a term cannot be both pending and signed; clear one of the two")

    @staticmethod
    def two_pending(agreement: str) -> str:
        return t("{agreement} would have more than one pending (unsigned) term", agreement=agreement)

    @staticmethod
    def terminated(agreement: str, when: Any) -> str:
        return t("{agreement} was terminated on {date}; it takes no new terms", agreement=agreement, date=when)

    @staticmethod
    def same_agreement(agreement_id: str, first: int) -> str:
        return t("this row and row {row} are both agreement {id} (by id, and by partner and title); give them the same id",
                 row=first, id=agreement_id)

    @staticmethod
    def needs_update(what: str, changes: str) -> str:
        return t("{what} already exists and differs ({changes}); pass --update to update it", what=what, changes=changes)

    @staticmethod
    def partner(partner_id: str) -> str:
        return t("partner {id}", id=partner_id)

    @staticmethod
    def agreement(agreement_id: str) -> str:
        return t("agreement {id}", id=agreement_id)

    @staticmethod
    def not_json(reason: str) -> str:
        return t("not valid JSON: {reason}", reason=reason)

    @staticmethod
    def not_export(what: str) -> str:
        return t("this JSON is not a coopctl export ({what}); import reads the files that "
                 "'coopctl export --format json' writes", what=what)

    @staticmethod
    def newer_export(version: Any) -> str:
        return t("this export has version {version}, newer than this coopctl reads ({supported}); upgrade coopctl",
                 version=version, supported=EXPORT_VERSION)

    @staticmethod
    def json_partner_id(text: Any) -> str:
        return t("a partner needs an 'id': lowercase letters, digits and '-' (got {value})", value=repr(text))

    @staticmethod
    def json_duplicate_partner(partner_id: str, first: int) -> str:
        return t("partner '{id}' is already in partners[{index}]", id=partner_id, index=first)

    @staticmethod
    def json_agreement_elsewhere(agreement_id: str, where: str) -> str:
        return t("agreement id '{id}' is already used by {where}", id=agreement_id, where=where)

    @staticmethod
    def settings_kept(differences: str) -> str:
        return t("the file's settings ({differences}) were not taken: the store already holds partners "
                 "(settings are taken only into an empty store)", differences=differences)

    @staticmethod
    def problems(count: int, name: str) -> str:
        return tn("{n} problem in {name}; nothing was imported", "{n} problems in {name}; nothing was imported",
                  count, name=name)

    # what an import changes (the summary line and --dry-run)

    @staticmethod
    def add_partner(partner_id: str, name: str) -> str:
        return t("add partner {id} ({name})", id=partner_id, name=name)

    @staticmethod
    def update_partner(partner_id: str, changes: str) -> str:
        return t("update partner {id}: {changes}", id=partner_id, changes=changes)

    @staticmethod
    def add_agreement(agreement_id: str, partner_id: str, terms: int) -> str:
        return tn("add agreement {id} ({partner}): {n} term", "add agreement {id} ({partner}): {n} terms", terms,
                  id=agreement_id, partner=partner_id)

    @staticmethod
    def update_agreement(agreement_id: str, changes: str) -> str:
        return t("update agreement {id}: {changes}", id=agreement_id, changes=changes)

    @staticmethod
    def update_settings(changes: str) -> str:
        return t("update settings: {changes}", changes=changes)

    @staticmethod
    def summary(name: str, counts: Counter) -> str:
        def listed(items: list[str]) -> str:
            return t("{items} and {last}", items=", ".join(items[:-1]), last=items[-1]) if len(items) > 1 else "".join(items)

        def counted(verb: str) -> list[str]:
            partners, agreements, terms = (counts[f"{what}_{verb}"] for what in ("partners", "agreements", "terms"))
            return ([tn("{n} partner", "{n} partners", partners)] if partners else []) + \
                ([tn("{n} agreement", "{n} agreements", agreements)] if agreements else []) + \
                ([tn("{n} term", "{n} terms", terms)] if terms else [])

        added, updated = counted("added"), counted("updated")
        if counts["settings_updated"]:
            updated.append(t("the settings"))
        parts = ([t("added {what}", what=listed(added))] if added else []) + \
            ([t("updated {what}", what=listed(updated))] if updated else [])
        unchanged = counts["agreements_unchanged"]
        tail = tn(" ({n} agreement unchanged)", " ({n} agreements unchanged)", unchanged) if unchanged else ""
        if not parts:
            return t("import {name}: nothing to change, the store already holds it{tail}", name=name, tail=tail)
        return t("import {name}: {changes}{tail}", name=name, changes="; ".join(parts), tail=tail)

    # what changed, in the update lines

    @staticmethod
    def changed(what: str, old: Any, new: Any) -> str:
        return f"{what} {old if old not in (None, '') else t('(none)')} -> {new}"

    @staticmethod
    def new_term(start: Any, end: Any, pending: bool) -> str:
        if pending:
            return t("new pending term {start}..{end}", start=start, end=end or tc("term", "open"))
        return t("new term {start}..{end}", start=start, end=end or tc("term", "open"))

    @staticmethod
    def term_changed(start: Any, changes: str) -> str:
        return t("term from {start}: {changes}", start=start, changes=changes)

    @staticmethod
    def sectors_added(ids: str) -> str:
        return t("sectors + {ids}", ids=ids)

    @staticmethod
    def replaced() -> str:
        return t("replaced by the file's version")

    @staticmethod
    def sectors_added_to_settings(ids: str) -> str:
        return t("store sectors + {ids}", ids=ids)

    # exports

    @staticmethod
    def xlsx_to_terminal() -> str:
        return t("an .xlsx workbook cannot be shown on a terminal; give -o FILE.xlsx (or redirect the output)")

    @staticmethod
    def cannot_write(path: Any, reason: str) -> str:
        return t("could not write {path}: {reason}", path=path, reason=reason)


# ---------------------------------------------------------------- problems


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA, as a spreadsheet names its columns."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class CellProblem:
    """One thing wrong in an imported file: `file:row:column: message` (column as a letter),
    or `file:$.path: message` in a JSON export."""

    file: str
    row: int | None
    column: int | None
    message: str
    path: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.path is not None:
            where += f":{self.path}"
        elif self.row is not None:
            where += f":{self.row}"
            if self.column is not None:
                where += f":{column_letter(self.column)}"
        return f"{where}: {self.message}"

    def key(self) -> tuple:
        return (self.path or "", self.row or 0, self.column or 0)


class ImportProblems(CoopError):
    """The file cannot be imported; `problems` lists every reason."""

    def __init__(self, name: str, problems: list[CellProblem], notes: list[str] | None = None):
        problems = sorted(problems, key=CellProblem.key)
        super().__init__(Msg.problems(len(problems), name), problems)  # type: ignore[arg-type]
        self.notes = notes or []


# ---------------------------------------------------------------- reading files into tables


class Formula(str):
    """A cell that holds a formula rather than a value (its text, starting with '=')."""


class ExcelError(str):
    """A cell that shows an error such as #N/A."""


@dataclass
class Table:
    """A file's cells: `rows[i]` is spreadsheet row i + 1, a tuple of raw values (column A first)."""

    name: str
    kind: str  # "xlsx" or "csv"
    rows: list[tuple]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (min_col, min_row, max_col, max_row)
    notes: list[str] = field(default_factory=list)


@dataclass
class JsonExport:
    name: str
    data: Any


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SIGNATURES = [
    (b"%PDF", N_("a PDF document")),
    (b"\x89PNG", N_("a PNG image")),
    (b"\xff\xd8\xff", N_("a JPEG image")),
    (b"GIF8", N_("a GIF image")),
    (b"\x1f\x8b", N_("a gzip archive")),
    (b"Rar!", N_("a RAR archive")),
    (b"7z\xbc\xaf", N_("a 7-Zip archive")),
    (b"{\\rtf", N_("an RTF document")),
]
_SHEET_NAMES = ("agreements", "perjanjian", "kerja-sama", "kerjasama", "terms")


def read_file(path: Path, name: str | None = None) -> Table | JsonExport:
    """The file's cells (xlsx, csv) or its data (a coopctl JSON export), by its content,
    whatever its name says; CoopError when it is none of these."""
    name = name or str(path)
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except FileNotFoundError:
        raise CoopError(Msg.not_found(name)) from None
    except OSError as e:
        raise CoopError(Msg.unreadable(name, e.strerror or str(e))) from None
    if not head:
        raise CoopError(Msg.empty_file(name))
    if head.startswith(b"PK\x03\x04"):
        return _read_xlsx(path, name)
    if head.startswith(_OLE):
        raise CoopError(Msg.old_xls(name))
    for signature, what in _SIGNATURES:
        if head.startswith(signature):
            raise CoopError(Msg.binary(name, t(what)))
    raw = path.read_bytes()
    text_head = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    if b"\x00" in text_head[:8192]:
        raise CoopError(Msg.binary(name, t("it holds binary data")))
    if path.suffix.lower() == ".json" or text_head.lstrip()[:1] in (b"{", b"["):
        return _read_json(text_head, name)
    return _read_csv(text_head, name)


def _read_json(raw: bytes, name: str) -> JsonExport:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        raise ImportProblems(name, [CellProblem(name, line, None, Msg.not_utf8(raw[e.start]))]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ImportProblems(name, [CellProblem(name, e.lineno, None, Msg.not_json(t("{reason} (column {column})", reason=e.msg, column=e.colno)))]) from None
    except RecursionError:
        raise ImportProblems(name, [CellProblem(name, None, None, Msg.not_json(t("nested too deeply")))]) from None
    return JsonExport(name, data)


def _read_csv(raw: bytes, name: str) -> Table:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        raise ImportProblems(name, [CellProblem(name, line, None, Msg.not_utf8(raw[e.start]))]) from None
    first_line = text.split("\n", 1)[0]
    unquoted = re.sub(r'"[^"]*"', "", first_line)
    delimiter = max((";", ",", "\t"), key=lambda d: (unquoted.count(d), d == ","))
    csv.field_size_limit(max(csv.field_size_limit(), 16 * 1024 * 1024))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple] = []
    try:
        for record in reader:
            rows.append(tuple(record))
    except csv.Error as e:
        raise ImportProblems(name, [CellProblem(name, len(rows) + 1, None, Msg.bad_csv(str(e)))]) from None
    return Table(name, "csv", rows)


def _read_xlsx(path: Path, name: str) -> Table:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as e:  # openpyxl raises many kinds on a damaged file
        reason = str(e) or type(e).__name__
        raise CoopError(Msg.bad_xlsx(name, reason[:200])) from None
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise CoopError(Msg.no_sheet(name))
        named = next((s for s in sheets if fold(s.title) in _SHEET_NAMES), None)
        sheet = named or sheets[0]
        notes = []
        if len(sheets) > 1 and named is None:
            notes.append(f"{name}: " + Msg.sheet_chosen(sheet.title, ", ".join(s.title for s in sheets if s is not sheet)))
        sheet.reset_dimensions()  # some writers record a wrong size; read what is there
        rows: list[tuple] = []
        try:
            for cells in sheet.iter_rows(min_row=1, min_col=1):
                rows.append(tuple(_xlsx_value(c) for c in cells))
        except Exception as e:
            raise CoopError(Msg.bad_xlsx(name, (str(e) or type(e).__name__)[:200])) from None
        merged = _merged_ranges(path, sheet)
    finally:
        workbook.close()
    return Table(name, "xlsx", rows, merged, notes)


def _xlsx_value(cell: Any) -> Any:
    value = cell.value
    if value is None:
        return None
    kind = getattr(cell, "data_type", None)
    if kind == "f":
        return Formula(value if isinstance(value, str) else f"={value}")
    if kind == "e":
        return ExcelError(value)
    return value


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')


def _merged_ranges(path: Path, sheet: Any) -> list[tuple[int, int, int, int]]:
    """The sheet's merged ranges. Read-only openpyxl does not give them, so they are read
    from the sheet's XML (where they follow the cells); a full load is the fallback."""
    import zipfile

    from openpyxl.utils.cell import range_boundaries

    member = getattr(sheet, "_worksheet_path", None)
    if member is None:  # pragma: no cover - an openpyxl without it
        import openpyxl

        full = openpyxl.load_workbook(path)
        ranges = [r.coord for r in full[sheet.title].merged_cells.ranges]
        return [tuple(range_boundaries(r)) for r in ranges]  # type: ignore[misc]
    with zipfile.ZipFile(path) as archive:
        data = archive.read(member)
    tail = data[max(data.rfind(b"</sheetData>"), 0):]
    return [tuple(range_boundaries(ref.decode())) for ref in _MERGE.findall(tail)]  # type: ignore[misc]


# ---------------------------------------------------------------- columns

# field -> header names it answers to (compared after `fold`, with any "(...)" removed);
# the first is the one exports write.
FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "agreement id", "id perjanjian", "kode perjanjian"),
    "partner": ("partner", "mitra", "partner name", "nama mitra"),
    "partner_id": ("partner_id", "id mitra", "kode mitra"),
    "local_name": ("local_name", "nama lokal"),
    "country": ("country", "negara"),
    "kind": ("kind", "partner kind", "jenis mitra"),
    "level": ("level", "tingkat", "tingkat mitra"),
    "title": ("title", "judul", "judul perjanjian", "nama perjanjian"),
    "type": ("type", "jenis", "jenis perjanjian", "bentuk", "bentuk kerja sama", "bentuk kerjasama"),
    "sectors": ("sectors", "sector", "bidang", "sektor", "bidang kerja sama", "bidang kerjasama"),
    "unit": ("unit", "opd", "perangkat daerah", "unit kerja"),
    "notice": ("notice", "masa pemberitahuan"),
    "start": ("start", "start date", "tanggal mulai", "mulai", "mulai berlaku", "tanggal berlaku"),
    "end": ("end", "end date", "tanggal berakhir", "berakhir", "berlaku sampai", "sampai"),
    "signed": ("signed", "signed on", "date signed", "tanggal tanda tangan", "tanggal penandatanganan", "ditandatangani"),
    "pending": ("pending", "belum ditandatangani", "dalam proses"),
    "number": ("number", "nomor", "nomor perjanjian", "no perjanjian"),
    "place": ("place", "tempat", "tempat penandatanganan"),
    "note": ("note", "notes", "keterangan", "catatan"),
}
# columns an export writes that are worked out, not read back, and a row counter ("No")
DERIVED = ("state", "status", "days_left", "sisa hari", "window_opens", "last_end", "end_day",
           "no", "no urut", "nomor urut")

_HEADERS: dict[str, str] = {fold(h): f for f, names in FIELDS.items() for h in names}
_DERIVED = {fold(h) for h in DERIVED}
_PAREN = re.compile(r"\([^)]*\)")

PARTNER_FIELDS = ("partner", "partner_id", "local_name", "country", "kind", "level")
AGREEMENT_FIELDS = ("title", "type", "unit", "notice")
TERM_FIELDS = ("start", "end", "signed", "pending", "number", "place", "note")


INDONESIAN = {
    "id": "id perjanjian", "partner": "mitra", "partner_id": "id mitra", "local_name": "nama lokal",
    "country": "negara", "kind": "jenis mitra", "level": "tingkat", "title": "judul", "type": "jenis",
    "sectors": "bidang", "unit": "opd", "notice": "masa pemberitahuan", "start": "tanggal mulai",
    "end": "tanggal berakhir", "signed": "tanggal tanda tangan", "pending": "dalam proses", "number": "nomor",
    "place": "tempat", "note": "keterangan",
}


def header_names(field_name: str) -> str:
    """`'start' or 'tanggal mulai'`: the header exports write, and its Indonesian form."""
    return t("'{english}' or '{indonesian}'", english=FIELDS[field_name][0], indonesian=INDONESIAN[field_name])


def _header_key(value: Any) -> str:
    if value is None:
        return ""
    return fold(_PAREN.sub(" ", str(value)))


# ---------------------------------------------------------------- cell values

KIND_ALIASES = {
    "ksdpl": "foreign-local-gov", "pemerintah-daerah-luar-negeri": "foreign-local-gov",
    "pemda-luar-negeri": "foreign-local-gov",
    "ksdll": "foreign-institution", "lembaga-luar-negeri": "foreign-institution",
    "organisasi-internasional": "international-org",
    "ksdd": "domestic-region", "daerah-lain": "domestic-region",
    "ksdpk": "third-party", "pihak-ketiga": "third-party",
    "pemerintah-pusat": "central-gov", "kementerian": "central-gov",
}
TYPE_ALIASES = {
    "sister-state": "sister-province", "provinsi-kembar": "sister-province", "provinsi-bersaudara": "sister-province",
    "kota-kembar": "sister-city", "kota-bersaudara": "sister-city",
    "memorandum-of-understanding": "mou", "nota-kesepahaman": "mou", "nk": "mou",
    "letter-of-intent": "loi", "surat-pernyataan-kehendak": "loi",
    "perjanjian-kerja-sama": "pks", "perjanjian-kerjasama": "pks",
    "rencana-aksi": "action-plan", "rencana-kerja": "action-plan",
    "program": "programme", "program-kerja": "programme",
    "lainnya": "other", "lain-lain": "other",
}
LEVEL_ALIASES = {
    "negara-bagian": "state", "provinsi": "province", "prefektur": "prefecture", "kota": "city",
    "kabupaten": "regency", "organisasi": "org", "universitas": "university", "perguruan-tinggi": "university",
    "perusahaan": "company", "lsm": "ngo",
}
YES = {"yes", "ya", "y", "true", "1", "x", "pending", "benar", "v"}
NO = {"no", "tidak", "n", "false", "0", "-", "bukan"}

MONTHS = {
    **{m: i + 1 for i, m in enumerate(("januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus",
                                       "september", "oktober", "november", "desember"))},
    **{m: i + 1 for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                       "september", "october", "november", "december"))},
    "jan": 1, "feb": 2, "peb": 2, "pebruari": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7,
    "aug": 8, "agu": 8, "agt": 8, "ags": 8, "agus": 8, "sep": 9, "sept": 9, "okt": 10, "oct": 10,
    "nov": 11, "nop": 11, "nopember": 11, "des": 12, "dec": 12,
}
WEEKDAYS = {"senin", "selasa", "rabu", "kamis", "jumat", "jum-at", "sabtu", "minggu", "ahad",
            "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.-](\d{4})$")
_NAMED = re.compile(r"^(?:(\d{1,2})\s+)?([^\W\d_]+)\.?\s+(\d{4})$")
_NAMED_US = re.compile(r"^([^\W\d_]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")
_WEEKDAY = re.compile(r"^([^\W\d_']+(?:'[^\W\d_]+)?)\s*,\s*")
_MIDNIGHT = re.compile(r"[ T]00:00(?::00(?:\.0+)?)?$")


def _build(year: int, month: int | None, day: int | None, text: str) -> PartialDate:
    if month is not None and not 1 <= month <= 12:
        if day is not None and 1 <= day <= 12 and 1 <= month <= 31:
            raise DateError(Msg.month_first(text, day, month, year))
        raise DateError(Msg.not_a_date(text))
    if day is not None:
        try:
            date(year, month, day)  # type: ignore[arg-type]
        except ValueError:
            raise DateError(Msg.not_a_date(text)) from None
    if year < 1000:
        raise DateError(Msg.not_a_date(text))
    return PartialDate(year, month, day)


def parse_cell_date(value: Any) -> PartialDate:
    """A date from a cell: a date cell, ISO (2023, 2023-08, 2023-08-22), day first (22/08/2023,
    22-08-2023, 22.08.2023, 08/2023), or with the month's name in Indonesian or English
    (22 Agustus 2023, Selasa, 22 Agustus 2023, Agt 2023, August 22, 2023)."""
    if isinstance(value, datetime):
        return PartialDate.from_date(value.date())
    if isinstance(value, date):
        return PartialDate.from_date(value)
    if isinstance(value, bool):
        raise DateError(Msg.not_a_date(str(value)))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (int, float)):
        if isinstance(value, int) and 1000 <= value <= 9999:
            return PartialDate(value)
        serial = ""
        if isinstance(value, int) and 1 <= value <= 2958465:
            from datetime import timedelta

            serial = (date(1899, 12, 30) + timedelta(days=value)).isoformat()
        raise DateError(Msg.number_not_date(value, serial))
    text = " ".join(str(value).replace("\u00a0", " ").split())
    plain = _MIDNIGHT.sub("", text)
    m = _ISO_DATE.match(plain)
    if m:
        year, month, day = m.groups()
        return _build(int(year), int(month) if month else None, int(day) if day else None, text)
    m = _NUMERIC_DATE.match(plain)
    if m:
        day, _, month, year = m.groups()
        if len(year) == 2:
            raise DateError(Msg.two_digit_year(text))
        return _build(int(year), int(month), int(day), text)
    m = _MONTH_YEAR.match(plain)
    if m:
        return _build(int(m.group(2)), int(m.group(1)), None, text)
    lowered = plain.casefold()
    w = _WEEKDAY.match(lowered)
    if w and fold(w.group(1)) in WEEKDAYS:
        lowered = lowered[w.end():]
    m = _NAMED.match(lowered)
    if m and m.group(2) in MONTHS:
        return _build(int(m.group(3)), MONTHS[m.group(2)], int(m.group(1)) if m.group(1) else None, text)
    m = _NAMED_US.match(lowered)
    if m and m.group(1) in MONTHS:
        return _build(int(m.group(3)), MONTHS[m.group(1)], int(m.group(2)), text)
    raise DateError(Msg.not_a_date(text))


def unescape_text(text: str) -> str:
    """Undo `escape_text`: a leading apostrophe that an export put before a formula character."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_START + ("'",):
        return text[1:]
    return text


def escape_text(text: str, formulas: bool) -> str:
    """A text a spreadsheet will not run: with `formulas`, one that starts like a formula gets an
    apostrophe in front (CSV); an apostrophe already there is doubled so that import takes back
    exactly one (both formats)."""
    if (formulas and text.startswith(FORMULA_START)) or (
            len(text) > 1 and text[0] == "'" and text[1] in FORMULA_START + ("'",)):
        return "'" + text
    return text


class _Cells:
    """Turns the raw cells of one row into field values, collecting problems."""

    def __init__(self, table: Table, vocabulary: Vocabulary, problems: list[CellProblem]):
        self.table = table
        self.vocabulary = vocabulary
        self.problems = problems
        self._sectors: dict[str, str | SectorError] = {}

    def problem(self, row: int, column: int | None, message: str) -> None:
        self.problems.append(CellProblem(self.table.name, row, column, message))

    def text(self, value: Any, row: int, column: int) -> str | None:
        if isinstance(value, Formula):
            self.problem(row, column, Msg.formula(value[:60]))
            return None
        if isinstance(value, ExcelError):
            self.problem(row, column, Msg.excel_error(value))
            return None
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, datetime):
            return value.date().isoformat() if not value.time() else value.isoformat(sep=" ")
        if isinstance(value, date):
            return value.isoformat()
        if not isinstance(value, str):
            return str(value)
        text = unescape_text(value.strip(" \u00a0"))  # spaces only: a tab or newline is kept
        return text or None

    def value(self, name: str, raw: Any, row: int, column: int) -> Any:
        """The field's value from a non-empty cell; None (with a problem) when it is wrong."""
        if isinstance(raw, (Formula, ExcelError)):
            return self.text(raw, row, column)
        if name in ("start", "end", "signed"):
            try:
                return parse_cell_date(raw)
            except DateError as e:
                self.problem(row, column, str(e))
                return None
        text = self.text(raw, row, column)
        if text is None:
            return None
        if name == "pending":
            key = fold(text)
            if key in YES:
                return True
            if key in NO:
                return False
            self.problem(row, column, Msg.not_a_flag(text))
            return None
        if name == "sectors":
            return self.sectors(text, row, column)
        if name in ("id", "partner_id"):
            if not is_slug(text):
                from coopctl.core.ids import slugify

                self.problem(row, column, Msg.not_a_slug("id" if name == "id" else t("partner id"), text, slugify(text)))
                return None
            return text
        if name == "country":
            code = text.upper()
            if code not in COUNTRY_CODES:
                self.problem(row, column, Msg.bad_country(text))
                return None
            return code
        if name == "kind":
            return self.choice(text, PARTNER_KINDS, KIND_ALIASES, t("partner kind"), row, column)
        if name == "type":
            return self.choice(text, AGREEMENT_TYPES, TYPE_ALIASES, t("type"), row, column)
        if name == "level":
            return self.choice(text, LEVELS, LEVEL_ALIASES, t("level"), row, column)
        if name == "notice":
            try:
                return parse_duration(text)
            except DateError:
                self.problem(row, column, Msg.bad_duration(text))
                return None
        return text

    def choice(self, text: str, choices: tuple[str, ...], aliases: dict[str, str], what: str,
               row: int, column: int) -> str | None:
        key = fold(text)
        if key in choices:
            return key
        if key in aliases:
            return aliases[key]
        self.problem(row, column, Msg.bad_choice(what, text, choices))
        return None

    def sectors(self, text: str, row: int, column: int) -> list[str] | None:
        ids: list[str] = []
        ok = True
        for part in re.split(r"[,;\n]", text):
            part = part.strip()
            if not part:
                continue
            found = self._sectors.get(part)
            if found is None:
                try:
                    found = self.vocabulary.resolve(part)
                except SectorError as e:
                    found = e
                self._sectors[part] = found
            if isinstance(found, SectorError):
                self.problem(row, column, str(found))
                ok = False
            elif found not in ids:
                ids.append(found)
        return ids if ok else None


# ---------------------------------------------------------------- rows of the file


@dataclass
class _Row:
    row: int
    values: dict[str, Any]  # field -> value, only for cells with a (valid) value
    columns: dict[str, int]  # field -> column index
    bad: set[str] = field(default_factory=set)  # fields whose cell held something wrong (already reported)

    def col(self, name: str) -> int | None:
        return self.columns.get(name)


@dataclass
class _Header:
    row: int
    columns: dict[str, int]  # field -> column
    headers: dict[int, str]  # column -> header text


def _find_header(table: Table, problems: list[CellProblem], notes: list[str]) -> _Header | None:
    seen = 0
    for index, cells in enumerate(table.rows):
        if seen >= HEADER_SEARCH_ROWS:
            break
        if not any(_filled(v) for v in cells):
            continue
        seen += 1
        keys = [_header_key(v) for v in cells]
        if sum(1 for k in keys if k in _HEADERS) < 2:
            continue
        row = index + 1
        columns: dict[str, int] = {}
        headers: dict[int, str] = {}
        for i, (raw, key) in enumerate(zip(cells, keys)):
            column = i + 1
            if not key:
                continue
            headers[column] = str(raw).strip()
            name = _HEADERS.get(key)
            if name is None:
                if key not in _DERIVED:
                    import difflib

                    close = difflib.get_close_matches(key, list(_HEADERS), n=1, cutoff=0.75)
                    hint = Msg.did_you_mean(close[0].replace("-", " ")) if close else ""
                    notes.append(f"{table.name}:{row}:{column_letter(column)}: " + Msg.ignored_column(headers[column], hint))
                continue
            if name in columns:
                other = columns[name]
                problems.append(CellProblem(table.name, row, column,
                                            Msg.same_column(headers[column], column_letter(other), headers[other])))
                continue
            columns[name] = column
        return _Header(row, columns, headers)
    problems.append(CellProblem(table.name, None, None, Msg.no_header(seen or HEADER_SEARCH_ROWS)))
    return None


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def read_rows(table: Table, vocabulary: Vocabulary, problems: list[CellProblem], notes: list[str]) -> list[_Row]:
    """Every non-empty row under the header, its cells checked one by one."""
    header = _find_header(table, problems, notes)
    if header is None:
        return []
    if "start" not in header.columns:
        problems.append(CellProblem(table.name, header.row, None, Msg.missing_column(t("start date"), header_names("start"))))
    if "partner" not in header.columns and "partner_id" not in header.columns and "id" not in header.columns:
        problems.append(CellProblem(table.name, header.row, None, Msg.missing_column(t("partner"), header_names("partner"))))
    read_columns = set(header.columns.values())
    covered: set[int] = set()
    for min_col, min_row, max_col, max_row in table.merged:
        if max_row < header.row:
            continue
        cells = f"{column_letter(min_col)}{min_row}:{column_letter(max_col)}{max_row}"
        if min_row <= header.row:
            problems.append(CellProblem(table.name, min_row, min_col, Msg.merged_header(cells)))
        elif any(min_col <= c <= max_col for c in read_columns):
            problems.append(CellProblem(table.name, min_row, min_col, Msg.merged(cells)))
            covered.update(range(min_row, max_row + 1))
    if not any(any(_filled(v) for v in cells) for cells in table.rows[header.row:]):
        notes.append(f"{table.name}: " + Msg.no_rows(header.row))
    cells_reader = _Cells(table, vocabulary, problems)
    wanted = sorted(header.columns.items(), key=lambda item: item[1])
    unheaded: set[int] = set()
    rows: list[_Row] = []
    first_seen: dict[tuple, int] = {}
    for index in range(header.row, len(table.rows)):
        cells = table.rows[index]
        row = index + 1
        if not any(_filled(v) for v in cells):
            continue  # an empty row: skipped
        if row in covered:
            continue  # its merged cells are reported once
        for i, raw in enumerate(cells):
            if i + 1 not in header.headers and _filled(raw) and i + 1 not in unheaded:
                unheaded.add(i + 1)
                notes.append(f"{table.name}:{row}:{column_letter(i + 1)}: " + Msg.unheaded_column())
        signature = tuple(str(cells[c - 1]).strip() if c <= len(cells) and _filled(cells[c - 1]) else ""
                          for _, c in wanted)
        if not any(signature):
            continue  # values only in columns coopctl does not read
        if signature in first_seen:
            problems.append(CellProblem(table.name, row, None, Msg.duplicate_row(first_seen[signature])))
            continue
        first_seen[signature] = row
        values: dict[str, Any] = {}
        bad: set[str] = set()
        for name, column in wanted:
            raw = cells[column - 1] if column <= len(cells) else None
            if not _filled(raw):
                continue
            value = cells_reader.value(name, raw, row, column)
            if value is None:
                bad.add(name)
            else:
                values[name] = value
        if bad & {"id", "partner_id"}:
            continue  # which agreement or partner it is cannot be told; the cell is reported
        rows.append(_Row(row, values, header.columns, bad))
    return rows


# ---------------------------------------------------------------- planning an import


@dataclass
class Plan:
    """What an import would change: the partners to write (whole, as they will be) and the
    settings, with one line per change and the counts for the summary."""

    name: str
    partners: dict[str, Partner] = field(default_factory=dict)
    settings: Settings | None = None
    lines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)

    def summary(self) -> str:
        return Msg.summary(self.name, self.counts)


class _StoreIndex:
    """Look-ups into the store that stay fast with tens of thousands of agreements."""

    def __init__(self, store: Store):
        self.partners = store.partners
        self.by_name: dict[str, Partner] = {}
        self.agreements: dict[str, tuple[Partner, Agreement]] = {}
        self.by_title: dict[tuple[str, str], str] = {}
        for partner in store.partners.values():
            for name in (partner.local_name, partner.name):
                if name:
                    self.by_name[name.casefold().strip()] = partner
            for agreement in partner.agreements:
                self.agreements[agreement.id] = (partner, agreement)
                self.by_title.setdefault((partner.id, agreement.title.casefold().strip()), agreement.id)

    def partner(self, text: str) -> Partner | None:
        return self.partners.get(text) or self.by_name.get(text.casefold().strip())


@dataclass
class _PartnerIn:
    """A partner as the file names it: an existing one, or one to create."""

    id: str
    existing: Partner | None
    values: dict[str, Any] = field(default_factory=dict)
    where: dict[str, tuple[int, int | None]] = field(default_factory=dict)  # field -> (row, column)
    first_row: int = 0


@dataclass
class _AgreementIn:
    key: tuple
    partner: _PartnerIn
    rows: list[_Row] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    where: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    sectors: list[str] = field(default_factory=list)


def plan_import(source: Table | JsonExport, store: Store, vocabulary: Vocabulary, update: bool) -> Plan:
    """Validate the whole file against the store and work out every change; ImportProblems if
    anything is wrong. Changes nothing: the records in the plan are new objects."""
    if isinstance(source, JsonExport):
        return _plan_json(source, store, update)
    problems: list[CellProblem] = []
    plan = Plan(source.name, notes=list(source.notes))
    rows = read_rows(source, vocabulary, problems, plan.notes)
    if problems and not rows:
        raise ImportProblems(source.name, problems, plan.notes)
    index = _StoreIndex(store)
    groups = _group(source.name, rows, index, problems)
    _check_partners(source.name, groups, problems)
    taken: dict[str, int] = {}  # agreement id -> the row that first named it
    for group in groups:
        _plan_agreement(source.name, group, index, update, plan, problems, taken)
    for partner in {id(g.partner): g.partner for g in groups}.values():
        _plan_partner(source.name, partner, update, plan, problems)
    if problems:
        raise ImportProblems(source.name, problems, plan.notes)
    return plan


def _group(name: str, rows: list[_Row], index: _StoreIndex, problems: list[CellProblem]) -> list[_AgreementIn]:
    partners: dict[str, _PartnerIn] = {}
    new_by_name: dict[str, _PartnerIn] = {}
    groups: dict[tuple, _AgreementIn] = {}
    titled: dict[tuple[str, str], tuple] = {}

    def problem(row: _Row, field_name: str | None, message: str) -> None:
        problems.append(CellProblem(name, row.row, row.col(field_name) if field_name else None, message))

    def partner_for(row: _Row) -> _PartnerIn | None:
        v = row.values
        existing_agreement = index.agreements.get(v["id"]) if "id" in v else None
        if existing_agreement is not None:
            owner = existing_agreement[0]
            for key in ("partner_id", "partner"):
                if key in v and index.partner(v[key]) is not owner and v[key] != owner.id:
                    if key == "partner" and "partner_id" in v and v["partner_id"] == owner.id:
                        continue  # a new name for the same partner: an update
                    problem(row, key, Msg.wrong_partner(v["id"], owner.name, v[key]))
                    return None
            return partners.setdefault(owner.id, _PartnerIn(owner.id, owner, first_row=row.row))
        if "partner_id" in v:
            pid = v["partner_id"]
            existing = index.partners.get(pid)
            made = partners.setdefault(pid, _PartnerIn(pid, existing, first_row=row.row))
            if existing is None and "partner" in v:
                new_by_name.setdefault(v["partner"].casefold(), made)  # later rows may name it only
            return made
        if "partner" in v:
            existing = index.partner(v["partner"])
            if existing is not None:
                return partners.setdefault(existing.id, _PartnerIn(existing.id, existing, first_row=row.row))
            key = v["partner"].casefold()
            if key in new_by_name:
                return new_by_name[key]
            from coopctl.core.ids import slugify
            from coopctl.storage.files import WINDOWS_RESERVED

            pid = slugify(v["partner"])
            if not pid:
                problem(row, "partner", Msg.no_partner_id(v["partner"]))
                return None
            if pid in WINDOWS_RESERVED:
                problem(row, "partner", Msg.reserved_partner(pid))
                return None
            if pid in index.partners or (pid in partners and partners[pid].existing is not None):
                other = index.partners[pid].name if pid in index.partners else pid
                problem(row, "partner", Msg.partner_name_clash(v["partner"], pid, other))
                return None
            if pid in partners:
                first = partners[pid]
                problem(row, "partner", Msg.partner_name_clash(v["partner"], pid, first.values.get("partner", pid)))
                return None
            made = partners.setdefault(pid, _PartnerIn(pid, None, first_row=row.row))
            new_by_name[key] = made
            return made
        problem(row, "id" if "id" in row.columns else None, Msg.needs_partner(header_names("partner")))
        return None

    pending_rows: list[tuple[_Row, _PartnerIn]] = []
    for row in rows:
        partner = partner_for(row)
        if partner is None:
            continue
        if "id" in row.values:
            key = ("id", row.values["id"])
            group = groups.setdefault(key, _AgreementIn(key, partner))
            if group.partner is not partner:
                problem(row, "partner", Msg.wrong_partner(row.values["id"], group.partner.values.get("partner") or group.partner.id,
                                                          row.values.get("partner") or partner.id))
                continue
            group.rows.append(row)
            title = row.values.get("title")
            if title:
                titled.setdefault((partner.id, title.casefold()), key)
        else:
            pending_rows.append((row, partner))
    for row, partner in pending_rows:
        title = row.values.get("title")
        if not title:
            if "title" not in row.bad:
                problem(row, "title" if "title" in row.columns else None, Msg.needs_title(header_names("title")))
            continue
        key = titled.get((partner.id, title.casefold()), ("title", partner.id, title.casefold()))
        groups.setdefault(key, _AgreementIn(key, partner)).rows.append(row)
    ordered = sorted(groups.values(), key=lambda g: g.rows[0].row)
    for group in ordered:
        group.rows.sort(key=lambda r: r.row)
        for row in group.rows:
            _gather(name, row, group, problems)
    return ordered


def _gather(name: str, row: _Row, group: _AgreementIn, problems: list[CellProblem]) -> None:
    """One row's agreement and partner values into its group; conflicting values are problems."""
    for key in AGREEMENT_FIELDS + PARTNER_FIELDS:
        if key not in row.values:
            continue
        target = group.partner if key in PARTNER_FIELDS else group
        whose = "partner" if key in PARTNER_FIELDS else "agreement"
        value = row.values[key]
        if key in target.values:
            if key in ("partner", "partner_id"):
                continue  # these rows were already found to name the same partner
            if target.values[key] != value:
                first_row = target.where[key][0]
                problems.append(CellProblem(name, row.row, row.col(key),
                                            Msg.conflict(key, value, target.values[key], first_row, whose)))
            continue
        target.values[key] = value
        target.where[key] = (row.row, row.col(key))
    for sector in row.values.get("sectors", []):
        if sector not in group.sectors:
            group.sectors.append(sector)


def _check_partners(name: str, groups: list[_AgreementIn], problems: list[CellProblem]) -> None:
    """A new partner needs its kind and country; say which row and column."""
    seen: set[int] = set()
    bad_cells: dict[int, set[str]] = {}
    for group in groups:
        for row in group.rows:
            if row.bad:
                bad_cells.setdefault(id(group.partner), set()).update(row.bad)
    for group in groups:
        partner = group.partner
        if partner.existing is not None or id(partner) in seen:
            continue
        seen.add(id(partner))
        first = group.rows[0]
        shown = partner.values.get("partner", partner.id)
        bad = bad_cells.get(id(partner), set())
        if "partner" not in partner.values:
            problems.append(CellProblem(name, first.row, first.col("partner"),
                                        Msg.new_partner_needs(partner.id, t("name"), header_names("partner"), "")))
        kind = partner.values.get("kind")
        if kind is None and "kind" not in bad:
            choices = t(": one of {choices}", choices=", ".join(PARTNER_KINDS))
            if "kind" not in first.columns:
                choices += Msg.add_column(header_names("kind"))
            problems.append(CellProblem(name, first.row, first.col("kind"),
                                        Msg.new_partner_needs(shown, t("kind"), header_names("kind"), choices)))
        if "country" not in partner.values and "country" not in bad and kind != "international-org":
            choices = t(": an ISO code such as AU") + (Msg.add_column(header_names("country")) if "country" not in first.columns else "")
            problems.append(CellProblem(name, first.row, first.col("country"),
                                        Msg.new_partner_needs(shown, t("country"), header_names("country"), choices)))


def _term_from(row: _Row) -> Term:
    v = row.values
    signed = v.get("signed")
    pending = bool(v.get("pending")) and signed is None
    return Term(start=v["start"], end=v.get("end"), signed=signed, pending=pending,
                number=v.get("number"), place=v.get("place"), note=v.get("note"))


def _check_term(name: str, row: _Row, problems: list[CellProblem]) -> bool:
    v = row.values
    if "start" not in v:
        if "start" in row.columns and "start" not in row.bad:
            problems.append(CellProblem(name, row.row, row.col("start"), Msg.needs_start()))
        return False
    if row.bad & {"end", "signed", "pending"}:
        return False
    ok = True
    if "end" in v and v["end"].last_day() < v["start"].first_day():
        problems.append(CellProblem(name, row.row, row.col("end"), Msg.end_before_start(v["end"], v["start"])))
        ok = False
    if v.get("pending") and "signed" in v:
        problems.append(CellProblem(name, row.row, row.col("pending"), Msg.pending_and_signed()))
        ok = False
    return ok


def _plan_agreement(name: str, group: _AgreementIn, index: _StoreIndex, update: bool, plan: Plan,
                    problems: list[CellProblem], taken: dict[str, int]) -> None:
    first = group.rows[0]
    partner = group.partner
    existing: Agreement | None = None
    if group.key[0] == "id":
        found = index.agreements.get(group.key[1])
        existing = found[1] if found else None
    elif partner.existing is not None:
        agreement_id = index.by_title.get((partner.id, group.key[2]))
        existing = index.agreements[agreement_id][1] if agreement_id else None

    terms: list[tuple[_Row, Term]] = []
    starts: dict[PartialDate, int] = {}
    for row in group.rows:
        if not _check_term(name, row, problems):
            continue
        term = _term_from(row)
        if term.start in starts:
            problems.append(CellProblem(name, row.row, row.col("start"),
                                        Msg.duplicate_term(group.values.get("title") or group.key[-1], term.start, starts[term.start])))
            continue
        starts[term.start] = row.row
        terms.append((row, term))

    if existing is None:
        title = group.values.get("title")
        kind = group.values.get("type")
        bad = set().union(*(r.bad for r in group.rows))
        if title is None:
            problems.append(CellProblem(name, first.row, first.col("title"), Msg.needs_title(header_names("title"))))
        if kind is None and "type" not in bad:
            problems.append(CellProblem(name, first.row, first.col("type"), Msg.needs_type(header_names("type"))))
        if group.key[0] == "id":
            agreement_id = group.key[1]
        else:
            from coopctl.core.ids import slugify

            agreement_id = slugify(f"{partner.id}-{title}") if title else ""
            if agreement_id in index.agreements:
                other_partner, other = index.agreements[agreement_id]
                problems.append(CellProblem(name, first.row, first.col("title"),
                                            Msg.id_taken(agreement_id, f"'{other.title}' ({other_partner.id})")))
                return
        if agreement_id in taken:
            problems.append(CellProblem(name, first.row, first.col("title") or first.col("id"),
                                        Msg.id_taken(agreement_id, f"row {taken[agreement_id]}")))
            return
        taken[agreement_id] = first.row
        if title is None or kind is None or not agreement_id:
            return
        if sum(t.pending for _, t in terms) > 1:
            problems.append(CellProblem(name, first.row, None, Msg.two_pending(agreement_id)))
            return
        agreement = Agreement(
            id=agreement_id, partner_id=partner.id, title=title, type=kind,
            sectors=tuple(AgreementSector(s) for s in group.sectors), unit=group.values.get("unit"),
            notice=group.values.get("notice"), terms=tuple(t for _, t in terms),
        )
        plan.partners[partner.id] = _target_partner(partner, plan).with_agreement(agreement)
        plan.counts["agreements_added"] += 1
        plan.counts["terms_added"] += len(agreement.terms)
        plan.lines.append(Msg.add_agreement(agreement_id, partner.id, len(agreement.terms)))
        return

    if existing.id in taken:
        problems.append(CellProblem(name, first.row, None, Msg.same_agreement(existing.id, taken[existing.id])))
        return
    taken[existing.id] = first.row
    merged, changes, added, updated = _merge(existing, group, terms)
    if merged.terminated is not None and added:
        problems.append(CellProblem(name, first.row, None, Msg.terminated(existing.id, merged.terminated)))
        return
    if sum(t.pending for t in merged.terms) > 1:
        problems.append(CellProblem(name, first.row, None, Msg.two_pending(existing.id)))
        return
    if not changes:
        plan.counts["agreements_unchanged"] += 1
        return
    if not update:
        problems.append(CellProblem(name, first.row, None, Msg.needs_update(Msg.agreement(existing.id), "; ".join(changes))))
        return
    plan.partners[partner.id] = _target_partner(partner, plan).with_agreement(merged)
    plan.counts["agreements_updated"] += 1
    plan.counts["terms_added"] += added
    plan.counts["terms_updated"] += updated
    plan.lines.append(Msg.update_agreement(existing.id, "; ".join(changes)))


def _merge(existing: Agreement, group: _AgreementIn, terms: list[tuple[_Row, Term]]) -> tuple[Agreement, list[str], int, int]:
    """The agreement with the file's values: given cells replace, empty cells keep what is
    there, sectors are only added, a term is matched by its start or added."""
    changes: list[str] = []
    values = {}
    for key in AGREEMENT_FIELDS:
        if key in group.values and getattr(existing, key) != group.values[key]:
            changes.append(Msg.changed(key, getattr(existing, key), group.values[key]))
            values[key] = group.values[key]
    sectors = existing.sectors
    new_sectors = [s for s in group.sectors if existing.open_sector(s) is None]
    if new_sectors:
        sectors += tuple(AgreementSector(s) for s in new_sectors)
        changes.append(Msg.sectors_added(", ".join(new_sectors)))
    merged_terms = list(existing.terms)
    at = {t.start: i for i, t in enumerate(merged_terms)}
    added = updated = 0
    for row, incoming in terms:
        i = at.get(incoming.start)
        if i is None:
            merged_terms.append(incoming)
            changes.append(Msg.new_term(incoming.start, incoming.end, incoming.pending))
            added += 1
            continue
        term = merged_terms[i]
        term_changes, new = [], {}
        for key in ("end", "signed", "number", "place", "note"):
            if key in row.values and getattr(term, key) != getattr(incoming, key):
                term_changes.append(Msg.changed(key, getattr(term, key), getattr(incoming, key)))
                new[key] = getattr(incoming, key)
        pending = term.pending
        if "signed" in row.values:
            pending = False
        elif "pending" in row.values:
            pending = bool(row.values["pending"])
        if pending != term.pending:
            term_changes.append(Msg.changed("pending", "yes" if term.pending else "no", "yes" if pending else "no"))
            new["pending"] = pending
        if term_changes:
            merged_terms[i] = dataclasses.replace(term, **new)
            changes.append(Msg.term_changed(term.start, ", ".join(term_changes)))
            updated += 1
    merged = dataclasses.replace(existing, sectors=sectors, terms=tuple(merged_terms), **values)
    return merged, changes, added, updated


def _target_partner(partner: _PartnerIn, plan: Plan) -> Partner:
    """The partner record the plan will write: a copy of the existing one, or a new one."""
    if partner.id in plan.partners:
        return plan.partners[partner.id]
    if partner.existing is not None:
        target = partner.existing
    else:
        v = partner.values
        target = Partner(id=partner.id, name=v.get("partner", partner.id), kind=v.get("kind", "foreign-institution"),
                         country=v.get("country"), local_name=v.get("local_name"), level=v.get("level"))
    plan.partners[partner.id] = target
    return target


def _plan_partner(name: str, partner: _PartnerIn, update: bool, plan: Plan, problems: list[CellProblem]) -> None:
    if partner.existing is None:
        if partner.id in plan.partners:
            plan.lines.insert(plan.counts["partners_added"], Msg.add_partner(partner.id, plan.partners[partner.id].name))
            plan.counts["partners_added"] += 1
        return
    changes = []
    fields = {"partner": "name", "local_name": "local_name", "country": "country", "kind": "kind", "level": "level"}
    new_values = {}
    for key, attribute in fields.items():
        if key in partner.values and getattr(partner.existing, attribute) != partner.values[key]:
            if key == "partner" and partner.values[key].casefold() in (partner.existing.name.casefold(),
                                                                       (partner.existing.local_name or "").casefold(),
                                                                       partner.existing.id):
                continue  # named by its id or local name, not renamed
            changes.append(Msg.changed(attribute, getattr(partner.existing, attribute), partner.values[key]))
            new_values[attribute] = partner.values[key]
    if not changes:
        return
    if not update:
        row, column = partner.where.get(next(k for k in fields if k in partner.values and fields[k] in new_values),
                                        (partner.first_row, None))
        problems.append(CellProblem(name, row, column, Msg.needs_update(Msg.partner(partner.id), "; ".join(changes))))
        return
    plan.partners[partner.id] = dataclasses.replace(_target_partner(partner, plan), **new_values)
    plan.lines.insert(plan.counts["partners_added"] + plan.counts["partners_updated"],
                      Msg.update_partner(partner.id, "; ".join(changes)))
    plan.counts["partners_updated"] += 1


# ---------------------------------------------------------------- importing a JSON export


def _json_path(base: str, path: tuple) -> str:
    text = base
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _plan_json(source: JsonExport, store: Store, update: bool) -> Plan:
    """A coopctl JSON export: each partner whole, read exactly as its file would be."""
    name, data = source.name, source.data
    problems: list[CellProblem] = []
    plan = Plan(name)

    def at(path: str, message: str) -> CellProblem:
        return CellProblem(name, None, None, message, path)

    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        what = t("a JSON array; perhaps the output of 'coopctl list --json'") if isinstance(data, list) else (
            t("it has no \"format\": \"coopctl-export\""))
        raise ImportProblems(name, [at("$", Msg.not_export(what))])
    if not isinstance(data.get("version"), int) or data["version"] > EXPORT_VERSION:
        raise ImportProblems(name, [at("$.version", Msg.newer_export(data.get("version")))])
    if not isinstance(data.get("partners"), list):
        raise ImportProblems(name, [at("$.partners", Msg.not_export(t("'partners' must be a list")))])

    def reporter(base: str):
        def report(path: tuple, message: str) -> None:
            problems.append(at(_json_path(base, path), message))
        return report

    with decode.full_dates_as_strings():
        settings = decode.Decoder(Vocabulary()).settings(data.get("settings", {}), reporter("$.settings"),
                                                         store.settings.owner)
    empty_store = not store.partners
    if empty_store:
        new_settings = settings
    else:
        known = {s.id for s in store.settings.sectors}
        missing = [s for s in settings.sectors if s.id not in known]
        new_settings = dataclasses.replace(store.settings, sectors=store.settings.sectors + missing) if missing else store.settings
        if dataclasses.replace(settings, sectors=()) != dataclasses.replace(store.settings, sectors=()):
            differences = [f.name for f in dataclasses.fields(Settings)
                           if f.name != "sectors" and getattr(settings, f.name) != getattr(store.settings, f.name)]
            plan.notes.append(f"{name}: " + Msg.settings_kept(", ".join(differences)))
    if new_settings != store.settings:
        changed = [f.name for f in dataclasses.fields(Settings) if getattr(new_settings, f.name) != getattr(store.settings, f.name)]
        plan.settings = new_settings
        plan.counts["settings_updated"] += 1
        plan.lines.insert(0, Msg.update_settings(", ".join(changed)))
    decoder = decode.Decoder(Vocabulary(new_settings.sectors))

    owner_of: dict[str, str] = {a.id: p.id for p in store.partners.values() for a in p.agreements}
    seen_partners: dict[str, int] = {}
    seen_agreements: dict[str, str] = {}
    for i, item in enumerate(data["partners"]):
        base = f"$.partners[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not is_slug(item["id"]):
            problems.append(at(base + ".id", Msg.json_partner_id(item.get("id") if isinstance(item, dict) else item)))
            continue
        partner_id = item["id"]
        from coopctl.storage.files import WINDOWS_RESERVED

        if partner_id in WINDOWS_RESERVED:
            problems.append(at(base + ".id", Msg.reserved_partner(partner_id)))
            continue
        if partner_id in seen_partners:
            problems.append(at(base + ".id", Msg.json_duplicate_partner(partner_id, seen_partners[partner_id])))
            continue
        seen_partners[partner_id] = i
        before = len(problems)
        with decode.full_dates_as_strings():
            partner = decoder.partner(partner_id, {k: v for k, v in item.items() if k != "id"}, reporter(base))
        if partner is not None:
            for finding in checks.check_partner(new_settings, partner):
                reporter(base)(finding.path, finding.message)
        if partner is None or len(problems) > before:
            continue
        for j, agreement in enumerate(partner.agreements):
            where = _json_path(base, ("agreements", j, "id"))
            if agreement.id in seen_agreements:
                problems.append(at(where, Msg.json_agreement_elsewhere(agreement.id, seen_agreements[agreement.id])))
            elif owner_of.get(agreement.id, partner_id) != partner_id:
                problems.append(at(where, Msg.json_agreement_elsewhere(agreement.id, t("partner {id} in the store", id=owner_of[agreement.id]))))
            seen_agreements[agreement.id] = t("partner {id} (partners[{index}])", id=partner_id, index=i)
        _plan_json_partner(name, base, partner, store.partners.get(partner_id), update, plan, problems)
    if problems:
        raise ImportProblems(name, problems, plan.notes)
    return plan


def _plan_json_partner(name: str, base: str, partner: Partner, existing: Partner | None, update: bool,
                       plan: Plan, problems: list[CellProblem]) -> None:
    if existing is None:
        plan.partners[partner.id] = partner
        plan.counts["partners_added"] += 1
        plan.counts["agreements_added"] += len(partner.agreements)
        plan.counts["terms_added"] += sum(len(a.terms) for a in partner.agreements)
        plan.lines.append(Msg.add_partner(partner.id, partner.name))
        plan.lines += [Msg.add_agreement(a.id, partner.id, len(a.terms)) for a in partner.agreements]
        return
    target = existing
    lines: list[str] = []
    counts: Counter = Counter()
    own = [f.name for f in dataclasses.fields(Partner) if f.name not in ("id", "agreements")]
    differing = [key for key in own if getattr(existing, key) != getattr(partner, key)]
    if differing:
        if not update:
            problems.append(CellProblem(name, None, None, Msg.needs_update(Msg.partner(partner.id), ", ".join(differing)), base))
        target = dataclasses.replace(target, **{key: getattr(partner, key) for key in differing})
        counts["partners_updated"] += 1
        lines.append(Msg.update_partner(partner.id, ", ".join(differing)))
    current = {a.id: a for a in existing.agreements}
    for j, agreement in enumerate(partner.agreements):
        old = current.get(agreement.id)
        if old is None:
            target = target.with_agreement(agreement)
            counts["agreements_added"] += 1
            counts["terms_added"] += len(agreement.terms)
            lines.append(Msg.add_agreement(agreement.id, partner.id, len(agreement.terms)))
        elif old == agreement:
            counts["agreements_unchanged"] += 1
        else:
            if not update:
                problems.append(CellProblem(name, None, None, Msg.needs_update(Msg.agreement(agreement.id), Msg.replaced()),
                                            _json_path(base, ("agreements", j))))
            target = target.with_agreement(agreement)
            old_terms = {t.start: t for t in old.terms}
            counts["agreements_updated"] += 1
            counts["terms_added"] += sum(1 for t in agreement.terms if t.start not in old_terms)
            counts["terms_updated"] += sum(1 for t in agreement.terms if t.start in old_terms and old_terms[t.start] != t)
            lines.append(Msg.update_agreement(agreement.id, Msg.replaced()))
    plan.counts += counts
    if lines:
        plan.partners[partner.id] = target
        plan.lines += lines


# ---------------------------------------------------------------- exporting


AGREEMENT_COLUMNS = ("id", "partner", "partner_id", "local_name", "country", "kind", "level", "title", "type",
                     "sectors", "unit", "notice", "start", "end", "signed", "pending", "number", "place", "note",
                     "state", "days_left")
ACTIVITY_COLUMNS = ("agreement", "partner", "date", "sector", "type", "summary", "participants", "value",
                    "currency", "source")
DATE_COLUMNS = {"start", "end", "signed", "date"}


def agreement_rows(snapshot) -> list[dict]:
    """One row per term, with its agreement's and partner's values on every row (a sheet that
    filters and sorts well, and that import reads back); the state is the agreement's at the
    snapshot's date (`app.queries.Snapshot`)."""
    states = {f.agreement.id: f.status for f in snapshot.facts}
    store = snapshot.store
    rows = []
    for partner_id in sorted(store.partners):
        partner = store.partners[partner_id]
        for agreement in partner.agreements:
            status = states[agreement.id]
            for term in agreement.terms:
                rows.append({
                    "id": agreement.id, "partner": partner.name, "partner_id": partner.id,
                    "local_name": partner.local_name, "country": partner.country, "kind": partner.kind,
                    "level": partner.level, "title": agreement.title, "type": agreement.type,
                    "sectors": agreement.sector_ids(), "unit": agreement.unit,
                    "notice": str(agreement.notice) if agreement.notice else None,
                    "start": term.start, "end": term.end, "signed": term.signed, "pending": term.pending,
                    "number": term.number, "place": term.place, "note": term.note,
                    "state": status.state, "days_left": status.days_left,
                })
    return rows


def activity_rows(store: Store) -> list[dict]:
    rows = []
    for partner_id in sorted(store.partners):
        partner = store.partners[partner_id]
        for agreement in partner.agreements:
            for a in agreement.activities:
                rows.append({"agreement": agreement.id, "partner": partner.name, "date": a.date, "sector": a.sector,
                             "type": a.type, "summary": a.summary, "participants": a.participants, "value": a.value,
                             "currency": a.currency, "source": a.source})
    return rows


def _flat(value: Any) -> Any:
    """A value as a spreadsheet cell holds it (before any escaping)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else None
    if isinstance(value, PartialDate):
        return value.to_date() or str(value)
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value) or None
    return value


def csv_bytes(rows: list[dict], columns: Iterable[str], delimiter: str = ",") -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads it as UTF-8), quoted where needed, CRLF line
    ends; a text that a spreadsheet would run as a formula starts with an apostrophe."""
    columns = list(columns)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        cells = []
        for c in columns:
            value = _flat(row.get(c))
            if isinstance(value, date):
                value = value.isoformat()
            if isinstance(value, str):
                value = escape_text(value, formulas=True)
            cells.append("" if value is None else value)
        writer.writerow(cells)
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8", "surrogatepass")


def xlsx_bytes(sheets: list[tuple[str, list[dict], tuple[str, ...]]]) -> bytes:
    """A workbook with one sheet per table: a bold header row, frozen panes, a filter, real date
    cells, widths that fit. Every text is a text cell (never a formula), marked as quoted text
    so that Excel keeps it text even when the cell is edited."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, rows, columns in sheets:
        sheet = workbook.create_sheet(title)
        widths = [len(c) + 2 for c in columns]
        body = []
        for row in rows:
            values = []
            for i, c in enumerate(columns):
                value = _flat(row.get(c))
                if isinstance(value, str):
                    value = escape_text(ILLEGAL_CHARACTERS_RE.sub("", value), formulas=False)
                    width = max((len(line) for line in value.split("\n")), default=0)
                elif isinstance(value, date):
                    width = 10
                else:
                    width = len(str(value)) if value is not None else 0
                widths[i] = max(widths[i], min(width + 2, 60))
                values.append(value)
            body.append(values)
        for i, width in enumerate(widths):
            sheet.column_dimensions[get_column_letter(i + 1)].width = width
        sheet.freeze_panes = "A2"
        if rows:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
        sheet.append([_cell(sheet, c, bold) for c in columns])
        for values in body:
            sheet.append([_cell(sheet, v) for v in values])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _cell(sheet: Any, value: Any, font: Any = None) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if value is None:
        return None
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula or an error code, whatever the text
        if value.startswith(FORMULA_START) or value.startswith("'"):
            cell.quotePrefix = True
    elif isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    if font is not None:
        cell.font = font
    return cell


def export_data(store: Store) -> dict:
    """The whole store as plain data: the settings and every partner exactly as their files
    hold them (dates as ISO strings), so import restores them byte for byte."""
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "owner": store.settings.owner,
        "settings": _jsonable(encode.settings_to_data(store.settings)),
        "partners": [{"id": pid, **_jsonable(encode.partner_to_data(store.partners[pid]))}
                     for pid in sorted(store.partners)],
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def json_bytes(store: Store) -> bytes:
    from coopctl.core.text import json_safe

    return (json_safe(json.dumps(export_data(store), ensure_ascii=False, indent=2)) + "\n").encode("utf-8")


def apply_import(tx, source: Table | JsonExport, update: bool) -> Plan:
    """Import a spreadsheet or a JSON export (read by `read_file`) into the transaction's store: every row is
    validated against the store first (`ImportProblems` lists all that is wrong, and nothing changes), then every
    change is handed to the transaction."""
    plan = plan_import(source, tx.store, tx.vocabulary, update)
    if plan.settings is not None:
        tx.put_settings(plan.settings)
    for partner in plan.partners.values():
        tx.put(partner)
    return plan

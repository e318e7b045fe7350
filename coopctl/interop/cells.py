"""Reading a file into a table of cells: .xlsx, .csv, or coopctl's own .json export.

`read_file` tells the three apart by their content, whatever the file's name says, and
returns a `Table` (its rows of raw cell values, numbered as the spreadsheet numbers them,
with its merged ranges) or a `JsonExport` (its data). A cell that holds a formula or shows an
error comes back marked as a `Formula` or an `ExcelError`, so that the import can say so.

Also here, because they are about what a cell holds: the problems an import reports
(`CellProblem`, placed as `file:row:column`, and `ImportProblems`, which lists them), the dates
people write in cells (`parse_cell_date`), and the apostrophe that keeps a text from running as
a formula (`escape_text`, `unescape_text`).

openpyxl is imported only when an .xlsx file is read.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from coopctl.core.dates import MAX_DAY, MIN_DAY, DateError, NotADate, PartialDate, parse_input
from coopctl.core.errors import CoopError
from coopctl.core.ids import fold
from coopctl.core.text import FORMULA_START
from coopctl.i18n import N_, t, tn

# what a JSON export says it is (`exporting.export_data` writes it, `importing` checks it)
EXPORT_FORMAT = "coopctl-export"
EXPORT_VERSION = 1


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
    rows: tuple[int, ...] = ()  # with --rejects: every row the problem keeps out (else only `row`)

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
        message = tn("{n} problem in {name}; nothing was imported", "{n} problems in {name}; nothing was imported",
                     len(problems), name=name)
        super().__init__(message, problems)  # type: ignore[arg-type]
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
    delimiter: str = ","  # a CSV file's (a rejects file is written with the same)
    sheet: str | None = None  # an xlsx workbook's sheet that was read
    documents: list[tuple] | None = None  # an export's `documents` sheet (interop.docsheet), when it has one


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


def _not_a_spreadsheet(name: str, what: str) -> str:
    return t("{name} is not a spreadsheet ({what}); import reads .xlsx workbooks, CSV files and coopctl's .json exports",
             name=name, what=what)


def _not_utf8(byte: int) -> str:
    return t("the file is not UTF-8 text (byte 0x{byte:02x}); save it from Excel as 'CSV UTF-8 (Comma delimited)'",
             byte=byte)


def _not_an_xlsx(name: str, reason: str) -> str:
    return t("{name} is not a readable .xlsx workbook ({reason}); save it again from Excel as 'Excel Workbook (.xlsx)'",
             name=name, reason=reason)


def read_file(path: Path, name: str | None = None) -> Table | JsonExport:
    """The file's cells (xlsx, csv) or its data (a coopctl JSON export), by its content,
    whatever its name says; CoopError when it is none of these."""
    name = name or str(path)
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except FileNotFoundError:
        raise CoopError(t("{name}: no such file", name=name)) from None
    except OSError as e:
        raise CoopError(t("{name}: cannot read the file: {reason}", name=name, reason=e.strerror or str(e))) from None
    if not head:
        raise CoopError(t("{name}: the file is empty", name=name))
    if head.startswith(b"PK\x03\x04"):
        return _read_xlsx(path, name)
    if head.startswith(_OLE):
        raise CoopError(t("{name} is an old Excel 97-2003 workbook (.xls) or a password-protected one; open it in "
                          "Excel and save it as 'Excel Workbook (.xlsx)' or 'CSV UTF-8', without a password", name=name))
    for signature, what in _SIGNATURES:
        if head.startswith(signature):
            raise CoopError(_not_a_spreadsheet(name, t(what)))
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text: Excel's 'Unicode Text (*.txt)'
        raise ImportProblems(name, [CellProblem(name, 1, None, _not_utf8(raw[0]))])
    text_head = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    if b"\x00" in text_head[:8192]:
        raise CoopError(_not_a_spreadsheet(name, t("it holds binary data")))
    if path.suffix.lower() == ".json" or text_head.lstrip()[:1] in (b"{", b"["):
        return _read_json(text_head, name)
    return _read_csv(text_head, name)


def _utf8(raw: bytes, name: str) -> str:
    """A text file's bytes as UTF-8 text; else the line of the first byte that is not."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        raise ImportProblems(name, [CellProblem(name, line, None, _not_utf8(raw[e.start]))]) from None


def _read_json(raw: bytes, name: str) -> JsonExport:
    text = _utf8(raw, name)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        message = t("not valid JSON: {reason}", reason=t("{reason} (column {column})", reason=e.msg, column=e.colno))
        raise ImportProblems(name, [CellProblem(name, e.lineno, None, message)]) from None
    except RecursionError:
        message = t("not valid JSON: {reason}", reason=t("nested too deeply"))
        raise ImportProblems(name, [CellProblem(name, None, None, message)]) from None
    return JsonExport(name, data)


def _read_csv(raw: bytes, name: str) -> Table:
    text = _utf8(raw, name)
    delimiter = _delimiter(text)
    csv.field_size_limit(max(csv.field_size_limit(), 16 * 1024 * 1024))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple] = []
    try:
        for record in reader:
            rows.append(tuple(record))
    except csv.Error as e:
        message = t("cannot read this CSV row: {reason}", reason=str(e))
        raise ImportProblems(name, [CellProblem(name, len(rows) + 1, None, message)]) from None
    return Table(name, "csv", rows, delimiter=delimiter)


def _delimiter(text: str) -> str:
    """The separator most of the first lines are split by: ';' (Excel with Indonesian regional settings), ','
    or a tab. Each line votes for the one it holds most of (a title line above the header, "DAFTAR KERJA SAMA,
    2024" written without the ';' after it, is outvoted by the header and the rows); a tie goes to ','."""
    votes = dict.fromkeys((";", ",", "\t"), 0)
    unquoted = re.sub(r'"[^"]*"', "", text[:65536])  # a quoted cell's separators and line breaks are its text
    for line in [line for line in unquoted.split("\n", 41)[:40] if line.strip()][:20]:
        most = max(votes, key=lambda d: (line.count(d), d == ","))
        if line.count(most):
            votes[most] += 1
    return max(votes, key=lambda d: (votes[d], d == ","))


def _read_xlsx(path: Path, name: str) -> Table:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as e:  # openpyxl raises many kinds on a damaged file
        reason = str(e) or type(e).__name__
        raise CoopError(_not_an_xlsx(name, reason[:200])) from None
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise CoopError(t("{name} holds no worksheet", name=name))
        named = next((s for s in sheets if fold(s.title) in _SHEET_NAMES), None)
        sheet = named or sheets[0]
        notes = []
        if len(sheets) > 1 and named is None:
            others = ", ".join(s.title for s in sheets if s is not sheet)
            notes.append(f"{name}: " + t("read the sheet '{sheet}' (the workbook also has: {others})",
                                         sheet=sheet.title, others=others))
        sheet.reset_dimensions()  # some writers record a wrong size; read what is there
        rows: list[tuple] = []
        try:
            for cells in sheet.iter_rows(min_row=1, min_col=1):
                rows.append(tuple(_xlsx_value(c) for c in cells))
        except Exception as e:
            raise CoopError(_not_an_xlsx(name, (str(e) or type(e).__name__)[:200])) from None
        merged = _merged_ranges(path, sheet)
        sheet_title = sheet.title
        documents = next((s for s in sheets if s is not sheet and s.title == "documents"), None)
        if documents is not None:
            try:
                documents = [tuple(_xlsx_value(c) for c in cells) for cells in documents.iter_rows(min_row=1, min_col=1)]
            except Exception as e:
                raise CoopError(_not_an_xlsx(name, (str(e) or type(e).__name__)[:200])) from None
    finally:
        workbook.close()
    return Table(name, "xlsx", rows, merged, notes, sheet=sheet_title, documents=documents)


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


# ---------------------------------------------------------------- dates in cells

_MIDNIGHT = re.compile(r"[ T]00:00(?::00(?:\.0+)?)?$")


def _not_a_date(text: str) -> str:
    return t("'{text}' is not a date (write 2023-08-22, 22/08/2023, 22 Agustus 2023, or use a date cell)", text=text)


def parse_cell_date(value: Any) -> PartialDate:
    """A date from a cell: a date cell, ISO (2023, 2023-08, 2023-08-22), day first (22/08/2023,
    22-08-2023, 22.08.2023, 08/2023), or with the month's name in Indonesian or English
    (22 Agustus 2023, Selasa, 22 Agustus 2023, Agt 2023, August 22, 2023)."""
    if isinstance(value, (date, datetime)):  # a date cell: the range typed dates are held to (31/12/9999 for "never")
        day = value.date() if isinstance(value, datetime) else value
        if not MIN_DAY <= day <= MAX_DAY:
            raise DateError(t("'{text}' is outside the dates coopctl keeps ({first} to {last})", text=day.isoformat(),
                              first=MIN_DAY, last=MAX_DAY))
        return PartialDate.from_date(day)
    if isinstance(value, bool):
        raise DateError(_not_a_date(str(value)))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (int, float)):
        if isinstance(value, int) and 1000 <= value <= 9999:
            if not MIN_DAY.year <= value <= MAX_DAY.year:
                raise DateError(t("'{text}' is outside the dates coopctl keeps ({first} to {last})", text=value,
                                  first=MIN_DAY, last=MAX_DAY))
            return PartialDate(value)
        if isinstance(value, int) and 1 <= value <= 2958465:
            from datetime import timedelta

            serial = (date(1899, 12, 30) + timedelta(days=value)).isoformat()
            raise DateError(t("the number {number} is not a date; if it is an Excel date ({serial}) stored as a plain "
                              "number, format the cell as a date", number=value, serial=serial))
        raise DateError(t("the number {number} is not a date", number=value))
    text = " ".join(str(value).replace("\u00a0", " ").split())
    if isinstance(value, str) and len(text) == 5 and text.isdigit():  # a date cell saved as CSV in 'General' format
        return parse_cell_date(int(text))
    try:
        return parse_input(_MIDNIGHT.sub("", text))  # the one parser of typed dates (core.dates)
    except NotADate:
        raise DateError(_not_a_date(text)) from None


# ---------------------------------------------------------------- formulas kept as text


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

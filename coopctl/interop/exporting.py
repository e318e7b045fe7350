"""Exporting the store: rows for a spreadsheet, written as .csv or .xlsx, or the whole store as .json.

`agreement_rows` gives one row per term (with its agreement's and partner's values on every
row, so that import reads the sheet back) and `activity_rows` one per activity; `csv_bytes`
and `xlsx_bytes` write such rows so that no text runs as a formula. `json_bytes` writes the
whole store losslessly (the settings and every partner as their files hold them), which
import restores byte for byte.

openpyxl is imported only when an .xlsx workbook is written.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from typing import Any, Iterable

from coopctl.core.dates import PartialDate
from coopctl.core.records import Store
from coopctl.core.text import FORMULA_START, clean
from coopctl.interop.cells import EXPORT_FORMAT, EXPORT_VERSION, escape_text
from coopctl.storage import encode


AGREEMENT_COLUMNS = ("id", "partner", "partner_id", "local_name", "country", "kind", "level", "title", "type",
                     "sectors", "unit", "notice", "start", "end", "signed", "pending", "number", "place",
                     "partner_number", "signatories", "note", "sources", "state", "days_left",
                     "under", "category", "terminated", "termination_reason")  # added last: the others keep their places
ACTIVITY_COLUMNS = ("agreement", "partner", "date", "sector", "type", "summary", "participants", "value",
                    "currency", "source")


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
                    "under": agreement.under, "category": agreement.category,  # the category only when overridden
                    "start": term.start, "end": term.end, "signed": term.signed, "pending": term.pending,
                    "number": term.number, "place": term.place, "partner_number": term.partner_number,
                    "signatories": "\n".join(term.signatories) or None, "note": term.note,
                    "sources": "\n".join(agreement.sources) or None,
                    "terminated": agreement.terminated, "termination_reason": agreement.termination_reason,
                    "state": status.state, "days_left": status.days_left,
                    # what the sheet it came from held beyond coopctl's fields, one line a value: imported back
                    **{key: "\n".join(values) for key, values in agreement.extra if key not in AGREEMENT_COLUMNS},
                })
    return rows


def agreement_columns(rows: list[dict], base: list[str] | tuple[str, ...] = AGREEMENT_COLUMNS) -> list[str]:
    """The agreement sheet's columns: `base`, then each extra column the rows hold (in the order first seen)."""
    known = set(AGREEMENT_COLUMNS) | {"owner"}
    extra = dict.fromkeys(key for row in rows for key in row if key not in known)
    return list(base) + list(extra)


def activity_rows(store: Store) -> list[dict]:
    """One row per activity, with its agreement's id and its partner's name."""
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
    ends; control characters removed (a line break in a note stays, quoted); a text that a
    spreadsheet would run as a formula starts with an apostrophe."""
    columns = list(columns)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    # the headers too: an imported sheet's own columns come back with the headers it gave them
    writer.writerow([escape_text(clean(c, single_line=False), formulas=True) for c in columns])
    for row in rows:
        cells = []
        for c in columns:
            value = _flat(row.get(c))
            if isinstance(value, date):
                value = value.isoformat()
            if isinstance(value, str):  # no control character reaches a terminal that shows the file
                value = escape_text(clean(value, single_line=False), formulas=True)
            cells.append("" if value is None else value)
        writer.writerow(cells)
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8", "surrogatepass")


def xlsx_bytes(sheets: list[tuple[str, list[dict], tuple[str, ...]]]) -> bytes:
    """A workbook with one sheet per table: a bold header row, frozen panes, a filter, real date
    cells, widths that fit. Every text is a text cell (never a formula), marked as quoted text
    so that Excel keeps it text even when the cell is edited."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, rows, columns in sheets:
        table_sheet(workbook, title, rows, columns)
    return workbook_bytes(workbook)


def workbook_bytes(workbook: Any) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def table_sheet(workbook: Any, title: str, rows: list[dict], columns: Iterable[str],
                headers: Iterable[str] | None = None) -> None:
    """One sheet of a write-only workbook holding `rows` (see `xlsx_bytes`); `headers`: the header row, when
    not the column keys (in the reader's language)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    columns = tuple(columns)
    headers = tuple(headers) if headers is not None else columns
    bold = Font(bold=True)
    sheet = workbook.create_sheet(title)
    widths = [len(h) + 2 for h in headers]
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
    sheet.append([sheet_cell(sheet, h, bold) for h in headers])
    for values in body:
        sheet.append([sheet_cell(sheet, v) for v in values])


def sheet_cell(sheet: Any, value: Any, font: Any = None) -> Any:
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

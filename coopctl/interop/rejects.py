"""The rows an import left out, written back in the input's own format with their problems.

`rejects_bytes` writes the header row and every rejected row with its original cells (a CSV file
with the input's delimiter, or an .xlsx workbook with the input's values: dates stay dates) and one
more column, `coopctl problems`, holding why each row was left out. The user fixes the rows in
the spreadsheet and imports the file again; that column is then ignored (`columns.DERIVED`).

openpyxl is imported only when an .xlsx workbook is written.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from coopctl.interop.cells import ExcelError, Formula, Table
from coopctl.interop.columns import PROBLEMS_HEADER


def rejects_bytes(table: Table, header_row: int | None, rejected: dict[int, list[str]]) -> bytes:
    """The rejects file's content (see the module docstring)."""
    header = list(table.rows[header_row - 1]) if header_row else []
    width = max([len(header)] + [len(table.rows[r - 1]) for r in rejected])
    header += [None] * (width - len(header))
    lines = [header + [PROBLEMS_HEADER]]
    for row, problems in sorted(rejected.items()):
        cells = list(table.rows[row - 1])
        cells += [None] * (width - len(cells))
        lines.append(cells + ["\n".join(dict.fromkeys(problems))])
    if table.kind == "xlsx":
        return _xlsx(lines, table.sheet or "rejects")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=table.delimiter, lineterminator="\r\n")
    for line in lines:
        writer.writerow(["" if cell is None else cell for cell in line])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8", "surrogatepass")


def _xlsx(lines: list[list[Any]], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    bold = Font(bold=True)
    sheet.freeze_panes = "A2"
    for number, line in enumerate(lines):
        cells = []
        for value in line:
            if value is None:
                cells.append(None)
                continue
            if isinstance(value, ExcelError):
                value = str(value)
            cell = WriteOnlyCell(sheet, value=str(value) if isinstance(value, Formula) else value)
            if isinstance(value, str) and not isinstance(value, Formula):
                cell.data_type = "s"  # a text stays text
            elif isinstance(value, datetime) and not value.time():
                cell.number_format = "yyyy-mm-dd"
            if number == 0:
                cell.font = bold
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

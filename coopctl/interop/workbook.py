"""The report as a workbook (`report --format xlsx -o laporan.xlsx`), for the head of the bureau's spreadsheet.

The summary sheet comes first (agreements by legal category, partners and agreements by country, agreements in
force by sector, and the sector x country matrix of agreements in force), then the agreements sheet and the
activities sheet. Headers and names are in the reader's language; full dates are date cells (a partial date
stays the text the store writes); the sheets are written by `exporting.table_sheet` (frozen header row, filter,
widths that fit, no text ever a formula). openpyxl is imported only when a workbook is made.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from coopctl import i18n
from coopctl.app import queries
from coopctl.core import lexicon, rules
from coopctl.core.records import CATEGORIES
from coopctl.i18n import t
from coopctl.interop import exporting

AGREEMENT_SHEET = ("id", "partner", "country", "type", "category", "title", "sectors", "unit", "start", "end",
                   "state", "days_left")
ACTIVITY_SHEET = ("date", "agreement", "partner", "sector", "type", "summary", "participants")


def _day(value: Any) -> Any:
    """A full ISO date as a date (a date cell); anything else as it is."""
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def summary_blocks(snapshot: queries.Snapshot) -> list[tuple[str, list[str], list[list]]]:
    """The summary sheet's tables: (title, headers, rows)."""
    lang = "id" if i18n.language() == "id" else "en"
    vocabulary = snapshot.vocabulary
    rows = queries.list_rows(snapshot)
    in_force = [r for r in rows if r["state"] in rules.IN_FORCE]
    partners = Counter(p.country or "-" for p in snapshot.store.partners.values())
    countries = sorted(set(partners) | {r["country"] or "-" for r in rows})
    by_sector = Counter(s for r in in_force for s in r["sectors"])
    sectors = sorted(by_sector, key=lambda s: (-by_sector[s], s))
    matrix_countries = sorted({r["country"] or "-" for r in in_force})
    cells = Counter((s, r["country"] or "-") for r in in_force for s in r["sectors"])
    return [
        (t("Agreements by legal category (PP 28/2018)"), [t("Category"), t("Name"), t("Agreements"), t("In force")],
         [[c, lexicon.label(lexicon.CATEGORIES, c, lang), sum(r["category"] == c for r in rows),
           sum(r["category"] == c for r in in_force)] for c in CATEGORIES]),
        (t("By country"), [t("Country"), t("Partners"), t("Agreements"), t("In force")],
         [[c, partners[c], sum((r["country"] or "-") == c for r in rows),
           sum((r["country"] or "-") == c for r in in_force)] for c in countries]),
        (t("Agreements in force by sector"), [t("Sector"), t("Name"), t("Agreements")],
         [[s, vocabulary.label(s, lang), by_sector[s]] for s in sectors]),
        (t("Sectors by country (agreements in force)"), [t("Sector")] + matrix_countries,
         [[vocabulary.label(s, lang)] + [cells[(s, c)] or None for c in matrix_countries] for s in sectors]),
    ]


def report_xlsx(snapshot: queries.Snapshot) -> bytes:
    """`report --format xlsx`: the summary sheet, the agreements sheet and the activities sheet."""
    from openpyxl import Workbook

    lang = "id" if i18n.language() == "id" else "en"
    vocabulary = snapshot.vocabulary
    workbook = Workbook(write_only=True)
    summary_sheet(workbook, t("Summary"), snapshot.store.settings.owner,
                  t("As of {date}", date=i18n.long_date(snapshot.as_of.isoformat())), summary_blocks(snapshot))
    agreements = [r | {"start": _day(r["start"]), "end": _day(r["end"]), "state": i18n.state(r["state"]),
                       "type": lexicon.label(lexicon.TYPES, r["type"], lang),
                       "sectors": [vocabulary.label(s, lang) for s in r["sectors"]]}
                  for r in queries.list_rows(snapshot)]
    exporting.table_sheet(workbook, t("Agreements"), agreements, AGREEMENT_SHEET,
                          [t("ID"), t("Partner"), t("Country"), t("Type"), t("Category"), t("Title"), t("Sectors"),
                           t("Unit"), t("Start"), t("End"), t("State"), t("Days left")])
    activities = [a | {"date": _day(a["date"]), "sector": vocabulary.label(a["sector"], lang) if a["sector"] else None}
                  for a in reversed(queries.activity_rows(snapshot.store, vocabulary, until=snapshot.as_of))]
    exporting.table_sheet(workbook, t("Activities"), activities, ACTIVITY_SHEET,
                          [t("Date"), t("Agreement"), t("Partner"), t("Sector"), t("Type"), t("Summary"),
                           t("Participants")])
    return exporting.workbook_bytes(workbook)


def summary_sheet(workbook: Any, title: str, owner: str, subtitle: str,
                  blocks: list[tuple[str, list[str], list[list]]]) -> None:
    """A sheet of several small tables one under another: the owner and the date on the frozen top rows, each
    table with a bold title and header row; widths that fit."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title, 0)
    bold, big = Font(bold=True), Font(bold=True, size=14)
    lines: list[list] = [[(owner, big)], [(subtitle, None)]]
    for name, headers, rows in blocks:
        lines += [[], [(name, bold)], [(h, bold) for h in headers]]
        lines += [[(v, None) for v in row] for row in rows] or [[(t("none"), None)]]
    widths: list[int] = []
    for line in lines[2:]:
        if len(line) == 1 and line[0][1] is bold:
            continue  # a table's title may run over the cells beside it
        for i, (value, _) in enumerate(line):
            if len(widths) <= i:
                widths.append(8)
            widths[i] = max(widths[i], min(len(str(value)) + 2 if value is not None else 0, 50))
    for i, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(i + 1)].width = width
    sheet.freeze_panes = "A3"
    for line in lines:
        sheet.append([exporting.sheet_cell(sheet, value, font) for value, font in line])


def periodic_xlsx(data: dict) -> bytes:
    """`report --period --format xlsx`: the counts by legal category first, then one sheet per section (the
    agreements in force, new, renewed, lapsed, terminated, the activities, ...), named in the reader's language."""
    from openpyxl import Workbook

    from coopctl.views.periodic import count_columns, count_rows, heading, section_titles, sections

    workbook = Workbook(write_only=True)
    columns = count_columns(data)
    summary_sheet(workbook, t("Summary"), data["owner"], heading(data),
                  [(t("By legal category"), [h for _, h in columns],
                    [[r[k] for k, _ in columns] for r in count_rows(data)])])
    names = dict(section_titles())
    for key, _, columns, rows in sections(data, sheet=True):
        keys = [k for k, _ in columns]
        exporting.table_sheet(workbook, names[key], [{k: _day(r.get(k)) for k in keys} for r in rows], keys,
                              [h for _, h in columns])
    return exporting.workbook_bytes(workbook)

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
from coopctl.app import queries, rollup
from coopctl.app.rollup import Part
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


def workbook_part(snapshot: queries.Snapshot) -> dict:
    """One store's share of the workbook (`app.rollup.Part`'s result): its agreements and activities as plain rows,
    its partners by country and the names of its sectors in the reader's language."""
    lang = "id" if i18n.language() == "id" else "en"
    vocabulary = snapshot.vocabulary
    agreements = [dict(r) for r in queries.list_rows(snapshot)]  # copies: a snapshot's rows are shared
    activities = list(reversed(queries.activity_rows(snapshot.store, vocabulary, until=snapshot.as_of)))
    used = {s for r in agreements for s in r["sectors"]} | {a["sector"] for a in activities if a["sector"]}
    return {"owner": snapshot.store.settings.owner, "as_of": snapshot.as_of.isoformat(),
            "partners": dict(Counter(p.country or "-" for p in snapshot.store.partners.values())),
            "agreements": agreements, "activities": activities,
            "sector_names": {s: vocabulary.label(s, lang) for s in sorted(used)}}


def summary_blocks(parts: list[Part], rows: list[dict]) -> list[tuple[str, list[str], list[list]]]:
    """The summary sheet's tables: (title, headers, rows); `rows` the agreements of every store."""
    lang = "id" if i18n.language() == "id" else "en"
    names = _sector_names(parts)
    in_force = [r for r in rows if r["state"] in rules.IN_FORCE]
    partners: Counter = Counter()
    for part in parts:
        partners.update(part.result["partners"])
    countries = sorted(set(partners) | {r["country"] or "-" for r in rows})
    by_sector = Counter(s for r in in_force for s in r["sectors"])
    sectors = sorted(by_sector, key=lambda s: (-by_sector[s], s))
    matrix_countries = sorted({r["country"] or "-" for r in in_force})
    cells = Counter((s, r["country"] or "-") for r in in_force for s in r["sectors"])
    blocks = [
        (t("Agreements by legal category (PP 28/2018)"), [t("Category"), t("Name"), t("Agreements"), t("In force")],
         [[c, lexicon.label(lexicon.CATEGORIES, c, lang), sum(r["category"] == c for r in rows),
           sum(r["category"] == c for r in in_force)] for c in CATEGORIES]),
        (t("By country"), [t("Country"), t("Partners"), t("Agreements"), t("In force")],
         [[c, partners[c], sum((r["country"] or "-") == c for r in rows),
           sum((r["country"] or "-") == c for r in in_force)] for c in countries]),
        (t("Agreements in force by sector"), [t("Sector"), t("Name"), t("Agreements")],
         [[s, names.get(s, s), by_sector[s]] for s in sectors]),
        (t("Sectors by country (agreements in force)"), [t("Sector")] + matrix_countries,
         [[names.get(s, s)] + [cells[(s, c)] or None for c in matrix_countries] for s in sectors]),
    ]
    if len(parts) > 1:
        blocks.insert(0, (t("By owner"), [t("Owner"), t("Partners"), t("Agreements"), t("In force")] + list(CATEGORIES),
                          [_owner_row(part, rows) for part in parts]))
    return blocks


def _owner_row(part: Part, rows: list[dict]) -> list:
    mine = [r for r in rows if r["owner"] == part.owner]
    return [part.owner, sum(part.result["partners"].values()), len(mine),
            sum(r["state"] in rules.IN_FORCE for r in mine)] + [sum(r["category"] == c for r in mine) for c in CATEGORIES]


def _sector_names(parts: list[Part]) -> dict[str, str]:
    names: dict[str, str] = {}
    for part in parts:
        names |= part.result["sector_names"]
    return names


def report_xlsx(parts: list[Part]) -> bytes:
    """`report --format xlsx`: the summary sheet, the agreements sheet and the activities sheet; `parts`: each
    store's `workbook_part`. With several stores, a by-owner table opens the summary and each row names its
    owner (ids two stores share are qualified, as in every roll-up)."""
    from openpyxl import Workbook

    lang = "id" if i18n.language() == "id" else "en"
    names = _sector_names(parts)
    many = len(parts) > 1
    rows = rollup.merge_rows([Part(p.owner, p.result["agreements"]) for p in parts])
    workbook = Workbook(write_only=True)
    first = parts[0].result
    summary_sheet(workbook, t("Summary"), ", ".join(p.owner for p in parts),
                  t("As of {date}", date=i18n.long_date(first["as_of"])), summary_blocks(parts, rows))
    agreements = [r | {"start": _day(r["start"]), "end": _day(r["end"]), "state": i18n.state(r["state"]),
                       "type": lexicon.label(lexicon.TYPES, r["type"], lang),
                       "sectors": [names.get(s, s) for s in r["sectors"]]} for r in rows]
    owner = (("owner",), [t("Owner")]) if many else ((), [])
    exporting.table_sheet(workbook, t("Agreements"), agreements, owner[0] + AGREEMENT_SHEET,
                          owner[1] + [t("ID"), t("Partner"), t("Country"), t("Type"), t("Category"), t("Title"),
                                      t("Sectors"), t("Unit"), t("Start"), t("End"), t("State"), t("Days left")])
    merged = rollup.merge_rows([Part(p.owner, [dict(a) for a in p.result["activities"]]) for p in parts],
                               ("agreement", "partner_id"))
    activities = [a | {"date": _day(a["date"]), "sector": names.get(a["sector"], a["sector"])} for a in merged]
    exporting.table_sheet(workbook, t("Activities"), activities, owner[0] + ACTIVITY_SHEET,
                          owner[1] + [t("Date"), t("Agreement"), t("Partner"), t("Sector"), t("Type"), t("Summary"),
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

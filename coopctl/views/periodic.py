"""The periodic report (`report --period`): the terminal's tables, Markdown, CSV (the counts) and JSON.

Rows in, text out: `app.periodic.periodic_report`'s data. Every section is one table whose first column is the
legal category, its rows in the order of the categories, as the ministry's reporting groups them.
"""

from __future__ import annotations

import sys

from coopctl import i18n
from coopctl.core.text import md_text
from coopctl.i18n import t, tc
from coopctl.views import formats, tables, words
from coopctl.views.listing import approx, for_people, term_text

PERIOD_DATES = ("start", "end", "ended", "signed", "date", "due", "done", "term_end")
# a document's `title` is its own (`document_title`): the rows' `title` is the agreement's


def section_titles() -> list[tuple[str, str]]:
    """The counted sections, in order, with their names."""
    return [("in_force", t("In force")), ("new", t("New")), ("renewed", t("Renewed")), ("lapsed", t("Lapsed")),
            ("terminated", t("Terminated")), ("activities", t("Activities")), ("milestones", t("Steps done")),
            ("evaluations_due", t("Evaluations due")), ("evaluations_done", t("Evaluations done")),
            ("documents", t("Documents filed"))]


def sections(data: dict, sheet: bool = False) -> list[tuple[str, str, list[tuple[str, str]], list[dict]]]:
    """Each section: its key, its title, its columns and its rows as people read them. `sheet`: for a workbook
    (a term as its start and end, dates as the store writes them, states in the reader's language)."""
    category, agreement, partner = ("category", t("Category")), ("id", t("Agreement")), ("partner", t("Partner"))
    in_force = [r | {"term": term_text(r["start"], r["end"], r.get("assumed") or ())} for r in data["in_force"]]
    term = [("start", t("Start")), ("end", t("End"))] if sheet else [("term", t("Term"))]
    steps = [r | {"step": r["step"] + (" " + t("(not needed)") if r["not_needed"] else "")}
             for r in data.get("milestones", [])]
    found = [
        ("in_force", t("In force during the period"),
         [category, agreement, partner, ("type", t("Type")), *term, ("state", t("State"))], in_force),
        ("new", t("New agreements"), [category, agreement, partner, ("start", t("Start")), ("signed", t("Signed"))],
         data["new"]),
        ("renewed", t("Renewed"), [category, agreement, partner, ("start", t("Start")), ("end", t("End")),
                                   ("signed", t("Signed"))], data["renewed"]),
        ("lapsed", t("Lapsed (the last term ended, nothing followed)"),
         [category, agreement, partner, ("ended" if not sheet else "end", t("Ended"))], data["lapsed"]),
        ("terminated", t("Terminated"), [category, agreement, partner, ("date", t("Date"))], data["terminated"]),
        ("activities", t("Activities"), [category, ("date", t("Date")), ("agreement", t("Agreement")),
                                         ("type", t("Type")), ("summary", t("Summary"))], data.get("activities", [])),
        ("milestones", t("Steps done"), [category, ("date", t("Date")), agreement, ("step", t("Step"))], steps),
        ("evaluations_due", t("Evaluations due"), [category, ("due", t("Due")), agreement, ("done", t("Done"))],
         data.get("evaluations_due", [])),
        ("evaluations_done", t("Evaluations done"), [category, ("date", t("Date")), agreement,
                                                     ("summary", t("Summary"))], data.get("evaluations_done", [])),
        ("documents", t("Documents filed in the period"), [category, ("date", t("Date")), agreement,
                                                          ("kind", tc("document", "Kind")), ("number", t("Number")), ("name", t("File"))],
         data.get("documents", [])),
    ]
    found = [s for s in found if s[0] in data]  # the public version has no internal sections
    if sheet:
        return [(key, title, columns, [r | {"state": i18n.state(r["state"])} if "state" in r else r for r in rows])
                for key, title, columns, rows in found]
    return [(key, title, columns, [_marked(shown, row.get("assumed")) for shown, row in
                                   zip(for_people(_document_kinds(key, rows), PERIOD_DATES), rows)])
            for key, title, columns, rows in found]


def _document_kinds(key: str, rows: list[dict]) -> list[dict]:
    """The documents' rows with their kinds as people read them (`kind` elsewhere is a partner's kind)."""
    if key != "documents":
        return rows
    return [r | {"kind": words.document_kind(r["kind"])} for r in rows]


def _marked(row: dict, assumed) -> dict:
    """A row (as people read it) with the dates of its term that no source gives (`assumed`, the fields' ids)
    marked (`~2022-09`)."""
    if not assumed:
        return row
    marked = row | {key: approx(row[key], True) for key in ("start", "end", "signed") if key in assumed and row.get(key)}
    if "end" in assumed and row.get("ended"):
        marked["ended"] = approx(row["ended"], True)
    return marked


def assumed_notes(data: dict) -> list[str]:
    """The note saying what `~` means, when a term the report lists has a date no source gives."""
    if any(r.get("assumed") for key in ("in_force", "new", "renewed", "lapsed") for r in data.get(key, [])):
        return [t("~ assumed: no source gives this date")]
    return []


def count_rows(data: dict) -> list[dict]:
    """One row per section, one column per legal category (and the total)."""
    by_category = data["by_category"]
    rows = []
    for key, name in section_titles():
        if key not in data:
            continue
        counts = {category: counts[key] for category, counts in by_category.items()}
        rows.append({"section": key, "name": name, **counts, "total": sum(counts.values())})
    return rows


def count_columns(data: dict, first: str = "name") -> list[tuple[str, str]]:
    return [(first, t("Section"))] + [(c, words.category(c)) for c in data["by_category"]] + [("total", t("Total"))]


def heading(data: dict) -> str:
    shown = i18n.shown_date
    if data["period"] == f"{data['from']}..{data['to']}":  # --from and --to: the dates say it all
        text = t("Periodic report: {first} to {last}", first=shown(data["from"]), last=shown(data["to"]))
    else:
        text = t("Periodic report {period}: {first} to {last}", period=data["period"], first=shown(data["from"]),
                 last=shown(data["to"]))
    if data["reported_to"] != data["to"]:
        text += " " + t("(states as at {date}, the as-of date; every record dated in the period is listed)",
                        date=shown(data["reported_to"]))
    return text


def show_periodic(data: dict, fmt: str) -> None:
    if fmt == "json":
        formats.write_json(data)
        return
    if fmt == "csv":
        formats.write_csv(count_rows(data), [key for key, _ in count_columns(data, "section")])
        return
    columns = count_columns(data)
    if fmt == "md":
        sys.stdout.write(periodic_markdown(data, columns) + "\n")
        return
    tables.print_lines([data["owner"], heading(data), ""])
    tables.print_table(count_rows(data), columns, t("By legal category"),
                       right=tuple(key for key, _ in columns[1:]), keep=tuple(key for key, _ in columns))
    for key, title, section_columns, rows in sections(data):
        tables.print_lines([""])
        tables.print_table(rows, section_columns, title, keep=("category", "id", "agreement", "date", "due", "term"),
                           wrap=("summary",), empty=t("none"))
    notes = assumed_notes(data)
    if notes:
        tables.print_lines([""] + notes)


def periodic_markdown(data: dict, columns: list[tuple[str, str]]) -> str:
    out = [f"# {md_text(data['owner'])}", "", md_text(heading(data)), "", f"## {t('By legal category')}", "",
           formats.md_table(count_rows(data), columns)]
    for key, title, section_columns, rows in sections(data):
        out += ["", f"## {title}", "", formats.md_table(rows, section_columns) if rows else t("None.")]
    out += [line for note in assumed_notes(data) for line in ("", md_text(note))]
    return "\n".join(out)


def periodic_html(data: dict) -> str:
    """`report --period --format html`: one self-contained page, as `report --format html` (its stylesheet, no
    script, nothing fetched; Jinja2 escapes every value)."""
    from coopctl.views.html import environment

    parts = [{"key": key, "title": title, "columns": columns, "rows": tables.cells(rows, columns)}
             for key, title, columns, rows in sections(data)]
    return environment().get_template("periodic.html.j2").render(
        lang="id" if i18n.language() == "id" else "en", owner=data["owner"], heading=heading(data),
        public=t("Public version: without notes, contacts, internal steps and document files.") if data["public"]
        else "", by_category=t("By legal category"), count_columns=count_columns(data), counts=count_rows(data),
        parts=parts, nothing=t("None."), notes=assumed_notes(data), made_by=t("Made by coopctl"))

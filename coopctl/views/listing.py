"""Listings of rows (`list`, `renew`, `dormant`, `activities`, ...) in every format.

`show_rows(rows, fmt, ...)` is the one way a listing is shown: JSON gives
each row whole, CSV and Markdown the listing's fields, the table its columns
of the cells made for people (a term as `start..end`, states by name in the
reader's language with their marks, dates as the language writes them), with
footnotes for the marks some row carries.
"""

from __future__ import annotations

from typing import Callable, Sequence

from coopctl import i18n
from coopctl.i18n import N_, t, tc
from coopctl.views import formats, tables, words

Columns = Sequence[tuple[str, str]]

LIST_COLUMNS = [("id", N_("ID")), ("partner", N_("Partner")), ("country", N_("CC")), ("type", N_("Type")),
                ("sectors", N_("Sectors")), ("term", N_("Term")), ("state_shown", N_("State")), ("days_left", N_("Days")),
                ("category", N_("Category"))]
LIST_FIELDS = ["id", "partner", "partner_id", "country", "type", "category", "under", "title", "sectors", "unit",
               "start", "end", "state", "days_left", "dormant", "last_activity", "review_due", "assumed"]
RENEW_COLUMNS = [("id", N_("ID")), ("partner", N_("Partner")), ("state_flagged", N_("State")), ("end_day", N_("Ends")),
                 ("days_left", N_("Days")), ("next_shown", N_("Next milestone")), ("pending_end", N_("Pending to")),
                 ("window_opens", N_("Window opened"))]
RENEW_FIELDS = LIST_FIELDS + ["window_opens", "next_step", "next_step_due", "overdue_steps"]
ACTIVITY_COLUMNS = [("date", N_("Date")), ("agreement", N_("Agreement")), ("type", N_("Type")), ("summary", N_("Summary"))]
LISTING = dict(right=("days_left",), keep=("id", "term", "state", "state_shown", "state_flagged", "country", "end_day",
                                           "pending_end", "window_opens"),
               wrap=("owner", "partner", "title", "next_shown"),  # how a listing's table is laid out
               drop=("category", "window_opens", "sectors", "type", "pending_end", "country", "term", "end_day",
                     "days_left", "next_shown"))  # what goes first where the width is short
WRAPPED = ("partner", "name", "title", "summary", "record", "text")  # the columns of names and sentences
MARKS = ("dormant", "overdue_milestones", "review_due", "assumed")  # row keys a listing's footnotes explain
PLAN_FOOTNOTES = [
    ("!", "overdue_milestones", N_("! a milestone of the renewal plan is overdue (see coopctl plan ID)")),
    ("?", "review_due", N_("? review due: open-ended, no recent evaluation activity (see coopctl plan ID)")),
]
PEOPLE_DATES = ("start", "end", "signed", "date", "due", "done", "window_opens", "next_step_due", "last_activity",
                "sector_since", "term_end")


def headers(columns: Columns) -> list[tuple[str, str]]:
    """Columns with their headers in the current language (the constants hold them in English)."""
    return [(key, t(header)) for key, header in columns]


def md_columns(fields: Sequence[str]) -> list[tuple[str, str]]:
    """Markdown columns for machine field names: the names themselves in English."""
    return [(f, i18n.field(f)) for f in fields]


def owned(columns: list, many: bool) -> list:
    """With several stores, an owner column first."""
    if not many:
        return columns
    return [("owner", N_("Owner")) if isinstance(columns[0], tuple) else "owner"] + columns


def for_people(rows: list[dict], dates=PEOPLE_DATES) -> list[dict]:
    """Rows as Markdown shows them: states by name and dates written out where the language says so."""
    if i18n.language() == i18n.ENGLISH:
        return rows
    return [words.row(r) | ({"state": i18n.state(r["state"])} if isinstance(r.get("state"), str) else {})
            | ({"days_left": words.days(r["days_left"])} if "days_left" in r else {})
            | {k: i18n.number(r[k]) for k in ("participants", "value") if isinstance(r.get(k), int)}
            | ({"assumed": [i18n.field(k) for k in r["assumed"]]} if isinstance(r.get("assumed"), list) else {})
            for r in i18n.shown_dates(rows, dates)]


ASSUMED = "~"  # before a value no source gives: `~2022-09`


def approx(text: str | None, assumed: bool) -> str | None:
    """`text` with the mark of an assumed value when it is one."""
    return f"{ASSUMED}{text}" if assumed and text else text


def term_text(start: str | None, end: str | None, assumed=()) -> str:
    """A term as a table shows it: `2017-09..2022-09`, or with dates written out; an assumed bound as `~2022-09`."""
    shown = i18n.shown_date
    return t("{start}..{end}", start=approx(shown(start), "start" in assumed) or "?",
             end=approx(shown(end), "end" in assumed) or tc("term", "open"))


def flags(row: dict) -> str:
    """`!` a renewal milestone is overdue, `?` an open-ended agreement is due for review."""
    return ("!" if row.get("overdue_milestones") else "") + ("?" if row.get("review_due") else "")


def _pending_end(row: dict) -> str:
    pending = row.get("pending")
    return (approx(i18n.shown_date(pending["end"]), "end" in (pending.get("assumed") or ()))
            or tc("term", "open")) if pending else ""


def _next_shown(row: dict) -> str:
    if row.get("review_due"):
        return t("review due")
    following = row.get("next_milestone")
    return f"{words.step(following['name'])} {approx(i18n.shown_date(following['date']), following.get('assumed'))}" \
        if following else ""


def end_text(row: dict, written=None) -> str | None:
    """The end as the store writes it (a month stays a month, never a made-up day), marked when assumed;
    `written` gives the date its form (`i18n.shown_date` by default, `i18n.long_date` for a document)."""
    if not row.get("end_day"):
        return row.get("end_day")
    return approx((written or i18n.shown_date)(row.get("end") or row["end_day"]), "end" in (row.get("assumed") or ()))


def last_end_text(row: dict, written=None) -> str | None:
    """The last signed term's end (`last_end`) as `end_text` gives it when that term is the one the row speaks of
    (a month stays a month, an assumed end is marked), else its day."""
    if row.get("last_end") and row.get("last_end") == row.get("end_day"):
        return end_text(row, written)
    return (written or i18n.shown_date)(row.get("last_end"))


# The cells of an agreement row made for people, by column key (the others are the row's values as they are).
_MADE = {
    "term": lambda row: term_text(row["start"], row["end"], row.get("assumed") or ()) if row["start"] else "",
    "pending_end": _pending_end,
    "state_shown": lambda row: i18n.state(row["state"]) + ("*" if row.get("dormant") else "") + flags(row),
    "state_flagged": lambda row: i18n.state(row["state"]) + flags(row),
    "next_shown": _next_shown,
    "end_day": end_text,
    "window_opens": lambda row: i18n.shown_date(row["window_opens"]) if row.get("window_opens") else row.get(
        "window_opens"),
}
# ... and in a language other than English: ids as labels, days past in words, thousands with the language's mark
_MADE_WORDS = _MADE | {
    "type": lambda row: _worded(words.type_, row.get("type")),
    "category": lambda row: _worded(words.category, row.get("category")),
    "sectors": lambda row: _worded(words.sectors, row.get("sectors")),
    "days_left": lambda row: words.days(row.get("days_left"), cell=True),
}


def _worded(shown: Callable, value):
    """An id (or a list of them) as `shown` gives it to people, as `words.row` does; anything else as it is."""
    return shown(value) if isinstance(value, (str, list)) else value


def table_cells(row: dict, keys: Sequence[str]) -> tuple[str, ...]:
    """The cells under `keys` of an agreement row as a table shows them: made for people where `_MADE` says
    how, else the row's value (`formats.cell`)."""
    made = _MADE if i18n.language() == i18n.ENGLISH else _MADE_WORDS
    cell = formats.cell
    return tuple([cell(made[key](row) if key in made else row.get(key)) for key in keys])


def plan_cells(row: dict) -> dict:
    """The plan fields of a row as flat cells, for CSV and Markdown."""
    following = row.get("next_milestone")
    return row | {"next_step": following["name"] if following else None,
                  "next_step_due": following["date"] if following else None,
                  "overdue_steps": [m["name"] for m in row.get("overdue_milestones") or []]}


def show_agreements(rows: list[dict], fmt: str, columns: Columns, fields: Sequence[str], title: str | None = None,
                    empty: str | None = None) -> None:
    """A listing of agreement rows (`list`, `renew`) in `fmt`."""
    if fmt == "json":
        formats.write_json(rows)
    elif fmt == "csv":
        formats.write_csv(map(plan_cells, rows), fields)  # each row's cells made as it is written
    elif fmt == "md":
        formats.write_md(for_people([plan_cells(r) for r in rows]), md_columns(fields), title)
    else:
        shown = headers(columns)
        tables.print_table(tables.first_rows(rows), shown, title, empty=empty or t("nothing to show"),
                           total=len(rows), choose=True, extra=md_columns(fields), make=table_cells, **LISTING)
        marked = {key for key in MARKS if any(r.get(key) for r in rows)}
        if not any({"start", "end"} & set(r.get("assumed") or ()) for r in rows):
            marked.discard("assumed")  # only a bound of the term is marked in a listing
        if any((r.get("next_milestone") or {}).get("assumed") for r in rows):
            marked.add("assumed step")  # and the due day of a next step whose offset no source gives
        footnotes(shown, marked)


def footnotes(columns: Columns, marked: set[str]) -> None:
    """The footnotes under a listing's table, for the `MARKS` that some row holds."""
    if "dormant" in marked and any(key == "state_shown" for key, _ in columns):
        tables.print_notes([t("* dormant: in force, but no activity recorded recently (see coopctl dormant)")])
    keys = {key for key, _ in columns}
    if ("assumed" in marked and "term" in keys) or ("assumed step" in marked and "next_shown" in keys):
        tables.print_notes([t("~ assumed: no source gives this date (see coopctl show ID)")])
    if any(key in ("state_shown", "state_flagged") for key, _ in columns):
        tables.print_notes([t(note) for _, key, note in PLAN_FOOTNOTES if key in marked])


def show_rows(rows: list[dict], fmt: str, columns: Columns, fields: Sequence[str], keep=(), wrap=(),
              empty: str | None = None, display: Callable[[dict], dict] | None = None, drop=()) -> None:
    """Any other listing: JSON gives each row whole; CSV and Markdown give `fields`; the table shows `columns`
    of `display(row)`, which may add text made for people (`--columns` may choose among them and `fields`;
    where the width is short, the `drop` ones go first; names and titles wrap)."""
    if fmt == "json":
        formats.write_json(rows)
    elif fmt == "csv":
        formats.write_csv(rows, fields)
    elif fmt == "md":
        formats.write_md(for_people(rows), md_columns(fields))
    else:
        shown = tables.first_rows(rows)
        tables.print_table(for_people([display(r) for r in shown] if display else shown), columns, keep=keep,
                           wrap=(*wrap, *WRAPPED), empty=empty or t("nothing to show"), total=len(rows), drop=drop,
                           choose=True, extra=md_columns(fields))

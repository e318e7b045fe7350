"""Laying out results: Rich tables at a terminal, JSON, CSV and Markdown for everything else.

Store text is data, never markup: every table cell is a `rich.text.Text`,
and control characters (ANSI escapes, C1 codes, bidirectional overrides) are
removed before anything reaches a terminal. JSON goes straight to stdout,
never through Rich, so it is never wrapped. CSV cells that a spreadsheet
would run as a formula are prefixed with a quote.
"""

from __future__ import annotations

import os
import re
import sys
from datetime import date, timedelta
from typing import Any, Iterable, Sequence

from coopctl import i18n
from coopctl.i18n import long_date, t
from coopctl.core.text import json_bytes
from coopctl.core.text import clean, shorten  # noqa: F401  (shorten: re-exported for the CLI)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
Column = tuple[str, str]  # (key in the row dict, header)


def cell(value: Any) -> str:
    if type(value) is str:
        return clean(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return " ".join(f"{k}={cell(v)}" for k, v in value.items() if v is not None)
    return clean(str(value))


# ---------------------------------------------------------------- machine formats


def write_json(obj: Any) -> None:
    """`obj` as indented JSON on stdout, characters that could act on a terminal escaped (see `text.json_bytes`)."""
    write_json_bytes(json_bytes(obj))


def write_json_bytes(data: bytes) -> None:
    """JSON made by `text.json_bytes` (or put together by `text.json_list`), and a newline."""
    out = sys.stdout
    if (getattr(out, "encoding", "") or "").lower().replace("-", "") == "utf8" and hasattr(out, "buffer"):
        out.flush()
        out.buffer.write(data + b"\n")
        out.buffer.flush()
        return
    out.write(data.decode("utf-8") + "\n")


def _csv_cell(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, (list, tuple)):
        text = ";".join(cell(v) for v in value)
    else:
        text = cell(value)
    if text.startswith(_FORMULA_START):
        text = "'" + text
    return text


def write_csv(rows: Iterable[dict], columns: Sequence[str]) -> None:
    import csv

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row.get(c)) for c in columns])


def _md_cell(value: Any) -> str:
    if isinstance(value, bool):  # Markdown is for people: yes and no in their language (CSV keeps English)
        value = i18n.t("yes") if value else i18n.t("no")
    return cell(value).replace("\\", "\\\\").replace("|", "\\|") or " "


def md_table(rows: Iterable[dict], columns: Sequence[Column]) -> str:
    lines = ["| " + " | ".join(h for _, h in columns) + " |",
             "|" + "|".join("---" for _ in columns) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(_md_cell(row.get(k)) for k, _ in columns) + " |")
    return "\n".join(lines)


def write_md(rows: Iterable[dict], columns: Sequence[Column], title: str | None = None) -> None:
    out = []
    if title:
        out += [f"## {clean(title)}", ""]
    out.append(md_table(rows, columns))
    sys.stdout.write("\n".join(out) + "\n")


# ---------------------------------------------------------------- terminal


def console():
    from rich.console import Console

    return Console(highlight=False, emoji=False, markup=False, soft_wrap=False)


def fit_widths(natural: Sequence[int], minimum: Sequence[int], available: int) -> list[int] | None:
    """Column widths that fit `available` cells: shrink the widest shrinkable column first.

    A column whose minimum equals its natural width never shrinks. None when
    even the minimums do not fit.
    """
    widths = list(natural)
    excess = sum(widths) - available
    while excess > 0:
        candidates = [i for i, w in enumerate(widths) if w > minimum[i]]
        if not candidates:
            return None
        widest = max(candidates, key=lambda i: (widths[i] - minimum[i], -i))
        widths[widest] -= 1
        excess -= 1
    return widths


def _layout(natural: Sequence[int], filled: Sequence[bool], columns: Sequence[Column], right: Sequence[str],
            keep: Sequence[str], width: int, wrap: Sequence[str]) -> tuple[list[int], list[int]]:
    """Which columns to show and how wide, from each column's widest cell (in terminal cells) and
    whether any of its cells has a width."""
    natural = [max(n, len(h)) for n, (_, h) in zip(natural, columns)]
    minimum = [n if key in keep or key in right else min(n, max(len(h), 20 if key in wrap else 8))
               for n, (key, h) in zip(natural, columns)]
    shown = [i for i, (key, _) in enumerate(columns) if key in keep or key in right or filled[i]]
    while True:
        widths = fit_widths([natural[i] for i in shown], [minimum[i] for i in shown], width - 2 * (len(shown) - 1))
        optional = [i for i in shown if columns[i][0] not in keep and columns[i][0] not in right]
        if widths is not None or not optional:
            break
        shown.remove(optional[-1])
    if widths is None:  # a very narrow terminal: cut even the kept columns
        widths = fit_widths([natural[i] for i in shown], [min(natural[i], 4) for i in shown],
                            width - 2 * (len(shown) - 1)) or [natural[i] for i in shown]
    return shown, widths


def cells(rows: Sequence[dict], columns: Sequence[Column]) -> list[tuple[str, ...]]:
    """Each row's cells as a table shows them (see `cell`), in the order of `columns`."""
    keys = [key for key, _ in columns]
    return [tuple([cell(row.get(key)) for key in keys]) for row in rows]


def rich_table(texts: Sequence[Sequence[str]], columns: Sequence[Column], title: str | None = None,
               right: Sequence[str] = (), keep: Sequence[str] = (), width: int = 80, wrap: Sequence[str] = ()):
    """A table of these cells (`cells`) that fits `width`: `keep` columns (ids, dates, numbers) are
    never cut, the others shorten with an ellipsis, and if that is not enough the rightmost optional
    columns are left out."""
    from rich.table import Table
    from rich.text import Text

    rich_texts = [[Text(t) for t in row] for row in texts]
    lengths = [[t.cell_len for t in row] for row in rich_texts]
    natural = [max([row[i] for row in lengths], default=0) for i in range(len(columns))]
    filled = [any(row[i] for row in lengths) for i in range(len(columns))]
    shown, widths = _layout(natural, filled, columns, right, keep, width, wrap)

    table = Table(box=None, title=Text(clean(title)) if title else None, header_style="bold",
                  title_justify="left", title_style="bold", pad_edge=False, highlight=False, expand=False)
    for i, w in zip(shown, widths):
        key, header = columns[i]
        table.add_column(Text(header), justify="right" if key in right else "left", no_wrap=key not in wrap,
                         overflow="fold" if key in wrap else "ellipsis", width=w)
    for row in rich_texts:
        table.add_row(*(row[i] for i in shown))
    return table


# Characters Rich counts as one terminal cell each (rich.cells._SINGLE_CELL_UNICODE_RANGES): text made
# only of these is laid out here exactly as Rich would, without importing Rich (about 15 ms).
_ONE_CELL = re.compile("[\x20-\x7e\xa0-\xac\xae-\u02ff\u0370-\u0482\u2500-\u25fc\u2800-\u28ff]*")


def plain_lines(texts: Sequence[Sequence[str]], columns: Sequence[Column], title: str | None = None,
                right: Sequence[str] = (), keep: Sequence[str] = (), width: int = 80,
                wrap: Sequence[str] = ()) -> list[str] | None:
    """The lines Rich prints for a table of these cells (`cells`) when the output is not a terminal
    (trailing spaces removed), made with plain string operations a column at a time: hundreds of
    times faster, so a listing of 100,000 rows piped into a file or `less` takes a fraction of a
    second. None when the table needs what only Rich does (wide or combining characters, a wrapped
    cell, a title longer than the table)."""
    headers = [h for _, h in columns]
    heading = clean(title) if title else None
    one_cell = _ONE_CELL.fullmatch
    if not all(one_cell(t) for t in headers) or (heading and not one_cell(heading)):
        return None
    by_column = list(zip(*texts)) if texts else [() for _ in columns]
    for column in by_column:  # one look per column: the space that joins the cells is one cell too
        joined = " ".join(column)
        if not (joined.isascii() and joined.isprintable()) and not one_cell(joined):  # ASCII: printable is one cell
            return None
    natural = [max(map(len, column), default=0) for column in by_column]
    shown, widths = _layout(natural, [any(column) for column in by_column], columns, right, keep, width, wrap)
    if not shown or min(widths) < 1 or sum(widths) + 2 * (len(widths) - 1) > width:
        return None  # nothing to show, or too narrow even so: Rich squeezes the columns its own way
    for i, w in zip(shown, widths):
        if columns[i][0] in wrap and (len(headers[i]) > w or natural[i] > w):
            return None  # Rich would wrap this cell over several lines
    if heading and len(heading) > sum(widths) + 2 * (len(widths) - 1):
        return None
    line = "  ".join(f"%{'' if columns[i][0] in right else '-'}{w}s" for i, w in zip(shown, widths))
    fitted = [_fit_column(by_column[i], natural[i], w, columns[i][0] in right) for i, w in zip(shown, widths)]
    lines = [heading.rstrip()] if heading else []
    lines.append((line % tuple(_fit_column((headers[i],), len(headers[i]), w, columns[i][0] in right)[0]
                               for i, w in zip(shown, widths))).rstrip())
    lines += [(line % cells).rstrip() for cells in zip(*fitted)]
    return lines


def _fit_column(column: Sequence[str], longest: int, w: int, to_right: bool) -> Sequence[str]:
    """A column's cells (the longest `longest` long) cut to `w` with an ellipsis where longer (Rich's
    no-wrap cells); a right-aligned column's trailing spaces dropped first. The padding is the
    caller's."""
    if to_right:
        column = [t.rstrip() for t in column]
    if longest > w:
        column = [t if len(t) <= w else t[: w - 1] + "…" for t in column]
    return column


def show(renderable) -> None:
    """Print to the terminal; when piped, as plain lines without trailing spaces."""
    c = console()
    if c.is_terminal:
        c.print(renderable)
        return
    with c.capture() as captured:
        c.print(renderable)
    sys.stdout.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))


MAX_TERMINAL_ROWS = 200  # a table drawn by Rich costs about 0.3 ms a row


def _output_is_terminal() -> bool:
    """Whether Rich would treat stdout as a terminal (it also listens to FORCE_COLOR and TTY_COMPATIBLE)."""
    if os.environ.get("TTY_COMPATIBLE") == "1" or os.environ.get("FORCE_COLOR") is not None:
        return True
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def plain_width() -> int:
    """The width Rich's Console gives output that is not a terminal: $COLUMNS, else the size of a
    terminal on stdin, stdout or stderr, else 80."""
    columns = os.environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        return int(columns) or 80
    for fd in (0, 1, 2):
        try:
            width = os.get_terminal_size(fd).columns
        except (AttributeError, ValueError, OSError):
            continue
        return width or 80
    return 80


def print_table(rows: Sequence[dict], columns: Sequence[Column], title: str | None = None,
                right: Sequence[str] = (), empty: str = "nothing to show", keep: Sequence[str] = (),
                wrap: Sequence[str] = ()) -> None:
    """A table on stdout. Piped or redirected, every row, as plain lines; at a terminal, drawn by
    Rich, and past `MAX_TERMINAL_ROWS` only the first rows with a line saying how to see them all
    (JSON, CSV and Markdown always give everything)."""
    shown = rows[:MAX_TERMINAL_ROWS] if _output_is_terminal() else rows
    print_cells(cells(shown, columns), columns, title, right, empty, keep, wrap, total=len(rows))


def print_cells(texts: Sequence[Sequence[str]], columns: Sequence[Column], title: str | None = None,
                right: Sequence[str] = (), empty: str = "nothing to show", keep: Sequence[str] = (),
                wrap: Sequence[str] = (), total: int | None = None) -> None:
    """`print_table` of rows already made into their cells (`cells`); `total`: how many rows there
    are, when `texts` holds only the first ones."""
    total = len(texts) if total is None else total
    if not total:
        print_lines(([f"{title}: {empty}"] if title else [empty]))
        return
    if not _output_is_terminal():
        width = plain_width()
        lines = plain_lines(texts, columns, title, right, keep, width, wrap)
        if lines is not None:
            sys.stdout.write("\n".join(lines) + "\n")
        else:
            show(rich_table(texts, columns, title, right, keep, width, wrap))
        return
    hidden = total - MAX_TERMINAL_ROWS
    show(rich_table(texts[:MAX_TERMINAL_ROWS], columns, title, right, keep, console().width, wrap))
    if hidden > 0:
        print_lines([t("... and {n:,} more rows: pipe into less, or use --format csv (or json, md), to see them all",
                       n=hidden)])


def print_pairs(pairs: Sequence[tuple[str, Any]], title: str | None = None) -> None:
    """A record as `label  value` lines, skipping empty values."""
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in pairs:
        if value in (None, "", [], {}):
            continue
        grid.add_row(Text(label), Text(clean(cell(value) if not isinstance(value, str) else value, single_line=False)))
    if title:
        grid.title = Text(clean(title), style="bold")
        grid.title_justify = "left"
    show(grid)


def print_lines(lines: Iterable[str]) -> None:
    for line in lines:
        sys.stdout.write(clean(line) + "\n")


# ---------------------------------------------------------------- pictures


def _years_axis(first: date, last: date, width: int) -> tuple[str, float]:
    """A line of year labels over `width` cells, and the number of days each cell spans."""
    span = (last - first).days + 1
    per_cell = span / width
    line = [" "] * width
    free_from = 0
    for year in range(first.year, last.year + 1):
        pos = int((date(year, 1, 1) - first).days / per_cell)
        if year == first.year:
            pos = 0
        label = str(year)
        if pos >= free_from and pos + len(label) <= width:
            line[pos:pos + len(label)] = label
            free_from = pos + len(label) + 1
    return "".join(line), per_cell


TERM, PENDING, LAPSE, AS_OF = "█", "░", "·", "│"


def timeline_lines(rows: Sequence[dict], as_of: date, from_year: int | None, to_year: int | None,
                   width: int) -> list[str]:
    """Bars across the years: `█` a signed term, `░` a pending one, `·` a lapse, `│` the as-of date."""
    starts = [date.fromisoformat(t["start"]) for r in rows for t in r["terms"]]
    ends = [date.fromisoformat(t["end"]) for r in rows for t in r["terms"] if t["end"]]
    first_year = from_year or (min(starts).year if starts else as_of.year)
    last_year = to_year or max([as_of.year] + [d.year for d in ends])
    first, last = date(first_year, 1, 1), date(last_year, 12, 31)
    label_width = min(max([len(r["id"]) for r in rows] + [9]), 32)
    bar_width = max(width - label_width - 1, 10)
    axis, per_cell = _years_axis(first, last, bar_width)
    lines = [" " * (label_width + 1) + axis]
    marker = int((as_of - first).days / per_cell) if first <= as_of <= last else None
    for r in rows:
        cells = []
        for i in range(bar_width):
            lo = first + timedelta(days=int(i * per_cell))
            hi = first + timedelta(days=max(int((i + 1) * per_cell) - 1, int(i * per_cell)))
            char = " "
            for gap in r["gaps"]:
                if date.fromisoformat(gap["start"]) <= hi and date.fromisoformat(gap["end"]) >= lo:
                    char = LAPSE
            for t in r["terms"]:
                t_end = date.fromisoformat(t["end"]) if t["end"] else date.max
                if r["terminated"] and not t["pending"]:
                    t_end = min(t_end, date.fromisoformat(r["terminated"]) - timedelta(days=1))
                if date.fromisoformat(t["start"]) <= hi and t_end >= lo:
                    char = PENDING if t["pending"] and char == " " or t["pending"] and char == LAPSE else (
                        TERM if not t["pending"] else char)
            cells.append(char)
        if marker is not None and 0 <= marker < bar_width:
            cells[marker] = AS_OF
        label = r["id"] if len(r["id"]) <= label_width else r["id"][: label_width - 1] + "…"
        lines.append(clean(label).ljust(label_width) + " " + "".join(cells))
    lines.append("")
    lines.append(i18n.t("{term} signed term  {pending} pending  {lapse} lapse  {as_of} {date}", term=TERM, pending=PENDING,
                        lapse=LAPSE, as_of=AS_OF, date=i18n.shown_date(as_of.isoformat())))
    return lines


def print_timeline(rows: Sequence[dict], as_of: date, from_year: int | None, to_year: int | None) -> None:
    if not rows:
        print_lines([i18n.t("no agreements")])
        return
    print_lines(timeline_lines(rows, as_of, from_year, to_year, console().width))


COVERED, NOT_COVERED = "●", "·"


def coverage_lines(data: dict, width: int) -> list[str]:
    """A compact grid: sectors down, partners across (numbered, with a key), then the gaps."""
    partners = data["matrix"]
    lines: list[str] = []
    if partners:
        label_width = max(len(s) for s in data["sectors"])
        per_block = max((width - label_width - 1) // 3, 1)
        for block_start in range(0, len(partners), per_block):
            block = partners[block_start:block_start + per_block]
            numbers = range(block_start + 1, block_start + len(block) + 1)
            lines.append(" " * (label_width + 1) + "".join(f"{n:<3}" for n in numbers).rstrip())
            for sector in data["sectors"]:
                cells = "".join(f"{COVERED if sector in p['sectors'] else NOT_COVERED:<3}" for p in block)
                lines.append(f"{sector:<{label_width}} {cells}".rstrip())
            lines.append("")
        for n, p in enumerate(partners, 1):
            lines.append(clean(f"{n:>3} {p['partner_id']} ({p['partner']}, {p['country'] or '-'})"))
    else:
        lines.append(t("No agreement in force."))
    lines.append("")
    none = t("none")
    uncovered = ", ".join(s["id"] for s in data["uncovered"]) or none
    lines += _wrapped(t("Sectors no agreement in force covers ({n}): {sectors}", n=len(data["uncovered"]), sectors=uncovered),
                      width)
    lines += _wrapped(t("Partners by country: {groups}",
                        groups="; ".join(f"{c} {', '.join(ids)}" for c, ids in data["by_country"].items())), width)
    lines += _wrapped(t("Partners by kind: {groups}",
                        groups="; ".join(f"{k} {', '.join(ids)}" for k, ids in data["by_kind"].items())), width)
    stalled = "; ".join(t("{id} (LoI {date}, {months} months)", id=s["id"], date=i18n.shown_date(s["loi_date"]),
                          months=s["months"]) for s in data["stalled"]) or none
    lines += _wrapped(t("Stalled (only an LoI, over {months} months old): {stalled}", months=data["stalled_months"],
                        stalled=stalled), width)
    lines += _wrapped(t("Prospects (no agreement yet): {ids}", ids=", ".join(p["id"] for p in data["prospects"]) or none),
                      width)
    return [clean(line) for line in lines]


def _wrapped(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width=max(width, 40), subsequent_indent="  ", break_on_hyphens=False)


def print_coverage(data: dict) -> None:
    print_lines(coverage_lines(data, console().width))


def coverage_markdown(data: dict, grid: list[dict]) -> str:
    columns = [("partner", t("Partner")), ("country", t("Country"))] + [(s, s) for s in data["sectors"]]
    none = "- " + t("none")
    out = [f"# {t('Coverage as of {date}', date=i18n.shown_date(data['as_of']))}", "",
           md_table(grid, columns), "", f"## {t('Sectors no agreement in force covers')}", ""]
    out += [f"- {s['id']} ({t('{label} / {label_id}', label=clean(s['label']), label_id=clean(s['label_id']))})"
            for s in data["uncovered"]] or [none]
    out += ["", f"## {t('Stalled letters of intent')}", ""]
    out += [f"- {s['id']}: {t('LoI of {date}, {months} months', date=i18n.shown_date(s['loi_date']), months=s['months'])}"
            for s in data["stalled"]] or [none]
    out += ["", f"## {t('Prospects')}", ""]
    out += [f"- {p['id']} ({clean(p['name'])})" for p in data["prospects"]] or [none]
    return "\n".join(out)


def portfolio_markdown(data: dict) -> str:
    """The portfolio report as a document a head of bureau can read as it is."""
    owner = clean(data["owner"])
    summary = t("As of {date}: {partners} partners, {agreements} agreements", date=long_date(data["as_of"]),
                partners=data["partners"], agreements=data["agreements"])
    if data.get("country"):
        summary += t(" (partners in {country})", country=data["country"])
    out = [f"# {t('Cooperation portfolio: {owner}', owner=owner)}", "", summary + ".", ""]
    none = t("None.")

    def count_table(key: str, title: str, column: str, unit: str, name=lambda k: k) -> list[str]:
        rows = [{"value": name(k), "count": n} for k, n in data[key].items() if n]
        return [f"## {title}", "", md_table(rows, [("value", column), ("count", unit)]) if rows else none, ""]

    out += count_table("by_state", t("Agreements by state"), t("State"), t("Agreements"), i18n.state)
    out += count_table("by_kind", t("Partners by kind"), t("Kind"), t("Partners"))
    attention = [r | {"ends": long_date(r["end_day"]), "state": i18n.state(r["state"])} for r in data["needs_attention"]]
    out += [f"## {t('Needs attention')}", "",
            md_table(attention, [("partner", t("Partner")), ("title", t("Agreement")), ("state", t("State")),
                                 ("ends", t("Term ends")), ("days_left", t("Days left"))])
            if attention else t("Nothing is due, renewing or lapsed."), ""]
    ending = [r | {"ends": long_date(r["last_end"])} for r in data["ending_within_12_months"]]
    out += [f"## {t('Terms ending in the next 12 months')}", "",
            md_table(ending, [("partner", t("Partner")), ("title", t("Agreement")), ("ends", t("Ends"))]) if ending else none, ""]
    dormant = [r | {"last": long_date(r["last_activity"]) or t("never")} for r in data["dormant"]]
    out += [f"## {t('Dormant agreements')}", "",
            md_table(dormant, [("partner", t("Partner")), ("title", t("Agreement")), ("last", t("Last activity"))])
            if dormant else t("None: every agreement in force had an activity recently."), ""]
    stalled = [s | {"since": long_date(s["loi_date"])} for s in data["stalled"]]
    out += [f"## {t('Stalled letters of intent')}", "",
            md_table(stalled, [("name", t("Partner")), ("since", t("Letter of intent signed"))]) if stalled else none, ""]
    out += count_table("by_sector", t("Sectors covered by agreements in force"), t("Sector"), t("Agreements"))
    out += [f"## {t('Sectors no agreement in force covers')}", "",
            ", ".join(data["uncovered_sectors"]) + "." if data["uncovered_sectors"] else none]
    return "\n".join(out)

"""Laying out results: Rich tables at a terminal, JSON, CSV and Markdown for everything else.

Store text is data, never markup: every table cell is a `rich.text.Text`,
and control characters (ANSI escapes, C1 codes, bidirectional overrides) are
removed before anything reaches a terminal. JSON goes straight to stdout,
never through Rich, so it is never wrapped. CSV cells that a spreadsheet
would run as a formula are prefixed with a quote.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from typing import Any, Iterable, Sequence

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Column = tuple[str, str]  # (key in the row dict, header)


def clean(text: str, single_line: bool = True) -> str:
    """Text safe for a terminal: control and direction-override characters removed."""
    if single_line:
        text = text.replace("\r\n", " ").replace("\n", " ")
    return _CONTROL.sub("", text)


def cell(value: Any) -> str:
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
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


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
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row.get(c)) for c in columns])


def _md_cell(value: Any) -> str:
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


def rich_table(rows: Sequence[dict], columns: Sequence[Column], title: str | None = None,
               right: Sequence[str] = (), keep: Sequence[str] = (), width: int = 80, wrap: Sequence[str] = ()):
    """A table that fits `width`: `keep` columns (ids, dates, numbers) are never cut, the others
    shorten with an ellipsis, and if that is not enough the rightmost optional columns are left out."""
    from rich.table import Table
    from rich.text import Text

    texts = [[Text(cell(row.get(key))) for key, _ in columns] for row in rows]
    natural = [max([t[i].cell_len for t in texts] + [len(h)]) for i, (_, h) in enumerate(columns)]
    minimum = [n if key in keep or key in right else min(n, max(len(h), 20 if key in wrap else 8))
               for n, (key, h) in zip(natural, columns)]
    shown = [i for i, (key, _) in enumerate(columns)
             if key in keep or key in right or any(t[i].cell_len for t in texts)]
    while True:
        widths = fit_widths([natural[i] for i in shown], [minimum[i] for i in shown], width - 2 * (len(shown) - 1))
        optional = [i for i in shown if columns[i][0] not in keep and columns[i][0] not in right]
        if widths is not None or not optional:
            break
        shown.remove(optional[-1])
    if widths is None:  # a very narrow terminal: cut even the kept columns
        widths = fit_widths([natural[i] for i in shown], [min(natural[i], 4) for i in shown],
                            width - 2 * (len(shown) - 1)) or [natural[i] for i in shown]

    table = Table(box=None, title=Text(clean(title)) if title else None, header_style="bold",
                  title_justify="left", title_style="bold", pad_edge=False, highlight=False, expand=False)
    for i, w in zip(shown, widths):
        key, header = columns[i]
        table.add_column(Text(header), justify="right" if key in right else "left", no_wrap=key not in wrap,
                         overflow="fold" if key in wrap else "ellipsis", width=w)
    for row in texts:
        table.add_row(*(row[i] for i in shown))
    return table


def show(renderable) -> None:
    """Print to the terminal; when piped, as plain lines without trailing spaces."""
    c = console()
    if c.is_terminal:
        c.print(renderable)
        return
    with c.capture() as captured:
        c.print(renderable)
    sys.stdout.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))


def print_table(rows: Sequence[dict], columns: Sequence[Column], title: str | None = None,
                right: Sequence[str] = (), empty: str = "nothing to show", keep: Sequence[str] = (),
                wrap: Sequence[str] = ()) -> None:
    if not rows:
        print_lines(([f"{title}: {empty}"] if title else [empty]))
        return
    show(rich_table(rows, columns, title, right, keep, console().width, wrap))


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

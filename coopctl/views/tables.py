"""Tables for people: drawn by Rich at a terminal, laid out the same way as plain lines when piped.

Every cell is data, never markup (`rich.text.Text`), with control characters
removed first (`core.text.clean`). A table fits the width it is given: `keep`
columns (ids, dates, numbers) are never cut, the others shorten with an
ellipsis, and if that is not enough the rightmost optional columns are left
out. Rich is imported only when a table is drawn at a terminal or needs what
only Rich does.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Any, Iterable, Sequence

from coopctl.core.text import clean
from coopctl.i18n import t
from coopctl.views.formats import Column, cell


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


def first_rows(rows: Sequence[dict]) -> Sequence[dict]:
    """The rows a table shows: at a terminal the first `MAX_TERMINAL_ROWS` (the table says how to see the rest),
    piped every row."""
    return rows[:MAX_TERMINAL_ROWS] if _output_is_terminal() else rows


def print_table(rows: Sequence[dict], columns: Sequence[Column], title: str | None = None,
                right: Sequence[str] = (), empty: str = "nothing to show", keep: Sequence[str] = (),
                wrap: Sequence[str] = (), total: int | None = None) -> None:
    """A table on stdout. Piped or redirected, as plain lines; at a terminal, drawn by Rich, with a line
    saying how to see all `total` rows when `rows` are only the first ones (`first_rows`)."""
    total = len(rows) if total is None else total
    if not total:
        print_lines(([f"{title}: {empty}"] if title else [empty]))
        return
    texts = cells(rows[:MAX_TERMINAL_ROWS] if _output_is_terminal() else rows, columns)
    if not _output_is_terminal():
        width = plain_width()
        lines = plain_lines(texts, columns, title, right, keep, width, wrap)
        if lines is not None:
            sys.stdout.write("\n".join(lines) + "\n")
        else:
            show(rich_table(texts, columns, title, right, keep, width, wrap))
        return
    show(rich_table(texts, columns, title, right, keep, console().width, wrap))
    hidden = total - len(texts)
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

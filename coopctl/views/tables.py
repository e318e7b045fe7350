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
from typing import Any, Callable, Iterable, Mapping, NamedTuple, Sequence

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


class Layout(NamedTuple):
    """What the reader asked of a listing's table (`--wide`, `--columns`)."""

    wide: bool = False
    columns: tuple[str, ...] = ()


LAYOUT = Layout()

# The names a reader gives `--columns` for the columns whose key is not the name itself.
NAMES = {"state_shown": "state", "state_flagged": "state", "days_left": "days", "end_day": "ends",
         "next_shown": "next", "pending_end": "pending", "window_opens": "window", "country": "country"}
ALIASES = {"cc": "country", "next-milestone": "next", "pending-to": "pending", "window-opened": "window",
           "last-activity": "last"}


def set_layout(wide: bool = False, columns: str | None = None) -> None:
    """The reader's choice for the tables of this command (`--wide`, `--columns a,b,c`)."""
    global LAYOUT
    chosen = tuple(ALIASES.get(n, n) for n in (_name(c) for c in (columns or "").replace(";", ",").split(",")) if n)
    LAYOUT = Layout(wide, chosen)


def _name(text: str) -> str:
    return "-".join(text.strip().casefold().replace("_", "-").split())


def column_name(key: str) -> str:
    """The name of a table column for `--columns`."""
    return NAMES.get(key, key.replace("_", "-"))


def chosen_columns(columns: Sequence[Column], extra: Sequence[Column]) -> list[Column]:
    """The columns `--columns` names, from the table's own and the `extra` ones it can show; an unknown
    name is a usage error naming the valid ones."""
    from coopctl.core.errors import UsageError

    offered: dict[str, Column] = {}
    for key, header in [*columns, *extra]:
        offered.setdefault(column_name(key), (key, header))
    by_header = {_name(header): name for name, (_, header) in offered.items() if header}
    chosen = []
    for name in LAYOUT.columns:
        name = name if name in offered else by_header.get(name, name)
        if name not in offered:
            raise UsageError(t("--columns: no column '{name}' in this listing; choose from: {names}", name=name,
                               names=", ".join(offered)))
        if offered[name] not in chosen:
            chosen.append(offered[name])
    return chosen


SENTENCES = ("title", "summary", "text", "label", "note")  # wrapped columns of sentences: at least 24 cells
ESSENTIAL = ("partner", "state", "state_shown", "state_flagged", "deleted", "summary")  # left out only after the id spills


def identity(columns: Sequence[Column]) -> int:
    """The column that names each row (an id, an agreement): never cut, never left out; the first, else."""
    keys = [key for key, _ in columns]
    return next((keys.index(k) for k in ("id", "agreement") if k in keys), 0)


def _layout(natural: Sequence[int], filled: Sequence[bool], columns: Sequence[Column], right: Sequence[str],
            keep: Sequence[str], width: int, wrap: Sequence[str],
            drop: Sequence[str] = ()) -> tuple[list[int], list[int], list[int]]:
    """Which columns to show and how wide, from each column's widest cell (in terminal cells) and whether any
    of its cells has a text; and which were left out for want of room.

    Empty columns are not shown. The first column (the id) and the `keep` and `right` ones (dates, states,
    numbers) are never cut; `wrap` columns keep at least 16 cells (names) or 24 (sentences) and wrap onto
    more lines; the others shorten with an ellipsis. When that is not enough, columns are left out, the
    `drop` ones first (in that order), then the others from the right, until only the `ESSENTIAL` ones
    (partner, state) are left beside the id; then the id column narrows instead, an id longer than it
    standing whole on a line of its own above the rest of its row (the caller draws that); only then do the
    essential columns go. The first column is never left out. `--wide` shows every column whole; columns
    chosen with `--columns` are all shown."""
    natural = [max(n, len(h)) for n, (_, h) in zip(natural, columns)]
    first = identity(columns)
    whole = [i == first or key in keep or key in right for i, (key, _) in enumerate(columns)]
    minimum = [n if whole[i] else min(n, max(len(h), (24 if key in SENTENCES else 16) if key in wrap else 8))
               for i, (n, (key, h)) in enumerate(zip(natural, columns))]
    shown = [i for i in range(len(columns)) if filled[i] or i == first]
    if LAYOUT.wide:
        return shown, [natural[i] for i in shown], []
    keys = [key for key, _ in columns]
    order = [keys.index(k) for k in drop if k in keys] + [i for i in reversed(range(len(columns))) if not whole[i]] \
        + [i for i in reversed(range(len(columns))) if i != first]
    order = list(dict.fromkeys(order))
    essential = [i for i in order if keys[i] in ESSENTIAL]
    order = [i for i in order if i not in essential] + essential
    dropped: list[int] = []
    narrow = min(natural[first], max(len(columns[first][1]), 24))  # the id column when long ids have lines of their own
    def fitted(shown: list[int]) -> list[int] | None:  # cut other columns before names and sentences wrap
        room = width - 2 * (len(shown) - 1)
        return fit_widths([natural[i] for i in shown], [natural[i] if keys[i] in wrap else minimum[i] for i in shown],
                          room) or fit_widths([natural[i] for i in shown], [minimum[i] for i in shown], room)

    while True:
        widths = fitted(shown)
        candidates = [i for i in order if i in shown]
        if widths is not None or not candidates or LAYOUT.columns:
            break
        if keys[candidates[0]] in ESSENTIAL and minimum[first] > narrow:
            minimum[first] = narrow
            continue
        shown.remove(candidates[0])
        dropped.append(candidates[0])
    roomy = [max(m, min(n, 28)) if keys[i] in wrap else m for i, (n, m) in enumerate(zip(natural, minimum))]
    for i in reversed(dropped if widths is not None else ()):  # room again for what was left out before, while
        tried = sorted([*shown, i])                              # names keep room (28 cells) to wrap little?
        again = fitted(tried) if fit_widths([natural[j] for j in tried], [roomy[j] for j in tried],
                                            width - 2 * (len(tried) - 1)) else None
        if again is not None:
            shown, widths = tried, again
            dropped.remove(i)
    if widths is None:  # a very narrow terminal, or the columns the reader chose: the kept ones stay whole
        least = [minimum[i] for i in shown]
        widths = fit_widths([natural[i] for i in shown], least, sum(least)) or least
    return shown, widths, [i for i in dropped if filled[i]]


def cells(rows: Sequence[Mapping], columns: Sequence[Column],
          make: Callable[[Mapping, Sequence[str]], tuple[str, ...]] | None = None) -> list[tuple[str, ...]]:
    """Each row's cells as a table shows them, in the order of `columns`: `make(row, keys)`, else each value
    as `cell` writes it."""
    keys = [key for key, _ in columns]
    if make is not None:
        return [make(row, keys) for row in rows]
    return [tuple([cell(row.get(key)) for key in keys]) for row in rows]


def rich_table(texts: Sequence[Sequence[str]], columns: Sequence[Column], shown: Sequence[int], widths: Sequence[int],
               title: str | None = None, right: Sequence[str] = (), wrap: Sequence[str] = ()):
    """A table of these cells (`cells`) with the columns `shown` at `widths` (`_layout`): `wrap` columns
    wrap onto more lines, the others shorten with an ellipsis where narrower than their cells."""
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, title=Text(clean(title)) if title else None, header_style="bold",
                  title_justify="left", title_style="bold", pad_edge=False, highlight=False, expand=False)
    for i, w in zip(shown, widths):
        key, header = columns[i]
        folds = key in wrap or i == identity(columns)  # an id is never cut: where it must narrow, Rich folds it
        table.add_column(Text(header), justify="right" if key in right else "left", no_wrap=not folds,
                         overflow="fold" if folds else "ellipsis", width=w)
    for row in texts:
        table.add_row(*(Text(row[i]) for i in shown))
    return table


# Characters Rich counts as one terminal cell each (rich.cells._SINGLE_CELL_UNICODE_RANGES): text made
# only of these is laid out here exactly as Rich would, without importing Rich (about 15 ms).
_ONE_CELL = re.compile("[\x20-\x7e\xa0-\xac\xae-\u02ff\u0370-\u0482\u2500-\u25fc\u2800-\u28ff]*")


def _one_cell_each(texts: Sequence[Sequence[str]], columns: Sequence[Column], title: str | None) -> bool:
    """Whether every character of the table is one terminal cell wide (then `len` measures it)."""
    one_cell = _ONE_CELL.fullmatch
    others: set[str] = set()  # characters outside the known ranges: Rich measures each (an en dash is one cell)
    for text in [*(h for _, h in columns), clean(title) if title else ""]:
        if not one_cell(text):
            others.update(text)
    for column in zip(*texts):  # one look per column: the space that joins the cells is one cell too
        joined = " ".join(column)
        if not (joined.isascii() and joined.isprintable()) and not one_cell(joined):  # ASCII: printable is one cell
            others.update(joined)
    if not others:
        return True
    from rich.cells import cell_len

    return all(cell_len(ch) == 1 for ch in others)


def plain_lines(texts: Sequence[Sequence[str]], columns: Sequence[Column], shown: Sequence[int],
                widths: Sequence[int], natural: Sequence[int], title: str | None = None, right: Sequence[str] = (),
                wrap: Sequence[str] = ()) -> list[str] | None:
    """The lines of a table of one-cell characters (`_one_cell_each`) laid out by `_layout`, as Rich prints
    them when the output is not a terminal (trailing spaces removed), made with plain string operations:
    a column at a time when no cell wraps (hundreds of times faster, so a listing of 100,000 rows piped
    into a file or `less` takes a fraction of a second); where names wrap, the cut columns still a column at
    a time and only the rows that wrap line by line. None when the title is longer than the table (Rich's
    business)."""
    import textwrap

    headers = [h for _, h in columns]
    heading = clean(title) if title else None
    if not shown or min(widths) < 1 or (heading and len(heading) > sum(widths) + 2 * (len(widths) - 1)):
        return None
    by_column = list(zip(*texts)) if texts else [() for _ in columns]
    line = "  ".join(f"%{'' if columns[i][0] in right else '-'}{w}s" for i, w in zip(shown, widths))
    lines = [heading.rstrip()] if heading else []
    folded = [columns[i][0] in wrap and (natural[i] > w or len(headers[i]) > w) for i, w in zip(shown, widths)]
    at = shown.index(identity(columns)) if identity(columns) in shown else None
    spill = at is not None and natural[shown[at]] > widths[at]  # ids longer than their column: a line of their own
    if not any(folded) and not spill:
        fitted = [_fit_column(by_column[i], natural[i], w, columns[i][0] in right) for i, w in zip(shown, widths)]
        lines.append((line % tuple(_fit_column((headers[i],), len(headers[i]), w, columns[i][0] in right)[0]
                                   for i, w in zip(shown, widths))).rstrip())
        lines += [(line % cells).rstrip() for cells in zip(*fitted)]
        return lines

    def pieces(text: str, w: int, fold: bool, to_right: bool) -> list[str]:
        if fold:
            return (textwrap.wrap(text, w, break_on_hyphens=False) or [""]) if len(text) > w else [text]
        return list(_fit_column((text,), len(text), w, to_right))

    def add(row: Sequence[str]) -> None:  # one row of cells, over as many lines as its wrapped cells take
        parts = [pieces(row[i], w, fold, columns[i][0] in right) for i, w, fold in zip(shown, widths, folded)]
        for k in range(max(map(len, parts))):
            lines.append((line % tuple(p[k] if k < len(p) else "" for p in parts)).rstrip())

    add(headers)
    # the cells that are cut, not wrapped, fitted a column at a time; a row whose cells all fit its line is one line
    fitted = [by_column[i] if fold else _fit_column(by_column[i], natural[i], w, columns[i][0] in right)
              for i, w, fold in zip(shown, widths, folded)]
    wrapping = [(k, w) for k, (w, fold) in enumerate(zip(widths, folded)) if fold]
    for n, row in enumerate(texts):
        if spill and len(row[shown[at]]) > widths[at]:  # the cells before the id, the id whole; then the rest
            before = [_fit_column((row[i],), len(row[i]), w, columns[i][0] in right)[0].ljust(w)
                      for i, w in zip(shown[:at], widths[:at])]
            lines.append("  ".join([*before, row[shown[at]]]).rstrip())
            add(tuple("" if i in shown[:at + 1] else text for i, text in enumerate(row)))
            continue
        line_cells = tuple([column[n] for column in fitted])
        if any(len(line_cells[k]) > w for k, w in wrapping):
            add(row)
        else:
            lines.append((line % line_cells).rstrip())
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


def show(renderable, width: int | None = None) -> None:
    """Print to the terminal; when piped, as plain lines without trailing spaces. `width`: at least this wide."""
    c = console()
    if width is not None and width > c.width:
        c.width = width
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


def arrange(texts: Sequence[Sequence[str]], columns: Sequence[Column], title: str | None, right: Sequence[str],
            keep: Sequence[str], width: int, wrap: Sequence[str], drop: Sequence[str] = ()):
    """How a table of these cells is laid out: whether plain code can draw it (`_one_cell_each`), each
    column's natural width, and `_layout`'s columns shown, their widths and the columns left out."""
    plain = _one_cell_each(texts, columns, title)
    if plain:
        natural = [max(map(len, column), default=0) for column in zip(*texts)]
    else:
        from rich.cells import cell_len

        natural = [max(map(cell_len, column), default=0) for column in zip(*texts)]
    if not texts:
        natural = [0] * len(columns)
    shown, widths, dropped = _layout(natural, [n > 0 for n in natural], columns, right, keep, width, wrap, drop)
    return plain, natural, shown, widths, dropped


def print_table(rows: Sequence[dict], columns: Sequence[Column], title: str | None = None,
                right: Sequence[str] = (), empty: str = "nothing to show", keep: Sequence[str] = (),
                wrap: Sequence[str] = (), total: int | None = None, drop: Sequence[str] = (),
                extra: Sequence[Column] = (), choose: bool = False,
                make: Callable[[Mapping, Sequence[str]], tuple[str, ...]] | None = None) -> None:
    """A table on stdout, laid out for the width of the terminal (`_layout`; `--wide`, `--columns`), with a
    footnote naming the columns left out for want of room. Piped or redirected, as plain lines; at a terminal,
    drawn by Rich, with a line saying how to see all `total` rows when `rows` are only the first ones
    (`first_rows`). `choose`: a listing, whose columns `--columns` may choose (from its own and `extra`).
    `make(row, keys)`: a row's cells under those keys, when the rows are not the cells themselves (`cells`)."""
    if LAYOUT.columns:
        if not choose:
            from coopctl.core.errors import UsageError

            raise UsageError(t("--columns applies to listings (list, renew, activities, ...), not to this output"))
        columns = chosen_columns(columns, extra)
    total = len(rows) if total is None else total
    if not total:
        print_lines(([f"{title}: {empty}"] if title else [empty]))
        return
    terminal = _output_is_terminal()
    texts = cells(rows[:MAX_TERMINAL_ROWS] if terminal else rows, columns, make)
    width = console().width if terminal else plain_width()
    plain, natural, shown, widths, dropped = arrange(texts, columns, title, right, keep, width, wrap, drop)
    first = identity(columns)  # Rich would cut a long id: plain lines, even at a terminal, where one spills
    spill = first in shown and natural[first] > widths[shown.index(first)]
    lines = None if (terminal and not spill) or not plain else \
        plain_lines(texts, columns, shown, widths, natural, title, right, wrap)
    if lines is not None:
        for start in range(0, len(lines), 4096):  # in parts: the whole table as one text would be two more copies
            sys.stdout.write("\n".join(lines[start:start + 4096]) + "\n")
    else:
        needed = sum(widths) + 2 * (len(widths) - 1)
        show(rich_table(texts, columns, shown, widths, title, right, wrap), max(width, needed))
    if dropped:
        print_notes([t("Not shown at this width: {columns} (--wide shows every column; --columns chooses)",
                       columns=", ".join(columns[i][1] for i in dropped))])
    hidden = total - len(texts)
    if hidden > 0:
        print_lines([t("... and {n:,} more rows: pipe into less, or use --format csv (or json, md), to see them all",
                       n=hidden)])


def print_pairs(pairs: Sequence[tuple[str, Any]], title: str | None = None) -> None:
    """A record as `label  value` lines, skipping empty values. Addresses (a list of URLs, `sources`) come last,
    one a line and whole, never broken mid-URL however narrow the terminal (to be copied or clicked)."""
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    shown = [(label, value) for label, value in pairs if value not in (None, "", [], {})]
    addresses = [(label, [clean(v) for v in ([value] if isinstance(value, str) else value)])
                 for label, value in shown if _urls(value)]
    width = max([cell_len(label) for label, _ in shown], default=0)
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True, min_width=width)
    grid.add_column(overflow="fold")
    for label, value in shown:
        if not _urls(value):
            grid.add_row(Text(label), Text(clean(cell(value) if not isinstance(value, str) else value,
                                                 single_line=False)))
    if title:
        grid.title = Text(clean(title), style="bold")
        grid.title_justify = "left"
    show(grid, width=width + 2 + 12)  # at COLUMNS=5 the values had no room at all and vanished: at least 12 cells
    for label, urls in addresses:
        print_lines([(label + " " * (width - cell_len(label)) if i == 0 else " " * width) + "  " + url
                     for i, url in enumerate(urls)])


def _urls(value: Any) -> bool:
    """Whether a value is an address or a list of them (each a single word starting with a URL scheme)."""
    values = [value] if isinstance(value, str) else value if isinstance(value, (list, tuple)) else ()
    return bool(values) and all(isinstance(v, str) and v.startswith(("http://", "https://")) and " " not in v
                                for v in values)


def print_notes(notes: Iterable[str]) -> None:
    """Footnotes under a table, each wrapped to the width of the output (continued lines indented)."""
    import textwrap

    width = max(console().width if _output_is_terminal() else plain_width(), 20)
    print_lines([line for note in notes for line in  # an indented line is a command to copy: kept whole
                 ([note] if note.startswith(" ") else
                  textwrap.wrap(note, width, subsequent_indent="  ", break_on_hyphens=False) or [""])])


def print_lines(lines: Iterable[str]) -> None:
    for line in lines:
        sys.stdout.write(clean(line) + "\n")

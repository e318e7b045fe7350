"""Pictures made of text: the timeline's bars across the years and the coverage grid."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date, timedelta
from typing import Sequence

from coopctl import i18n
from coopctl.core.text import clean
from coopctl.i18n import t
from coopctl.views.drawing import years
from coopctl.views.tables import console, print_lines


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


TERM, PENDING, LAPSE, UNKNOWN, AS_OF = "█", "░", "·", "?", "│"


def timeline_lines(rows: Sequence[dict], as_of: date, from_year: int | None, to_year: int | None,
                   width: int) -> list[str]:
    """Bars across the years: `█` a signed term, `░` a pending one, `·` a lapse, `?` a stretch with no term on
    record (unknown), `│` the as-of date."""
    day = date.fromisoformat
    first_year, last_year = years(rows, as_of, from_year, to_year)
    first, last = date(first_year, 1, 1), date(last_year, 12, 31)
    label_width = min(max([len(r["id"]) for r in rows] + [9]), 32)
    bar_width = min(max(width - label_width - 1, 10), (last - first).days + 1)  # a cell a day at most (COLUMNS=1e9)
    axis, per_cell = _years_axis(first, last, bar_width)
    lines = [" " * (label_width + 1) + axis]
    marker = int((as_of - first).days / per_cell) if first <= as_of <= last else None
    # the days each cell spans (the same for every row): a stretch covers the cells from the first whose last day
    # is on or after its start to the last whose first day is on or before its end
    los = [first + timedelta(days=int(i * per_cell)) for i in range(bar_width)]
    his = [first + timedelta(days=max(int((i + 1) * per_cell) - 1, int(i * per_cell))) for i in range(bar_width)]
    unknown_shown = False
    for r in rows:
        # what covers most of a cell's days wins between a signed term and a gap, so that a lapse of some months
        # shows beside a term ending in the same cell (the first of equal gaps); a pending term is drawn over a gap
        cells = [" "] * bar_width
        gap_days = [0] * bar_width
        term_days = [0] * bar_width
        for gap in r["gaps"]:
            char = LAPSE if gap["kind"] == "lapse" else UNKNOWN
            start, end = day(gap["first_day"]), day(gap["last_day"])
            for i in range(bisect_left(his, start), bisect_right(los, end)):
                days = _overlap(start, end, los[i], his[i])
                if days > gap_days[i]:
                    cells[i], gap_days[i] = char, days
        ended = day(r["terminated"]) - timedelta(days=1) if r["terminated"] else None
        for term in r["terms"]:
            start, end = day(term["first_day"]), day(term["last_day"]) if term["last_day"] else date.max
            if ended is not None and not term["pending"]:
                end = min(end, ended)
            for i in range(bisect_left(his, start), bisect_right(los, end)):
                days = _overlap(start, end, los[i], his[i])
                if not days:
                    continue  # a term that ends before it starts (terminated before its start) covers nothing
                if not term["pending"]:
                    term_days[i] = max(term_days[i], days)
                elif cells[i] in (" ", LAPSE, UNKNOWN):
                    cells[i] = PENDING
        for i, days in enumerate(term_days):
            if days and days >= gap_days[i]:
                cells[i] = TERM
        unknown_shown = unknown_shown or UNKNOWN in cells
        if marker is not None and 0 <= marker < bar_width:
            cells[marker] = AS_OF
        label = r["id"] if len(r["id"]) <= label_width else r["id"][: label_width - 1] + "…"
        lines.append(clean(label).ljust(label_width) + " " + "".join(cells))
    lines.append("")
    key = i18n.t("{term} signed term  {pending} pending  {lapse} lapse  {as_of} {date}", term=TERM, pending=PENDING,
                 lapse=LAPSE, as_of=AS_OF, date=i18n.shown_date(as_of.isoformat()))
    if unknown_shown:
        key += "  " + i18n.t("{unknown} no term on record (unknown)", unknown=UNKNOWN)
    lines.append(key)
    return lines


def _overlap(first: date, last: date, lo: date, hi: date) -> int:
    """How many days of `lo`..`hi` fall within `first`..`last`."""
    return max((min(last, hi) - max(first, lo)).days + 1, 0)


def print_timeline(rows: Sequence[dict], as_of: date, from_year: int | None, to_year: int | None) -> None:
    if not rows:
        print_lines([i18n.t("no agreements")])
        return
    print_lines(timeline_lines(rows, as_of, from_year, to_year, console().width))


COVERED, NOT_COVERED = "●", "·"


def coverage_lines(data: dict, width: int) -> list[str]:
    """A compact grid: sectors down, partners across (numbered, with a key), then the gaps."""
    from coopctl.views.words import kind as kind_name

    partners = data["matrix"]
    lines: list[str] = []
    if partners:
        from coopctl.views import words

        names = {s: words.sector(s) for s in data["sectors"]}  # the label in Indonesian, the id in English
        label_width = min(max(len(n) for n in names.values()), 40)
        per_block = max((width - label_width - 1) // 3, 1)
        for block_start in range(0, len(partners), per_block):
            block = partners[block_start:block_start + per_block]
            numbers = range(block_start + 1, block_start + len(block) + 1)
            lines.append(" " * (label_width + 1) + "".join(f"{n:<3}" for n in numbers).rstrip())
            for sector in data["sectors"]:
                cells = "".join(f"{COVERED if sector in p['sectors'] else NOT_COVERED:<3}" for p in block)
                name = names[sector] if len(names[sector]) <= label_width else names[sector][:label_width - 1] + "…"
                lines.append(f"{name:<{label_width}} {cells}".rstrip())
            lines.append("")
        for n, p in enumerate(partners, 1):
            lines.append(clean(f"{n:>3} {p['partner_id']} ({p['partner']}, {p['country'] or '-'})"))
    else:
        lines.append(t("No agreement in force."))
    lines.append("")
    none = t("none")
    if i18n.language() == "id":  # the labels, which hold commas themselves ("Ketenteraman, ketertiban umum, ...")
        uncovered = "; ".join(s["label_id"] for s in data["uncovered"]) or none
    else:
        uncovered = ", ".join(s["id"] for s in data["uncovered"]) or none
    lines += _wrapped(t("Sectors no agreement in force covers ({n}): {sectors}", n=len(data["uncovered"]), sectors=uncovered),
                      width)
    lines += _wrapped(t("Partners by country: {groups}",
                        groups="; ".join(f"{c} {', '.join(ids)}" for c, ids in data["by_country"].items())), width)
    lines += _wrapped(t("Partners by kind: {groups}",
                        groups="; ".join(f"{kind_name(k)} {', '.join(ids)}" for k, ids in data["by_kind"].items())), width)
    stalled = "; ".join(t("{id} (LoI {date}, {months} months)", id=s["id"], date=i18n.shown_date(s["loi_date"]),
                          months=s["months"]) for s in data["stalled"]) or none
    lines += _wrapped(t("Stalled (only an LoI, no step for over {months} months): {stalled}", months=data["stalled_months"],
                        stalled=stalled), width)
    lines += _wrapped(t("Prospects (nothing in force yet: no agreement, a proposal or an LoI): {ids}", ids=", ".join(p["id"] for p in data["prospects"]) or none),
                      width)
    return [clean(line) for line in lines]


def _wrapped(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width=max(width, 40), subsequent_indent="  ", break_on_hyphens=False)


def print_coverage(data: dict) -> None:
    print_lines(coverage_lines(data, console().width))

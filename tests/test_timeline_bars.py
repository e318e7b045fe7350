"""The timeline's bars (`pictures.timeline_lines`) go over only the cells each stretch covers: the same picture as
testing every cell against every stretch (what covers most of a cell's days wins between a signed term and a gap;
a pending term goes over a gap), the way they were drawn before (kept here as the oracle)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from coopctl.views import pictures
from coopctl.views.pictures import AS_OF, LAPSE, PENDING, TERM, UNKNOWN


def cell_by_cell(rows, as_of, from_year, to_year, width):
    """Each cell of each row tested against every gap and term: slow (cells x stretches, dates parsed each time),
    plainly right."""
    day = date.fromisoformat
    starts = [day(t["first_day"]) for r in rows for t in r["terms"]]
    ends = [day(t["last_day"]) for r in rows for t in r["terms"] if t["last_day"]]
    first_year = from_year or (min(starts).year if starts else as_of.year)
    last_year = max(to_year or max([as_of.year] + [d.year for d in ends]), first_year)
    first, last = date(first_year, 1, 1), date(last_year, 12, 31)
    label_width = min(max([len(r["id"]) for r in rows] + [9]), 32)
    bar_width = min(max(width - label_width - 1, 10), (last - first).days + 1)
    axis, per_cell = pictures._years_axis(first, last, bar_width)
    marker = int((as_of - first).days / per_cell) if first <= as_of <= last else None
    bars, unknown_shown = [], False
    for r in rows:
        cells = []
        for i in range(bar_width):
            lo = first + timedelta(days=int(i * per_cell))
            hi = first + timedelta(days=max(int((i + 1) * per_cell) - 1, int(i * per_cell)))
            char, gap_days, term_days = " ", 0, 0
            for gap in r["gaps"]:
                days = pictures._overlap(day(gap["first_day"]), day(gap["last_day"]), lo, hi)
                if days > gap_days:
                    char, gap_days = (LAPSE if gap["kind"] == "lapse" else UNKNOWN), days
            for term in r["terms"]:
                t_end = day(term["last_day"]) if term["last_day"] else date.max
                if r["terminated"] and not term["pending"]:
                    t_end = min(t_end, day(r["terminated"]) - timedelta(days=1))
                days = pictures._overlap(day(term["first_day"]), t_end, lo, hi)
                if days and not term["pending"]:
                    term_days = max(term_days, days)
                elif days and char in (" ", LAPSE, UNKNOWN):
                    char = PENDING
            if term_days and term_days >= gap_days:
                char = TERM
            unknown_shown = unknown_shown or char == UNKNOWN
            cells.append(char)
        if marker is not None and 0 <= marker < bar_width:
            cells[marker] = AS_OF
        bars.append("".join(cells))
    return bars, unknown_shown


days = st.dates(date(1990, 1, 1), date(2040, 12, 31))


@st.composite
def stretch(draw, **extra):
    start = draw(days)
    end = start + timedelta(days=draw(st.integers(0, 4000)))
    return {"first_day": start.isoformat(), "last_day": end.isoformat(), **{k: draw(v) for k, v in extra.items()}}


@st.composite
def a_row(draw):
    terms = draw(st.lists(stretch(pending=st.booleans()), max_size=4))
    for term in terms:
        if draw(st.booleans()) and draw(st.booleans()):
            term["last_day"] = None  # open-ended
    gaps = draw(st.lists(stretch(kind=st.sampled_from(["lapse", "unknown"])), max_size=3))
    terminated = draw(st.none() | days)
    return {"id": draw(st.text("abc-", min_size=1, max_size=40)), "terms": terms, "gaps": gaps,
            "terminated": terminated.isoformat() if terminated else None}


@settings(max_examples=300, deadline=None)
@given(st.lists(a_row(), min_size=1, max_size=5), days, st.integers(20, 200),
       st.none() | st.integers(1985, 2030), st.none() | st.integers(2031, 2045))
def test_bars_are_the_cells_each_stretch_covers(rows, as_of, width, from_year, to_year):
    lines = pictures.timeline_lines(rows, as_of, from_year, to_year, width)
    bars, unknown_shown = cell_by_cell(rows, as_of, from_year, to_year, width)
    assert [line[-len(bar):] for line, bar in zip(lines[1:], bars)] == bars
    assert len(lines) == len(rows) + 3
    assert (pictures.UNKNOWN in lines[-1]) == unknown_shown

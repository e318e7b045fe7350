"""The timeline as a drawing (SVG): the same bars as the terminal's (`pictures.timeline_lines`), laid out in
points for the page and a printer. Geometry here; the markup comes from a Jinja2 template that escapes every
value (`views.html`)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Sequence

from coopctl import i18n
from coopctl.i18n import t

LABEL_WIDTH, BAR_LEFT, BAR_RIGHT = 250, 262, 1070
ROW, BAR, TOP = 22, 12, 34


def years(rows: Sequence[dict], as_of: date, from_year: int | None, to_year: int | None) -> tuple[int, int]:
    """The years the timeline spans, in the terminal (`pictures.timeline_lines`) and in the drawing: the first
    term's start to the later of the as-of date and the last end, and never a last year before the first (a
    store whose terms all start after the as-of year)."""
    day = date.fromisoformat
    starts = [day(term["first_day"]) for r in rows for term in r["terms"]]
    ends = [day(term["last_day"]) for r in rows for term in r["terms"] if term["last_day"]]
    first_year = from_year or (min(starts).year if starts else as_of.year)
    last_year = to_year or max([as_of.year] + [d.year for d in ends])
    return first_year, max(last_year, first_year)


def timeline_drawing(rows: Sequence[dict], as_of: date, from_year: int | None = None,
                     to_year: int | None = None) -> dict:
    """What the SVG template draws: its size, the year ticks, one bar per agreement (its segments:
    term, assumed, pending, intent, lapse, unknown) and today's line."""
    day = date.fromisoformat
    first_year, last_year = years(rows, as_of, from_year, to_year)
    first, last = date(first_year, 1, 1), date(last_year, 12, 31)
    span = (last - first).days + 1
    scale = (BAR_RIGHT - BAR_LEFT) / span

    def x(d: date) -> float:
        return round(BAR_LEFT + (min(max(d, first), last + timedelta(days=1)) - first).days * scale, 1)

    count = last_year - first_year + 1
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100) if (BAR_RIGHT - BAR_LEFT) / count * s >= 34)
    ticks = [{"x": x(date(y, 1, 1)), "label": str(y)} for y in range(first_year, last_year + 1)
             if (y - first_year) % step == 0]
    bars = []
    for n, r in enumerate(rows):
        y = TOP + n * ROW
        segments = []

        def add(kind: str, lo: date, hi: date, title: str) -> None:
            if hi < first or lo > last or hi < lo:
                return
            left, right = x(lo), x(hi + timedelta(days=1))
            segments.append({"kind": kind, "x": left, "width": max(round(right - left, 1), 1.5), "title": title})

        for gap in r["gaps"]:
            kind = "lapse" if gap["kind"] == "lapse" else "unknown"
            label = t("lapse") if kind == "lapse" else t("no term on record (unknown)")
            add(kind, day(gap["first_day"]), day(gap["last_day"]), f"{label}: {gap['start']} – {gap['end']}")
        for term in r["terms"]:
            end = day(term["last_day"]) if term["last_day"] else last
            if r["terminated"] and not term["pending"]:
                end = min(end, day(r["terminated"]) - timedelta(days=1))
            shown = "~" if term["assumed"] else ""
            period = f"{term['start']} – {term['end'] or t('open-ended')}{shown}"
            if term["pending"]:
                kind, label = "pending", t("pending term")
            elif r["state"] == "intent":
                kind, label = "intent", t("letter of intent (intent only)")
            elif term["assumed"]:
                kind, label = "assumed", t("term (dates assumed)")
            else:
                kind, label = "term", t("term")
            add(kind, day(term["first_day"]), end, f"{label}: {period}")
        label = r["id"] if len(r["id"]) <= 40 else r["id"][:39] + "…"
        bars.append({"y": y, "label": label, "partner": r["partner"], "id": r["id"], "segments": segments,
                     "state": r["state"], "owner": r.get("owner")})
    bottom = TOP + len(rows) * ROW
    today = x(as_of) if first <= as_of <= last else None
    kinds = {s["kind"] for b in bars for s in b["segments"]}
    shown = [(kind, text) for kind, text in (
        ("term", t("term in force or past")), ("assumed", t("term with assumed dates (~)")),
        ("pending", t("pending term (not signed yet)")), ("intent", t("letter of intent")),
        ("lapse", t("lapse")), ("unknown", t("no term on record (unknown)"))) if kind in kinds or kind == "term"]
    legend = [{"kind": kind, "text": text, "x": 4 + (n % 3) * 350, "y": bottom + 30 + (n // 3) * 16}
              for n, (kind, text) in enumerate(shown)]
    height = bottom + 30 + ((len(legend) + 2) // 3) * 16
    return {"width": BAR_RIGHT + 20, "height": height, "label_width": LABEL_WIDTH, "left": BAR_LEFT,
            "right": BAR_RIGHT, "top": TOP, "row": ROW, "bar": BAR, "ticks": ticks, "bars": bars,
            "bottom": bottom, "today": today,
            "today_label": t("as of {date}", date=i18n.shown_date(as_of.isoformat())),
            "legend": legend, "title": t("Timeline of agreements, {first}–{last}", first=first_year, last=last_year)}

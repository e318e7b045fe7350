"""The periodic report (pelaporan): what happened in a period, grouped by legal category as the ministry asks.

`period(...)` reads `--period 2025`, `2025-S1`, `2025-Q3`, `2025-05` or `--from`/`--to`; `periodic_report` lists,
for that period, the agreements in force during it (by the rules at its dates: `core.rules.status` on the first
day each signed term could have been in force in it), those new, renewed, lapsed and terminated in it, its
activities, the steps recorded done in it, and the evaluations due (the `evaluation` step of the plans at its end,
`core.playbook` through `app.queries.Snapshot`) and done (evaluation activities and step records).

A partial date is in the period if any of its days is. A record dated in the period (an activity, a step
recorded done, a document filed) is listed whatever the as-of date: the report is of the period. The states
(in force, lapsed, the agreements' states, the evaluations due by the plans) are those at the earlier of the
period's end and the as-of date (`reported_to`), so the past stays true: a term signed after that day was not
in force, and no lapse is foreseen; the heading says so when the period runs past the as-of date.
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from coopctl.app.queries import Snapshot, activity_row
from coopctl.core import rules
from coopctl.core.dates import DateError, PartialDate, parse_input
from coopctl.core.errors import UsageError
from coopctl.core.records import CATEGORIES, Agreement, Partner, category_of
from coopctl.i18n import t

SECTIONS = ("in_force", "new", "renewed", "lapsed", "terminated", "activities", "milestones", "evaluations_due",
            "evaluations_done", "documents")
# what `--public` leaves out, as `report --public` does: the steps of the plans, the activities, the files
INTERNAL = ("activities", "milestones", "evaluations_due", "evaluations_done", "documents")
_PERIOD = re.compile(r"^(\d{4})(?:-([SsQq])(\d))?$")


class Period(NamedTuple):
    first: date
    last: date
    label: str


def period(text: str | None, start: str | None, end: str | None, as_of: date) -> Period:
    """The period asked for: `--period` (a year, `YYYY-S1`/`S2`, `YYYY-Q1`..`Q4`, a month `YYYY-MM`) or
    `--from` (its first day) and `--to` (its last day; default the as-of date)."""
    if text is not None:
        if start is not None or end is not None:
            raise UsageError(t("--period cannot be combined with --from or --to"))
        return _named(text.strip())
    if start is None:
        raise UsageError(t("--to needs --from (or use --period)"))
    first = _day(start, "from", as_of).first
    last = _day(end, "to", as_of).last if end is not None else as_of
    if last < first:
        raise UsageError(t("the period ends ({last}) before it starts ({first})", first=first, last=last),
                         field="to")
    return Period(first, last, f"{first.isoformat()}..{last.isoformat()}")


def _day(text: str, field: str, as_of: date | None = None) -> PartialDate:
    """A date typed for the period: any date form, or relative to the as-of date (`-6m`, `today`)."""
    try:
        return parse_input(text, as_of)
    except DateError as e:
        raise UsageError(str(e), field=field) from None


def _named(text: str) -> Period:
    match = _PERIOD.match(text)
    if match is None:
        if re.match(r"^\d{4}-\d{2}$", text):
            month = _day(text, "period")
            return Period(month.first, month.last, text)
        raise UsageError(t("'{text}' is not a period (use YYYY, YYYY-S1, YYYY-S2, YYYY-Q1 to YYYY-Q4 or YYYY-MM)",
                           text=text), field="period")
    year, kind, number = int(match[1]), (match[2] or "").upper(), int(match[3] or 0)
    parts = {"": 1, "S": 2, "Q": 4}[kind]
    if kind and not 1 <= number <= parts:
        raise UsageError(t("'{text}' is not a period (use YYYY, YYYY-S1, YYYY-S2, YYYY-Q1 to YYYY-Q4 or YYYY-MM)",
                           text=text), field="period")
    months = 12 // parts
    first_month = (number - 1) * months + 1 if kind else 1
    try:
        first = PartialDate(year, first_month).first
        last = PartialDate(year, first_month + months - 1).last
    except ValueError:
        raise UsageError(t("'{text}' is not a period (use YYYY, YYYY-S1, YYYY-S2, YYYY-Q1 to YYYY-Q4 or YYYY-MM)",
                           text=text), field="period") from None
    return Period(first, last, f"{year}-{kind}{number}" if kind else str(year))


def touches(value: PartialDate | None, first: date, last: date) -> bool:
    """Whether any day of `value` falls in `first`..`last`."""
    return value is not None and value.first <= last and value.last >= first


def in_force_during(agreement: Agreement, partner: Partner, settings, line: rules.Timeline, first: date,
                    last: date) -> int | None:
    """The index of the first signed term in force on some day of `first`..`last` by the rules at that day
    (a term signed after a day was not in force on it; a terminated agreement or an LoI's intent is not in
    force), else None."""
    for i, (term, start, end) in enumerate(zip(line.signed, line.starts, line.ends)):
        day = max(first, start, term.signed.first if term.signed is not None else start)
        if day > last or (end is not None and day > end):
            continue
        s = rules.status(agreement, partner.kind, settings, day, line=line)
        if s.state in rules.IN_FORCE and s.index is not None and line.starts[s.index] <= day \
                and (s.end_day is None or day <= s.end_day):
            return s.index
    return None


def _known(term, last: date) -> bool:
    """Whether a signed term had been signed by `last` (one whose signing is unknown counts)."""
    return term.signed is None or term.signed.first <= last


def _ref(partner: Partner, agreement: Agreement, **more) -> dict:
    return {"id": agreement.id, "partner": partner.name, "partner_id": partner.id, "country": partner.country,
            "category": category_of(partner.kind, agreement.category), "type": agreement.type,
            "title": agreement.title, **more}


def _text(value) -> str | None:
    return value.text if value is not None else None


def _assumed(term) -> list[str]:
    """Which of a term's dates no source gives (shown marked, `~2022-09`)."""
    return [key for key in ("start", "end", "signed") if key in term.assumed]


def periodic_report(snapshot: Snapshot, asked: Period, public: bool = False) -> dict:
    """The periodic report of `snapshot`'s store for `asked` (see the module docstring). `snapshot`: the facts
    at the period's last reported day (`reported_to`, the earlier of its end and the as-of date). `public`:
    without the internal steps (step records and evaluations due)."""
    store, first, last = snapshot.store, asked.first, snapshot.as_of
    end = asked.last  # records dated in the period are listed whatever the as-of date (see the module docstring)
    settings = store.settings
    lists: dict[str, list[dict]] = {name: [] for name in SECTIONS}
    for f in snapshot.facts:
        partner, agreement, line = f.partner, f.agreement, f.line
        category = category_of(partner.kind, agreement.category)
        index = in_force_during(agreement, partner, settings, line, first, last)
        if index is not None:
            term = line.signed[index]
            lists["in_force"].append(_ref(partner, agreement, start=term.start.text,
                                          end=_text(term.end) or (line.ends[index] and line.ends[index].isoformat()),
                                          state=f.status.state, assumed=_assumed(term)))
        known = [(term, end) for term, end in zip(line.signed, line.ends) if _known(term, last)]
        if known:
            term = known[0][0]
            if touches(term.start, first, last) or touches(term.signed, first, last):
                lists["new"].append(_ref(partner, agreement, start=term.start.text, signed=_text(term.signed),
                                         assumed=_assumed(term)))
            for term, _ in known[1:]:
                if touches(term.start, first, last) or touches(term.signed, first, last):
                    lists["renewed"].append(_ref(partner, agreement, start=term.start.text, end=_text(term.end),
                                                 signed=_text(term.signed), assumed=_assumed(term)))
            ended = known[-1][1]
            terminated = agreement.terminated is not None and agreement.terminated.first <= last
            if ended is not None and first <= ended <= last and not terminated:
                last_term = known[-1][0]  # `end` its last day; `ended` as the store writes it (a month stays a month)
                lists["lapsed"].append(_ref(partner, agreement, end=ended.isoformat(), state=f.status.state,
                                            ended=_text(last_term.end) or ended.isoformat(),
                                            assumed=_assumed(last_term)))
        if touches(agreement.terminated, first, last) and agreement.terminated.first <= last:
            lists["terminated"].append(_ref(partner, agreement, date=agreement.terminated.text,
                                            reason=None if public else agreement.termination_reason))
        for act in agreement.activities:
            if touches(act.date, first, end):
                row = activity_row(partner, agreement, act) | {"category": category}
                lists["activities"].append(row)
                if act.type == "evaluation":
                    lists["evaluations_done"].append(_ref(partner, agreement, date=act.date.text, source="activity",
                                                          summary=act.summary))
        for d in agreement.documents:
            if touches(d.date, first, end):
                lists["documents"].append(_ref(partner, agreement, date=d.date.text, kind=d.kind, number=d.number,
                                               name=d.name, document_title=d.title, sha256=d.sha256))
        for record in _done(agreement, first, end):
            lists["milestones"].append(_ref(partner, agreement, step=record.id, date=record.date.text,
                                            not_needed=record.not_needed, term_end=_text(record.term_end)))
            if record.id == "evaluation":
                lists["evaluations_done"].append(_ref(partner, agreement, date=record.date.text, source="step",
                                                      summary=None))
        for m in f.plan.milestones:
            if m.name == "evaluation" and first <= m.due <= last:
                lists["evaluations_due"].append(_ref(partner, agreement, due=m.due.isoformat(), status=m.status,
                                                     done=_text(m.done)))
    if public:
        lists = {name: rows for name, rows in lists.items() if name not in INTERNAL}
    order = {"activities": "date", "milestones": "date", "evaluations_done": "date", "evaluations_due": "due",
             "documents": "date",
             "terminated": "date", "lapsed": "end", "new": "start", "renewed": "start"}
    for name, rows in lists.items():
        key = order.get(name)
        rows.sort(key=lambda r: (CATEGORIES.index(r["category"]), r.get(key) or "" if key else "",
                                 r["partner"].casefold(), r.get("agreement") or r["id"]))
    return {
        "owner": settings.owner,
        "period": asked.label,
        "from": first.isoformat(),
        "to": asked.last.isoformat(),
        "reported_to": last.isoformat(),
        "public": public,
        "by_category": {category: {name: sum(r["category"] == category for r in rows) for name, rows in lists.items()}
                        for category in CATEGORIES},
        **lists,
    }


def _done(agreement: Agreement, first: date, last: date) -> list:
    """The step records dated in `first`..`last` that count: not undone, and not undone again by `last`."""
    kept = []
    records = agreement.milestones
    for i, record in enumerate(records):
        if record.undone or not touches(record.date, first, last):
            continue
        if any(later.id == record.id and later.term_end == record.term_end and later.undone
               and later.date.first <= last for later in records[i + 1:]):
            continue
        kept.append(record)
    return kept


def reported_to(asked: Period, as_of: date) -> date:
    """The period's last day that is reported: its end, or the as-of date when that is earlier."""
    if asked.first > as_of:
        raise UsageError(t("the period starts after the as-of date ({as_of}): nothing had happened in it yet",
                           as_of=as_of.isoformat()), field="period")
    return min(asked.last, as_of)

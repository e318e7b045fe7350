"""The article's three strategies as rules: activation, extensification, expansion.

Pure functions of the store and an as-of date:
- dormancy: an agreement in force with no activity in the last N months;
- sectors at a date: which sectors an agreement covers, and since when;
- coverage: which partner covers which sector, which sectors nobody covers;
- stalled LoIs and prospects: partners with only a letter of intent, or nothing yet;
- gaps: the lapses between an agreement's terms.
"""

from typing import NamedTuple
from datetime import date, timedelta

from coopctl.core.dates import add_months
from coopctl.core.records import Activity, Agreement, Partner, Store
from coopctl.core.rules import IN_FORCE, Timeline, term_end_day, timeline


def activity_day(activity: Activity, as_of: date) -> date | None:
    """The latest day an activity may have taken place, or None if it is after `as_of`.

    A partial date counts up to its last day (an activity in "2017-09" is no
    older than 2017-09-30), but never beyond the as-of date.
    """
    if activity.date.first > as_of:
        return None
    return min(activity.date.last, as_of)


def last_activity(agreement: Agreement, as_of: date) -> date | None:
    last = None
    for activity in agreement.activities:
        if activity.date.first <= as_of:
            day = activity.date.last
            if last is None or day > last:
                last = day
    return min(last, as_of) if last is not None else None


def months_between(earlier: date, later: date) -> int:
    """Whole calendar months from `earlier` to `later`."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if later.day < earlier.day and add_months(earlier, months) > later:
        months -= 1
    return max(months, 0)


class Dormancy(NamedTuple):
    dormant: bool
    last_activity: date | None
    months_silent: int | None  # None when there never was an activity


def dormancy(agreement: Agreement, state: str, as_of: date, months: int, line: Timeline | None = None,
             recent_from: date | None = None) -> Dormancy:
    """Dormant: in force (`active`, `due`, `renewing` after a signed term) and no activity on or after `as_of - months`.

    An activity exactly `months` before the as-of date still counts; one day
    earlier does not. `line`: the agreement's timeline, and `recent_from`:
    `as_of - months`, when the caller has them.
    """
    last = last_activity(agreement, as_of)
    silent = months_between(last, as_of) if last is not None else None
    recent = last is not None and last >= (recent_from or add_months(as_of, -months))
    starts = (line or timeline(agreement)).starts
    started = bool(starts) and starts[0] <= as_of  # not a first term still pending
    return Dormancy(state in IN_FORCE and started and not recent, last, silent)


def sector_entries_at(agreement: Agreement, day: date) -> list:
    """The sector entries an agreement covers on `day` (added on or before it, not yet removed)."""
    return [
        s for s in agreement.sectors
        if (s.since is None or s.since.first <= day) and (s.until is None or s.until.last >= day)
    ]


def loi_day(agreement: Agreement) -> date | None:
    """When a letter of intent was signed: its `signed` date, else its first term's start."""
    terms = agreement.signed_terms() or agreement.terms
    if not terms:
        return None
    first = terms[0]
    return (first.signed or first.start).first


def stalled_since(partner: Partner, as_of: date, months: int) -> date | None:
    """The date of the newest LoI of a partner whose only (unterminated) agreements are LoIs,
    when that LoI is older than `months` at `as_of`; else None."""
    current = [a for a in partner.agreements
               if a.terminated is None or a.terminated.first > as_of]
    if not current or any(a.type != "loi" for a in current):
        return None
    days = [d for d in (loi_day(a) for a in current) if d is not None and d <= as_of]
    if not days:
        return None
    newest = max(days)
    return newest if newest < add_months(as_of, -months) else None


def is_prospect(partner: Partner) -> bool:
    return not partner.agreements


class Gap(NamedTuple):
    start: date
    end: date  # inclusive; for a lapse still open at the as-of date, the as-of date


def gaps(agreement: Agreement, as_of: date | None = None) -> list[Gap]:
    """The stretches between signed terms when nothing was in force (a lapse).

    With `as_of`, a lapse that is still open (the last term ended and nothing
    followed) runs to the as-of date.
    """
    terms = agreement.signed_terms()
    out: list[Gap] = []
    covered_to: date | None = None
    for i, term in enumerate(terms):
        start = term.start.first
        if covered_to is not None and start > covered_to + timedelta(days=1):
            out.append(Gap(covered_to + timedelta(days=1), start - timedelta(days=1)))
        end = term_end_day(terms, i)
        if end is None:
            return out
        covered_to = end if covered_to is None else max(covered_to, end)
    if as_of is not None and covered_to is not None and covered_to < as_of:
        if agreement.terminated is None or agreement.terminated.first > covered_to:
            out.append(Gap(covered_to + timedelta(days=1), as_of))
    return out


def coverage(store: Store, states: dict[str, str], as_of: date) -> dict[str, dict[str, list[str]]]:
    """partner id -> sector id -> the agreements in force covering it on `as_of`."""
    matrix: dict[str, dict[str, list[str]]] = {}
    for partner in store.partners.values():
        for agreement in partner.agreements:
            if states[agreement.id] not in IN_FORCE:
                continue
            for entry in sector_entries_at(agreement, as_of):
                matrix.setdefault(partner.id, {}).setdefault(entry.id, []).append(agreement.id)
    return matrix

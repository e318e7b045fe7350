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

from coopctl.core.dates import PartialDate, add_months, following, preceding
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
    return latest_activity(agreement, as_of)[0]


def latest_activity(agreement: Agreement, as_of: date) -> tuple[date | None, PartialDate | None]:
    """The latest day the last activity by `as_of` may have taken place (never after `as_of`), and that activity's
    date as recorded (`2017-09`: shown as a month, never as a made-up day)."""
    last = None
    recorded = None
    for activity in agreement.activities:
        if activity.date.first <= as_of:
            day = activity.date.last
            if last is None or day > last:
                last, recorded = day, activity.date
    return (min(last, as_of), recorded) if last is not None else (None, None)


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
    last_date: PartialDate | None = None  # the last activity's date as recorded


def dormancy(agreement: Agreement, state: str, as_of: date, months: int, line: Timeline | None = None,
             recent_from: date | None = None) -> Dormancy:
    """Dormant: in force (`active`, `due`, `renewing` after a signed term) and no activity on or after `as_of - months`.

    An activity exactly `months` before the as-of date still counts; one day
    earlier does not. `line`: the agreement's timeline, and `recent_from`:
    `as_of - months`, when the caller has them.
    """
    last, recorded = latest_activity(agreement, as_of)
    silent = months_between(last, as_of) if last is not None else None
    recent = last is not None and last >= (recent_from or add_months(as_of, -months))
    starts = (line or timeline(agreement)).starts
    started = bool(starts) and starts[0] <= as_of  # not a first term still pending
    return tuple.__new__(Dormancy, (state in IN_FORCE and started and not recent, last, silent, recorded))  # as made


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


def stalled_since(partner: Partner, as_of: date, months: int, later: frozenset[str] = frozenset()) -> date | None:
    """For a partner whose only (unterminated) agreements are LoIs: the day of its last step towards an agreement
    (the newest LoI, or a later step of the way to a first agreement recorded as done by `as_of`), when that is
    more than `months` before `as_of`; else None. `later`: the ids of agreements nothing of which had happened by
    `as_of` (an MoU proposed after it): they did not exist yet, so they do not count (the past stays true)."""
    current = [a for a in partner.agreements
               if (a.terminated is None or a.terminated.first > as_of) and a.id not in later]
    if not current or any(a.type != "loi" for a in current):
        return None
    days = [d for d in (loi_day(a) for a in current) if d is not None and d <= as_of]
    if not days:
        return None
    steps = [m.date.last for a in current for m in a.milestones
             if m.term_end is None and not m.undone and m.date.first <= as_of]
    newest = min(max(days + steps), as_of)
    return newest if newest < add_months(as_of, -months) else None


def is_prospect(partner: Partner) -> bool:
    return not partner.agreements


class Gap(NamedTuple):
    start: date
    end: date  # inclusive; for a lapse still open at the as-of date, the as-of date
    kind: str  # "lapse": the store says nothing was in force; "unknown": no term on record, nothing more known
    start_text: str = ""  # the first day, month or year of the gap, at the precision the store gives
    end_text: str = ""


LAPSE, UNKNOWN = "lapse", "unknown"


def gaps(agreement: Agreement, as_of: date | None = None) -> list[Gap]:
    """The stretches between signed terms when no term is on record.

    Between two terms, a gap is a lapse only when the later term says so (`lapse_before`: the store knows
    nothing was in force); otherwise it is unknown (a term may simply be missing from the record, as a
    reaffirmation inside the gap suggests). With `as_of`, the stretch after the last term's end (nothing
    followed) is a lapse that runs to the as-of date: the agreement is lapsed then. Bounds are written at the
    precision of the dates they come from: after an end of `2022-09`, the gap starts `2022-10`.
    """
    terms = agreement.signed_terms()
    if as_of is not None:  # the past stays true: a term signed after `as_of` was not signed yet (still in process)
        terms = [term for term in terms if term.signed is None or term.signed.first <= as_of]
    out: list[Gap] = []
    covered_to: date | None = None
    last_end: PartialDate | None = None
    for i, term in enumerate(terms):
        start = term.start.first
        if covered_to is not None and start > covered_to + timedelta(days=1):
            first = following(last_end) if last_end is not None else PartialDate.from_date(covered_to + _DAY)
            out.append(Gap(covered_to + _DAY, start - _DAY, LAPSE if term.lapse_before else UNKNOWN,
                           first.text, preceding(term.start).text))
        end = term_end_day(terms, i)
        if end is None:
            return out
        if covered_to is None or end > covered_to:
            covered_to, last_end = end, term.end
    if as_of is not None and covered_to is not None and covered_to < as_of:
        if agreement.terminated is None or agreement.terminated.first > covered_to:
            first = following(last_end) if last_end is not None else PartialDate.from_date(covered_to + _DAY)
            out.append(Gap(covered_to + _DAY, as_of, LAPSE, first.text, as_of.isoformat()))
    return out


_DAY = timedelta(days=1)


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

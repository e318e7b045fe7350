"""Renewal states at an as-of date: pure functions of an agreement, its settings and a day.

The first matching row of PRODUCT.md's table wins: terminated, renewing,
upcoming, lapsed, due, active. The notice window opens on `end - notice`
(calendar arithmetic) and the agreement is due from that day through the end
day inclusive, lapsed from the day after.

An agreement's `Timeline` (its signed terms in order, with the day each runs
to) does not depend on the date asked about; `status` reads it at one date.
"""

from datetime import date, timedelta
from typing import NamedTuple

from coopctl.core.dates import Duration
from coopctl.core.records import Agreement, Settings, Term

ATTENTION_STATES = ("due", "renewing", "lapsed")
IN_FORCE = ("active", "due", "renewing")
_DAY = timedelta(days=1)


class Timeline(NamedTuple):
    """An agreement's signed terms by start, the first and last day of each, and its pending term."""

    signed: tuple[Term, ...]
    starts: tuple[date, ...]
    ends: tuple[date | None, ...]  # None: open-ended (only the last term can be)
    pending: Term | None


def timeline(agreement: Agreement) -> Timeline:
    """A term without an end runs until the day before the next term starts; the last one without an
    end is open-ended."""
    terms = agreement.terms
    if len(terms) == 1:  # most agreements: one term
        term = terms[0]
        if term.pending:
            return Timeline((), (), (), term)
        return Timeline(terms, (term.start.first,), (term.end.last if term.end is not None else None,), None)
    signed = [term for term in terms if not term.pending]
    starts = [term.start.first for term in signed]
    if any(later < earlier for earlier, later in zip(starts, starts[1:])):  # most are recorded in order
        signed.sort(key=lambda term: term.start.first)
        starts = [term.start.first for term in signed]
    ends = []
    for i, term in enumerate(signed):
        if term.end is not None:
            ends.append(term.end.last)
        elif i + 1 < len(signed):
            ends.append(starts[i + 1] - _DAY)
        else:
            ends.append(None)
    return Timeline(tuple(signed), tuple(starts), tuple(ends), agreement.pending_term())


def term_end_day(terms: list[Term], index: int) -> date | None:
    """The last day of signed term `index` (terms sorted by start); see `timeline`."""
    term = terms[index]
    if term.end is not None:
        return term.end.last
    if index + 1 < len(terms):
        return terms[index + 1].start.first - _DAY
    return None


class Status(NamedTuple):
    state: str
    index: int | None  # the term in force, else the latest signed term: its place in the timeline
    term: Term | None
    end_day: date | None  # last day of `term`; None when open-ended
    days_left: int | None
    notice: Duration
    window_opens: date | None  # for the last signed term's end
    pending: Term | None
    last_end: date | None = None  # the last signed term's last day: the end a renewal must beat


def notice_for(agreement: Agreement, partner_kind: str, settings: Settings) -> Duration:
    return agreement.notice or settings.notice_for(partner_kind)


def status(
    agreement: Agreement,
    partner_kind: str,
    settings: Settings,
    as_of: date,
    notice: Duration | None = None,
    line: Timeline | None = None,
    opens=None,
) -> Status:
    """The renewal state of `agreement` on `as_of`. `notice` overrides the window (renew --within);
    `line`: the agreement's timeline, when the caller has it already; `opens(notice, end)`: when a window
    opens, when the caller remembers it for many agreements (else `notice.before(end)`)."""
    notice = notice or agreement.notice or settings.notice_for(partner_kind)
    line = line or timeline(agreement)
    starts, ends = line.starts, line.ends
    count = len(starts)

    in_force = None
    for i in range(count - 1, -1, -1):
        end = ends[i]
        if starts[i] <= as_of and (end is None or as_of <= end):
            in_force = i
            break
    ref = in_force if in_force is not None else (count - 1 if count else None)
    end_day = ends[ref] if ref is not None else None
    last_end = ends[-1] if count else None
    window_opens = None if last_end is None else opens(notice, last_end) if opens else notice.before(last_end)

    if agreement.terminated is not None and agreement.terminated.first <= as_of:
        state = "terminated"
    elif line.pending is not None:
        state = "renewing"
    elif in_force is None and count and starts[-1] > as_of:
        state = "upcoming"
    elif in_force is None and last_end is not None and last_end < as_of:
        state = "lapsed"
    elif in_force is None:
        state = "upcoming"  # no signed term at all; the store check reports it
    elif window_opens is not None and window_opens <= as_of:
        state = "due"
    else:
        state = "active"

    return Status(
        state=state,
        index=ref,
        term=line.signed[ref] if ref is not None else None,
        end_day=end_day,
        days_left=(end_day - as_of).days if end_day is not None else None,
        notice=notice,
        window_opens=window_opens,
        pending=line.pending,
        last_end=last_end,
    )

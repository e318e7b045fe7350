"""Renewal states at an as-of date: pure functions of an agreement, its settings and a day.

The first matching row of PRODUCT.md's table wins: terminated, renewing,
upcoming, lapsed, due, active. The notice window opens on `end - notice`
(calendar arithmetic) and the agreement is due from that day through the end
day inclusive, lapsed from the day after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from coopctl.core.dates import Duration
from coopctl.core.records import Agreement, Settings, Term

ATTENTION_STATES = ("due", "renewing", "lapsed")


@dataclass(frozen=True)
class Status:
    state: str
    term: Term | None  # the term in force, else the latest signed term
    start_day: date | None
    end_day: date | None  # last day of `term`; None when open-ended
    days_left: int | None
    notice: Duration
    window_opens: date | None  # for the last signed term's end
    pending: Term | None
    last_end: date | None = None  # the last signed term's last day: the end a renewal must beat


def term_end_day(terms: list[Term], index: int) -> date | None:
    """The last day of signed term `index` (terms sorted by start).

    A term without an end runs until the day before the next term starts;
    the last one without an end is open-ended (None).
    """
    term = terms[index]
    if term.end is not None:
        return term.end.last_day()
    if index + 1 < len(terms):
        return terms[index + 1].start.first_day() - timedelta(days=1)
    return None


def notice_for(agreement: Agreement, partner_kind: str, settings: Settings) -> Duration:
    return agreement.notice or settings.notice_for(partner_kind)


def status(
    agreement: Agreement,
    partner_kind: str,
    settings: Settings,
    as_of: date,
    notice: Duration | None = None,
) -> Status:
    """The renewal state of `agreement` on `as_of`. `notice` overrides the window (renew --within)."""
    notice = notice or notice_for(agreement, partner_kind, settings)
    signed = agreement.signed_terms()
    ends = [term_end_day(signed, i) for i in range(len(signed))]

    in_force = None
    for i in range(len(signed) - 1, -1, -1):
        if signed[i].start.first_day() <= as_of and (ends[i] is None or as_of <= ends[i]):
            in_force = i
            break
    ref = in_force if in_force is not None else (len(signed) - 1 if signed else None)
    term = signed[ref] if ref is not None else None
    end_day = ends[ref] if ref is not None else None
    last_end = ends[-1] if signed else None
    window_opens = notice.before(last_end) if last_end is not None else None
    pending = agreement.pending_term()

    if agreement.terminated is not None and agreement.terminated.first_day() <= as_of:
        state = "terminated"
    elif pending is not None:
        state = "renewing"
    elif in_force is None and any(t.start.first_day() > as_of for t in signed):
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
        term=term,
        start_day=term.start.first_day() if term else None,
        end_day=end_day,
        days_left=(end_day - as_of).days if end_day is not None else None,
        notice=notice,
        window_opens=window_opens,
        pending=pending,
        last_end=last_end,
    )


def attention_key(state: str, days_left: int | None, agreement_id: str) -> tuple:
    """Most urgent first: lapsed, then by days left (fewest first), open-ended last."""
    return (0 if state == "lapsed" else 1, days_left if days_left is not None else 10**9, agreement_id)

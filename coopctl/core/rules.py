"""Renewal states at an as-of date: pure functions of an agreement, its settings and a day.

The first matching row of PRODUCT.md's table wins: terminated, renewing,
proposed, intent, upcoming, lapsed, due, active. The notice window opens on
`end - notice` (calendar arithmetic) and the agreement is due from that day
through the end day inclusive, lapsed from the day after.

The past stays true: a state at a date uses only what had happened by then.
A term signed after the as-of date was not signed yet; like a pending term,
it is a renewal (or, with no term before it, a first agreement) in process,
and it makes the agreement `renewing` from the day the process is known to
have started: a step of it recorded as done, or the day the pending term was
recorded. Until then the earlier terms decide.

An agreement's `Timeline` (its signed terms in order, with the day each runs
to) does not depend on the date asked about; `status` reads it at one date.
"""

from datetime import date, timedelta
from typing import NamedTuple

from coopctl.core.dates import Duration, PartialDate
from coopctl.core.records import Agreement, Milestone, Settings, Term

ATTENTION_STATES = ("due", "renewing", "lapsed")
IN_FORCE = ("active", "due", "renewing")  # cooperation in force (an LoI's intent is not)
_DAY = timedelta(days=1)
_new = tuple.__new__  # a named tuple made from all its fields at once, without its constructor's Python frame


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
            return _new(Timeline, ((), (), (), term))
        return _new(Timeline, (terms, (term.start.first,), (term.end.last if term.end is not None else None,), None))
    signed = []
    pending = None
    for term in terms:
        if not term.pending:
            signed.append(term)
        elif pending is None:
            pending = term  # the first pending term (`Agreement.pending_term`)
    starts = [term.start.first for term in signed]
    if starts != sorted(starts):  # most are recorded in order
        signed.sort(key=lambda term: term.start.first)
        starts = [term.start.first for term in signed]
    ends = [term.end.last if term.end is not None else None for term in signed]
    for i in range(len(signed) - 1):
        if ends[i] is None:
            ends[i] = starts[i + 1] - _DAY
    return _new(Timeline, (tuple(signed), tuple(starts), tuple(ends), pending))


def record_term(signed: list[Term], record: Milestone, ends: tuple[date | None, ...] | None = None) -> int | None:
    """The index (in `signed`) of the term whose renewal a record belongs to.

    With `term_end`: the term whose last day falls within it (so `"2022-09"`
    still matches once the end is known to the day). Without: the last term
    that started before the record's date (a signing on the new term's first
    day still belongs to the old term's renewal). None when none fits.
    `ends`: the terms' last days, when the caller has them (`rules.Timeline`).
    """
    if record.term_end is not None:
        if ends is None:
            ends = tuple(term_end_day(signed, i) for i in range(len(signed)))
        low, high = record.term_end.first, record.term_end.last
        for i, end in enumerate(ends):
            if end is not None and low <= end <= high:
                return i
        return None
    return renewal_of(signed, record.date)


def renewal_of(signed: list[Term], when: PartialDate) -> int | None:
    """The term a step done on `when` renews: the last signed term that started before that day."""
    day = when.first
    started = [i for i, t in enumerate(signed) if t.start.first < day]
    return started[-1] if started else None


def term_end_text(signed: list[Term], index: int) -> PartialDate | None:
    """The end of term `index` as a record's `term_end`: as the term writes it, else its computed last day."""
    term = signed[index]
    if term.end is not None:
        return term.end
    end = term_end_day(signed, index)
    return PartialDate.from_date(end) if end is not None else None


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
    index: int | None  # the term in force, else the latest term signed by the as-of date: its place in the timeline
    term: Term | None
    end_day: date | None  # last day of `term`; None when open-ended
    days_left: int | None
    notice: Duration
    window_opens: date | None  # for the last signed term's end
    pending: Term | None  # the term in process at the as-of date: pending, or signed after that date
    last_end: date | None = None  # the last signed term's last day: the end a renewal must beat
    started: date | None = None  # when the process of `pending` is known to have started (None: not by as-of)


def notice_for(agreement: Agreement, partner_kind: str, settings: Settings) -> Duration:
    return agreement.notice or settings.notice_for(partner_kind)


def process_started(agreement: Agreement, line: Timeline, known: int, process: Term, as_of: date) -> date | None:
    """The first day the process towards `process` (a pending term, or one signed after `as_of`) is known to have
    been under way by `as_of`: the day it was recorded, or the first step of it recorded as done. `known`: how many
    of the timeline's terms were signed by `as_of` (the process renews the last of them; with none, it is a
    first agreement). A pending term recorded before coopctl kept that day, with no step recorded either, is taken
    as under way (the store gives no later day)."""
    evidence = []
    if process.recorded is not None and process.recorded.first <= as_of:
        evidence.append(process.recorded.first)
    steps = False
    for m in agreement.milestones:
        if (record_term(line.signed, m, line.ends) == known - 1) if known else m.term_end is None:
            steps = True
            if m.date.first <= as_of and not m.undone:
                evidence.append(m.date.first)
    if evidence:
        return min(evidence)
    if process.pending and process.recorded is None and not steps:
        return as_of
    return None


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
    starts, ends, signed = line.starts, line.ends, line.signed
    count = len(starts)
    # the terms signed by as_of: a term signed later was not signed yet (one whose signing is unknown counts)
    known = count
    while known and signed[known - 1].signed is not None and signed[known - 1].signed.first > as_of:
        known -= 1
    process = line.pending if known == count else signed[known]

    in_force = None
    for i in range(known - 1, -1, -1):
        end = ends[i]
        if starts[i] <= as_of and (end is None or as_of <= end):
            in_force = i
            break
    ref = in_force if in_force is not None else (known - 1 if known else None)
    end_day = ends[ref] if ref is not None else None
    last_end = ends[known - 1] if known else None
    window_opens = None if last_end is None else opens(notice, last_end) if opens else notice.before(last_end)
    started = process_started(agreement, line, known, process, as_of) if process is not None else None

    if agreement.terminated is not None and agreement.terminated.first <= as_of:
        state = "terminated"
    elif process is not None and not known:
        state = "proposed" if started is not None else "upcoming"  # nothing of it had happened yet
    elif started is not None:
        state = "renewing"
    elif agreement.type == "loi" and in_force is not None:
        state = "intent"
    elif in_force is None and known and starts[known - 1] > as_of:
        state = "upcoming"
    elif in_force is None and last_end is not None and last_end < as_of:
        state = "lapsed"
    elif in_force is None:
        state = "upcoming"  # no signed term at all; the store check reports it
    elif window_opens is not None and window_opens <= as_of:
        state = "due"
    else:
        state = "active"

    # Status(state, index, term, end_day, days_left, notice, window_opens, pending, last_end, started), made as its
    # tuple (once per agreement of a listing: the named constructor's keyword handling is measurable there)
    # an agreement ended on purpose has no days left, whatever its term said (PRODUCT.md: never flagged again)
    days_left = (end_day - as_of).days if end_day is not None and state != "terminated" else None
    return _new(Status, (state, ref, signed[ref] if ref is not None else None, end_day, days_left, notice,
                         window_opens, process, last_end, started))

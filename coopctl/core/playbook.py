"""The renewal playbook: a government's renewal procedure as dated milestones.

Pure functions. A procedure (from the store's settings) is a list of steps,
each due some months before the end of the term being renewed; the plan for
that end, the done records and an as-of date give each milestone a status:

- `done`: recorded as done on or before the as-of date (the last record for a
  step counts, so a record with `undone` reopens it), or implied: a later
  step is done, or the renewal is already signed;
- `overdue`: not done, and its due day is before the as-of date;
- `due soon`: not done, due from the as-of date to `DUE_SOON_DAYS` after it
  (a milestone due today is due soon, not overdue);
- `open`: not done, due later;
- `not needed`: not done, and the agreement was terminated.

The plan is for the current term's end: the term in force, else the latest
signed term, as `rules.status` gives. Open-ended agreements are reviewed
instead of renewed: one in force is `review_due` when no `evaluation`
activity (nor its term's start) falls in the last `review_months` months
(the store's setting; 60 by default).
"""

from datetime import date
from typing import NamedTuple

from coopctl.core import rules
from coopctl.core.dates import PartialDate, add_months
from coopctl.core.records import Agreement, Milestone, Settings, Step, Term

DUE_SOON_DAYS = 30

DONE, DUE_SOON, OVERDUE, OPEN, NOT_NEEDED = "done", "due soon", "overdue", "open", "not needed"
STATUSES = (DONE, DUE_SOON, OVERDUE, OPEN, NOT_NEEDED)

# id: (English, Indonesian). Research notes §1.2 and §3.
STEP_LABELS = {
    "evaluation": ("Evaluation of the current term", "Evaluasi pelaksanaan kerja sama"),
    "draft": ("Draft of the renewal text and work plan (RKS)", "Penyusunan rancangan naskah dan RKS"),
    "dprd-letter": ("Letter to the DPRD", "Surat kepada DPRD"),
    "dprd-approval": ("DPRD approval", "Persetujuan DPRD"),
    "ministry-approval": ("Ministry approval", "Persetujuan Menteri"),
    "signing": ("Signing", "Penandatanganan"),
}


def label(step: Step) -> str:
    """The label shown for a step: the store's own, else the built-in Indonesian one, else its id."""
    if step.label:
        return step.label
    known = STEP_LABELS.get(step.id)
    return known[1] if known else step.id


class PlannedMilestone(NamedTuple):
    name: str  # the step id, e.g. dprd-approval
    label: str
    due: date
    status: str
    done: PartialDate | None = None  # when it was done (None when only implied)
    ref: str | None = None
    note: str | None = None
    implied: bool = False  # done because a later step is done, or the renewal is signed
    days_late: int | None = None  # overdue: days past due; done: days after the due day (None if on time)
    days_left: int | None = None  # not done: days from the as-of date to the due day

    @property
    def is_open(self) -> bool:
        return self.status in (OVERDUE, DUE_SOON, OPEN)


def plan(
    timetable: tuple[tuple[str, str, date], ...],
    records: list[Milestone],
    as_of: date,
    renewed: bool = False,
    renewed_on: PartialDate | None = None,
    closed: bool = False,
    due_soon_days: int = DUE_SOON_DAYS,
) -> list[PlannedMilestone]:
    """The milestones for renewing a term by `timetable` (`schedule`: each step's id, label and due day,
    earliest first).

    `records` are the done records of this renewal; those dated after `as_of`
    had not happened yet and are ignored. `renewed`: the next term is already
    signed (on `renewed_on`, if known), so every step counts as done. `closed`:
    the agreement was terminated, so nothing open is flagged.
    """
    if not records and not renewed and not closed:  # most plans: nothing recorded yet, each step by its due day
        new = tuple.__new__
        planned = []
        for name, label, due in timetable:
            left = (due - as_of).days
            planned.append(new(PlannedMilestone, (name, label, due, OVERDUE if left < 0 else DUE_SOON if left <= due_soon_days
                                                  else OPEN, None, None, None, False, -left if left < 0 else None, left)))
        return planned
    latest: dict[str, Milestone | None] = {}
    for record in records:
        if record.date.first <= as_of:
            latest[record.id] = None if record.undone else record
    last_done = len(timetable) if renewed else max(
        (i for i, step in enumerate(timetable) if latest.get(step[0]) is not None), default=-1)

    planned = []
    for i, (name, label, due) in enumerate(timetable):
        record = latest.get(name)
        if record is not None:
            late = (record.date.first - due).days
            planned.append(PlannedMilestone(name, label, due, DONE, record.date, record.ref, record.note,
                                            days_late=late if late > 0 else None))
        elif i < last_done:
            signed = renewed_on if renewed and name == "signing" else None
            planned.append(PlannedMilestone(name, label, due, DONE, signed, implied=True))
        elif closed:
            planned.append(PlannedMilestone(name, label, due, NOT_NEEDED))
        else:
            left = (due - as_of).days
            status = OVERDUE if left < 0 else DUE_SOON if left <= due_soon_days else OPEN
            planned.append(PlannedMilestone(name, label, due, status, None, None, None, False,
                                            -left if left < 0 else None, left))
    return planned


def schedule(steps: tuple[Step, ...], term_end: date) -> tuple[tuple[str, str, date], ...]:
    """Each step's id, label and due day before `term_end`, in the order they fall due (ties in procedure order)."""
    return tuple(sorted(((step.id, label(step), step.before.before(term_end)) for step in steps),
                        key=lambda step: step[2]))


def timetable(settings: Settings, procedure: str, term_end: date) -> tuple[tuple[str, str, date], ...]:
    """`schedule` of one of the settings' procedures, made once per procedure and end day (`Settings.timetables`)."""
    key = (procedure, term_end)
    known = settings.timetables.get(key)
    if known is None:
        known = settings.timetables[key] = schedule(tuple(settings.procedures.get(procedure, ())), term_end)
    return known


def next_open(milestones: list[PlannedMilestone]) -> PlannedMilestone | None:
    """The earliest milestone not done: the next thing to do (it may be overdue)."""
    return next((m for m in milestones if m.is_open), None)


def overdue(milestones: list[PlannedMilestone]) -> list[PlannedMilestone]:
    return [m for m in milestones if m.status == OVERDUE]


# ---------------------------------------------------------------- which renewal a record belongs to


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
            ends = tuple(rules.term_end_day(signed, i) for i in range(len(signed)))
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
    end = rules.term_end_day(signed, index)
    return PartialDate.from_date(end) if end is not None else None


# ---------------------------------------------------------------- open-ended agreements


class Review(NamedTuple):
    due: bool
    by: date  # the last day of the review period; due from the day after
    last_evaluation: date | None
    months: int


def review(agreement: Agreement, term: Term, as_of: date, months: int, in_force: bool = True) -> Review:
    """An open-ended agreement is reviewed every `months` months: counted from the last `evaluation`
    activity, else from its term's signing (or start). An evaluation exactly `months` ago still counts."""
    last = None
    for activity in agreement.activities:
        if activity.type == "evaluation" and activity.date.first <= as_of:
            day = min(activity.date.last, as_of)
            if last is None or day > last:
                last = day
    since = min((term.signed or term.start).last, as_of)
    if last is not None and last > since:
        since = last
    by = add_months(since, months)
    return Review(in_force and as_of > by, by, last, months)


# ---------------------------------------------------------------- an agreement's plan


class AgreementPlan(NamedTuple):
    """The plan for one term's end, at one date. Its milestones are made when asked for (`milestones`);
    whether one is overdue is known without them in the usual case (nothing recorded yet)."""

    procedure: str
    state: str
    term: Term | None  # the term whose end is planned for (or the open-ended term under review)
    term_end: date | None  # None: open-ended, or no signed term yet
    timetable: tuple[tuple[str, str, date], ...] = ()  # `schedule`: each step's id, label and due day
    records: tuple[Milestone, ...] = ()  # the done records of this renewal
    as_of: date | None = None
    renewed: bool = False  # the next term is already signed
    renewed_on: PartialDate | None = None
    closed: bool = False  # terminated: nothing open is flagged
    review: Review | None = None  # open-ended agreements only

    @property
    def milestones(self) -> tuple[PlannedMilestone, ...]:
        if not self.timetable:
            return ()
        return tuple(plan(self.timetable, list(self.records), self.as_of, self.renewed, self.renewed_on,
                          self.closed))

    @property
    def any_overdue(self) -> bool:
        """Whether a milestone is overdue (the earliest step is, when nothing was recorded yet)."""
        if not self.timetable:
            return False
        if not self.records and not self.renewed and not self.closed:
            return self.timetable[0][2] < self.as_of
        return any(m.status == OVERDUE for m in self.milestones)

    @property
    def overdue_since(self) -> date | None:
        """The due day of the earliest overdue milestone (what `renew` sorts by), or None."""
        if not self.timetable:
            return None
        if not self.records and not self.renewed and not self.closed:
            due = self.timetable[0][2]
            return due if due < self.as_of else None
        late = self.overdue
        return late[0].due if late else None

    @property
    def next_milestone(self) -> PlannedMilestone | None:
        return next_open(self.milestones)

    @property
    def overdue(self) -> list[PlannedMilestone]:
        return overdue(self.milestones)

    @property
    def review_due(self) -> bool:
        return self.review is not None and self.review.due


def for_agreement(
    agreement: Agreement,
    partner_kind: str,
    settings: Settings,
    as_of: date,
    status: rules.Status | None = None,
    line: rules.Timeline | None = None,
) -> AgreementPlan:
    """The plan for the current term's end (the term in force, else the latest signed term).
    `status` and `line`: the agreement's status and timeline, when the caller has them."""
    line = line or rules.timeline(agreement)
    s = status or rules.status(agreement, partner_kind, settings, as_of, line=line)
    name = settings.procedure_name(partner_kind, agreement.procedure)
    index = s.index
    if index is None:
        return AgreementPlan(name, s.state, None, None)
    end = line.ends[index]
    if end is None:
        return AgreementPlan(name, s.state, s.term, None,
                             review=review(agreement, s.term, as_of, settings.review_every, s.state == "active"))
    signed = line.signed
    records = tuple(m for m in agreement.milestones if record_term(signed, m, line.ends) == index) \
        if agreement.milestones else ()
    successor = signed[index + 1] if index + 1 < len(signed) else None
    renewed = successor is not None and (successor.signed is None or successor.signed.first <= as_of)
    return AgreementPlan(name, s.state, s.term, end, timetable(settings, name, end), records, as_of, renewed,
                         successor.signed if renewed else None, s.state == "terminated")

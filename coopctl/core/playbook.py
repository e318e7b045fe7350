"""The playbook: a government's cooperation procedure as dated milestones.

Pure functions. A procedure (`records.default_procedures`, or the store's own) is a list of steps in the
regulation's order, each due some months before the end of the term being renewed (a step after the end,
such as reporting, is due some months after it). The plan for that end, the records of what was done and
an as-of date give each milestone a status:

- `done`: recorded as done on or before the as-of date (the last record for a step counts, so a record
  with `undone` reopens it), or implied: a later step is done, or the renewal is already signed;
- `not needed`: a conditional step recorded as not applying (a domestic DPRD approval when the cooperation
  neither burdens the public nor falls outside the current APBD), or any open step of a terminated agreement;
- `overdue`: not done, and its due day is before the as-of date;
- `due soon`: not done, due from the as-of date to `DUE_SOON_DAYS` after it (a milestone due today is due
  soon, not overdue);
- `open`: not done, due later.

Three kinds of plan (`AgreementPlan.kind`):
- `renewal`: for the current term's end (the term in force, else the latest signed term, as `rules.status`
  gives);
- `first`: towards a first agreement (a proposal with no signed term yet, or a letter of intent), dated
  forward from when it was recorded (or from the LoI's date): the steps fall due as a renewal's would if the
  agreement had to be in force one notice window later; there is nothing to evaluate yet;
- `review`: an open-ended agreement is reviewed instead of renewed; it is `review_due` when no `evaluation`
  activity (nor its term's start) falls in the last `review_months` months (the store's setting; 60 by default).
"""

from datetime import date
from typing import NamedTuple

from coopctl.core import rules
from coopctl.core.dates import Duration, PartialDate, add_months
from coopctl.core.records import Agreement, Milestone, Settings, Step, Term

DUE_SOON_DAYS = 30

DONE, DUE_SOON, OVERDUE, OPEN, NOT_NEEDED = "done", "due soon", "overdue", "open", "not needed"
STATUSES = (DONE, DUE_SOON, OVERDUE, OPEN, NOT_NEEDED)
OPEN_STATUSES = (OVERDUE, DUE_SOON, OPEN)  # not done yet

# id: (English, Indonesian, what else people call it). The regulation's steps (research/domain.md §1.2).
STEP_LABELS = {
    "evaluation": ("Evaluation of the current term", "Evaluasi pelaksanaan kerja sama", ("evaluasi", "monev", "evaluasi pelaksanaan")),
    "rks": ("Cooperation work plan (RKS)", "Penyusunan Rencana Kerja Sama (RKS)", ("rencana kerja sama",)),
    "dprd-letter": ("Letter to the DPRD", "Surat kepada DPRD", ("surat dprd",)),
    "dprd-approval": ("DPRD approval", "Persetujuan DPRD", ("persetujuan dprd",)),
    "verification": ("Verification by the Ministry of Home Affairs", "Verifikasi oleh Kementerian Dalam Negeri",
                     ("verifikasi", "verifikasi kemendagri")),
    "draft": ("Draft text", "Penyusunan rancangan naskah kerja sama", ("rancangan", "rancangan naskah", "penyusunan naskah")),
    "negotiation": ("Negotiation with the partner (interministerial meeting, Foreign Ministry's consideration)",
                    "Pembahasan naskah dengan mitra (rapat antarkementerian, pertimbangan Kementerian Luar Negeri)",
                    ("pembahasan", "perundingan", "negosiasi")),
    "ministry-approval": ("Approval of the Minister of Home Affairs", "Persetujuan Menteri Dalam Negeri",
                          ("persetujuan mendagri", "persetujuan menteri")),
    "full-powers": ("Full powers from the Foreign Minister", "Surat Kuasa dari Menteri Luar Negeri",
                    ("surat kuasa", "full powers")),
    "signing": ("Signing", "Penandatanganan", ("tanda tangan", "penandatanganan naskah")),
    "reporting": ("Report on the signed agreement", "Pelaporan", ("laporan", "report", "pelaporan hasil")),
    "offer": ("Offer of cooperation", "Penawaran kerja sama", ("penawaran",)),
    "kb-signed": ("Kesepakatan Bersama signed", "Penandatanganan Kesepakatan Bersama", ("kb", "kesepakatan bersama")),
    "pks-draft": ("Draft of the Perjanjian Kerja Sama", "Penyusunan rancangan Perjanjian Kerja Sama",
                  ("rancangan pks",)),
    "pks-signed": ("Perjanjian Kerja Sama signed", "Penandatanganan Perjanjian Kerja Sama",
                   ("pks", "perjanjian kerja sama")),
    "administration": ("Administration and filing", "Penatausahaan", ("administrasi", "pengarsipan")),
}
# Step ids an earlier coopctl wrote that the regulation's procedure names otherwise (a store's old records keep
# working): procedure -> {old id: step id}.
STEP_ALIASES = {"domestic": {"draft": "pks-draft", "signing": "pks-signed"}}


def step_id(text: str, steps: tuple[str, ...], procedure: str | None = None) -> str | None:
    """The id among `steps` that `text` names: an id, an old id of the procedure (`STEP_ALIASES`), or a built-in
    label in English or Indonesian (any case, spacing or punctuation); None when it names none of them."""
    from coopctl.core.ids import fold

    if text in steps:
        return text
    wanted = fold(text)
    old = STEP_ALIASES.get(procedure or "", {})
    for step in steps:
        if fold(step) == wanted:
            return step
    for old_id, new_id in old.items():
        if fold(old_id) == wanted and new_id in steps:
            return new_id
    for step in steps:
        english, indonesian, others = STEP_LABELS.get(step, ("", "", ()))
        if any(fold(name) == wanted for name in (english, indonesian, *others)):
            return step
    return None


def label(step: Step) -> str:
    """The label of a step: the store's own, else the built-in English one, else its id. (Output in any language
    carries the same label; `label_id` gives the Indonesian one a view shows in Indonesian.)"""
    if step.label:
        return step.label
    known = STEP_LABELS.get(step.id)
    return known[0] if known else step.id


def label_id(step_id: str, shown: str) -> str:
    """The Indonesian label of a step whose label is `shown`: the regulation's Indonesian name when `shown` is the
    built-in English label, else `shown` (a store's own label is in the store's language)."""
    known = STEP_LABELS.get(step_id)
    return known[1] if known and shown == known[0] else shown


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
    conditional: bool = False  # may be recorded as not needed
    assumed: bool = False  # its offset is not in a source

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


# A timetable: each step's id, label, due day, whether it is conditional, whether its offset is assumed, and
# for a step after the end (reporting) how long after the signing it is due (None for the steps before the end),
# in the order the steps fall due.
Timetable = tuple[tuple[str, str, date, bool, bool, Duration | None], ...]


def _open(due: date, as_of: date, due_soon_days: int) -> tuple[str, int]:
    left = (due - as_of).days
    return (OVERDUE if left < 0 else DUE_SOON if left <= due_soon_days else OPEN), left


def plan(
    timetable: Timetable,
    records: tuple[Milestone, ...] | list[Milestone],
    as_of: date,
    renewed: bool = False,
    renewed_on: PartialDate | None = None,
    closed: bool = False,
    due_soon_days: int = DUE_SOON_DAYS,
    aliases: dict[str, str] | None = None,
) -> list[PlannedMilestone]:
    """The milestones of a timetable (`schedule`), earliest first.

    `records` are the records of this renewal (or first agreement); those dated after `as_of` had not
    happened yet and are ignored; `aliases` maps old step ids to the timetable's. `renewed`: the next term is
    already signed (on `renewed_on`, if known), so every step up to the signing counts as done. `closed`: the
    agreement was terminated, so nothing open is flagged. A step after the end (reporting) follows the signing:
    it is not overdue before the signing is done, and is due its span after the signing day when that is later.
    """
    new = tuple.__new__
    if not records and not renewed and not closed:  # most plans: nothing recorded yet, each step by its due day
        planned = []
        add = planned.append
        for name, step_label, due, conditional, assumed, after in timetable:
            left = (due - as_of).days  # as `_open`, written out: the hot loop of a large store's listing
            if left < 0 and after is None:
                add(new(PlannedMilestone, (name, step_label, due, OVERDUE, None, None, None, False, -left, left,
                                           conditional, assumed)))
            else:  # not signed yet: what follows the signing cannot be late
                add(new(PlannedMilestone, (name, step_label, due, DUE_SOON if 0 <= left <= due_soon_days else OPEN,
                                           None, None, None, False, None, left, conditional, assumed)))
        return planned
    latest: dict[str, Milestone | None] = {}
    for record in records:
        if record.date.first <= as_of:
            step = aliases.get(record.id, record.id) if aliases else record.id
            latest[step] = None if record.undone else record
    done_steps = [i for i, step in enumerate(timetable)
                  if latest.get(step[0]) is not None and not latest[step[0]].not_needed]
    before_end = [i for i, step in enumerate(timetable) if step[5] is None]
    # signed: every step up to the signing counts as done; those after it (reporting) still have to be done
    last_done = (before_end[-1] + 1 if before_end else 0) if renewed else max(done_steps, default=-1)
    signing = timetable[before_end[-1]][0] if before_end else None
    signed_on = renewed_on if renewed else None
    if signed_on is None and signing is not None and latest.get(signing) is not None:
        signed_on = latest[signing].date
    signed = renewed or signed_on is not None or bool(before_end and done_steps and done_steps[-1] > before_end[-1])

    planned = []
    for i, (name, step_label, due, conditional, assumed, after) in enumerate(timetable):
        if after is not None and signed_on is not None:
            due = max(due, after.after(signed_on.first))
        record = latest.get(name)
        if record is not None and record.not_needed:
            planned.append(PlannedMilestone(name, step_label, due, NOT_NEEDED, record.date, record.ref, record.note,
                                            conditional=conditional, assumed=assumed))
        elif record is not None:
            late = (record.date.first - due).days
            planned.append(PlannedMilestone(name, step_label, due, DONE, record.date, record.ref, record.note,
                                            days_late=late if late > 0 else None, conditional=conditional,
                                            assumed=assumed))
        elif i < last_done:
            planned.append(PlannedMilestone(name, step_label, due, DONE, signed_on if name == signing else None,
                                            implied=True, conditional=conditional, assumed=assumed))
        elif closed:
            planned.append(PlannedMilestone(name, step_label, due, NOT_NEEDED, conditional=conditional,
                                            assumed=assumed))
        else:
            status, left = _open(due, as_of, due_soon_days)
            if after is not None and not signed and status == OVERDUE:
                status = OPEN
            planned.append(PlannedMilestone(name, step_label, due, status, None, None, None, False,
                                            -left if status == OVERDUE else None, left, conditional, assumed))
    if any(m.due != timetable[i][2] for i, m in enumerate(planned)):
        planned.sort(key=lambda m: m.due)  # a late signing moved what follows it
    return planned


def schedule(steps: tuple[Step, ...], term_end: date) -> Timetable:
    """Each step's id, label, due day, conditional and assumed flags, and span after the signing (steps after the
    end only), for renewing a term ending `term_end`, in the order they fall due (ties in procedure order)."""
    prepared, in_months = _steps(steps)
    if in_months is not None and 100 <= term_end.year <= 9900:
        # every offset in months, and no due day near the calendar's edges: the order is known beforehand (more
        # months before the end, earlier; a month lands in a different month), so nothing is left to sort
        return tuple([(name, shown, add_months(term_end, -months), conditional, assumed, after)
                      for name, shown, _, months, conditional, assumed, after in in_months])
    table = [(name, shown, (add_months(term_end, -months) if months is not None else before.before(term_end)),
              conditional, assumed, after)
             for name, shown, before, months, conditional, assumed, after in prepared]
    table.sort(key=_due)
    return tuple(table)


def _due(step) -> date:
    return step[2]


_STEPS: dict[tuple, tuple] = {}  # a procedure's steps -> what `schedule` takes from them, whatever the end


def _steps(steps: tuple[Step, ...]) -> tuple:
    """Each step's id, label, offset (and its months, when it is in months), flags and span after the signing;
    and when every offset is in months, the same in the order they fall due (else None)."""
    known = _STEPS.get(steps)
    if known is None:
        prepared = tuple(
            (step.id, label(step), step.before, step.before.amount if step.before.unit == "m" else None,
             step.conditional, step.assumed,
             Duration(-step.before.amount, step.before.unit) if step.before.amount < 0 else None)
            for step in steps)
        in_months = None
        if all(p[3] is not None for p in prepared):
            in_months = tuple(p for _, p in sorted(enumerate(prepared), key=lambda ip: (-ip[1][3], ip[0])))
        known = _STEPS[steps] = (prepared, in_months)
    return known


def forward(steps: tuple[Step, ...], origin: date, lead: Duration) -> Timetable:
    """The timetable towards a first agreement begun on `origin`: as a renewal's, for a term that would have to be
    in force `lead` later (its notice window); there is no current term to evaluate."""
    return schedule(tuple(step for step in steps if step.id != "evaluation"), lead.after(origin))


# The steps that belong to a Kesepakatan Bersama: a PKS under one follows the rest of the procedure (its KB has its
# own plan).
KB_STEPS = ("offer", "kb-signed")


def steps_for(settings: Settings, procedure: str, agreement: Agreement) -> tuple[Step, ...]:
    """The steps of `procedure` that `agreement` goes through: all of them, but for a PKS under its KB, whose offer
    and KB signing are the KB's."""
    steps = tuple(settings.procedures.get(procedure, ()))
    if agreement.type == "pks" and agreement.under:
        steps = tuple(step for step in steps if step.id not in KB_STEPS)
    return steps


def timetable(settings: Settings, procedure: str, term_end: date, agreement: Agreement | None = None) -> Timetable:
    """`schedule` of one of the settings' procedures (the steps `agreement` goes through), made once per
    procedure, end day and kind of document (`Settings.timetables`)."""
    child = agreement is not None and agreement.type == "pks" and bool(agreement.under)
    key = (procedure, term_end, child)
    known = settings.timetables.get(key)
    if known is None:
        steps = steps_for(settings, procedure, agreement) if child else tuple(settings.procedures.get(procedure, ()))
        known = settings.timetables[key] = schedule(steps, term_end)
    return known


def next_open(milestones) -> PlannedMilestone | None:
    """The earliest milestone not done: the next thing to do (it may be overdue)."""
    for m in milestones:
        if m.status in OPEN_STATUSES:
            return m
    return None


def overdue(milestones) -> list[PlannedMilestone]:
    return [m for m in milestones if m.status == OVERDUE]


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
    """An agreement's plan at one date (see the module docstring for its `kind`). Its milestones are made when
    asked for (`milestones`); whether one is overdue is known without them in the usual case."""

    procedure: str
    state: str
    term: Term | None  # the term whose end is planned for (or the open-ended term under review)
    term_end: date | None  # renewal: the end planned for; None otherwise
    timetable: Timetable = ()
    records: tuple[Milestone, ...] = ()  # the records of this renewal or first agreement
    as_of: date | None = None
    renewed: bool = False  # the next term is already signed
    renewed_on: PartialDate | None = None
    closed: bool = False  # terminated: nothing open is flagged
    review: Review | None = None  # open-ended agreements only
    kind: str | None = None  # "renewal", "first", "review", or None (nothing to plan)
    origin: date | None = None  # first: the day the process began (recorded, or the LoI's date)

    @property
    def milestones(self) -> tuple[PlannedMilestone, ...]:
        if not self.timetable:
            return ()
        if not self.records and not self.renewed and not self.closed:
            return _unrecorded(self.timetable, self.as_of)
        known = _RECORDED.get(id(self))
        if known is not None and known[0] is self:
            return known[1]
        if len(_RECORDED) > 200_000:
            _RECORDED.clear()
        made = tuple(plan(self.timetable, self.records, self.as_of, self.renewed, self.renewed_on, self.closed,
                          aliases=STEP_ALIASES.get(self.procedure)))
        _RECORDED[id(self)] = (self, made)  # asked again for the same plan (whether one is overdue, its order, its row)
        return made

    @property
    def any_overdue(self) -> bool:
        """Whether a milestone is overdue (the earliest step is, when nothing was recorded yet)."""
        return self.overdue_since is not None

    @property
    def overdue_since(self) -> date | None:
        """The due day of the earliest overdue milestone (what `renew` sorts by), or None."""
        if not self.timetable:
            return None
        if not self.records and not self.renewed and not self.closed:
            first = self.timetable[0]  # the earliest step: before the end in every procedure but an odd one
            due = first[2] if first[5] is None else next((step[2] for step in self.timetable if step[5] is None), None)
            return due if due is not None and due < self.as_of else None
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


_UNRECORDED: dict[int, tuple] = {}  # id(timetable) -> (timetable, as_of, its milestones): see `_unrecorded`
_RECORDED: dict[int, tuple] = {}  # id(plan) -> (plan, its milestones), for a plan with records: made once per plan


def forget_plans() -> None:
    """Let go of the milestones made for earlier questions (`core.facts.FactsAt` calls it for each new one): they
    are kept only while the plans of one question are read (a long-running `serve` asks many)."""
    _UNRECORDED.clear()
    _RECORDED.clear()


def _unrecorded(timetable: Timetable, as_of: date) -> tuple[PlannedMilestone, ...]:
    """`plan` of a timetable with nothing recorded, at `as_of`: the same for every agreement that shares the
    timetable (a procedure and an end day, `timetable`), so made once per timetable and date and shared (the
    milestones are named tuples: read, never changed). Keyed by the timetable's identity, which the entry keeps
    alive, so a key is never another timetable's."""
    known = _UNRECORDED.get(id(timetable))
    if known is not None and known[0] is timetable and known[1] == as_of:
        return known[2]
    if len(_UNRECORDED) > 200_000:  # more timetables than a store has: let go of the oldest question's
        _UNRECORDED.clear()
    made = tuple(plan(timetable, (), as_of))
    _UNRECORDED[id(timetable)] = (timetable, as_of, made)
    return made


def for_agreement(
    agreement: Agreement,
    partner_kind: str,
    settings: Settings,
    as_of: date,
    status: rules.Status | None = None,
    line: rules.Timeline | None = None,
) -> AgreementPlan:
    """The agreement's plan at `as_of` (see the module docstring). `status` and `line`: the agreement's status
    and timeline, when the caller has them."""
    line = line or rules.timeline(agreement)
    s = status or rules.status(agreement, partner_kind, settings, as_of, line=line)
    name = settings.procedure_name(partner_kind, agreement.procedure, agreement.category)
    closed = s.state == "terminated"
    if s.state in ("proposed", "intent") or (agreement.type == "loi" and s.index is not None):
        # the agreement's own notice window: `status` may carry another (renew --within), which chooses what is
        # listed, not when the steps fall due
        lead = rules.notice_for(agreement, partner_kind, settings)
        origin = _origin(agreement, s, lead)
        if origin is None:
            return AgreementPlan(name, s.state, s.term, None)
        records = tuple(m for m in agreement.milestones if m.term_end is None)
        return AgreementPlan(name, s.state, s.term, None, forward(steps_for(settings, name, agreement), origin, lead),
                             records, as_of, False, None, closed, kind="first", origin=origin)
    index = s.index
    if index is None:
        return AgreementPlan(name, s.state, None, None)
    if index and s.state != "terminated":
        reporting = _signed_renewal(agreement, settings, name, line, index, as_of, s.state)
        if reporting is not None:
            return reporting
    end = line.ends[index]
    if end is None:
        return AgreementPlan(name, s.state, s.term, None,
                             review=review(agreement, s.term, as_of, settings.review_every, s.state == "active"),
                             kind="review")
    signed = line.signed
    records = tuple(m for m in agreement.milestones if rules.record_term(signed, m, line.ends) == index) \
        if agreement.milestones else ()
    successor = signed[index + 1] if index + 1 < len(signed) else None
    renewed = successor is not None and (successor.signed is None or successor.signed.first <= as_of)
    # every field, in order (procedure .. origin): made as its tuple, as `rules.status` makes a Status
    return tuple.__new__(AgreementPlan, (name, s.state, s.term, end, timetable(settings, name, end, agreement), records,
                                         as_of, renewed, successor.signed if renewed else None, closed, None,
                                         "renewal", None))


REPORTING_GRACE_DAYS = 90  # how long after its due day an unrecorded report keeps a signed renewal's plan in view


def _signed_renewal(agreement: Agreement, settings: Settings, name: str, line: rules.Timeline, index: int,
                    as_of: date, state: str) -> AgreementPlan | None:
    """The plan of the renewal that made term `index` (the one in force), while a step after its signing (the
    report) is still to be done: until it is recorded, or `REPORTING_GRACE_DAYS` after its due day. None
    otherwise (then the plan is for the current term's end)."""
    new_term = line.signed[index]
    signed_on = (new_term.signed or new_term.start).first
    if signed_on > as_of:
        return None
    after, reach = _after_signing(settings, name, agreement)
    if not after:
        return None
    # most renewals were signed long ago: every step after it fell due at most `reach` days after the later of the
    # signing and the old end, so the grace period is over without working the days out
    if as_of.toordinal() - max(signed_on, line.ends[index - 1]).toordinal() - reach > REPORTING_GRACE_DAYS:
        return None
    span = max(Duration(-d.amount, d.unit).after(signed_on) for d in after)
    latest_due = max(span, max(Duration(-d.amount, d.unit).after(line.ends[index - 1]) for d in after))
    if (as_of - latest_due).days > REPORTING_GRACE_DAYS:
        return None  # long past: the plan moves on to the current term
    end = line.ends[index - 1]
    records = tuple(m for m in agreement.milestones if rules.record_term(line.signed, m, line.ends) == index - 1)
    plan = AgreementPlan(name, state, line.signed[index - 1], end, timetable(settings, name, end, agreement), records,
                         as_of, True, new_term.signed, False, kind="renewal")
    if next_open(plan.milestones) is not None:
        return plan
    return None


def _after_signing(settings: Settings, name: str, agreement: Agreement) -> tuple[list[Duration], int]:
    """The offsets of the steps of procedure `name` that follow the signing (reporting), for `agreement`'s kind of
    document, and the most days any of them can span (a month counts as 31): worked out once per procedure and
    kind of document (kept with the timetables, `Settings.timetables`)."""
    child = agreement.type == "pks" and bool(agreement.under)
    key = ("after signing", name, child)
    known = settings.timetables.get(key)
    if known is None:
        after = [step.before for step in steps_for(settings, name, agreement) if step.before.amount < 0]
        reach = max((-d.amount * (31 if d.unit == "m" else 1) for d in after), default=0)
        known = settings.timetables[key] = (after, reach)
    return known


def _origin(agreement: Agreement, s: rules.Status, lead: Duration) -> date | None:
    """When the process towards a first agreement began: the LoI's date, else the day its pending term was
    recorded, else (recorded before coopctl kept that day) its start less the notice window `lead`."""
    if agreement.type == "loi" and s.term is not None:
        return (s.term.signed or s.term.start).first
    process = s.pending
    if process is None:
        return None
    if process.recorded is not None:
        return process.recorded.first
    return lead.before(process.start.first)

"""An agreement's facts at a date, computed once, in one pass: the one place every listing reads.

`FactsAt(settings, as_of)(partner, agreement)` reads the agreement's timeline
once and gives its state (`rules`), its renewal plan or review (`playbook`),
its dormancy and its sectors on that day (`portfolio`). `list`, `renew`,
`report`, `dormant`, `coverage` and the roll-up are views over these; the
order of `renew` (`urgency`) is defined here, once. What all agreements of a
run share (the first day that still counts as recent, when a notice window
opens for a given end) is worked out once per `FactsAt`.
"""

from datetime import date
from typing import NamedTuple

from coopctl.core import playbook, portfolio, rules
from coopctl.core.dates import Duration, add_months
from coopctl.core.records import Agreement, AgreementSector, Partner, Settings


class Facts(NamedTuple):
    partner: Partner
    agreement: Agreement
    line: rules.Timeline
    status: rules.Status
    plan: playbook.AgreementPlan
    as_of: date
    dormant_months: int
    recent_from: date  # an activity on or after it is recent (`as_of - dormant_months`)

    @property
    def dormancy(self) -> portfolio.Dormancy:
        """Whether the agreement is dormant (`portfolio.dormancy`): worked out when a view asks (for the rows it
        shows), not for every agreement of the store."""
        return portfolio.dormancy(self.agreement, self.status.state, self.as_of, self.dormant_months, self.line,
                                  self.recent_from)

    @property
    def sectors(self) -> tuple[AgreementSector, ...]:
        """The sector entries the agreement covers on the as-of date."""
        sectors = self.agreement.sectors
        if all(s.since is None and s.until is None for s in sectors):
            return sectors
        return tuple(portfolio.sector_entries_at(self.agreement, self.as_of))

    @property
    def state(self) -> str:
        return self.status.state

    @property
    def needs_attention(self) -> bool:
        """What `renew` lists: due, renewing or lapsed, a milestone of the plan overdue, or an
        open-ended agreement due for its review."""
        return self.status.state in rules.ATTENTION_STATES or self.plan.review_due or self.plan.any_overdue

    @property
    def urgency(self) -> tuple:
        return urgency(self.plan.overdue_since, self.status.state, self.status.days_left, self.agreement.id)


class FactsAt:
    """The facts of any agreement of a store at `as_of`; `within` overrides every notice window (renew --within)."""

    def __init__(self, settings: Settings, as_of: date, within: Duration | None = None):
        self.settings = settings
        self.as_of = as_of
        self.within = within
        self.months = settings.dormant_after
        self.recent_from = add_months(as_of, -self.months)  # an activity on or after it is recent
        self._opens: dict[tuple, date] = {}
        self._kinds: dict[str, Duration] = {}  # partner kind -> the store's notice window for it
        playbook.forget_plans()  # a new question: the milestones made for an earlier one are not asked for again

    def opens(self, notice: Duration, end: date) -> date:
        """When a notice window opens for a term ending on `end` (many agreements share an end day)."""
        key = (notice, end)
        day = self._opens.get(key)
        if day is None:
            day = self._opens[key] = notice.before(end)
        return day

    def __call__(self, partner: Partner, agreement: Agreement) -> Facts:
        settings, as_of = self.settings, self.as_of
        kind = partner.kind
        notice = self.within or agreement.notice or self._kinds.get(kind)
        if notice is None:
            notice = self._kinds[kind] = settings.notice_for(kind)
        line = rules.timeline(agreement)
        status = rules.status(agreement, kind, settings, as_of, notice, line, self.opens)
        plan = playbook.for_agreement(agreement, kind, settings, as_of, status, line)
        return tuple.__new__(Facts, (partner, agreement, line, status, plan, as_of, self.months, self.recent_from))


def facts(partner: Partner, agreement: Agreement, settings: Settings, as_of: date,
          within: Duration | None = None) -> Facts:
    """Everything a listing says about `agreement` on `as_of` (see `FactsAt`)."""
    return FactsAt(settings, as_of, within)(partner, agreement)


def urgency(overdue_since: date | None, state: str, days_left: int | None, agreement_id: str) -> tuple:
    """`renew`'s order: overdue milestones first (the longest overdue first), then lapsed, then due soonest
    (fewest days left first); open-ended agreements (due for review) last."""
    return (0 if overdue_since is not None else 1, overdue_since or date.max, 0 if state == "lapsed" else 1,
            days_left if days_left is not None else 10**9, agreement_id)

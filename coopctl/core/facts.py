"""An agreement's facts at a date, computed once, in one pass: the one place every listing reads.

`facts(partner, agreement, settings, as_of)` reads the agreement's timeline
once and gives its state (`rules`), its renewal plan or review (`playbook`),
its dormancy and its sectors on that day (`portfolio`). `list`, `renew`,
`report`, `dormant`, `coverage` and the roll-up are views over these; the
order of `renew` (`urgency`) is defined here, once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from coopctl.core import playbook, portfolio, rules
from coopctl.core.dates import Duration
from coopctl.core.records import Agreement, AgreementSector, Partner, Settings


@dataclass(frozen=True, slots=True)
class Facts:
    partner: Partner
    agreement: Agreement
    line: rules.Timeline
    status: rules.Status
    plan: playbook.AgreementPlan
    dormancy: portfolio.Dormancy
    sectors: tuple[AgreementSector, ...]  # the sector entries covered on the as-of date
    dormant_months: int

    @property
    def state(self) -> str:
        return self.status.state

    @property
    def needs_attention(self) -> bool:
        """What `renew` lists: due, renewing or lapsed, a milestone of the plan overdue, or an
        open-ended agreement due for its review."""
        return (self.status.state in rules.ATTENTION_STATES or self.plan.review_due
                or any(m.status == playbook.OVERDUE for m in self.plan.milestones))


def facts(partner: Partner, agreement: Agreement, settings: Settings, as_of: date,
          within: Duration | None = None) -> Facts:
    """Everything a listing says about `agreement` on `as_of`; `within` overrides its notice window."""
    line = rules.timeline(agreement)
    status = rules.status(agreement, partner.kind, settings, as_of, within, line)
    plan = playbook.for_agreement(agreement, partner.kind, settings, as_of, status, line)
    months = settings.dormant_after
    quiet = portfolio.dormancy(agreement, status.state, as_of, months, line)
    return Facts(partner, agreement, line, status, plan, quiet, tuple(portfolio.sector_entries_at(agreement, as_of)),
                 months)


def urgency(overdue_since: date | None, state: str, days_left: int | None, agreement_id: str) -> tuple:
    """`renew`'s order: overdue milestones first (the longest overdue first), then lapsed, then due soonest
    (fewest days left first); open-ended agreements (due for review) last."""
    return (0 if overdue_since is not None else 1, overdue_since or date.max, 0 if state == "lapsed" else 1,
            days_left if days_left is not None else 10**9, agreement_id)

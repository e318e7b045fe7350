"""The records: partners, their agreements, the agreements' terms and activities.

Plain dataclasses with no behaviour beyond small lookups; the rules that
read them live in `rules`, reading and writing them in `codec` and `store`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from coopctl.core.dates import Duration, PartialDate

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")

FOREIGN_KINDS = ("foreign-local-gov", "foreign-institution", "international-org")
DOMESTIC_KINDS = ("domestic-region", "third-party", "central-gov")
PARTNER_KINDS = FOREIGN_KINDS + DOMESTIC_KINDS
LEVELS = ("state", "province", "prefecture", "city", "regency", "org", "university", "company", "ngo")
AGREEMENT_TYPES = ("sister-province", "sister-city", "mou", "loi", "pks", "action-plan", "programme", "other")
ACTIVITY_TYPES = (
    "visit-in", "visit-out", "meeting", "training", "exchange", "grant",
    "event", "trade-mission", "evaluation", "report", "note",
)
STATES = ("upcoming", "active", "due", "renewing", "lapsed", "terminated")


def is_slug(text: str) -> bool:
    """Lowercase letters, digits and inner `-`, 1 to 64 characters."""
    return bool(SLUG.match(text))


def kind_group(kind: str) -> str:
    """`foreign` (KSDPL/KSDLL) or `domestic` (KSDD/KSDPK), which set the default notice."""
    return "foreign" if kind in FOREIGN_KINDS else "domestic"


@dataclass(slots=True)
class Term:
    """One validity period. No `end`: runs until the next term starts, or open-ended if last."""

    start: PartialDate
    end: PartialDate | None = None
    signed: PartialDate | None = None
    pending: bool = False
    number: str | None = None
    place: str | None = None
    note: str | None = None


@dataclass(slots=True)
class Activity:
    date: PartialDate
    sector: str
    summary: str
    type: str = "note"
    participants: int | None = None
    value: int | None = None
    currency: str | None = None
    source: str | None = None


@dataclass(slots=True)
class Milestone:
    """A renewal step recorded as done (or, with `undone`, as not done after all).

    Records are only ever added: the last one for a step counts. `term_end` is
    the end of the term whose renewal the step belongs to (as the term writes it).
    """

    id: str
    date: PartialDate
    term_end: PartialDate | None = None
    ref: str | None = None
    note: str | None = None
    undone: bool = False


@dataclass(slots=True)
class AgreementSector:
    """A sector an agreement covers, optionally since when and on what basis."""

    id: str
    since: PartialDate | None = None
    until: PartialDate | None = None
    basis: str | None = None


@dataclass(slots=True)
class Agreement:
    id: str
    partner_id: str
    title: str
    type: str
    sectors: list[AgreementSector] = field(default_factory=list)
    unit: str | None = None
    notice: Duration | None = None
    terminated: PartialDate | None = None
    termination_reason: str | None = None
    notes: str | None = None
    sources: list[str] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    procedure: str | None = None  # a procedure in the settings; None: the one for the partner's kind
    milestones: list[Milestone] = field(default_factory=list)

    def sector_ids(self) -> list[str]:
        """The sectors covered now (those not removed)."""
        return [s.id for s in self.sectors if s.until is None]

    def open_sector(self, sector_id: str) -> AgreementSector | None:
        return next((s for s in self.sectors if s.id == sector_id and s.until is None), None)

    def pending_term(self) -> Term | None:
        return next((t for t in self.terms if t.pending), None)

    def signed_terms(self) -> list[Term]:
        return sorted((t for t in self.terms if not t.pending), key=lambda t: t.start.first_day())


@dataclass(slots=True)
class Contact:
    name: str
    role: str | None = None
    email: str | None = None
    phone: str | None = None


@dataclass(slots=True)
class Partner:
    id: str
    name: str
    kind: str
    country: str | None = None
    local_name: str | None = None
    level: str | None = None
    since: PartialDate | None = None
    notes: str | None = None
    sources: list[str] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    agreements: list[Agreement] = field(default_factory=list)


@dataclass(slots=True)
class CustomSector:
    """A sector a store adds to the built-in vocabulary."""

    id: str
    label: str
    label_id: str | None = None
    aliases: list[str] = field(default_factory=list)
    parent: str | None = None


DEFAULT_NOTICE = {"foreign": Duration(18, "m"), "domestic": Duration(6, "m")}


@dataclass(frozen=True)
class Step:
    """One milestone of a renewal procedure: due `before` the end of the term being renewed."""

    id: str
    before: Duration
    label: str | None = None  # None: the built-in label for the id (see playbook.STEP_LABELS)


def default_procedures() -> dict[str, list[Step]]:
    """Research notes §3: foreign (KSDPL/KSDLL) and domestic (KSDD/KSDPK) renewals, months before the end."""
    def steps(*pairs: tuple[str, int]) -> list[Step]:
        return [Step(sid, Duration(months, "m")) for sid, months in pairs]

    return {
        "foreign": steps(("evaluation", 15), ("draft", 12), ("dprd-letter", 10), ("dprd-approval", 8),
                         ("ministry-approval", 4), ("signing", 1)),
        "domestic": steps(("evaluation", 6), ("draft", 4), ("dprd-approval", 3), ("signing", 1)),
    }


@dataclass
class Settings:
    owner: str
    notice: dict[str, Duration] = field(default_factory=lambda: dict(DEFAULT_NOTICE))
    sectors: list[CustomSector] = field(default_factory=list)
    dormant_months: int | None = None  # None: the default, 12
    stalled_months: int | None = None  # None: the default, 24
    review_months: int | None = None  # None: the default, 60 (open-ended agreements)
    procedures: dict[str, list[Step]] = field(default_factory=default_procedures)
    lang: str | None = None  # the language coopctl speaks for this store ("id"); None: from the environment

    def notice_for(self, kind: str) -> Duration:
        """The default notice window for a partner kind: by kind, else by group."""
        return self.notice.get(kind) or self.notice.get(kind_group(kind)) or DEFAULT_NOTICE[kind_group(kind)]

    def procedure_name(self, kind: str, named: str | None = None) -> str:
        """The renewal procedure: the one an agreement names, else the one for the kind, else for its group."""
        if named:
            return named
        return kind if kind in self.procedures else kind_group(kind)


@dataclass
class Store:
    """A loaded store: its settings and partners, keyed by id."""

    settings: Settings
    partners: dict[str, Partner] = field(default_factory=dict)

    def agreements(self) -> list[Agreement]:
        return [a for p in self.partners.values() for a in p.agreements]

    def find_agreement(self, agreement_id: str) -> Agreement | None:
        for partner in self.partners.values():
            for agreement in partner.agreements:
                if agreement.id == agreement_id:
                    return agreement
        return None

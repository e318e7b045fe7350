"""The records: partners, their agreements, the agreements' terms and activities.

Plain dataclasses with no behaviour beyond small lookups; the rules that
read them live in `rules`, reading and writing them in `codec` and `store`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from coopctl.dates import Duration, PartialDate

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


@dataclass
class Term:
    """One validity period. No `end`: runs until the next term starts, or open-ended if last."""

    start: PartialDate
    end: PartialDate | None = None
    signed: PartialDate | None = None
    pending: bool = False
    number: str | None = None
    place: str | None = None
    note: str | None = None


@dataclass
class Activity:
    date: PartialDate
    sector: str
    summary: str
    type: str = "note"
    participants: int | None = None
    value: int | None = None
    currency: str | None = None
    source: str | None = None


@dataclass
class AgreementSector:
    """A sector an agreement covers, optionally since when and on what basis."""

    id: str
    since: PartialDate | None = None
    until: PartialDate | None = None
    basis: str | None = None


@dataclass
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

    def sector_ids(self) -> list[str]:
        """The sectors covered now (those not removed)."""
        return [s.id for s in self.sectors if s.until is None]

    def open_sector(self, sector_id: str) -> AgreementSector | None:
        return next((s for s in self.sectors if s.id == sector_id and s.until is None), None)

    def pending_term(self) -> Term | None:
        return next((t for t in self.terms if t.pending), None)

    def signed_terms(self) -> list[Term]:
        return sorted((t for t in self.terms if not t.pending), key=lambda t: t.start.first_day())


@dataclass
class Contact:
    name: str
    role: str | None = None
    email: str | None = None
    phone: str | None = None


@dataclass
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


@dataclass
class CustomSector:
    """A sector a store adds to the built-in vocabulary."""

    id: str
    label: str
    label_id: str | None = None
    aliases: list[str] = field(default_factory=list)
    parent: str | None = None


DEFAULT_NOTICE = {"foreign": Duration(18, "m"), "domestic": Duration(6, "m")}


@dataclass
class Settings:
    owner: str
    notice: dict[str, Duration] = field(default_factory=lambda: dict(DEFAULT_NOTICE))
    sectors: list[CustomSector] = field(default_factory=list)
    dormant_months: int | None = None  # None: the default, 12
    stalled_months: int | None = None  # None: the default, 24

    def notice_for(self, kind: str) -> Duration:
        """The default notice window for a partner kind: by kind, else by group."""
        return self.notice.get(kind) or self.notice.get(kind_group(kind)) or DEFAULT_NOTICE[kind_group(kind)]


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

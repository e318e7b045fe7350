"""The records: partners, their agreements, the agreements' terms, milestones and activities.

Frozen: a record never changes once made. Each is a named tuple: a change
makes a new record (`record._replace(field=value)`, or the small `with_*`
helpers below) and hands the new partner to the transaction in one call
(`tx.put(partner)`), so no change can be made and then forgotten.
Collections are tuples. Frozen records may be shared: the reader gives one
object to equal sector entries and dates. (Named tuples rather than frozen
dataclasses because a large store is millions of them: a tuple is made in C,
several times faster, which is most of what reading a cached store costs.)

The rules that read records live in `rules`, `playbook`, `portfolio` and
`facts`; reading and writing them in `coopctl.storage`.
"""

from dataclasses import dataclass, field
from functools import cached_property
from typing import Mapping, NamedTuple

from coopctl.core.dates import Duration, PartialDate

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


def kind_group(kind: str) -> str:
    """`foreign` (KSDPL/KSDLL) or `domestic` (KSDD/KSDPK), which set the default notice."""
    return "foreign" if kind in FOREIGN_KINDS else "domestic"


class Term(NamedTuple):
    """One validity period. No `end`: runs until the next term starts, or open-ended if last."""

    start: PartialDate
    end: PartialDate | None = None
    signed: PartialDate | None = None
    pending: bool = False
    number: str | None = None
    place: str | None = None
    note: str | None = None


class Activity(NamedTuple):
    date: PartialDate
    sector: str
    summary: str
    type: str = "note"
    participants: int | None = None
    value: int | None = None
    currency: str | None = None
    source: str | None = None


class Milestone(NamedTuple):
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


class AgreementSector(NamedTuple):
    """A sector an agreement covers, optionally since when and on what basis."""

    id: str
    since: PartialDate | None = None
    until: PartialDate | None = None
    basis: str | None = None


class Agreement(NamedTuple):
    id: str
    partner_id: str
    title: str
    type: str
    sectors: tuple[AgreementSector, ...] = ()
    unit: str | None = None
    notice: Duration | None = None
    terminated: PartialDate | None = None
    termination_reason: str | None = None
    notes: str | None = None
    sources: tuple[str, ...] = ()
    terms: tuple[Term, ...] = ()
    activities: tuple[Activity, ...] = ()
    procedure: str | None = None  # a procedure in the settings; None: the one for the partner's kind
    milestones: tuple[Milestone, ...] = ()
    # what an imported sheet held beyond coopctl's fields: (column, its values), in the sheet's order
    extra: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def sector_ids(self) -> list[str]:
        """The sectors covered now (those not removed)."""
        return [s.id for s in self.sectors if s.until is None]

    def open_sector(self, sector_id: str) -> AgreementSector | None:
        return next((s for s in self.sectors if s.id == sector_id and s.until is None), None)

    def pending_term(self) -> Term | None:
        return next((t for t in self.terms if t.pending), None)

    def signed_terms(self) -> list[Term]:
        return sorted((t for t in self.terms if not t.pending), key=_term_start)


def _term_start(term: Term):
    return term.start.first


class Contact(NamedTuple):
    name: str
    role: str | None = None
    email: str | None = None
    phone: str | None = None


class Partner(NamedTuple):
    id: str
    name: str
    kind: str
    country: str | None = None
    local_name: str | None = None
    level: str | None = None
    since: PartialDate | None = None
    notes: str | None = None
    sources: tuple[str, ...] = ()
    contacts: tuple[Contact, ...] = ()
    agreements: tuple[Agreement, ...] = ()

    def with_agreement(self, agreement: Agreement) -> "Partner":
        """This partner with `agreement` replacing the one of the same id, or added after the others."""
        kept = tuple(agreement if a.id == agreement.id else a for a in self.agreements)
        if not any(a.id == agreement.id for a in self.agreements):
            kept += (agreement,)
        return self._replace(agreements=kept)

    def without_agreement(self, agreement_id: str) -> "Partner":
        return self._replace(agreements=tuple(a for a in self.agreements if a.id != agreement_id))


class CustomSector(NamedTuple):
    """A sector a store adds to the built-in vocabulary."""

    id: str
    label: str
    label_id: str | None = None
    aliases: tuple[str, ...] = ()
    parent: str | None = None


DEFAULT_NOTICE = {"foreign": Duration(18, "m"), "domestic": Duration(6, "m")}
DEFAULT_DORMANT_MONTHS = 12
DEFAULT_STALLED_MONTHS = 24
DEFAULT_REVIEW_MONTHS = 60


class Step(NamedTuple):
    """One milestone of a renewal procedure: due `before` the end of the term being renewed."""

    id: str
    before: Duration
    label: str | None = None  # None: the built-in label for the id (see playbook.STEP_LABELS)


def default_procedures() -> dict[str, tuple[Step, ...]]:
    """Research notes §3: foreign (KSDPL/KSDLL) and domestic (KSDD/KSDPK) renewals, months before the end."""
    def steps(*pairs: tuple[str, int]) -> tuple[Step, ...]:
        return tuple(Step(sid, Duration(months, "m")) for sid, months in pairs)

    return {
        "foreign": steps(("evaluation", 15), ("draft", 12), ("dprd-letter", 10), ("dprd-approval", 8),
                         ("ministry-approval", 4), ("signing", 1)),
        "domestic": steps(("evaluation", 6), ("draft", 4), ("dprd-approval", 3), ("signing", 1)),
    }


@dataclass(frozen=True)
class Settings:
    """The store's settings file. Its mappings are never changed in place: `replace` makes new settings."""

    owner: str
    notice: Mapping[str, Duration] = field(default_factory=lambda: dict(DEFAULT_NOTICE))
    sectors: tuple[CustomSector, ...] = ()
    dormant_months: int | None = None  # None: the default, 12
    stalled_months: int | None = None  # None: the default, 24
    review_months: int | None = None  # None: the default, 60 (open-ended agreements)
    procedures: Mapping[str, tuple[Step, ...]] = field(default_factory=default_procedures)
    lang: str | None = None  # the language coopctl speaks for this store ("id"); None: from the environment
    # a phrase a person accepted for one or more sectors ("trade and investment" -> trade, investment)
    sector_aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def notice_for(self, kind: str) -> Duration:
        """The default notice window for a partner kind: by kind, else by group."""
        return self.notice.get(kind) or self.notice.get(kind_group(kind)) or DEFAULT_NOTICE[kind_group(kind)]

    def procedure_name(self, kind: str, named: str | None = None) -> str:
        """The renewal procedure: the one an agreement names, else the one for the kind, else for its group."""
        if named:
            return named
        return kind if kind in self.procedures else kind_group(kind)

    def steps(self, kind: str, named: str | None = None) -> tuple[Step, ...]:
        return tuple(self.procedures.get(self.procedure_name(kind, named), ()))

    @property
    def dormant_after(self) -> int:
        return self.dormant_months or DEFAULT_DORMANT_MONTHS

    @property
    def stalled_after(self) -> int:
        return self.stalled_months or DEFAULT_STALLED_MONTHS

    @property
    def review_every(self) -> int:
        return self.review_months or DEFAULT_REVIEW_MONTHS

    @cached_property
    def timetables(self) -> dict:
        """(procedure, term end) -> the procedure's timetable for that end (`playbook.schedule`), made once:
        many agreements of a large store end on the same day."""
        return {}


class Store:
    """A loaded store: its settings and partners, keyed by id (in file order). Never changed in place."""

    __slots__ = ("settings", "partners", "_homes")

    def __init__(self, settings: Settings, partners: Mapping[str, Partner] | None = None):
        self.settings = settings
        self.partners: Mapping[str, Partner] = dict(partners or {})
        self._homes: dict[str, str] | None = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Store) and (self.settings, self.partners) == (other.settings, other.partners)

    __hash__ = None  # type: ignore[assignment]

    def agreements(self) -> list[Agreement]:
        return [a for p in self.partners.values() for a in p.agreements]

    def find_agreement(self, agreement_id: str) -> Agreement | None:
        if self._homes is None:
            self._homes = {a.id: p.id for p in self.partners.values() for a in p.agreements}
        home = self._homes.get(agreement_id)
        if home is None:
            return None
        return next((a for a in self.partners[home].agreements if a.id == agreement_id), None)

    def with_partners(self, changed: Mapping[str, Partner], settings: Settings | None = None) -> "Store":
        """A new store with these partners added or replaced (and new settings, if given)."""
        return Store(settings or self.settings, {**self.partners, **changed})

    def without_partner(self, partner_id: str) -> "Store":
        return Store(self.settings, {k: v for k, v in self.partners.items() if k != partner_id})

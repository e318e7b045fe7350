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
# The documents of regional cooperation (Permendagri 22/2020 and 25/2020): a Kesepakatan Bersama (KB) and the
# Perjanjian Kerja Sama (PKS) that implements it, a Nota Kesepahaman (MoU), a letter of intent, and the rest.
AGREEMENT_TYPES = ("kb", "pks", "mou", "loi", "sister-province", "sister-city", "agreement", "action-plan",
                   "programme", "other")
ACTIVITY_TYPES = (
    "visit-in", "visit-out", "meeting", "training", "exchange", "grant",
    "event", "trade-mission", "evaluation", "report", "note",
)
STATES = ("upcoming", "proposed", "intent", "active", "due", "renewing", "lapsed", "terminated")
# The legal categories of PP 28/2018, by the partner's kind; "none": not regional cooperation at all (a
# central-government programme the region takes part in, such as the RI-UNICEF CPAP).
CATEGORIES = ("KSDPL", "KSDLL", "KSDD", "KSDPK", "none")
CATEGORY_OF_KIND = {
    "foreign-local-gov": "KSDPL", "foreign-institution": "KSDLL", "international-org": "KSDLL",
    "domestic-region": "KSDD", "third-party": "KSDPK", "central-gov": "none",
}
# The procedure each category follows unless the agreement or the store names another (see playbook).
PROCEDURE_OF_CATEGORY = {"KSDPL": "foreign", "KSDLL": "foreign", "KSDD": "domestic", "KSDPK": "domestic",
                         "none": "central"}
# What a record may say is assumed (not in a source): shown with a mark, and listed in JSON.
ASSUMABLE = ("start", "end", "signed", "since", "date", "sector", "place", "number")


def kind_group(kind: str) -> str:
    """`foreign` (KSDPL/KSDLL) or `domestic` (KSDD/KSDPK), which set the default notice."""
    return "foreign" if kind in FOREIGN_KINDS else "domestic"


def category_of(kind: str, override: str | None = None) -> str:
    """An agreement's legal category: its own, else the one its partner's kind gives."""
    return override or CATEGORY_OF_KIND.get(kind, "none")


class Term(NamedTuple):
    """One validity period. No `end`: runs until the next term starts, or open-ended if last.

    `pending`: recorded, not signed yet; `recorded`: the day a pending term was recorded (the renewal was
    under way from then, at the latest). `lapse_before`: the store knows nothing was in force between the
    previous term's end and this start (otherwise such a stretch is unknown, not a lapse). `assumed`: which
    of its values no source gives (`start`, `end`, `signed`, ...). `number` is the region's number of the
    signed text, `partner_number` the partner's."""

    start: PartialDate
    end: PartialDate | None = None
    signed: PartialDate | None = None
    pending: bool = False
    number: str | None = None
    place: str | None = None
    note: str | None = None
    recorded: PartialDate | None = None
    lapse_before: bool = False
    assumed: tuple[str, ...] = ()
    signatories: tuple[str, ...] = ()  # who signed, in the text's order ("Gubernur Jawa Timur", "Premier of ...")
    partner_number: str | None = None  # the partner's own number for the same text (`number` is ours)


class Activity(NamedTuple):
    date: PartialDate
    sector: str
    summary: str
    type: str = "note"
    participants: int | None = None
    value: int | None = None
    currency: str | None = None
    source: str | None = None
    assumed: tuple[str, ...] = ()  # which of `date`, `sector` no source gives


class Milestone(NamedTuple):
    """A step of the procedure recorded as done (or, with `undone`, as not done after all; with `not_needed`,
    as not needed: a conditional step that does not apply, such as a domestic DPRD approval).

    Records are only ever added: the last one for a step counts. `term_end` is
    the end of the term whose renewal the step belongs to (as the term writes it);
    none for the steps towards a first agreement.
    """

    id: str
    date: PartialDate
    term_end: PartialDate | None = None
    ref: str | None = None
    note: str | None = None
    undone: bool = False
    not_needed: bool = False


# What a stored document is (`coopctl attach --kind`); core.lexicon.DOCUMENT_KINDS has their labels.
DOCUMENT_KINDS = ("signed-text", "draft", "rks", "dprd-letter", "dprd-approval", "verification", "ministry-approval",
                  "full-powers", "evaluation", "minutes", "report", "other")
# The steps whose doing normally produces a letter the archive should hold (`docs --missing`).
LETTER_STEPS = ("dprd-approval", "ministry-approval", "full-powers")


class Document(NamedTuple):
    """A file kept in the store (`documents/ab/<sha256>.<ext>`, named by its content) and what it is.

    `name`: the file's original name, cleaned; `term_start`: the start of the term it belongs to (None: the
    agreement as a whole); `step`: the milestone step it documents, if any."""

    kind: str
    name: str
    size: int
    sha256: str
    media_type: str | None = None
    number: str | None = None
    date: PartialDate | None = None
    title: str | None = None
    term_start: PartialDate | None = None
    step: str | None = None


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
    procedure: str | None = None  # a procedure in the settings; None: the one for its category
    milestones: tuple[Milestone, ...] = ()
    under: str | None = None  # the agreement it implements: a PKS under its KB, an MoU under a sister agreement
    category: str | None = None  # its legal category when not the one its partner's kind gives (CATEGORIES)
    documents: tuple[Document, ...] = ()  # the files kept with it (`coopctl attach`)
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
    assumed: tuple[str, ...] = ()  # which of its values no source gives (`since`)

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
DEFAULT_MAX_TERM_YEARS = 5  # Permendagri 22/2020: a KSDD/KSDPK term is at most 5 years, renewable


class Step(NamedTuple):
    """One step of a procedure: due `before` the end of the term being renewed (a negative span: after it).

    `conditional`: it may be recorded as not needed. `assumed`: no source gives its offset (shown so)."""

    id: str
    before: Duration
    label: str | None = None  # None: the built-in label for the id (see playbook.STEP_LABELS)
    conditional: bool = False
    assumed: bool = False


def default_procedures() -> dict[str, tuple[Step, ...]]:
    """The procedures of the regulation (research/domain.md §1.2 and its review notes), as steps due some months
    before the end of the term being renewed:

    - foreign (KSDPL, KSDLL; Permendagri 25/2020): RKS, then DPRD approval, verification by the Ministry of Home
      Affairs, the draft text, negotiation with the partner (with the interministerial meeting and the Foreign
      Ministry's consideration), the Minister of Home Affairs' approval, full powers from the Foreign Minister,
      signing; reporting after it. DPRD approval 12 months before the end (Western Australia took about 10
      months from it to the signing).
    - domestic (KSDD, KSDPK; Permendagri 22/2020): offer, Kesepakatan Bersama signed, DPRD approval only where
      the cooperation burdens the public or is not in the current APBD (conditional), PKS drafted and signed,
      administration (penatausahaan), reporting (pelaporan). No source gives their offsets: assumed.
    - central (a central-government programme: no regional DPRD procedure): an evaluation, and nothing else.
    """
    def steps(*rows: tuple) -> tuple[Step, ...]:
        return tuple(Step(sid, Duration(months, "m"), None, *flags) for sid, months, *flags in rows)

    return {
        "foreign": steps(("evaluation", 18), ("rks", 16), ("dprd-letter", 14), ("dprd-approval", 12),
                         ("verification", 10), ("draft", 9), ("negotiation", 7), ("ministry-approval", 3),
                         ("full-powers", 2), ("signing", 1), ("reporting", -1)),
        "domestic": steps(("evaluation", 6, False, True), ("offer", 5, False, True), ("kb-signed", 4, False, True),
                          ("dprd-approval", 3, True, True), ("pks-draft", 2, False, True),
                          ("pks-signed", 1, False, True), ("administration", -1, False, True),
                          ("reporting", -2, False, True)),
        "central": steps(("evaluation", 6, False, True)),
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
    max_term_years: int | None = None  # None: the default, 5 (a longer term is accepted with a warning)

    def notice_for(self, kind: str) -> Duration:
        """The default notice window for a partner kind: by kind, else by group."""
        return self.notice.get(kind) or self.notice.get(kind_group(kind)) or DEFAULT_NOTICE[kind_group(kind)]

    def procedure_name(self, kind: str, named: str | None = None, category: str | None = None) -> str:
        """The procedure an agreement follows: the one it names, else one the store defines for its partner's
        kind, else the one for its legal category (foreign, domestic or central)."""
        if named:
            return named
        if kind in self.procedures:
            return kind
        return PROCEDURE_OF_CATEGORY[category_of(kind, category)]

    @property
    def dormant_after(self) -> int:
        return self.dormant_months or DEFAULT_DORMANT_MONTHS

    @property
    def stalled_after(self) -> int:
        return self.stalled_months or DEFAULT_STALLED_MONTHS

    @property
    def review_every(self) -> int:
        return self.review_months or DEFAULT_REVIEW_MONTHS

    @property
    def longest_term(self) -> int:
        """The longest term, in years, the store's policy expects (longer ones are warned about)."""
        return self.max_term_years or DEFAULT_MAX_TERM_YEARS

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

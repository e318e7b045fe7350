"""The store's checks: a closed list of plain functions, each from records to findings.

`PARTNER_CHECKS` look at one partner (with the settings it is read under);
`STORE_CHECKS` look across partners. Loading runs them (the partner checks
once per file read, so a file taken from the cache was checked when it was
cached), and so does every change before it is written: `add`, `import` and
the rest can never write what `check` would refuse. A finding names its
place by the path of the value in the partner's data, which the loader turns
into `file:line:column`.

The type and shape of each value (a date, a known key, a slug) are checked
as a file is read (`storage.decode`); these are the rules between values.

`WARNINGS` are what `check` reports without refusing the store: things an
officer should look at (a PKS that outlives its Kesepakatan Bersama, a step
record no procedure knows), that a store may hold while the facts are being
gathered. Some depend on the as-of date (a child in force under a lapsed
parent).
"""

from datetime import date
from typing import Callable, Iterator, NamedTuple

from coopctl.core import playbook, rules
from coopctl.core.dates import (MAX_DAY, MAX_DAYS, MAX_MONTHS, MIN_DAY, UNKNOWN_DAY, Duration, PartialDate, add_months,
                                 in_range)
from coopctl.core.records import Agreement, Partner, Settings, Store, category_of
from coopctl.i18n import t


class Finding(NamedTuple):
    partner_id: str
    path: tuple  # of the value in the partner's data, e.g. ("agreements", 0, "terms", 1, "end")
    message: str


MAX_INTEGER = 2**63 - 1  # TOML's integers are 64-bit
PartnerCheck = Callable[[Settings, Partner], Iterator[Finding]]
StoreCheck = Callable[[Store], Iterator[Finding]]


def terms_in_order(settings: Settings, partner: Partner) -> Iterator[Finding]:
    """A term ends on or after its start, and is not both pending and signed; an agreement has a term; at most
    one term is pending."""
    for i, agreement in enumerate(partner.agreements):
        where = ("agreements", i)
        if not agreement.terms:
            yield Finding(partner.id, where, t("agreement '{id}' has no [[agreements.terms]]; give at least its start",
                                               id=agreement.id))
        for j, term in enumerate(agreement.terms):
            if term.pending and term.signed is not None:
                yield Finding(partner.id, where + ("terms", j, "pending"),
                              t("a term cannot be both pending and signed; clear one of the two"))
            if term.end is not None and term.end.last < term.start.first:
                yield Finding(partner.id, where + ("terms", j, "end"),
                              t("term ends ({end}) before it starts ({start})", end=term.end, start=term.start))
        if sum(term.pending for term in agreement.terms) > 1:
            yield Finding(partner.id, where, t("agreement '{id}' has more than one pending term", id=agreement.id))


def sector_history(settings: Settings, partner: Partner) -> Iterator[Finding]:
    """A sector is covered once at a time, and removed after it was added."""
    for i, agreement in enumerate(partner.agreements):
        open_ids: set[str] = set()
        for j, entry in enumerate(agreement.sectors):
            where = ("agreements", i, "sectors", j)
            if entry.until is None:
                if entry.id in open_ids:
                    yield Finding(partner.id, where, t("sector '{id}' is listed twice (give the earlier one an 'until' "
                                                       "if it was removed and added again)", id=entry.id))
                open_ids.add(entry.id)
            if entry.since is not None and entry.until is not None and entry.until.last < entry.since.first:
                yield Finding(partner.id, where, t("sector '{id}' is removed ({until}) before it was added ({since})",
                                                   id=entry.id, until=entry.until, since=entry.since))


def activity_sectors(settings: Settings, partner: Partner) -> Iterator[Finding]:
    """An activity is in one of its agreement's sectors."""
    for i, agreement in enumerate(partner.agreements):
        known = {s.id for s in agreement.sectors}
        for j, activity in enumerate(agreement.activities):
            if activity.sector and activity.sector not in known:
                yield Finding(partner.id, ("agreements", i, "activities", j, "sector"),
                              t("activity sector '{sector}' is not one of the agreement's sectors ({known})",
                                sector=activity.sector, known=", ".join(sorted(known)) or t("none")))


def known_procedures(settings: Settings, partner: Partner) -> Iterator[Finding]:
    """An agreement that names a procedure names one the settings define."""
    for i, agreement in enumerate(partner.agreements):
        if agreement.procedure is not None and agreement.procedure not in settings.procedures:
            yield Finding(partner.id, ("agreements", i, "procedure"),
                          t("procedure '{name}' is not in the settings (known: {known}); add [procedures.{name}] to "
                            "{file}", name=agreement.procedure, known=", ".join(settings.procedures),
                            file="coopctl.toml"))


def values_in_range(settings: Settings, partner: Partner) -> Iterator[Finding]:
    """Every date from 1900-01-01 to 9998-12-31 and every duration from 1 day to 20 years, wherever it is
    in the partner's records (a file's values are refused as it is read; this keeps records that a change or
    an import made to the same bounds)."""
    return _in_range(partner.id, partner, ())


def _in_range(partner_id: str, record: tuple, path: tuple) -> Iterator[Finding]:
    for name, value in zip(record._fields, record):  # type: ignore[attr-defined]
        kind = value.__class__
        if kind is PartialDate:
            if not in_range(value) and value is not UNKNOWN_DAY:
                yield Finding(partner_id, path + (name,), t("'{key}' is {value}, outside the dates coopctl keeps "
                                                            "({first} to {last})", key=name, value=value,
                                                            first=MIN_DAY, last=MAX_DAY))
        elif kind is Duration:
            if not 1 <= value.amount <= (MAX_DAYS if value.unit == "d" else MAX_MONTHS):
                yield Finding(partner_id, path + (name,), t("'{key}' is {value}; a duration is from 1 day to 20 years",
                                                            key=name, value=value))
        elif kind is int and not -MAX_INTEGER - 1 <= value <= MAX_INTEGER:
            yield Finding(partner_id, path + (name,), t("'{key}' is too large: a whole number in a store file is at "
                                                        "most {maximum}", key=name, maximum=MAX_INTEGER))
        elif kind is tuple and value and hasattr(value[0], "_fields"):
            for i, item in enumerate(value):
                yield from _in_range(partner_id, item, path + (name, i))


def unique_agreement_ids(store: Store) -> Iterator[Finding]:
    """An agreement id is used once in the whole store (the first partner, in the store's order, keeps it), and is
    no partner's id (`show ID` could show only one of the two)."""
    seen: dict[str, str] = {}
    partners = store.partners
    for partner_id, partner in partners.items():
        for i, agreement in enumerate(partner.agreements):
            if agreement.id in seen:
                yield Finding(partner_id, ("agreements", i, "id"),
                              t("agreement id '{id}' is already used in {file}", id=agreement.id,
                                file=f"partners/{seen[agreement.id]}.toml"))
            else:
                seen[agreement.id] = partner_id
            if agreement.id in partners:
                yield Finding(partner_id, ("agreements", i, "id"),
                              t("agreement id '{id}' is also the id of the partner in {file}; give one of them "
                                "another id", id=agreement.id, file=f"partners/{agreement.id}.toml"))


PARTNER_CHECKS: tuple[PartnerCheck, ...] = (terms_in_order, sector_history, activity_sectors, known_procedures,
                                             values_in_range)
STORE_CHECKS: tuple[StoreCheck, ...] = (unique_agreement_ids,)


# ---------------------------------------------------------------- warnings


Warning = Callable[[Store, date], Iterator[Finding]]


def _places(store: Store) -> Iterator[tuple[Partner, int, Agreement]]:
    for partner in store.partners.values():
        for i, agreement in enumerate(partner.agreements):
            yield partner, i, agreement


def parents_known(store: Store, as_of: date) -> Iterator[Finding]:
    """`under` names another agreement of the store, and following `under` never comes back."""
    for partner, i, agreement in _places(store):
        if agreement.under is None:
            continue
        where = ("agreements", i, "under")
        if agreement.under == agreement.id:
            yield Finding(partner.id, where, t("agreement '{id}' is under itself", id=agreement.id))
        elif store.find_agreement(agreement.under) is None:
            yield Finding(partner.id, where, t("agreement '{id}' is under '{parent}', which is not in the store",
                                               id=agreement.id, parent=agreement.under))
        else:
            seen, parent = {agreement.id}, store.find_agreement(agreement.under)
            while parent is not None and parent.under is not None and parent.id not in seen:
                seen.add(parent.id)
                parent = store.find_agreement(parent.under)
            if parent is not None and parent.id in seen:
                yield Finding(partner.id, where, t("agreement '{id}' is under '{parent}', which is (through others) "
                                                   "under '{id}'", id=agreement.id, parent=agreement.under))


def children_within_parents(store: Store, as_of: date) -> Iterator[Finding]:
    """A child's last term ends no later than its parent's (an open-ended child under a parent that ends runs
    past it)."""
    for partner, i, agreement in _places(store):
        parent = store.find_agreement(agreement.under) if agreement.under else None
        if parent is None or parent.id == agreement.id:
            continue
        mine, theirs = rules.timeline(agreement), rules.timeline(parent)
        if not mine.ends or not theirs.ends or theirs.ends[-1] is None:
            continue
        end, parent_end = mine.ends[-1], theirs.ends[-1]
        if end is None or end > parent_end:
            yield Finding(partner.id, ("agreements", i, "terms"), t(
                "{id} runs to {end}, past the end of {parent} it is under ({parent_end}); renew {parent}, or record "
                "the end of {id}", id=agreement.id, end=end.isoformat() if end else t("open-ended"),
                parent=parent.id, parent_end=parent_end.isoformat()))


def children_of_ended_parents(store: Store, as_of: date) -> Iterator[Finding]:
    """A child in force on the as-of date under a parent that had lapsed or been terminated by then."""
    settings = store.settings
    kinds = {a.id: p.kind for p in store.partners.values() for a in p.agreements}
    for partner, i, agreement in _places(store):
        parent = store.find_agreement(agreement.under) if agreement.under else None
        if parent is None or parent.id == agreement.id:
            continue
        state = rules.status(agreement, partner.kind, settings, as_of).state
        parent_state = rules.status(parent, kinds[parent.id], settings, as_of).state
        if state in rules.IN_FORCE and parent_state in ("lapsed", "terminated"):
            yield Finding(partner.id, ("agreements", i, "under"), t(
                "{id} is in force on {date} under {parent}, which is {state} then", id=agreement.id,
                date=as_of.isoformat(), parent=parent.id, state=parent_state))


def pks_under_kb(store: Store, as_of: date) -> Iterator[Finding]:
    """A domestic PKS (KSDD, KSDPK) implements a Kesepakatan Bersama: it is under a KB."""
    for partner, i, agreement in _places(store):
        if agreement.type != "pks" or category_of(partner.kind, agreement.category) not in ("KSDD", "KSDPK"):
            continue
        parent = store.find_agreement(agreement.under) if agreement.under else None
        if parent is None or parent.type != "kb":
            yield Finding(partner.id, ("agreements", i, "type"), t(
                "PKS {id} is not under a Kesepakatan Bersama (KB); record the KB it implements: under = \"KB_ID\"",
                id=agreement.id))


def milestone_steps_known(store: Store, as_of: date) -> Iterator[Finding]:
    """Each milestone record names a step of the agreement's procedure (an old step id that maps to one counts)."""
    settings = store.settings
    for partner, i, agreement in _places(store):
        if not agreement.milestones:
            continue
        name = settings.procedure_name(partner.kind, agreement.procedure, agreement.category)
        steps = tuple(step.id for step in playbook.steps_for(settings, name, agreement))
        old = playbook.STEP_ALIASES.get(name, {})
        for j, record in enumerate(agreement.milestones):
            if record.id not in steps and old.get(record.id) not in steps:
                yield Finding(partner.id, ("agreements", i, "milestones", j, "id"), t(
                    "milestone '{step}' is not a step of the '{procedure}' procedure that {id} follows (steps: "
                    "{steps}); it is not counted", step=record.id, procedure=name, id=agreement.id,
                    steps=", ".join(steps) or t("none")))


def term_too_long(settings: Settings, term) -> str | None:
    """Why a term runs longer than the store's policy (`max_term_years`, 5 by default), or None. Partial dates
    count at their shortest (a term `2017-09..2022-09` is five years), so only a term surely too long is named."""
    if term.end is None:
        return None
    years = settings.longest_term
    if term.end.first <= add_months(term.start.last, 12 * years):  # 2021-06-03..2026-06-03 is five years
        return None
    return t("the term {start}..{end} runs longer than {years} years, the store's policy (max_term_years in "
             "coopctl.toml); check the dates", start=term.start, end=term.end, years=years)


def long_terms(store: Store, as_of: date) -> Iterator[Finding]:
    """A term longer than the store's policy: accepted (an agreement may say so), but worth a look."""
    for partner, i, agreement in _places(store):
        for j, term in enumerate(agreement.terms):
            why = term_too_long(store.settings, term)
            if why:
                yield Finding(partner.id, ("agreements", i, "terms", j, "end"), t("{id}: {why}", id=agreement.id,
                                                                               why=why))


def future_activities(store: Store, as_of: date) -> Iterator[Finding]:
    """An activity dated after the as-of date: planned, or a typing mistake; not yet done either way."""
    for partner, i, agreement in _places(store):
        for j, activity in enumerate(agreement.activities):
            if activity.date.first > as_of:
                yield Finding(partner.id, ("agreements", i, "activities", j, "date"), t(
                    "an activity under {id} is dated {date}, after {as_of}: it is not counted until then",
                    id=agreement.id, date=activity.date, as_of=as_of.isoformat()))


WARNINGS: tuple[Warning, ...] = (parents_known, children_within_parents, children_of_ended_parents, pks_under_kb,
                                 milestone_steps_known, long_terms, future_activities)


def warnings(store: Store, as_of: date) -> list[Finding]:
    return [finding for check in WARNINGS for finding in check(store, as_of)]


def check_partner(settings: Settings, partner: Partner) -> list[Finding]:
    return [finding for check in PARTNER_CHECKS for finding in check(settings, partner)]


def check_store(store: Store) -> list[Finding]:
    return [finding for check in STORE_CHECKS for finding in check(store)]

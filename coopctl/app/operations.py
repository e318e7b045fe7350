"""Changes to the store: add an agreement, record or sign a renewal, terminate, log, sectors, milestones.

Each function validates its input, makes new (frozen) records, hands each
changed partner to the transaction with `tx.put`, and returns one line saying
what changed. The transaction checks the whole result with `core.checks`
before anything is written. Errors name the field they are about (`field=`);
the interface says which option or form field that was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from coopctl.core.countries import resolve_country
from coopctl.core.dates import Duration, PartialDate
from coopctl.core.errors import CoopError, UsageError
from coopctl.core.ids import find_partner, is_slug, require_agreement, slugify
from coopctl.core.records import (
    ACTIVITY_TYPES,
    AGREEMENT_TYPES,
    PARTNER_KINDS,
    Activity,
    Agreement,
    AgreementSector,
    Milestone,
    Partner,
    Term,
)
from coopctl.core.rules import timeline
from coopctl.i18n import t
from coopctl.storage.transaction import Transaction


def _term_text(term: Term) -> str:
    return f"{term.start}..{term.end or t('open-ended')}"


def country_code(text: str) -> str:
    """An ISO 3166-1 alpha-2 code, in any case, or a country's name in English or Indonesian; refused otherwise."""
    return resolve_country(text)


@dataclass
class NewAgreement:
    partner: str
    title: str
    type: str
    start: PartialDate
    sectors: list[str]
    end: PartialDate | None = None
    signed: PartialDate | None = None
    pending: bool = False
    notice: Duration | None = None
    unit: str | None = None
    id: str | None = None
    country: str | None = None
    kind: str | None = None
    partner_id: str | None = None  # a new partner's id, where none can be made from its name


def add_agreement(tx: Transaction, new: NewAgreement) -> str:
    store = tx.store
    if new.type not in AGREEMENT_TYPES:
        raise UsageError(t("'{value}' is not a type; use one of: {choices}", value=new.type,
                           choices=", ".join(AGREEMENT_TYPES)), field="type")
    if not new.title.strip():
        raise UsageError(t("the title must not be empty"), field="title")
    if new.end is not None and new.end.last < new.start.first:
        raise CoopError(t("the end ({end}) is before the start ({start})", end=new.end, start=new.start), field="end")
    sectors: list[str] = []
    for text in new.sectors:
        for sector_id in tx.vocabulary.expand(text):  # a store's phrase may stand for several
            if sector_id not in sectors:
                sectors.append(sector_id)

    partner = find_partner(store, new.partner)
    if partner is not None and new.partner_id and new.partner_id != partner.id:
        raise UsageError(t("'{partner}' is the existing partner {id}; leave out the partner id or give {id}",
                           partner=new.partner, id=partner.id), field="partner_id")
    created = partner is None
    if partner is None:
        partner = _new_partner(tx, new)

    agreement_id = new.id or slugify(f"{partner.id}-{new.title}")
    if not is_slug(agreement_id):
        raise CoopError(t("agreement id '{id}' must be 1-64 lowercase letters, digits and '-' (a slug), "
                          "e.g. osaka-mou-2024", id=agreement_id), field="id")
    if store.find_agreement(agreement_id) is not None:
        raise CoopError(t("agreement id '{id}' is already used; choose another", id=agreement_id), field="id")

    term = Term(start=new.start, end=new.end, signed=new.signed, pending=new.pending)
    agreement = Agreement(
        id=agreement_id, partner_id=partner.id, title=new.title.strip(), type=new.type,
        sectors=tuple(AgreementSector(s) for s in sectors), unit=new.unit, notice=new.notice, terms=(term,),
    )
    tx.put(partner.with_agreement(agreement))
    made = t(" and new partner {id}", id=partner.id) if created else ""
    if new.pending:
        return t("add {id} ({type}) for {partner}{made}: pending {term}", id=agreement_id, type=new.type,
                 partner=partner.name, made=made, term=_term_text(term))
    return t("add {id} ({type}) for {partner}{made}: term {term}", id=agreement_id, type=new.type,
             partner=partner.name, made=made, term=_term_text(term))


def _new_partner(tx: Transaction, new: NewAgreement) -> Partner:
    missing = [name for name, value in (("country", new.country), ("kind", new.kind)) if not value]
    if new.kind == "international-org" and "country" in missing:
        missing.remove("country")
    if missing:
        raise UsageError(t("'{partner}' is not a partner yet; to create it give its {fields} (kinds: {kinds})",
                           partner=new.partner, fields=t(" and ").join(missing), kinds=", ".join(PARTNER_KINDS)),
                         field=missing[0])
    if new.kind not in PARTNER_KINDS:
        raise UsageError(t("'{value}' is not a partner kind; use one of: {choices}", value=new.kind,
                           choices=", ".join(PARTNER_KINDS)), field="kind")
    country = country_code(new.country) if new.country else None
    partner_id = new.partner_id or slugify(new.partner)
    if new.partner_id and not is_slug(new.partner_id):
        raise UsageError(t("partner id '{id}' must be 1-64 lowercase letters, digits and '-' (a slug), such as "
                           "'{suggestion}'", id=new.partner_id, suggestion=slugify(new.partner_id) or "gimcheon"),
                         field="partner_id")
    if not partner_id:
        raise UsageError(t("cannot make a partner id from '{name}'; give a name with letters or digits, or the "
                           "partner id", name=new.partner), field="partner_id")
    if partner_id in tx.store.partners:
        raise CoopError(t("partner id '{id}' is already used by '{name}'; give that partner's id or name", id=partner_id,
                          name=tx.store.partners[partner_id].name), field="partner")
    return Partner(id=partner_id, name=new.partner.strip(), kind=new.kind, country=country)


def record_renewal(
    tx: Transaction,
    agreement_id: str,
    until: PartialDate,
    start: PartialDate | None = None,
    signed: PartialDate | None = None,
    pending: bool = False,
) -> str:
    """Add a term after the last one: pending (renewal in process) or signed."""
    partner, agreement = require_agreement(tx.store, agreement_id)
    _refuse_terminated(agreement)
    if agreement.pending_term() is not None:
        raise CoopError(t("{id} already has a pending term ({term}); sign it with 'coopctl renew {id} --signed DATE'",
                          id=agreement.id, term=_term_text(agreement.pending_term())))
    line = timeline(agreement)
    last_end = line.ends[-1] if line.ends else None
    if start is None:
        if line.signed and last_end is None:
            raise UsageError(t("{id} is open-ended; say when the new term starts", id=agreement.id), field="from")
        if last_end is None:
            raise UsageError(t("say when the new term starts: the agreement has no signed term to follow"),
                             field="from")
        start = PartialDate.from_date(last_end + timedelta(days=1))
    if until.last < start.first:
        raise CoopError(t("the new term's end ({until}) is before its start ({start})", until=until, start=start),
                        field="until")
    if last_end is not None and start.first <= last_end:
        raise CoopError(t("the new term would start {start}, inside the current term (to {end}); "
                          "start it after that, or record a term that follows", start=start, end=last_end),
                        field="from")
    term = Term(start=start, end=until, signed=None if pending else signed, pending=pending)
    tx.put(partner.with_agreement(agreement._replace(terms=agreement.terms + (term,))))
    if pending:
        return t("renew {id}: pending term {term}", id=agreement.id, term=_term_text(term))
    return t("renew {id}: signed term {term}", id=agreement.id, term=_term_text(term))


def sign_pending(tx: Transaction, agreement_id: str, signed: PartialDate) -> str:
    partner, agreement = require_agreement(tx.store, agreement_id)
    _refuse_terminated(agreement)
    term = agreement.pending_term()
    if term is None:
        raise UsageError(t("{id} has no pending term to sign; to record a new term give its end", id=agreement.id),
                         field="until")
    done = term._replace(pending=False, signed=signed)
    tx.put(partner.with_agreement(agreement._replace(terms=tuple(done if x is term else x for x in agreement.terms))))
    return t("renew {id}: term {term} signed {signed}", id=agreement.id, term=_term_text(done), signed=signed)


def terminate(tx: Transaction, agreement_id: str, when: PartialDate, reason: str | None) -> str:
    partner, agreement = require_agreement(tx.store, agreement_id)
    _refuse_terminated(agreement)
    first = min((t.start.first for t in agreement.terms), default=None)
    if first is not None and when.last < first:
        raise CoopError(t("the date {date} is before the agreement's first term starts ({first})", date=when,
                          first=first), field="date")
    tx.put(partner.with_agreement(agreement._replace(terminated=when, termination_reason=reason or None)))
    if reason:
        return t("terminate {id} on {date}: {reason}", id=agreement.id, date=when, reason=reason)
    return t("terminate {id} on {date}", id=agreement.id, date=when)


def _refuse_terminated(agreement: Agreement) -> None:
    if agreement.terminated is not None:
        raise CoopError(t("{id} was terminated on {date}; its history stays, but it takes no new terms",
                          id=agreement.id, date=agreement.terminated))


def log_activity(
    tx: Transaction,
    agreement_id: str,
    summary: str,
    when: PartialDate,
    sector: str,
    kind: str = "note",
    participants: int | None = None,
    value: int | None = None,
    currency: str | None = None,
    source: str | None = None,
) -> str:
    """Record something done under an agreement, in one of its sectors."""
    partner, agreement = require_agreement(tx.store, agreement_id)
    if kind not in ACTIVITY_TYPES:
        raise UsageError(t("'{value}' is not an activity type; use one of: {choices}", value=kind,
                           choices=", ".join(ACTIVITY_TYPES)), field="type")
    if not summary.strip():
        raise UsageError(t("the summary must not be empty"), field="summary")
    sector_id = tx.vocabulary.resolve(sector)
    if agreement.open_sector(sector_id) is None:
        covered = ", ".join(agreement.sector_ids()) or t("none")
        raise CoopError(t("sector '{sector}' is not one of {id}'s sectors ({covered}); if the agreement now covers it, "
                          "add it first: coopctl sector add {id} {sector} --since DATE",
                          sector=sector_id, id=agreement.id, covered=covered), field="sector")
    if (value is None) != (currency is None):
        raise UsageError(t("a value and its currency go together, e.g. 6000000000 IDR"),
                         field="currency" if currency is None else "value")
    if currency is not None:
        currency = currency.upper()
        if not (len(currency) == 3 and currency.isascii() and currency.isalpha()):
            raise UsageError(t("'{value}' must be a three-letter currency code such as IDR or AUD", value=currency),
                             field="currency")
    for name, number in (("participants", participants), ("value", value)):
        if number is not None and number < 0:
            raise UsageError(t("the number cannot be negative"), field=name)
    activity = Activity(when, sector_id, summary.strip(), kind, participants, value, currency, source)
    tx.put(partner.with_agreement(agreement._replace(activities=agreement.activities + (activity,))))
    return t("log {id}: {date} {type} ({sector}) {summary}", id=agreement.id, date=when, type=kind, sector=sector_id,
             summary=summary.strip())


def add_sectors(tx: Transaction, agreement_id: str, sectors: list[str], since: PartialDate | None,
                basis: str | None) -> str:
    """Extend an agreement to more sectors, keeping since when and on what basis."""
    partner, agreement = require_agreement(tx.store, agreement_id)
    _refuse_terminated(agreement)
    added = []
    for text in sectors:
        sector_id = tx.vocabulary.resolve(text)
        if agreement.open_sector(sector_id) is not None or sector_id in added:
            raise CoopError(t("{id} already covers '{sector}'", id=agreement.id, sector=sector_id))
        added.append(sector_id)
    entries = tuple(AgreementSector(sector_id, since, None, basis) for sector_id in added)
    tx.put(partner.with_agreement(agreement._replace(sectors=agreement.sectors + entries)))
    when = t(" since {date}", date=since) if since else ""
    return t("sector add {id}: {sectors}{since}", id=agreement.id, sectors=", ".join(added), since=when) + \
        (f" ({basis})" if basis else "")


def remove_sector(tx: Transaction, agreement_id: str, sector: str, until: PartialDate) -> str:
    """Record that an agreement no longer covers a sector; the entry stays, with its end."""
    partner, agreement = require_agreement(tx.store, agreement_id)
    sector_id = tx.vocabulary.resolve(sector)
    entry = agreement.open_sector(sector_id)
    if entry is None:
        raise CoopError(t("{id} does not cover '{sector}' (it covers: {covered})", id=agreement.id, sector=sector_id,
                          covered=", ".join(agreement.sector_ids()) or t("none")))
    if entry.since is not None and until.last < entry.since.first:
        raise CoopError(t("the end of the coverage ({until}) is before the sector was added ({since})", until=until,
                          since=entry.since), field="until")
    ended = entry._replace(until=until)
    tx.put(partner.with_agreement(agreement._replace(sectors=tuple(ended if s is entry else s
                                                                   for s in agreement.sectors))))
    return t("sector remove {id}: {sector} until {until}", id=agreement.id, sector=sector_id, until=until)


def record_milestone(
    tx: Transaction,
    agreement_id: str,
    step_id: str,
    when: PartialDate,
    today: date,
    ref: str | None = None,
    note: str | None = None,
    undo: bool = False,
) -> str:
    """Record a step of the renewal procedure as done (or, with `undo`, as not done after all).

    Records are only added: the renewal it belongs to is the term in force (or ended last) on `when`,
    written as the record's `term_end`.
    """
    from coopctl.core import playbook
    from coopctl.core.ids import nearest

    partner, agreement = require_agreement(tx.store, agreement_id)
    _refuse_terminated(agreement)
    name = tx.store.settings.procedure_name(partner.kind, agreement.procedure)
    steps = [s.id for s in tx.store.settings.procedures.get(name, ())]
    if step_id not in steps:
        raise CoopError(t("'{step}' is not a step of the '{procedure}' procedure that {id} follows (steps: {steps}){hint}",
                          step=step_id, procedure=name, id=agreement.id, steps=", ".join(steps) or t("none"),
                          hint=nearest(step_id, steps, n=1)))
    if when.first > today:
        raise CoopError(t("the date {date} is in the future; record a milestone once it is done", date=when),
                        field="date")
    signed = agreement.signed_terms()
    if not signed:
        raise CoopError(t("{id} has no signed term yet; milestones record the renewal of a signed term", id=agreement.id))
    index = playbook.renewal_of(signed, when)
    if index is None:
        raise CoopError(t("no term of {id} had started by {date} (the first starts {first}); "
                          "a milestone belongs to the renewal of a term that has started",
                          id=agreement.id, date=when, first=signed[0].start))
    end = playbook.term_end_text(signed, index)
    if end is None:
        raise CoopError(t("{id} is open-ended (from {start}): it is reviewed, not renewed; "
                          "record the review with: coopctl log {id} SUMMARY --type evaluation",
                          id=agreement.id, start=signed[index].start))
    ref, note = (ref or "").strip() or None, (note or "").strip() or None
    earlier = [m for m in agreement.milestones if m.id == step_id and playbook.record_term(signed, m) == index]
    done_before = earlier[-1] if earlier and not earlier[-1].undone else None
    if undo and done_before is None:
        raise CoopError(t("{step} is not recorded as done for {id}'s term ending {end}; nothing to undo",
                          step=step_id, id=agreement.id, end=end))
    record = Milestone(step_id, when, end, ref, note, undo)
    tx.put(partner.with_agreement(agreement._replace(milestones=agreement.milestones + (record,))))
    if undo:
        return t("milestone {id}: {step} not done after all ({date}), for the term ending {end}",
                 id=agreement.id, step=step_id, date=when, end=end)
    again = t(", again (was {date})", date=done_before.date) if done_before is not None else ""
    return t("milestone {id}: {step} done {date}{ref} for the term ending {end}{again}", id=agreement.id, step=step_id,
             date=when, ref=f" ({ref})" if ref else "", end=end, again=again)

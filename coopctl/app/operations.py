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
from typing import NamedTuple

from coopctl.core.checks import MAX_INTEGER
from coopctl.core.dates import Duration, PartialDate
from coopctl.core.errors import CoopError, UsageError
from coopctl.core import lexicon
from coopctl.core.ids import agreement_id_for, find_partner, is_slug, require_agreement, slugify
from coopctl.core.records import (
    ACTIVITY_TYPES,
    PARTNER_KINDS,
    Activity,
    Agreement,
    AgreementSector,
    Milestone,
    Partner,
    Term,
    category_of,
)
from coopctl.core.rules import timeline
from coopctl.core.sectors import split_sectors
from coopctl.i18n import language, t, tc
from coopctl.storage.transaction import Transaction


def _term_text(term: Term) -> str:
    return t("{start}..{end}", start=term.start, end=term.end or t("open-ended"))


def country_code(text: str) -> str:
    """An ISO 3166-1 alpha-2 code, in any case, or a country's name in English or Indonesian; refused otherwise."""
    from coopctl.core.countries import resolve_country  # here: only a new partner names its country (start-up time)

    return resolve_country(text)


class Signing(NamedTuple):
    """What a signed text says of itself (`--number`, `--place`, `--signatory`, `--partner-number`)."""

    number: str | None = None
    place: str | None = None
    signatories: tuple[str, ...] = ()
    partner_number: str | None = None

    def checked(self) -> "Signing":
        """Refuses an empty value (before anything else is looked at)."""
        self.onto(Term(PartialDate(2000)))
        return self

    def onto(self, term: Term) -> Term:
        """`term` with what was given (a value not given keeps the term's)."""
        for field, value in (("number", self.number), ("place", self.place), ("partner-number", self.partner_number)):
            if value is not None and not value.strip():
                raise UsageError(t("an empty value: give the text, or leave the option out"), field=field)
        names = tuple(name.strip() for name in self.signatories)
        if any(not name for name in names):
            raise UsageError(t("an empty value: give the text, or leave the option out"), field="signatory")
        return term._replace(number=_stripped(self.number, term.number), place=_stripped(self.place, term.place),
                             partner_number=_stripped(self.partner_number, term.partner_number),
                             signatories=names or term.signatories)


def _stripped(value: str | None, default: str | None) -> str | None:
    return value.strip() if value is not None else default


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
    under: str | None = None  # the agreement it implements (a PKS under its KB)
    category: str | None = None  # its legal category, when not the one its partner's kind gives
    recorded: PartialDate | None = None  # pending: the day it was recorded (the process was under way by then)
    partner_id: str | None = None  # a new partner's id, where none can be made from its name
    signing: Signing = Signing()  # the first term's number, place, signatories


def add_agreement(tx: Transaction, new: NewAgreement) -> str:
    store = tx.store
    new.signing.checked()
    new.type = lexicon.resolve(lexicon.TYPES, new.type, t("document type"), field="type")
    if new.category is not None:
        new.category = lexicon.resolve(lexicon.CATEGORIES, new.category, t("legal category"), field="category")
    if new.under is not None:
        new.under = require_agreement(store, new.under, field="under")[1].id
    if not new.title.strip():
        raise UsageError(t("the title must not be empty"), field="title")
    if new.unit is not None and not new.unit.strip():  # `--unit "$OPD"` with the variable unset
        raise UsageError(t("an empty value: give the text, or leave the option out"), field="unit")
    if new.end is not None and new.end.last < new.start.first:
        raise CoopError(t("the end ({end}) is before the start ({start})", end=new.end, start=new.start), field="end")
    sectors: list[str] = []
    for text in (part for value in new.sectors for part in split_sectors(value)):
        for sector_id in tx.vocabulary.expand(text):  # a store's phrase may stand for several
            if sector_id not in sectors:
                sectors.append(sector_id)

    partner = find_partner(store, new.partner)
    if partner is not None and new.partner_id and new.partner_id != partner.id:
        raise UsageError(t("'{partner}' is the existing partner {id}; leave out the partner id or give {id}",
                           partner=new.partner, id=partner.id), field="partner_id")
    if partner is not None:  # what is said of a new partner must not contradict the existing one unseen
        if new.country and country_code(new.country) != partner.country:
            raise UsageError(t("'{partner}' is the existing partner {id}, whose country is {country}; leave out the "
                               "country, or name a new partner", partner=new.partner, id=partner.id,
                               country=partner.country or "-"), field="country")
        if new.kind and lexicon.resolve(lexicon.KINDS, new.kind, t("partner kind"), field="kind") != partner.kind:
            raise UsageError(t("'{partner}' is the existing partner {id}, of kind {kind}; leave out the kind, or name "
                               "a new partner", partner=new.partner, id=partner.id, kind=partner.kind), field="kind")
    created = partner is None
    if partner is None:
        partner = _new_partner(tx, new)

    agreement_id = new.id if new.id is not None else agreement_id_for(  # --id "" is refused
        partner.id, new.type, new.start.year, lambda candidate: store.find_agreement(candidate) is not None)
    if not is_slug(agreement_id):
        raise CoopError(t("agreement id '{id}' must be 1-64 lowercase letters, digits and '-' (a slug), "
                          "e.g. osaka-mou-2024", id=agreement_id), field="id")
    if store.find_agreement(agreement_id) is not None:
        raise CoopError(t("agreement id '{id}' is already used; choose another", id=agreement_id), field="id")
    if agreement_id in store.partners or agreement_id == partner.id:  # `show ID` could then show only one of them
        raise UsageError(t("'{id}' is already a partner's id; give the agreement another id", id=agreement_id),
                         field="id")

    term = new.signing.onto(Term(start=new.start, end=new.end, signed=new.signed, pending=new.pending,
                                 recorded=new.recorded if new.pending else None))
    agreement = Agreement(
        id=agreement_id, partner_id=partner.id, title=new.title.strip(), type=new.type,
        sectors=tuple(AgreementSector(s) for s in sectors), unit=new.unit, notice=new.notice, terms=(term,),
        under=new.under, category=new.category if new.category != category_of(partner.kind) else None,
    )
    tx.put(partner.with_agreement(agreement))
    made = t(" and new partner {id}", id=partner.id) if created else ""
    if new.under:
        made += t(", under {parent}", parent=new.under)
    if new.pending:
        return t("add {id} ({type}) for {partner}{made}: pending {term}", id=agreement_id,
                 type=lexicon.shown(lexicon.TYPES, new.type),
                 partner=partner.name, made=made, term=_term_text(term))
    return t("add {id} ({type}) for {partner}{made}: term {term}", id=agreement_id,
             type=lexicon.shown(lexicon.TYPES, new.type),
             partner=partner.name, made=made, term=_term_text(term))


def _new_partner(tx: Transaction, new: NewAgreement) -> Partner:
    if new.kind:
        new.kind = lexicon.find(lexicon.KINDS, new.kind) or new.kind
    missing = [name for name, value in (("country", new.country), ("kind", new.kind)) if not value]
    if new.kind and lexicon.find(lexicon.KINDS, new.kind) == "international-org" and "country" in missing:
        missing.remove("country")
    if missing:
        raise UsageError(t("'{partner}' is not a partner yet; to create it give its {fields} (kinds: {kinds})",
                           partner=new.partner, fields=t(" and ").join(missing), kinds=", ".join(PARTNER_KINDS)),
                         field=missing[0])
    new.kind = lexicon.resolve(lexicon.KINDS, new.kind, t("partner kind"), field="kind")  # KSDD, Pihak ketiga...
    country = country_code(new.country) if new.country else None
    partner_id = new.partner_id if new.partner_id is not None else slugify(new.partner)
    if new.partner_id is not None and not is_slug(new.partner_id):  # --partner-id "" too
        raise UsageError(t("partner id '{id}' must be 1-64 lowercase letters, digits and '-' (a slug), such as "
                           "'{suggestion}'", id=new.partner_id, suggestion=slugify(new.partner_id) or slugify(new.partner) or "gimcheon"),
                         field="partner_id")
    if not partner_id:
        raise UsageError(t("cannot make a partner id from '{name}'; give a name with letters or digits, or the "
                           "partner id", name=new.partner), field="partner_id")
    if partner_id in tx.store.partners:
        raise CoopError(t("partner id '{id}' is already used by '{name}'; give that partner's id or name", id=partner_id,
                          name=tx.store.partners[partner_id].name), field="partner")
    if tx.store.find_agreement(partner_id) is not None:  # `show ID` could then show only one of them
        raise UsageError(t("'{id}' is already an agreement's id; give the new partner another id", id=partner_id),
                         field="partner_id")
    return Partner(id=partner_id, name=new.partner.strip(), kind=new.kind, country=country)


def record_renewal(
    tx: Transaction,
    agreement_id: str,
    until: PartialDate,
    start: PartialDate | None = None,
    signed: PartialDate | None = None,
    pending: bool = False,
    recorded: PartialDate | None = None,
    signing: Signing = Signing(),
) -> str:
    """Add a term after the last one: pending (renewal in process, recorded on `recorded`) or signed, with
    `signing`'s number, place and signatories. The line names the agreements under this one (a PKS under its
    KB), which depend on it."""
    signing.checked()
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
    if line.starts and start.first <= line.starts[-1]:  # after an open-ended term: it must start after that one
        raise CoopError(t("the new term would start {start}, not after the current term's start ({first}); "
                          "a new term follows the one before it", start=start, first=line.starts[-1]), field="from")
    term = signing.onto(Term(start=start, end=until, signed=None if pending else signed, pending=pending,
                             recorded=recorded if pending else None))
    tx.put(partner.with_agreement(agreement._replace(terms=agreement.terms + (term,))))
    if pending:
        return t("renew {id}: pending term {term}", id=agreement.id, term=_term_text(term)) + _children(tx, agreement)
    return t("renew {id}: signed term {term}", id=agreement.id, term=_term_text(term)) + _children(tx, agreement)


def amend_term(tx: Transaction, agreement_id: str, start: PartialDate | None = None, end: PartialDate | None = None,
               signed: PartialDate | None = None, number: str | None = None) -> str:
    """Correct the last term of an agreement (a date or number typed wrong): its start, end, signing date or
    number. History is not rewritten otherwise: a renewal is still a new term (`record_renewal`)."""
    partner, agreement = require_agreement(tx.store, agreement_id)
    if not agreement.terms:
        raise CoopError(t("{id} has no term to amend", id=agreement.id))
    last = agreement.terms[-1]
    if signed is not None and last.pending:
        raise CoopError(t("the last term of {id} is pending; sign it with 'coopctl renew {id} --signed DATE'",
                          id=agreement.id), field="signed")
    given = {"start": start, "end": end, "signed": signed, "number": (number or "").strip() or None}
    changes = {name: value for name, value in given.items() if value is not None and value != getattr(last, name)}
    if not changes:
        raise UsageError(t("nothing to amend: give --start, --until, --signed or --number with a new value"))
    term = last._replace(**changes, assumed=tuple(a for a in last.assumed if a not in changes))
    if term.end is not None and term.end.last < term.start.first:
        raise CoopError(t("the end ({end}) is before the start ({start})", end=term.end, start=term.start),
                        field="until" if "end" in changes else "start")
    before = timeline(agreement._replace(terms=agreement.terms[:-1]))  # the terms it follows
    if "start" in changes and before.starts and (
            term.start.first <= before.starts[-1] or (before.ends[-1] is not None and term.start.first <= before.ends[-1])):
        raise CoopError(t("the start {start} falls inside or before the term it follows ({term}); a term starts after "
                          "the one before it ends", start=term.start, term=_term_text(before.signed[-1])), field="start")
    documents = agreement.documents
    if "start" in changes:  # the term's documents name it by its start: they follow it
        documents = tuple(d._replace(term_start=term.start) if d.term_start == last.start else d for d in documents)
    tx.put(partner.with_agreement(agreement._replace(terms=agreement.terms[:-1] + (term,), documents=documents)))
    shown = {"start": tc("amend", "start"), "end": tc("amend", "end"), "signed": tc("amend", "signed"),
             "number": tc("amend", "number")}
    said = ", ".join(f"{shown[name]} {getattr(last, name) or '-'} -> {value}" for name, value in changes.items())
    return t("amend {id}: last term {term}: {changes}", id=agreement.id, term=_term_text(last), changes=said)


def _children(tx: Transaction, agreement: Agreement) -> str:
    """`; under it: a, b (they depend on it: renew or end them too)`, when agreements are under this one."""
    under = [a.id for a in tx.store.agreements() if a.under == agreement.id and a.terminated is None]
    if not under:
        return ""
    return t("; under it: {ids} (they depend on it: renew or end them too)", ids=", ".join(under))


def sign_pending(tx: Transaction, agreement_id: str, signed: PartialDate, signing: Signing = Signing()) -> str:
    signing.checked()
    partner, agreement = require_agreement(tx.store, agreement_id)
    _refuse_terminated(agreement)
    term = agreement.pending_term()
    if term is None:
        raise UsageError(t("{id} has no pending term to sign; to record a new term give its end", id=agreement.id),
                         field="until")
    done = signing.onto(term._replace(pending=False, signed=signed))  # `recorded` stays: when the renewal was known under way
    tx.put(partner.with_agreement(agreement._replace(terms=tuple(done if x is term else x for x in agreement.terms))))
    return t("renew {id}: term {term} signed {signed}", id=agreement.id, term=_term_text(done), signed=signed) + \
        _children(tx, agreement)


def terminate(tx: Transaction, agreement_id: str, when: PartialDate, reason: str | None) -> str:
    partner, agreement = require_agreement(tx.store, agreement_id)
    _refuse_terminated(agreement, "again")
    first = min((t.start.first for t in agreement.terms), default=None)
    if first is not None and when.last < first:
        raise CoopError(t("the date {date} is before the agreement's first term starts ({first})", date=when,
                          first=first), field="date")
    tx.put(partner.with_agreement(agreement._replace(terminated=when, termination_reason=reason or None)))
    if reason:
        return t("terminate {id} on {date}: {reason}", id=agreement.id, date=when, reason=reason)
    return t("terminate {id} on {date}", id=agreement.id, date=when)


def _refuse_terminated(agreement: Agreement, what: str = "terms") -> None:
    """A terminated agreement takes no new terms, sectors or steps (`what`), and is not terminated twice."""
    if agreement.terminated is None:
        return
    if what == "terms":
        raise CoopError(t("{id} was terminated on {date}; its history stays, but it takes no new terms",
                          id=agreement.id, date=agreement.terminated))
    if what == "sectors":
        raise CoopError(t("{id} was terminated on {date}; its history stays, but it takes no new sectors",
                          id=agreement.id, date=agreement.terminated))
    if what == "steps":
        raise CoopError(t("{id} was terminated on {date}; its history stays, but it takes no new steps of its "
                          "procedure", id=agreement.id, date=agreement.terminated))
    raise CoopError(t("{id} is terminated already, on {date}; nothing was changed", id=agreement.id,
                      date=agreement.terminated))


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
    again: bool = False,
) -> str:
    """Record something done under an agreement, in one of its sectors. An exact copy of an activity already
    recorded (same date, type and summary: a command run again after a failure) is refused unless `again`."""
    partner, agreement = require_agreement(tx.store, agreement_id)
    found = lexicon.find(lexicon.ACTIVITY_TYPES, kind)  # an id, or its label or alias in either language
    if found not in ACTIVITY_TYPES:
        raise UsageError(t("'{value}' is not an activity type; use one of: {choices}", value=kind,
                           choices=", ".join(lexicon.choice_names(lexicon.ACTIVITY_TYPES))), field="type")
    kind = found
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
        if number is not None and number > MAX_INTEGER:  # a store file's whole numbers are 64-bit
            raise UsageError(t("the number is too large: at most {maximum}", maximum=MAX_INTEGER), field=name)
    activity = Activity(when, sector_id, summary.strip(), kind, participants, value, currency, source)
    if not again and any((a.date, a.type, a.summary) == (when, kind, activity.summary) for a in agreement.activities):
        raise CoopError(t("{id} already has this activity: {date} {type} '{summary}'; nothing was written (to record "
                          "it a second time, pass --again)", id=agreement.id, date=when,
                          type=lexicon.shown(lexicon.ACTIVITY_TYPES, kind),
                          summary=activity.summary))
    tx.put(partner.with_agreement(agreement._replace(activities=agreement.activities + (activity,))))
    return t("log {id}: {date} {type} ({sector}) {summary}", id=agreement.id, date=when,
             type=lexicon.shown(lexicon.ACTIVITY_TYPES, kind), summary=summary.strip(),
             sector=tx.vocabulary.label(sector_id, "id") if language() == "id" else sector_id)


def add_sectors(tx: Transaction, agreement_id: str, sectors: list[str], since: PartialDate | None,
                basis: str | None) -> str:
    """Extend an agreement to more sectors, keeping since when and on what basis."""
    partner, agreement = require_agreement(tx.store, agreement_id)
    _refuse_terminated(agreement, "sectors")
    added = []
    for text in (part for value in sectors for part in split_sectors(value)):
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
    first = min((t.start.first for t in agreement.terms), default=None)
    if first is not None and until.last < first:  # a typo such as 1900 for 2019: refused, as terminate does
        raise CoopError(t("the date {date} is before the agreement's first term starts ({first})", date=until,
                          first=first), field="until")
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
    not_needed: bool = False,
    again: bool = False,
) -> str:
    """Record a step of the agreement's procedure as done (with `undo`, as not done after all; with `not_needed`,
    as not applying: only a conditional step, such as a domestic DPRD approval). An exact copy of a record
    already there (a command run again after a failure) is refused unless `again`.

    Records are only added. A step belongs to the renewal of the term in force (or ended last) on `when`,
    written as the record's `term_end`; for a first agreement (a proposal, or an LoI's way to an MoU) it has none.
    """
    from coopctl.core import playbook, rules
    from coopctl.core.ids import nearest

    partner, agreement = require_agreement(tx.store, agreement_id)
    _refuse_terminated(agreement, "steps")
    settings = tx.store.settings
    name = settings.procedure_name(partner.kind, agreement.procedure, agreement.category)
    procedure = {step.id: step for step in playbook.steps_for(settings, name, agreement)}
    step_id = playbook.step_id(step_id, tuple(procedure), name) or step_id
    if step_id not in procedure:
        steps = list(procedure)
        raise CoopError(t("'{step}' is not a step of the '{procedure}' procedure that {id} follows (steps: {steps}){hint}",
                          step=step_id, procedure=name, id=agreement.id, steps=", ".join(steps) or t("none"),
                          hint=nearest(step_id, steps, n=1)))
    if not_needed and not procedure[step_id].conditional:
        raise CoopError(t("{step} is not a conditional step of the '{procedure}' procedure: it cannot be marked not "
                          "needed", step=step_id, procedure=name))
    if when.first > today:
        raise CoopError(t("the date {date} is in the future; record a milestone once it is done", date=when),
                        field="date")
    line = rules.timeline(agreement)
    signed = list(line.signed)
    index = rules.renewal_of(signed, when)
    first = agreement.type == "loi" or index is None  # the way to a first agreement (or from an LoI to an MoU)
    if first:
        if not signed and agreement.pending_term() is None:
            raise CoopError(t("{id} has no term at all; record its first term (pending) before its steps",
                              id=agreement.id))
        end = None
    else:
        end = rules.term_end_text(signed, index)
        if end is None:
            raise CoopError(t("{id} is open-ended (from {start}): it is reviewed, not renewed; "
                              "record the review with: coopctl log {id} SUMMARY --type evaluation",
                              id=agreement.id, start=signed[index].start))
    ref, note = (ref or "").strip() or None, (note or "").strip() or None
    earlier = [m for m in agreement.milestones if m.id == step_id
               and (m.term_end is None if first else rules.record_term(signed, m, line.ends) == index)]
    done_before = earlier[-1] if earlier and not earlier[-1].undone else None
    for_what = t("towards the first agreement") if first else t("for the term ending {end}", end=end)
    if undo and done_before is None:
        raise CoopError(t("{step} is not recorded for {id} {what}; nothing to undo", step=step_id, id=agreement.id,
                          what=for_what))
    record = Milestone(step_id, when, end, ref, note, undo, not_needed)
    if not again and record in agreement.milestones:
        raise CoopError(t("{id} already has this record of {step} ({date}, {what}); nothing was written (to record "
                          "it a second time, pass --again)", id=agreement.id, step=step_id, date=when, what=for_what))
    tx.put(partner.with_agreement(agreement._replace(milestones=agreement.milestones + (record,))))
    if undo:
        return t("milestone {id}: {step} not done after all ({date}), {what}", id=agreement.id, step=step_id,
                 date=when, what=for_what)
    if not_needed:
        return t("milestone {id}: {step} not needed ({date}){reason}, {what}", id=agreement.id, step=step_id,
                 date=when, reason=f": {note}" if note else "", what=for_what)
    repeated = t(", again (was {date})", date=done_before.date) if done_before is not None else ""
    return t("milestone {id}: {step} done {date}{ref} {what}{again}", id=agreement.id, step=step_id, date=when,
             ref=f" ({ref})" if ref else "", what=for_what, again=repeated)

"""What each command shows, as plain data: lists of dicts ready for any format.

Every function takes the loaded store and an as-of date and returns the
objects of PRODUCT.md's JSON shapes; rendering only lays them out.
"""

from __future__ import annotations

import difflib
from collections import Counter
from datetime import date

from coopctl import rules
from coopctl.dates import Duration
from coopctl.errors import CoopError
from coopctl.model import STATES, Activity, Agreement, Partner, Store
from coopctl.sectors import SectorError, Vocabulary


def _pd(value) -> str | None:
    return str(value) if value is not None else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def find_partner(store: Store, text: str) -> Partner | None:
    """A partner by id, else by name or local name (case-insensitive)."""
    if text in store.partners:
        return store.partners[text]
    folded = text.casefold().strip()
    for partner in store.partners.values():
        if folded in (partner.name.casefold(), (partner.local_name or "").casefold()):
            return partner
    return None


def _nearest(text: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(text, candidates, n=3, cutoff=0.5)
    return f"; did you mean {', '.join(close)}?" if close else ""


def require_partner(store: Store, text: str) -> Partner:
    partner = find_partner(store, text)
    if partner is None:
        names = list(store.partners) + [p.name for p in store.partners.values()]
        raise CoopError(f"no partner '{text}'{_nearest(text, names)}")
    return partner


def require_agreement(store: Store, agreement_id: str) -> tuple[Partner, Agreement]:
    agreement = store.find_agreement(agreement_id)
    if agreement is None:
        ids = [a.id for a in store.agreements()]
        raise CoopError(f"no agreement '{agreement_id}'{_nearest(agreement_id, ids)} (see 'coopctl list')")
    return store.partners[agreement.partner_id], agreement


def resolve_sector(vocabulary: Vocabulary, text: str) -> str:
    try:
        return vocabulary.resolve(text)
    except SectorError as e:
        raise CoopError(str(e)) from None


def agreement_row(store: Store, partner: Partner, agreement: Agreement, as_of: date, notice: Duration | None = None) -> dict:
    s = rules.status(agreement, partner.kind, store.settings, as_of, notice)
    term = s.term
    pending = s.pending
    return {
        "id": agreement.id,
        "partner": partner.name,
        "partner_id": partner.id,
        "country": partner.country,
        "kind": partner.kind,
        "type": agreement.type,
        "title": agreement.title,
        "sectors": agreement.sector_ids(),
        "unit": agreement.unit,
        "start": _pd(term.start) if term else None,
        "end": _pd(term.end) if term and term.end else (_iso(s.end_day) if term else None),
        "end_day": _iso(s.end_day),
        "state": s.state,
        "days_left": s.days_left,
        "notice": str(s.notice),
        "window_opens": _iso(s.window_opens),
        "pending": {"start": _pd(pending.start), "end": _pd(pending.end)} if pending else None,
        "terminated": _pd(agreement.terminated),
    }


def _rows(store: Store, as_of: date, notice: Duration | None = None) -> list[dict]:
    rows = []
    for partner in store.partners.values():
        for agreement in partner.agreements:
            rows.append(agreement_row(store, partner, agreement, as_of, notice))
    return rows


def list_rows(
    store: Store,
    vocabulary: Vocabulary,
    as_of: date,
    sector: str | None = None,
    country: str | None = None,
    state: str | None = None,
    partner: str | None = None,
) -> list[dict]:
    """`list`: every agreement, filtered, ordered by partner then id."""
    if state is not None and state not in STATES:
        raise CoopError(f"no state '{state}'; use one of: {', '.join(STATES)}")
    sector_id = resolve_sector(vocabulary, sector) if sector else None
    partner_id = require_partner(store, partner).id if partner else None
    rows = []
    for row in _rows(store, as_of):
        if sector_id and sector_id not in row["sectors"]:
            continue
        if country and (row["country"] or "").upper() != country.upper():
            continue
        if state and row["state"] != state:
            continue
        if partner_id and row["partner_id"] != partner_id:
            continue
        rows.append(row)
    rows.sort(key=lambda r: (r["partner"].casefold(), r["id"]))
    return rows


def renewal_rows(store: Store, as_of: date, within: Duration | None = None) -> list[dict]:
    """`renew`: what needs attention (due, renewing, lapsed), most urgent first."""
    rows = [r for r in _rows(store, as_of, within) if r["state"] in rules.ATTENTION_STATES]
    rows.sort(key=_urgency)
    return rows


def _urgency(row: dict) -> tuple:
    return rules.attention_key(row["state"], row["days_left"], row["id"])


def activity_row(partner: Partner, agreement: Agreement, activity: Activity) -> dict:
    return {
        "date": str(activity.date),
        "agreement": agreement.id,
        "partner": partner.name,
        "partner_id": partner.id,
        "sector": activity.sector,
        "type": activity.type,
        "summary": activity.summary,
        "participants": activity.participants,
        "value": activity.value,
        "currency": activity.currency,
        "source": activity.source,
    }


def sector_report(store: Store, vocabulary: Vocabulary, as_of: date, sector: str, country: str | None = None) -> dict:
    """`report --sector S`: the partners, agreements and activities in one sector."""
    sector_id = resolve_sector(vocabulary, sector)
    agreements, partners, activities = [], {}, []
    for partner in store.partners.values():
        if country and (partner.country or "").upper() != country.upper():
            continue
        for agreement in partner.agreements:
            entry = next((s for s in agreement.sectors if s.id == sector_id), None)
            if entry is not None and entry.until is None:
                row = agreement_row(store, partner, agreement, as_of)
                row["sector_since"] = _pd(entry.since)
                agreements.append(row)
                partners[partner.id] = {"id": partner.id, "name": partner.name, "country": partner.country}
            for activity in agreement.activities:
                if activity.sector == sector_id:
                    activities.append(activity_row(partner, agreement, activity))
    agreements.sort(key=lambda r: (r["partner"].casefold(), r["id"]))
    activities.sort(key=lambda r: r["date"], reverse=True)
    return {
        "sector": sector_id,
        "label": vocabulary.label(sector_id),
        "label_id": vocabulary.label(sector_id, "id"),
        "partners": sorted(partners.values(), key=lambda p: p["name"].casefold()),
        "agreements": agreements,
        "activities": activities,
    }


def portfolio_report(store: Store, vocabulary: Vocabulary, as_of: date, country: str | None = None) -> dict:
    """`report`: counts by state, kind, country, type and sector, and what needs attention."""
    partners = [p for p in store.partners.values()
                if not country or (p.country or "").upper() == country.upper()]
    rows = [agreement_row(store, p, a, as_of) for p in partners for a in p.agreements]
    by_sector = Counter(s for r in rows if r["state"] not in ("terminated", "lapsed") for s in r["sectors"])
    attention = [r for r in rows if r["state"] in rules.ATTENTION_STATES]
    attention.sort(key=_urgency)
    return {
        "owner": store.settings.owner,
        "as_of": as_of.isoformat(),
        "country": country.upper() if country else None,
        "partners": len(partners),
        "partners_without_agreement": sorted(p.id for p in partners if not p.agreements),
        "agreements": len(rows),
        "by_state": {state: sum(r["state"] == state for r in rows) for state in STATES},
        "by_kind": dict(sorted(Counter(p.kind for p in partners).items())),
        "by_country": dict(sorted(Counter(p.country or "-" for p in partners).items())),
        "by_type": dict(sorted(Counter(r["type"] for r in rows).items())),
        "by_sector": dict(sorted(by_sector.items(), key=lambda kv: (-kv[1], kv[0]))),
        "needs_attention": attention,
    }


def describe_partner(store: Store, partner: Partner, as_of: date) -> dict:
    return {
        "record": "partner",
        "id": partner.id,
        "name": partner.name,
        "local_name": partner.local_name,
        "country": partner.country,
        "kind": partner.kind,
        "level": partner.level,
        "since": _pd(partner.since),
        "notes": partner.notes,
        "sources": partner.sources,
        "contacts": [vars(c).copy() for c in partner.contacts],
        "agreements": [describe_agreement(store, partner, a, as_of) for a in partner.agreements],
    }


def describe_agreement(store: Store, partner: Partner, agreement: Agreement, as_of: date) -> dict:
    row = agreement_row(store, partner, agreement, as_of)
    signed = agreement.signed_terms()
    current = rules.status(agreement, partner.kind, store.settings, as_of).term
    terms = []
    for term in agreement.terms:
        if term.pending:
            runs_to = term.end.last_day() if term.end else None
        else:
            runs_to = rules.term_end_day(signed, signed.index(term))
        terms.append({
            "start": _pd(term.start),
            "end": _pd(term.end),
            "runs_to": _iso(runs_to),
            "signed": _pd(term.signed),
            "pending": term.pending,
            "current": term is current,
            "number": term.number,
            "place": term.place,
            "note": term.note,
        })
    return {
        "record": "agreement",
        **row,
        "sectors": [{"id": s.id, "since": _pd(s.since), "until": _pd(s.until), "basis": s.basis}
                    for s in agreement.sectors],
        "termination_reason": agreement.termination_reason,
        "notes": agreement.notes,
        "sources": agreement.sources,
        "terms": terms,
        "activities": sorted((activity_row(partner, agreement, a) for a in agreement.activities),
                             key=lambda r: r["date"], reverse=True),
    }

"""The reports: the portfolio, one sector, coverage, one record in full, and one agreement's plan.

Each is a view over a `queries.Snapshot` (the facts of every agreement at the
as-of date, computed once), returned as plain data in PRODUCT.md's shapes.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from coopctl.app.queries import Snapshot, activity_row, dormant_rows, resolve_sector, urgency
from coopctl.core import playbook, portfolio, rules
from coopctl.core.countries import resolve_country
from coopctl.core.dates import add_months
from coopctl.core.ids import require_agreement
from coopctl.core.records import CATEGORIES, STATES, Agreement, Partner


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _text(value) -> str | None:
    return str(value) if value is not None else None


def sector_report(snapshot: Snapshot, sector: str, country: str | None = None) -> dict:
    """`report --sector S`: the partners, agreements and activities in one sector."""
    vocabulary = snapshot.vocabulary
    sector_id = resolve_sector(vocabulary, sector)
    country = resolve_country(country) if country else None
    agreements, partners, activities = [], {}, []
    for f in snapshot.facts:
        partner, agreement = f.partner, f.agreement
        if country and (partner.country or "").upper() != country.upper():
            continue
        entry = next((s for s in f.sectors if s.id == sector_id), None)
        if entry is not None:
            agreements.append(snapshot.row(f) | {"sector_since": _text(entry.since)})
            partners[partner.id] = {"id": partner.id, "name": partner.name, "country": partner.country}
        activities += [activity_row(partner, agreement, a) for a in agreement.activities if a.sector == sector_id]
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


def portfolio_report(snapshot: Snapshot, country: str | None = None) -> dict:
    """`report`: counts by state, kind, country, type and sector, and what needs attention."""
    store, as_of = snapshot.store, snapshot.as_of
    country = resolve_country(country) if country else None

    def included(country_code: str | None) -> bool:
        return not country or (country_code or "").upper() == country.upper()

    partners = [p for p in store.partners.values() if included(p.country)]
    rows = [snapshot.row(f) for f in snapshot.facts if included(f.partner.country)]
    coverage = coverage_report(snapshot)
    by_sector = Counter(s for r in rows if r["state"] not in ("terminated", "lapsed") for s in r["sectors"])
    attention = sorted((r for r in rows if r["state"] in rules.ATTENTION_STATES), key=urgency)
    in_a_year = add_months(as_of, 12).isoformat()
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
        "by_category": {
            category: {"agreements": len(ids), "in_force": sum(r["state"] in rules.IN_FORCE for r in ids),
                       "ids": [r["id"] for r in ids]}
            for category in CATEGORIES
            if (ids := [r for r in rows if r["category"] == category])},
        "by_sector": dict(sorted(by_sector.items(), key=lambda kv: (-kv[1], kv[0]))),
        "needs_attention": attention,
        "ending_within_12_months": sorted(
            (r for r in rows if r["state"] in rules.IN_FORCE and r["last_end"] is not None
             and as_of.isoformat() <= r["last_end"] <= in_a_year),
            key=lambda r: (r["last_end"], r["id"])),
        "dormant": [r for r in dormant_rows(snapshot) if included(r["country"])],
        "stalled": [s for s in coverage["stalled"] if included(s["country"])],
        "uncovered_sectors": [s["id"] for s in coverage["uncovered"]],
    }


def coverage_report(snapshot: Snapshot) -> dict:
    """`coverage`: the partner x sector matrix of agreements in force, the sectors nobody covers,
    partners by country and kind, stalled LoIs and prospects."""
    store, as_of = snapshot.store, snapshot.as_of
    states = snapshot.states()
    # agreements nothing of which had happened by as_of (no term signed, none recorded, no step done): not yet there
    later = frozenset(f.agreement.id for f in snapshot.each() if f.status.state == "upcoming" and f.status.term is None)
    matrix = portfolio.coverage(store, states, as_of)
    covered = sorted({s for sectors in matrix.values() for s in sectors})
    partners = sorted(store.partners.values(), key=lambda p: p.name.casefold())
    months = store.settings.stalled_after
    stalled = []
    for p in partners:
        since = portfolio.stalled_since(p, as_of, months, later)
        if since is not None:
            loi = max(day for day in map(portfolio.loi_day, p.agreements) if day is not None and day <= as_of)
            stalled.append({"id": p.id, "name": p.name, "country": p.country, "loi_date": loi.isoformat(),
                            "last_step": since.isoformat(), "months": portfolio.months_between(since, as_of)})
    by_country: dict[str, list[str]] = {}
    by_kind: dict[str, list[str]] = {}
    for p in partners:
        by_country.setdefault(p.country or "-", []).append(p.id)
        by_kind.setdefault(p.kind, []).append(p.id)
    return {
        "as_of": as_of.isoformat(),
        "sectors": covered,
        "matrix": [
            {"partner_id": p.id, "partner": p.name, "country": p.country,
             "sectors": {s: matrix[p.id][s] for s in covered if s in matrix.get(p.id, {})}}
            for p in partners if p.id in matrix
        ],
        "uncovered": [{"id": sid, "label": s.label, "label_id": s.label_id}
                      for sid, s in snapshot.vocabulary.sectors.items() if sid not in covered],
        "by_country": dict(sorted(by_country.items())),
        "by_kind": dict(sorted(by_kind.items())),
        "stalled": stalled,
        "stalled_months": months,
        "prospects": [{"id": p.id, "name": p.name, "country": p.country} for p in partners
                      if portfolio.is_prospect(p)
                      or ((there := [a for a in p.agreements if a.id not in later])
                          and all(states[a.id] in ("proposed", "intent") for a in there))],
    }


def describe_partner(snapshot: Snapshot, partner: Partner) -> dict:
    return {
        "record": "partner",
        "id": partner.id,
        "name": partner.name,
        "local_name": partner.local_name,
        "country": partner.country,
        "kind": partner.kind,
        "level": partner.level,
        "since": _text(partner.since),
        "assumed": list(partner.assumed),
        "notes": partner.notes,
        "sources": list(partner.sources),
        "contacts": [{"name": c.name, "role": c.role, "email": c.email, "phone": c.phone} for c in partner.contacts],
        "agreements": [describe_agreement(snapshot, a) for a in partner.agreements],
    }


def describe_agreement(snapshot: Snapshot, agreement: Agreement) -> dict:
    f = next(f for f in snapshot.facts if f.agreement is agreement)
    line, current = f.line, f.status.term
    terms = []
    for term in agreement.terms:
        if term.pending:
            runs_to = term.end.last if term.end else None
        else:
            runs_to = line.ends[line.signed.index(term)]
        terms.append({
            "start": _text(term.start),
            "end": _text(term.end),
            "runs_to": _iso(runs_to),
            "signed": _text(term.signed),
            "pending": term.pending,
            "recorded": _text(term.recorded),
            "current": term is current,
            "lapse_before": term.lapse_before,
            "number": term.number,
            "place": term.place,
            "partner_number": term.partner_number,
            "signatories": list(term.signatories),
            "note": term.note,
            "assumed": list(term.assumed),
        })
    store = snapshot.store
    parent = store.find_agreement(agreement.under) if agreement.under else None
    return {
        "record": "agreement",
        **snapshot.row(f),
        "parent": {"id": parent.id, "title": parent.title, "type": parent.type} if parent else None,
        "children": [{"id": a.id, "title": a.title, "type": a.type, "state": snapshot.row(c)["state"]}
                     for c in snapshot.facts if (a := c.agreement).under == agreement.id],
        "sectors": [{"id": s.id, "since": _text(s.since), "until": _text(s.until), "basis": s.basis}
                    for s in agreement.sectors],
        "termination_reason": agreement.termination_reason,
        "notes": agreement.notes,
        "sources": list(agreement.sources),
        "extra": {key: list(values) for key, values in agreement.extra},
        "terms": terms,
        "gaps": [{"start": g.start_text, "end": g.end_text, "kind": g.kind}
                 for g in portfolio.gaps(agreement, snapshot.as_of)],
        "activities": sorted((activity_row(f.partner, agreement, a) for a in agreement.activities),
                             key=lambda r: r["date"], reverse=True),
        "milestones": [{"id": m.id, "date": _text(m.date), "term_end": _text(m.term_end), "ref": m.ref,
                        "note": m.note, "undone": m.undone, "not_needed": m.not_needed} for m in agreement.milestones],
        "documents": [{"kind": d.kind, "name": d.name, "size": d.size, "sha256": d.sha256, "media_type": d.media_type,
                       "number": d.number, "date": _text(d.date), "title": d.title, "term": _text(d.term_start),
                       "step": d.step} for d in agreement.documents],
    }


def plan_report(snapshot: Snapshot, agreement_id: str) -> dict:
    """`plan ID`: the renewal plan for the current term's end, milestone by milestone."""
    _, agreement = require_agreement(snapshot.store, agreement_id)
    f = next(f for f in snapshot.facts if f.agreement is agreement)
    row, plan = snapshot.row(f), f.plan
    return {
        "id": agreement.id,
        "partner": f.partner.name,
        "partner_id": f.partner.id,
        "title": agreement.title,
        "as_of": snapshot.as_of.isoformat(),
        "state": f.status.state,
        "days_left": f.status.days_left,
        # the term the state speaks of (in force, else the latest signed), as `list` gives it: once a renewal is
        # signed, the plan may still be the old term's (its report to do) while the state counts to the new end
        "end": row["end"],
        "end_day": row["end_day"],
        "assumed": row["assumed"],
        "procedure": plan.procedure,
        "category": row["category"],
        "kind": plan.kind,
        "origin": _iso(plan.origin),
        "term_start": _text(plan.term.start) if plan.term else None,
        "term_end": _iso(plan.term_end),
        "term_end_text": _text(plan.term.end) if plan.term and plan.kind == "renewal" and plan.term.end else
        _iso(plan.term_end),
        "term_assumed": list(plan.term.assumed) if plan.term else [],
        "intent_since": row["intent_since"],
        "intent_months": row["intent_months"],
        "pending": row["pending"],  # the term in process at the as-of date (pending, or signed after it)
        "open_ended": plan.kind == "review",
        "renewed": plan.renewed,
        "milestones": [
            {"name": m.name, "label": m.label, "label_id": playbook.label_id(m.name, m.label), "due": m.due.isoformat(), "status": m.status, "done": _text(m.done),
             "ref": m.ref, "note": m.note, "implied": m.implied, "days_late": m.days_late, "days_left": m.days_left,
             "conditional": m.conditional, "assumed": m.assumed}
            for m in plan.milestones
        ],
        **{key: row[key] for key in ("procedure", "next_milestone", "overdue_milestones", "review_due", "review_by",
                                      "last_evaluation")},
        "review_months": plan.review.months if plan.review else None,
    }

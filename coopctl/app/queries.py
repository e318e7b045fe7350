"""What each command shows, as plain data: lists of dicts ready for any format.

Every function takes the loaded store and an as-of date and returns the
objects of PRODUCT.md's JSON shapes; rendering only lays them out.
"""

from __future__ import annotations

import difflib
from collections import Counter
from datetime import date

from coopctl.core import playbook

from coopctl.core import portfolio

from coopctl.core import rules
from coopctl.core.dates import Duration, add_months
from coopctl.core.errors import CoopError
from coopctl.i18n import t
from coopctl.core.records import STATES, Activity, Agreement, Partner, Store
from coopctl.core.sectors import SectorError, Vocabulary


_TEXTS: dict = {}


def _shared_text(value, make) -> str:
    """`make(value)`, one string per value: a listing of 100,000 rows repeats its days thousands of times."""
    text = _TEXTS.get(value)
    if text is None:
        if len(_TEXTS) >= 200_000:
            _TEXTS.clear()
        text = _TEXTS[value] = make(value)
    return text


def _pd(value) -> str | None:
    """A partial date (or a duration) as text."""
    return _shared_text(value, str) if value is not None else None


def _iso(value: date | None) -> str | None:
    return _shared_text(value, date.isoformat) if value is not None else None


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
    return t("; did you mean {names}?", names=", ".join(close)) if close else ""


def require_partner(store: Store, text: str) -> Partner:
    partner = find_partner(store, text)
    if partner is None:
        names = list(store.partners) + [p.name for p in store.partners.values()]
        raise CoopError(t("no partner '{name}'{hint}", name=text, hint=_nearest(text, names)))
    return partner


def require_agreement(store: Store, agreement_id: str) -> tuple[Partner, Agreement]:
    agreement = store.find_agreement(agreement_id)
    if agreement is None:
        ids = [a.id for a in store.agreements()]
        raise CoopError(t("no agreement '{id}'{hint} (see 'coopctl list')", id=agreement_id, hint=_nearest(agreement_id, ids)))
    return store.partners[agreement.partner_id], agreement


def resolve_sector(vocabulary: Vocabulary, text: str) -> str:
    try:
        return vocabulary.resolve(text)
    except SectorError as e:
        raise CoopError(str(e)) from None


def agreement_row(store: Store, partner: Partner, agreement: Agreement, as_of: date, notice: Duration | None = None,
                  status: rules.Status | None = None, plan: playbook.AgreementPlan | None = None) -> dict:
    """One agreement as every listing shows it. `status` and `plan`: already worked out for this as-of date."""
    s = status or rules.status(agreement, partner.kind, store.settings, as_of, notice)
    term = s.term
    pending = s.pending
    quiet = portfolio.dormancy(agreement, s.state, as_of, dormant_months(store))
    plan = plan or playbook.for_agreement(agreement, partner.kind, store.settings, as_of, s)
    return {
        "id": agreement.id,
        "partner": partner.name,
        "partner_id": partner.id,
        "country": partner.country,
        "kind": partner.kind,
        "type": agreement.type,
        "title": agreement.title,
        "sectors": [e.id for e in portfolio.sector_entries_at(agreement, as_of)],
        "unit": agreement.unit,
        "start": _pd(term.start) if term else None,
        "end": _pd(term.end) if term and term.end else (_iso(s.end_day) if term else None),
        "end_day": _iso(s.end_day),
        "state": s.state,
        "days_left": s.days_left,
        "notice": _pd(s.notice),
        "window_opens": _iso(s.window_opens),
        "last_end": _iso(s.last_end),
        "pending": {"start": _pd(pending.start), "end": _pd(pending.end)} if pending else None,
        "terminated": _pd(agreement.terminated),
        "dormant": quiet.dormant,
        "last_activity": _iso(quiet.last_activity),
        "months_silent": quiet.months_silent,
        **plan_fields(plan),
    }


_REFS: dict[tuple[str, str, date], dict] = {}


def milestone_ref(m: playbook.PlannedMilestone) -> dict:
    """`{"name", "label", "date"}` of a milestone. Rows share equal ones (a large listing names the same
    steps on the same days thousands of times): read them, never change one in place."""
    key = (m.name, m.label, m.due)
    ref = _REFS.get(key)
    if ref is None:
        if len(_REFS) >= 100_000:
            _REFS.clear()
        ref = _REFS[key] = {"name": m.name, "label": m.label, "date": _iso(m.due)}
    return ref


def plan_fields(plan: playbook.AgreementPlan) -> dict:
    """What a listing row says about the renewal plan (and, open-ended, the review)."""
    following = plan.next_milestone
    return {
        "procedure": plan.procedure,
        "next_milestone": milestone_ref(following) if following else None,
        "overdue_milestones": [milestone_ref(m) for m in plan.overdue],
        "review_due": plan.review_due,
        "review_by": _iso(plan.review.by) if plan.review else None,
        "last_evaluation": _iso(plan.review.last_evaluation) if plan.review else None,
    }


def plan_report(store: Store, agreement_id: str, as_of: date) -> dict:
    """`plan ID`: the renewal plan for the current term's end, milestone by milestone."""
    partner, agreement = require_agreement(store, agreement_id)
    s = rules.status(agreement, partner.kind, store.settings, as_of)
    plan = playbook.for_agreement(agreement, partner.kind, store.settings, as_of, s)
    return {
        "id": agreement.id,
        "partner": partner.name,
        "partner_id": partner.id,
        "title": agreement.title,
        "as_of": as_of.isoformat(),
        "state": s.state,
        "days_left": s.days_left,
        "procedure": plan.procedure,
        "term_start": _pd(plan.term.start) if plan.term else None,
        "term_end": _iso(plan.term_end),
        "open_ended": plan.term is not None and plan.term_end is None,
        "renewed": plan.renewed,
        "milestones": [
            {"name": m.name, "label": m.label, "due": m.due.isoformat(), "status": m.status, "done": _pd(m.done),
             "ref": m.ref, "note": m.note, "implied": m.implied, "days_late": m.days_late, "days_left": m.days_left}
            for m in plan.milestones
        ],
        **plan_fields(plan),
        "review_months": plan.review.months if plan.review else None,
    }


def dormant_months(store: Store) -> int:
    return store.settings.dormant_months or portfolio.DEFAULT_DORMANT_MONTHS


def stalled_months(store: Store) -> int:
    return store.settings.stalled_months or portfolio.DEFAULT_STALLED_MONTHS


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
        raise CoopError(t("no state '{state}'; use one of: {choices}", state=state, choices=", ".join(STATES)))
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
    """`renew`: what needs attention (due, renewing, lapsed, an overdue milestone, an open-ended
    agreement due for review), most urgent first."""
    rows = [row for partner in store.partners.values() for row in partner_renewal_rows(store, partner, as_of, within)]
    rows.sort(key=urgency)
    return rows


def partner_renewal_rows(store: Store, partner: Partner, as_of: date, within: Duration | None = None) -> list[dict]:
    """One partner's part of `renewal_rows`, unsorted."""
    settings = store.settings
    rows = []
    for agreement in partner.agreements:
        s = rules.status(agreement, partner.kind, settings, as_of, within)
        plan = playbook.for_agreement(agreement, partner.kind, settings, as_of, s)
        if s.state in rules.ATTENTION_STATES or plan.review_due or any(
                m.status == playbook.OVERDUE for m in plan.milestones):
            rows.append(agreement_row(store, partner, agreement, as_of, within, s, plan))
    return rows


def renewal_alarms(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """What makes `renew --check` fail: agreements due or lapsed, and those with an overdue milestone.
    (Renewing and review-due agreements are listed but do not fail the check.)"""
    return [r for r in rows if renewal_alarm(r)[0]], [r for r in rows if renewal_alarm(r)[1]]


def renewal_alarm(row: dict) -> tuple[bool, bool]:
    """One row's part of `renewal_alarms`: (due or lapsed, a milestone overdue)."""
    return row["state"] in ("due", "lapsed"), bool(row.get("overdue_milestones"))


def urgency(row: dict) -> tuple:
    return playbook.urgency(*_urgency_facts(row))


def urgency_text(row: dict) -> str:
    """`urgency` as one string that sorts the same way (see `playbook.urgency_text`)."""
    return playbook.urgency_text(*_urgency_facts(row))


def _urgency_facts(row: dict) -> tuple:
    overdue = row.get("overdue_milestones") or []
    since = date.fromisoformat(overdue[0]["date"]) if overdue else None
    return since, row["state"], row["days_left"], row["id"]


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
            entry = next((s for s in portfolio.sector_entries_at(agreement, as_of) if s.id == sector_id), None)
            if entry is not None:
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
    coverage = coverage_report(store, vocabulary, as_of)
    by_sector = Counter(s for r in rows if r["state"] not in ("terminated", "lapsed") for s in r["sectors"])
    attention = [r for r in rows if r["state"] in rules.ATTENTION_STATES]
    attention.sort(key=urgency)
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
        "ending_within_12_months": sorted(
            (r for r in rows if r["state"] in portfolio.IN_FORCE and r["last_end"] is not None
             and as_of.isoformat() <= r["last_end"] <= add_months(as_of, 12).isoformat()),
            key=lambda r: (r["last_end"], r["id"])),
        "dormant": [r for r in dormant_rows(store, as_of) if not country or (r["country"] or "").upper() == country.upper()],
        "stalled": [s for s in coverage["stalled"] if not country or (s["country"] or "").upper() == country.upper()],
        "uncovered_sectors": [s["id"] for s in coverage["uncovered"]],
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
        "contacts": [{"name": c.name, "role": c.role, "email": c.email, "phone": c.phone} for c in partner.contacts],
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
        "milestones": [{"id": m.id, "date": _pd(m.date), "term_end": _pd(m.term_end), "ref": m.ref, "note": m.note,
                        "undone": m.undone} for m in agreement.milestones],
    }


# ---------------------------------------------------------------- activation, extensification, expansion


def activity_rows(
    store: Store,
    vocabulary: Vocabulary,
    agreement: str | None = None,
    partner: str | None = None,
    sector: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[dict]:
    """`activities`: newest first, filtered; a partial date matches if any of its days is in range."""
    if agreement is not None:
        require_agreement(store, agreement)
    partner_id = require_partner(store, partner).id if partner else None
    sector_id = resolve_sector(vocabulary, sector) if sector else None
    rows = []
    for p in store.partners.values():
        if partner_id and p.id != partner_id:
            continue
        for a in p.agreements:
            if agreement and a.id != agreement:
                continue
            for act in a.activities:
                if sector_id and act.sector != sector_id:
                    continue
                if since and act.date.last_day() < since:
                    continue
                if until and act.date.first_day() > until:
                    continue
                rows.append(activity_row(p, a, act))
    rows.sort(key=lambda r: (r["date"], r["agreement"]), reverse=True)
    return rows


def dormant_rows(store: Store, as_of: date, months: int | None = None) -> list[dict]:
    """`dormant`: agreements in force with no activity in the last N months, longest silent first."""
    months = months or dormant_months(store)
    rows = []
    for p in store.partners.values():
        for a in p.agreements:
            row = agreement_row(store, p, a, as_of)
            quiet = portfolio.dormancy(a, row["state"], as_of, months)
            if quiet.dormant:
                row.update(dormant=True, last_activity=_iso(quiet.last_activity), months_silent=quiet.months_silent,
                           dormant_months=months)
                rows.append(row)
    rows.sort(key=silence)
    return rows


def silence(row: dict) -> tuple:
    """Longest silent first: never any activity (oldest start first), then the oldest last activity."""
    return (row["last_activity"] is not None, row["last_activity"] or row["start"] or "", row["id"])


def coverage_report(store: Store, vocabulary: Vocabulary, as_of: date) -> dict:
    """`coverage`: the partner x sector matrix of agreements in force, the sectors nobody covers,
    partners by country and kind, stalled LoIs and prospects."""
    states = {a.id: rules.status(a, p.kind, store.settings, as_of).state
              for p in store.partners.values() for a in p.agreements}
    matrix = portfolio.coverage(store, states, as_of)
    covered = sorted({s for sectors in matrix.values() for s in sectors})
    partners = sorted(store.partners.values(), key=lambda p: p.name.casefold())
    months = stalled_months(store)
    stalled = []
    for p in partners:
        since = portfolio.stalled_since(p, as_of, months)
        if since is not None:
            stalled.append({"id": p.id, "name": p.name, "country": p.country, "loi_date": since.isoformat(),
                            "months": portfolio.months_between(since, as_of)})
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
                      for sid, s in vocabulary.sectors.items() if sid not in covered],
        "by_country": dict(sorted(by_country.items())),
        "by_kind": dict(sorted(by_kind.items())),
        "stalled": stalled,
        "stalled_months": months,
        "prospects": [{"id": p.id, "name": p.name, "country": p.country} for p in partners if portfolio.is_prospect(p)],
    }


def timeline_rows(store: Store, as_of: date, partner: str | None = None) -> list[dict]:
    """`timeline`: each agreement's terms (with the day each runs to) and the gaps between them."""
    partner_id = require_partner(store, partner).id if partner else None
    rows = []
    for p in sorted(store.partners.values(), key=lambda p: p.name.casefold()):
        if partner_id and p.id != partner_id:
            continue
        for a in p.agreements:
            signed = a.signed_terms()
            terms = []
            for i, t in enumerate(signed):
                terms.append({"start": t.start.first_day().isoformat(), "end": _iso(rules.term_end_day(signed, i)),
                              "pending": False})
            pending = a.pending_term()
            if pending is not None:
                terms.append({"start": pending.start.first_day().isoformat(),
                              "end": _iso(pending.end.last_day() if pending.end else None), "pending": True})
            rows.append({
                "id": a.id, "partner": p.name, "partner_id": p.id,
                "state": rules.status(a, p.kind, store.settings, as_of).state,
                "terminated": _iso(a.terminated.first_day() if a.terminated else None),
                "terms": terms,
                "gaps": [{"start": g.start.isoformat(), "end": g.end.isoformat()} for g in portfolio.gaps(a, as_of)],
            })
    return rows

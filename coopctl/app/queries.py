"""What the listings show, as plain data: rows ready for any format.

A `Snapshot` computes every agreement's facts at the as-of date once
(`core.facts`); `list`, `renew`, `dormant`, `timeline` and the reports
(`app.reports`) are views over it. Rows are the objects of PRODUCT.md's JSON
shapes; the rendering layer only lays them out.
"""

from __future__ import annotations

from datetime import date

from coopctl.core import facts as facts_module, lexicon, playbook, portfolio
from coopctl.core.countries import resolve_country
from coopctl.core.dates import Duration
from coopctl.core.errors import CoopError, UsageError
from coopctl.core.facts import Facts
from coopctl.core.ids import fold, nearest, require_agreement, require_partner
from coopctl.core.records import STATES, Activity, Agreement, Partner, Store, category_of
from coopctl.core.sectors import Vocabulary
from coopctl.i18n import t


class Snapshot:
    """A store at an as-of date: every agreement's facts, computed once, in store order."""

    def __init__(self, store: Store, as_of: date, within: Duration | None = None,
                 vocabulary: Vocabulary | None = None):
        self.store = store
        self.as_of = as_of
        self.vocabulary = vocabulary or Vocabulary(store.settings.sectors, store.settings.sector_aliases)
        self._compute = facts_module.FactsAt(store.settings, as_of, within)
        _PLANNED.clear()  # as `FactsAt` lets go of the milestones of an earlier question, so of their references
        self._facts: list[Facts] | None = None
        self._rows: dict[str, dict] = {}

    @property
    def facts(self) -> list[Facts]:
        """Every agreement's facts, in store order (computed on first use, once)."""
        if self._facts is None:
            compute = self._compute
            self._facts = [compute(p, a) for p in self.store.partners.values() for a in p.agreements]
        return self._facts

    def each(self):
        """Every agreement's facts, in store order, one at a time: for a view that keeps few of them (`renew`), so
        that a large store's facts are not all held at once. The same facts as `facts`, computed the same way."""
        if self._facts is not None:
            yield from self._facts
            return
        compute = self._compute
        for p in self.store.partners.values():
            for a in p.agreements:
                yield compute(p, a)

    def row(self, f: Facts) -> dict:
        """The agreement's row (made once per snapshot; read it, never change it in place)."""
        row = self._rows.get(f.agreement.id)
        if row is None:
            row = self._rows[f.agreement.id] = agreement_row(f)
        return row

    def listed(self, f: Facts, quiet: portfolio.Dormancy | None = None) -> dict:
        """The agreement's row for a listing that holds its rows itself (`list`, `renew`): a row another view of
        this snapshot made is reused; a new one is not kept here, so a large store's rows are not held twice.
        `quiet`: its dormancy (`Facts.dormancy`), when the caller has worked it out already."""
        return self._rows.get(f.agreement.id) or agreement_row(f, quiet)

    def rows(self) -> list[dict]:
        return [self.row(f) for f in self.facts]

    def states(self) -> dict[str, str]:
        return {f.agreement.id: f.status.state for f in self.each()}


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _text(value) -> str | None:
    """A partial date as the store writes it."""
    return value.text if value is not None else None


def agreement_row(f: Facts, quiet: portfolio.Dormancy | None = None) -> dict:
    """One agreement as every listing shows it (PRODUCT.md's JSON shape of `list`). `quiet`: its dormancy, when
    the caller has worked it out already (`Facts.dormancy` is worked out each time it is asked for)."""
    partner, agreement, s, plan = f.partner, f.agreement, f.status, f.plan
    if quiet is None:
        quiet = f.dormancy
    term, pending, end_day, review = s.term, s.pending, s.end_day, plan.review
    following, overdue = _milestone_refs(plan.milestones)
    intent = s.state == "intent" and term is not None
    end_iso = _day(end_day)
    sectors = agreement.sectors
    if sectors and not all(e.since is None and e.until is None for e in sectors):
        sectors = f.sectors
    return {
        "id": agreement.id,
        "partner": partner.name,
        "partner_id": partner.id,
        "country": partner.country,
        "kind": partner.kind,
        "type": agreement.type,
        "category": agreement.category or category_of(partner.kind),
        "under": agreement.under,
        "title": agreement.title,
        "sectors": [e.id for e in sectors],
        "unit": agreement.unit,
        "start": term.start.text if term else None,
        "end": (term.end.text if term.end else end_iso) if term else None,
        "end_day": end_iso,
        "state": s.state,
        "days_left": s.days_left if not intent else None,
        "intent_since": (term.signed or term.start).text if intent else None,
        "intent_months": portfolio.months_between((term.signed or term.start).first, f.as_of) if intent else None,
        "notice": _notice(s.notice),
        "window_opens": _day(s.window_opens),
        "last_end": _day(s.last_end),
        "pending": {"start": pending.start.text, "end": _text(pending.end),
                    "assumed": [key for key in ("start", "end") if key in pending.assumed]} if pending else None,
        "terminated": _text(agreement.terminated),
        "dormant": quiet.dormant,
        "last_activity": _text(quiet.last_date),
        "months_silent": quiet.months_silent,
        "procedure": plan.procedure,
        "next_milestone": following,
        "overdue_milestones": overdue,
        "review_due": plan.review_due,
        "review_by": _day(review.by) if review else None,
        "last_evaluation": _day(review.last_evaluation) if review else None,
        "assumed": [key for key in ("start", "end", "signed") if key in term.assumed] if term and term.assumed else _NONE,
    }


_NONE: list = []  # the `assumed` of most rows, one list shared by them (a row is read, never changed in place)


_DAYS: dict[date, str] = {}  # a day -> its ISO text, made once per process and shared by the rows that show it


_NOTICES: dict[Duration, str] = {}  # a notice window -> its text ("18m"), shared as `_DAYS`


def _notice(value: Duration) -> str:
    text = _NOTICES.get(value)
    if text is None:
        text = _NOTICES[value] = str(value)
    return text


def _day(value: date | None) -> str | None:
    """A day as ISO text (`date.isoformat`), one string per day however many rows show it."""
    if value is None:
        return None
    text = _DAYS.get(value)
    if text is None:
        text = _DAYS[value] = value.isoformat()
    return text


_PLANNED: dict[int, tuple] = {}  # id(milestones) -> (milestones, next, overdue): see `_milestone_refs`


def _milestone_refs(milestones: tuple) -> tuple[dict | None, list[dict]]:
    """A plan's next milestone and its overdue ones as a row gives them (`milestone_ref`). Agreements that share
    a timetable share their milestones (`playbook.AgreementPlan.milestones`), and so these: made once per
    milestones, keyed by their identity, which the entry keeps alive (read them, never change them in place)."""
    known = _PLANNED.get(id(milestones))
    if known is not None and known[0] is milestones:
        return known[1], known[2]
    if len(_PLANNED) > 200_000:
        _PLANNED.clear()
    following = playbook.next_open(milestones)
    late = playbook.OVERDUE
    made = (milestone_ref(following) if following else None, [milestone_ref(m) for m in milestones if m.status == late])
    _PLANNED[id(milestones)] = (milestones, *made)
    return made


_REFS: dict[tuple, dict] = {}  # (step, label, due day) -> its reference: many agreements share a timetable


def milestone_ref(m) -> dict:
    """`{"name", "label", "label_id", "date", "assumed"}` of a planned milestone (the label in English and in
    Indonesian; `assumed`: no source gives the step's offset, so its date is marked). Made once per step, due day
    and mark in a process, and shared: read it, never change it in place."""
    key = (*m[:3], m.assumed)  # (name, label, due): a PlannedMilestone's first three fields, and its mark
    ref = _REFS.get(key)
    if ref is None:
        ref = _REFS[key] = {"name": m.name, "label": m.label, "label_id": playbook.label_id(m.name, m.label),
                            "date": _day(m.due), "assumed": m.assumed}
    return ref


def resolve_sector(vocabulary: Vocabulary, text: str) -> str:
    """A filter's sector: an unknown one is a usage error naming the nearest (never an empty result)."""
    return _filter(vocabulary.resolve, text)


def filter_partner(store: Store, text: str) -> str:
    """A filter's partner id, by id or name in any case; a usage error naming the nearest otherwise."""
    return _filter(require_partner, store, text, "partner").id


def _filter(resolve, *args):
    """`resolve(*args)`, its error a usage error (exit 2): a filter value that names nothing is a mistake in the
    command, not a problem of the store."""
    try:
        return resolve(*args)
    except UsageError:
        raise
    except CoopError as e:
        raise UsageError(str(e), field=e.field) from None


def _state_named(text: str) -> str:
    """The state id a name stands for: the id (any case), or its name in Indonesian ("masa berlaku habis")."""
    from coopctl import i18n

    names = i18n.catalogue("id").get("messages", {})
    for state in STATES:
        if fold(text) in (fold(state), fold(names.get(f"state|{state}", state))):
            return state
    raise UsageError(t("no state '{state}'; use one of: {choices}{hint}", state=text,
                       choices=", ".join(i18n.state(s) for s in STATES), hint=nearest(fold(text), STATES, n=1)),
                     field="state")


def list_rows(snapshot: Snapshot, sector: str | None = None, country: str | None = None, state: str | None = None,
              partner: str | None = None, category: str | None = None, type_: str | None = None) -> list[dict]:
    """`list`: every agreement, filtered, ordered by partner then id."""
    if state is not None and state not in STATES:
        state = _state_named(state)
    if category is not None:
        category = lexicon.resolve(lexicon.CATEGORIES, category, t("legal category"), field="category")
    if type_ is not None:
        type_ = lexicon.resolve(lexicon.TYPES, type_, t("document type"), field="type")
    sector_id = resolve_sector(snapshot.vocabulary, sector) if sector else None
    partner_id = filter_partner(snapshot.store, partner) if partner else None
    country = resolve_country(country) if country else None
    rows = []
    for f in snapshot.each():  # the facts let go once read, as `renewal_rows` does
        if sector_id and all(e.id != sector_id for e in f.sectors):
            continue
        if country and (f.partner.country or "").upper() != country:
            continue
        if state and f.status.state != state:
            continue
        if partner_id and f.partner.id != partner_id:
            continue
        if category and category_of(f.partner.kind, f.agreement.category) != category:
            continue
        if type_ and f.agreement.type != type_:
            continue
        rows.append(snapshot.listed(f))
    rows.sort(key=lambda r: (r["partner"].casefold(), r["id"]))
    return rows


def renewal_rows(snapshot: Snapshot) -> list[dict]:
    """`renew`: what needs attention (due, renewing, lapsed, an overdue milestone, an open-ended
    agreement due for review), most urgent first."""
    # the facts of the agreements not listed are let go as soon as they are read (a large store's facts are not
    # all held at once), and those listed once their rows are made
    attention = [f for f in snapshot.each() if f.needs_attention]
    attention.sort(key=_urgency)
    return [snapshot.listed(f) for f in attention]


def _urgency(f: Facts) -> tuple:
    return f.urgency


def alarms(row: dict) -> tuple[bool, bool]:
    """What fails `renew --check`, for one row: (due or lapsed, a milestone of its plan overdue). Renewing and
    review-due agreements are listed but do not fail the check."""
    return row["state"] in ("due", "lapsed"), bool(row["overdue_milestones"])


def urgency(row: dict) -> tuple:
    """`renew`'s order for a row (`core.facts.urgency`)."""
    overdue = row["overdue_milestones"]
    since = date.fromisoformat(overdue[0]["date"]) if overdue else None
    return facts_module.urgency(since, row["state"], row["days_left"], row["id"])


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
        "assumed": list(activity.assumed),
    }


def activity_rows(store: Store, vocabulary: Vocabulary, agreement: str | None = None, partner: str | None = None,
                  sector: str | None = None, since: date | None = None, until: date | None = None) -> list[dict]:
    """`activities`: newest first, filtered; a partial date matches if any of its days is in range."""
    if agreement is not None:
        agreement = require_agreement(store, agreement)[1].id  # by id, partner or prefix, as every command
    partner_id = filter_partner(store, partner) if partner else None
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
                if since and act.date.last < since:
                    continue
                if until and act.date.first > until:
                    continue
                rows.append(activity_row(p, a, act))
    rows.sort(key=lambda r: (r["date"], r["agreement"]), reverse=True)
    return rows


def dormant_rows(snapshot: Snapshot, months: int | None = None) -> list[dict]:
    """`dormant`: agreements in force with no activity in the last N months (the store's setting unless
    given), longest silent first."""
    as_of = snapshot.as_of
    months = months or snapshot.store.settings.dormant_after
    rows = []
    for f in snapshot.each():
        usual = months == f.dormant_months
        quiet = f.dormancy if usual else portfolio.dormancy(f.agreement, f.status.state, as_of, months)
        if quiet.dormant:
            rows.append(snapshot.listed(f, quiet if usual else None) | {"dormant": True, "last_activity": _text(quiet.last_date),
                                           "months_silent": quiet.months_silent, "dormant_months": months})
    rows.sort(key=silence)
    return rows


def silence(row: dict) -> tuple:
    """Longest silent first: never any activity (oldest start first), then the oldest last activity."""
    return (row["last_activity"] is not None, row["last_activity"] or row["start"] or "", row["id"])


def timeline_rows(snapshot: Snapshot, partner: str | None = None) -> list[dict]:
    """`timeline`: each agreement's terms (with the day each runs to) and the gaps between them."""
    partner_id = filter_partner(snapshot.store, partner) if partner else None
    rows = []
    for f in snapshot.each():  # the facts let go once read; the rows ordered by partner below
        p, a = f.partner, f.agreement
        if partner_id and p.id != partner_id:
            continue
        line = f.line
        as_of = snapshot.as_of
        # a term signed after the as-of date was still in process then: drawn as pending (the past stays true)
        terms = [{"start": term.start.text, "end": term.end.text if term.end else _iso(end),
                  "pending": term.signed is not None and term.signed.first > as_of,
                  "first_day": start.isoformat(), "last_day": _iso(end), "assumed": list(term.assumed)}
                 for term, start, end in zip(line.signed, line.starts, line.ends)]
        if line.pending is not None:
            pending = line.pending
            terms.append({"start": pending.start.text, "end": _text(pending.end), "pending": True,
                          "first_day": pending.start.first.isoformat(),
                          "last_day": _iso(pending.end.last if pending.end else None),
                          "assumed": list(pending.assumed)})
        rows.append({
            "id": a.id, "partner": p.name, "partner_id": p.id,
            "state": f.status.state,
            "terminated": _iso(a.terminated.first if a.terminated and a.terminated.first <= as_of else None),
            "terms": terms,
            "gaps": [{"start": g.start_text, "end": g.end_text, "kind": g.kind, "first_day": g.start.isoformat(),
                      "last_day": g.end.isoformat()} for g in portfolio.gaps(a, snapshot.as_of)],
        })
    rows.sort(key=lambda r: r["partner"].casefold())  # stable: each partner's agreements in store order
    return rows

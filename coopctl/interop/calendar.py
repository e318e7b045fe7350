"""The renewal calendar: an RFC 5545 feed for Outlook, Google Calendar or Thunderbird.

For every agreement that has an end (and was not terminated), two all-day events: the day
its notice window opens (the renewal must start) and its end day. They belong to the last
signed term; a pending term (a renewal recorded but not signed yet) that has an end gets its
own two events, marked as pending and TENTATIVE. Each event has alarms, and a UID made from
the store's owner, the agreement and the term's start, so that importing the feed again
updates the events instead of duplicating them, and a corrected end moves its event.

Every step of every plan (a renewal's, or the way to a first agreement) is an all-day event
on its due day too, so the day to send the DPRD letter reaches the officer's calendar. Its UID
names the agreement, the end planned for (or `first`) and the step; a step recorded as done or
not needed stays in the next feed as CANCELLED, so a calendar that imported it removes it.

`events` gives plain data (tested without any calendar library); `feed_bytes` writes it
with the icalendar package, imported only here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from coopctl.core.dates import Duration
from coopctl.i18n import t
from coopctl.core.records import Agreement, Partner, Store, Term
from coopctl.core.ids import fold


# ---------------------------------------------------------------- events as data


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    day: date
    what: str  # "window", "end" or "step"
    pending: bool
    agreement_id: str
    partner_id: str
    summary: str
    description: str
    cancelled: bool = False  # a step recorded as done or not needed


def _owner_slug(owner: str) -> str:
    slug = fold(owner)[:48].strip("-")
    return slug or "store"


def _term_events(store: Store, partner: Partner, agreement: Agreement, term: Term, end: date, notice: Duration,
                 pending: bool) -> list[CalendarEvent]:
    from coopctl.core.text import clean

    window = notice.before(end)
    uid = f"{agreement.id}.{term.start}.{{what}}@{_owner_slug(store.settings.owner)}.coopctl"
    name, title = clean(partner.name), clean(agreement.title)
    start, last = str(term.start), end.isoformat()
    lines = [
        t("Agreement: {title} ({id})", title=title, id=agreement.id),
        t("Partner: {partner} ({id})", partner=name, id=partner.id + (", " + partner.country if partner.country else "")),
        t("Term: {start} to {end} (pending: recorded, not signed yet)", start=start, end=last) if pending
        else t("Term: {start} to {end}", start=start, end=last),
        t("Notice: {notice}: the renewal window opens {window}, the term ends {end}", notice=str(notice),
          window=window.isoformat(), end=last),
    ]
    unit = clean(agreement.unit) if agreement.unit else None
    if unit:
        lines.append(t("Unit: {unit}", unit=unit))
    lines.append(t("Details: coopctl show {id}", id=agreement.id))
    description = "\n".join(lines)
    if pending:
        window_summary = t("Renewal window opens (pending signature): {partner} – {title}", partner=name, title=title)
        end_summary = t("Ends (pending signature): {partner} – {title}", partner=name, title=title)
    else:
        window_summary = t("Renewal window opens: {partner} – {title}", partner=name, title=title)
        end_summary = t("Ends: {partner} – {title}", partner=name, title=title)
    return [
        CalendarEvent(uid.format(what="window"), window, "window", pending, agreement.id, partner.id,
                      window_summary, description),
        CalendarEvent(uid.format(what="end"), end, "end", pending, agreement.id, partner.id, end_summary, description),
    ]


def _step_events(store: Store, partner: Partner, agreement: Agreement, plan) -> list[CalendarEvent]:
    """One event per step of the agreement's plan (see the module docstring)."""
    from coopctl.core.text import clean

    if plan.kind not in ("renewal", "first"):
        return []
    towards = plan.term_end.isoformat() if plan.kind == "renewal" else "first"
    from coopctl import i18n
    from coopctl.core.playbook import label_id

    name, title = clean(partner.name), clean(agreement.title)
    found = []
    for m in plan.milestones:
        step = label_id(m.name, m.label) if i18n.language() == "id" else m.label
        uid = f"{agreement.id}.{towards}.step-{m.name}@{_owner_slug(store.settings.owner)}.coopctl"
        lines = [
            t("Agreement: {title} ({id})", title=title, id=agreement.id),
            t("Partner: {partner} ({id})", partner=name, id=partner.id + (", " + partner.country if partner.country else "")),
            t("Step {step} of the '{procedure}' procedure: {label}", step=m.name, procedure=plan.procedure, label=step),
            t("For the renewal of the term ending {end}", end=towards) if plan.kind == "renewal"
            else t("Towards a first agreement (from {date})", date=plan.origin.isoformat()),
        ]
        if m.conditional:
            lines.append(t("Conditional: record it as not needed when it does not apply"))
        if m.assumed:
            lines.append(t("Its due day is assumed: no source gives the offset"))
        lines.append(t("Record it when done: coopctl milestone {id} {step} --date DATE", id=agreement.id, step=m.name))
        found.append(CalendarEvent(uid, m.due, "step", False, agreement.id, partner.id,
                                   t("{label} due: {partner} – {title}", label=step, partner=name, title=title),
                                   "\n".join(lines), cancelled=not m.is_open))
    return found


def events(store: Store, as_of: date, within: Duration | None = None) -> list[CalendarEvent]:
    """Every agreement's window, end and plan-step events, by day; with `within`, only those from
    `as_of` to `as_of + within`."""
    from coopctl.core.facts import FactsAt

    compute = FactsAt(store.settings, as_of)
    found: list[CalendarEvent] = []
    for partner_id in sorted(store.partners):
        partner = store.partners[partner_id]
        for agreement in partner.agreements:
            if agreement.terminated is not None:
                continue  # ended on purpose: never flagged again
            facts = compute(partner, agreement)
            status = facts.status
            found += _step_events(store, partner, agreement, facts.plan)
            signed = agreement.signed_terms()
            if signed and status.last_end is not None:
                found += _term_events(store, partner, agreement, signed[-1], status.last_end, status.notice, False)
            pending = agreement.pending_term()
            if pending is not None and pending.end is not None:
                found += _term_events(store, partner, agreement, pending, pending.end.last_day(), status.notice, True)
    if within is not None:
        horizon = within.after(as_of)
        found = [e for e in found if as_of <= e.day <= horizon]
    return sorted(found, key=lambda e: (e.day, e.uid))


# ---------------------------------------------------------------- the feed


def feed_bytes(store: Store, found: list[CalendarEvent], as_of: date) -> bytes:
    """The RFC 5545 text (CRLF lines, folded and escaped by the icalendar package).

    DTSTAMP is the as-of day at midnight UTC, so the same store gives the same feed that day."""
    from icalendar import Alarm, Calendar, Event, vText

    from coopctl import __version__

    calendar = Calendar()
    calendar.add("prodid", f"-//coopctl//coopctl {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    from coopctl.core.text import clean

    # TEXT, escaped: icalendar writes a property it does not know (an X- one) as it is given
    calendar.add("x-wr-calname", vText(t("{owner}: agreement renewals", owner=clean(store.settings.owner))))
    stamp = datetime(as_of.year, as_of.month, as_of.day, tzinfo=timezone.utc)
    for e in found:
        event = Event()
        event.add("uid", e.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", e.day)
        if e.day < date.max:  # all-day: DTEND is the next day; on 9999-12-31 there is none (one day without it)
            event.add("dtend", e.day + timedelta(days=1))
        event.add("summary", e.summary)
        event.add("description", e.description)
        event.add("categories", [t("Renewal") if e.what == "window" else t("Agreement end") if e.what == "end"
                                 else t("Procedure step")])
        event.add("status", "CANCELLED" if e.cancelled else "TENTATIVE" if e.pending else "CONFIRMED")
        event.add("transp", "TRANSPARENT")
        if e.cancelled:
            calendar.add_component(event)
            continue
        triggers = (timedelta(days=-30), timedelta(hours=9)) if e.what == "end" else (timedelta(days=-7), timedelta(hours=9))
        for trigger in triggers:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", t("The renewal window opens: start the renewal") if e.what == "window"
                      else t("The agreement's term ends") if e.what == "end" else t("A step of the procedure is due"))
            alarm.add("trigger", trigger)
            event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()

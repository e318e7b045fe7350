"""One record in full (`show`) and one agreement's renewal plan (`plan`), in every format."""

from __future__ import annotations

from coopctl import i18n
from coopctl.core.text import clean
from coopctl.i18n import t, tc
from coopctl.views import formats, tables
from coopctl.views.listing import for_people, md_columns, term_text


def show_record(record: dict, fmt: str) -> None:
    if fmt == "json":
        formats.write_json(record)
        return
    agreements = record["agreements"] if record["record"] == "partner" else [record]
    if fmt in ("csv", "md"):
        rows = [term | {"agreement": a["id"]} for a in agreements for term in a["terms"]]
        fields = ["agreement", "start", "end", "signed", "pending", "current", "number", "place", "note"]
        if fmt == "csv":
            formats.write_csv(rows, fields)
        else:
            formats.write_md(for_people(rows), md_columns(fields), record.get("name") or record.get("title"))
        return
    shown = i18n.shown_date
    if record["record"] == "partner":
        tables.print_pairs([
            (t("Partner"), f"{record['name']} ({record['id']})"), (t("Local name"), record["local_name"]),
            (t("Country"), record["country"]), (t("Kind"), record["kind"]), (t("Level"), record["level"]),
            (t("Since"), shown(record["since"])), (t("Notes"), record["notes"]), (t("Sources"), record["sources"]),
        ])
        if not agreements:
            tables.print_lines(["", t("No agreement yet (a prospect).")])
    for a in agreements:
        sectors = [
            s["id"] + (t(" (since {date})", date=shown(s["since"])) if s["since"] else "")
            + (t(" (until {date})", date=shown(s["until"])) if s["until"] else "")
            for s in a["sectors"]
        ]
        tables.print_lines([""])
        tables.print_pairs([
            (t("Agreement"), f"{a['title']} ({a['id']})"), (t("Partner"), f"{a['partner']} ({a['partner_id']})"),
            (t("Type"), a["type"]), (t("State"), state_text(a)), (t("Sectors"), sectors), (t("Unit"), a["unit"]),
            (t("Notice"), a["notice"]), (t("Terminated"), shown(a["terminated"])), (t("Reason"), a["termination_reason"]),
            (t("Notes"), a["notes"]), (t("Sources"), a["sources"]),
        ] + [(clean(key), values) for key, values in a.get("extra", {}).items()])
        terms = [term | {"status": tc("term", "pending") if term["pending"] else (tc("term", "current") if term["current"] else ""),
                         "start": shown(term["start"]), "signed": shown(term["signed"]),
                         "end": shown(term["end"]) or (f"({shown(term['runs_to'])})" if term["runs_to"] else tc("term", "open"))}
                 for term in a["terms"]]
        tables.print_lines([""])
        tables.print_table(terms, [("start", t("Start")), ("end", t("End")), ("signed", t("Signed")), ("status", ""),
                                   ("number", t("Number")), ("place", t("Place")), ("note", t("Note"))], t("Terms"),
                           keep=("start", "end", "signed", "status"), wrap=("note",))
        if a.get("milestones"):
            tables.print_lines([""])
            tables.print_table([m | {"step": m["id"] + (t(" (undone)") if m["undone"] else ""), "date": shown(m["date"]),
                                     "term_end": shown(m["term_end"])} for m in a["milestones"]],
                               [("date", t("Done")), ("step", t("Milestone")), ("term_end", t("Term end")), ("ref", t("Ref")),
                                ("note", t("Note"))], t("Renewal milestones (see coopctl plan)"),
                               keep=("date", "step", "term_end", "ref"), wrap=("note",))
        if a["activities"]:
            tables.print_lines([""])
            tables.print_table(i18n.shown_dates(a["activities"], ("date",)),
                               [("date", t("Date")), ("sector", t("Sector")), ("type", t("Type")),
                                ("summary", t("Summary"))], t("Activities"),
                               keep=("date", "sector", "type"), wrap=("summary",))


def state_text(row: dict) -> str:
    days = row["days_left"]
    state = i18n.state(row["state"])
    if days is None:
        return state
    if days >= 0:
        return t("{state} ({days} days left, to {end})", state=state, days=days, end=i18n.shown_date(row["end_day"]))
    return t("{state} (ended {end}, {days} days ago)", state=state, days=-days, end=i18n.shown_date(row["end_day"]))


PLAN_FIELDS = ["name", "label", "due", "status", "done", "ref", "note", "implied", "days_late", "days_left"]


def milestone_status(m: dict) -> str:
    if m["status"] == "done":
        if m["implied"]:
            return t("done (signed)") if m["done"] else t("done (implied)")
        return t("done {n} days late", n=m["days_late"]) if m["days_late"] else tc("milestone", "done")
    if m["status"] == "overdue":
        return t("overdue {n} days", n=m["days_late"])
    if m["status"] == "due soon":
        return t("due today") if m["days_left"] == 0 else t("due in {n} days", n=m["days_left"])
    return tc("milestone", m["status"])


def show_plan(data: dict, fmt: str) -> None:
    if fmt == "json":
        formats.write_json(data)
        return
    if fmt == "csv":
        formats.write_csv(data["milestones"], PLAN_FIELDS)
        return
    if fmt == "md":
        rows = [m | {"status": tc("milestone", m["status"])} for m in data["milestones"]] \
            if i18n.language() != i18n.ENGLISH else data["milestones"]
        formats.write_md(for_people(rows), md_columns(PLAN_FIELDS), t("Renewal plan: {id}", id=data["id"]))
        return
    shown = i18n.shown_date
    state = state_text({"state": data["state"], "days_left": data["days_left"], "end_day": data["term_end"]})
    term = term_text(data["term_start"], data["term_end"]) if data["term_end"] else None
    tables.print_pairs([
        (t("Agreement"), f"{data['title']} ({data['id']})"),
        (t("State"), t("{state} on {date}", state=state, date=shown(data["as_of"]))),
        (t("Renewal of"), t("the term {term}, by the '{procedure}' procedure", term=term, procedure=data["procedure"])
         if term else None),
    ])
    tables.print_lines([""])
    if data["open_ended"] and data["state"] == "terminated":
        tables.print_lines([t("Terminated: nothing to renew or review.")])
        return
    if data["open_ended"]:
        last = t("last evaluation {date}", date=shown(data["last_evaluation"])) if data["last_evaluation"] \
            else t("no evaluation logged")
        tables.print_lines([
            t("Open-ended since {start}: reviewed instead of renewed, every {months} months.",
              start=shown(data["term_start"]), months=data["review_months"]),
            t("Review due: {last}; the review was due by {date}.", last=last, date=shown(data["review_by"]))
            if data["review_due"] else t("Next review due by {date} ({last}).", date=shown(data["review_by"]), last=last),
            t("Record a review with: coopctl log {id} SUMMARY --type evaluation --sector SECTOR", id=data["id"]),
        ])
        return
    if data["term_end"] is None:
        tables.print_lines([t("No signed term yet: the plan starts once the first term is signed.")])
        return
    rows = [m | {"status_text": milestone_status(m), "due": shown(m["due"]), "done": shown(m["done"])}
            for m in data["milestones"]]
    tables.print_table(rows, [("due", t("Due")), ("name", t("Milestone")), ("status_text", t("Status")), ("done", t("Done")),
                              ("ref", t("Ref")), ("label", t("Label"))],
                       keep=("due", "name", "status_text", "done"),
                       empty=t("the procedure '{procedure}' has no steps", procedure=data["procedure"]))
    following = data["next_milestone"]
    if data["state"] == "terminated":
        lines = [t("Terminated: nothing left to renew.")]
    elif data["renewed"]:
        lines = [t("Renewed: the next term is signed.")]
    elif following:
        late = t(" (overdue)") if data["overdue_milestones"] else ""
        lines = [t("Next: {name} ({label}), due {date}{late}.", name=following["name"], label=following["label"],
                   date=shown(following["date"]), late=late),
                 t("Record each step when done (--ref for the letter's number):"),
                 f"  coopctl milestone {data['id']} {following['name']} --date DATE"]
    else:
        lines = [t("Every milestone is done.")] if data["milestones"] else []
    tables.print_lines([""] + lines if lines else [])

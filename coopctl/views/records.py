"""One record in full (`show`) and one agreement's renewal plan (`plan`), in every format."""

from __future__ import annotations

import sys

from coopctl import i18n
from coopctl.core.text import clean
from coopctl.i18n import t, tc, tn
from coopctl.views import formats, tables, words
from coopctl.views.listing import approx, for_people, md_columns, term_text


def show_record(record: dict, fmt: str) -> None:
    if fmt == "json":
        formats.write_json(record)
        return
    agreements = record["agreements"] if record["record"] == "partner" else [record]
    if fmt == "csv":
        rows = [term | {"agreement": a["id"]} for a in agreements for term in a["terms"]]
        formats.write_csv(rows, TERM_FIELDS)
        return
    if fmt == "md":
        show_record_md(record, agreements)
        return
    if record["record"] == "partner":
        tables.print_pairs(partner_pairs(record))
        if not agreements:
            tables.print_lines(["", t("No agreement yet (a prospect).")])
    shown = i18n.shown_date
    for a in agreements:
        tables.print_lines([""])
        tables.print_pairs(agreement_pairs(a))
        ended = (a["days_left"] or 0) < 0  # the term the state speaks of ran out: the last, not one in force
        current = tc("term", "last") if ended else tc("term", "current")
        terms = [term | {"status": tc("term", "pending") if term["pending"] else (current if term["current"] else ""),
                         "start": approx(shown(term["start"]), "start" in term["assumed"]),
                         "signed": approx(shown(term["signed"]), "signed" in term["assumed"]),
                         "end": approx(shown(term["end"]), "end" in term["assumed"])
                         or (f"({shown(term['runs_to'])})" if term["runs_to"] else tc("term", "open"))}
                 for term in a["terms"]]
        tables.print_lines([""])
        tables.print_table(terms, [("start", t("Start")), ("end", t("End")), ("signed", t("Signed")), ("status", ""),
                                   ("number", t("Number")), ("place", t("Place")),
                                   ("partner_number", t("Partner's number")), ("note", t("Note"))],
                           t("Terms"), keep=("start", "end", "signed", "status"), wrap=("note",))
        signers = [t("Term from {start} signed by: {names}", start=shown(term["start"]), names="; ".join(term["signatories"]))
                   for term in a["terms"] if term.get("signatories")]
        gaps = [t("{start}..{end}: lapse (nothing in force)", start=shown(g["start"]), end=shown(g["end"]))
                if g["kind"] == "lapse" else
                t("{start}..{end}: unknown (no term on record)", start=shown(g["start"]), end=shown(g["end"]))
                for g in a["gaps"]]
        notes = [t("~ assumed: no source gives this date")] if any(
            term["assumed"] for term in a["terms"]) or any(x["assumed"] for x in a["activities"]) else []
        if gaps or notes or signers:
            tables.print_lines(signers + gaps + notes)
        if a.get("milestones"):
            tables.print_lines([""])
            tables.print_table([m | {"step": words.step(m["id"]) + (t(" (undone)") if m["undone"] else "")
                                     + (t(" (not needed)") if m["not_needed"] else ""),
                                     "date": shown(m["date"]), "term_end": shown(m["term_end"]) or t("first agreement")}
                                for m in a["milestones"]],
                               [("date", t("Done")), ("step", t("Milestone")), ("term_end", t("Term end")), ("ref", t("Ref")),
                                ("note", t("Note"))], t("Milestones of the procedure (see coopctl plan)"),
                               keep=("date", "step", "term_end", "ref"), wrap=("note",))
        if a["activities"]:
            tables.print_lines([""])
            tables.print_table([x | {"date": approx(x["date"], "date" in x["assumed"]),
                                     "sector": words.sector(approx(x["sector"], "sector" in x["assumed"])),
                                     "type": words.activity(x["type"])}
                                for x in i18n.shown_dates(a["activities"], ("date",))],
                               [("date", t("Date")), ("sector", t("Sector")), ("type", t("Type")),
                                ("summary", t("Summary"))], t("Activities"),
                               keep=("date", "sector", "type"), wrap=("summary",))
        if a.get("documents"):
            tables.print_lines([""])
            tables.print_table([d | {"sha": d["sha256"][:12], "term": shown(d["term"]), "date": shown(d["date"]),
                                     "kind": words.document_kind(d["kind"])}
                                for d in a["documents"]],
                               [("kind", tc("document", "Kind")), ("name", t("File")), ("number", t("Number")), ("date", t("Date")),
                                ("term", t("Term")), ("sha", "SHA-256")], t("Documents (see coopctl docs)"),
                               keep=("kind", "sha"), wrap=("name",))


TERM_FIELDS = ["agreement", "start", "end", "signed", "pending", "current", "number", "place", "partner_number",
               "signatories", "note", "assumed"]


def partner_pairs(record: dict) -> list[tuple[str, object]]:
    """A partner's fields as `show` lists them: (label, value)."""
    shown = i18n.shown_date
    return [
        (t("Partner"), f"{record['name']} ({record['id']})"), (t("Local name"), record["local_name"]),
        (t("Country"), record["country"]), (t("Kind"), words.kind(record["kind"])),
        (t("Level"), words.level(record["level"])),
        (t("Since"), approx(shown(record["since"]), "since" in record["assumed"])), (t("Notes"), record["notes"]),
        (t("Contacts"), "; ".join(contact_text(c) for c in record.get("contacts") or []) or None),
        (t("Sources"), record["sources"]),
    ]


def contact_text(contact: dict) -> str:
    """`Tanaka Hiroshi (International Affairs Division, tanaka@example.jp, +81 6 ...)`: a contact on one line."""
    details = ", ".join(v for v in (contact.get("role"), contact.get("email"), contact.get("phone")) if v)
    return f"{contact['name']} ({details})" if details else contact["name"]


def agreement_pairs(a: dict) -> list[tuple[str, object]]:
    """An agreement's fields as `show` lists them: (label, value)."""
    shown = i18n.shown_date
    sectors = [
        words.sector(s["id"]) + (t(" (since {date})", date=shown(s["since"])) if s["since"] else "")
        + (t(" (until {date})", date=shown(s["until"])) if s["until"] else "")
        for s in a["sectors"]
    ]
    parent = a["parent"]
    children = [f"{c['id']} ({words.type_(c['type'])}, {i18n.state(c['state'])})" for c in a["children"]]
    return [
        (t("Agreement"), f"{a['title']} ({a['id']})"), (t("Partner"), f"{a['partner']} ({a['partner_id']})"),
        (t("Type"), words.type_(a["type"])), (t("Category"), words.category(a["category"])),
        (t("Under"), f"{parent['id']} ({words.type_(parent['type'])})" if parent else a["under"]),
        (t("Under it"), children or None),
        (t("State"), state_text(a)), (t("Sectors"), words.joined(sectors)), (t("Unit"), a["unit"]),
        (t("Notice"), words.duration(a["notice"])), (t("Terminated"), shown(a["terminated"])),
        (t("Reason"), a["termination_reason"]), (t("Notes"), a["notes"]), (t("Sources"), a["sources"]),
    ] + [(clean(key), values) for key, values in a.get("extra", {}).items()]


def show_record_md(record: dict, agreements: list[dict]) -> None:
    """`show --format md`: the whole record as a Markdown document: its fields, and each agreement's fields,
    terms, milestones, activities and documents."""
    from coopctl.core.text import md_text

    def fields(pairs) -> str:
        rows = [{"field": label, "value": value} for label, value in pairs if value not in (None, "", [], {})]
        return formats.md_table(rows, [("field", t("Field")), ("value", t("Value"))])

    out = []
    if record["record"] == "partner":
        out += [f"# {md_text(record['name'])}", "", fields(partner_pairs(record)), ""]
        if not agreements:
            out += [t("No agreement yet (a prospect)."), ""]
    for a in agreements:
        out += [f"## {md_text(a['title'])}", "", fields(agreement_pairs(a)), ""]
        sections = [
            (t("Terms"), for_people([term | {"agreement": a["id"]} for term in a["terms"]]), md_columns(TERM_FIELDS)),
            (t("Milestones"), for_people(a.get("milestones") or [], ("date", "term_end")),
             md_columns(["id", "date", "term_end", "ref", "note", "not_needed", "undone"])),
            (t("Activities"), for_people(a["activities"]), md_columns(["date", "sector", "type", "summary"])),
            (t("Documents"), for_people(a.get("documents") or []),
             md_columns(["kind", "name", "number", "date", "term", "sha256"])),
        ]
        for heading, rows, columns in sections:
            if rows:
                out += [f"### {heading}", "", formats.md_table(rows, columns), ""]
    sys.stdout.write("\n".join(out).rstrip("\n") + "\n")


def state_text(row: dict) -> str:
    """`renewing (ended ~2022-09, 326 days ago)`: the end as the store writes it (a month stays a month), marked
    when assumed."""
    days = row["days_left"]
    state = i18n.state(row["state"])
    if row.get("intent_since"):
        return tn("{state} (letter of intent of {date}, {n} month ago)",
                  "{state} (letter of intent of {date}, {n} months ago)", row["intent_months"], state=state,
                  date=i18n.shown_date(row["intent_since"]))
    if days is None:
        return state
    end = approx(i18n.shown_date(row.get("end") or row["end_day"]), "end" in (row.get("assumed") or ()))
    if days >= 0:
        return t("{state} ({days} days left, to {end})", state=state, days=i18n.number(days), end=end)
    return t("{state} (ended {end}, {days} days ago)", state=state, days=i18n.number(-days), end=end)


PLAN_FIELDS = ["name", "label", "due", "status", "done", "ref", "note", "implied", "days_late", "days_left",
               "conditional", "assumed"]


def step_label(m: dict) -> str:
    """A step's label in the language spoken (the regulation's Indonesian name in Indonesian)."""
    return m["label_id"] if i18n.language() == "id" else m["label"]


def milestone_status(m: dict) -> str:
    if m["status"] == "done":
        if m["implied"]:
            return t("done (signed)") if m["done"] else t("done (implied)")
        return tn("done {n} day late", "done {n} days late", m["days_late"]) if m["days_late"] else \
            tc("milestone", "done")
    if m["status"] == "overdue":
        text = tn("overdue {n} day", "overdue {n} days", m["days_late"])
    elif m["status"] == "due soon":
        text = t("due today") if m["days_left"] == 0 else tn("due in {n} day", "due in {n} days", m["days_left"])
    else:
        text = tc("milestone", m["status"])
    return text + (t(" (conditional)") if m["conditional"] and m["status"] != "not needed" else "")


def show_plan(data: dict, fmt: str) -> None:
    if fmt == "json":
        formats.write_json(data)
        return
    if fmt == "csv":
        formats.write_csv(data["milestones"], PLAN_FIELDS)
        return
    if fmt == "md":
        rows = [m | {"status": tc("milestone", m["status"]), "label": step_label(m)} for m in data["milestones"]] \
            if i18n.language() != i18n.ENGLISH else data["milestones"]
        formats.write_md(for_people(rows), md_columns(PLAN_FIELDS), t("Plan: {id}", id=data["id"]))
        return
    shown = i18n.shown_date
    state = state_text({key: data.get(key) for key in ("state", "days_left", "intent_since", "intent_months", "end",
                                                       "end_day", "assumed")})
    if data["kind"] == "renewal":
        towards = t("the renewal of the term {term}, by the '{procedure}' procedure ({category})",
                    term=term_text(data["term_start"], data["term_end_text"], data["term_assumed"]),
                    procedure=words.procedure(data["procedure"]), category=words.category(data["category"]))
    elif data["kind"] == "first":
        towards = t("a first agreement, from {date}, by the '{procedure}' procedure ({category})",
                    date=shown(data["origin"]), procedure=words.procedure(data["procedure"]),
                    category=words.category(data["category"]))
    else:
        towards = None
    tables.print_pairs([
        (t("Agreement"), f"{data['title']} ({data['id']})"),
        (t("State"), t("{state} on {date}", state=state, date=shown(data["as_of"]))),
        (t("Plan for"), towards),
    ])
    tables.print_lines([""])
    if data["kind"] == "review" and data["state"] == "terminated":
        tables.print_lines([t("Terminated: nothing to renew or review.")])
        return
    if data["kind"] == "review":
        last = t("last evaluation {date}", date=shown(data["last_evaluation"])) if data["last_evaluation"] \
            else t("no evaluation logged")
        tables.print_lines([
            t("Open-ended since {start}: reviewed instead of renewed, every {months} months.",
              start=approx(shown(data["term_start"]), "start" in data["term_assumed"]), months=data["review_months"]),
            t("Review due: {last}; the review was due by {date}.", last=last, date=shown(data["review_by"]))
            if data["review_due"] else t("Next review due by {date} ({last}).", date=shown(data["review_by"]), last=last),
            t("Record a review with: coopctl log {id} SUMMARY --type evaluation --sector SECTOR", id=data["id"]),
        ] + ([t("~ assumed: no source gives this date")] if "start" in data["term_assumed"] else []))
        return
    if data["kind"] is None:
        later = data.get("pending")  # a term signed after the as-of date, no step of its process recorded by then
        tables.print_notes([t("No term was signed by {date}: the term {term} is signed later, and no step of its "
                              "process is recorded by then.", date=shown(data["as_of"]),
                              term=term_text(later["start"], later["end"], later.get("assumed") or ()))
                            if later else
                            t("No term on record: record the first term (signed, or pending as a proposal) to plan.")])
        return
    rows = [m | {"status_text": milestone_status(m), "due": approx(shown(m["due"]), m["assumed"]), "done": shown(m["done"]),
                 "label": step_label(m)} for m in data["milestones"]]
    columns = [("due", t("Due")), ("name", t("Milestone")), ("status_text", t("Status")), ("done", t("Done")),
               ("ref", t("Ref")), ("label", t("Label"))]
    drop = ("label", "done")
    if i18n.language() != i18n.ENGLISH:  # the step by its name in the language (the label), not its id
        columns = [("due", t("Due")), ("label", t("Milestone")), ("status_text", t("Status")), ("done", t("Done")),
                   ("ref", t("Ref"))]
        drop = ("done",)
    tables.print_table(rows, columns, keep=("due", "name", "status_text", "done", "ref"), wrap=("label",),
                       drop=drop,
                       empty=t("the procedure '{procedure}' has no steps", procedure=data["procedure"]))
    following = data["next_milestone"]
    if data["state"] == "terminated":
        lines = [t("Terminated: nothing left to renew.")]
    elif data["renewed"] and not following:
        lines = [t("Renewed: the next term is signed.")]
    elif following:
        late = t(" (overdue)") if data["overdue_milestones"] else ""
        # its due day marked as the table marks it, when no source gives the step's offset
        due = approx(shown(following["date"]), following.get("assumed"))
        lines = [t("Next: {name} ({label}), due {date}{late}.", name=following["name"], label=step_label(following),
                   date=due, late=late) if i18n.language() == i18n.ENGLISH else
                 t("Next: {label}, due {date}{late}.", label=step_label(following), date=due, late=late),
                 t("Record each step when done (--ref for the letter's number):"),
                 f"  coopctl milestone {data['id']} {following['name']} --date {t('DATE')}"]
    else:
        lines = [t("Every milestone is done.")] if data["milestones"] else []
    if any(m["conditional"] and m["status"] != "not needed" for m in data["milestones"]):
        lines += [t("A conditional step that does not apply:"),
                  t("  coopctl milestone {id} STEP --not-needed --reason TEXT", id=data["id"])]
    if any(m["assumed"] for m in data["milestones"]):
        lines.append(t("~ assumed: no source gives this step's offset; the store can set it under [procedures]"))
    tables.print_notes([""] + lines if lines else [])

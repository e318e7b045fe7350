"""The reports: the portfolio and one sector, as tables for the terminal, Markdown, CSV and JSON."""

from __future__ import annotations

import sys

from coopctl import i18n
from coopctl.core.text import md_text
from coopctl.i18n import t
from coopctl.views import documents, formats, tables, words
from coopctl.views.listing import ACTIVITY_COLUMNS, end_text, for_people, headers, last_end_text


def show_sector_report(data: dict, fmt: str) -> None:
    if fmt == "json":
        formats.write_json(data)
        return
    title = t("Sector {id}: {label} / {label_id}", id=data["sector"], label=data["label"], label_id=data["label_id"]) \
        if i18n.language() == i18n.ENGLISH else t("Sector {label_id}", label_id=data["label_id"])
    agreement_cols = [("id", t("Agreement")), ("partner", t("Partner")), ("country", t("CC")), ("state", t("State")),
                      ("sector_since", t("Since"))]
    if fmt == "csv":
        formats.write_csv(data["agreements"], ["id", "partner", "partner_id", "country", "type", "state", "sector_since", "start", "end"])
        return
    agreements = for_people(data["agreements"])
    activities = for_people([x | {"type": words.activity(x.get("type"))} for x in data["activities"]])
    if fmt == "md":
        sys.stdout.write(f"# {md_text(title)}\n\n## {t('Agreements')}\n\n{formats.md_table(agreements, agreement_cols)}\n\n"
                         f"## {t('Activities')}\n\n{formats.md_table(activities, headers(ACTIVITY_COLUMNS))}\n")
        return
    tables.print_lines([title, ""])
    tables.print_table(agreements, agreement_cols, t("Agreements"), keep=("id", "state", "sector_since"),
                       empty=t("no agreement covers this sector"))
    tables.print_lines([""])
    tables.print_table(activities, headers(ACTIVITY_COLUMNS), t("Activities"), keep=("date", "agreement", "type"),
                       wrap=("summary",), empty=t("no activity recorded in this sector"))


def show_portfolio(data: dict, fmt: str) -> None:
    if fmt == "json":
        formats.write_json(data)
        return
    counts = [{"group": group, "value": key, "count": n}
              for group in ("by_state", "by_kind", "by_country", "by_type", "by_sector")
              for key, n in data[group].items() if n]
    counts[2:2] = [{"group": "by_category", "value": key, "count": c["agreements"]}
                   for key, c in data["by_category"].items()]
    if fmt == "csv":
        formats.write_csv(counts, ["group", "value", "count"])
        return
    if fmt == "md":
        sys.stdout.write(documents.portfolio_markdown(data) + "\n")
        return

    def counts_text(key: str, limit: int | None = None, name=lambda k: k) -> str:
        items = [(k, n) for k, n in data[key].items() if n]
        text = (words.joined if key == "by_sector" else ", ".join)(f"{name(k)} {n}" for k, n in items[:limit])
        return text + (t(", and {n} more", n=len(items) - limit) if limit and len(items) > limit else "")

    def counted(n: int, detail: str) -> str:  # "3 (kb 1, pks 2)"; "0", never "0 ()"
        return f"{n} ({detail})" if detail else str(n)

    shown = i18n.shown_date
    none = t("none")
    ending = [f"{r['id']} ({last_end_text(r)})" for r in data["ending_within_12_months"]]
    dormant = [f"{r['id']} ({shown(r['last_activity']) or t('never')})" for r in data["dormant"]]
    stalled = [t("{id} (LoI {date})", id=s["id"], date=shown(s["loi_date"])) for s in data["stalled"]]
    public = data.get("public", False)  # what stays inside the bureau is left out, not reported as none
    tables.print_pairs([
        (t("Owner"), data["owner"]),
        (t("As of"), shown(data["as_of"])),
        (t("Partners"), counted(data["partners"], counts_text("by_kind", name=words.kind))),
        (t("Countries"), counts_text("by_country", name=lambda k: t("no country") if k == "-" else k) or none),
        (t("Agreements"), counted(data["agreements"], counts_text("by_type", name=words.type_))),
        (t("By category"), ", ".join(t("{category} {n} ({in_force} in force)", category=words.category(k), n=c["agreements"],
                                       in_force=c["in_force"]) for k, c in data["by_category"].items()) or none),
        (t("States"), counts_text("by_state", name=i18n.state)),
        (t("Ending in 12 months"), ", ".join(ending) or none),
        *([] if public else [
            (t("Dormant"), f"{len(dormant)}: " + ", ".join(dormant) if dormant else none),
            (t("Stalled LoIs"), ", ".join(stalled) or none),
            (t("No agreement yet"), ", ".join(data["partners_without_agreement"]) or none)]),
        (t("Top sectors"), counts_text("by_sector", 8, name=words.sector)),
        (t("Uncovered sectors"), t("{n} (see coopctl coverage)", n=len(data["uncovered_sectors"]))),
    ])
    tables.print_lines([""])
    if public:
        tables.print_notes([t("Public version: without notes, contacts, internal steps and document files.")])
        return
    attention = [r | {"state": i18n.state(r["state"]), "end_day": end_text(r),
                      "days_left": words.days(r["days_left"], cell=True)} for r in data["needs_attention"]]
    tables.print_table(attention, [("id", t("Agreement")), ("partner", t("Partner")), ("state", t("State")),
                                   ("end_day", t("Ends")), ("days_left", t("Days"))],
                       t("Needs attention"), right=("days_left",), keep=("id", "state", "end_day"), empty=t("nothing"))
    if any("end" in (r.get("assumed") or ()) for r in data["needs_attention"] + data["ending_within_12_months"]):
        tables.print_notes([t("~ assumed: no source gives this date (see coopctl show ID)")])


def show_coverage(data: dict, fmt: str) -> None:
    """`coverage`: JSON whole; CSV and Markdown as a partner x sector table; the terminal a compact grid."""
    from coopctl.views import pictures

    if fmt == "json":
        formats.write_json(data)
        return
    grid, columns = coverage_grid(data)
    if fmt == "csv":
        formats.write_csv(grid, columns)
    elif fmt == "md":
        sys.stdout.write(documents.coverage_markdown(data, grid) + "\n")
    else:
        pictures.print_coverage(data)


def coverage_grid(data: dict) -> tuple[list[dict], list[str]]:
    """`coverage` as a partner x sector table (an x where an agreement in force covers the sector): rows, columns."""
    grid = [{"partner": r["partner"], "partner_id": r["partner_id"], "country": r["country"],
             **{s: "x" if s in r["sectors"] else "" for s in data["sectors"]}} for r in data["matrix"]]
    return grid, ["partner", "partner_id", "country"] + data["sectors"]


def timeline_table(rows: list[dict]) -> tuple[list[dict], list[str]]:
    """`timeline` as one line per term, pending term or gap: rows, columns."""
    flat = [{"agreement": r["id"], "partner": r["partner"], "kind": kind, "start": term["start"], "end": term["end"]}
            for r in rows
            for kind, term in [("pending" if x["pending"] else "term", x) for x in r["terms"]]
            + [(g["kind"], g) for g in r["gaps"]]]
    flat.sort(key=lambda f: (f["agreement"], f["start"]))
    return flat, ["agreement", "partner", "kind", "start", "end"]


def show_timeline(rows: list[dict], fmt: str, as_of, from_year: int | None, to_year: int | None) -> None:
    """`timeline`: JSON whole; CSV and Markdown one line per term, pending term or gap; the terminal bars."""
    from coopctl.i18n import tc
    from coopctl.views import pictures
    from coopctl.views.listing import md_columns

    if fmt == "json":
        formats.write_json(rows)
        return
    if fmt in ("csv", "md"):
        flat, fields = timeline_table(rows)
        if fmt == "csv":
            formats.write_csv(flat, fields)
        else:
            if i18n.language() != i18n.ENGLISH:
                flat = [f | {"kind": tc("timeline", f["kind"])} for f in flat]
            formats.write_md(for_people(flat), md_columns(fields))
        return
    pictures.print_timeline(rows, as_of, from_year, to_year)

"""The printable report (HTML) and the timeline alone (SVG), made with Jinja2 templates that escape every value.

Rows in, text out: `render_report(document)` takes `app.documents.report_document`'s data, `timeline_svg(rows)`
the timeline's rows. The templates (`views/templates/`) hold no words: every text a person reads is made here
through the catalogue, so the page is in the reader's language. Jinja2 is imported only here, when a page is
made (start-up time)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from coopctl import i18n
from coopctl.core import lexicon
from coopctl.i18n import long_date, t
from coopctl.views import words
from coopctl.views.drawing import timeline_drawing
from coopctl.views.listing import approx, end_text, term_text

TEMPLATES = Path(__file__).resolve().parent / "templates"
MATRIX_COLUMNS = 30  # sector columns in one table of the sector x partner matrix (what a printed A4 page holds)


def environment():
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def timeline_svg(rows: list[dict], as_of: date, from_year: int | None = None, to_year: int | None = None) -> str:
    """`timeline --format svg`: the bars as a standalone SVG file."""
    drawing = timeline_drawing(rows, as_of, from_year, to_year)
    body = environment().get_template("timeline.svg.j2").render(d=drawing)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body


def _label(items, item_id: str | None) -> str:
    if not item_id:
        return "-"
    return lexicon.label(items, item_id, "id" if i18n.language() == "id" else "en")


def _words() -> dict:
    return {
        "title": t("Cooperation report"), "as_of": t("As of"), "owner": t("Owner"),
        "glance": t("At a glance"), "in_force": t("In force"), "agreements": t("Agreements"),
        "partners": t("Partners"), "countries": t("Countries"), "sectors": t("Sectors"),
        "by_category": t("Agreements by legal category (PP 28/2018)"), "category": t("Category"),
        "attention": t("Needs attention"), "nothing_due": t("Nothing is due, renewing or lapsed."),
        "next_step": t("Next step"), "overdue": t("Overdue steps"), "state": t("State"), "ends": t("Ends"),
        "days_left": t("Days left"), "partner": t("Partner"), "agreement": t("Agreement"),
        "timeline": t("Timeline"), "coverage": t("Sectors by partner"), "uncovered": t("Sectors no agreement in force covers"),
        "country": t("Country"), "by_country": t("Partners by country"), "list": t("Agreements"),
        "type": t("Type"), "term": t("Term"), "documents": t("Documents on file"), "number": t("Number"),
        "dormant": t("Dormant agreements"), "last_activity": t("Last activity"), "never": t("never"),
        "no_dormant": t("None: every agreement in force had an activity recently."),
        "activities": t("Activities of the last 12 months"), "date": t("Date"), "sector": t("Sector"),
        "summary": t("Summary"), "none": t("None."), "by_owner": t("By owner"),
        "public": t("Public version: without notes, contacts, internal steps and document files."),
        "assumed": t("~ marks a date no source gives (assumed)."),
        "stalled": t("Stalled letters of intent"), "loi": t("Letter of intent signed"),
        "made_by": t("Made by coopctl"),
    }


def _agreement(row: dict, sector_names) -> dict:
    milestone = row.get("next_milestone")
    return row | {
        "type_label": _label(lexicon.TYPES, row.get("type")),
        "category_label": words.category(row.get("category")) or "-",
        "category_name": _label(lexicon.CATEGORIES, row.get("category")),
        "state_label": i18n.state(row["state"]),
        "term": term_text(row.get("start"), row.get("end"), row.get("assumed") or ()) if row.get("start") else "-",
        "ends": end_text(row, long_date) or "-",
        "sector_names": words.joined(sector_names(s) for s in row.get("sectors", [])),
        "next": _step(milestone) if milestone else "",
        "overdue": "; ".join(_step(m) for m in row.get("overdue_milestones") or []),
    }


def _step(m: dict) -> str:
    label = m["label_id"] if i18n.language() == "id" else m["label"]
    return t("{step} (due {date})", step=label, date=approx(long_date(m["date"]), m.get("assumed")))


def render_report(document: dict) -> str:
    """`report --format html`: one self-contained page (styles inline, no script, nothing fetched)."""
    portfolio, coverage = document["portfolio"], document["coverage"]
    lang = "id" if i18n.language() == "id" else "en"
    labels = document["sector_labels"]

    def sector_name(sid: str) -> str:
        return labels.get(sid, {}).get(lang) or sid

    as_of = date.fromisoformat(portfolio["as_of"])
    rows = [_agreement(r, sector_name) for r in document["agreements"]]
    attention = [_agreement(r, sector_name) for r in portfolio["needs_attention"]]
    in_force = sum(c["in_force"] for c in portfolio["by_category"].values())
    categories = [{"id": k, "code": k if k != "none" or lang != "id" else "–",  # "none" is no code to read
                   "name": _label(lexicon.CATEGORIES, k), **c} for k, c in portfolio["by_category"].items()]
    matrix_sectors = [{"id": s, "name": sector_name(s)} for s in coverage["sectors"]]
    # an A4 page holds about 30 sector columns beside the partner: more are split into tables of even width
    blocks = -(-len(matrix_sectors) // MATRIX_COLUMNS) or 1
    size = -(-len(matrix_sectors) // blocks) or 1
    matrix_blocks = [matrix_sectors[i:i + size] for i in range(0, len(matrix_sectors), size)]
    dormant = [r | {"last": long_date(r["last_activity"]) or t("never")} for r in portfolio["dormant"]]
    activities = [a | {"when": long_date(a["date"]), "sector_name": sector_name(a["sector"]) if a["sector"] else "-",
                       "type_name": _label(lexicon.ACTIVITY_TYPES, a["type"])} for a in document["activities"]]
    stalled = [s | {"since": long_date(s["loi_date"])} for s in portfolio["stalled"]]
    glance = [(t("Agreements"), portfolio["agreements"]), (t("In force"), in_force),
              (t("Partners"), portfolio["partners"]), (t("Countries"), len([c for c in portfolio["by_country"] if c != "-"])),
              (t("Sectors covered"), len(coverage["sectors"]))]
    drawing = timeline_drawing(document["timeline"], as_of) if document["timeline"] else None
    return environment().get_template("report.html.j2").render(
        lang=lang, w=_words(), owner=portfolio["owner"], as_of=long_date(portfolio["as_of"]),
        public=document["public"], glance=glance, categories=categories, attention=attention,
        d=drawing, matrix=coverage["matrix"], matrix_blocks=matrix_blocks,
        uncovered=[{"id": s["id"], "name": s["label_id"] if lang == "id" else s["label"]} for s in coverage["uncovered"]],
        by_country=coverage["by_country"], agreements=rows, dormant=dormant, activities=activities,
        stalled=stalled, by_owner=document.get("by_owner") or [], sep=words.joined(("", "")),
        period=t("since {date}", date=long_date(document["activities_since"])))


"""The web pages' templates and words.

The templates (web/templates) extend the printed report's look: the same style sheet (views/templates/style.css.j2,
served as /static/report.css) and the same timeline drawing (views/templates/timeline.svg.j2), found through one
loader. Jinja2 escapes every value; the templates hold no words: every text a person reads is made here or by the
handlers through the catalogue."""

from __future__ import annotations

import functools
from pathlib import Path

from starlette.responses import HTMLResponse, Response

from coopctl import i18n
from coopctl.core import lexicon
from coopctl.i18n import long_date, t
from coopctl.views import html
from coopctl.views.listing import approx, term_text

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


@functools.lru_cache(maxsize=1)
def environment():
    import jinja2

    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(TEMPLATES)), jinja2.FileSystemLoader(str(html.TEMPLATES))])
    return jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                              lstrip_blocks=True)


def words() -> dict:
    """The words every page shares (made in the request's language)."""
    return {
        "attention": t("Needs attention"), "agreements": t("Agreements"), "coverage": t("Coverage"),
        "timeline": t("Timeline"), "periodic": t("Periodic report"), "search": t("Search"), "add": t("Add an agreement"),
        "as_of": t("As of"), "json": "JSON", "csv": "CSV", "partner": t("Partner"),
        "agreement": t("Agreement"), "state": t("State"), "ends": t("Ends"), "next_step": t("Next step"),
        "overdue": t("Overdue steps"), "type": t("Type"), "category": t("Category"), "sectors": t("Sectors"),
        "term": t("Term"), "country": t("Country"), "days_left": t("Days left"), "none": t("None."),
        "nothing_due": t("Nothing is due, renewing or lapsed."), "filter": t("Filter"), "save": t("Save"),
        "read_only": t("Read-only: this server makes no changes."), "date": t("Date"), "sector": t("Sector"),
        "summary": t("Summary"), "made_by": t("Made by coopctl"), "page": t("Page {n} of {of}"),
        "previous": t("Previous"), "next": t("Next"), "language": t("Bahasa Indonesia"), "english": t("English"),
    }


def label(items, item_id: str | None) -> str:
    if not item_id:
        return "-"
    return lexicon.label(items, item_id, "id" if i18n.language() == "id" else "en")


def sector_namer(vocabulary):
    lang_id = i18n.language() == "id"

    def name(sid: str) -> str:
        sector = vocabulary.sectors.get(sid)
        if sector is None:
            return sid
        return (sector.label_id if lang_id else sector.label) or sid

    return name


def step_text(m: dict | None) -> str:
    if not m:
        return ""
    step = m["label_id"] if i18n.language() == "id" else m["label"]
    return t("{step} (due {date})", step=step, date=long_date(m["date"]))


def agreement_cells(row: dict, sector_name) -> dict:
    """An agreement row with what the tables show, in the reader's language."""
    return row | {
        "type_label": label(lexicon.TYPES, row.get("type")),
        "category_label": row.get("category") or "-",
        "state_label": i18n.state(row["state"]),
        "term": term_text(row.get("start"), row.get("end"), row.get("assumed") or ()),
        # the end as the store writes it (a month stays a month), marked when assumed, as the command line does
        "ends": approx(long_date(row.get("end") or row.get("end_day")), "end" in (row.get("assumed") or ())) or "-",
        "sector_names": ", ".join(sector_name(s) for s in row.get("sectors", [])),
        "next": step_text(row.get("next_milestone")),
        "overdue_text": "; ".join(step_text(m) for m in row.get("overdue_milestones") or []),
    }


def page(ctx, template: str, title: str, status: int = 200, data_links: bool = True, **values) -> Response:
    """A whole page: the template, with the navigation, the language switch and the links to its data."""
    here = ctx.request.url.path
    query = dict(ctx.request.query_params)
    links = {}
    if data_links:
        links = {fmt: ctx.url(here, **(query | {"format": fmt})) for fmt in ("json", "csv")}
    nav = [(ctx.url("/"), t("Needs attention")), (ctx.url("/agreements"), t("Agreements")),
           (ctx.url("/coverage"), t("Coverage")), (ctx.url("/timeline"), t("Timeline")),
           (ctx.url("/periodic"), t("Periodic report")), (ctx.url("/search"), t("Search"))]
    if not ctx.config.read_only:
        nav.append((ctx.url("/add"), t("Add an agreement")))
    other = "en" if ctx.lang == "id" else "id"
    switch = ctx.url(here, **(query | {"lang": other}))
    body = environment().get_template(template).render(
        w=words(), lang=ctx.lang, title=title, nav=nav, data=links, switch=switch,
        switch_label=t("English") if other == "en" else t("Bahasa Indonesia"),
        as_of=long_date(ctx.as_of.isoformat()), read_only=ctx.config.read_only, csrf=ctx.csrf, u=ctx.url,
        done=values.pop("done", None), **values)
    return ctx.finish(HTMLResponse(body, status_code=status))

"""The pages that read: what needs attention, the agreements (with `list`'s filters in the URL), one agreement,
one partner, coverage, the timeline, the periodic report and search; each also as JSON and CSV (`?format=`), and
the documents kept in the store, found by agreement id and SHA-256 only.

Every fact comes from `app.queries.Snapshot` and `app.reports`, as at the terminal."""

from __future__ import annotations

import functools
import math

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from coopctl import i18n
from coopctl.core import lexicon
from coopctl.core.errors import CoopError
from coopctl.i18n import long_date, t, tc
from coopctl.web import render
from coopctl.web.server import TOKEN_COOKIE, Config, Ctx, read_form, token_ok

PAGE_SIZE = 200  # rows of a listing per page: a 10,000-agreement store stays quick to show


class NotFound(CoopError):
    """A record or document the URL names and the store does not hold (404)."""


def bind(handler, config: Config):
    """A Starlette endpoint: the request's context, then `handler(ctx)`; the core's errors as a page with their
    one line (404 for what is not there, 400 for a bad value)."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        ctx = None
        try:
            ctx = Ctx(config, request)
            return await handler(ctx)
        except CoopError as e:
            if ctx is None:  # a bad ?as_of=: the page at the server's date, in the language asked, with the message
                ctx = Ctx(config, _without_as_of(request))
            status = 404 if isinstance(e, NotFound) else 400
            return render.page(ctx, "message.html.j2", t("Error"), status=status, data_links=False,
                               message=t("coopctl: error: {message}", message=str(e)))
        except Exception as e:  # a bug: one line, as at the terminal, and no traceback for the reader
            return failed(config, request, e)

    return endpoint


def failed(config: Config, request: Request, error: Exception) -> Response:
    import os
    import sys

    if os.environ.get("COOPCTL_DEBUG"):
        raise error
    from starlette.responses import PlainTextResponse

    line = t("internal error: {kind}: {error} (set COOPCTL_DEBUG=1 for details)", kind=type(error).__name__,
             error=error)
    sys.stderr.write(line + "\n")
    return PlainTextResponse(line, status_code=500)


def context(config: Config, request: Request) -> Ctx:
    """The request's context for a page that tells a refusal: without its ?as_of= when that is what is wrong."""
    try:
        return Ctx(config, request)
    except CoopError:
        return Ctx(config, _without_as_of(request))


def _without_as_of(request: Request) -> Request:
    """The request without its ?as_of= (the rest, ?lang= among it, kept)."""
    from urllib.parse import urlencode

    scope = dict(request.scope)
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != "as_of"]
    scope["query_string"] = urlencode(kept).encode()
    return Request(scope)


# ---------------------------------------------------------------- the store, once per request


def snapshot(ctx: Ctx):
    return ctx.config.snapshot(ctx.as_of)


def owned(snap, rows: list[dict]) -> list[dict]:
    """The rows with their store's owner, as the command line's listings give them."""
    from coopctl.app.rollup import Part, merge_rows

    return merge_rows([Part(snap.store.settings.owner, rows)])


def wanted_format(ctx: Ctx) -> str | None:
    fmt = ctx.request.query_params.get("format")
    if fmt in (None, "", "html"):
        return None
    if fmt not in ("json", "csv"):
        raise CoopError(t("format: use json or csv"))
    return fmt


def data_response(fmt: str, data, rows: list[dict], columns) -> Response:
    """The page's data: JSON (the command line's shape) or CSV (its rows; no formula survives)."""
    from coopctl.views.formats import _csv_cell, json_bytes

    if fmt == "json":
        return Response(json_bytes(data), media_type="application/json")
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row.get(c)) for c in columns])
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": "attachment; filename=coopctl.csv"})


def paged(ctx: Ctx, rows: list) -> tuple[list, dict]:
    try:
        number = max(1, int(ctx.request.query_params.get("page") or 1))
    except ValueError:
        number = 1
    count = max(1, math.ceil(len(rows) / PAGE_SIZE))
    number = min(number, count)
    query = dict(ctx.request.query_params)
    here = ctx.request.url.path
    return rows[(number - 1) * PAGE_SIZE:number * PAGE_SIZE], {
        "count": count, "text": t("Page {n} of {of}", n=number, of=count),
        "previous": ctx.url(here, **(query | {"page": number - 1})) if number > 1 else None,
        "next": ctx.url(here, **(query | {"page": number + 1})) if number < count else None}


def done_message(ctx: Ctx) -> str | None:
    key = ctx.request.query_params.get("done")
    return ctx.config.done.pop(key, None) if key else None


# ---------------------------------------------------------------- pages

LIST_COLUMNS = ["id", "partner", "partner_id", "country", "type", "category", "title", "sectors", "start", "end",
                "state", "days_left"]


async def attention(ctx: Ctx) -> Response:
    from coopctl.app import queries

    snap = snapshot(ctx)
    rows = owned(snap, queries.renewal_rows(snap))
    fmt = wanted_format(ctx)
    if fmt:
        return data_response(fmt, rows, [r | {"next_step": (r["next_milestone"] or {}).get("name")} for r in rows],
                             LIST_COLUMNS + ["next_step"])
    shown, pages = paged(ctx, rows)
    name = render.sector_namer(snap.vocabulary)
    return render.page(ctx, "attention.html.j2", t("Needs attention"), rows=[render.agreement_cells(r, name) for r in shown],
                       pages=pages, empty=t("Nothing is due, renewing or lapsed."), done=done_message(ctx))


FILTERS = ("sector", "country", "category", "state", "partner")


async def agreements(ctx: Ctx) -> Response:
    from coopctl.app import queries
    from coopctl.core.records import STATES

    query = ctx.request.query_params
    asked = {name: (query.get(name) or "").strip() or None for name in FILTERS}
    state = asked["state"]
    if state is not None:  # a state in the reader's language too
        asked["state"] = next((s for s in STATES if state.casefold() in (s, i18n.state(s).casefold())), state)
    snap = snapshot(ctx)
    rows = owned(snap, queries.list_rows(snap, asked["sector"], asked["country"], asked["state"], asked["partner"],
                                         asked["category"]))
    fmt = wanted_format(ctx)
    if fmt:
        return data_response(fmt, rows, rows, LIST_COLUMNS)
    shown, pages = paged(ctx, rows)
    name = render.sector_namer(snap.vocabulary)
    labels = {"sector": t("Sector"), "country": t("Country"), "category": t("Category"), "state": t("State"),
              "partner": t("Partner")}
    filters = [{"name": n, "label": labels[n], "value": query.get(n) or ""} for n in FILTERS]
    kept = [(k, v) for k, v in (("lang", ctx.lang_param), ("as_of", ctx.as_of_param)) if v]
    return render.page(ctx, "agreements.html.j2", t("Agreements"), filters=filters, kept=kept,
                       rows=[render.agreement_cells(r, name) for r in shown], pages=pages,
                       empty=t("no agreements match"), done=done_message(ctx))  # where an added agreement leads


def _agreement(snap, agreement_id: str):
    from coopctl.core.ids import require_agreement

    try:
        return require_agreement(snap.store, agreement_id)
    except CoopError as e:
        raise NotFound(str(e)) from None


async def agreement(ctx: Ctx) -> Response:
    from coopctl.app import reports

    snap = snapshot(ctx)
    partner, found = _agreement(snap, ctx.request.path_params["id"])
    record = reports.describe_agreement(snap, found)
    plan = reports.plan_report(snap, found.id)
    fmt = wanted_format(ctx)
    if fmt:
        return data_response(fmt, record | {"plan": plan}, record["activities"],
                             ["date", "agreement", "sector", "type", "summary", "participants", "value", "currency"])
    name = render.sector_namer(snap.vocabulary)
    row = render.agreement_cells(record | {"sectors": found.sector_ids()}, name)
    terms = [{"term": render.term_text(tm["start"], tm["end"], tm["assumed"]),
              "signed": i18n.shown_date(tm["signed"]) or "-", "number": tm["number"] or "-", "place": tm["place"] or "-",
              "note": (t("pending") if tm["pending"] else "") + (" " + tm["note"] if tm["note"] else ""),
              "current": tm["current"]} for tm in record["terms"]]
    steps = [{"label": m["label_id"] if ctx.lang == "id" else m["label"], "due": long_date(m["due"]),
              "status": i18n.tc("milestone", m["status"]), "done": long_date(m["done"]) if m["done"] else "",
              "ref": m["ref"] or "", "late": m["status"] == "overdue"} for m in plan["milestones"]]
    # ids as the command line shows them: the id in English, the label in Indonesian
    acts = [a | {"when": i18n.shown_date(a["date"]), "sector_name": name(a["sector"]) if a["sector"] else "-",
                 "type": lexicon.shown(lexicon.ACTIVITY_TYPES, a["type"])} for a in record["activities"]]
    docs = [d | {"href": ctx.url(f"/agreements/{found.id}/documents/{d['sha256']}"),
                 "kind": lexicon.shown(lexicon.DOCUMENT_KINDS, d["kind"]),
                 "when": i18n.shown_date(d["date"]) or "-", "short": d["sha256"][:12]} for d in record["documents"]]
    actions = [] if ctx.config.read_only else [
        (ctx.url(f"/agreements/{found.id}/activity"), t("Record an activity")),
        (ctx.url(f"/agreements/{found.id}/milestone"), t("Record a milestone")),
        (ctx.url(f"/agreements/{found.id}/renewal"), t("Record a renewal")),
        (ctx.url(f"/agreements/{found.id}/attach"), t("Attach a document"))]
    related = ([(ctx.url(f"/agreements/{record['parent']['id']}"), t("Under: {title}", title=record["parent"]["title"]))]
               if record["parent"] else []) + \
        [(ctx.url(f"/agreements/{c['id']}"), t("Implemented by: {title}", title=c["title"])) for c in record["children"]]
    facts = [(t("Partner"), partner.name), (t("Type"), row["type_label"]), (t("Category"), row["category_label"]),
             (t("Sectors"), row["sector_names"] or "-"), (t("Unit"), record["unit"] or "-"),
             (t("State"), row["state_label"]), (t("Term"), row["term"]), (t("Next step"), row["next"] or "-")]
    return render.page(ctx, "agreement.html.j2", found.title, r=row, facts=facts, partner_href=ctx.url(
        f"/partners/{partner.id}"), terms=terms, steps=steps, activities=acts, documents=docs, actions=actions,
        related=related, notes=record["notes"] or "", done=done_message(ctx), words_here={
            "terms": t("Terms"), "plan": t("Plan"), "activities": t("Activities"), "documents": t("Documents"),
            "signed": t("Signed"), "number": t("Number"), "place": t("Place"), "note": t("Note"), "step": t("Step"),
            "due": t("Due"), "status": t("Status"), "done": t("Done"), "ref": t("Reference"), "kind": tc("document", "Kind"),
            "file": t("File"), "notes": t("Notes"), "related": t("Related agreements")})


async def document(ctx: Ctx) -> Response:
    """A kept document, by its agreement and its full SHA-256: nothing else of the URL reaches the disk."""
    from coopctl.storage import archive

    loaded = ctx.config.loaded()
    _, found = _agreement(loaded, ctx.request.path_params["id"])
    sha = ctx.request.path_params["sha"].lower()
    kept = next((d for d in found.documents if d.sha256 == sha), None)
    path = archive.kept(loaded.root, kept.sha256) if kept else None
    if kept is None or path is None:
        raise NotFound(t("{id} has no document {sha}", id=found.id, sha=sha[:64]))
    from starlette.responses import FileResponse

    return FileResponse(loaded.root / path, media_type=kept.media_type or "application/octet-stream",
                        filename=kept.name, content_disposition_type="attachment")


async def partner(ctx: Ctx) -> Response:
    from coopctl.app import reports
    from coopctl.core.ids import require_partner

    snap = snapshot(ctx)
    try:
        found = require_partner(snap.store, ctx.request.path_params["id"])
    except CoopError as e:
        raise NotFound(str(e)) from None
    record = reports.describe_partner(snap, found)
    fmt = wanted_format(ctx)
    if fmt:
        return data_response(fmt, record, record["agreements"], LIST_COLUMNS)
    name = render.sector_namer(snap.vocabulary)
    facts = [(t("Name"), record["name"]), (t("Local name"), record["local_name"] or "-"),
             (t("Country"), record["country"] or "-"),
             (t("Kind"), lexicon.shown(lexicon.KINDS, record["kind"]) or "-"),
             (t("Since"), i18n.shown_date(record["since"]) or "-")]
    return render.page(ctx, "partner.html.j2", found.name, facts=facts, notes=record["notes"] or "",
                       rows=[render.agreement_cells(a | {"sectors": [s["id"] for s in a["sectors"] if not s["until"]]}, name)
                             for a in record["agreements"]], pages=None,
                       empty=t("None."), sources=record["sources"])


async def coverage(ctx: Ctx) -> Response:
    from coopctl.app import reports
    from coopctl.app.rollup import Part, merge_coverage
    from coopctl.views.reports import coverage_grid

    snap = snapshot(ctx)
    data = merge_coverage([Part(snap.store.settings.owner, reports.coverage_report(snap))])  # as `coverage` gives it
    fmt = wanted_format(ctx)
    if fmt:
        return data_response(fmt, data, *coverage_grid(data))
    name = render.sector_namer(snap.vocabulary)
    return render.page(ctx, "coverage.html.j2", t("Coverage"), matrix=data["matrix"],
                       matrix_sectors=[{"id": s, "name": name(s)} for s in data["sectors"]],
                       uncovered=[name(s["id"]) for s in data["uncovered"]],
                       by_country=data["by_country"], words_here={
                           "matrix": t("Sectors by partner"), "uncovered": t("Sectors no agreement in force covers"),
                           "by_country": t("Partners by country"), "partners": t("Partners")})


async def timeline(ctx: Ctx) -> Response:
    from coopctl.app import queries
    from coopctl.views.drawing import timeline_drawing

    snap = snapshot(ctx)
    partner_asked = (ctx.request.query_params.get("partner") or "").strip() or None
    from coopctl.views.reports import timeline_table

    rows = owned(snap, queries.timeline_rows(snap, partner_asked))  # as `timeline` gives them
    fmt = wanted_format(ctx)
    if fmt:
        return data_response(fmt, rows, *timeline_table(rows))
    shown, pages = paged(ctx, rows)
    drawing = timeline_drawing(shown, ctx.as_of) if shown else None
    return render.page(ctx, "timeline.html.j2", t("Timeline"), d=drawing, pages=pages, empty=t("None."),
                       assumed=t("~ marks a date no source gives (assumed)."))


async def periodic(ctx: Ctx) -> Response:
    from coopctl.app import periodic as app_periodic
    from coopctl.views import periodic as view, tables

    query = ctx.request.query_params
    period_text = (query.get("period") or "").strip() or str(ctx.as_of.year)
    asked = app_periodic.period(period_text, None, None, ctx.as_of)
    snap = ctx.config.snapshot(app_periodic.reported_to(asked, ctx.as_of))
    data = app_periodic.periodic_report(snap, asked)
    fmt = wanted_format(ctx)
    if fmt:
        return data_response(fmt, data, view.count_rows(data), [k for k, _ in view.count_columns(data, "section")])
    parts = [{"key": key, "title": title, "columns": columns, "rows": tables.cells(rows, columns)}
             for key, title, columns, rows in view.sections(data)]
    kept = [(k, v) for k, v in (("lang", ctx.lang_param), ("as_of", ctx.as_of_param)) if v]
    return render.page(ctx, "periodic.web.html.j2", view.heading(data), count_columns=view.count_columns(data),
                       counts=view.count_rows(data), parts=parts, period=period_text, kept=kept,
                       by_category=t("By legal category"), period_label=t("Period (2025, 2025-S1, 2025-Q3, 2025-05)"))


async def search(ctx: Ctx) -> Response:
    from coopctl.app import archive

    words = (ctx.request.query_params.get("q") or "").strip()
    rows = []
    if words:
        rows = archive.search_rows(ctx.config.loaded().store, words)
    fmt = wanted_format(ctx)
    if fmt:
        return data_response(fmt, rows, rows, ["id", "partner_id", "where", "text"])
    kept = [(k, v) for k, v in (("lang", ctx.lang_param), ("as_of", ctx.as_of_param)) if v]
    return render.page(ctx, "search.html.j2", t("Search"), q=words, rows=rows, kept=kept, asked=bool(words),
                       words_here={"record": t("Record"), "where": t("Where"), "text": t("Text"),
                                   "nothing": t("nothing matches"), "find": t("Find")})


async def static(ctx: Ctx) -> Response:
    """The two style sheets, by name: the report's (rendered from views/templates) and the web pages' own."""
    name = ctx.request.path_params["name"]
    if name == "report.css":
        text = render.environment().get_template("style.css.j2").render()
    elif name == "web.css":
        text = (render.STATIC / "web.css").read_text(encoding="utf-8")
    else:
        return Response(t("not found"), status_code=404, media_type="text/plain; charset=utf-8")
    return Response(text, media_type="text/css; charset=utf-8")


async def login(ctx: Ctx) -> Response:
    """The token, once, into an HttpOnly SameSite=Strict cookie."""
    request = ctx.request
    error, status = None, 200
    if ctx.config.token is None:
        return RedirectResponse(ctx.url("/"), status_code=303)
    if request.method == "POST":
        form = await read_form(request, max_files=0, max_fields=4)
        i18n.set_language(ctx.lang)  # another request may have run while the form was read
        sent = str(form.get("token") or "") if form is not None else None
        if sent is None:
            error, status = t("refused: the form cannot be read (not a form, too many fields or files, or a field "
                              "above 1 MB)"), 400
        elif token_ok(ctx.config, sent):
            response = RedirectResponse(ctx.url("/"), status_code=303)
            response.set_cookie(TOKEN_COOKIE, sent, httponly=True, samesite="strict")
            return response
        else:
            error, status = t("that is not this server's token"), 401
    return render.page(ctx, "login.html.j2", t("Log in"), status=status, data_links=False,
                       error=error, token_label=t("Token"), login=t("Log in"))


ROUTES = [("/", attention), ("/agreements", agreements), ("/agreements/{id}", agreement),
          ("/agreements/{id}/documents/{sha}", document), ("/partners/{id}", partner), ("/coverage", coverage),
          ("/timeline", timeline), ("/periodic", periodic), ("/search", search), ("/static/{name}", static)]

"""The forms that write: record an activity, a milestone (with its document), a renewal (signed, pending, or the
pending term signed; never one by default), add an agreement, attach a document.

Each calls the same operation as the command line (`app.operations`, `app.archive.attach`) in the same
transaction (the store's lock, the checks of the whole result, one git commit in a git-backed store). A refused
value shows the operation's one-line message at the top and next to the field it is about; what was typed
stays. With --read-only there is no form and every write is refused (403); a POST without the CSRF token too.
"""

from __future__ import annotations

import functools
import re
import secrets
import shutil
import tempfile
from datetime import date
from pathlib import Path, PurePosixPath, PureWindowsPath

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from coopctl import i18n
from coopctl.core import lexicon
from coopctl.core.dates import DateError, PartialDate, parse_duration, parse_input
from coopctl.core.errors import CoopError
from coopctl.i18n import t, tc
from coopctl.web import render
from coopctl.web.pages import NotFound, context, failed
from coopctl.web.server import Config, Ctx, csrf_ok, read_form

# Uploads: as `attach` bounds them (its size limit), and only the kinds of file a bureau keeps.
UPLOAD_TYPES = ("pdf", "png", "jpg", "jpeg", "doc", "docx", "odt", "xls", "xlsx", "ods", "txt")
ACCEPT = ",".join("." + e for e in UPLOAD_TYPES)


def unreadable() -> str:
    """What a form Starlette cannot read is told (in the request's language: made when it is shown)."""
    return t("refused: the form cannot be read (not a form, too many fields or files, or a field above 1 MB)")


def _max_size() -> int:
    from coopctl.storage.archive import MAX_SIZE

    return MAX_SIZE


class Refused(Exception):
    def __init__(self, status: int, why: str = ""):
        self.status, self.why = status, why


def bind(handler, config: Config):
    """A Starlette endpoint for a form: GET shows it, POST (with the CSRF token, not --read-only) runs it."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        values, folder = None, None
        try:
            if config.read_only:
                raise Refused(403 if request.method == "POST" else 404)
            if request.method == "POST":
                length = request.headers.get("content-length")
                if length is None or not length.isdigit():
                    raise Refused(411)
                if int(length) > _max_size() + 2**20:
                    raise Refused(413)
                if not await _utf8_form(request):
                    raise Refused(400, "utf-8")
                form = await read_form(request, max_files=2, max_fields=40)
                if form is None:
                    raise Refused(400, "form")
                if not csrf_ok(config, request, form.get("csrf")):
                    raise Refused(403)
                folder = Path(tempfile.mkdtemp(prefix="coopctl-upload-"))
                values = {}
                for key, value in form.multi_items():
                    if isinstance(value, UploadFile):
                        values[key] = await _keep_upload(value, folder)
                    elif key not in values:
                        values[key] = str(value)
            ctx = Ctx(config, request)  # the language is set after the last await: nothing runs in between
            try:
                return handler(ctx, values)
            except NotFound as e:
                return render.page(ctx, "message.html.j2", t("Error"), status=404, data_links=False,
                                   message=t("coopctl: error: {message}", message=str(e)))
        except Refused as e:
            ctx = context(config, request)
            message = {403: t("refused: this server is read-only, or the form was not this server's (CSRF token)")
                       if config.read_only or request.method == "POST" else t("not found"),
                       404: t("not found"), 411: t("refused: the request does not say its length"),
                       413: t("refused: the upload is above the limit of {limit} MB", limit=_max_size() // 2**20)}
            if e.why == "utf-8":
                message[400] = t("refused: the form's text is not UTF-8")
            elif e.why == "form":
                message[400] = unreadable()
            return render.page(ctx, "message.html.j2", t("Error"), status=e.status, data_links=False,
                               message=message[e.status])
        except CoopError as e:  # a bad ?as_of= (a form's own refusals are shown by their fields)
            return render.page(context(config, request), "message.html.j2", t("Error"), status=400, data_links=False,
                               message=t("coopctl: error: {message}", message=str(e)))
        except Exception as e:  # a bug: one line, no traceback
            return failed(config, request, e)
        finally:
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)

    return endpoint


async def _utf8_form(request: Request) -> bool:
    """Whether an urlencoded form's names and values are UTF-8 once decoded (a browser sends nothing else).
    Starlette would turn other bytes into U+FFFD or read them as Latin-1, and the store would keep that text."""
    from urllib.parse import unquote_to_bytes

    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
        return True
    try:
        for pair in (await request.body()).split(b"&"):
            for part in pair.split(b"=", 1):
                unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


async def _keep_upload(upload: UploadFile, folder: Path):
    """The upload as a file in our own temporary folder, under its cleaned name (no directory of it survives);
    None when none was chosen, "too-large" past the size limit."""
    name = PurePosixPath(PureWindowsPath(upload.filename or "").name).name
    name = re.sub(r"[^\w.() -]", "_", name).strip().lstrip(".")[:120]
    if not name:
        return None
    path = folder / secrets.token_hex(4) / name
    path.parent.mkdir()
    size, limit = 0, _max_size()
    with open(path, "xb") as out:
        while chunk := await upload.read(2**20):
            size += len(chunk)
            if size > limit:
                return "too-large"
            out.write(chunk)
    return path if size else None


# ---------------------------------------------------------------- fields and their values


def field(name: str, label: str, values: dict, kind: str = "text", options=(), required: bool = False,
          hint: str = "", help: str = "") -> dict:
    return {"name": name, "label": label, "kind": kind, "options": list(options), "required": required,
            "value": values.get(name, ""), "hint": hint, "help": help, "error": "", "accept": ACCEPT}


class Problems(dict):
    """The errors of one submission: field name -> message; "" for the form as a whole. A missing value is named
    by its field's label, as the reader sees it (in the page's language), not by the form's internal name."""

    def __init__(self, fields: list[dict]):
        super().__init__()
        self.labels = {f["name"]: f["label"] for f in fields}

    def missing(self, name: str) -> None:
        self[name] = t("missing {option}", option=self.labels.get(name, name))

    def date(self, values: dict, name: str, required: bool = False) -> PartialDate | None:
        text = (values.get(name) or "").strip()
        if not text:
            if required:
                self.missing(name)
            return None
        try:
            return parse_input(text)
        except DateError as e:
            self[name] = str(e)
            return None

    def number(self, values: dict, name: str) -> int | None:
        text = (values.get(name) or "").strip()
        if not text:
            return None
        # digits, perhaps grouped by thousands as people write them (6.000.000.000 or 6,000,000,000)
        if not re.fullmatch(r"\d{1,18}|\d{1,3}(?:\.\d{3}){1,5}|\d{1,3}(?:,\d{3}){1,5}", text):
            self[name] = t("'{value}' is not a whole number", value=text)
            return None
        return int(text.replace(".", "").replace(",", ""))

    def text(self, values: dict, name: str, required: bool = False) -> str | None:
        text = (values.get(name) or "").strip()
        if not text and required:
            self.missing(name)
        return text or None


def show(ctx: Ctx, title: str, fields: list[dict], problems: dict | None = None, about=None,
         multipart: bool = False) -> Response:
    problems = problems or {}
    for f in fields:
        f["error"] = problems.get(f["name"], "")
    first = problems.get("") or next(iter(problems.values()), None)
    error = t("coopctl: error: {message}", message=first) if first else None
    return render.page(ctx, "form.html.j2", title, status=400 if problems else 200, data_links=False, fields=fields,
                       error=error, action=ctx.url(ctx.request.url.path), about=about, multipart=multipart)


def commit(ctx: Ctx, make) -> str:
    """`make(tx)` in the store's transaction (its lock, its checks), committed: the command line's `write`."""
    from coopctl.storage.transaction import transaction

    with transaction(ctx.config.root) as tx:
        message = make(tx)
        tx.commit(message)
    return message


def saved(ctx: Ctx, message: str, where: str) -> Response:
    key = secrets.token_urlsafe(8)
    done = ctx.config.done
    while len(done) > 100:
        done.pop(next(iter(done)))
    done[key] = t("Saved: {change}", change=message)
    return RedirectResponse(ctx.url(where, done=key), status_code=303)


def attempt(ctx: Ctx, make, title, fields, problems: Problems, where: str, about=None, multipart=False) -> Response:
    """Run the change unless the values were already refused; its refusal next to the field it names."""
    if not problems:
        try:
            return saved(ctx, commit(ctx, make), where)
        except CoopError as e:
            names = {f["name"] for f in fields}
            problems[e.field if e.field in names else ""] = str(e)
    return show(ctx, title, fields, problems, about, multipart)


def _agreement(ctx: Ctx):
    from coopctl.core.ids import require_agreement

    loaded = ctx.config.loaded()
    try:
        partner, found = require_agreement(loaded.store, ctx.request.path_params["id"])
    except CoopError as e:
        raise NotFound(str(e)) from None
    return loaded, partner, found


def _about(ctx: Ctx, agreement) -> dict:
    return {"href": ctx.url(f"/agreements/{agreement.id}"), "text": f"{agreement.title} ({agreement.id})"}


def _file(values: dict, name: str, problems: Problems, required: bool) -> Path | None:
    value = values.get(name)
    if value == "too-large":
        problems[name] = t("refused: the upload is above the limit of {limit} MB", limit=_max_size() // 2**20)
        return None
    if not isinstance(value, Path):  # nothing chosen (or a text where a file belongs)
        if required:
            problems[name] = t("choose a file")
        return None
    if value.suffix.lower().lstrip(".") not in UPLOAD_TYPES:
        problems[name] = t("a {kind} file cannot be kept here; use one of: {types}",
                           kind=value.suffix or "?", types=", ".join(UPLOAD_TYPES))
        return None
    return value


def _options(items) -> list[tuple[str, str]]:
    lang = "id" if i18n.language() == "id" else "en"
    return [("", "")] + [(i.id, f"{lexicon.label(items, i.id, lang)} ({i.id})") for i in items]


# ---------------------------------------------------------------- the forms


def activity(ctx: Ctx, values: dict | None) -> Response:
    from coopctl.app.operations import log_activity

    loaded, _, found = _agreement(ctx)
    name = render.sector_namer(loaded.vocabulary)
    first = values is None
    values = values or {"date": ctx.as_of.isoformat(), "type": "note"}
    fields = [
        field("summary", t("Summary"), values, "textarea", required=True, help=t("What was done, in one sentence.")),
        field("date", t("Date"), values, hint="2023-08-22 / 22/8/2023", required=True),
        field("sector", t("Sector"), values, "select", [(s, name(s)) for s in found.sector_ids()], required=True),
        field("type", t("Type"), values, "select", _options(lexicon.ACTIVITY_TYPES)[1:]),
        field("participants", t("Participants"), values, help=t("How many took part.")),
        field("value", t("Value"), values, help=t("In whole units of the currency.")),
        field("currency", t("Currency"), values, help=t("ISO currency code, e.g. IDR.")),
        field("source", t("Source"), values, help=t("Where it is documented."))]
    title, about = t("Record an activity"), _about(ctx, found)
    if first:
        return show(ctx, title, fields, about=about)
    p = Problems(fields)
    day = p.date(values, "date", required=True)
    summary = p.text(values, "summary", required=True)
    participants, value = p.number(values, "participants"), p.number(values, "value")
    return attempt(ctx, lambda tx: log_activity(
        tx, found.id, summary, day, values.get("sector") or "", values.get("type") or "note", participants, value,
        p.text(values, "currency"), p.text(values, "source")), title, fields, p, f"/agreements/{found.id}", about)


def milestone(ctx: Ctx, values: dict | None) -> Response:
    from coopctl.app import reports
    from coopctl.app.archive import Attach, attach
    from coopctl.app.operations import record_milestone
    from coopctl.core.records import DOCUMENT_KINDS
    from coopctl.storage import archive

    loaded, _, found = _agreement(ctx)
    plan = reports.plan_report(ctx.config.snapshot(ctx.as_of), found.id)
    lang_id = ctx.lang == "id"
    steps = [(m["name"], m["label_id"] if lang_id else m["label"]) for m in plan["milestones"]]
    first = values is None
    values = values or {"date": ctx.as_of.isoformat(),
                        "step": (plan["next_milestone"] or {}).get("name", "")}
    fields = [field("step", t("Step"), values, "select", steps, required=True),
              field("date", t("Date"), values, hint="2023-08-22 / 22/8/2023", required=True),
              field("ref", t("Reference"), values, help=t("The document, e.g. the letter's number.")),
              field("note", t("Note"), values, "textarea", help=t("Anything worth keeping.")),
              field("doc", t("Document"), values, "file",
                    help=t("Keep this file (the letter, the approval) with the step, as coopctl attach does.")),
              field("number", t("Number"), values, help=t("The document's number."))]
    title, about = t("Record a milestone"), _about(ctx, found)
    if first:
        return show(ctx, title, fields, about=about, multipart=True)
    p = Problems(fields)
    day = p.date(values, "date", required=True)
    doc = _file(values, "doc", p, required=False)
    ref, note, number = p.text(values, "ref"), p.text(values, "note"), p.text(values, "number")
    step = values.get("step") or ""
    temporaries: list[str] = []

    def make(tx):
        message = record_milestone(tx, found.id, step, day, date.today(), ref, note)
        if doc is None:
            return message
        step_id = tx.store.find_agreement(found.id).milestones[-1].id
        what = Attach(step_id if step_id in DOCUMENT_KINDS else "other", number or ref, day, None, None, step_id)
        return f"{message}; {attach(tx, found.id, doc, what, temporaries=temporaries)[0]}"

    try:
        return attempt(ctx, make, title, fields, p, f"/agreements/{found.id}", about, multipart=True)
    finally:
        archive.discard_unfinished(ctx.config.root, temporaries)  # a copy the failed change left (none once moved)


def renewal(ctx: Ctx, values: dict | None) -> Response:
    from coopctl.app.operations import record_renewal, sign_pending

    loaded, _, found = _agreement(ctx)
    first = values is None
    values = values or {}
    pending_term = found.pending_term()
    choices = [("signed", t("A signed term")), ("pending", t("A pending term (renewal in process, not signed yet)"))]
    if pending_term is not None:
        shown = t("{start}..{end}", start=i18n.shown_date(str(pending_term.start)),
                  end=i18n.shown_date(str(pending_term.end)) if pending_term.end else "")
        choices.append(("sign", t("Sign the pending term ({term})", term=shown)))
    fields = [field("what", t("What to record"), values, "radio", choices, required=True),
              field("until", t("End"), values, help=t("Last day of the new term.")),
              field("from", t("Start"), values,
                    help=t("First day of the new term (default: the day after the last term ends).")),
              field("signed", t("Signed"), values, help=t("When it was signed.")),
              field("recorded", t("Recorded"), values,
                    help=t("For a pending term: when the renewal was known to be under way (default: today)."))]
    title, about = t("Record a renewal"), _about(ctx, found)
    if first:
        return show(ctx, title, fields, about=about)
    p = Problems(fields)
    what = values.get("what")
    until, start, signed = p.date(values, "until"), p.date(values, "from"), p.date(values, "signed")
    if what not in ("signed", "pending", "sign"):  # "sign" from a page made before the term was signed: the
        # operation's own refusal says there is no pending term any more
        p["what"] = t("choose whether the term is signed or pending: a renewal is never recorded as signed by default")
    elif what == "sign":
        if signed is None and "signed" not in p:
            p.missing("signed")
    else:
        if until is None and "until" not in p:
            p.missing("until")
        if what == "signed" and signed is None and "signed" not in p:
            p.missing("signed")
        if what == "pending" and signed is not None:
            p["signed"] = t("a pending term is not signed yet: leave {field} empty", field=t("Signed"))
    recorded = p.date(values, "recorded") or PartialDate.from_date(date.today())
    if what != "pending" and values.get("recorded"):
        p["recorded"] = t("{field} is for a pending term only", field=t("Recorded"))

    def make(tx):
        if what == "sign":
            return sign_pending(tx, found.id, signed)
        return record_renewal(tx, found.id, until, start, signed if what == "signed" else None, what == "pending",
                              recorded if what == "pending" else None)

    return attempt(ctx, make, title, fields, p, f"/agreements/{found.id}", about)


def add(ctx: Ctx, values: dict | None) -> Response:
    from coopctl.app.operations import NewAgreement, add_agreement

    first = values is None
    values = values or {}
    fields = [
        field("partner", t("Partner"), values, required=True,
              help=t("An existing partner's id or name, or the name of a new partner.")),
        field("title", t("Title"), values, required=True, help=t("The agreement's title.")),
        field("type", t("Type"), values, "select", _options(lexicon.TYPES), required=True),
        field("sectors", t("Sectors"), values,
              help=t("Sectors it covers, separated by commas (English or Indonesian).")),
        field("start", t("Start"), values, required=True,
              help=t("First day of the first term (YYYY, YYYY-MM, YYYY-MM-DD or DD/MM/YYYY).")),
        field("end", t("End"), values, help=t("Last day of the first term; omit for open-ended.")),
        field("signed", t("Signed"), values, help=t("When it was signed.")),
        field("pending", t("Recorded but not yet signed (a proposal: its plan starts the day it is recorded)."),
              values, "checkbox"),
        field("under", t("Under"), values, help=t("The agreement it implements, e.g. the KB a PKS is under.")),
        field("unit", t("Unit"), values, help=t("Responsible unit (OPD).")),
        field("notice", t("Notice"), values,
              help=t("How early renewal must start, e.g. 18m or 180d (default: the store's, by partner kind).")),
        field("country", t("Country"), values,
              help=t("For a new partner: its country, an ISO code (JP) or a name in English or Indonesian (Japan, Jepang).")),
        field("kind", t("Kind"), values, "select", _options(lexicon.KINDS),
              help=t("For a new partner."))]
    title = t("Add an agreement")
    if first:
        return show(ctx, title, fields)
    p = Problems(fields)
    start, end, signed = p.date(values, "start", required=True), p.date(values, "end"), p.date(values, "signed")
    notice = None
    if p.text(values, "notice"):
        try:
            notice = parse_duration(values["notice"].strip())
        except DateError as e:
            p["notice"] = str(e)
    partner, agreement_title = p.text(values, "partner", required=True), p.text(values, "title", required=True)
    kind_of = p.text(values, "type", required=True)
    pending = bool(values.get("pending"))
    sectors = [s.strip() for s in (values.get("sectors") or "").split(",") if s.strip()]
    def make(tx):
        return add_agreement(tx, NewAgreement(
            partner=partner, title=agreement_title, type=kind_of, start=start, sectors=sectors, end=end,
            signed=signed, pending=pending, notice=notice, unit=p.text(values, "unit"), country=p.text(values, "country"),
            kind=p.text(values, "kind"), under=p.text(values, "under"),
            recorded=PartialDate.from_date(date.today()) if pending else None))

    return attempt(ctx, make, title, fields, p, "/agreements")


def attach_form(ctx: Ctx, values: dict | None) -> Response:
    from coopctl.app.archive import Attach, attach
    from coopctl.storage import archive

    _, _, found = _agreement(ctx)
    first = values is None
    values = values or {"kind": "signed-text"}
    fields = [field("file", t("File"), values, "file", required=True,
                    help=t("The file to keep (a PDF of the signed text, a letter).")),
              field("kind", tc("document", "Kind"), values, "select", _options(lexicon.DOCUMENT_KINDS)[1:]),
              field("number", t("Number"), values, help=t("The document's number.")),
              field("date", t("Date"), values, help=t("The document's date.")),
              field("title", t("Title"), values, help=t("What the document is called."))]
    title, about = t("Attach a document"), _about(ctx, found)
    if first:
        return show(ctx, title, fields, about=about, multipart=True)
    p = Problems(fields)
    source = _file(values, "file", p, required=True)
    day = p.date(values, "date")
    kind = values.get("kind") or "signed-text"
    temporaries: list[str] = []

    def make(tx):
        kept = lexicon.resolve(lexicon.DOCUMENT_KINDS, kind, t("document kind"), field="kind")
        return attach(tx, found.id, source, Attach(kept, p.text(values, "number"), day, p.text(values, "title")),
                      temporaries=temporaries)[0]

    try:
        return attempt(ctx, make, title, fields, p, f"/agreements/{found.id}", about, multipart=True)
    finally:
        archive.discard_unfinished(ctx.config.root, temporaries)


ROUTES = [("/agreements/{id}/activity", activity), ("/agreements/{id}/milestone", milestone),
          ("/agreements/{id}/renewal", renewal), ("/agreements/{id}/attach", attach_form), ("/add", add)]

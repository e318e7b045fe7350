"""The command line: parse options, call the core, hand plain data to `render`.

No business rule lives here. Errors from the core arrive as `CoopError` and
leave as one line on stderr with exit 1 (data) or 2 (usage); anything
unexpected is still one line, unless COOPCTL_DEBUG=1 asks for the traceback.

Start-up time matters (a bureau runs coopctl many times a day, scripts in loops):
modules that only some commands need are imported inside those commands, and
this module has no `from __future__ import annotations`, because Typer reads
every command's annotations at start-up and evaluating them from strings costs
more than the rest of building the command line.
"""

import os
import sys
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from coopctl import __version__
from coopctl import i18n
from coopctl.i18n import N_, t, tc, tn

# The language is decided before any help text below is evaluated (Typer reads them at import);
# each command decides it again from its parsed options (see `command`).
i18n.set_language(i18n.from_argv())
import typer.core  # noqa: E402  (Typer's own words in help: "Options", "Arguments", "Commands")

typer.core._ = t

from coopctl.core.dates import DateError, Duration, PartialDate, parse_day, parse_duration, parse_input  # noqa: E402
from coopctl.core.errors import CoopError, UsageError  # noqa: E402

EXIT_CODES = t("Exit codes: 0 success; 1 a data problem (bad store, unknown id, a problem found by check, "
               "or renew --check found something due or lapsed or an overdue milestone); 2 a usage error.")

app = typer.Typer(
    name="coopctl",
    help=t("Keep cooperation agreements in a plain TOML store and know in time what must be renewed."),
    epilog=EXIT_CODES,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


LangOpt = Annotated[Optional[str], typer.Option(
    "--lang", metavar="LANG",
    help=t("Language of what people read: {languages} (default: $COOPCTL_LANG, else the store's lang setting, "
           "else the locale, else en).", languages=", ".join(i18n.available())))]

_root_lang: Optional[str] = None  # --lang given before the command (coopctl --lang id list)


def command(name: str | None = None, group: typer.Typer | None = None):
    """`app.command`, for a function that takes `lang: LangOpt` (every command does): the language
    decided before it runs, its help text from the catalogue, and the core's errors turned into
    one line on stderr and their exit code."""
    import functools
    import inspect

    def decorate(function):
        @functools.wraps(function)
        def run(*args, **kwargs):
            from coopctl.storage.store import collector_paused

            # A command is one short batch: a listing of a large store makes millions of objects and no
            # garbage, and the collector walking them again and again cost more than computing the rows.
            # Reference counting still frees everything; only cycles wait, at most until the command ends.
            # Frozen at the end (when many were made): a collection right after the command would walk
            # them all once more, just before the process exits.
            try:
                with collector_paused(freeze=True):
                    _use_language(kwargs.pop("lang", None), kwargs.get("store"))
                    return function(*args, **kwargs)
            except CoopError as e:
                if os.environ.get("COOPCTL_DEBUG"):
                    raise
                from coopctl.views.render import clean, shorten

                sys.stdout.flush()
                sys.stderr.write(_error_line(shorten(clean(str(e)))))
                raise typer.Exit(e.exit_code) from None

        # The help text: the docstring (Typer cleans it), or its translation (the catalogue holds it cleaned).
        doc = function.__doc__
        translated = t(inspect.cleandoc(doc)) if doc and i18n.language() != i18n.ENGLISH else None
        return (group or app).command(name, help=translated)(run)

    return decorate


def _error_line(message: str) -> str:
    return t("coopctl: error: {message}", message=message) + "\n"


def _use_language(option: Optional[str], store: Optional[list[str]]) -> None:
    """Decide the language for this command: --lang (here or before the command), COOPCTL_LANG,
    the store's setting, the locale."""
    option = option or _root_lang
    try:
        if option or os.environ.get("COOPCTL_LANG"):
            lang = i18n.choose(option)
        else:
            lang = i18n.choose(None, _stores(store))
    except i18n.LanguageError as e:
        i18n.set_language(i18n.from_locale() or i18n.ENGLISH)
        value = option if str(e) == "--lang" else os.environ.get("COOPCTL_LANG")
        raise UsageError(t("{source} '{value}' is not a language coopctl has; use one of: {languages}",
                           source=str(e), value=value, languages=", ".join(i18n.available()))) from None
    i18n.set_language(lang)


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"coopctl {__version__}\n")
        raise typer.Exit()


@app.callback(help=t("Keep cooperation agreements in a plain TOML store and know in time what must be renewed."))
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help=t("Show the version and exit."))] = False,
    lang: LangOpt = None,
) -> None:
    global _root_lang
    _root_lang = lang  # the command decides the language, with this and its own options


# ---------------------------------------------------------------- shared options


def _parsed(parse, value: Optional[str], option: str):
    if value is None:
        return None
    try:
        return parse(value)
    except DateError as e:
        raise UsageError(f"{option}: {e}") from None  # the DateError's message is already translated


def _date(value: Optional[str], option: str) -> Optional[PartialDate]:
    return _parsed(parse_input, value, option)


def _duration(value: Optional[str], option: str) -> Optional[Duration]:
    return _parsed(parse_duration, value, option)


StoreOpt = Annotated[Optional[list[str]], typer.Option("--store", metavar="PATH", help=t("Store directory (default: $COOPCTL_STORE, else the user data directory). Listings and reports read several stores at once when it is given several times."))]
AsOfOpt = Annotated[Optional[str], typer.Option("--as-of", metavar="DATE", help=t("Evaluate at this date instead of today (YYYY-MM-DD or DD/MM/YYYY)."))]
FormatOpt = Annotated[Format, typer.Option("--format", help=t("Output format."))]
JsonOpt = Annotated[bool, typer.Option("--json", help=t("Short for --format json."))]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", "-n", help=t("Show the change; write nothing."))]
NoInputOpt = Annotated[bool, typer.Option("--no-input", help=t("Never prompt; a missing value is a usage error."))]
ForceOpt = Annotated[bool, typer.Option("--force", help=t("Rewrite a partner file even though its comments will be lost."))]


def _stores(option: Optional[list[str]]) -> list[Path]:
    from coopctl.storage.store import resolve_store_paths

    return resolve_store_paths(option)


def _store(option: Optional[list[str]]) -> Path:
    """The one store a command works on; several are refused (only listings and reports roll up)."""
    paths = _stores(option)
    if len(paths) != 1:
        raise UsageError(t("this command works on one store, and {n} are named (by --store or COOPCTL_STORE); "
                           "name exactly one with --store", n=len(paths)))
    return paths[0]


def _today(as_of: Optional[str]) -> date:
    return _parsed(parse_day, as_of, "--as-of") or date.today()


def _fmt(fmt: Format, json_flag: bool) -> str:
    return "json" if json_flag else fmt.value


def _say(message: str) -> None:
    """A one-line confirmation or notice, on stderr."""
    from coopctl.views.render import clean

    sys.stdout.flush()  # so that a report and its summary line arrive in order
    sys.stderr.write(clean(message) + "\n")


def _interactive(no_input: bool) -> bool:
    return not no_input and sys.stdin.isatty() and sys.stdout.isatty()


def _waiting() -> None:
    _say(t("waiting for another coopctl to finish..."))


def _note(message: str) -> None:
    _say(t("coopctl: note: {message}", message=message))


def _load(store: Optional[list[str]]):
    from coopctl.storage.store import load_valid

    return load_valid(_store(store))


class _Rollup:
    """The stores a listing reads: those that loaded, and whether any failed (exit 1 at the end)."""

    def __init__(self, store: Optional[list[str]], lazy: bool = False):
        """`lazy`: partners unchanged since the cache was made are read only when asked for."""
        from coopctl.storage.store import collector_paused, load_valid

        self.loaded = []
        self.failed = 0
        paths = _stores(store)
        many = len(paths) > 1
        with collector_paused(freeze=many):  # hundreds of stores are millions of objects and no garbage
            for path in paths:
                try:
                    self.loaded.append(load_valid(path, lazy=lazy, cache_small=many))
                except CoopError as e:
                    if not many:
                        raise
                    self.failed += 1
                    _say(t("coopctl: error: skipped a store: {error}", error=e))
        if not self.loaded:
            raise CoopError(t("no store could be read"))
        self.many = len(paths) > 1

    def parts(self, compute) -> list:
        from coopctl.app.rollup import Part

        return [Part(l.store.settings.owner, compute(l)) for l in self.loaded]

    def rows(self, compute, id_keys=("id", "partner_id")) -> list[dict]:
        from coopctl.app.rollup import merge_rows

        return merge_rows(self.parts(compute), id_keys)

    def finish(self) -> None:
        if self.failed:
            raise typer.Exit(1)


def _write(store: Optional[list[str]], change, dry_run: bool, force: bool = False) -> None:
    """Run `change(tx)` in a transaction; commit, or with --dry-run show what would be written."""
    from coopctl.storage import store as store_module

    root = _store(store)
    with store_module.transaction(root, force=force, on_wait=_waiting, on_notice=_note) as tx:
        message = change(tx)
        if dry_run:
            planned = tx.planned()
            _show_diff(tx, planned)
            _say(t("Dry run, nothing written: {change}", change=message))
            return
        tx.commit(message)
    _say(t("Saved: {change}", change=message))


def _show_diff(tx, planned: dict[str, str]) -> None:
    import difflib

    from coopctl.views.render import clean

    for name, text in planned.items():
        source = tx.loaded.files.get(name.split("/")[-1][: -len(".toml")])
        old = source.text if source else ""
        for line in difflib.unified_diff(old.splitlines(), text.splitlines(), f"a/{name}", f"b/{name}", lineterm=""):
            sys.stdout.write(clean(line) + "\n")


# ---------------------------------------------------------------- views

LIST_COLUMNS = [("id", N_("ID")), ("partner", N_("Partner")), ("country", N_("CC")), ("type", N_("Type")),
                ("sectors", N_("Sectors")), ("term", N_("Term")), ("state_shown", N_("State")), ("days_left", N_("Days"))]
LIST_FIELDS = ["id", "partner", "partner_id", "country", "type", "title", "sectors", "unit",
               "start", "end", "state", "days_left", "dormant", "last_activity", "review_due"]
RENEW_COLUMNS = [("id", N_("ID")), ("partner", N_("Partner")), ("state_flagged", N_("State")), ("end_day", N_("Ends")),
                 ("days_left", N_("Days")), ("next_shown", N_("Next milestone")), ("pending_end", N_("Pending to")),
                 ("window_opens", N_("Window opened"))]
ACTIVITY_COLUMNS = [("date", N_("Date")), ("agreement", N_("Agreement")), ("type", N_("Type")), ("summary", N_("Summary"))]


def _headers(columns: list) -> list:
    """Columns with their headers in the current language (the constants hold them in English)."""
    return [(key, t(header)) for key, header in columns]


def _md_columns(fields: list[str]) -> list:
    """Markdown columns for machine field names: the names themselves in English."""
    return [(f, i18n.field(f)) for f in fields]


def _for_people(rows: list[dict], dates=("start", "end", "signed", "date", "due", "done", "window_opens",
                                      "next_step_due", "last_activity", "sector_since", "term_end")) -> list[dict]:
    """Rows as Markdown shows them: states by name and dates written out where the language says so."""
    if i18n.language() == i18n.ENGLISH:
        return rows
    return [r | ({"state": i18n.state(r["state"])} if isinstance(r.get("state"), str) else {})
            for r in i18n.shown_dates(rows, dates)]


def _owned(columns: list, stores: "_Rollup") -> list:
    """With several stores, an owner column first."""
    if not stores.many:
        return columns
    return [("owner", N_("Owner")) if isinstance(columns[0], tuple) else "owner"] + columns


def _term_text(start: Optional[str], end: Optional[str]) -> str:
    """A term as a table shows it: `2017-09..2022-09`, or with dates written out."""
    shown = i18n.shown_date
    return t("{start}..{end}", start=shown(start) or "?", end=shown(end) or tc("term", "open"))


def _with_term(rows: list[dict]) -> list[dict]:
    """The cells made for people: the term, states by name with their marks, dates as the language writes them."""
    shown = i18n.shown_date
    for row in rows:
        row["term"] = _term_text(row["start"], row["end"]) if row["start"] else ""
        pending = row.get("pending")
        row["pending_end"] = (shown(pending["end"]) or tc("term", "open")) if pending else ""
        row["state_shown"] = i18n.state(row["state"]) + ("*" if row.get("dormant") else "") + _flags(row)
        row["state_flagged"] = i18n.state(row["state"]) + _flags(row)
        following = row.get("next_milestone")
        row["next_shown"] = t("review due") if row.get("review_due") else (
            f"{following['name']} {shown(following['date'])}" if following else "")
        for key in ("end_day", "window_opens"):
            if row.get(key):
                row[key] = shown(row[key])
    return rows


def _flags(row: dict) -> str:
    """`!` a renewal milestone is overdue, `?` an open-ended agreement is due for review."""
    return ("!" if row.get("overdue_milestones") else "") + ("?" if row.get("review_due") else "")


def _plan_cells(rows: list[dict]) -> list[dict]:
    """The plan fields as flat cells, for CSV and Markdown."""
    for row in rows:
        following = row.get("next_milestone")
        row["next_step"] = following["name"] if following else None
        row["next_step_due"] = following["date"] if following else None
        row["overdue_steps"] = [m["name"] for m in row.get("overdue_milestones") or []]
    return rows


PLAN_FOOTNOTES = [
    ("!", "overdue_milestones", N_("! a milestone of the renewal plan is overdue (see coopctl plan ID)")),
    ("?", "review_due", N_("? review due: open-ended, no recent evaluation activity (see coopctl plan ID)")),
]


def _emit_rows(rows: list[dict], fmt: str, columns, fields, title: str | None = None, empty: str | None = None) -> None:
    from coopctl.views import render

    if fmt == "json":
        render.write_json(rows)
    elif fmt == "csv":
        render.write_csv(_plan_cells(rows), fields)
    elif fmt == "md":
        render.write_md(_for_people(_plan_cells(rows)), _md_columns(fields), title)
    else:
        render.print_table(_with_term(rows), _headers(columns), title, empty=empty or t("nothing to show"), **LISTING)
        _footnotes(columns, {key for key in MARKS if any(r.get(key) for r in rows)})


LISTING = dict(right=("days_left",), keep=("id", "term", "state", "state_shown", "state_flagged", "country", "end_day",
                                           "pending_end"), wrap=("owner",))  # how a listing's table is laid out
MARKS = ("dormant", "overdue_milestones", "review_due")  # row keys a listing's footnotes explain


def _footnotes(columns, marked: set[str] | frozenset[str]) -> None:
    """The footnotes under a listing's table, for the `MARKS` that some row holds."""
    from coopctl.views import render

    if "dormant" in marked and any(key == "state_shown" for key, _ in columns):
        render.print_lines([t("* dormant: in force, but no activity recorded recently (see coopctl dormant)")])
    if any(key in ("state_shown", "state_flagged") for key, _ in columns):
        render.print_lines([t(note) for _, key, note in PLAN_FOOTNOTES if key in marked])


# ---------------------------------------------------------------- commands


@command()
def init(
    sample: Annotated[bool, typer.Option("--sample", help=t("Start from the bundled East Java example."))] = False,
    owner: Annotated[Optional[str], typer.Option("--owner", metavar="NAME", help=t("Whose agreements these are (default: the directory's name)."))] = None,
    use_git: Annotated[bool, typer.Option("--git", help=t("Make the store a git repository: every change becomes a commit."))] = False,
    store: StoreOpt = None,
    lang: LangOpt = None,
) -> None:
    """Create a store: empty, or holding the East Java example.

    Example: coopctl init --sample --git --store ./jatim
    """
    from coopctl.storage.store import init_store

    root = _store(store)
    if use_git:
        import shutil

        if shutil.which("git") is None:
            raise CoopError(t("git is not installed; install it, or leave out --git"))
    made = init_store(root, owner, sample)
    files = tn("{n} partner file", "{n} partner files", len(made) - 1)
    if use_git:
        from coopctl.storage import git as gitstore

        what = t("the East Java example") if sample else t("an empty store")
        gitstore.init_repo(root, t("init: {what} ({files})", what=what, files=files))
        _say(t("Created a git-backed store at {root} ({files}), first commit made", root=root, files=files))
        return
    _say(t("Created a store at {root} ({files})", root=root, files=files))


@command("list")
def list_(
    sector: Annotated[Optional[str], typer.Option("--sector", metavar="TEXT", help=t("Only agreements covering this sector (English or Indonesian name)."))] = None,
    country: Annotated[Optional[str], typer.Option("--country", metavar="CC", help=t("Only partners in this country (ISO code)."))] = None,
    state: Annotated[Optional[str], typer.Option("--state", metavar="TEXT", help=t("Only agreements in this state: upcoming, active, due, renewing, lapsed, terminated."))] = None,
    partner: Annotated[Optional[str], typer.Option("--partner", metavar="TEXT", help=t("Only this partner (id or name)."))] = None,
    fmt: FormatOpt = Format.table,
    json_flag: JsonOpt = False,
    store: StoreOpt = None,
    as_of: AsOfOpt = None,
    lang: LangOpt = None,
) -> None:
    """One row per agreement: partner, type, sectors, current term, state, days left.

    Example: coopctl list --sector umkm --as-of 2023-08-22
    """
    from coopctl.app import queries

    day = _today(as_of)
    stores = _Rollup(store)
    if state is not None:  # a state may be named in the language of the output too (--state "jatuh tempo")
        from coopctl.core.records import STATES

        state = next((s for s in STATES if state.casefold() in (s, i18n.state(s).casefold())), state)
    rows = stores.rows(lambda l: queries.list_rows(l.store, l.vocabulary, day, sector, country, state, partner))
    if stores.many:
        rows.sort(key=lambda r: (r["partner"].casefold(), r["id"]))
    _emit_rows(rows, _fmt(fmt, json_flag), _owned(LIST_COLUMNS, stores), _owned(LIST_FIELDS, stores),
               empty=t("no agreements match"))
    stores.finish()


@command()
def show(
    record_id: Annotated[str, typer.Argument(metavar="ID", help=t("A partner or agreement id (or a partner's name)."))],
    fmt: FormatOpt = Format.table,
    json_flag: JsonOpt = False,
    store: StoreOpt = None,
    as_of: AsOfOpt = None,
    lang: LangOpt = None,
) -> None:
    """One partner or agreement in full: terms, sectors, activities.

    Example: coopctl show western-australia-sister-state --as-of 2023-08-22
    """
    from coopctl.app import queries

    day = _today(as_of)
    loaded = _load(store)
    agreement = loaded.store.find_agreement(record_id)
    if agreement is not None:
        record = queries.describe_agreement(loaded.store, loaded.store.partners[agreement.partner_id], agreement, day)
    else:
        partner = queries.find_partner(loaded.store, record_id)
        if partner is None:
            ids = list(loaded.store.partners) + [a.id for a in loaded.store.agreements()]
            raise CoopError(t("no partner or agreement '{id}'{hint}", id=record_id, hint=queries._nearest(record_id, ids)))
        record = queries.describe_partner(loaded.store, partner, day)
    _emit_record(record, _fmt(fmt, json_flag), loaded.vocabulary)


def _emit_record(record: dict, fmt: str, vocabulary) -> None:
    from coopctl.views import render

    if fmt == "json":
        render.write_json(record)
        return
    agreements = record["agreements"] if record["record"] == "partner" else [record]
    if fmt in ("csv", "md"):
        rows = [term | {"agreement": a["id"]} for a in agreements for term in a["terms"]]
        fields = ["agreement", "start", "end", "signed", "pending", "current", "number", "place", "note"]
        if fmt == "csv":
            render.write_csv(rows, fields)
        else:
            render.write_md(_for_people(rows), _md_columns(fields), record.get("name") or record.get("title"))
        return
    shown = i18n.shown_date
    if record["record"] == "partner":
        render.print_pairs([
            (t("Partner"), f"{record['name']} ({record['id']})"), (t("Local name"), record["local_name"]),
            (t("Country"), record["country"]), (t("Kind"), record["kind"]), (t("Level"), record["level"]),
            (t("Since"), shown(record["since"])), (t("Notes"), record["notes"]), (t("Sources"), record["sources"]),
        ])
        if not agreements:
            render.print_lines(["", t("No agreement yet (a prospect).")])
    for a in agreements:
        sectors = [
            s["id"] + (t(" (since {date})", date=shown(s["since"])) if s["since"] else "")
            + (t(" (until {date})", date=shown(s["until"])) if s["until"] else "")
            for s in a["sectors"]
        ]
        render.print_lines([""])
        render.print_pairs([
            (t("Agreement"), f"{a['title']} ({a['id']})"), (t("Partner"), f"{a['partner']} ({a['partner_id']})"),
            (t("Type"), a["type"]), (t("State"), _state_text(a)), (t("Sectors"), sectors), (t("Unit"), a["unit"]),
            (t("Notice"), a["notice"]), (t("Terminated"), shown(a["terminated"])), (t("Reason"), a["termination_reason"]),
            (t("Notes"), a["notes"]), (t("Sources"), a["sources"]),
        ])
        terms = [term | {"status": tc("term", "pending") if term["pending"] else (tc("term", "current") if term["current"] else ""),
                         "start": shown(term["start"]), "signed": shown(term["signed"]),
                         "end": shown(term["end"]) or (f"({shown(term['runs_to'])})" if term["runs_to"] else tc("term", "open"))}
                 for term in a["terms"]]
        render.print_lines([""])
        render.print_table(terms, [("start", t("Start")), ("end", t("End")), ("signed", t("Signed")), ("status", ""),
                                   ("number", t("Number")), ("place", t("Place")), ("note", t("Note"))], t("Terms"),
                           keep=("start", "end", "signed", "status"), wrap=("note",))
        if a.get("milestones"):
            render.print_lines([""])
            render.print_table([m | {"step": m["id"] + (t(" (undone)") if m["undone"] else ""), "date": shown(m["date"]),
                                     "term_end": shown(m["term_end"])} for m in a["milestones"]],
                               [("date", t("Done")), ("step", t("Milestone")), ("term_end", t("Term end")), ("ref", t("Ref")),
                                ("note", t("Note"))], t("Renewal milestones (see coopctl plan)"),
                               keep=("date", "step", "term_end", "ref"), wrap=("note",))
        if a["activities"]:
            render.print_lines([""])
            render.print_table(i18n.shown_dates(a["activities"], ("date",)),
                               [("date", t("Date")), ("sector", t("Sector")), ("type", t("Type")),
                                ("summary", t("Summary"))], t("Activities"),
                               keep=("date", "sector", "type"), wrap=("summary",))


def _state_text(row: dict) -> str:
    days = row["days_left"]
    state = i18n.state(row["state"])
    if days is None:
        return state
    if days >= 0:
        return t("{state} ({days} days left, to {end})", state=state, days=days, end=i18n.shown_date(row["end_day"]))
    return t("{state} (ended {end}, {days} days ago)", state=state, days=-days, end=i18n.shown_date(row["end_day"]))


@command()
def add(
    partner: Annotated[str, typer.Argument(metavar="PARTNER", help=t("An existing partner's id or name, or the name of a new partner."))],
    title: Annotated[Optional[str], typer.Option("--title", metavar="TEXT", help=t("The agreement's title."))] = None,
    type_: Annotated[Optional[str], typer.Option("--type", metavar="TEXT", help=t("sister-province, sister-city, mou, loi, pks, action-plan, programme or other."))] = None,
    sector: Annotated[Optional[list[str]], typer.Option("--sector", metavar="TEXT", help=t("A sector it covers (repeat for more; English or Indonesian)."))] = None,
    start: Annotated[Optional[str], typer.Option("--start", metavar="DATE", help=t("First day of the first term (YYYY, YYYY-MM, YYYY-MM-DD or DD/MM/YYYY)."))] = None,
    end: Annotated[Optional[str], typer.Option("--end", metavar="DATE", help=t("Last day of the first term; omit for open-ended."))] = None,
    signed: Annotated[Optional[str], typer.Option("--signed", metavar="DATE", help=t("When it was signed."))] = None,
    pending: Annotated[bool, typer.Option("--pending", help=t("Recorded but not yet signed."))] = False,
    notice: Annotated[Optional[str], typer.Option("--notice", metavar="DURATION", help=t("How early renewal must start, e.g. 18m or 180d (default: the store's, by partner kind)."))] = None,
    unit: Annotated[Optional[str], typer.Option("--unit", metavar="TEXT", help=t("Responsible unit (OPD)."))] = None,
    agreement_id: Annotated[Optional[str], typer.Option("--id", metavar="TEXT", help=t("Agreement id (default: made from partner and title)."))] = None,
    country: Annotated[Optional[str], typer.Option("--country", metavar="CC", help=t("For a new partner: ISO country code."))] = None,
    kind: Annotated[Optional[str], typer.Option("--kind", metavar="TEXT", help=t("For a new partner: foreign-local-gov, foreign-institution, international-org, domestic-region, third-party or central-gov."))] = None,
    dry_run: DryRunOpt = False,
    no_input: NoInputOpt = False,
    force: ForceOpt = False,
    store: StoreOpt = None,
    lang: LangOpt = None,
) -> None:
    """Add an agreement with its first term (and its partner, if new).

    Example: coopctl add osaka --title "MoU on MSME development" --type mou --sector umkm --start 22/8/2023 --end 2028-08-21
    """
    from coopctl.app.operations import NewAgreement, add_agreement

    ask = _interactive(no_input)
    title = title or _ask(ask, "--title", t("Title"))
    type_ = type_ or _ask(ask, "--type", t("Type (sister-province, sister-city, mou, loi, pks, action-plan, programme, other)"))
    start_value = _date(start or _ask(ask, "--start", t("Start date")), "--start")
    end_value, signed_value = _date(end, "--end"), _date(signed, "--signed")
    notice_value = _duration(notice, "--notice")

    def change(tx):
        from coopctl.app.queries import find_partner

        nonlocal country, kind
        if find_partner(tx.store, partner) is None and ask:
            country = country or _ask(ask, "--country", t("'{partner}' is a new partner. Country (ISO code)", partner=partner))
            kind = kind or _ask(ask, "--kind", t("Kind (foreign-local-gov, foreign-institution, international-org, domestic-region, third-party, central-gov)"))
        return add_agreement(tx, NewAgreement(
            partner=partner, title=title, type=type_, start=start_value, sectors=sector or [],
            end=end_value, signed=signed_value, pending=pending, notice=notice_value,
            unit=unit, id=agreement_id, country=country, kind=kind,
        ))

    _write(store, change, dry_run, force)


def _ask(interactive: bool, option: str, prompt: str) -> str:
    if not interactive:
        raise UsageError(t("missing {option}", option=option))
    value = typer.prompt(prompt).strip()
    if not value:
        raise UsageError(t("missing {option}", option=option))
    return value


@command()
def renew(
    agreement_id: Annotated[Optional[str], typer.Argument(metavar="[ID]", help=t("Record a renewal of this agreement; without it, list what needs attention."))] = None,
    until: Annotated[Optional[str], typer.Option("--until", metavar="DATE", help=t("Last day of the new term."))] = None,
    from_: Annotated[Optional[str], typer.Option("--from", metavar="DATE", help=t("First day of the new term (default: the day after the last term ends)."))] = None,
    signed: Annotated[Optional[str], typer.Option("--signed", metavar="DATE", help=t("When the new term was signed; without --until, signs the pending term."))] = None,
    pending: Annotated[bool, typer.Option("--pending", help=t("The new term is not signed yet (renewal in process)."))] = False,
    within: Annotated[Optional[str], typer.Option("--within", metavar="DURATION", help=t("List: use this window (e.g. 90d) instead of each agreement's notice."))] = None,
    check: Annotated[bool, typer.Option("--check", help=t("List: exit 1 when anything is due or lapsed, or a milestone is overdue (for cron)."))] = False,
    fmt: FormatOpt = Format.table,
    json_flag: JsonOpt = False,
    dry_run: DryRunOpt = False,
    no_input: NoInputOpt = False,
    force: ForceOpt = False,
    store: StoreOpt = None,
    as_of: AsOfOpt = None,
    lang: LangOpt = None,
) -> None:
    """List what needs attention (due, renewing, lapsed), or record a renewal.

    Examples: coopctl renew --as-of 2023-08-22;
    coopctl renew western-australia-sister-state --signed 6/9/2023
    """
    if agreement_id is None:
        if until or from_ or signed or pending:
            raise UsageError(t("--until, --from, --signed and --pending need an agreement ID"))
        from coopctl.app import answers
        from coopctl.app import queries

        day, window = _today(as_of), _duration(within, "--within")
        stores = _Rollup(store, lazy=True)
        if _fmt(fmt, json_flag) == "json" and not check and not stores.many:
            from coopctl.views import render

            data = answers.renewal_json(stores.loaded[0], day, window)
            if data is not None:  # the store has a cache: its rows' JSON, remembered per partner file
                render.write_json_bytes(data)
                return
        if _fmt(fmt, json_flag) == "table" and not stores.many:
            from coopctl.views import render

            columns = _headers(RENEW_COLUMNS)
            table = answers.renewal_table(stores.loaded[0], day, window, (i18n.signature(), tuple(RENEW_COLUMNS)),
                                          lambda rows: render.cells(_with_term(rows), columns), MARKS)
            if table is not None:  # the store has a cache: the table's cells, remembered per partner file
                render.print_cells(table.cells, columns, empty=t("nothing needs attention"), **LISTING)
                _footnotes(columns, table.marked)
                if check:
                    _alarm(table.urgent, table.late)
                return
        rows = stores.rows(lambda l: answers.renewal_rows(l, day, window))
        if stores.many:
            rows.sort(key=queries.urgency)
        _emit_rows(rows, _fmt(fmt, json_flag), _owned(RENEW_COLUMNS, stores),
                   _owned(LIST_FIELDS + ["window_opens", "next_step", "next_step_due", "overdue_steps"], stores),
                   empty=t("nothing needs attention"))
        if check:
            urgent, late = queries.renewal_alarms(rows)
            _alarm(len(urgent), len(late))
        stores.finish()
        return
    if check or within:
        raise UsageError(t("--check and --within apply to the list; leave out the ID"))
    from coopctl.app.operations import record_renewal, sign_pending

    until_value, from_value, signed_value = _date(until, "--until"), _date(from_, "--from"), _date(signed, "--signed")
    if until_value is None:
        if signed_value is None:
            raise UsageError(t("give --until DATE for a new term, or --signed DATE to sign the pending term"))
        if pending or from_value:
            raise UsageError(t("--from and --pending need --until"))
        _write(store, lambda tx: sign_pending(tx, agreement_id, signed_value), dry_run, force)
        return
    if pending and signed_value:
        raise UsageError(t("a term cannot be both --pending and --signed"))
    _write(store, lambda tx: record_renewal(tx, agreement_id, until_value, from_value, signed_value, pending), dry_run, force)


def _alarm(urgent: int, late: int) -> None:
    """`renew --check`: say what is due, lapsed or late on stderr and exit 1; nothing when all is well."""
    found = [tn("{n} agreement due or lapsed", "{n} agreements due or lapsed", urgent)] if urgent else []
    if late:
        found.append(t("{n} with an overdue milestone", n=late) if urgent else
                     tn("{n} agreement with an overdue milestone", "{n} agreements with an overdue milestone", late))
    if found:
        _say("; ".join(found))
        raise typer.Exit(1)


@command()
def terminate(
    agreement_id: Annotated[str, typer.Argument(metavar="ID", help=t("The agreement that was ended on purpose."))],
    when: Annotated[Optional[str], typer.Option("--date", metavar="DATE", help=t("When it ended (default: today)."))] = None,
    reason: Annotated[Optional[str], typer.Option("--reason", metavar="TEXT", help=t("Why it ended."))] = None,
    dry_run: DryRunOpt = False,
    force: ForceOpt = False,
    store: StoreOpt = None,
    lang: LangOpt = None,
) -> None:
    """Record that an agreement was ended on purpose; its history stays.

    Example: coopctl terminate alexandria-loi --date 2025-01-31 --reason "replaced by an MoU"
    """
    from coopctl.app.operations import terminate as do_terminate

    day = _date(when, "--date") or PartialDate.from_date(date.today())
    _write(store, lambda tx: do_terminate(tx, agreement_id, day, reason), dry_run, force)


@command("plan")
def plan_(
    agreement_id: Annotated[str, typer.Argument(metavar="ID", help=t("The agreement."))],
    fmt: FormatOpt = Format.table,
    json_flag: JsonOpt = False,
    store: StoreOpt = None,
    as_of: AsOfOpt = None,
    lang: LangOpt = None,
) -> None:
    """The renewal plan for the current term's end: each step of the procedure with its due date,
    done (when, reference), due soon or overdue. Open-ended agreements: when their review is due.

    Example: coopctl plan western-australia-sister-state --as-of 2022-06-01
    """
    from coopctl.app import queries

    day = _today(as_of)
    loaded = _load(store)
    _emit_plan(queries.plan_report(loaded.store, agreement_id, day), _fmt(fmt, json_flag))


PLAN_FIELDS = ["name", "label", "due", "status", "done", "ref", "note", "implied", "days_late", "days_left"]


def _milestone_status(m: dict) -> str:
    if m["status"] == "done":
        if m["implied"]:
            return t("done (signed)") if m["done"] else t("done (implied)")
        return t("done {n} days late", n=m["days_late"]) if m["days_late"] else tc("milestone", "done")
    if m["status"] == "overdue":
        return t("overdue {n} days", n=m["days_late"])
    if m["status"] == "due soon":
        return t("due today") if m["days_left"] == 0 else t("due in {n} days", n=m["days_left"])
    return tc("milestone", m["status"])


def _emit_plan(data: dict, fmt: str) -> None:
    from coopctl.views import render

    if fmt == "json":
        render.write_json(data)
        return
    if fmt == "csv":
        render.write_csv(data["milestones"], PLAN_FIELDS)
        return
    if fmt == "md":
        rows = [m | {"status": tc("milestone", m["status"])} for m in data["milestones"]] \
            if i18n.language() != i18n.ENGLISH else data["milestones"]
        render.write_md(_for_people(rows), _md_columns(PLAN_FIELDS), t("Renewal plan: {id}", id=data["id"]))
        return
    shown = i18n.shown_date
    state = _state_text({"state": data["state"], "days_left": data["days_left"], "end_day": data["term_end"]})
    term = _term_text(data["term_start"], data["term_end"]) if data["term_end"] else None
    render.print_pairs([
        (t("Agreement"), f"{data['title']} ({data['id']})"),
        (t("State"), t("{state} on {date}", state=state, date=shown(data["as_of"]))),
        (t("Renewal of"), t("the term {term}, by the '{procedure}' procedure", term=term, procedure=data["procedure"])
         if term else None),
    ])
    render.print_lines([""])
    if data["open_ended"] and data["state"] == "terminated":
        render.print_lines([t("Terminated: nothing to renew or review.")])
        return
    if data["open_ended"]:
        last = t("last evaluation {date}", date=shown(data["last_evaluation"])) if data["last_evaluation"] \
            else t("no evaluation logged")
        render.print_lines([
            t("Open-ended since {start}: reviewed instead of renewed, every {months} months.",
              start=shown(data["term_start"]), months=data["review_months"]),
            t("Review due: {last}; the review was due by {date}.", last=last, date=shown(data["review_by"]))
            if data["review_due"] else t("Next review due by {date} ({last}).", date=shown(data["review_by"]), last=last),
            t("Record a review with: coopctl log {id} SUMMARY --type evaluation --sector SECTOR", id=data["id"]),
        ])
        return
    if data["term_end"] is None:
        render.print_lines([t("No signed term yet: the plan starts once the first term is signed.")])
        return
    rows = [m | {"status_text": _milestone_status(m), "due": shown(m["due"]), "done": shown(m["done"])}
            for m in data["milestones"]]
    render.print_table(rows, [("due", t("Due")), ("name", t("Milestone")), ("status_text", t("Status")), ("done", t("Done")),
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
    render.print_lines([""] + lines if lines else [])


@command()
def milestone(
    agreement_id: Annotated[str, typer.Argument(metavar="ID", help=t("The agreement being renewed."))],
    step: Annotated[str, typer.Argument(metavar="MILESTONE", help=t("A step of its procedure, e.g. evaluation, draft, dprd-letter, dprd-approval, ministry-approval, signing."))],
    when: Annotated[Optional[str], typer.Option("--date", metavar="DATE", help=t("When it was done (default: today)."))] = None,
    ref: Annotated[Optional[str], typer.Option("--ref", metavar="TEXT", help=t("The document, e.g. the letter's number."))] = None,
    note: Annotated[Optional[str], typer.Option("--note", metavar="TEXT", help=t("Anything worth keeping."))] = None,
    undo: Annotated[bool, typer.Option("--undo", help=t("Record that it was not done after all (the earlier record stays)."))] = False,
    dry_run: DryRunOpt = False,
    force: ForceOpt = False,
    store: StoreOpt = None,
    lang: LangOpt = None,
) -> None:
    """Record a renewal milestone as done, for the term in force (or ended last) on its date.

    Records are only added, never changed: a later record (or --undo) supersedes an earlier one.

    Example: coopctl milestone western-australia-sister-state dprd-approval --date 8/11/2022 --ref 005/4997/050/2022
    """
    from coopctl.app.operations import record_milestone

    today = date.today()
    day = _date(when, "--date") or PartialDate.from_date(today)
    _write(store, lambda tx: record_milestone(tx, agreement_id, step, day, today, ref, note, undo), dry_run, force)


@command()
def report(
    sector: Annotated[Optional[str], typer.Option("--sector", metavar="TEXT", help=t("Report on one sector: its partners, agreements and activities."))] = None,
    country: Annotated[Optional[str], typer.Option("--country", metavar="CC", help=t("Only partners in this country."))] = None,
    fmt: FormatOpt = Format.table,
    json_flag: JsonOpt = False,
    store: StoreOpt = None,
    as_of: AsOfOpt = None,
    lang: LangOpt = None,
) -> None:
    """Portfolio summary; with --sector, the partners, agreements and activities in one sector.

    Example: coopctl report --sector vocational --as-of 2023-08-22
    """
    from coopctl.app import queries

    from coopctl.app import rollup

    day = _today(as_of)
    stores = _Rollup(store)
    fmt_name = _fmt(fmt, json_flag)
    if sector:
        parts = stores.parts(lambda l: queries.sector_report(l.store, l.vocabulary, day, sector, country))
        _emit_sector_report(rollup.merge_sector_reports(parts), fmt_name)
    else:
        parts = stores.parts(lambda l: queries.portfolio_report(l.store, l.vocabulary, day, country))
        _emit_portfolio(rollup.merge_portfolios(parts, queries.urgency), fmt_name)
    stores.finish()


def _emit_sector_report(data: dict, fmt: str) -> None:
    from coopctl.views import render

    if fmt == "json":
        render.write_json(data)
        return
    title = t("Sector {id}: {label} / {label_id}", id=data["sector"], label=data["label"], label_id=data["label_id"])
    agreement_cols = [("id", t("Agreement")), ("partner", t("Partner")), ("country", t("CC")), ("state", t("State")),
                      ("sector_since", t("Since"))]
    if fmt == "csv":
        render.write_csv(data["agreements"], ["id", "partner", "partner_id", "country", "type", "state", "sector_since", "start", "end"])
        return
    agreements, activities = _for_people(data["agreements"]), _for_people(data["activities"])
    if fmt == "md":
        sys.stdout.write(f"# {render.clean(title)}\n\n## {t('Agreements')}\n\n{render.md_table(agreements, agreement_cols)}\n\n"
                         f"## {t('Activities')}\n\n{render.md_table(activities, _headers(ACTIVITY_COLUMNS))}\n")
        return
    render.print_lines([title, ""])
    render.print_table(agreements, agreement_cols, t("Agreements"), keep=("id", "state", "sector_since"),
                       empty=t("no agreement covers this sector"))
    render.print_lines([""])
    render.print_table(activities, _headers(ACTIVITY_COLUMNS), t("Activities"), keep=("date", "agreement", "type"),
                       wrap=("summary",), empty=t("no activity recorded in this sector"))


def _emit_portfolio(data: dict, fmt: str) -> None:
    from coopctl.views import render

    if fmt == "json":
        render.write_json(data)
        return
    counts = [{"group": group, "value": key, "count": n}
              for group in ("by_state", "by_kind", "by_country", "by_type", "by_sector")
              for key, n in data[group].items() if n]
    if fmt == "csv":
        render.write_csv(counts, ["group", "value", "count"])
        return
    if fmt == "md":
        sys.stdout.write(render.portfolio_markdown(data) + "\n")
        return

    def counts_text(key: str, limit: int | None = None, name=lambda k: k) -> str:
        items = [(k, n) for k, n in data[key].items() if n]
        text = ", ".join(f"{name(k)} {n}" for k, n in items[:limit])
        return text + (t(", and {n} more", n=len(items) - limit) if limit and len(items) > limit else "")

    shown = i18n.shown_date
    none = t("none")
    ending = [f"{r['id']} ({shown(r['last_end'])})" for r in data["ending_within_12_months"]]
    dormant = [f"{r['id']} ({shown(r['last_activity']) or t('never')})" for r in data["dormant"]]
    stalled = [t("{id} (LoI {date})", id=s["id"], date=shown(s["loi_date"])) for s in data["stalled"]]
    render.print_pairs([
        (t("Owner"), data["owner"]),
        (t("As of"), shown(data["as_of"])),
        (t("Partners"), f"{data['partners']} ({counts_text('by_kind')})"),
        (t("Countries"), counts_text("by_country")),
        (t("Agreements"), f"{data['agreements']} ({counts_text('by_type')})"),
        (t("States"), counts_text("by_state", name=i18n.state)),
        (t("Ending in 12 months"), ", ".join(ending) or none),
        (t("Dormant"), f"{len(dormant)}: " + ", ".join(dormant) if dormant else none),
        (t("Stalled LoIs"), ", ".join(stalled) or none),
        (t("No agreement yet"), ", ".join(data["partners_without_agreement"]) or none),
        (t("Top sectors"), counts_text("by_sector", 8)),
        (t("Uncovered sectors"), t("{n} (see coopctl coverage)", n=len(data["uncovered_sectors"]))),
    ])
    render.print_lines([""])
    attention = [r | {"state": i18n.state(r["state"]), "end_day": shown(r["end_day"])} for r in data["needs_attention"]]
    render.print_table(attention, [("id", t("Agreement")), ("partner", t("Partner")), ("state", t("State")),
                                   ("end_day", t("Ends")), ("days_left", t("Days"))],
                       t("Needs attention"), right=("days_left",), keep=("id", "state", "end_day"), empty=t("nothing"))


@command()
def check(store: StoreOpt = None, lang: LangOpt = None) -> None:
    """Validate the whole store; print every problem as file:line: message; exit 1 if any.

    Example: coopctl check --store ./jatim
    """
    from coopctl.views.render import print_lines
    from coopctl.storage.store import load

    root = _store(store)
    loaded = load(root)
    if loaded.problems:
        print_lines(f"{root / p.file}:{p.line}:{p.column}: {p.message}" if p.column and p.line
                    else f"{root / p.file}:{p.line}: {p.message}" if p.line
                    else f"{root / p.file}: {p.message}" for p in loaded.problems)
        _say(tn("{n} problem in {root}", "{n} problems in {root}", len(loaded.problems), root=root))
        raise typer.Exit(1)
    agreements = len(loaded.store.agreements())
    _say(t("{root}: OK ({partners} partners, {agreements} agreements)", root=root, partners=len(loaded.store.partners),
           agreements=agreements))


# ---------------------------------------------------------------- activation, extensification, expansion

ActivityTypeHelp = t("visit-in, visit-out, meeting, training, exchange, grant, event, trade-mission, evaluation, report or note.")


@command()
def log(
    agreement_id: Annotated[str, typer.Argument(metavar="AGREEMENT", help=t("The agreement the activity was done under."))],
    summary: Annotated[str, typer.Argument(metavar="SUMMARY", help=t("What was done, in one sentence."))],
    when: Annotated[Optional[str], typer.Option("--date", metavar="DATE", help=t("When (default: today)."))] = None,
    sector: Annotated[Optional[str], typer.Option("--sector", metavar="TEXT", help=t("One of the agreement's sectors."))] = None,
    kind: Annotated[str, typer.Option("--type", metavar="TEXT", help=ActivityTypeHelp)] = "note",
    participants: Annotated[Optional[int], typer.Option("--participants", metavar="N", help=t("How many took part."))] = None,
    value: Annotated[Optional[int], typer.Option("--value", metavar="AMOUNT", help=t("Value in whole units of --currency."))] = None,
    currency: Annotated[Optional[str], typer.Option("--currency", metavar="CUR", help=t("ISO currency code, e.g. IDR."))] = None,
    source: Annotated[Optional[str], typer.Option("--source", metavar="URL", help=t("Where it is documented."))] = None,
    dry_run: DryRunOpt = False,
    no_input: NoInputOpt = False,
    force: ForceOpt = False,
    store: StoreOpt = None,
    lang: LangOpt = None,
) -> None:
    """Record an activity under an agreement: what keeps it alive.

    Example: coopctl log tianjin-sister-province "Luban Workshop launched at SMK PGRI 2 Ponorogo" --date 12/12/2017 --sector vokasi --type grant --value 6000000000 --currency IDR
    """
    from coopctl.app.operations import log_activity

    day = _date(when, "--date") or PartialDate.from_date(date.today())
    sector = sector or _ask(_interactive(no_input), "--sector", t("Sector"))
    _write(store, lambda tx: log_activity(tx, agreement_id, summary, day, sector, kind, participants, value,
                                          currency, source), dry_run, force)


@command()
def activities(
    agreement: Annotated[Optional[str], typer.Option("--agreement", metavar="ID", help=t("Only this agreement."))] = None,
    partner: Annotated[Optional[str], typer.Option("--partner", metavar="TEXT", help=t("Only this partner (id or name)."))] = None,
    sector: Annotated[Optional[str], typer.Option("--sector", metavar="TEXT", help=t("Only this sector."))] = None,
    since: Annotated[Optional[str], typer.Option("--since", metavar="DATE", help=t("From this date on."))] = None,
    until: Annotated[Optional[str], typer.Option("--until", metavar="DATE", help=t("Up to this date."))] = None,
    fmt: FormatOpt = Format.table,
    json_flag: JsonOpt = False,
    store: StoreOpt = None,
    lang: LangOpt = None,
) -> None:
    """List activities, newest first.

    Example: coopctl activities --partner tianjin --since 2017
    """
    from coopctl.app import queries

    since_value, until_value = _date(since, "--since"), _date(until, "--until")
    loaded = _load(store)
    rows = queries.activity_rows(loaded.store, loaded.vocabulary, agreement, partner, sector,
                                 since_value.first_day() if since_value else None,
                                 until_value.last_day() if until_value else None)
    _emit_list(rows, _fmt(fmt, json_flag),
               [("date", t("Date")), ("agreement", t("Agreement")), ("sector", t("Sector")), ("type", t("Type")),
                ("summary", t("Summary"))],
               ["date", "agreement", "partner", "partner_id", "sector", "type", "summary", "participants", "value",
                "currency", "source"],
               keep=("date", "agreement"), wrap=("summary",), empty=t("no activities match"))


@command()
def dormant(
    months: Annotated[Optional[int], typer.Option("--months", metavar="N", help=t("Silent for this many months (default: the store's, else 12)."))] = None,
    check: Annotated[bool, typer.Option("--check", help=t("Exit 1 when any agreement is dormant."))] = False,
    fmt: FormatOpt = Format.table,
    json_flag: JsonOpt = False,
    store: StoreOpt = None,
    as_of: AsOfOpt = None,
    lang: LangOpt = None,
) -> None:
    """Agreements in force with no activity in the last N months, longest silent first.

    Example: coopctl dormant --months 24 --as-of 2023-08-22
    """
    from coopctl.app import queries

    if months is not None and months < 1:
        raise UsageError(t("--months must be at least 1"))
    day = _today(as_of)
    stores = _Rollup(store)
    rows = stores.rows(lambda l: queries.dormant_rows(l.store, day, months))
    if stores.many:
        rows.sort(key=queries.silence)

    def shown(row: dict) -> dict:
        silent = t("{n} months", n=row["months_silent"]) if row["months_silent"] is not None else t("no activity yet")
        return row | {"last": i18n.shown_date(row["last_activity"]) or t("never"), "silent": silent}

    _emit_list(rows, _fmt(fmt, json_flag),
               [("id", t("Agreement")), ("partner", t("Partner")), ("state", t("State")), ("last", t("Last activity")),
                ("silent", t("Silent"))],
               ["id", "partner", "partner_id", "country", "state", "last_activity", "months_silent"],
               keep=("id", "state", "last", "silent"), empty=t("no dormant agreement"), display=shown)
    if check and rows:
        _say(tn("{n} dormant agreement", "{n} dormant agreements", len(rows)))
        raise typer.Exit(1)
    stores.finish()


sector_app = typer.Typer(help=t("Add or remove an agreement's sectors, keeping their history."),
                         rich_markup_mode=None, no_args_is_help=True)
app.add_typer(sector_app, name="sector")


@command("add", sector_app)
def sector_add(
    agreement_id: Annotated[str, typer.Argument(metavar="AGREEMENT", help=t("The agreement."))],
    sectors: Annotated[list[str], typer.Argument(metavar="SECTOR...", help=t("Sectors it now covers (English or Indonesian)."))],
    since: Annotated[Optional[str], typer.Option("--since", metavar="DATE", help=t("Since when (e.g. the addendum's date)."))] = None,
    basis: Annotated[Optional[str], typer.Option("--basis", metavar="TEXT", help=t("The document that adds them, e.g. 'addendum no. 2'."))] = None,
    dry_run: DryRunOpt = False,
    force: ForceOpt = False,
    store: StoreOpt = None,
    lang: LangOpt = None,
) -> None:
    """Extend an agreement to more sectors (extensification).

    Example: coopctl sector add osaka-sister-province pariwisata --since 2024-02-21 --basis "revitalisation talks"
    """
    from coopctl.app.operations import add_sectors

    since_value = _date(since, "--since")
    _write(store, lambda tx: add_sectors(tx, agreement_id, sectors, since_value, basis), dry_run, force)


@command("remove", sector_app)
def sector_remove(
    agreement_id: Annotated[str, typer.Argument(metavar="AGREEMENT", help=t("The agreement."))],
    sector: Annotated[str, typer.Argument(metavar="SECTOR", help=t("The sector it no longer covers."))],
    until: Annotated[Optional[str], typer.Option("--until", metavar="DATE", help=t("Last day it was covered (default: today)."))] = None,
    dry_run: DryRunOpt = False,
    force: ForceOpt = False,
    store: StoreOpt = None,
    lang: LangOpt = None,
) -> None:
    """Record that an agreement no longer covers a sector; its history stays.

    Example: coopctl sector remove western-australia-sister-state energy --until 2022-09-30
    """
    from coopctl.app.operations import remove_sector

    until_value = _date(until, "--until") or PartialDate.from_date(date.today())
    _write(store, lambda tx: remove_sector(tx, agreement_id, sector, until_value), dry_run, force)


@command()
def coverage(
    fmt: FormatOpt = Format.table,
    json_flag: JsonOpt = False,
    store: StoreOpt = None,
    as_of: AsOfOpt = None,
    lang: LangOpt = None,
) -> None:
    """Which partner covers which sector, the sectors nobody covers, stalled LoIs and prospects (expansion).

    Example: coopctl coverage --as-of 2025-01-01
    """
    from coopctl.app import queries
    from coopctl.views import render

    from coopctl.app import rollup

    day = _today(as_of)
    stores = _Rollup(store)
    data = rollup.merge_coverage(stores.parts(lambda l: queries.coverage_report(l.store, l.vocabulary, day)))
    fmt_name = _fmt(fmt, json_flag)
    if fmt_name == "json":
        render.write_json(data)
        stores.finish()
        return
    grid = [{"partner": r["partner"], "partner_id": r["partner_id"], "country": r["country"],
             **{s: "x" if s in r["sectors"] else "" for s in data["sectors"]}} for r in data["matrix"]]
    if fmt_name == "csv":
        render.write_csv(grid, ["partner", "partner_id", "country"] + data["sectors"])
        stores.finish()
        return
    if fmt_name == "md":
        sys.stdout.write(render.coverage_markdown(data, grid) + "\n")
    else:
        render.print_coverage(data)
    stores.finish()


@command()
def timeline(
    from_year: Annotated[Optional[int], typer.Option("--from", metavar="YEAR", help=t("First year shown."))] = None,
    to_year: Annotated[Optional[int], typer.Option("--to", metavar="YEAR", help=t("Last year shown."))] = None,
    partner: Annotated[Optional[str], typer.Option("--partner", metavar="TEXT", help=t("Only this partner."))] = None,
    fmt: FormatOpt = Format.table,
    json_flag: JsonOpt = False,
    store: StoreOpt = None,
    as_of: AsOfOpt = None,
    lang: LangOpt = None,
) -> None:
    """Each agreement's terms as bars across the years, with lapses and pending terms marked.

    Example: coopctl timeline --from 2005 --to 2030 --as-of 2023-08-22
    """
    from coopctl.app import queries
    from coopctl.views import render

    for option, year in (("--from", from_year), ("--to", to_year)):
        if year is not None and not 1000 <= year <= 9999:
            raise UsageError(t("{option} must be a four-digit year", option=option))
    if from_year and to_year and to_year < from_year:
        raise UsageError(t("--to is before --from"))
    day = _today(as_of)
    stores = _Rollup(store)
    rows = stores.rows(lambda l: queries.timeline_rows(l.store, day, partner))
    fmt_name = _fmt(fmt, json_flag)
    if fmt_name == "json":
        render.write_json(rows)
    elif fmt_name in ("csv", "md"):
        flat = [{"agreement": r["id"], "partner": r["partner"], "kind": kind, "start": t["start"], "end": t["end"]}
                for r in rows
                for kind, t in [("pending" if t["pending"] else "term", t) for t in r["terms"]]
                + [("gap", g) for g in r["gaps"]]]
        flat.sort(key=lambda f: (f["agreement"], f["start"]))
        fields = ["agreement", "partner", "kind", "start", "end"]
        if fmt_name == "csv":
            render.write_csv(flat, fields)
        else:
            flat = [f | {"kind": tc("timeline", f["kind"])} for f in flat] if i18n.language() != i18n.ENGLISH else flat
            render.write_md(_for_people(flat), _md_columns(fields))
    else:
        render.print_timeline(rows, day, from_year, to_year)
    stores.finish()


def _emit_list(rows: list[dict], fmt: str, columns, fields, keep=(), wrap=(), empty: str | None = None,
               display=None) -> None:
    """JSON gives each row whole; CSV and Markdown give `fields`; the table shows `columns`
    of `display(row)`, which may add text made for people."""
    from coopctl.views import render

    if fmt == "json":
        render.write_json(rows)
    elif fmt == "csv":
        render.write_csv(rows, fields)
    elif fmt == "md":
        render.write_md(_for_people(rows), _md_columns(fields))
    else:
        render.print_table(_for_people([display(r) for r in rows] if display else rows), columns, keep=keep, wrap=wrap,
                           empty=empty or t("nothing to show"))


# ---------------------------------------------------------------- working as a team


@command()
def sync(store: StoreOpt = None, lang: LangOpt = None) -> None:
    """Pull others' changes (with rebase), then push yours, in a git-backed store.

    Example: coopctl sync --store ./jatim
    """
    from coopctl.storage import git as gitstore
    from coopctl.storage.store import load, locked

    root = _store(store)
    load(root)  # says so if there is no store at all
    with locked(root, _waiting):
        message = gitstore.sync(root)
    _say(message[0].upper() + message[1:])


@command()
def history(
    record_id: Annotated[Optional[str], typer.Argument(metavar="[ID]", help=t("Only the changes to this partner or agreement."))] = None,
    fmt: FormatOpt = Format.table,
    json_flag: JsonOpt = False,
    store: StoreOpt = None,
    lang: LangOpt = None,
) -> None:
    """The changes to the store (or to one partner or agreement), newest first, from git.

    Example: coopctl history western-australia-sister-state
    """
    from coopctl.storage import git as gitstore
    from coopctl.app import queries
    from coopctl.storage.store import PARTNERS_DIR, load

    root = _store(store)
    loaded = load(root)
    if not gitstore.is_git_store(root):
        raise CoopError(t("{root} is not a git-backed store, so coopctl keeps no history of it; "
                          "'coopctl init --git' makes one, or run 'git init' in the store and commit", root=root))
    paths, mentioning = None, None
    if record_id:
        agreement = loaded.store.find_agreement(record_id)
        if agreement is not None:
            paths, mentioning = [f"{PARTNERS_DIR}/{agreement.partner_id}.toml"], agreement.id
        else:
            partner = queries.find_partner(loaded.store, record_id)
            partner_id = partner.id if partner else record_id
            if partner is None and not (root / PARTNERS_DIR / f"{record_id}.toml").exists():
                candidates = list(loaded.store.partners) + [a.id for a in loaded.store.agreements()]
                raise CoopError(t("no partner or agreement '{id}'{hint}", id=record_id,
                                  hint=queries._nearest(record_id, candidates)))
            paths = [f"{PARTNERS_DIR}/{partner_id}.toml"]
    rows = [{"date": c.date, "author": c.author, "change": c.message, "files": list(c.files), "commit": c.commit}
            for c in gitstore.history(root, paths, mentioning)]
    _emit_list(rows, _fmt(fmt, json_flag), [("date", t("Date")), ("author", t("Author")), ("change", t("Change"))],
               ["date", "author", "change", "files", "commit"], keep=("date",), wrap=("change",),
               empty=t("no changes recorded"))


# ---------------------------------------------------------------- editing and deleting safely


@command()
def edit(
    record_id: Annotated[str, typer.Argument(metavar="ID", help=t("A partner (id or name) or an agreement; its partner's file is opened."))],
    dry_run: DryRunOpt = False,
    store: StoreOpt = None,
    lang: LangOpt = None,
) -> None:
    """Edit a partner's file in $VISUAL or $EDITOR (else vi); checked on save, reopened until valid.

    Problems are shown at the top of the file and the editor reopens; save it unchanged, or quit
    the editor with an error (:cq in vi), to give up. The file is saved exactly as you wrote it.

    Example: coopctl edit osaka-sister-province
    """
    from coopctl.storage import editing

    result = editing.edit(_store(store), record_id, dry_run=dry_run, say=_say, on_wait=_waiting, on_notice=_note)
    if dry_run:
        from coopctl.views.render import clean

        for line in result.diff:
            sys.stdout.write(clean(line) + "\n")
        _say(t("Dry run, nothing written: {change}", change=result.message))
    elif result.written:
        _say(t("Saved: {change}", change=result.message))
    else:
        _say(result.message)


@command()
def delete(
    record_id: Annotated[str, typer.Argument(metavar="ID", help=t("A partner (id or name, with all its agreements) or an agreement."))],
    yes: Annotated[bool, typer.Option("--yes", "-y", help=t("Do not ask; needed when not at a terminal."))] = False,
    dry_run: DryRunOpt = False,
    no_input: NoInputOpt = False,
    force: ForceOpt = False,
    store: StoreOpt = None,
    lang: LangOpt = None,
) -> None:
    """Move a partner or an agreement to the store's trash; 'coopctl restore' brings it back.

    Example: coopctl delete alexandria-loi --yes
    """
    from coopctl.storage import store as store_module
    from coopctl.storage import trash

    root = _store(store)
    plan = trash.plan_delete(store_module.load_valid(root), record_id)
    _say(t("This moves to the trash (coopctl restore brings it back):"))
    for line in plan.describe():
        _say(f"  {line}")
    if not yes and not dry_run:
        if not _interactive(no_input):
            raise UsageError(t("deleting needs --yes when not asked at a terminal; nothing was deleted"))
        question = t("Delete agreement {id}?", id=plan.record_id) if plan.kind == "agreement" \
            else t("Delete partner {id}?", id=plan.record_id)
        if not typer.confirm(question, default=False, err=True):
            raise CoopError(t("nothing was deleted"))
    with store_module.transaction(root, force=force, on_wait=_waiting, on_notice=_note) as tx:
        message = trash.delete(tx, record_id, dry_run=dry_run)
    _say(t("Dry run, nothing written: {change}", change=message) if dry_run else t("Saved: {change}", change=message))


@command()
def restore(
    record_id: Annotated[Optional[str], typer.Argument(metavar="[ID]", help=t("The record to bring back (the newest one of that id), or a trash file's name; without it, list the trash."))] = None,
    fmt: FormatOpt = Format.table,
    json_flag: JsonOpt = False,
    dry_run: DryRunOpt = False,
    force: ForceOpt = False,
    store: StoreOpt = None,
    lang: LangOpt = None,
) -> None:
    """List the trash, or bring a deleted partner or agreement back (refused if its id is in use again).

    Example: coopctl restore alexandria-loi
    """
    from coopctl.storage import store as store_module
    from coopctl.storage import trash

    root = _store(store)
    if record_id is None:
        store_module.load(root)  # says so if there is no store
        rows = [e.row() for e in trash.entries(root)]
        _emit_list(rows, _fmt(fmt, json_flag), [("deleted", t("Deleted")), ("record", t("Record")), ("id", t("ID")),
                                                ("partner_id", t("Partner")), ("file", t("File"))],
                   ["deleted", "record", "id", "partner_id", "file"], keep=("deleted", "record", "id", "file"),
                   empty=t("the trash is empty"), display=lambda r: r | {"record": tc("record", r["record"])})
        return
    with store_module.transaction(root, force=force, on_wait=_waiting, on_notice=_note) as tx:
        message = trash.restore(tx, record_id, dry_run=dry_run)
    _say(t("Dry run, nothing written: {change}", change=message) if dry_run else t("Saved: {change}", change=message))


# ---------------------------------------------------------------- spreadsheets and calendars


class _SheetMsg:
    """What export says (its words are in the catalogue)."""

    @staticmethod
    def no_format() -> str:
        return t("give --format xlsx, csv or json, or an -o FILE ending in .xlsx, .csv or .json")

    @staticmethod
    def csv_only(option: str) -> str:
        return t("{option} applies to --format csv", option=option)

    @staticmethod
    def bad_delimiter(value: str) -> str:
        return t("--delimiter '{value}' must be ',', ';' or 'tab'", value=value)

    @staticmethod
    def exported(what: str, where: str) -> str:
        return t("Exported {what} to {where}", what=what, where=where)

    @staticmethod
    def agreements(n: int) -> str:
        return tn("{n} agreement", "{n} agreements", n)

    @staticmethod
    def terms(agreements: int, terms: int) -> str:
        return f"{_SheetMsg.agreements(agreements)} ({tn('{n} term', '{n} terms', terms)})"

    @staticmethod
    def activities(n: int) -> str:
        return tn("{n} activity", "{n} activities", n)


class SheetFormat(str, Enum):
    xlsx = "xlsx"
    csv = "csv"
    json = "json"


class SheetTable(str, Enum):
    agreements = "agreements"
    activities = "activities"


OutputOpt = Annotated[Optional[str], typer.Option("-o", "--output", metavar="FILE", help=t("Write to FILE ('-' or none: standard output)."))]


def _write_output(output: Optional[str], data: bytes) -> bool:
    """Write an export to a file (atomically) or to stdout; True when it went to a file."""
    from coopctl.storage.store import atomic_write

    if output in (None, "-"):
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return False
    try:
        atomic_write(Path(output), data)
    except OSError as e:
        from coopctl.interop.spreadsheet import Msg

        raise CoopError(Msg.cannot_write(output, e.strerror or str(e))) from None
    return True


@command("import")
def import_(
    file: Annotated[Path, typer.Argument(metavar="FILE", help=t("An .xlsx workbook, a CSV file (UTF-8, comma or semicolon) or a coopctl JSON export."))],
    update: Annotated[bool, typer.Option("--update", help=t("Update the agreements and partners that already exist and differ (else they are reported, and nothing is written)."))] = False,
    dry_run: DryRunOpt = False,
    force: ForceOpt = False,
    store: StoreOpt = None,
    lang: LangOpt = None,
) -> None:
    """Import agreements from a spreadsheet, one row per term, or a JSON export: all or nothing.

    Columns are found by their header, in English or Indonesian, in any case: partner/mitra,
    country/negara, kind/jenis mitra, title/judul, type/jenis, sectors/bidang, start/tanggal
    mulai, end/tanggal berakhir, signed/tanggal tanda tangan, number/nomor, unit/OPD,
    notes/keterangan (and id, partner_id, pending, place, notice). Rows with the same id, or
    the same partner and title, are the terms of one agreement. Dates: 2023-08-22, 22/08/2023,
    22-08-2023, 22 Agustus 2023 or date cells. Every problem is listed as file:row:column and
    nothing is written unless every row is valid; importing the same file again changes nothing.
    With --update, filled cells replace what the store holds, empty cells keep it, sectors and
    terms are added (a term is matched by its start); from a JSON export, a differing agreement
    is replaced whole.

    Example: coopctl import kerja-sama.xlsx --dry-run
    """
    from coopctl.interop import spreadsheet
    from coopctl.storage import store as store_module
    from coopctl.app.operations import apply_import
    from coopctl.views.render import clean, shorten

    root = _store(store)
    if not store_module.is_store(root):
        store_module.load(root)  # says there is no store, before the file is read
    def listed(e: spreadsheet.ImportProblems) -> CoopError:
        """Every problem on its own line on stderr; the error line follows."""
        for note in e.notes:
            _note(note)
        sys.stdout.flush()
        for problem in e.problems:
            line = clean(str(problem))
            sys.stderr.write((shorten(line) if len(line) > 600 else line) + "\n")
        return CoopError(e.message)

    try:
        source = spreadsheet.read_file(file, str(file))
    except spreadsheet.ImportProblems as e:
        raise listed(e) from None
    with store_module.transaction(root, force=force, on_wait=_waiting, on_notice=_note) as tx:
        try:
            plan = apply_import(tx, source, update)
        except spreadsheet.ImportProblems as e:
            raise listed(e) from None
        for note in plan.notes:
            _note(note)
        summary = plan.summary()
        if dry_run:
            for line in plan.lines:
                sys.stdout.write(clean(line) + "\n")
            _say(t("Dry run, nothing written: {change}", change=summary))
            return
        if not plan.partners and plan.settings is None:
            _say(summary[0].upper() + summary[1:])
            return
        tx.commit(summary)
    _say(t("Saved: {change}", change=summary))


@command()
def export(
    fmt: Annotated[Optional[SheetFormat], typer.Option("--format", help=t("xlsx, csv or json (default: from the -o file's extension)."))] = None,
    output: OutputOpt = None,
    table: Annotated[Optional[SheetTable], typer.Option("--table", help=t("CSV: the agreements (one row per term, the default) or the activities. An xlsx workbook has both sheets."))] = None,
    delimiter: Annotated[Optional[str], typer.Option("--delimiter", metavar="CHAR", help=t("CSV: ',' (the default) or ';' (what Excel expects with Indonesian regional settings), or 'tab'."))] = None,
    store: StoreOpt = None,
    as_of: AsOfOpt = None,
    lang: LangOpt = None,
) -> None:
    """Export the store: an xlsx workbook or a CSV file for people, or JSON that holds all of it.

    xlsx: a sheet of agreements (one row per term) and one of activities, with date cells,
    frozen headers and filters. CSV: UTF-8 with a byte-order mark, for Excel. JSON: the whole
    store (settings, partners, contacts, notes, sources, sectors with their history, terms,
    activities), which 'coopctl import' restores exactly. Text that a spreadsheet would run as
    a formula never runs. The xlsx and CSV exports can be imported back.

    Example: coopctl export -o kerja-sama.xlsx --as-of 2023-08-22
    """
    from coopctl.interop import spreadsheet

    name = None
    if fmt is None:
        suffix = Path(output).suffix.lower().lstrip(".") if output not in (None, "-") else ""
        if suffix not in ("xlsx", "csv", "json"):
            raise UsageError(_SheetMsg.no_format())
        name = suffix
    else:
        name = fmt.value
    if name != "csv" and (table is not None or delimiter is not None):
        raise UsageError(_SheetMsg.csv_only("--table" if table is not None else "--delimiter"))
    separator = {None: ",", ",": ",", ";": ";", "tab": "\t", "\t": "\t"}.get(delimiter)
    if separator is None:
        raise UsageError(_SheetMsg.bad_delimiter(delimiter or ""))
    if name == "xlsx" and output in (None, "-") and sys.stdout.isatty():
        raise UsageError(spreadsheet.Msg.xlsx_to_terminal())
    day = _today(as_of)
    stores = _Rollup(store)
    if name == "json" and stores.many:
        raise UsageError(t("a JSON export holds one whole store; export each store on its own, "
                           "or use --format csv or xlsx for a roll-up"))
    data_store = stores.loaded[0].store
    agreements = sum(len(l.store.agreements()) for l in stores.loaded)
    if name == "json":
        data = spreadsheet.json_bytes(data_store)
        what = t("{partners}, {agreements} and the settings", partners=tn("{n} partner", "{n} partners", len(data_store.partners)),
                 agreements=_SheetMsg.agreements(agreements))
    else:
        terms = stores.rows(lambda l: spreadsheet.agreement_rows(l.store, day))
        acts = stores.rows(lambda l: spreadsheet.activity_rows(l.store), ("agreement",))
        term_columns = tuple(_owned(list(spreadsheet.AGREEMENT_COLUMNS), stores))
        activity_columns = tuple(_owned(list(spreadsheet.ACTIVITY_COLUMNS), stores))
        if name == "xlsx":
            data = spreadsheet.xlsx_bytes([("agreements", terms, term_columns),
                                           ("activities", acts, activity_columns)])
            what = t("{terms} and {activities}", terms=_SheetMsg.terms(agreements, len(terms)),
                     activities=_SheetMsg.activities(len(acts)))
        elif table == SheetTable.activities:
            data = spreadsheet.csv_bytes(acts, activity_columns, separator)
            what = _SheetMsg.activities(len(acts))
        else:
            data = spreadsheet.csv_bytes(terms, term_columns, separator)
            what = _SheetMsg.terms(agreements, len(terms))
    if _write_output(output, data):
        _say(_SheetMsg.exported(what, str(output)))
    stores.finish()


@command()
def calendar(
    output: OutputOpt = None,
    within: Annotated[Optional[str], typer.Option("--within", metavar="DURATION", help=t("Only events from the as-of date to this far ahead, e.g. 24m."))] = None,
    store: StoreOpt = None,
    as_of: AsOfOpt = None,
    lang: LangOpt = None,
) -> None:
    """Write the renewal calendar (RFC 5545, .ics) for Outlook, Google Calendar or Thunderbird.

    For each agreement with an end, all-day events on the day its notice window opens and on
    its end day, with alarms; a pending (unsigned) term's end is marked as pending. Each event
    keeps its UID, so importing the feed again updates it instead of adding a copy.

    Example: coopctl calendar -o renewals.ics --within 24m
    """
    from coopctl.interop import calendar as calendar_feed

    day = _today(as_of)
    window = _duration(within, "--within")
    loaded = _load(store)
    found = calendar_feed.events(loaded.store, day, window)
    data = calendar_feed.feed_bytes(loaded.store, found, day)
    if _write_output(output, data):
        _say(calendar_feed.Msg.wrote(len(found), len({e.agreement_id for e in found}), str(output)))


# ---------------------------------------------------------------- entry point


def main() -> None:
    """Run the CLI; map every failure to one line on stderr and an exit code."""
    debug = bool(os.environ.get("COOPCTL_DEBUG"))
    _sturdy_streams()
    try:
        if sys.argv[1:] == ["--version"]:  # answered before Typer builds anything
            sys.stdout.write(f"coopctl {__version__}\n")
            sys.exit(0)
        command = typer.main.get_command(_app_for(sys.argv[1:]))
        code = command.main(args=sys.argv[1:], prog_name="coopctl", standalone_mode=False)
        _finish(code if isinstance(code, int) else 0)
    except CoopError as e:
        if debug:
            raise
        _fail(str(e), e.exit_code)
    except typer.Abort:
        _fail(t("interrupted"), 130)
    except typer.TyperException as e:  # Click's usage errors, vendored by Typer
        if type(e).__name__ == "NoArgsIsHelpError":
            sys.stdout.write(e.format_message() + "\n")
            sys.exit(2)
        ctx = getattr(e, "ctx", None)
        hint = t(" (see '{command} --help')", command=ctx.command_path) if ctx is not None else ""
        _fail(e.format_message() + hint, getattr(e, "exit_code", 2))
    except KeyboardInterrupt:
        _fail(t("interrupted"), 130)
    except BrokenPipeError:
        _quiet_broken_pipe()
    except Exception as e:  # a bug: still one line, unless asked for the traceback
        if debug:
            raise
        _fail(t("internal error: {kind}: {error} (set COOPCTL_DEBUG=1 for details)", kind=type(e).__name__, error=e), 1)


def _finish(code: int) -> None:
    """Exit as soon as the output is out. Everything is written by now (store files and the cache
    are replaced whole, with their own fsync); tearing the interpreter down would free a large
    listing's records one by one (tens of milliseconds) for nothing."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _app_for(args: list[str]) -> typer.Typer:
    """The app as far as `args` needs it. Typer builds the options of every command it holds
    before running one (most of its start-up): so build only the command named, and for the
    top-level help, which shows only names and summaries, no options at all. Otherwise the whole app."""
    import copy

    if not args or args[0] in ("-h", "--help"):
        return _summaries_only(app)
    if args[0].startswith("-"):
        return app
    commands = [c for c in app.registered_commands
                if (c.name or typer.main.get_command_name(c.callback.__name__)) == args[0]]
    groups = [g for g in app.registered_groups if g.name == args[0]]
    if not commands and not groups:
        return app
    lean = copy.copy(app)
    lean.registered_commands, lean.registered_groups = commands, groups
    return lean


def _summaries_only(typer_app: typer.Typer) -> typer.Typer:
    """A copy whose commands have their names and docstrings but no parameters (for `--help`)."""
    import copy

    def summary(info):
        def stub() -> None:
            pass

        stub.__name__, stub.__doc__ = info.callback.__name__, info.callback.__doc__
        info = copy.copy(info)
        info.callback = stub
        return info

    lean = copy.copy(typer_app)
    lean.registered_commands = [summary(c) for c in typer_app.registered_commands]
    lean.registered_groups = []
    for group in typer_app.registered_groups:
        group = copy.copy(group)
        group.typer_instance = _summaries_only(group.typer_instance)
        lean.registered_groups.append(group)
    return lean


def _sturdy_streams() -> None:
    """Output never fails on the way out: a terminal or pipe in a non-UTF-8 encoding gets '?' for
    what it cannot show (a CJK name under LANG=en_US.ISO-8859-1), and a closed stdout or stderr
    (`coopctl renew --check >&-` from cron) is written to nowhere instead of crashing."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))
        elif name == "stdout" and (getattr(stream, "encoding", None) or "").lower().replace("-", "") != "utf8":
            try:
                stream.reconfigure(errors="replace")
            except (AttributeError, ValueError, OSError):
                pass


def _fail(message: str, code: int) -> None:
    from coopctl.views.render import clean, shorten

    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_broken_pipe()
    sys.stderr.write(_error_line(shorten(clean(message))))
    sys.exit(code)


def _quiet_broken_pipe() -> None:
    """`coopctl list | head -1`: stop quietly, as cat does."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
    sys.exit(1)

"""The commands that read: list, show, plan, report, check, activities, dormant, coverage, timeline.

Each parses its options, asks `app.queries` / `app.reports` (over one snapshot of
facts per store), and hands the rows to a view.
"""

import contextlib
from datetime import date
from typing import Annotated, Optional

import typer

from coopctl import i18n
from coopctl.cli.base import (
    Output,
    PictureFormat,
    QuietOpt,
    ReportFormat,
    StoreOpt,
    Stores,
    UsageError,
    a_filter_date,
    a_months,
    command,
    load,
    one_store,
    output_options,
    say,
    verdict_kept,
)
from coopctl.i18n import N_, t, tn

OutputOpt = Annotated[Optional[str], typer.Option("-o", "--output", metavar="FILE", help=t("Write to FILE ('-' or none: standard output)."))]
PublicOpt = Annotated[bool, typer.Option("--public", help=t("Only what a government publishes: no notes, contacts, internal steps, activities or document files."))]


@contextlib.contextmanager
def _to_file(output: Optional[str], what: str):
    """What the block prints, into the file `output` (written whole at the end, saying so); with no `output`
    (or '-'), to standard output as it comes."""
    if output in (None, "-"):
        yield
        return
    suffix = output.rsplit(".", 1)[-1].casefold() if "." in output else ""
    if suffix in ("html", "htm", "xlsx", "svg"):  # a text report in a file named for another format: surely not meant
        raise UsageError(t("-o {file}: the file's name says {kind}; give --format {kind} (or another name)",
                           file=output, kind="html" if suffix == "htm" else suffix))
    import io

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        yield
    _written(output, printed.getvalue(), what)


def _written(output: Optional[str], text: str, what: str) -> None:
    """A page or drawing to a file (saying so) or to standard output."""
    _written_bytes(output, text.encode("utf-8"), what)


def _written_bytes(output: Optional[str], data: bytes, what: str) -> None:
    from coopctl.cli.sheets import write_output

    if write_output(output, data):
        say(t("Wrote {what} to {where}", what=what, where=str(output)))


@command("list")
@output_options
def list_(
    sector: Annotated[Optional[str], typer.Option("--sector", metavar="TEXT", help=t("Only agreements covering this sector (English or Indonesian name)."))] = None,
    country: Annotated[Optional[str], typer.Option("--country", metavar="CC", help=t("Only partners in this country (an ISO code or a name in English or Indonesian)."))] = None,
    state: Annotated[Optional[str], typer.Option("--state", metavar="TEXT", help=t("Only agreements in this state: upcoming, proposed, intent, active, due, renewing, lapsed, terminated."))] = None,
    partner: Annotated[Optional[str], typer.Option("--partner", metavar="TEXT", help=t("Only this partner (id or name)."))] = None,
    category: Annotated[Optional[str], typer.Option("--category", metavar="TEXT", help=t("Only agreements of this legal category: KSDPL, KSDLL, KSDD, KSDPK or none."))] = None,
    type_: Annotated[Optional[str], typer.Option("--type", metavar="TEXT", help=t("Only agreements of this type (kb, pks, mou, ...; also PKS, NK or the Indonesian names)."))] = None,
    public: PublicOpt = False,
    *,
    out: Output,
) -> None:
    """One row per agreement: partner, type, sectors, current term, state, days left.

    Example: coopctl list --sector umkm --as-of 2023-08-22
    """
    from coopctl.app import queries
    from coopctl.core.records import STATES
    from coopctl.views import listing

    day = out.as_of
    stores = Stores(out.stores)
    if state is not None:  # a state may be named in the language of the output too (--state "jatuh tempo")
        state = next((s for s in STATES if state.casefold() in (s, i18n.state(s).casefold())), state)
    rows = stores.rows(lambda s: queries.list_rows(s, sector, country, state, partner, category, type_), day)
    if stores.many:
        rows.sort(key=lambda r: (r["partner"].casefold(), r["id"]))
    fields = listing.owned(listing.LIST_FIELDS, stores.many)
    if public:
        from coopctl.app.documents import PUBLIC_FIELDS, public_row

        rows = [public_row(r) for r in rows]
        fields = [f for f in fields if f in PUBLIC_FIELDS]
    listing.show_agreements(rows, out.format, listing.owned(listing.LIST_COLUMNS, stores.many), fields,
                            empty=t("no agreements match"))
    stores.finish()


@command()
@output_options
def show(
    record_id: Annotated[str, typer.Argument(metavar="ID", help=t("A partner or agreement id (or a partner's name)."))],
    *,
    out: Output,
) -> None:
    """One partner or agreement in full: terms, sectors, activities.

    Example: coopctl show western-australia-sister-state --as-of 2023-08-22
    """
    from coopctl.app import reports
    from coopctl.app.queries import Snapshot
    from coopctl.core.ids import require_record
    from coopctl.views import records

    loaded = load(out.stores)
    snapshot = Snapshot(loaded.store, out.as_of, vocabulary=loaded.vocabulary)
    partner, agreement = require_record(loaded.store, record_id)
    record = reports.describe_agreement(snapshot, agreement) if agreement is not None \
        else reports.describe_partner(snapshot, partner)
    records.show_record(record, out.format)


@command("plan")
@output_options
def plan_(
    agreement_id: Annotated[str, typer.Argument(metavar="ID", help=t("The agreement."))],
    *,
    out: Output,
) -> None:
    """The renewal plan for the current term's end: each step of the procedure with its due date,
    done (when, reference), due soon or overdue. Open-ended agreements: when their review is due.

    Example: coopctl plan western-australia-sister-state --as-of 2022-06-01
    """
    from coopctl.app import reports
    from coopctl.app.queries import Snapshot
    from coopctl.views import records

    loaded = load(out.stores)
    records.show_plan(reports.plan_report(Snapshot(loaded.store, out.as_of, vocabulary=loaded.vocabulary),
                                          agreement_id), out.format)


@command()
@output_options(formats=ReportFormat)
def report(
    sector: Annotated[Optional[str], typer.Option("--sector", metavar="TEXT", help=t("Report on one sector: its partners, agreements and activities."))] = None,
    country: Annotated[Optional[str], typer.Option("--country", metavar="CC", help=t("Only partners in this country (an ISO code or a name in English or Indonesian)."))] = None,
    public: PublicOpt = False,
    output: OutputOpt = None,
    period: Annotated[Optional[str], typer.Option("--period", metavar="PERIOD", help=t("The periodic report for a year (2025), a half (2025-S1), a quarter (2025-Q3) or a month (2025-05)."))] = None,
    start: Annotated[Optional[str], typer.Option("--from", metavar="DATE", help=t("The periodic report from this date (to --to, else the as-of date); also relative to the as-of date, e.g. -6m."))] = None,
    end: Annotated[Optional[str], typer.Option("--to", metavar="DATE", help=t("The periodic report's last day (with --from)."))] = None,
    *,
    out: Output,
) -> None:
    """Portfolio summary; with --sector, the partners, agreements and activities in one sector.

    --period (or --from and --to) gives the periodic report: the agreements in force during the period, those
    new, renewed, lapsed and terminated in it, its activities, the steps done and the evaluations due and done,
    by legal category (KSDPL, KSDLL, KSDD, KSDPK, none).

    --format html writes one self-contained page to print or to send (the numbers by legal category, what
    needs attention with its next steps, the timeline, the sector x partner matrix, every agreement, dormant
    agreements and the last year's activities); several --store options add a section by owner.

    \b
    Example: coopctl report --sector vocational --as-of 2023-08-22
    Example: coopctl report --format html -o laporan.html --as-of 2023-08-22
    Example: coopctl report --period 2023 --as-of 2024-01-15
    """
    from coopctl.app import documents, reports, rollup
    from coopctl.app.queries import urgency
    from coopctl.views import reports as views

    if period is not None or start is not None or end is not None:
        _periodic(out, period, start, end, sector, country, public, output)
        return
    if out.format in ("html", "xlsx") and sector:
        raise UsageError(t("--sector cannot be combined with --format html or xlsx"))
    if out.format == "xlsx" and output is None:
        raise UsageError(t("--format xlsx writes a file: name it with -o (laporan.xlsx)"))
    stores = Stores(out.stores)
    if out.format == "xlsx":
        from coopctl.interop.workbook import report_xlsx, workbook_part

        _written_bytes(output, report_xlsx(stores.parts(workbook_part, out.as_of)), t("the report"))
    elif out.format == "html":
        from coopctl.views import html

        parts = stores.parts(lambda s: documents.report_document(s, country, public), out.as_of)
        document = rollup.merge_documents(parts, urgency) if stores.many else parts[0].result
        _written(output, html.render_report(document), t("the report"))
    elif sector:
        if public:
            raise UsageError(t("--public applies to the portfolio report, not to --sector"))
        parts = stores.parts(lambda s: reports.sector_report(s, sector, country), out.as_of)
        with _to_file(output, t("the report")):
            views.show_sector_report(rollup.merge_sector_reports(parts), out.format)
    else:
        parts = stores.parts(lambda s: reports.portfolio_report(s, country), out.as_of)
        data = rollup.merge_portfolios(parts, urgency)
        with _to_file(output, t("the report")):
            views.show_portfolio(documents.public_portfolio(data) if public else data, out.format)
    stores.finish()


def _periodic(out: Output, period, start, end, sector, country, public: bool, output) -> None:
    """`report --period` / `--from --to`: the periodic report of one store."""
    from coopctl.app import periodic
    from coopctl.app.queries import Snapshot
    from coopctl.views.periodic import show_periodic

    if sector or country:
        raise UsageError(t("--sector and --country cannot be combined with the periodic report (--period, --from)"))
    if out.format == "xlsx" and output is None:
        raise UsageError(t("--format xlsx writes a file: name it with -o (laporan.xlsx)"))
    as_of = out.as_of
    asked = periodic.period(period, start, end, as_of)
    stores = Stores(out.stores)
    if stores.many:
        raise UsageError(t("the periodic report reads one store; name exactly one with --store"))
    loaded = stores.loaded[0]
    snapshot = Snapshot(loaded.store, periodic.reported_to(asked, as_of), vocabulary=loaded.vocabulary)
    data = periodic.periodic_report(snapshot, asked, public)
    if out.format == "html":
        from coopctl.views.periodic import periodic_html

        _written(output, periodic_html(data), t("the report"))
    elif out.format == "xlsx":
        from coopctl.interop.workbook import periodic_xlsx

        _written_bytes(output, periodic_xlsx(data), t("the report"))
    else:
        with _to_file(output, t("the report")):
            show_periodic(data, out.format)


@command()
def check(
    store: StoreOpt = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", metavar="DATE", help=t("Check what depends on the date (a PKS in force under a lapsed KB) at this date instead of today."))] = None,
    fix_orphans: Annotated[bool, typer.Option("--fix-orphans", help=t("Move stored documents that no record names to the trash."))] = False,
) -> None:
    """Validate the whole store; print every problem as file:line: message; exit 1 if any.

    Warnings (a PKS that outlives its Kesepakatan Bersama, a step record no procedure knows) are printed too,
    marked as such; warnings alone exit 0.

    Example: coopctl check --store ./jatim
    """
    from coopctl.cli.base import a_day
    from coopctl.storage.loader import load as load_store
    from coopctl.views.tables import print_lines

    day = a_day(as_of, "--as-of") or date.today()
    root = one_store(store)
    loaded = load_store(root)

    def place(p) -> str:
        return f"{root / p.file}:{p.line}:{p.column}" if p.column and p.line else \
            f"{root / p.file}:{p.line}" if p.line else f"{root / p.file}"

    if loaded.problems:
        print_lines(f"{place(p)}: {i18n.dates_in(p.message)}" for p in loaded.problems)
        say(tn("{n} problem in {root}", "{n} problems in {root}", len(loaded.problems), root=root))
        raise typer.Exit(1)
    from coopctl.cli.proof import prove_archive

    prove_archive(loaded, fix_orphans)
    warnings = loaded.warnings(day)
    print_lines(f"{place(p)}: {t('warning')}: {i18n.dates_in(p.message)}" for p in warnings)
    counts = t("{partners} partners, {agreements} agreements", partners=len(loaded.store.partners),
               agreements=len(loaded.store.agreements()))
    if warnings:
        say(tn("{root}: OK ({counts}), {n} warning", "{root}: OK ({counts}), {n} warnings", len(warnings), root=root,
               counts=counts))
    else:
        say(t("{root}: OK ({counts})", root=root, counts=counts))


@command()
@output_options
def activities(
    agreement: Annotated[Optional[str], typer.Option("--agreement", metavar="ID", help=t("Only this agreement."))] = None,
    partner: Annotated[Optional[str], typer.Option("--partner", metavar="TEXT", help=t("Only this partner (id or name)."))] = None,
    sector: Annotated[Optional[str], typer.Option("--sector", metavar="TEXT", help=t("Only this sector."))] = None,
    since: Annotated[Optional[str], typer.Option("--since", metavar="DATE", help=t("From this date on."))] = None,
    until: Annotated[Optional[str], typer.Option("--until", metavar="DATE", help=t("Up to this date."))] = None,
    *,
    out: Output,
) -> None:
    """List activities, newest first (with --as-of, those done by that date).

    Example: coopctl activities --partner tianjin --since 2017
    """
    from coopctl.app import queries
    from coopctl.views import listing

    since_value, until_value = a_filter_date(since, "--since"), a_filter_date(until, "--until")
    if since_value and until_value and until_value.last < since_value.first:  # swapped: refused, as report does
        raise UsageError(t("the period ends ({last}) before it starts ({first})", first=since_value, last=until_value),
                         field="until")
    last = until_value.last if until_value else None
    if out.as_of_text is not None:  # the past stays true: what was done after the as-of date did not exist yet
        last = min(last, out.as_of) if last else out.as_of
    loaded = load(out.stores)
    rows = queries.activity_rows(loaded.store, loaded.vocabulary, agreement, partner, sector,
                                 since_value.first if since_value else None, last)
    listing.show_rows(rows, out.format,
                      [("date", t("Date")), ("agreement", t("Agreement")), ("sector", t("Sector")), ("type", t("Type")),
                       ("summary", t("Summary"))],
                      ["date", "agreement", "partner", "partner_id", "sector", "type", "summary", "participants",
                       "value", "currency", "source"],
                      keep=("date", "agreement"), wrap=("summary",), empty=t("no activities match"),
                      drop=("type", "sector"))


@command()
@output_options
def dormant(
    months_text: Annotated[Optional[str], typer.Option("--months", metavar="DURATION", help=t("Silent for this long: months (24), or a duration in months or years (18m, 2y) (default: the store's, else 12 months)."))] = None,
    check: Annotated[bool, typer.Option("--check", help=t("Exit 1 when any agreement is dormant (0 when none, 2 on an error)."))] = False,
    quiet: QuietOpt = False,
    *,
    out: Output,
) -> None:
    """Agreements in force with no activity in the last N months, longest silent first.

    Example: coopctl dormant --months 2y --as-of 2023-08-22
    """
    from coopctl.app import queries
    from coopctl.views import listing

    months = a_months(months_text, "--months")
    stores = Stores(out.stores)
    rows = stores.rows(lambda s: queries.dormant_rows(s, months), out.as_of)
    if stores.many:
        rows.sort(key=queries.silence)

    def shown(row: dict) -> dict:
        silent = t("{n} months", n=row["months_silent"]) if row["months_silent"] is not None else t("no activity yet")
        return row | {"last": i18n.shown_date(row["last_activity"]) or t("never"), "silent": silent}

    if quiet and not rows:  # nothing to say: nothing at all (cron mails any output)
        stores.finish()
        return
    with verdict_kept(check):
        listing.show_rows(rows, out.format,
                          [("id", t("Agreement")), ("partner", t("Partner")), ("state", t("State")),
                           ("last", t("Last activity")), ("silent", t("Silent"))],
                          ["id", "partner", "partner_id", "country", "state", "last_activity", "months_silent"],
                          keep=("id", "state", "last", "silent"), empty=t("no dormant agreement"), display=shown)
    if check and rows:
        say(tn("{n} dormant agreement", "{n} dormant agreements", len(rows)))
        raise typer.Exit(1)
    stores.finish()


@command()
@output_options
def coverage(*, out: Output) -> None:
    """Which partner covers which sector, the sectors nobody covers, stalled LoIs and prospects (expansion).

    Example: coopctl coverage --as-of 2025-01-01
    """
    from coopctl.app import reports, rollup
    from coopctl.views import reports as views

    stores = Stores(out.stores)
    views.show_coverage(rollup.merge_coverage(stores.parts(reports.coverage_report, out.as_of)), out.format)
    stores.finish()


@command()
@output_options(formats=PictureFormat)
def timeline(
    from_year: Annotated[Optional[int], typer.Option("--from", metavar="YEAR", help=t("First year shown."))] = None,
    to_year: Annotated[Optional[int], typer.Option("--to", metavar="YEAR", help=t("Last year shown."))] = None,
    partner: Annotated[Optional[str], typer.Option("--partner", metavar="TEXT", help=t("Only this partner."))] = None,
    output: OutputOpt = None,
    *,
    out: Output,
) -> None:
    """Each agreement's terms as bars across the years, with lapses and pending terms marked.

    --format svg draws them as a picture (for a slide or a printed page), with unknown stretches, letters of
    intent and the as-of date marked.

    \b
    Example: coopctl timeline --from 2005 --to 2030 --as-of 2023-08-22
    Example: coopctl timeline --format svg -o timeline.svg --as-of 2023-08-22
    """
    from coopctl.app import queries
    from coopctl.views import reports as views

    from coopctl.core.dates import MAX_YEAR, MIN_YEAR

    for option, year in (("--from", from_year), ("--to", to_year)):
        if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
            raise UsageError(t("{option} must be a year from {first} to {last}", option=option, first=MIN_YEAR,
                               last=MAX_YEAR))
    if from_year and to_year and to_year < from_year:
        raise UsageError(t("--to is before --from"))
    day = out.as_of
    stores = Stores(out.stores)
    rows = stores.rows(lambda s: queries.timeline_rows(s, partner), day)
    if out.format == "svg":
        from coopctl.views import html

        _written(output, html.timeline_svg(rows, day, from_year, to_year), t("the timeline"))
    else:
        with _to_file(output, t("the timeline")):
            views.show_timeline(rows, out.format, day, from_year, to_year)
    stores.finish()


# ---------------------------------------------------------------- the vocabularies


def _vocabulary_rows(choices) -> list[dict]:
    """A closed list (`core.lexicon`) as rows: id, the label in the reader's language, both labels, aliases."""
    indonesian = i18n.language() == "id"
    return [{"id": c.id, "label": c.label_id if indonesian else c.label, "label_en": c.label, "label_id": c.label_id,
             "aliases": list(c.aliases)} for c in choices]


VOCABULARY_COLUMNS = [("id", N_("ID")), ("label", N_("Label")), ("aliases", N_("Aliases"))]
VOCABULARY_FIELDS = ["id", "label", "label_en", "label_id", "aliases"]


def _show_vocabulary(rows: list[dict], out: Output, fields: list[str], columns: list | None = None) -> None:
    from coopctl.views import listing

    listing.show_rows(rows, out.format, [(k, t(h)) for k, h in (columns or VOCABULARY_COLUMNS)], fields,
                      keep=("id",), wrap=("label", "aliases"), drop=("aliases",))


@command()
@output_options
def sectors(*, out: Output) -> None:
    """The sectors an agreement or activity can name: ids, labels in the reader's language (--lang id), aliases;
    with the store's own sectors. Any label or alias is accepted wherever a sector is asked for.

    Example: coopctl sectors --lang id
    """
    from coopctl.core.errors import CoopError
    from coopctl.core.sectors import Vocabulary

    try:
        vocabulary = load(out.stores).vocabulary
    except CoopError:
        if out.stores:  # a store named and not readable: say so; no store at all: the built-in sectors
            raise
        vocabulary = Vocabulary()
    indonesian = i18n.language() == "id"
    rows = [{"id": s.id, "label": s.label_id if indonesian else s.label, "label_en": s.label, "label_id": s.label_id,
             "aliases": list(s.aliases), "parent": s.parent, "custom": s.custom} for s in vocabulary.sectors.values()]
    _show_vocabulary(rows, out, VOCABULARY_FIELDS + ["parent", "custom"])


@command()
@output_options
def types(*, out: Output) -> None:
    """The types of agreement: ids, labels in the reader's language (--lang id), aliases (KB, PKS, NK, ...).

    Example: coopctl types --lang id
    """
    from coopctl.core.lexicon import TYPES

    _show_vocabulary(_vocabulary_rows(TYPES), out, VOCABULARY_FIELDS)


@command()
@output_options
def kinds(*, out: Output) -> None:
    """The kinds of partner: ids, labels in the reader's language (--lang id), aliases, and the legal category
    each gives its agreements (KSDPL, KSDLL, KSDD, KSDPK).

    Example: coopctl kinds
    """
    from coopctl.core.lexicon import KINDS
    from coopctl.core.records import category_of

    rows = [r | {"category": category_of(r["id"])} for r in _vocabulary_rows(KINDS)]
    _show_vocabulary(rows, out, VOCABULARY_FIELDS + ["category"],
                     [("id", N_("ID")), ("label", N_("Label")), ("category", N_("Category")), ("aliases", N_("Aliases"))])

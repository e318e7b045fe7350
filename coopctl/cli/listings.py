"""The commands that read: list, show, plan, report, check, activities, dormant, coverage, timeline.

Each parses its options, asks `app.queries` / `app.reports` (over one snapshot of
facts per store), and hands the rows to a view.
"""

from typing import Annotated, Optional

import typer

from coopctl import i18n
from coopctl.cli.base import (
    Output,
    StoreOpt,
    Stores,
    UsageError,
    a_date,
    command,
    load,
    one_store,
    output_options,
    say,
)
from coopctl.i18n import t, tn


@command("list")
@output_options
def list_(
    sector: Annotated[Optional[str], typer.Option("--sector", metavar="TEXT", help=t("Only agreements covering this sector (English or Indonesian name)."))] = None,
    country: Annotated[Optional[str], typer.Option("--country", metavar="CC", help=t("Only partners in this country (an ISO code or a name in English or Indonesian)."))] = None,
    state: Annotated[Optional[str], typer.Option("--state", metavar="TEXT", help=t("Only agreements in this state: upcoming, active, due, renewing, lapsed, terminated."))] = None,
    partner: Annotated[Optional[str], typer.Option("--partner", metavar="TEXT", help=t("Only this partner (id or name)."))] = None,
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
    rows = stores.rows(lambda s: queries.list_rows(s, sector, country, state, partner), day)
    if stores.many:
        rows.sort(key=lambda r: (r["partner"].casefold(), r["id"]))
    listing.show_agreements(rows, out.format, listing.owned(listing.LIST_COLUMNS, stores.many),
                            listing.owned(listing.LIST_FIELDS, stores.many), empty=t("no agreements match"))
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
@output_options
def report(
    sector: Annotated[Optional[str], typer.Option("--sector", metavar="TEXT", help=t("Report on one sector: its partners, agreements and activities."))] = None,
    country: Annotated[Optional[str], typer.Option("--country", metavar="CC", help=t("Only partners in this country (an ISO code or a name in English or Indonesian)."))] = None,
    *,
    out: Output,
) -> None:
    """Portfolio summary; with --sector, the partners, agreements and activities in one sector.

    Example: coopctl report --sector vocational --as-of 2023-08-22
    """
    from coopctl.app import reports, rollup
    from coopctl.app.queries import urgency
    from coopctl.views import reports as views

    stores = Stores(out.stores)
    if sector:
        parts = stores.parts(lambda s: reports.sector_report(s, sector, country), out.as_of)
        views.show_sector_report(rollup.merge_sector_reports(parts), out.format)
    else:
        parts = stores.parts(lambda s: reports.portfolio_report(s, country), out.as_of)
        views.show_portfolio(rollup.merge_portfolios(parts, urgency), out.format)
    stores.finish()


@command()
def check(store: StoreOpt = None) -> None:
    """Validate the whole store; print every problem as file:line: message; exit 1 if any.

    Example: coopctl check --store ./jatim
    """
    from coopctl.storage.loader import load as load_store
    from coopctl.views.tables import print_lines

    root = one_store(store)
    loaded = load_store(root)
    if loaded.problems:
        print_lines(f"{root / p.file}:{p.line}:{p.column}: {p.message}" if p.column and p.line
                    else f"{root / p.file}:{p.line}: {p.message}" if p.line
                    else f"{root / p.file}: {p.message}" for p in loaded.problems)
        say(tn("{n} problem in {root}", "{n} problems in {root}", len(loaded.problems), root=root))
        raise typer.Exit(1)
    say(t("{root}: OK ({partners} partners, {agreements} agreements)", root=root,
          partners=len(loaded.store.partners), agreements=len(loaded.store.agreements())))


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
    """List activities, newest first.

    Example: coopctl activities --partner tianjin --since 2017
    """
    from coopctl.app import queries
    from coopctl.views import listing

    since_value, until_value = a_date(since, "--since"), a_date(until, "--until")
    loaded = load(out.stores)
    rows = queries.activity_rows(loaded.store, loaded.vocabulary, agreement, partner, sector,
                                 since_value.first if since_value else None,
                                 until_value.last if until_value else None)
    listing.show_rows(rows, out.format,
                      [("date", t("Date")), ("agreement", t("Agreement")), ("sector", t("Sector")), ("type", t("Type")),
                       ("summary", t("Summary"))],
                      ["date", "agreement", "partner", "partner_id", "sector", "type", "summary", "participants",
                       "value", "currency", "source"],
                      keep=("date", "agreement"), wrap=("summary",), empty=t("no activities match"))


@command()
@output_options
def dormant(
    months: Annotated[Optional[int], typer.Option("--months", metavar="N", help=t("Silent for this many months (default: the store's, else 12)."))] = None,
    check: Annotated[bool, typer.Option("--check", help=t("Exit 1 when any agreement is dormant."))] = False,
    *,
    out: Output,
) -> None:
    """Agreements in force with no activity in the last N months, longest silent first.

    Example: coopctl dormant --months 24 --as-of 2023-08-22
    """
    from coopctl.app import queries
    from coopctl.views import listing

    if months is not None and months < 1:
        raise UsageError(t("--months must be at least 1"))
    stores = Stores(out.stores)
    rows = stores.rows(lambda s: queries.dormant_rows(s, months), out.as_of)
    if stores.many:
        rows.sort(key=queries.silence)

    def shown(row: dict) -> dict:
        silent = t("{n} months", n=row["months_silent"]) if row["months_silent"] is not None else t("no activity yet")
        return row | {"last": i18n.shown_date(row["last_activity"]) or t("never"), "silent": silent}

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
@output_options
def timeline(
    from_year: Annotated[Optional[int], typer.Option("--from", metavar="YEAR", help=t("First year shown."))] = None,
    to_year: Annotated[Optional[int], typer.Option("--to", metavar="YEAR", help=t("Last year shown."))] = None,
    partner: Annotated[Optional[str], typer.Option("--partner", metavar="TEXT", help=t("Only this partner."))] = None,
    *,
    out: Output,
) -> None:
    """Each agreement's terms as bars across the years, with lapses and pending terms marked.

    Example: coopctl timeline --from 2005 --to 2030 --as-of 2023-08-22
    """
    from coopctl.app import queries
    from coopctl.views import reports as views

    for option, year in (("--from", from_year), ("--to", to_year)):
        if year is not None and not 1000 <= year <= 9999:
            raise UsageError(t("{option} must be a four-digit year", option=option))
    if from_year and to_year and to_year < from_year:
        raise UsageError(t("--to is before --from"))
    day = out.as_of
    stores = Stores(out.stores)
    rows = stores.rows(lambda s: queries.timeline_rows(s, partner), day)
    views.show_timeline(rows, out.format, day, from_year, to_year)
    stores.finish()

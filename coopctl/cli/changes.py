"""The commands that change the store: init, add, renew (which also lists what needs attention),
terminate, milestone, log, and sector add/remove.

Each parses its options, calls one operation of `app.operations` inside a
transaction (`base.write`), and says in one line what it changed.
"""

from datetime import date
from pathlib import Path
from typing import Annotated, Callable, Optional

import typer

from coopctl.cli import base
from coopctl.cli.base import (
    AsOfOpt,
    Change,
    CoopError,
    DateError,
    NoInputOpt,
    QuietOpt,
    Output,
    PartialDate,
    StoreOpt,
    Stores,
    UsageError,
    a_date,
    a_day,
    a_duration,
    app,
    ask,
    change_options,
    command,
    interactive,
    load,
    one_store,
    output_options,
    parse_input,
    say,
    verdict_kept,
    warn,
    write,
)
from coopctl.i18n import t, tn


@command()
def init(
    sample: Annotated[bool, typer.Option("--sample", help=t("Start from the bundled East Java example."))] = False,
    owner: Annotated[Optional[str], typer.Option("--owner", metavar="NAME", help=t("Whose agreements these are (default: the directory's name)."))] = None,
    use_git: Annotated[bool, typer.Option("--git", help=t("Make the store a git repository: every change becomes a commit."))] = False,
    store: StoreOpt = None,
) -> None:
    """Create a store: empty, or holding the East Java example.

    With --git on a store that exists, make it git-backed: its files as they are become the first commit.

    Example: coopctl init --sample --git --store ./jatim
    """
    from coopctl.storage.transaction import init_store

    root = one_store(store)
    if use_git:
        import shutil

        from coopctl.storage import git
        from coopctl.storage.location import is_store

        if shutil.which("git") is None:
            raise CoopError(t("git is not installed; install it, or leave out --git"))
        if is_store(root) and not sample and owner is None:
            return _git_for_existing(root)
        git.check_identity(root)  # before anything is made: a store and a .git left behind would be in the way
    existed = root.exists()
    made = init_store(root, owner, sample)
    files = tn("{n} partner file", "{n} partner files", len(made) - 1)
    if use_git:
        what = t("the East Java example") if sample else t("an empty store")
        try:
            git.init_repo(root, t("init: {what} ({files})", what=what, files=files))
        except BaseException:
            _unmake(root, existed)
            raise
        say(t("Created a git-backed store at {root} ({files}), first commit made", root=root, files=files))
        return
    say(t("Created a store at {root} ({files})", root=root, files=files))


NumberOpt = Annotated[Optional[str], typer.Option("--number", metavar="NO", help=t("The signed text's number (the region's), e.g. 120/4567/013.2/2023."))]
PlaceOpt = Annotated[Optional[str], typer.Option("--place", metavar="TEXT", help=t("Where it was signed."))]
SignatoryOpt = Annotated[Optional[list[str]], typer.Option("--signatory", metavar="TEXT", help=t("Who signed it, e.g. \"Gubernur Jawa Timur\" (repeat for each)."))]
PartnerNumberOpt = Annotated[Optional[str], typer.Option("--partner-number", metavar="NO", help=t("The partner's own number for the same text."))]
def _git_for_existing(root: Path) -> None:
    """`init --git` on a store kept until now without git: its files as they are become the first commit."""
    from coopctl.storage import git
    from coopctl.storage.location import PARTNERS_DIR

    if git.is_git_store(root):
        raise CoopError(t("{root} is a git-backed store already; nothing was changed", root=root))
    git.check_identity(root)
    had_git = (root / ".git").exists()
    count = len(list((root / PARTNERS_DIR).glob("*.toml")))
    files = tn("{n} partner file", "{n} partner files", count)
    try:
        git.init_repo(root, t("init --git: the store as it was ({files})", files=files))
    except BaseException:
        if not had_git:
            import shutil

            shutil.rmtree(root / ".git", ignore_errors=True)
        raise
    say(t("Made the store at {root} git-backed ({files}), first commit made", root=root, files=files))


def _unmake(root: Path, existed: bool) -> None:
    """Take away a store `init` has just made (it was a new or empty directory), after a later step failed."""
    import shutil

    if not existed:
        shutil.rmtree(root, ignore_errors=True)
        return
    for child in root.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


@command()
@change_options
def add(
    partner: Annotated[str, typer.Argument(metavar="PARTNER", help=t("An existing partner's id or name, or the name of a new partner."))],
    title: Annotated[Optional[str], typer.Option("--title", metavar="TEXT", help=t("The agreement's title."))] = None,
    type_: Annotated[Optional[str], typer.Option("--type", metavar="TEXT", help=t("kb, pks, mou, loi, sister-province, sister-city, agreement, action-plan, programme or other; also KB, PKS, NK, MoU, LoI, SPK or the Indonesian names."))] = None,
    sector: Annotated[Optional[list[str]], typer.Option("--sector", metavar="TEXT", help=t("A sector it covers (repeat for more; English or Indonesian)."))] = None,
    start: Annotated[Optional[str], typer.Option("--start", metavar="DATE", help=t("First day of the first term (YYYY, YYYY-MM, YYYY-MM-DD or DD/MM/YYYY)."))] = None,
    end: Annotated[Optional[str], typer.Option("--end", metavar="DATE", help=t("Last day of the first term; omit for open-ended."))] = None,
    signed: Annotated[Optional[str], typer.Option("--signed", metavar="DATE", help=t("When it was signed."))] = None,
    pending: Annotated[bool, typer.Option("--pending", help=t("Recorded but not yet signed (a proposal: its plan starts the day it is recorded)."))] = False,
    recorded: Annotated[Optional[str], typer.Option("--recorded", metavar="DATE", help=t("With --pending: when it was known to be under way (default: today)."))] = None,
    under: Annotated[Optional[str], typer.Option("--under", metavar="ID", help=t("The agreement it implements, e.g. the KB a PKS is under."))] = None,
    category: Annotated[Optional[str], typer.Option("--category", metavar="TEXT", help=t("Its legal category when not the partner kind's: KSDPL, KSDLL, KSDD, KSDPK or none."))] = None,
    notice: Annotated[Optional[str], typer.Option("--notice", metavar="DURATION", help=t("How early renewal must start, e.g. 18m or 180d (default: the store's, by partner kind)."))] = None,
    unit: Annotated[Optional[str], typer.Option("--unit", metavar="TEXT", help=t("Responsible unit (OPD)."))] = None,
    agreement_id: Annotated[Optional[str], typer.Option("--id", metavar="TEXT", help=t("Agreement id (default: the partner's id, the type and the year, e.g. osaka-mou-2024)."))] = None,
    country: Annotated[Optional[str], typer.Option("--country", metavar="CC", help=t("For a new partner: its country, an ISO code (JP) or a name in English or Indonesian (Japan, Jepang)."))] = None,
    kind: Annotated[Optional[str], typer.Option("--kind", metavar="TEXT", help=t("For a new partner: foreign-local-gov, foreign-institution, international-org, domestic-region, third-party or central-gov."))] = None,
    partner_id: Annotated[Optional[str], typer.Option("--partner-id", metavar="TEXT", help=t("For a new partner: its id, where the one made from its name does not suit (default: from the name, read in Latin letters)."))] = None,
    number: NumberOpt = None,
    place: PlaceOpt = None,
    signatory: SignatoryOpt = None,
    partner_number: PartnerNumberOpt = None,
    no_input: NoInputOpt = False,
    *,
    change: Change,
) -> None:
    """Add an agreement with its first term (and its partner, if new).

    Example: coopctl add osaka --title "MoU on MSME development" --type mou --sector umkm --start 22/8/2023 --end 2028-08-21

    A PKS under a Kesepakatan Bersama: coopctl add dki-jakarta --type PKS --under dki-jakarta-kb-2021 ...
    """
    from coopctl.app.operations import NewAgreement, Signing, add_agreement

    asking = interactive(no_input)
    if asking and _prompts_needed(change, partner, title, type_, start, country, kind):
        title, type_, start_value, end_value, sector, country, kind = _ask_for_agreement(
            change, partner, title, type_, start, end, sector, country, kind)
    else:
        title = title or ask(asking, "--title", t("Title"))
        type_ = type_ or ask(asking, "--type", t("Type (kb, pks, mou, loi, sister-province, sister-city, agreement, action-plan, programme, other)"))
        start_value = a_date(start or ask(asking, "--start", t("Start date")), "--start")
        end_value = a_date(end, "--end")
    signed_value = a_date(signed, "--signed")
    if recorded and not pending:
        raise UsageError(t("--recorded is for a pending term; add --pending"))
    recorded_value = (a_date(recorded, "--recorded") or PartialDate.from_date(date.today())) if pending else None
    notice_value = a_duration(notice, "--notice")

    def make(tx):
        _warn_long_term(tx.store.settings, start_value, end_value)
        return add_agreement(tx, NewAgreement(
            partner=partner, title=title, type=type_, start=start_value, sectors=sector or [],
            end=end_value, signed=signed_value, pending=pending, notice=notice_value,
            unit=unit, id=agreement_id, country=country, kind=kind, under=under, category=category,
            recorded=recorded_value, partner_id=partner_id,
            signing=Signing(number, place, tuple(signatory or ()), partner_number),
        ))

    write(change, make)


def _prompts_needed(change: Change, partner: str, title, type_, start, country, kind) -> bool:
    """Whether `add` has a question to ask: a required value is missing (a new partner's country or kind too)."""
    from coopctl.cli.base import load
    from coopctl.core.ids import find_partner

    if not (title and type_ and start):
        return True
    return not (country and kind) and find_partner(load(change.store).store, partner) is None


def _checked(prompt: str, read: Callable, empty: bool = False):
    """Ask until the answer reads (`read(answer)`); a bad answer is said in one line and asked again. With
    `empty`, an empty answer is None (open-ended, none)."""
    while True:
        answer = typer.prompt(prompt, default="", show_default=False).strip()
        if not answer:
            if empty:
                return None
            say(t("an answer is needed here"))
            continue
        try:
            return read(answer)
        except (CoopError, DateError) as e:
            say(str(e))


def _ask_for_agreement(change: Change, partner: str, title, type_, start, end, sector, country, kind):
    """`add` at a terminal: ask for each missing value, the end and the sectors too, checking each answer as it
    comes (against the store's own vocabulary)."""
    from coopctl.cli.base import load
    from coopctl.core import lexicon
    from coopctl.core.countries import resolve_country
    from coopctl.core.ids import find_partner
    from coopctl.core.sectors import split_sectors

    loaded = load(change.store)
    title = title or _checked(t("Title"), str)
    type_ = type_ or _checked(t("Type (kb, pks, mou, loi, sister-province, sister-city, agreement, action-plan, programme, other)"),
                              lambda text: lexicon.resolve(lexicon.TYPES, text, t("document type")))
    start_value = a_date(start, "--start") if start else _checked(t("Start date"), parse_input)

    def an_end(text: str) -> PartialDate:
        value = parse_input(text)
        if value.last < start_value.first:
            raise CoopError(t("the end ({end}) is before the start ({start})", end=value, start=start_value))
        return value

    end_value = a_date(end, "--end") if end else _checked(t("End date (empty: open-ended)"), an_end, empty=True)

    def sectors(text: str) -> list[str]:
        parts = split_sectors(text)
        for part in parts:
            loaded.vocabulary.expand(part)  # an unknown sector names the nearest
        return parts

    if not sector:
        sector = _checked(t("Sectors, separated by commas (empty: none)"), sectors, empty=True) or []
    if find_partner(loaded.store, partner) is None:
        country = country or _checked(t("'{partner}' is a new partner. Country (ISO code or name)", partner=partner),
                                      resolve_country)
        kind = kind or _checked(t("Kind (foreign-local-gov, foreign-institution, international-org, domestic-region, third-party, central-gov)"),
                                lambda text: lexicon.resolve(lexicon.KINDS, text, t("partner kind")))
    return title, type_, start_value, end_value, sector, country, kind


@command()
@output_options
def renew(
    agreement_id: Annotated[Optional[str], typer.Argument(metavar="[ID]", help=t("Record a renewal of this agreement; without it, list what needs attention."))] = None,
    until: Annotated[Optional[str], typer.Option("--until", metavar="DATE", help=t("Last day of the new term; with --signed DATE, or --pending while it is not signed yet."))] = None,
    from_: Annotated[Optional[str], typer.Option("--from", metavar="DATE", help=t("First day of the new term (default: the day after the last term ends)."))] = None,
    signed: Annotated[Optional[str], typer.Option("--signed", metavar="DATE", help=t("When the new term was signed; without --until, signs the pending term."))] = None,
    pending: Annotated[bool, typer.Option("--pending", help=t("The new term is not signed yet (renewal in process)."))] = False,
    recorded: Annotated[Optional[str], typer.Option("--recorded", metavar="DATE", help=t("With --pending: when the renewal was known to be under way (default: today)."))] = None,
    number: NumberOpt = None,
    place: PlaceOpt = None,
    signatory: SignatoryOpt = None,
    partner_number: PartnerNumberOpt = None,
    within: Annotated[Optional[str], typer.Option("--within", metavar="DURATION", help=t("List: use this window (e.g. 90d) instead of each agreement's notice."))] = None,
    check: Annotated[bool, typer.Option("--check", help=t("List: exit 1 when anything is due or lapsed, or a milestone is overdue (for cron); 0 when nothing is, 2 on an error."))] = False,
    quiet: QuietOpt = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", "-n", help=t("Show the change; write nothing."))] = False,
    no_input: NoInputOpt = False,
    force: Annotated[bool, typer.Option("--force", help=t("Rewrite a partner file even though its comments will be lost."))] = False,
    *,
    out: Output,
) -> None:
    """List what needs attention (due, renewing, lapsed), or record a renewal.

    Examples: coopctl renew --as-of 2023-08-22;
    coopctl renew western-australia-sister-state --signed 6/9/2023
    """
    if agreement_id is None:
        if until or from_ or signed or pending or recorded:
            raise UsageError(t("--until, --from, --signed, --pending and --recorded need an agreement ID"))
        if number or place or signatory or partner_number:
            raise UsageError(t("--number, --place, --signatory and --partner-number need an agreement ID"))
        _attention(out, a_duration(within, "--within"), check, quiet)
        return
    if check or within or quiet:
        raise UsageError(t("--check, --quiet and --within apply to the list; leave out the ID"))
    from coopctl.app.operations import Signing, record_renewal, sign_pending

    signing = Signing(number, place, tuple(signatory or ()), partner_number)

    change = Change(out.stores, dry_run, force)
    until_value, from_value, signed_value = a_date(until, "--until"), a_date(from_, "--from"), a_date(signed, "--signed")
    if until_value is None:
        if signed_value is None:
            raise UsageError(t("give --until DATE for a new term, or --signed DATE to sign the pending term"))
        if pending or from_value:
            raise UsageError(t("--from and --pending need --until"))
        write(change, lambda tx: sign_pending(tx, agreement_id, signed_value, signing))
        return
    if pending and signed_value:
        raise UsageError(t("a term cannot be both --pending and --signed"))
    if not pending and signed_value is None:
        signed_value, pending = _signed_or_pending(interactive(no_input))
    if recorded and not pending:
        raise UsageError(t("--recorded is for a pending term; add --pending"))
    recorded_value = (a_date(recorded, "--recorded") or PartialDate.from_date(date.today())) if pending else None
    def make(tx):
        message = record_renewal(tx, agreement_id, until_value, from_value, signed_value, pending, recorded_value,
                                 signing)
        added = tx.store.find_agreement(agreement_id)
        if added is not None and added.terms:
            _warn_long_term(tx.store.settings, added.terms[-1].start, added.terms[-1].end)
        return message

    write(change, make)


def _signed_or_pending(asking: bool) -> tuple[Optional[PartialDate], bool]:
    """A new term is signed on a date or pending: never signed by default. At a terminal, ask (an empty
    answer: pending); otherwise a usage error naming both options."""
    if not asking:
        raise UsageError(t("say whether the new term is signed: give --signed DATE, or --pending while the "
                           "renewal is in process"))
    while True:
        answer = typer.prompt(t("Signed on (date; empty if not signed yet)"), default="", show_default=False).strip()
        if not answer:
            return None, True
        try:
            return parse_input(answer), False
        except DateError as e:
            say(str(e))


def _attention(out: Output, within, check: bool, quiet: bool = False) -> None:
    """`renew` without an ID: what needs attention, most urgent first; with `check`, exit 1 when anything is
    due or lapsed, or a milestone is overdue; with `quiet`, nothing printed when nothing needs attention
    (with `check`: when nothing is found)."""
    from coopctl.app import queries
    from coopctl.views import listing

    stores = Stores(out.stores)
    rows = stores.rows(queries.renewal_rows, out.as_of, within)
    if stores.many:
        rows.sort(key=queries.urgency)
    flagged = [queries.alarms(r) for r in rows]
    if quiet and not (any(u or o for u, o in flagged) if check else rows):
        stores.finish()
        return
    with verdict_kept(check):
        listing.show_agreements(rows, out.format, listing.owned(listing.RENEW_COLUMNS, stores.many),
                                listing.owned(listing.RENEW_FIELDS, stores.many), empty=t("nothing needs attention"))
    if check:
        urgent, late = sum(u for u, _ in flagged), sum(o for _, o in flagged)
        found = [tn("{n} agreement due or lapsed", "{n} agreements due or lapsed", urgent)] if urgent else []
        if late:
            found.append(t("{n} with an overdue milestone", n=late) if urgent else
                         tn("{n} agreement with an overdue milestone", "{n} agreements with an overdue milestone", late))
        if found:
            say("; ".join(found))
            raise typer.Exit(1)
    stores.finish()


@command()
@change_options
def terminate(
    agreement_id: Annotated[str, typer.Argument(metavar="ID", help=t("The agreement that was ended on purpose."))],
    when: Annotated[Optional[str], typer.Option("--date", metavar="DATE", help=t("When it ended (default: today)."))] = None,
    reason: Annotated[Optional[str], typer.Option("--reason", metavar="TEXT", help=t("Why it ended."))] = None,
    *,
    change: Change,
) -> None:
    """Record that an agreement was ended on purpose; its history stays.

    Example: coopctl terminate alexandria-loi --date 2025-01-31 --reason "replaced by an MoU"
    """
    from coopctl.app.operations import terminate as do_terminate

    day = a_date(when, "--date") or PartialDate.from_date(date.today())
    write(change, lambda tx: do_terminate(tx, agreement_id, day, reason))


@command()
@change_options
def milestone(
    agreement_id: Annotated[str, typer.Argument(metavar="ID", help=t("The agreement being renewed (or proposed)."))],
    step: Annotated[str, typer.Argument(metavar="MILESTONE", help=t("A step of its procedure by id or name, e.g. rks, dprd-letter, dprd-approval, verification, signing (see coopctl plan ID)."))],
    when: Annotated[Optional[str], typer.Option("--date", metavar="DATE", help=t("When it was done (default: today)."))] = None,
    ref: Annotated[Optional[str], typer.Option("--ref", metavar="TEXT", help=t("The document, e.g. the letter's number."))] = None,
    note: Annotated[Optional[str], typer.Option("--note", metavar="TEXT", help=t("Anything worth keeping."))] = None,
    undo: Annotated[bool, typer.Option("--undo", help=t("Record that it was not done after all (the earlier record stays)."))] = False,
    not_needed: Annotated[bool, typer.Option("--not-needed", help=t("Record that a conditional step does not apply (a domestic DPRD approval when the cooperation neither burdens the public nor falls outside the APBD)."))] = False,
    reason: Annotated[Optional[str], typer.Option("--reason", metavar="TEXT", help=t("With --not-needed: why it does not apply."))] = None,
    again: Annotated[bool, typer.Option("--again", help=t("Record it even though the very same record is already there."))] = False,
    doc: Annotated[Optional[Path], typer.Option("--doc", metavar="FILE", help=t("Keep this file (the letter, the approval) with the step, as coopctl attach does."))] = None,
    number: Annotated[Optional[str], typer.Option("--number", metavar="NO", help=t("With --doc: the document's number."))] = None,
    *,
    change: Change,
) -> None:
    """Record a step of the agreement's procedure as done, for the term in force (or ended last) on its date, or
    for the way to a first agreement.

    Records are only added, never changed: a later record (or --undo) supersedes an earlier one.

    Example: coopctl milestone western-australia-sister-state dprd-approval --date 8/11/2022 --note "DPRD plenary"
    """
    from coopctl.app.operations import record_milestone

    if reason and not not_needed:
        raise UsageError(t("--reason goes with --not-needed; use --note otherwise"))
    if not_needed and undo:
        raise UsageError(t("a step cannot be both --not-needed and --undo"))
    if reason and note:
        raise UsageError(t("give --reason or --note, not both"))
    if number and doc is None:
        raise UsageError(t("--number goes with --doc"))
    if doc is not None and (undo or not_needed):
        raise UsageError(t("--doc keeps the document of a step that was done; not with --undo or --not-needed"))
    today = date.today()
    day = a_date(when, "--date") or PartialDate.from_date(today)

    def record(tx):
        return record_milestone(tx, agreement_id, step, day, today, ref, reason or note, undo, not_needed, again)

    if doc is None:
        write(change, record)
        return
    from coopctl.app.archive import Attach
    from coopctl.cli.archive import attach_file
    from coopctl.core.ids import require_agreement
    from coopctl.core.records import DOCUMENT_KINDS

    def what(tx):
        step_id = require_agreement(tx.store, agreement_id)[1].milestones[-1].id
        return Attach(step_id if step_id in DOCUMENT_KINDS else "other", number or ref, day, None, None, step_id)

    attach_file(change, agreement_id, doc, what, extra=record)


ActivityTypeHelp = t("visit-in, visit-out, meeting, training, exchange, grant, event, trade-mission, evaluation, report or note.")


@command()
@change_options
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
    again: Annotated[bool, typer.Option("--again", help=t("Record it even though the very same record is already there."))] = False,
    no_input: NoInputOpt = False,
    as_of: AsOfOpt = None,
    *,
    change: Change,
) -> None:
    """Record an activity under an agreement: what keeps it alive.

    Example: coopctl log tianjin-sister-province "Luban Workshop launched at SMK PGRI 2 Ponorogo" --date 12/12/2017 --sector vokasi --type grant --value 6000000000 --currency IDR
    """
    from coopctl.app.operations import log_activity

    today = a_day(as_of, "--as-of") or date.today()
    day = a_date(when, "--date") or PartialDate.from_date(today)
    if not sector and interactive(no_input):  # asked again until it names a sector
        sector = _checked(t("Sector"), load(change.store).vocabulary.resolve)
    sector = sector or ask(False, "--sector", t("Sector"))
    if day.first > today:  # accepted (a planned event, or a typing mistake): said, not refused
        warn(t("the activity is dated {date}, after {today}: it is not counted until then", date=day,
               today=today.isoformat()))
    write(change, lambda tx: log_activity(tx, agreement_id, summary, day, sector, kind, participants, value,
                                          currency, source, again))


def _warn_long_term(settings, start, end) -> None:
    """A term longer than the store's policy is recorded, with a warning (`core.checks.term_too_long`)."""
    from coopctl.core.checks import term_too_long
    from coopctl.core.records import Term

    why = term_too_long(settings, Term(start, end)) if start is not None else None
    if why:
        warn(why)


sector_app = typer.Typer(help=t("Add or remove an agreement's sectors, keeping their history."),
                         rich_markup_mode=None, no_args_is_help=True)
app.add_typer(sector_app, name="sector")


@sector_app.callback()
def _sector(lang: base.LangOpt = None) -> None:
    if lang is not None:  # `coopctl sector --help --lang id`, as every command takes --lang
        base.set_root_language(lang)


@command("add", sector_app)
@change_options
def sector_add(
    agreement_id: Annotated[str, typer.Argument(metavar="AGREEMENT", help=t("The agreement."))],
    sectors: Annotated[list[str], typer.Argument(metavar="SECTOR...", help=t("Sectors it now covers (English or Indonesian)."))],
    since: Annotated[Optional[str], typer.Option("--since", metavar="DATE", help=t("Since when (default: today; e.g. the addendum's date)."))] = None,
    basis: Annotated[Optional[str], typer.Option("--basis", metavar="TEXT", help=t("The document that adds them, e.g. 'addendum no. 2'."))] = None,
    *,
    change: Change,
) -> None:
    """Extend an agreement to more sectors (extensification).

    Example: coopctl sector add osaka-sister-province pariwisata --since 2024-02-21 --basis "revitalisation talks"
    """
    from coopctl.app.operations import add_sectors

    since_value = a_date(since, "--since") or PartialDate.from_date(date.today())  # not since always: the past stays
    write(change, lambda tx: add_sectors(tx, agreement_id, sectors, since_value, basis))


@command("remove", sector_app)
@change_options
def sector_remove(
    agreement_id: Annotated[str, typer.Argument(metavar="AGREEMENT", help=t("The agreement."))],
    sector: Annotated[str, typer.Argument(metavar="SECTOR", help=t("The sector it no longer covers."))],
    until: Annotated[Optional[str], typer.Option("--until", metavar="DATE", help=t("Last day it was covered (default: today)."))] = None,
    *,
    change: Change,
) -> None:
    """Record that an agreement no longer covers a sector; its history stays.

    Example: coopctl sector remove western-australia-sister-state energy --until 2022-09-30
    """
    from coopctl.app.operations import remove_sector

    until_value = a_date(until, "--until") or PartialDate.from_date(date.today())
    write(change, lambda tx: remove_sector(tx, agreement_id, sector, until_value))

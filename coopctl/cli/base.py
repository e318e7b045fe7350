"""What every command shares: the Typer app, the `command` decorator, the option bundles, and the
few chores of a command line (reading the stores named, running a change, saying what happened).

Start-up time matters (a bureau runs coopctl many times a day, scripts in loops):
modules that only some commands need are imported inside those commands, and
this module has no `from __future__ import annotations`, because Typer reads
every command's annotations at start-up and evaluating them from strings costs
more than the rest of building the command line.
"""

import functools
import inspect
import os
import sys
from contextlib import contextmanager
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated, Callable, NamedTuple, Optional

import typer

from coopctl import i18n
from coopctl.i18n import t

# The language is decided before any help text below is evaluated (Typer reads them at import);
# each command decides it again from its parsed options (see `command`).
i18n.set_language(i18n.from_argv())
import typer.core  # noqa: E402  (Typer's own words in help: "Options", "Arguments", "Commands")

typer.core._ = t
from coopctl.cli import clicktext  # noqa: E402  (Click's own words: "Usage:", "Missing argument", ...)

clicktext.install()

from coopctl.core.dates import DateError, Duration, PartialDate, parse_day, parse_duration, parse_input  # noqa: E402
from coopctl.core.errors import CoopError, UsageError  # noqa: E402

EXIT_CODES = t("Exit codes: 0 success; 1 a data problem (bad store, unknown id); 2 a usage error. The check modes "
               "(check, renew --check, dormant --check) follow grep: 0 nothing found, 1 something found, 2 an error.")

app = typer.Typer(
    name="coopctl",
    help=t("Keep cooperation agreements in a plain TOML store and know in time what must be renewed."),
    epilog=EXIT_CODES,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=True,  # --install-completion, --show-completion (bash, zsh, fish); see cli/completion.py
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


class ReportFormat(str, Enum):
    """`report`'s formats: the listings' and a printable page."""

    table = "table"
    json = "json"
    csv = "csv"
    md = "md"
    html = "html"
    xlsx = "xlsx"


class PictureFormat(str, Enum):
    """`timeline`'s formats: the listings' and a drawing."""

    table = "table"
    json = "json"
    csv = "csv"
    md = "md"
    svg = "svg"


LangOpt = Annotated[Optional[str], typer.Option(
    "--lang", metavar="LANG",
    help=t("Language of what people read: {languages} (default: $COOPCTL_LANG, else the store's lang setting, "
           "else the locale, else en).", languages=", ".join(i18n.available())))]
StoreOpt = Annotated[Optional[list[str]], typer.Option("--store", metavar="PATH", help=t("Store directory (default: $COOPCTL_STORE, else the user data directory). Listings and reports read several stores at once when it is given several times."))]
AsOfOpt = Annotated[Optional[str], typer.Option("--as-of", metavar="DATE", help=t("Evaluate at this date instead of today (YYYY-MM-DD, DD/MM/YYYY, 22 Agustus 2023, or relative: today, +6m, -1y)."))]
FormatOpt = Annotated[Format, typer.Option("--format", help=t("Output format."))]
JsonOpt = Annotated[bool, typer.Option("--json", help=t("Short for --format json."))]
WideOpt = Annotated[bool, typer.Option("--wide", help=t("Tables: show every column whole, however wide."))]
ColumnsOpt = Annotated[Optional[str], typer.Option("--columns", metavar="A,B,...", help=t("Tables: show these columns, in this order (e.g. id,partner,state,days; an unknown name lists the valid ones)."))]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", "-n", help=t("Show the change; write nothing."))]
NoInputOpt = Annotated[bool, typer.Option("--no-input", help=t("Never prompt; a missing value is a usage error."))]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help=t("Print nothing when nothing needs attention (for cron, which mails any output)."))]
ForceOpt = Annotated[bool, typer.Option("--force", help=t("Rewrite a partner file even though its comments will be lost."))]

_root_lang: Optional[str] = None  # --lang given before the command (coopctl --lang id list)


# ---------------------------------------------------------------- option bundles


class Output(NamedTuple):
    """A listing's shared options: its format, the stores it reads and the day it is about."""

    format: str
    stores: Optional[list[str]]
    as_of_text: Optional[str]

    @property
    def as_of(self) -> date:
        return a_day(self.as_of_text, "--as-of") or date.today()


class Change(NamedTuple):
    """A change's shared options: the store it writes, and whether to write at all."""

    store: Optional[list[str]]
    dry_run: bool
    force: bool


def _with_options(function: Callable, takes: str, extra: list[inspect.Parameter],
                  bundle: Callable[[dict], object]) -> Callable:
    """`function`, which takes the keyword argument `takes`, as Typer should see it: with the `extra` options
    instead; `bundle(values)` makes the `takes` argument from their values."""
    signature = inspect.signature(function)
    names = [p.name for p in extra]

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        values = {name: kwargs.pop(name) for name in names}
        return function(*args, **kwargs, **{takes: bundle(values)})

    kept = [p for p in signature.parameters.values() if p.name != takes]
    wrapper.__signature__ = signature.replace(parameters=kept + extra)  # type: ignore[attr-defined]
    return wrapper


def _keyword(name: str, annotation, default) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default)


def output_options(function: Optional[Callable] = None, *, formats: type[Enum] = Format) -> Callable:
    """`--format`, `--json`, `--store` and `--as-of`, given to the command as `out: Output` (as sqlite-utils
    gives every listing its `output_options`); `formats` the choices of --format, when a command has more."""
    if function is None:
        return lambda f: output_options(f, formats=formats)
    option = Annotated[Optional[formats], typer.Option(  # type: ignore[valid-type]
        "--format", help=t("Output format (default: table)."))]
    return _with_options(
        function, "out",
        [_keyword("fmt", option, None), _keyword("json_flag", JsonOpt, False),
         _keyword("store", StoreOpt, None), _keyword("as_of", AsOfOpt, None),
         _keyword("wide", WideOpt, False), _keyword("columns", ColumnsOpt, None)],
        _output)


def _output(values: dict) -> Output:
    """The `Output` of a listing's options; `--wide` and `--columns` go to the tables it draws."""
    fmt, json_flag = values["fmt"], values["json_flag"]
    if json_flag and fmt is not None and fmt.value != "json":
        raise UsageError(t("--json and --format {format} contradict each other; give one of them", format=fmt.value))
    name = "json" if json_flag else fmt.value if fmt is not None else "table"
    if (values["wide"] or values["columns"] is not None) and name != "table":
        raise UsageError(t("--wide and --columns apply to tables (--format table)"))
    if values["wide"] and values["columns"] is not None:
        raise UsageError(t("--wide and --columns contradict each other; give one of them"))
    if values["columns"] is not None and not values["columns"].strip(" ,;"):
        raise UsageError(t("--columns: name at least one column"))
    a_day(values["as_of"], "--as-of")  # refused even by a listing that does not depend on the day (sectors, docs)
    from coopctl.views import tables

    tables.set_layout(values["wide"], values["columns"])
    return Output(name, values["store"], values["as_of"])


def change_options(function: Callable) -> Callable:
    """`--dry-run`, `--force` and `--store`, given to the command as `change: Change`; and `--no-input` where the
    command does not declare it (one that never asks accepts it all the same, so that scripts can always give it)."""
    extra = [_keyword("dry_run", DryRunOpt, False), _keyword("force", ForceOpt, False), _keyword("store", StoreOpt, None)]
    if "no_input" not in inspect.signature(function).parameters:
        extra.append(_keyword("never_ask", NoInputOpt, False))
    return _with_options(function, "change", extra, lambda v: Change(v["store"], v["dry_run"], v["force"]))


def _reset_layout() -> None:
    """--wide/--columns are this command's (`output_options` sets them), never a leftover. The tables module is
    imported by the first command that draws a table: until then there is nothing to reset (start-up time)."""
    tables = sys.modules.get("coopctl.views.tables")
    if tables is not None:
        tables.set_layout()


def command(name: Optional[str] = None, group: Optional[typer.Typer] = None, hidden: bool = False):
    """`app.command`, with `--lang` (declared here, once, for every command), the language decided before the
    command runs, its help text from the catalogue, and the core's errors turned into one line on stderr and
    their exit code (naming the option a value came from, where the error says which field it was about)."""
    def decorate(function):
        signature = inspect.signature(function)

        @functools.wraps(function)
        def run(*args, lang: Optional[str] = None, **kwargs):
            import gc

            # A command is one short batch: a listing of a large store makes millions of objects and no garbage,
            # and the collector walking them again and again would cost more than the work. Reference counting
            # still frees everything, and the process ends when the command does.
            gc.disable()
            from coopctl.storage import journal

            journal.set_notice(note)  # what the store's journal finished, rolled back or could not commit
            _reset_layout()
            try:
                _use_language(lang, kwargs.get("store"))
                return function(*args, **kwargs)
            except CoopError as e:
                if os.environ.get("COOPCTL_DEBUG"):
                    raise
                from coopctl.core.text import clean, shorten

                sys.stdout.flush()
                sys.stderr.write(error_line(shorten(clean(with_option(e, options, kwargs)))))
                # the check modes follow grep: 1 is "something found", so an error (a broken store too) is 2
                checking = kwargs.get("check") is True or function.__name__ == "check"
                raise typer.Exit(2 if checking else e.exit_code) from None
            except BrokenPipeError:  # `coopctl list | head -2`: the reader has what it wanted (Click would exit 1)
                reader_gone()
                raise typer.Exit(0) from None
            finally:
                _reset_layout()

        from coopctl.cli.completion import with_completion

        run.__signature__ = with_completion(signature.replace(  # type: ignore[attr-defined]
            parameters=[*signature.parameters.values(), _keyword("lang", LangOpt, None)]), name or function.__name__)
        options = _option_names(run.__signature__)
        # The help text: the docstring (Typer cleans it), or its translation (the catalogue holds it cleaned).
        doc = function.__doc__
        translated = t(inspect.cleandoc(doc)) if doc and i18n.language() != i18n.ENGLISH else None
        return (group or app).command(name, help=translated, hidden=hidden)(run)

    return decorate


@contextmanager
def verdict_kept(check: bool):
    """Around the listing a check mode prints (`renew --check`, `dormant --check`): a reader that stops reading it
    (`renew --check | head`) does not change the verdict, so the command goes on to exit 1 when something was found;
    without `check`, the reader's going ends the command with 0, as for any listing."""
    try:
        yield
    except BrokenPipeError:
        if not check:
            raise
        reader_gone()


def reader_gone() -> None:
    """stdout's reader closed the pipe: what is still buffered, and anything written later, goes nowhere, so
    that no later flush fails again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def with_option(error: CoopError, options: dict[str, str], given: dict) -> str:
    """The error's message, prefixed with the option its field came from (`--until: ...`), when that option
    was given and the message does not already name the field."""
    import re

    message = str(error)
    if not error.field or re.search(rf"\b{re.escape(error.field)}\b", message, re.IGNORECASE):
        return message
    param = options.get(f"--{error.field}")
    return f"--{error.field}: {message}" if param is not None and given.get(param) not in (None, False, ()) else message


def _option_names(signature: inspect.Signature) -> dict[str, str]:
    """The option names (`--end`, ...) a command declares, with the parameter each fills."""
    names: dict[str, str] = {}
    for param in signature.parameters.values():
        for info in getattr(param.annotation, "__metadata__", ()):
            if isinstance(info, typer.models.OptionInfo):
                declared = (info.default,) if isinstance(info.default, str) else ()
                names.update((n, param.name) for n in (*declared, *(info.param_decls or ())) if n.startswith("--"))
    return names


def error_line(message: str) -> str:
    return t("coopctl: error: {message}", message=i18n.dates_in(message)) + "\n"


def _use_language(option: Optional[str], store: Optional[list[str]]) -> None:
    """Decide the language for this command: --lang (here or before the command), COOPCTL_LANG,
    the store's setting, the locale."""
    option = option or _root_lang
    try:
        if option or os.environ.get("COOPCTL_LANG"):
            lang = i18n.choose(option)
        else:
            lang = i18n.choose(None, stores(store))
    except i18n.LanguageError as e:
        i18n.set_language(i18n.from_locale() or i18n.ENGLISH)
        value = option if str(e) == "--lang" else os.environ.get("COOPCTL_LANG")
        raise UsageError(t("{source} '{value}' is not a language coopctl has; use one of: {languages}",
                           source=str(e), value=value, languages=", ".join(i18n.available()))) from None
    i18n.set_language(lang)


def set_root_language(lang: Optional[str]) -> None:
    global _root_lang
    _root_lang = lang


# ---------------------------------------------------------------- values


def parsed(parse, value: Optional[str], option: str):
    if value is None:
        return None
    try:
        return parse(value)
    except DateError as e:
        raise UsageError(f"{option}: {e}") from None  # the DateError's message is already translated


def a_date(value: Optional[str], option: str) -> Optional[PartialDate]:
    return parsed(parse_input, value, option)


def a_day(value: Optional[str], option: str) -> Optional[date]:
    """A whole day, such as --as-of: a date, or relative to today (`today`, `+6m`, `-1y`)."""
    return parsed(lambda text: parse_day(text, date.today()), value, option)


def a_filter_date(value: Optional[str], option: str) -> Optional[PartialDate]:
    """A date that filters a listing (`--since`, `--until`): any date form, or relative to today (`-1y`)."""
    return parsed(lambda text: parse_input(text, date.today()), value, option)


def a_duration(value: Optional[str], option: str) -> Optional[Duration]:
    return parsed(parse_duration, value, option)


def a_months(value: Optional[str], option: str) -> Optional[int]:
    """A span counted in months: a plain number of months (24), or a duration in months or years (18m, 2y)."""
    if value is None:
        return None
    from coopctl.core.dates import MAX_MONTHS

    text = value.strip()
    if text.isdigit():
        if not 1 <= int(text) <= MAX_MONTHS:
            raise UsageError(t("{option} must be from 1 to {maximum} (20 years)", option=option, maximum=MAX_MONTHS))
        return int(text)
    duration = a_duration(text, option)
    if duration.unit != "m":
        raise UsageError(t("{option}: '{text}' is counted in days; give months or years (18m, 2y)", option=option,
                           text=value))
    return duration.amount




def interactive(no_input: bool) -> bool:
    return not no_input and sys.stdin.isatty() and sys.stdout.isatty()


def ask(is_interactive: bool, option: str, prompt: str) -> str:
    if not is_interactive:
        raise UsageError(t("missing {option}", option=option))
    value = typer.prompt(prompt).strip()
    if not value:
        raise UsageError(t("missing {option}", option=option))
    return value


def confirm(question: str, default: bool, err: bool = False) -> bool:
    """A yes/no question at a terminal: y/yes/ya, n/no/tidak (or empty: `default`); anything else is asked again, in
    the reader's language (Click's own confirm says "Error: invalid input" in English)."""
    choices = "Y/n" if default else "y/N"
    while True:
        answer = typer.prompt(f"{question} [{choices}]", default="", show_default=False, err=err).strip().lower()
        if not answer:
            return default
        if answer in ("y", "yes", "ya"):
            return True
        if answer in ("n", "no", "t", "tidak"):
            return False
        typer.echo(t("answer y (yes) or n (no)"), err=True)


# ---------------------------------------------------------------- saying what happened


def say(message: str) -> None:
    """A one-line confirmation or notice, on stderr."""
    from coopctl.core.text import clean

    sys.stdout.flush()  # so that a report and its summary line arrive in order
    sys.stderr.write(clean(i18n.dates_in(message)) + "\n")  # dates as the language writes them


def warn(message: str) -> None:
    """A warning: said on stderr, and the command goes on (exit 0)."""
    say(t("coopctl: warning: {message}", message=message))


def waiting() -> None:
    say(t("waiting for another coopctl to finish..."))


def note(message: str) -> None:
    say(t("coopctl: note: {message}", message=message))


# ---------------------------------------------------------------- stores


def stores(option: Optional[list[str]]) -> list[Path]:
    from coopctl.storage.location import resolve_store_paths

    return resolve_store_paths(option)


def one_store(option: Optional[list[str]]) -> Path:
    """The one store a command works on; several are refused (only listings and reports roll up)."""
    paths = stores(option)
    if len(paths) != 1:
        raise UsageError(t("this command works on one store, and {n} are named (by --store or COOPCTL_STORE); "
                           "name exactly one with --store", n=len(paths)))
    return paths[0]


def load(option: Optional[list[str]]):
    from coopctl.storage.loader import load_valid

    return load_valid(one_store(option))


_KEPT: list = []  # what a listing or a change read, kept until the process exits (see `Stores`, `write`)


class Stores:
    """The stores a listing reads: those that loaded, and whether any failed (exit 1 at the end).

    What it reads and computes is kept alive until the process exits (`main` ends it with `os._exit`): freeing
    a large store's millions of objects one by one, as the command returns, would cost more than its output."""

    def __init__(self, option: Optional[list[str]]):
        _KEPT.append(self)
        from coopctl.storage.loader import load_valid

        self.loaded = []
        self.failed = 0
        paths = stores(option)
        self.many = len(paths) > 1
        for path in paths:
            try:
                self.loaded.append(load_valid(path))
            except CoopError as e:
                if not self.many:
                    raise
                self.failed += 1
                say(t("coopctl: error: skipped a store: {error}", error=e))
        if not self.loaded:
            raise CoopError(t("no store could be read"))

    def snapshots(self, as_of: date, within: Optional[Duration] = None) -> list:
        """Each store's facts at `as_of` (`app.queries.Snapshot`), computed once."""
        from coopctl.app.queries import Snapshot

        snapshots = [Snapshot(l.store, as_of, within, l.vocabulary) for l in self.loaded]
        _KEPT.append(snapshots)
        return snapshots

    def parts(self, compute: Callable, as_of: date, within: Optional[Duration] = None) -> list:
        from coopctl.app.rollup import Part

        return [Part(s.store.settings.owner, compute(s)) for s in self.snapshots(as_of, within)]

    def rows(self, compute: Callable, as_of: date, within: Optional[Duration] = None,
             id_keys=("id", "partner_id")) -> list[dict]:
        from coopctl.app.rollup import merge_rows

        return merge_rows(self.parts(compute, as_of, within), id_keys)

    def finish(self) -> None:
        if self.failed:
            raise typer.Exit(1)


def write(change: Change, make: Callable, root: Optional[Path] = None) -> None:
    """Run `make(tx)` (which returns the line saying what it changed) in a transaction; commit, or with
    --dry-run show what would be written."""
    from coopctl.storage.transaction import transaction

    root = root or one_store(change.store)
    with transaction(root, force=change.force, on_wait=waiting, on_notice=note) as tx:
        _KEPT.append(tx)  # the whole store it loaded: not freed object by object as this returns (see `Stores`)
        message = make(tx)
        if change.dry_run:
            show_diff(tx, tx.planned())
            say(t("Dry run, nothing written: {change}", change=message))
            return
        tx.commit(message)
    say(t("Saved: {change}", change=message))


def show_diff(tx, planned: dict[str, str]) -> None:
    import difflib

    from coopctl.core.text import clean

    for name, text in planned.items():
        source = tx.loaded.files.get(name.split("/")[-1][: -len(".toml")])
        old = source.text if source else ""
        for line in difflib.unified_diff(old.splitlines(), text.splitlines(), f"a/{name}", f"b/{name}", lineterm=""):
            sys.stdout.write(clean(line) + "\n")

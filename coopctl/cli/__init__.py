"""The command line: Typer only. Each command parses its options, calls the library
(`coopctl.app`, over `coopctl.core` and `coopctl.storage`), and picks a view (`coopctl.views`).

    base.py      the app, `command` (with --lang), the option bundles, the chores every command shares
    listings.py  list, show, plan, report, check, activities, dormant, coverage, timeline
    changes.py   init, add, renew, terminate, milestone, log, sector
    corrections.py  amend, undo
    team.py      sync, history, edit, delete, restore
    sheets.py    import, export, calendar
    archive.py   attach, docs, detach, open, search (the documents kept in the store)
    serve.py     serve (the store in a browser: coopctl.web, imported only when it runs)

A run imports only the module of the command it runs (`MODULE_OF`); `coopctl.cli.app` is the app with all of
them. `main` maps every failure to one line on stderr and an exit code: 1 for a data
problem, 2 for a usage error, 130 when interrupted; never a traceback
(`COOPCTL_DEBUG=1` shows one).
"""

import gc
import os
import sys
from typing import Annotated

# A command is one short batch (see `base.command`): the collector is off from the start, since importing Typer
# and the commands makes tens of thousands of objects and no garbage (its passes over them cost ~5 ms).
gc.disable()

import typer  # noqa: E402

from coopctl import __version__
from coopctl.cli import base
from coopctl.cli.base import LangOpt, error_line, set_root_language
from coopctl.core.errors import CoopError
from coopctl.i18n import t

# The modules that register commands, in the order `--help` lists them, and the module of each command and group:
# a run imports only the module of the command it runs (each module builds its commands' options as it is
# imported: all seven cost ~5 ms of every start); help, completion and a name not listed here import them all.
COMMAND_MODULES = ("archive", "changes", "corrections", "listings", "serve", "sheets", "team")
MODULE_OF = {
    **dict.fromkeys(("attach", "docs", "detach", "open", "search"), "archive"),
    **dict.fromkeys(("init", "add", "renew", "terminate", "milestone", "log", "sector"), "changes"),
    **dict.fromkeys(("amend", "undo"), "corrections"),
    **dict.fromkeys(("list", "show", "plan", "report", "check", "activities", "dormant", "coverage", "timeline",
                     "sectors", "types", "kinds"), "listings"),
    "serve": "serve",
    **dict.fromkeys(("import", "export", "calendar"), "sheets"),
    **dict.fromkeys(("sync", "merge-driver", "history", "edit", "delete", "restore"), "team"),
}


def registered(name: str | None = None) -> typer.Typer:
    """The app, holding the commands of the module that defines `name` (every command, when `name` is None or
    not in MODULE_OF)."""
    import importlib

    for module in [MODULE_OF[name]] if name in MODULE_OF else COMMAND_MODULES:
        importlib.import_module(f"coopctl.cli.{module}")
    if name not in MODULE_OF:  # in COMMAND_MODULES' order, whichever module was imported first
        rank = {f"coopctl.cli.{module}": i for i, module in enumerate(COMMAND_MODULES)}
        base.app.registered_commands.sort(key=lambda info: rank.get(info.callback.__module__, len(rank)))
    return base.app


def __getattr__(name: str):
    """`coopctl.cli.app`: the app with every command (as tests and other callers use it)."""
    if name == "app":
        return registered()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"coopctl {__version__}\n")
        raise typer.Exit()


@base.app.callback(help=t("Keep cooperation agreements in a plain TOML store and know in time what must be renewed."))
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help=t("Show the version and exit."))] = False,
    lang: LangOpt = None,
) -> None:
    set_root_language(lang)  # the command decides the language, with this and its own options


def main() -> None:
    """Run the CLI; map every failure to one line on stderr and an exit code."""
    debug = bool(os.environ.get("COOPCTL_DEBUG"))
    _sturdy_streams()
    try:
        if sys.argv[1:] == ["--version"]:  # answered before Typer builds anything
            sys.stdout.write(f"coopctl {__version__}\n")
            _finish(0)
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
    except OSError as e:  # the output could not be written (`list --json > /dev/full`), or a file we did not expect
        if debug:
            raise
        if e.filename is None:
            _output_failed(e)
        _fail(t("{path}: {reason}", path=e.filename, reason=e.strerror or e), 1)
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

    if os.environ.get("_COOPCTL_COMPLETE"):  # the shell asks for completions: the words are in the environment
        return registered()
    if not args or args[0] in ("-h", "--help"):
        return _summaries_only(registered())
    if args[0].startswith("-"):
        return registered()
    app = registered(args[0])
    commands = [c for c in app.registered_commands
                if (c.name or typer.main.get_command_name(c.callback.__name__)) == args[0]]
    groups = [g for g in app.registered_groups if g.name == args[0]]
    if not commands and not groups:
        return registered()
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
    from coopctl.core.text import clean, shorten

    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_broken_pipe()
    sys.stderr.write(error_line(shorten(clean(message))))
    sys.exit(code)


def _output_failed(error: OSError) -> None:
    """stdout cannot take what is left (a full disk, an I/O error): say so in one line, exit 1. What is still
    buffered goes nowhere, so that Python's own flush at exit cannot fail again with a traceback."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    sys.stderr.write(error_line(t("could not write the output: {reason}", reason=error.strerror or error)))
    sys.stderr.flush()
    os._exit(1)


def _quiet_broken_pipe() -> None:
    """`coopctl list | head -1`: the reader has what it wanted; stop quietly, with success (exit 0)."""
    from coopctl.cli.base import reader_gone

    reader_gone()
    sys.exit(0)

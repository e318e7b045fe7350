"""Typer's and Click's own words in the reader's language.

The Click that Typer 0.26-0.28 vendors (`typer._click`) writes its messages as plain English f-strings, with no
gettext to hook: "Missing argument 'ID'.", "No such option: --x (Possible options: ...)", "Usage: ", the help
option's "Show this message and exit.". `install()` (called once as the CLI module is imported) wraps the few
places that make them so that each goes through the catalogue: the exceptions' `format_message`, the usage line's
prefix and the help option's help. In English every text comes out exactly as Click wrote it (`t()` of an English
text is that text). Typer's own headings ("Options", "Arguments", "Commands", "No such command") already go
through `typer.core._`, which `base` points at `t`.
"""

from __future__ import annotations

import re

from coopctl.i18n import N_, t

# Click's messages, as patterns: (pattern, catalogue text with the same placeholders). The first that matches wins.
_MESSAGES: tuple[tuple[str, str], ...] = (
    (r"^Missing argument (?P<name>'[^']*')\.(?P<rest>.*)$", N_("Missing argument {name}.{rest}")),
    (r"^Missing option (?P<name>'[^']*')\.(?P<rest>.*)$", N_("Missing option {name}.{rest}")),
    (r"^Missing parameter: (?P<name>.*)$", N_("Missing parameter: {name}")),
    # Typer appends its suggestion to Click's "No such command" (which it has already looked up in the catalogue)
    (r"^(?P<message>.*)\. Did you mean (?P<suggestions>.*)\?$", N_("{message}. Did you mean {suggestions}?")),
    
    (r"^No such option: (?P<name>\S+) \(Possible options: (?P<choices>.*)\)$",
     N_("No such option: {name} (Possible options: {choices})")),
    (r"^No such option: (?P<name>\S+)$", N_("No such option: {name}")),
    (r"^Got unexpected extra argument \((?P<args>.*)\)$", N_("Got unexpected extra argument ({args})")),
    (r"^Got unexpected extra arguments \((?P<args>.*)\)$", N_("Got unexpected extra arguments ({args})")),
    (r"^Got unexpected extra argument\(s\) \((?P<args>.*)\)$", N_("Got unexpected extra argument(s) ({args})")),
    (r"^Option (?P<name>'[^']*') requires an argument\.$", N_("Option {name} requires an argument.")),
    (r"^Option (?P<name>'[^']*') requires (?P<n>\d+) arguments\.$", N_("Option {name} requires {n} arguments.")),
    (r"^Option (?P<name>'[^']*') does not take a value\.$", N_("Option {name} does not take a value.")),
    (r"^Invalid value for (?P<name>'[^']*'): (?P<reason>.*)$", N_("Invalid value for {name}: {reason}")),
    (r"^Invalid value: (?P<reason>.*)$", N_("Invalid value: {reason}")),
)

# what Click says is wrong with a value (inside "Invalid value for ...: REASON")
_REASONS: tuple[tuple[str, str], ...] = (
    (r"^(?P<value>.*) is not one of (?P<choices>.*)\.$", N_("{value} is not one of {choices}.")),
    (r"^(?P<value>.*) is not a valid int(eger)?\.$", N_("{value} is not a valid whole number.")),
    (r"^(?P<value>.*) is not a valid float\.$", N_("{value} is not a valid number.")),
    (r"^(?P<value>.*) is not a valid boolean\. Recognized values: (?P<choices>.*)$",
     N_("{value} is not a valid boolean. Recognized values: {choices}")),
    (r"^(?P<value>.*) is not in the range (?P<range>.*)\.$", N_("{value} is not in the range {range}.")),
)
# the help of the options Typer adds itself (typer/completion.py)
_TYPER_HELP = frozenset((
    N_("Install completion for the current shell."),
    N_("Show completion for the current shell, to copy it or customize the installation."),
))
_COMPILED: dict[str, re.Pattern] = {}  # compiled when a message is first shown, not at start-up


def _match(pattern: str, text: str):
    compiled = _COMPILED.get(pattern)
    if compiled is None:
        compiled = _COMPILED[pattern] = re.compile(pattern, re.S)
    return compiled.match(text)


# the placeholders of the help's usage lines and option lists ("--as-of DATE", "[OPTIONS]"); ids (ID, CC, N, URL)
# stay as they are
WORDS = frozenset((
    N_("[OPTIONS]"), N_("COMMAND [ARGS]..."), N_("DATE"), N_("TEXT"), N_("FILE"), N_("PATH"), N_("LANG"),
    N_("AGREEMENT"), N_("YEAR"), N_("DURATION"), N_("KIND"), N_("START"), N_("QUERY"), N_("NO"), N_("SECTOR"),
    N_("SECTOR..."), N_("PARTNER"), N_("NAME"), N_("MILESTONE"), N_("CUR"), N_("AMOUNT"), N_("PERIOD"),
    N_("CHAR"), N_("SUMMARY"), N_("SHA_PREFIX"), N_("[SECTOR]..."),
))


def word(text: str) -> str:
    """A placeholder of the help (`DATE`, `[OPTIONS]`) in the current language; anything else unchanged."""
    if text in WORDS:
        return t(text)
    inner = text.strip("[]{}")
    if inner != text and inner in WORDS:
        return text.replace(inner, t(inner))
    return text


def message(text: str) -> str:
    """One of Click's messages in the current language (unchanged when it is none Click makes, or in English)."""
    for pattern, template in _MESSAGES:
        match = _match(pattern, text)
        if match:
            values = match.groupdict()
            if "reason" in values:
                values["reason"] = _reason(values["reason"])
            return t(template, **values)
    return text


def _reason(text: str) -> str:
    for pattern, template in _REASONS:
        match = _match(pattern, text)
        if match:
            return t(template, **match.groupdict())
    return text


def install() -> None:
    """Route Click's own words through the catalogue (idempotent)."""
    from typer import exceptions as typer_exceptions
    from typer._click import core, exceptions, formatting

    if getattr(exceptions.ClickException, "_coopctl_words", False):
        return
    for cls in (typer_exceptions.TyperException, exceptions.ClickException, exceptions.UsageError, exceptions.BadParameter,
                exceptions.MissingParameter, exceptions.NoSuchOption, exceptions.BadOptionUsage,
                exceptions.BadArgumentUsage):
        if "format_message" in vars(cls):
            cls.format_message = _translated(vars(cls)["format_message"])
    exceptions.ClickException._coopctl_words = True

    write_usage = formatting.HelpFormatter.write_usage

    def usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        write_usage(self, prog, args, t("Usage: ") if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = usage

    get_help_option = core.Command.get_help_option

    def help_option(self, ctx):
        option = get_help_option(self, ctx)
        if option is not None:
            option.help = t("Show this message and exit.")
        return option

    core.Command.get_help_option = help_option

    get_params = core.Command.get_params

    def params(self, ctx):  # Typer's own options (--install-completion, --show-completion) say their help too
        found = get_params(self, ctx)
        for param in found:
            english = getattr(param, "_coopctl_help", None) or getattr(param, "help", None)
            if english in _TYPER_HELP:
                param._coopctl_help = english
                param.help = t(english)
        return found

    core.Command.get_params = params

    from typer import core as typer_core

    for cls in (core.Command, typer_core.TyperGroup):
        cls.collect_usage_pieces = _pieces(cls.collect_usage_pieces)

    for cls in (typer_core.TyperOption, typer_core.TyperArgument):
        cls.make_metavar = _metavar(cls.make_metavar)


def _pieces(collect):
    def translated(self, ctx) -> list[str]:
        return [word(piece) for piece in collect(self, ctx)]

    return translated


def _metavar(make_metavar):
    def translated(self, *args, **kwargs) -> str:
        return word(make_metavar(self, *args, **kwargs))

    return translated


def _translated(format_message):
    def translated(self) -> str:
        return message(format_message(self))

    return translated

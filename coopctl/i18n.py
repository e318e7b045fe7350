"""The words coopctl shows people, in English or another language (Indonesian ships).

Every user-facing string goes through `t()` (or `tn()` for a count, `tc()` where one
English word means two things), keyed by its English text with `{placeholders}`; the
translations live in `coopctl/locales/<lang>.toml`:

    [language]    name; dates = "long" (tables and Markdown write 22 Agustus 2023) or "iso";
                  months = [...] (the month names of long dates)
    [messages]    "English text" = "translation"; "context|word" for `tc()`; also Typer's own
                  words ("Options", ...), which the CLI has Typer look up through `t`
    [fields]      Markdown column names (CSV and JSON keep the English field names)

so a third language is a file, not a code change. `N_()` marks a text defined in one place
(a column header in a constant) and translated with `t()` where it is shown. JSON keys, ids, state values in JSON and
CSV stay English and stable; only what people read changes. English needs no catalogue at
all: `t()` then only fills in the placeholders, and nothing is read or imported.

The language, first that applies: `--lang`, `COOPCTL_LANG`, the store's `lang` setting,
a locale (`LC_ALL`, `LC_MESSAGES`, `LANG`) that starts with a language coopctl has, English.
`from_argv` decides it as the CLI module is imported (Typer reads the help texts then);
each command decides it again from its parsed options (`choose`), so in-process runs and
the default store's setting are honoured too.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

LOCALES = Path(__file__).parent / "locales"
ENGLISH = "en"

ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                  "October", "November", "December")

_language = ENGLISH
_catalogue: dict | None = None


class LanguageError(ValueError):
    """A language asked for by name that coopctl has no catalogue for."""


# ---------------------------------------------------------------- lookups


def t(text: str, /, **values) -> str:
    """`text` in the current language, with `{placeholders}` filled in from `values`."""
    if _language != ENGLISH:
        text = _section("messages").get(text, text)
    return text.format(**values) if values else text


def tn(one: str, many: str, n: int, /, **values) -> str:
    """`one` or `many` by the count `n` (given to both as `{n}`), in the current language."""
    return t(one if n == 1 else many, n=n, **values)


def tc(context: str, text: str, /, **values) -> str:
    """`text` where the same English word needs different translations: the catalogue key is
    `context|text` ("milestone|open" is not "term|open"). English shows `text` as it is."""
    if _language != ENGLISH:
        translated = _section("messages").get(f"{context}|{text}")
        if translated is not None:
            text = translated
    return text.format(**values) if values else text


def state(value: str) -> str:
    """A renewal state (`active`, `due`, ...) as people read it; JSON and CSV keep the id."""
    return tc("state", value)


def field(name: str) -> str:
    """A Markdown column name: the field name in English, else the catalogue's [fields]."""
    if _language == ENGLISH:
        return name
    return _section("fields").get(name, name)


def _section(name: str) -> dict:
    global _catalogue
    if _catalogue is None:
        _catalogue = catalogue(_language)
    section = _catalogue.get(name)
    return section if isinstance(section, dict) else {}


def catalogue(lang: str) -> dict:
    """The whole catalogue file of a language (empty for English, or when it cannot be read)."""
    path = LOCALES / f"{lang}.toml"
    if lang == ENGLISH:
        return {}
    import tomllib

    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError):
        return {}


# ---------------------------------------------------------------- dates


def long_dates() -> bool:
    """Whether tables and Markdown write dates out (`22 Agustus 2023`) rather than as ISO."""
    return _language != ENGLISH and _section("language").get("dates") == "long"


def months() -> tuple[str, ...]:
    if _language != ENGLISH:
        names = _section("language").get("months")
        if isinstance(names, list) and len(names) == 12:
            return tuple(str(n) for n in names)
    return ENGLISH_MONTHS


def long_date(value: str | None) -> str:
    """`2023-08-22` written out: `22 August 2023` (`22 Agustus 2023` in Indonesian), `2023-08`
    as `August 2023`; a year stays a year, and anything else is returned as it is."""
    if not value:
        return ""
    parts = value.split("-")
    if not (2 <= len(parts) <= 3 and len(parts[0]) == 4 and all(len(p) == 2 for p in parts[1:])
            and all(p.isascii() and p.isdigit() for p in parts) and 1 <= int(parts[1]) <= 12):
        return value
    month = months()[int(parts[1]) - 1]
    return f"{int(parts[2])} {month} {parts[0]}" if len(parts) == 3 else f"{month} {parts[0]}"


def shown_date(value):
    """A date in a table or Markdown: as stored (ISO) in English, written out where the
    language says so. Anything that is not an ISO date (a year, "never", None) is unchanged."""
    if isinstance(value, str) and long_dates():
        return long_date(value)
    return value


_ISO_IN_TEXT = None


def dates_in(text: str) -> str:
    """A message with its ISO dates (`2023-09-06`, `2022-09`) written out where the language says so
    (`6 September 2023`, `September 2022`): confirmations and errors speak as tables do. A date inside an id, a
    path, a longer number or quotes (`unicef-cpap-2021-2025`, `/trash/2023-08-22.toml`, what was typed:
    `'2023-02-30'`) is left as it is."""
    global _ISO_IN_TEXT
    if not long_dates() or "-" not in text:
        return text
    if _ISO_IN_TEXT is None:
        import re

        _ISO_IN_TEXT = re.compile(r"(?<![\w/\\'-])\d{4}-\d{2}(?:-\d{2})?(?![\w/\\'-]|\.\w)")
    return _ISO_IN_TEXT.sub(lambda m: long_date(m.group()), text)


def shown_dates(rows: list[dict], keys) -> list[dict]:
    """Copies of `rows` with the date values under `keys` as `shown_date` gives them (the rows
    themselves, untouched, when dates are shown as stored)."""
    if not long_dates():
        return rows
    return [r | {k: shown_date(r[k]) for k in keys if k in r} for r in rows]


# ---------------------------------------------------------------- numbers


def number(value):
    """A count or amount shown to people: as it is in English (what the English output always showed), with a
    dot between thousands where the language writes numbers so (1.016 in Indonesian). Anything else unchanged."""
    if _language == ENGLISH or not isinstance(value, int) or isinstance(value, bool):
        return value
    separator = _section("language").get("thousands")
    text = f"{value:,}"
    return text.replace(",", separator) if isinstance(separator, str) else text


# ---------------------------------------------------------------- which language


def available() -> tuple[str, ...]:
    found = {p.stem for p in LOCALES.glob("*.toml")} if LOCALES.is_dir() else set()
    return tuple(sorted(found | {ENGLISH}))


def normalize(name: str) -> str:
    """`id`, `ID`, `id_ID.UTF-8`, `id-ID` -> `id`."""
    name = name.strip().lower()
    for separator in "_.@-":
        name = name.split(separator, 1)[0]
    return name


def known(name: str | None) -> str | None:
    """The language `name` asks for, if coopctl has it."""
    if not name:
        return None
    lang = normalize(name)
    if lang == ENGLISH or (lang and (LOCALES / f"{lang}.toml").is_file()):
        return lang
    return None


def require(name: str, source: str) -> str:
    """The language `name` asks for; LanguageError (naming `source`) when coopctl has none such."""
    lang = known(name)
    if lang is None:
        raise LanguageError(source)
    return lang


def from_locale() -> str | None:
    """The language of the locale, if coopctl has it: LC_ALL, else LC_MESSAGES, else LANG."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value:
            return known(value)
    return None


def store_setting(root: Path) -> str | None:
    """The `lang` setting of the store at `root` (a top-level `lang = "id"` in its coopctl.toml),
    read without parsing the file, so that finding the language stays cheap."""
    try:
        with open(Path(root) / "coopctl.toml", "rb") as f:
            text = f.read(65536).decode("utf-8-sig", "replace")
    except OSError:
        return None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("["):
            return None  # the top-level keys have ended
        key, equals, value = line.partition("=")
        if equals and key.strip() == "lang":
            value = value.split("#", 1)[0].strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                return known(value[1:-1])
            return None
    return None


def choose(option: str | None, stores: list[Path] | None = None) -> str:
    """The language by precedence: `option` (--lang), COOPCTL_LANG, the first store's setting,
    the locale, English. A language asked for by --lang or COOPCTL_LANG that coopctl does not
    have raises LanguageError."""
    if option:
        return require(option, "--lang")
    env = os.environ.get("COOPCTL_LANG")
    if env:
        return require(env, "COOPCTL_LANG")
    if stores:
        setting = store_setting(stores[0])
        if setting:
            return setting
    return from_locale() or ENGLISH


def from_argv(argv: list[str] | None = None) -> str:
    """The language for a command line before Typer parses it (for the help texts): --lang,
    COOPCTL_LANG, the setting of a store named by --store or COOPCTL_STORE, the locale. Never
    raises: a language coopctl does not have is reported once the command runs."""
    argv = sys.argv[1:] if argv is None else argv
    option = store = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg in ("--lang", "--store") and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith(("--lang=", "--store=")):
            arg, value = arg.split("=", 1)
        else:
            continue
        if arg == "--lang" and option is None:
            option = value
        elif arg == "--store" and store is None:
            store = value
    if store is None:
        env = os.environ.get("COOPCTL_STORE")
        store = next((p for p in env.split(os.pathsep) if p), None) if env else None
    try:
        return choose(option, [Path(store).expanduser()] if store else None)
    except LanguageError:
        return ENGLISH


def set_language(lang: str) -> None:
    global _language, _catalogue
    lang = known(lang) or ENGLISH
    if lang != _language:
        _language, _catalogue = lang, None


def language() -> str:
    return _language


def signature() -> tuple:
    """What text made in the current language depends on: the language, and its catalogue file's
    size and time (an edited catalogue is new text). For answers kept between runs."""
    if _language == ENGLISH:
        return (ENGLISH,)
    try:
        st = (LOCALES / f"{_language}.toml").stat()
    except OSError:
        return (_language, None)
    return (_language, st.st_size, st.st_mtime_ns)


def N_(text: str) -> str:
    """Mark `text` for the catalogue where it is defined (a column header in a constant), to be
    translated with `t()` where it is shown; returns it unchanged."""
    return text

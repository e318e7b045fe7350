"""The words coopctl shows people, in English or Indonesian.

Every user-facing string goes through `t()`, keyed by its English text; the
translations live in `coopctl/locales/<lang>.toml` (one file per language, so
a third language is a file, not a code change). JSON keys, ids and state
values in machine formats stay English and stable; only what people read
changes.

The language: `--lang`, else `COOPCTL_LANG`, else the store's `lang`
setting, else a `LANG` that starts with `id`, else English.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

LANGUAGES = ("en", "id")
LOCALES = Path(__file__).resolve().parent / "locales"

_language = "en"
_catalogue: dict[str, str] | None = None


def from_environment(argv: list[str] | None = None) -> str | None:
    """The language asked for on the command line or in the environment, if any."""
    argv = sys.argv[1:] if argv is None else argv
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    if os.environ.get("COOPCTL_LANG"):
        return os.environ["COOPCTL_LANG"]
    return None


def from_locale() -> str:
    lang = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
    return "id" if lang.lower().startswith("id") else "en"


def set_language(lang: str) -> None:
    global _language, _catalogue
    lang = (lang or "en").lower().split("_")[0].split("-")[0]
    if lang not in available():
        lang = "en"
    if lang != _language:
        _language, _catalogue = lang, None


def language() -> str:
    return _language


def available() -> tuple[str, ...]:
    found = {p.stem for p in LOCALES.glob("*.toml")} if LOCALES.is_dir() else set()
    return tuple(sorted(found | {"en"}))


def catalogue(lang: str) -> dict[str, str]:
    """The translations of one language: English text -> its translation."""
    path = LOCALES / f"{lang}.toml"
    if lang == "en" or not path.is_file():
        return {}
    import tomllib

    with open(path, "rb") as f:
        return {str(k): str(v) for k, v in tomllib.load(f).get("messages", {}).items()}


def t(text: str, **values) -> str:
    """`text` in the current language, with `{placeholders}` filled in."""
    global _catalogue
    if _language != "en":
        if _catalogue is None:
            _catalogue = catalogue(_language)
        text = _catalogue.get(text, text)
    return text.format(**values) if values else text


MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
    "id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
           "Oktober", "November", "Desember"),
}


def long_date(value: str | None) -> str:
    """`2023-08-22` written out: `22 August 2023`, or `22 Agustus 2023` in Indonesian."""
    if not value:
        return ""
    months = MONTHS.get(_language, MONTHS["en"])
    parts = value.split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {months[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{months[int(parts[1]) - 1]} {parts[0]}"
    return value

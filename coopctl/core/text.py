"""Text from the store made safe to show: no control characters, no runaway lengths, no formulas.

Every layer needs this (problems are placed and shortened in storage, exports
escape formulas in interop, tables clean cells in views), so it lives in the
core, free of Rich. Every output path goes through one of these:

- `clean`: text for a terminal, a table or a CSV cell: control characters, bidi
  overrides and line/paragraph separators removed (one line, unless asked to
  keep line breaks); with `formulas`, a text a spreadsheet would run as a formula
  (`=`, `+`, `-`, `@`, also full-width `＝＋－＠`) gets an apostrophe in front.
- `md_text`: the same, for Markdown: HTML (`<script>`) and table pipes escaped.
- `json_safe`: JSON text with what could act on a terminal escaped as \\uXXXX
  (the views write JSON with it; `interop` writes the JSON export with it).
"""

from __future__ import annotations

from coopctl.core.patterns import pattern
from coopctl.i18n import t

# What a spreadsheet runs as a formula when a cell starts with it (CSV and xlsx exports neutralise it); the
# full-width forms too, which spreadsheets with an East Asian input method take as their ASCII twins.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
NOT_FORMULAS = ("-", "+", "\uff0d")  # a sign alone is text to a spreadsheet ("-": no country), never a formula
_CONTROL = pattern("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SURROGATE = pattern("[\ud800-\udfff]")  # undecodable bytes (file names, arguments) as Python carries them
# in JSON: escaped (\uXXXX) rather than removed, so the data stays whole but never acts on a terminal
JSON_UNSAFE = pattern("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")


def json_safe(text: str) -> str:
    """JSON text with characters that could act on a terminal escaped as \\uXXXX (still the same data)."""
    return JSON_UNSAFE().sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# the same characters, as UTF-8 (no surrogates: valid UTF-8 holds none)
_JSON_UNSAFE_UTF8 = pattern(rb"\x7f|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xa8-\xae]|\xe2\x81[\xa6-\xa9]")
_NOT_A_START = bytes(c for c in range(256) if c not in b"\x7f\xc2\xd8\xe2")  # their first bytes, kept by translate
_UNSAFE_AFTER_E2 = frozenset([b"\x80" + bytes([c]) for c in b"\x8e\x8f\xa8\xa9\xaa\xab\xac\xad\xae"]
                             + [b"\x81" + bytes([c]) for c in b"\xa6\xa7\xa8\xa9"])


def json_safe_utf8(data: bytes) -> bytes:
    """`json_safe` for UTF-8 JSON. A regular expression over megabytes of output costs more than
    making it, so first look for the characters' first bytes (in C, by `translate`), and where only
    \xe2 is found (dashes and quotes begin with it too) look at what follows each."""
    if _needs_escapes(data):
        return _JSON_UNSAFE_UTF8().sub(lambda m: f"\\u{ord(m.group().decode()):04x}".encode(), data)
    return data


def _needs_escapes(data: bytes) -> bool:
    starts = data.translate(None, _NOT_A_START)
    if not starts:
        return False
    if starts.count(b"\xe2") != len(starts):
        return True
    find = data.find
    i = find(b"\xe2")
    while i != -1:
        if data[i + 1:i + 3] in _UNSAFE_AFTER_E2:
            return True
        i = find(b"\xe2", i + 3)
    return False


# line and paragraph separators: a line break for a person, never one inside a table cell or CSV field
_BREAKS = pattern("\r\n|[\n\r\x85\u2028\u2029]")


def clean(text: str, single_line: bool = True, formulas: bool = False) -> str:
    """Store text safe for a terminal, a table or a CSV cell: control, bidi-override and surrogate
    characters removed, and line and paragraph separators (CR, LF, NEL, U+2028, U+2029) and tabs made
    spaces; with `single_line=False` (a note shown whole, a field of an exported file) the separators become
    plain newlines and tabs stay, whitespace that cannot act on a terminal. With `formulas`, a text a spreadsheet
    would run as a formula starts with an apostrophe."""
    if not text.isprintable():  # the quick path: no control, format (bidi), separator or surrogate character
        text = _BREAKS().sub(" ", text).replace("\t", " ") if single_line else _BREAKS().sub("\n", text)
        text = _CONTROL().sub("", _SURROGATE().sub("\ufffd", text))
    if formulas and text.startswith(FORMULA_START) and text not in NOT_FORMULAS:
        return "'" + text
    return text


def md_text(text: str) -> str:
    """Store text for a Markdown document or table cell: `clean`, then HTML (`<script>`, `&`) escaped as
    entities and table pipes and backslashes escaped, so that a name can never become markup."""
    text = clean(text)
    if any(c in text for c in "&<>|\\"):
        text = (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\\", "\\\\").replace("|", "\\|"))
    return text


_LONG_QUOTED = pattern(r"(?<!\w)'([^'\n]{%d,})'(?!\w)" % 120)  # a quote opens after no letter: not an apostrophe
MAX_MESSAGE = 2000


def shorten(message: str) -> str:
    """An error message stays one readable line: a quoted value of thousands of characters
    (a 100,000-character name typed or stored) is cut, saying how long it was."""
    message = _LONG_QUOTED().sub(lambda m: f"'{m.group(1)[:60]}…' " + t("({n} characters)", n=len(m.group(1))), message)
    if len(message) > MAX_MESSAGE:
        message = message[:MAX_MESSAGE] + "… " + t("({n} characters in all)", n=len(message))
    return message

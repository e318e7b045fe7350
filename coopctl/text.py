"""Text from the store made safe to show: no control characters, no runaway lengths.

Core modules (store, editing, calendar, spreadsheet) need this as much as the
renderer does, so it lives here, free of Rich.
"""

from __future__ import annotations

import re

from coopctl.i18n import t

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile("[\ud800-\udfff]")  # undecodable bytes (file names, arguments) as Python carries them
# in JSON: escaped (\uXXXX) rather than removed, so the data stays whole but never acts on a terminal
JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")


def json_safe(text: str) -> str:
    """JSON text with characters that could act on a terminal escaped as \\uXXXX (still the same data)."""
    return JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def clean(text: str, single_line: bool = True) -> str:
    """Text safe for a terminal: control and direction-override characters removed."""
    if single_line:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\t", " ").replace("\u2028", " ").replace("\u2029", " ")
    return _CONTROL.sub("", _SURROGATE.sub("\ufffd", text))


_LONG_QUOTED = re.compile(r"'([^'\n]{%d,})'" % 120)
MAX_MESSAGE = 2000


def shorten(message: str) -> str:
    """An error message stays one readable line: a quoted value of thousands of characters
    (a 100,000-character name typed or stored) is cut, saying how long it was."""
    message = _LONG_QUOTED.sub(lambda m: f"'{m.group(1)[:60]}…' " + t("({n} characters)", n=len(m.group(1))), message)
    if len(message) > MAX_MESSAGE:
        message = message[:MAX_MESSAGE] + "… " + t("({n} characters in all)", n=len(message))
    return message

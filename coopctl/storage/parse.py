"""A store file's text to TOML data, or a problem placed at its file, line and column.

coopctl writes one canonical layout and reads it with its own fast reader
(`toml_fast`); anything else goes to `tomllib`, whose terse messages are made
specific here (an impossible date, a string not closed, nesting too deep). A
file that is too large, not UTF-8, or holds git's conflict markers is
reported too; nothing here raises for bad content.
"""

from __future__ import annotations

from pathlib import Path

from coopctl.core.errors import Problem
from coopctl.core.patterns import pattern
from coopctl.i18n import N_, t

MAX_FILE_BYTES = 10 * 1024 * 1024
# `toml_fast` reads coopctl's layout several times faster than `tomllib`, but compiling its pattern costs about
# 3 ms, what `tomllib` takes for some 25 KB: a run's first 32 KB of partner files (all that a write or a run after
# one hand edit reads, the rest coming from the cache) go to `tomllib`, already loaded for the settings file.
TOMLLIB_FIRST_BYTES = 32 * 1024
_tomllib_left = [TOMLLIB_FIRST_BYTES]  # of this process's first bytes, those not read yet
_POSITION = pattern(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_END = pattern(r"\s*\(at end of document\)\s*$")
_CONFLICT = pattern(r"(?:^|\n)<<<<<<< ")


def parse(path: Path, name: str, problems: list[Problem], fast: bool = True) -> tuple[dict | None, str | None]:
    """The TOML data in a store file and its text; (None, None) with the problems reported when it
    cannot be read or is not TOML. `fast`: try coopctl's own reader first, once a run has read more than a few
    files (for the many partner files; the one settings file goes straight to `tomllib`, which starts sooner
    than `toml_fast` compiles its pattern). Either way the data is the same (see `toml_fast`)."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.append(Problem(name, None, None, t("file is {size} MB; a store file may hold at most {limit} MB",
                                                        size=size // (1024 * 1024), limit=MAX_FILE_BYTES // (1024 * 1024))))
            return None, None
        raw = path.read_bytes()
    except OSError as e:
        problems.append(Problem(name, None, None, t("cannot read: {reason}", reason=e.strerror or e)))
        return None, None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        column = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        problems.append(Problem(name, line, column, t("not valid UTF-8 (byte 0x{byte:02x}); save the file as UTF-8",
                                                      byte=raw[e.start])))
        return None, None
    conflict = _CONFLICT().search(text) if "<<<<<<< " in text else None  # `in` first: far faster than the pattern
    if conflict:
        line = text.count("\n", 0, conflict.start()) + 1 + (text[conflict.start()] == "\n")
        problems.append(Problem(name, line, 1, t("unresolved git conflict: keep the right version between <<<<<<< "
                                                 "and >>>>>>>, delete the markers, then 'git add' the file and "
                                                 "'git rebase --continue'")))
        return None, None
    if fast and _worth_compiling(len(raw)):
        from coopctl.storage import toml_fast

        data = toml_fast.loads(text)  # the canonical layout coopctl writes, several times faster than tomllib
        if data is not None:
            return data, text
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        message = str(e)
        m = _POSITION().search(message)
        if m:
            line, column = int(m.group(1)), int(m.group(2))
            problems.append(Problem(name, *_explain_toml_error(text, line, column, message[: m.start()])))
        else:
            line = text.count("\n") + 1
            problems.append(Problem(name, line, None, t("invalid TOML: {reason} (at end of file)", reason=_reason(_END().sub("", message)))))
        return None, None
    except RecursionError:
        line, column = _too_deep(text)
        problems.append(Problem(name, line, column, t("invalid TOML: arrays or tables nested too deeply")))
        return None, None
    except ValueError:  # an integer of more digits than Python converts (sys.get_int_max_str_digits)
        line, column, digits = _longest_number(text)
        problems.append(Problem(name, line, column, t("invalid TOML: a number of {n} digits; TOML's whole numbers "
                                                      "have at most 19", n=digits)))
        return None, None
    return data, text


def _worth_compiling(size: int) -> bool:
    """Whether to read a file of `size` bytes with `toml_fast`: once the first `TOMLLIB_FIRST_BYTES` are read."""
    if _tomllib_left[0] <= 0:
        return True
    _tomllib_left[0] -= size
    return False


_DIGITS = pattern(r"[0-9][0-9_]*")


def _longest_number(text: str) -> tuple[int | None, int | None, int]:
    """Where the longest run of digits starts, and how many digits it has."""
    best = max(_DIGITS().finditer(text), key=lambda m: m.end() - m.start(), default=None)
    if best is None:
        return None, None, 0
    line = text.count("\n", 0, best.start()) + 1
    column = best.start() - (text.rfind("\n", 0, best.start()) + 1) + 1
    return line, column, best.group().replace("_", "").__len__()


# tomllib's own messages (English, fixed), so that they read in the reader's language; the others stay as they are
TOMLLIB_MESSAGES = frozenset((
    N_("Invalid value"), N_("Invalid statement"), N_("Cannot overwrite a value"), N_("Unclosed array"),
    N_("Unclosed inline table"), N_("Unterminated string"), N_("Invalid date or datetime"), N_("Invalid hex value"),
    N_("Expected '=' after a key in a key/value pair"), N_("Expected ']' at the end of a table declaration"),
    N_("Expected ']]' at the end of an array declaration"), N_("Invalid initial character for a key part"),
    N_("Escaped character is not a Unicode scalar value"), N_("Unescaped '\\' in a string"),
    N_("Expected newline or end of document after a statement"),
))
# and those that name what they found: (pattern, catalogue text with the same placeholders)
TOMLLIB_PATTERNS = (
    (pattern(r"^Illegal character (?P<char>.+)$"), N_("Illegal character {char}")),
    (pattern(r"^Found invalid character (?P<char>.+)$"), N_("Found invalid character {char}")),
    (pattern(r"^Cannot declare (?P<key>.+) twice$"), N_("Cannot declare {key} twice")),
    (pattern(r"^Cannot mutate immutable namespace (?P<key>.+)$"), N_("Cannot mutate immutable namespace {key}")),
    (pattern(r"^Cannot redefine namespace (?P<key>.+)$"), N_("Cannot redefine namespace {key}")),
    (pattern(r"^Duplicate inline table key (?P<key>.+)$"), N_("Duplicate inline table key {key}")),
    (pattern(r"^Expected (?P<what>'.*')$"), N_("Expected {what}")),
)


def _reason(message: str) -> str:
    if message in TOMLLIB_MESSAGES:
        return t(message)
    for compiled, text in TOMLLIB_PATTERNS:
        m = compiled().match(message)
        if m:
            return t(text, **m.groupdict())
    return message


_DATE_LIKE = pattern(r"\d{4}-\d{1,2}-\d{1,2}")
MAX_DEPTH_SHOWN = 100


def _explain_toml_error(text: str, line: int, column: int, message: str) -> tuple[int, int, str]:
    """tomllib's message, made specific where it is vague: an impossible date, a string not closed."""
    source_line = text.split("\n")[line - 1] if 0 < line <= text.count("\n") + 1 else ""
    for m in _DATE_LIKE().finditer(source_line):
        if m.start() < column <= m.end() + 1:
            import datetime

            try:
                datetime.date.fromisoformat(m.group())
            except ValueError:
                return line, m.start() + 1, t("invalid TOML: '{text}' is not a date in the calendar (write YYYY-MM-DD, "
                                              'or "YYYY-MM" / "YYYY" in quotes when only the month or year is known)',
                                              text=m.group())
    if message == "Illegal character '\\n'":
        return line, column, t("invalid TOML: a string is not closed before the end of the line")
    return line, column, t("invalid TOML: {reason}", reason=_reason(message))


def _too_deep(text: str) -> tuple[int | None, int | None]:
    """Where brackets first nest deeper than anything a store needs (strings are not skipped: a rough pointer)."""
    depth = 0
    line, start = 1, 0
    for i, ch in enumerate(text):
        if ch == "\n":
            line, start = line + 1, i + 1
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH_SHOWN:
                return line, i - start + 1
        elif ch in "]}":
            depth = max(depth - 1, 0)
    return None, None

"""A fast reader for the TOML that coopctl itself writes.

`tomllib` is pure Python and walks its input one character at a time; reading a
large store without a cache spends most of its time there. The files coopctl
writes (see `coopctl.codec`) use a small, line-based part of TOML: bare keys,
`[table]` and `[[array.of.tables]]` headers, one-line strings, integers,
booleans, local dates, and arrays of those or of flat inline tables. `loads`
splits such a text into statements with a single regular expression (one
`findall`, in C) and builds the tables from the pieces.

It follows tomllib's rules exactly, including its bookkeeping of which tables
were declared and which values are closed to further keys, and returns None for
any text it is not certain about: floats, times, multi-line strings, dotted or
quoted keys, nested arrays, arrays or tables inside inline tables, and every text
tomllib rejects. The caller then runs tomllib, which either parses the text or
reports the error, so a result from `loads` never differs from `tomllib.loads`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Callable

__all__ = ["loads"]

_CTRL = r"\x00-\x08\x0a-\x1f\x7f"  # what tomllib forbids in strings and comments (a tab is allowed)
_BASIC_STRING = rf'"[^"\\{_CTRL}]*+(?:\\(?:[btnfr"\\]|u[0-9A-Fa-f]{{4}}|U[0-9A-Fa-f]{{8}})[^"\\{_CTRL}]*+)*+"'
_PLAIN_STRING = rf'"[^"\\{_CTRL}]*+"'
_LITERAL_STRING = rf"'[^'{_CTRL}]*+'"
_LOCAL_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_INTEGER = r"[+-]?(?:0|[1-9](?:_?[0-9])*+)"
_BOOLEAN = r"true|false"
_KEY = r"[A-Za-z0-9_-]++"
_ANY_SCALAR = rf"(?:{_BASIC_STRING}|{_LITERAL_STRING}|{_LOCAL_DATE}|{_INTEGER}|{_BOOLEAN})"
_INLINE_PAIR = rf"{_KEY}[ \t]*+=[ \t]*+{_ANY_SCALAR}"
_INLINE_TABLE = rf"\{{[ \t]*+(?:{_INLINE_PAIR}(?:[ \t]*+,[ \t]*+{_INLINE_PAIR})*+[ \t]*+)?\}}"
_ARRAY_SPACE = rf"[ \t\n]*+(?:#[^{_CTRL}]*+\n[ \t\n]*+)*+"
_ITEM = rf"(?:{_ANY_SCALAR}|{_INLINE_TABLE})"
_ARRAY = (
    rf"\[{_ARRAY_SPACE}"
    rf"(?:{_ITEM}{_ARRAY_SPACE}(?:,{_ARRAY_SPACE}{_ITEM}{_ARRAY_SPACE})*+(?:,{_ARRAY_SPACE})?)?\]"
)
_PLAIN_STRINGS = (
    rf"\[[ \t\n]*+({_PLAIN_STRING}(?:[ \t\n]*+,[ \t\n]*+{_PLAIN_STRING})*+)[ \t\n]*+(?:,[ \t\n]*+)?\]"
)
_END = rf"(?:\n|[ \t]*+(?:#[^{_CTRL}]*+)?(?:\n|\Z))"

# One line, as the groups `_parse` unpacks: `key = value`, a header, nothing but a
# comment (every group empty), or any other line (`other`). Strings keep their quotes
# so that an empty string is still a non-empty group. An array whose items are all
# strings without escapes is one group for `str.split`; any other array, and an
# inline table, is matched whole and parsed again by `_array` or `_inline_table`.
_LINE = re.compile(
    rf"[ \t]*+(?:({_KEY})[ \t]*+=[ \t]*+(?:({_BASIC_STRING})|({_LOCAL_DATE})|({_INTEGER})|({_LITERAL_STRING})"
    rf"|({_BOOLEAN})|{_PLAIN_STRINGS}|({_ARRAY})|({_INLINE_TABLE}))"
    rf"|\[(\[)?[ \t]*+({_KEY}(?:[ \t]*+\.[ \t]*+{_KEY})*+)[ \t]*+\](?(10)\]))?{_END}"
    r"|([^\n]+)"
)

_SCALAR = re.compile(
    rf"({_BASIC_STRING})|({_LITERAL_STRING})|({_LOCAL_DATE})|({_INTEGER})|({_BOOLEAN})"
)
_SPACE_IN_ARRAY = re.compile(_ARRAY_SPACE)
_INLINE_KEY = re.compile(rf"({_KEY})[ \t]*+=[ \t]*+")
_INLINE_SEPARATOR = re.compile(r"[ \t]*+(?:(\})|,[ \t]*+)")
_SPACE = re.compile(r"[ \t]*+")
_ESCAPE = re.compile(r'\\(?:([btnfr"\\])|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8}))')
_SIMPLE_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}

# tomllib's flags, as a tree of nodes [declared, frozen, children]: `declared` (its
# EXPLICIT_NEST) marks a table opened by a header, which no `[header]` may open again;
# `frozen` (its FROZEN) marks an array or inline table given as a value, which
# nothing may extend, nor anything below it.
_DECLARED, _FROZEN, _CHILDREN = range(3)


class _Unsupported(Exception):
    pass


def loads(text: str) -> dict | None:
    """`tomllib.loads(text)`, or None when `text` is outside the supported subset or is not valid TOML."""
    if not isinstance(text, str):
        return None
    try:
        return _parse(text.replace("\r\n", "\n") if "\r" in text else text)
    except (_Unsupported, ValueError, IndexError):
        return None


def _parse(text: str) -> dict:
    root: dict = {}
    flags: dict = {}
    table, flag_children = root, flags
    headers: dict[str, tuple[str, ...]] = {}
    statements = _LINE.findall(text)
    for key, string, day, integer, literal, boolean, strings, array, inline, aot, name, other in statements:
        if key:
            if key in table:
                raise _Unsupported
            if string:
                table[key] = _unescape(string[1:-1]) if "\\" in string else string[1:-1]
            elif day:
                table[key] = date.fromisoformat(day)
            elif integer:
                table[key] = int(integer)
            elif strings:
                table[key] = strings.split('"')[1::2]
                _freeze(flag_children, key)
            elif literal:
                table[key] = literal[1:-1]
            elif boolean:
                table[key] = boolean == "true"
            else:
                table[key] = _whole(_array, array) if array else _whole(_inline_table, inline)
                _freeze(flag_children, key)
        elif name:
            header = headers.get(name)
            if header is None:
                header = headers[name] = tuple(part.strip(" \t") for part in name.split("."))
            table, flag_children = _open(root, flags, header, bool(aot))
        elif other:
            raise _Unsupported
    return root


def _open(root: dict, flags: dict, header: tuple[str, ...], array: bool) -> tuple[dict, dict]:
    """What tomllib does for `[header]` (or `[[header]]` when `array`): the table that
    the following keys go to, and its flag node's children."""
    cont, children = root, flags
    for k in header[:-1]:
        node = children.get(k)
        if node is None:
            node = children[k] = [False, False, {}]
        elif node[_FROZEN]:
            raise _Unsupported
        children = node[_CHILDREN]
        value = cont.get(k)
        if value is None:
            value = cont[k] = {}
        elif type(value) is list:
            value = value[-1]
        if type(value) is not dict:
            raise _Unsupported
        cont = value
    last = header[-1]
    node = children.get(last)
    if node is not None and (node[_FROZEN] or (node[_DECLARED] and not array)):
        raise _Unsupported
    value = cont.get(last)
    if array:
        node = children[last] = [True, False, {}]
        table: dict = {}
        if value is None:
            cont[last] = [table]
        elif type(value) is list:
            value.append(table)
        else:
            raise _Unsupported
        return table, node[_CHILDREN]
    if node is None:
        node = children[last] = [True, False, {}]
    node[_DECLARED] = True
    if value is None:
        value = cont[last] = {}
    elif type(value) is list:
        value = value[-1]
    if type(value) is not dict:
        raise _Unsupported
    return value, node[_CHILDREN]


def _freeze(flag_children: dict, key: str) -> None:
    node = flag_children.get(key)
    if node is None:
        flag_children[key] = [False, True, {}]
    else:
        node[_FROZEN] = True


def _whole(parse: Callable[[str, int], tuple[Any, int]], text: str) -> Any:
    """`parse` (`_array` or `_inline_table`) applied to a value matched whole, which it must consume whole."""
    value, pos = parse(text, 1)
    if pos != len(text):
        raise _Unsupported
    return value


def _array(text: str, pos: int) -> tuple[list, int]:
    """The array whose '[' is just before `pos` (as tomllib's parse_array reads it), and the position after its ']'."""
    items: list = []
    pos = _SPACE_IN_ARRAY.match(text, pos).end()
    if text.startswith("]", pos):
        return items, pos + 1
    while True:
        if text.startswith("{", pos):
            value, pos = _inline_table(text, pos + 1)
        else:
            value, pos = _scalar(text, pos)
        items.append(value)
        pos = _SPACE_IN_ARRAY.match(text, pos).end()
        if text.startswith("]", pos):
            return items, pos + 1
        if not text.startswith(",", pos):
            raise _Unsupported
        pos = _SPACE_IN_ARRAY.match(text, pos + 1).end()
        if text.startswith("]", pos):
            return items, pos + 1


def _inline_table(text: str, pos: int) -> tuple[dict, int]:
    """The one-line inline table of scalars whose '{' is just before `pos`, and the position after its '}'."""
    table: dict = {}
    pos = _SPACE.match(text, pos).end()
    if text.startswith("}", pos):
        return table, pos + 1
    while True:
        m = _INLINE_KEY.match(text, pos)
        if m is None:
            raise _Unsupported
        value, pos = _scalar(text, m.end())
        key = m[1]
        if key in table:
            raise _Unsupported
        table[key] = value
        m = _INLINE_SEPARATOR.match(text, pos)
        if m is None:
            raise _Unsupported
        pos = m.end()
        if m[1] is not None:
            return table, pos


def _scalar(text: str, pos: int) -> tuple[Any, int]:
    """A string, integer, boolean or local date starting at `pos`, and the position after it."""
    m = _SCALAR.match(text, pos)
    if m is None:
        raise _Unsupported
    string, literal, day, integer, boolean = m.groups()
    if string is not None:
        value: Any = _unescape(string[1:-1]) if "\\" in string else string[1:-1]
    elif literal is not None:
        value = literal[1:-1]
    elif day is not None:
        value = date.fromisoformat(day)
    elif integer is not None:
        value = int(integer)
    else:
        value = boolean == "true"
    return value, m.end()


def _unescape(body: str) -> str:
    return _ESCAPE.sub(_unescape_one, body)


def _unescape_one(m: re.Match) -> str:
    if m[1] is not None:
        return _SIMPLE_ESCAPES[m[1]]
    code = int(m[2] or m[3], 16)
    if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        raise _Unsupported
    return chr(code)

"""Where things are in a TOML file: line numbers for keys, and comments.

tomllib returns plain values with no positions, so this small lexer walks the
text once to map each table, key and array element to its line and column.
`check` uses the map for `file:line: message`; the store uses the comment
list to refuse rewriting a file whose comments would be lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Path = tuple  # mixed str keys and int indexes, e.g. ("agreements", 0, "terms", 1, "end")
MAX_IMPLIED_DEPTH = 64


@dataclass
class SourceMap:
    locations: dict[Path, tuple[int, int]] = field(default_factory=dict)
    comments: list[tuple[int, int]] = field(default_factory=list)

    def add(self, path: Path, where: tuple[int, int], first: int) -> None:
        """Record `path` and the tables it implicitly defines (`a.b.c = 1` defines `a` and `a.b`),
        from length `first` on; a hostile depth of thousands records only the first levels."""
        for n in range(first, min(len(path), MAX_IMPLIED_DEPTH)):
            self.locations.setdefault(path[:n], where)
        self.locations.setdefault(path, where)

    def locate(self, path: Path) -> tuple[int | None, int | None]:
        """The line and column of `path`, else of its nearest enclosing item."""
        path = tuple(path)
        while path:
            if path in self.locations:
                return self.locations[path]
            path = path[:-1]
        return (None, None)


def _split_key(text: str) -> list[str]:
    """Split a (possibly dotted, possibly quoted) key into its parts."""
    parts, current, quote, i = [], "", None, 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == quote:
                quote = None
            elif ch == "\\" and quote == '"' and i + 1 < len(text):
                i += 1
                current += text[i]
            else:
                current += ch
        elif ch in "\"'":
            quote = ch
        elif ch == ".":
            parts.append(current.strip())
            current = ""
        else:
            current += ch
        i += 1
    parts.append(current.strip())
    return parts


def _unquoted(line: str, start: int, token: str) -> int:
    """Index of the first `token` at or after `start` that is outside a quoted string, or -1: the `=` that
    ends a key, the `]` or `]]` that closes a table header."""
    quote = None
    for i in range(start, len(line)):
        ch = line[i]
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif line.startswith(token, i):
            return i
    return -1


def scan(text: str) -> SourceMap:
    smap = SourceMap()
    aot_counts: dict[Path, int] = {}
    aot_current: dict[Path, int] = {}
    table: Path = ()
    state: str | None = None  # None, '"', "'", '"""', "'''"
    depth = 0
    array_stack: list[list] = []  # [path, element index, expecting element]

    for lineno, line in enumerate(text.split("\n"), 1):
        i = 0
        if state is None and depth == 0:
            stripped = line.lstrip(" \t")
            col = len(line) - len(stripped)
            if stripped.startswith("["):
                double = stripped.startswith("[[")
                end = _unquoted(line, col + (2 if double else 1), "]]" if double else "]")
                if end != -1:
                    parts = _split_key(line[col + (2 if double else 1):end])
                    path: list = []
                    for part in parts[:-1]:
                        path.append(part)
                        if tuple(path) in aot_current:
                            path.append(aot_current[tuple(path)])
                    path.append(parts[-1])
                    if double:
                        key = tuple(path)
                        index = aot_counts.get(key, 0)
                        aot_counts[key] = index + 1
                        aot_current[key] = index
                        path.append(index)
                    table = tuple(path)
                    smap.add(table, (lineno, col + 1), 1)
                    i = end + (2 if double else 1)
            elif stripped and not stripped.startswith("#"):
                eq = _unquoted(line, col, "=")
                if eq != -1:
                    key = table + tuple(_split_key(line[col:eq]))
                    smap.add(key, (lineno, col + 1), len(table) + 1)
                    i = eq + 1
                    while i < len(line) and line[i] in " \t":
                        i += 1
                    if line.startswith("[", i):
                        array_stack.append([key, 0, True])
                        depth = 1
                        i += 1
        while i < len(line):
            ch = line[i]
            if state is not None:
                if state in ('"""', "'''"):
                    if line.startswith(state, i):
                        # a closing delimiter may be followed by up to two more quotes
                        j = i + 3
                        while j < len(line) and line[j] == state[0] and j < i + 5:
                            j += 1
                        state = None
                        i = j
                        continue
                    if state == '"""' and ch == "\\":
                        i += 2
                        continue
                else:
                    if ch == state:
                        state = None
                    elif state == '"' and ch == "\\":
                        i += 2
                        continue
                i += 1
                continue
            if ch in " \t\r":
                i += 1
                continue
            if array_stack and array_stack[-1][2] and ch not in "]#,":
                entry = array_stack[-1]
                smap.locations.setdefault(entry[0] + (entry[1],), (lineno, i + 1))
                entry[2] = False
            if ch == "#":
                smap.comments.append((lineno, i + 1))
                break
            if ch in "\"'":
                if line.startswith(ch * 3, i):
                    state = ch * 3
                    i += 3
                    continue
                state = ch
            elif ch in "[{":
                depth += 1
                if ch == "[" and array_stack and depth > 1 and not array_stack[-1][2]:
                    array_stack.append([array_stack[-1][0] + (array_stack[-1][1],), 0, True])
            elif ch in "]}":
                depth = max(0, depth - 1)
                if ch == "]" and array_stack and len(array_stack) > depth:
                    array_stack.pop()
            elif ch == "," and array_stack and len(array_stack) == depth:
                array_stack[-1][1] += 1
                array_stack[-1][2] = True
            i += 1
        if state in ('"', "'"):
            state = None  # a single-line string cannot span lines; tomllib reports it
    return smap

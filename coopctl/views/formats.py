"""Machine and document formats of rows: JSON, CSV and Markdown (tables are in `tables`).

Store text is data: every cell goes through `core.text` (control characters and
line separators removed; CSV cells that a spreadsheet would run as a formula,
full-width ones too, get a leading apostrophe; Markdown escapes HTML, `|` and
backslashes), and JSON escapes what could act on a terminal (`json_bytes`). JSON goes straight to stdout,
never through Rich, so it is never wrapped.
"""

from __future__ import annotations

import sys
from typing import Any, Iterable, Sequence

from coopctl import i18n
from coopctl.core.text import clean, json_safe, json_safe_utf8, md_text

Column = tuple[str, str]  # (key in the row dict, header)


def cell(value: Any) -> str:
    if type(value) is str:
        return clean(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return " ".join(f"{k}={cell(v)}" for k, v in value.items() if v is not None)
    return clean(str(value))


def json_bytes(obj: Any) -> bytes:
    """`json_safe(json.dumps(obj, ensure_ascii=False, indent=2))` as UTF-8, ready to print. Made by orjson
    when it can (ten times faster on a large listing, and the same text); by the standard library where
    orjson is missing or declines (a lone surrogate, an integer beyond 64 bits, a value that is not plain
    JSON data: that raises TypeError, as `json.dumps` does)."""
    data = _orjson_bytes(obj)
    if data is not None:
        return json_safe_utf8(data)
    import json  # here, not at the top: a command that prints a table never needs it (start-up time)

    return json_safe(json.dumps(obj, ensure_ascii=False, indent=2)).encode("utf-8")


def _orjson_bytes(obj: Any) -> bytes | None:
    try:
        import orjson
    except ImportError:
        return None
    try:
        return orjson.dumps(obj, option=orjson.OPT_INDENT_2 | orjson.OPT_PASSTHROUGH_DATETIME
                            | orjson.OPT_PASSTHROUGH_DATACLASS)
    except (TypeError, ValueError):  # orjson.JSONEncodeError is a TypeError
        return None



JSON_PART = 2_000  # items per part of a long JSON list (`write_json`)


def write_json(obj: Any) -> None:
    """`obj` as indented JSON on stdout, characters that could act on a terminal escaped (see `json_bytes`).
    A long list is made and written `JSON_PART` items at a time: the same text as the whole list made at once
    (the items of an indented list are joined by ",\n"), without holding all of it, and a copy, in memory
    (100 MB for `renew` at 100,000 agreements)."""
    if type(obj) is not list or len(obj) <= JSON_PART:
        _write_utf8([json_bytes(obj), b"\n"])
        return
    # each part as a list of its own, less its "[\n" and "\n]": its items, indented as in the whole
    parts = (json_bytes(obj[i:i + JSON_PART])[2:-2] for i in range(0, len(obj), JSON_PART))
    _write_utf8(_joined(parts, b"[\n", b",\n", b"\n]\n"))


def _joined(parts: Iterable[bytes], first: bytes, between: bytes, last: bytes) -> Iterable[bytes]:
    yield first
    for i, part in enumerate(parts):
        if i:
            yield between
        yield part
    yield last


def _write_utf8(pieces: Iterable[bytes]) -> None:
    """UTF-8 pieces on stdout: as bytes where stdout is UTF-8, else decoded into its encoding."""
    out = sys.stdout
    if (getattr(out, "encoding", "") or "").lower().replace("-", "") == "utf8" and hasattr(out, "buffer"):
        out.flush()
        for piece in pieces:
            out.buffer.write(piece)
        out.buffer.flush()
        return
    for piece in pieces:
        out.write(piece.decode("utf-8"))


def _csv_cell(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    text = ";".join(cell(v) for v in value) if isinstance(value, (list, tuple)) else cell(value)
    return clean(text, formulas=True)


def write_csv(rows: Iterable[dict], columns: Sequence[str]) -> None:
    import csv

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row.get(c)) for c in columns])


def _md_cell(value: Any) -> str:
    if isinstance(value, bool):  # Markdown is for people: yes and no in their language (CSV keeps English)
        value = i18n.t("yes") if value else i18n.t("no")
    return md_text(cell(value)) or " "


def md_table(rows: Iterable[dict], columns: Sequence[Column]) -> str:
    lines = ["| " + " | ".join(h for _, h in columns) + " |",
             "|" + "|".join("---" for _ in columns) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(_md_cell(row.get(k)) for k, _ in columns) + " |")
    return "\n".join(lines)


def write_md(rows: Iterable[dict], columns: Sequence[Column], title: str | None = None) -> None:
    out = []
    if title:
        out += [f"## {md_text(title)}", ""]
    out.append(md_table(rows, columns))
    sys.stdout.write("\n".join(out) + "\n")

"""What the columns of a spreadsheet mean, and the rows they make.

`read_rows` finds the header row (in the first rows of the sheet), recognises each column by
its header, in English or Indonesian, ignoring case, spaces, punctuation and anything in
brackets (`FIELDS`), and turns every row under it into a `Row` of field values: dates, yes/no,
ids, country codes, partner kinds, agreement types, levels (with their Indonesian and
customary names, through `core.lexicon` as the options read them), sectors and durations.
Each wrong cell is a `CellProblem`; a column it does not read is a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from coopctl.core.countries import find_country, nearest_countries
from coopctl.core.dates import DateError, parse_duration
from coopctl.core.errors import UsageError
from coopctl.core.ids import fold, is_slug
from coopctl.core import lexicon
from coopctl.i18n import t, tn
from coopctl.interop.cells import (
    CellProblem,
    ExcelError,
    Formula,
    Table,
    column_letter,
    parse_cell_date,
    unescape_text,
)
from coopctl.interop.inference import type_in, type_of_cell
from coopctl.interop.phrases import split_phrases

HEADER_SEARCH_ROWS = 20  # the header is looked for among this many non-empty rows at the top


# ---------------------------------------------------------------- columns

# field -> header names it answers to (compared after `fold`, with any "(...)" removed);
# the first is the one exports write.
FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "agreement id", "id perjanjian", "kode perjanjian"),
    "partner": ("partner", "mitra", "partner name", "nama mitra", "mitra kerja sama", "mitra kerjasama",
                "nama mitra kerja sama", "pihak mitra", "counterpart", "partner_name"),
    "partner_id": ("partner_id", "id mitra", "kode mitra"),
    "local_name": ("local_name", "nama lokal"),
    "country": ("country", "negara", "negara mitra", "partner country"),
    "kind": ("kind", "partner kind", "jenis mitra"),
    "level": ("level", "tingkat", "tingkat mitra"),
    "title": ("title", "judul", "judul perjanjian", "nama perjanjian", "judul kerja sama", "judul kerjasama",
              "judul naskah", "perihal", "tentang", "agreement title", "document title"),
    "type": ("type", "jenis", "jenis perjanjian", "bentuk", "bentuk kerja sama", "bentuk kerjasama", "jenis dokumen",
             "jenis naskah", "document type", "instrument"),
    "sectors": ("sectors", "sector", "bidang", "sektor", "bidang kerja sama", "bidang kerjasama", "ruang lingkup",
                "lingkup", "scope", "areas of cooperation", "fields of cooperation", "objek kerja sama"),
    "unit": ("unit", "opd", "perangkat daerah", "unit kerja", "penanggung jawab", "responsible unit"),
    "notice": ("notice", "masa pemberitahuan"),
    "start": ("start", "start date", "tanggal mulai", "mulai", "mulai berlaku", "tanggal berlaku", "tgl mulai",
              "tgl mulai berlaku", "start_date", "effective date", "berlaku mulai"),
    "end": ("end", "end date", "tanggal berakhir", "berakhir", "berlaku sampai", "sampai", "tgl berakhir",
            "tgl selesai", "tanggal selesai", "end_date", "expiry date", "berlaku hingga"),
    "signed": ("signed", "signed on", "date signed", "tanggal tanda tangan", "tanggal penandatanganan",
               "ditandatangani", "tgl tanda tangan", "tgl penandatanganan", "tgl ttd", "tanggal ttd", "signing date",
               "date of signing", "signed_on"),
    "pending": ("pending", "belum ditandatangani", "dalam proses"),
    "number": ("number", "nomor", "nomor perjanjian", "no perjanjian", "no naskah", "nomor naskah", "no dokumen",
               "document number"),
    "place": ("place", "tempat", "tempat penandatanganan", "signed at"),
    "partner_number": ("partner_number", "partner number", "nomor mitra", "nomor pihak mitra", "no mitra"),
    "signatories": ("signatories", "signed by", "penandatangan", "para penandatangan"),
    "note": ("note", "notes", "keterangan", "catatan", "remarks"),
    "sources": ("sources", "source", "source_url", "source url", "url", "sumber", "tautan", "link"),
    "local_party": ("local_party", "local party", "pihak daerah", "pemda", "pihak indonesia"),
    # what the exports write, and only that: a bureau's own 'Kategori' or 'Induk' column stays its own (extra)
    "under": ("under",),
    "category": ("category",),
    "terminated": ("terminated",),
    "termination_reason": ("termination_reason",),
}
# columns an export writes that are worked out, not read back, and a row counter ("No")
DERIVED = ("state", "status", "days_left", "sisa hari", "window_opens", "last_end", "end_day",
           "no", "no urut", "nomor urut", "coopctl problems", "masalah coopctl", "owner")
PROBLEMS_HEADER = "coopctl problems"  # the column a rejects file adds (rejects.py); read back, it is ignored

_HEADERS: dict[str, str] = {fold(h): f for f, names in FIELDS.items() for h in names}
_DERIVED = {fold(h) for h in DERIVED}
_PAREN = re.compile(r"\([^)]*\)")

PARTNER_FIELDS = ("partner", "partner_id", "local_name", "country", "kind", "level")
AGREEMENT_FIELDS = ("title", "type", "unit", "notice", "under", "category", "terminated", "termination_reason")


INDONESIAN = {
    "id": "id perjanjian", "partner": "mitra", "partner_id": "id mitra", "local_name": "nama lokal",
    "country": "negara", "kind": "jenis mitra", "level": "tingkat", "title": "judul", "type": "jenis",
    "sectors": "bidang", "unit": "opd", "notice": "masa pemberitahuan", "start": "tanggal mulai",
    "end": "tanggal berakhir", "signed": "tanggal tanda tangan", "pending": "dalam proses", "number": "nomor",
    "place": "tempat", "partner_number": "nomor mitra", "signatories": "penandatangan", "note": "keterangan", "sources": "sumber", "local_party": "pihak daerah",
    "under": "under", "category": "category", "terminated": "terminated", "termination_reason": "termination_reason",
}


def header_names(field_name: str) -> str:
    """`'start' or 'tanggal mulai'`: the header exports write, and its Indonesian form."""
    return t("'{english}' or '{indonesian}'", english=FIELDS[field_name][0], indonesian=INDONESIAN[field_name])


def _header_key(value: Any) -> str:
    if value is None:
        return ""
    return fold(_PAREN.sub(" ", str(value)))


# ---------------------------------------------------------------- cell values

YES = {"yes", "ya", "y", "true", "1", "x", "pending", "benar", "v"}
NO = {"no", "tidak", "n", "false", "0", "-", "bukan"}


class _Cells:
    """Turns the raw cells of one row into field values, collecting problems."""

    def __init__(self, table: Table, problems: list[CellProblem], infer: bool):
        self.table = table
        self.problems = problems
        self.infer = infer

    def problem(self, row: int, column: int | None, message: str) -> None:
        self.problems.append(CellProblem(self.table.name, row, column, message))

    def text(self, value: Any, row: int, column: int) -> str | None:
        if isinstance(value, Formula):
            self.problem(row, column, t("the cell holds a formula ({text}); it must hold a value: copy the column and "
                                        "paste it back with 'Paste Values'", text=value[:60]))
            return None
        if isinstance(value, ExcelError):
            self.problem(row, column, t("the cell shows the error {text}; it must hold a value", text=value))
            return None
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, datetime):
            return value.date().isoformat() if not value.time() else value.isoformat(sep=" ")
        if isinstance(value, date):
            return value.isoformat()
        if not isinstance(value, str):
            return str(value)
        text = unescape_text(value.strip(" \u00a0"))  # spaces only: a tab or newline is kept
        return text or None

    def value(self, name: str, raw: Any, row: int, column: int) -> Any:
        """The field's value from a non-empty cell; None (with a problem) when it is wrong."""
        if isinstance(raw, (Formula, ExcelError)):
            return self.text(raw, row, column)
        if name in ("start", "end", "signed", "terminated"):
            try:
                return parse_cell_date(raw)
            except DateError as e:
                self.problem(row, column, str(e))
                return None
        text = self.text(raw, row, column)
        if text is None:
            return None
        if name == "pending":
            key = fold(text) or text  # "-" folds to nothing
            if key in YES:
                return True
            if key in NO:
                return False
            self.problem(row, column, t("'{text}' is not yes or no (write yes/ya or no/tidak, or leave it empty)",
                                        text=text))
            return None
        if name == "sectors":
            return split_phrases(text) or None  # mapped to sectors by the import (phrases.PhraseMapper)
        if name == "sources":
            return _sources(text)
        if name == "signatories":  # one a line, as the export writes them
            return tuple(line.strip() for line in text.splitlines() if line.strip()) or None
        if name in ("id", "partner_id", "under"):
            if not is_slug(text):
                from coopctl.core.ids import slugify

                what, suggestion = "id" if name != "partner_id" else t("partner id"), slugify(text)
                if suggestion:
                    self.problem(row, column, t("{what} '{text}' must be lowercase letters, digits and '-', such as "
                                                "'{suggestion}'", what=what, text=text, suggestion=suggestion))
                else:
                    self.problem(row, column, t("{what} '{text}' must be lowercase letters, digits and '-'", what=what,
                                                text=text))
                return None
            return text
        if name == "country":
            code = find_country(text)
            if code is None:
                self.problem(row, column, t("country '{value}' is not an ISO 3166-1 alpha-2 code such as ID, AU or JP, "
                                            "nor a country name coopctl knows{hint}", value=text,
                                            hint=nearest_countries(text)))
                return None
            return code
        if name == "kind":
            return self.choice(text, lexicon.KINDS, t("partner kind"), row, column)
        if name == "type":
            kind = type_of_cell(text) or (self.infer and (type_in(text) or (None,))[0])
            if kind:
                return kind
            return self.choice(text, lexicon.TYPES, t("type"), row, column)
        if name == "level":
            return self.choice(text, lexicon.LEVELS, t("level"), row, column)
        if name == "category":
            return self.choice(text, lexicon.CATEGORIES, t("category"), row, column)
        if name == "notice":
            try:
                return parse_duration(text)
            except DateError:
                self.problem(row, column, t("'{text}' is not a duration (write for example 18m, 180d or 5y)",
                                            text=text))
                return None
        return text

    def choice(self, text: str, items: tuple, what: str, row: int, column: int) -> str | None:
        """A kind, type or level by id, label or alias in either language (`core.lexicon`, as options take them)."""
        found = lexicon.find(items, text)
        if found is None:
            self.problem(row, column, t("{what} '{text}' is not one coopctl knows; use one of: {choices}", what=what,
                                        text=text, choices=", ".join(lexicon.ids(items))))
        return found


# ---------------------------------------------------------------- rows of the file


@dataclass
class Row:
    """One row under the header: the values of its cells that hold a valid value."""

    row: int
    values: dict[str, Any]  # field -> value, only for cells with a (valid) value
    columns: dict[str, int]  # field -> column index
    bad: set[str] = field(default_factory=set)  # fields whose cell held something wrong (already reported)
    extra: dict[str, str] = field(default_factory=dict)  # the text of the columns coopctl has no field for
    joins: str | None = None  # set by grouping: the row is a new term of this agreement (a renewal, reaffirmation)
    inferred: set[str] = field(default_factory=set)  # the fields in `values` that were inferred (importing)

    def col(self, name: str) -> int | None:
        return self.columns.get(name)


@dataclass
class _Header:
    row: int
    columns: dict[str, int]  # field -> column
    headers: dict[int, str]  # column -> header text
    extra: dict[int, str] = field(default_factory=dict)  # column -> header, for the columns kept in `extra`


def parse_map(items: list[str]) -> dict[str, str]:
    """`--map "Judul Kerja Sama=title"` (repeatable): the column's header, as written -> its field."""
    mapping: dict[str, str] = {}
    for item in items:
        header, sep, target = item.rpartition("=")
        name = _HEADERS.get(fold(target.strip())) if target.strip() else None
        if not sep or not header.strip() or name is None:
            raise UsageError(t("--map '{item}' must be COLUMN=FIELD, such as \"Judul Kerja Sama=title\"; fields: "
                               "{fields}", item=item, fields=", ".join(FIELDS)), field="map")
        mapping[header.strip()] = name
    return mapping


def _find_header(table: Table, problems: list[CellProblem], notes: list[str], given: dict[str, str]) -> _Header | None:
    seen = 0
    mapping = {_header_key(header): name for header, name in given.items()}
    written = {_header_key(header): header for header in given}
    known = _HEADERS | mapping
    for index, cells in enumerate(table.rows):
        if seen >= HEADER_SEARCH_ROWS:
            break
        if not any(_filled(v) for v in cells):
            continue
        seen += 1
        keys = [_header_key(v) for v in cells]
        if sum(1 for k in keys if k in known) < 2:
            continue
        row = index + 1
        missing = [k for k in mapping if k not in keys]
        if missing:
            shown = ", ".join(f"'{str(v).strip()}'" for v in cells if _filled(v))
            raise UsageError(t("--map names the column '{column}', which {name} does not have (its columns: {columns})",
                               column=written[missing[0]], name=table.name, columns=shown), field="map")
        header = _Header(row, {}, {})
        for i, (raw, key) in enumerate(zip(cells, keys)):
            column = i + 1
            if not key:
                continue
            header.headers[column] = unescape_text(str(raw).strip())  # as a CSV export wrote it
            name = known.get(key)
            if name is None:
                if key not in _DERIVED:
                    import difflib

                    close = difflib.get_close_matches(key, list(_HEADERS), n=1, cutoff=0.75)
                    hint = t(" (did you mean '{name}'?)", name=close[0].replace("-", " ")) if close else ""
                    notes.append(f"{table.name}:{row}:{column_letter(column)}: "
                                 + t("column '{header}' is not one coopctl reads; its values are kept in each "
                                     "agreement's extra table{hint}", header=header.headers[column], hint=hint))
                    header.extra[column] = header.headers[column]
                continue
            if name in header.columns:
                other = header.columns[name]
                problems.append(CellProblem(table.name, row, column,
                                            t("column '{header}' means the same as column {column} ('{other}'); keep "
                                              "one of them", header=header.headers[column], column=column_letter(other),
                                              other=header.headers[other])))
                continue
            header.columns[name] = column
        return header
    message = tn("no header row found: the first row does not name two or more of the columns coopctl reads, "
                 "such as partner/mitra, title/judul, type/jenis, start/tanggal mulai, end/tanggal berakhir",
                 "no header row found: the first {n} rows do not name two or more of the columns coopctl reads, "
                 "such as partner/mitra, title/judul, type/jenis, start/tanggal mulai, end/tanggal berakhir",
                 seen)
    if not seen:  # a byte-order mark alone, or rows of empty cells
        message = t("no header row found: the file holds no values")
    problems.append(CellProblem(table.name, None, None, message))
    return None


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _sources(text: str) -> list[str]:
    """A sources cell: one source a line; several web addresses on one line are split too."""
    found: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        parts = re.split(r"[\s,;]+(?=https?://)", line) if line.count("://") > 1 else [line]
        found += [p.strip(" ,;") for p in parts if p.strip(" ,;")]
    return found


def read_rows(table: Table, problems: list[CellProblem], notes: list[str], mapping: dict[str, str] | None = None,
              infer: bool = True) -> tuple[list[Row], int | None]:
    """Every non-empty row under the header, its cells checked one by one; and the header's row."""
    header = _find_header(table, problems, notes, mapping or {})
    if header is None:
        return [], None
    if "start" not in header.columns and not (infer and "signed" in header.columns):
        problems.append(CellProblem(table.name, header.row, None, t("no {what} column: add a column headed {names}",
                                                                    what=t("start date"), names=header_names("start"))))
    if "partner" not in header.columns and "partner_id" not in header.columns and "id" not in header.columns:
        problems.append(CellProblem(table.name, header.row, None, t("no {what} column: add a column headed {names}",
                                                                    what=t("partner"), names=header_names("partner"))))
    read_columns = set(header.columns.values())
    covered: set[int] = set()
    for min_col, min_row, max_col, max_row in table.merged:
        if max_row < header.row:
            continue
        cells = f"{column_letter(min_col)}{min_row}:{column_letter(max_col)}{max_row}"
        if min_row <= header.row:
            message = t("header cells {cells} are merged; give every column its own header in one row", cells=cells)
            problems.append(CellProblem(table.name, min_row, min_col, message))
        elif any(min_col <= c <= max_col for c in read_columns):
            message = t("cells {cells} are merged; unmerge them and write the value in every row "
                        "(each row must stand on its own)", cells=cells)
            problems.append(CellProblem(table.name, min_row, min_col, message,
                                        rows=tuple(range(min_row, max_row + 1))))
            covered.update(range(min_row, max_row + 1))
    if not any(any(_filled(v) for v in cells) for cells in table.rows[header.row:]):
        notes.append(f"{table.name}: " + t("no rows under the header (row {row}): nothing to import", row=header.row))
    cells_reader = _Cells(table, problems, infer)
    wanted = sorted(header.columns.items(), key=lambda item: item[1])
    unheaded: set[int] = set()
    rows: list[Row] = []
    first_seen: dict[tuple, int] = {}
    for index in range(header.row, len(table.rows)):
        cells = table.rows[index]
        row = index + 1
        if not any(_filled(v) for v in cells):
            continue  # an empty row: skipped
        if row in covered:
            continue  # its merged cells are reported once
        for i, raw in enumerate(cells):
            if i + 1 not in header.headers and _filled(raw) and i + 1 not in unheaded:
                unheaded.add(i + 1)
                notes.append(f"{table.name}:{row}:{column_letter(i + 1)}: " + t(
                    "this column has values but no header; they are ignored (give it a header coopctl reads)"))
        signature = tuple(str(cells[c - 1]).strip() if c <= len(cells) and _filled(cells[c - 1]) else ""
                          for _, c in wanted)
        if not any(signature):  # values only in columns coopctl does not read (a row number of an empty row)
            kept = [name for column, name in header.extra.items() if column <= len(cells) and _filled(cells[column - 1])]
            if kept:
                notes.append(f"{table.name}:{row}: " + t(
                    "this row has values only in columns kept aside ({columns}), none of a term; it is skipped "
                    "(write them on the row of the agreement they belong to)", columns=", ".join(f"'{k}'" for k in kept)))
            continue
        if signature in first_seen:
            message = t("this row repeats row {row} exactly; delete one of them", row=first_seen[signature])
            problems.append(CellProblem(table.name, row, None, message))
            continue
        first_seen[signature] = row
        values: dict[str, Any] = {}
        bad: set[str] = set()
        for name, column in wanted:
            raw = cells[column - 1] if column <= len(cells) else None
            if not _filled(raw):
                continue
            value = cells_reader.value(name, raw, row, column)
            if value is None:
                bad.add(name)
            else:
                values[name] = value
        extra = {}
        for column, name in header.extra.items():
            raw = cells[column - 1] if column <= len(cells) else None
            text = cells_reader.text(raw, row, column) if _filled(raw) and not isinstance(raw, (Formula, ExcelError)) \
                else None
            if text is not None:
                extra[name] = text
        if bad & {"id", "partner_id"}:
            continue  # which agreement or partner it is cannot be told; the cell is reported
        rows.append(Row(row, values, header.columns, bad, extra))
    return rows, header.row

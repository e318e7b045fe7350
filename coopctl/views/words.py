"""The domain's ids as a person reads them: in English the id itself (what the English output always showed),
in Indonesian its label (`sister-province` -> "Provinsi bersaudara", `foreign-local-gov` -> "Pemerintah daerah
di luar negeri", `education` -> "Pendidikan", `ministry-approval` -> "Persetujuan Menteri Dalam Negeri").
JSON and CSV keep the ids; tables, Markdown, HTML and messages use these. An id no list holds (a store's own
sector or procedure) stays as it is."""

from __future__ import annotations

from typing import Iterable

from coopctl import i18n
from coopctl.core import lexicon

_SECTORS: dict[str, str] | None = None


def days(value, cell: bool = False):
    """Days left (`days_left`) shown to people: the number in English; in another language the number (1.016), or
    for a day already past, how long ago in words ("lewat 326 hari") instead of a negative number. A `cell` of a
    table whose column is headed "Days" leaves the unit out ("lewat 326")."""
    if i18n.language() == i18n.ENGLISH or not isinstance(value, int) or isinstance(value, bool):
        return value
    if value < 0:
        return i18n.t("{n} past", n=i18n.number(-value)) if cell else i18n.t("{n} days past", n=i18n.number(-value))
    return i18n.number(value)


def _indonesian() -> bool:
    return i18n.language() == "id"


def type_(value: str | None) -> str | None:
    """An agreement's type, or an activity's (a row's `type` is one or the other; their ids do not overlap)."""
    if value and lexicon.find(lexicon.TYPES, value) != value:
        return lexicon.shown(lexicon.ACTIVITY_TYPES, value)
    return lexicon.shown(lexicon.TYPES, value)


def kind(value: str | None) -> str | None:
    return lexicon.shown(lexicon.KINDS, value)


def level(value: str | None) -> str | None:
    return lexicon.shown(lexicon.LEVELS, value)


def activity(value: str | None) -> str | None:
    return lexicon.shown(lexicon.ACTIVITY_TYPES, value)


def procedure(value: str | None) -> str | None:
    return lexicon.shown(lexicon.PROCEDURES, value)


def document_kind(value: str | None) -> str | None:
    return lexicon.shown(lexicon.DOCUMENT_KINDS, value)


def duration(value: str | None) -> str | None:
    """A duration as stored (`18m`, `180d`, `5y`) in words in Indonesian ("18 bulan"); as it is in English."""
    if not value or not _indonesian() or len(value) < 2 or not value[:-1].isdigit() or value[-1] not in "dmy":
        return value
    n = int(value[:-1])
    if value[-1] == "d":
        return i18n.tn("{n} day", "{n} days", n)
    if value[-1] == "m":
        return i18n.tn("{n} month", "{n} months", n)
    return i18n.tn("{n} year", "{n} years", n)


def category(value: str | None) -> str | None:
    """KSDPL, KSDLL, KSDD and KSDPK are the regulation's own abbreviations, in both languages; "none" is a word."""
    if value == "none" and _indonesian():
        return i18n.t("not regional cooperation")
    return value


def sector(value: str | None) -> str | None:
    """A sector id (`~trade` when assumed) as its Indonesian label in Indonesian."""
    global _SECTORS
    if not value or not _indonesian():
        return value
    if _SECTORS is None:
        from coopctl.core.vocabulary import SECTORS

        _SECTORS = {row[0]: row[2] for row in SECTORS}
    mark = "~" if value.startswith("~") else ""
    bare = value[len(mark):]
    return mark + _SECTORS.get(bare, bare)


def sectors(values: Iterable[str] | None):
    """A list of sector ids as `sector` shows each (the same list in English); in Indonesian one text whose
    labels are separated by ';' (`joined`: a label holds commas itself)."""
    if values is None or not _indonesian():
        return values
    return joined(sector(v) for v in values)


def joined(names: Iterable[str]) -> str:
    """Sector names in one line: separated by ';' in Indonesian, whose labels hold commas themselves
    ("Koperasi, usaha kecil, dan menengah"), by ',' in English."""
    return ("; " if _indonesian() else ", ").join(names)


def step(value: str | None) -> str | None:
    """A step of the procedure (`dprd-approval`) by its Indonesian name in Indonesian."""
    if not value or not _indonesian():
        return value
    from coopctl.core.playbook import STEP_LABELS

    known = STEP_LABELS.get(value)
    return known[1] if known else value


# what each field of a row is, for `row()`
_FIELDS = {"type": type_, "kind": kind, "level": level, "category": category, "sector": sector, "sectors": sectors,
           "procedure": procedure, "next_step": step, "step": step,
           "overdue_steps": lambda steps: [step(s) for s in steps]}


def row(r: dict, fields: Iterable[str] = ("type", "kind", "level", "category", "sector", "sectors", "next_step",
                                          "overdue_steps")) -> dict:
    """A copy of `r` with the ids under `fields` as people read them (the row itself in English)."""
    if not _indonesian():
        return r
    changed = {}
    for key in fields:
        value = r.get(key)
        if isinstance(value, (str, list)):
            shown = _FIELDS[key]
            changed[key] = shown(value) if key != "sector" or isinstance(value, str) else value
    return r | changed

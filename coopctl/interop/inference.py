"""What a real sheet leaves out, worked out from what it holds: shown before it is used.

A bureau's own sheet has no `type` or `kind` column: the type is in the title ("Sister
State/Province Agreement", "Letter of intent", "Kesepakatan Bersama ...", "PKS ..."), the kind
follows from the country and the name (an Indonesian "Kota ..." is a domestic region, a foreign
prefecture or city a foreign local government, a university a foreign institution), and a
"re-affirmation" or "renewal" row is a new term of the agreement it renews. The same partner is
written in several ways ("Darwin", "City of Darwin"; "京都府 (Kyoto Prefecture)", "Kyoto
Prefecture"): `name_key` reduces a name to what identifies it. Every value worked out here is an
`Inferred`, which the import lists (its dry run marks each with `~`); `--no-infer` turns all of it off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from coopctl.core.ids import fold, latin_form
from coopctl.core import lexicon
from coopctl.core.records import AGREEMENT_TYPES
from coopctl.i18n import t

# Issue 15 adds the type `kb` (Kesepakatan Bersama); until then a KB is recorded as an MoU, with a note.
KB_TYPE = "kb" if "kb" in AGREEMENT_TYPES else "mou"

# The ONE table of what names a type, in a title or in a type cell: (phrase, type), most specific first (a
# title is searched in this order: "Memorandum of Understanding (sister city)" is a sister-city agreement,
# "Letter of intent on a sister city" a letter of intent). Phrases are compared after `fold`, as whole words.
TYPE_PHRASES: tuple[tuple[str, str], ...] = (
    ("letter of intent", "loi"), ("loi", "loi"), ("surat pernyataan kehendak", "loi"), ("pernyataan kehendak", "loi"),
    ("spk", "loi"),
    ("sister city", "sister-city"), ("sister cities", "sister-city"), ("twin city", "sister-city"),
    ("friendship city", "sister-city"), ("kota kembar", "sister-city"), ("kota bersaudara", "sister-city"),
    ("sister state", "sister-province"), ("sister province", "sister-province"), ("sister prefecture", "sister-province"),
    ("sister state province", "sister-province"), ("twin province", "sister-province"),
    ("provinsi kembar", "sister-province"), ("provinsi bersaudara", "sister-province"),
    ("kesepakatan bersama", KB_TYPE), ("ksb", KB_TYPE), ("kb", KB_TYPE),
    ("perjanjian kerja sama", "pks"), ("perjanjian kerjasama", "pks"), ("pks", "pks"),
    ("memorandum of understanding", "mou"), ("memorandum", "mou"), ("mou", "mou"), ("nota kesepahaman", "mou"),
    ("nk", "mou"),
    ("action plan", "action-plan"), ("rencana aksi", "action-plan"), ("rencana kerja", "action-plan"),
)
# what a type cell may also say (not looked for in titles: "program" is in many a title)
TYPE_CELL_WORDS = {"program": "programme", "program kerja": "programme", "lainnya": "other", "lain lain": "other"}

# A row whose title says it renews: a new term of the agreement it renews, not a second agreement.
RENEWAL_WORDS = ("reaffirmation", "re-affirmation", "reaffirming", "renewal", "renewed", "extension",
                 "perpanjangan", "pembaruan", "pembaharuan", "penegasan kembali", "penguatan", "revitalisasi",
                 "revitalization", "strengthening")


@dataclass(frozen=True)
class Inferred:
    """One value the sheet did not give: where, what, and from what."""

    row: int
    field: str
    value: str
    reason: str


def _words(text: str) -> str:
    return "-" + fold(text) + "-"


_TYPE_KEYS = [(_words(phrase), phrase, kind) for phrase, kind in TYPE_PHRASES]
_RENEWAL_KEYS = [(_words(word), word) for word in RENEWAL_WORDS]


def type_in(text: str) -> tuple[str, str] | None:
    """(type, the phrase that names it) for the first phrase of `TYPE_PHRASES` in the text, or None."""
    words = _words(text)
    return next(((kind, phrase) for key, phrase, kind in _TYPE_KEYS if key in words), None)


def sister_in(text: str) -> str | None:
    """`sister-city` or `sister-province` when the text names one ("Letter of Intent on sister city cooperation"),
    else None: a partner in such a relationship is a local government."""
    words = _words(text)
    return next((kind for key, _, kind in _TYPE_KEYS if kind.startswith("sister-") and key in words), None)


_CELL_TYPES = {fold(phrase): kind for phrase, kind in TYPE_PHRASES} | {fold(w): k for w, k in TYPE_CELL_WORDS.items()}


@lru_cache(maxsize=4096)
def type_of_cell(text: str) -> str | None:
    """A type cell's type: an id, or a phrase of the table (`Nota Kesepahaman`, `KSB`, `Sister State`)."""
    return lexicon.find(lexicon.TYPES, text) or _CELL_TYPES.get(fold(text))  # the options' resolver first


def is_renewal(title: str) -> str | None:
    """The word that makes a title a renewal, reaffirmation or extension, or None."""
    words = _words(title)
    return next((word for key, word in _RENEWAL_KEYS if key in words), None)


# ---------------------------------------------------------------- partners: name, kind and level

# words that say what level of government a name is (compared after fold)
LEVEL_WORDS: dict[str, str] = {
    "prefecture": "prefecture", "prefektur": "prefecture", "fu": "prefecture", "ken": "prefecture",
    "province": "province", "provinsi": "province", "propinsi": "province", "do": "province", "sheng": "province",
    "state": "state", "city": "city", "kota": "city", "shi": "city", "si": "city", "municipality": "city",
    "metropolitan": "city", "metropolis": "city", "kabupaten": "regency", "regency": "regency", "county": "regency",
    "gun": "regency",
    "university": "university", "universiti": "university", "universitas": "university", "universitat": "university",
    "college": "university", "institute": "university", "institut": "university", "politeknik": "university",
    "ltd": "company", "inc": "company", "corp": "company", "corporation": "company", "company": "company",
    "gmbh": "company", "plc": "company", "pty": "company", "pt": "company", "tbk": "company",
    "foundation": "ngo", "yayasan": "ngo",
}
# the same in the partner's own script: 京都府, 福建省, 김천시, 경상남도
SCRIPT_LEVELS = (("府", "prefecture"), ("県", "prefecture"), ("省", "province"), ("도", "province"), ("市", "city"),
                 ("시", "city"), ("군", "regency"), ("大学", "university"), ("대학교", "university"))
# words that do not tell one partner from another ("City of Darwin" is Darwin)
GENERIC = set(LEVEL_WORDS) - {"university", "universiti", "universitas", "universitat", "college", "institute",
                              "institut", "politeknik", "foundation", "yayasan"} | {
    "of", "the", "government", "pemerintah", "pemprov", "pemkot", "pemkab", "region", "regional", "special",
    "administrative", "daerah", "council", "negara", "bagian", "dki", "metropolitan", "governorate", "hall",
}
LOCAL_GOV_WORDS = {"province", "provinsi", "propinsi", "prefecture", "prefektur", "state", "city", "kota", "kabupaten",
                   "regency", "county", "municipality", "metropolitan", "metropolis", "governorate", "region", "do",
                   "si", "shi", "fu", "ken", "gun", "pemerintah", "government", "council"}
INTERNATIONAL = ("united nations", "unicef", "undp", "unesco", "unfpa", "unhcr", "world bank", "asian development bank",
                 "asean", "world health organization", "who", "fao", "ilo", "iom")


def _tokens(name: str) -> list[str]:
    """The name's words in Latin letters: a name that has Latin words beside another script's ("大阪府 Osaka
    Prefecture", "Tianjin 天津市") by its Latin words alone, as "京都府 (Kyoto Prefecture)" is; else `latin_form`."""
    if any(ch.isalpha() and not fold(ch) for ch in name):
        latin = fold("".join(" " if ch.isalpha() and not fold(ch) else ch for ch in name))
        if any("a" <= ch <= "z" for ch in latin):  # Latin letters, not a number alone ("東京都 23区")
            return [w for w in latin.split("-") if w]
    return [w for w in fold(latin_form(name)).split("-") if w]


def name_level(name: str) -> str | None:
    """The level a name says it is (`Kyoto Prefecture`, `京都府`, `Kota Ambon`, `Gyeongsangnam-do`), or None."""
    for mark, level in SCRIPT_LEVELS:
        if mark in name:
            return level
    for word in _tokens(name):
        if word in LEVEL_WORDS:
            return LEVEL_WORDS[word]
    return None


def name_key(name: str) -> tuple[str, str | None]:
    """What identifies a partner's name: its words without case, accents, generic words ("City of",
    "Pemerintah", "Provinsi", "Prefecture") or another script's name beside the Latin one; and the level
    the name says, which must agree ("Osaka Prefecture" is not "Osaka City")."""
    words = _tokens(name)
    core = [w for w in words if w not in GENERIC]
    level = name_level(name)
    if level in ("university", "company", "ngo"):
        level = None  # kept in the words themselves
    return "-".join(core or words), level


def same_partner(a: tuple[str, str | None], b: tuple[str, str | None]) -> bool:
    return a[0] == b[0] and (a[1] is None or b[1] is None or a[1] == b[1])


def kind_of(names: list[str], country: str | None, types: list[str]) -> tuple[str, str | None, str] | None:
    """(kind, level, reason) for a new partner from its names, its country and its agreements' types; None
    when they do not tell."""
    level = next((lv for lv in map(name_level, names) if lv), None)
    words = set().union(*(_tokens(n) for n in names))
    folded = " ".join(fold(n).replace("-", " ") for n in names)
    if any(re.search(rf"\b{re.escape(org)}\b", folded) for org in INTERNATIONAL):
        return "international-org", "org", t("an international organisation's name")
    if country is None:
        return None
    if country == "ID":
        if level in ("university", "company", "ngo"):
            return "third-party", level, t("an Indonesian {level}", level=level)
        if words & {"kementerian", "kementrian", "badan", "lembaga", "ministry"}:
            return "central-gov", None, t("an Indonesian ministry or agency")
        if words & (LOCAL_GOV_WORDS | {"dki", "diy", "istimewa"}):
            return "domestic-region", level, t("an Indonesian province, regency or city")
        return None
    if level in ("university", "company", "ngo"):
        return "foreign-institution", level, t("a foreign {level} ({country})", level=level, country=country)
    if words & LOCAL_GOV_WORDS or level is not None:
        if level is None:
            return "foreign-local-gov", None, t("a foreign local government ({country})", country=country)
        return "foreign-local-gov", level, t("a foreign {level} ({country})", level=level, country=country)
    sister = next((t for t in types if t in ("sister-city", "sister-province")), None)
    if sister:
        return "foreign-local-gov", None, t("the partner of a {type} agreement ({country})", type=sister,
                                            country=country)
    return None

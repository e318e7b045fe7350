"""Ids and names: making a slug, folding text for matching, and finding a record by what a person typed.

One place for each: `slugify` makes every id coopctl makes, `fold` is how
names and sectors are compared, and `find_partner` / `require_agreement` /
`require_record` find a record by id or name and, when nothing matches, name
the nearest ones ("did you mean ...?").
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from typing import Callable, Iterable

from coopctl.core.errors import CoopError, UsageError
from coopctl.core.patterns import pattern
from coopctl.core.records import Agreement, Partner, Store
from coopctl.i18n import t

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
MAX_ID = 64
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def is_slug(text: str) -> bool:
    """Lowercase letters, digits and inner `-`, 1 to 64 characters."""
    return bool(SLUG.match(text))


def fold(text: str) -> str:
    """`Pendidikan Vokasi`, `pendidikan-vokasi` and `PENDIDIKAN_VOKASI` all become `pendidikan-vokasi`:
    lower case, accents stripped, every run of other characters one `-`."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_ALNUM.sub("-", plain.casefold()).strip("-")


_NON_WORD = re.compile(r"[\W_]+")


def fold_words(text: str) -> str:
    """`fold` that keeps the letters of every script: `大阪府`, `경상남도` and `الإسكندرية` stay (lower case, accents
    stripped, every run of other characters one `-`), where `fold` leaves nothing of them. For finding a name or a
    word as it was written; `fold` makes ids."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub("-", plain.casefold()).strip("-")


def slugify(text: str, limit: int = MAX_ID) -> str:
    """`Pemerintah Kota Surabaya – MoU 2024` -> `pemerintah-kota-surabaya-mou-2024`, cut at a word
    boundary to `limit` characters. A name in another script is read in Latin letters first
    (`latin_form`): `福建 (Fujian)` -> `fujian`, `김천시` -> `gimcheonsi`."""
    slug = fold(latin_form(text))
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0] if "-" in slug[:limit] else slug[:limit]
    return slug.strip("-")


_PARENS = pattern(r"\(([^()]*)\)")


def _foreign(ch: str) -> bool:
    """A letter that `fold` cannot keep: one of a script other than Latin (Hangul, Han, Cyrillic, ...)."""
    return ch.isalpha() and not fold(ch)


def _has_latin(text: str) -> bool:
    return any("a" <= ch <= "z" for ch in fold(text))


def latin_form(text: str) -> str:
    """The text in Latin letters, for making an id: unchanged when it has no letters of another script;
    else the Latin name in parentheses when only the parentheses hold Latin letters (`京都府 (Kyoto
    Prefecture)` -> `Kyoto Prefecture`); else the text with its other letters transliterated by
    anyascii (`김천시` -> `GimCheonSi`), parentheses of another script left out."""
    if text.isascii() or not any(_foreign(ch) for ch in text):
        return text
    outside = _PARENS().sub(" ", text)
    inside = " ".join(part for part in _PARENS().findall(text) if _has_latin(part))
    if not _has_latin(outside) and inside:
        source = inside
    elif _has_latin(outside):
        source = outside
    else:
        source = text
    if not any(_foreign(ch) for ch in source):
        return source
    from anyascii import anyascii  # only for names in another script

    runs = re.split(r"(\w+)", source)
    return "".join(anyascii(run) if any(_foreign(ch) for ch in run) else run for run in runs)


def nearest(text: str, candidates: Iterable[str], n: int = 3) -> str:
    """`; did you mean a, b?` for the candidates closest to `text`, or `""` when none is close."""
    close = difflib.get_close_matches(text, list(candidates), n=n, cutoff=0.5)
    return t("; did you mean {names}?", names=", ".join(close)) if close else ""


def find_partner(store: Store, text: str) -> Partner | None:
    """A partner by id, else by id, name or local name compared case- and accent-insensitively (`Osaka`,
    `OSAKA` and `ōsaka` find `osaka`)."""
    if text in store.partners:
        return store.partners[text]
    folded = fold(text)
    if folded:
        for partner in store.partners.values():
            if folded in (partner.id, fold(partner.name), fold(partner.local_name or "")):
                return partner
    words = fold_words(text)  # a name in its own script (大阪府), of which `fold` keeps nothing or too little
    if words and words != folded:
        for partner in store.partners.values():
            if words in (fold_words(partner.name), fold_words(partner.local_name or "")):
                return partner
    return None


def require_partner(store: Store, text: str, field: str | None = None) -> Partner:
    partner = find_partner(store, text)
    if partner is None:
        names = list(store.partners) + [p.name for p in store.partners.values()]
        raise CoopError(t("no partner '{name}'{hint}", name=text, hint=nearest(text, names)), field=field)
    return partner


def _by_prefix(store: Store, text: str) -> list[Agreement]:
    """The agreements whose id starts with what was typed, when that is the start of an id as ids are written
    (lowercase letters, digits, `-`): `western-aus`, not `CON`."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", text):
        return []
    return [a for a in store.agreements() if a.id.startswith(text)]


def _ambiguous(text: str, ids: list[str], field: str | None) -> CoopError:
    shown = ", ".join(ids[:8]) + (", ..." if len(ids) > 8 else "")
    return UsageError(t("'{text}' could be any of {n} agreements: {ids}; give more of the id", text=text, n=len(ids),
                        ids=shown), field=field)


def require_agreement(store: Store, agreement_id: str, field: str | None = None) -> tuple[Partner, Agreement]:
    """An agreement by its id; else by a partner's id or name when that partner has exactly one agreement; else
    by a prefix of one agreement's id. Several candidates are an error that lists them."""
    agreement = store.find_agreement(agreement_id) or store.find_agreement(fold(agreement_id))
    if agreement is None:
        partner = find_partner(store, agreement_id)
        if partner is not None and len(partner.agreements) == 1:
            agreement = partner.agreements[0]
        elif partner is not None and partner.agreements:
            raise _ambiguous(agreement_id, [a.id for a in partner.agreements], field)
    if agreement is None:
        found = _by_prefix(store, agreement_id)
        if len(found) > 1:
            raise _ambiguous(agreement_id, [a.id for a in found], field)
        agreement = found[0] if found else None
    if agreement is None:
        ids = [a.id for a in store.agreements()]
        raise CoopError(t("no agreement '{id}'{hint} (see 'coopctl list')", id=agreement_id,
                          hint=nearest(agreement_id, ids)), field=field)
    return store.partners[agreement.partner_id], agreement


def require_record(store: Store, text: str) -> tuple[Partner, Agreement | None]:
    """An agreement by id (with its partner), else a partner by id or name (agreement None), else an agreement
    by a unique prefix of its id."""
    agreement = store.find_agreement(text) or store.find_agreement(fold(text))
    if agreement is not None:
        return store.partners[agreement.partner_id], agreement
    partner = find_partner(store, text)
    if partner is not None:
        return partner, None
    found = _by_prefix(store, text)
    if len(found) > 1:
        raise _ambiguous(text, [a.id for a in found], None)
    if found:
        return store.partners[found[0].partner_id], found[0]
    ids = list(store.partners) + [a.id for a in store.agreements()]
    raise CoopError(t("no partner or agreement '{id}'{hint}", id=text, hint=nearest(text, ids)))


# Words that say nothing about which partner it is, left out of a default agreement id.
_FILLER = frozenset({"pemerintah", "government", "the", "of", "pemprov", "pemkab", "pemkot"})
PARTNER_PART = 20


def agreement_id_for(partner_id: str, type_: str, year: int | None, used: Callable[[str], bool]) -> str:
    """A short default agreement id: the partner's slug (without filler words, cut at a word to 20 characters),
    the type and the first term's year: `western-australia-sister-province-1990`,
    `kabupaten-malang-pks-2024`; `-2`, `-3`... when that id is `used` already."""
    words = [w for w in partner_id.split("-") if w and w not in _FILLER] or partner_id.split("-")
    part = ""
    for word in words:
        longer = f"{part}-{word}" if part else word
        if len(longer) > PARTNER_PART and part:
            break
        part = longer[:PARTNER_PART]
    base = "-".join(x for x in (part.strip("-"), type_, str(year) if year else "") if x)
    candidate, n = base, 1
    while used(candidate):
        n += 1
        candidate = f"{base}-{n}"
    return candidate

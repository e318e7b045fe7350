"""Sector names in, sector ids out: the vocabulary with its aliases and suggestions.

Input in English or Indonesian is matched case- and accent-insensitively
against each sector's id, labels and aliases. Unknown input is an error that
names the nearest sectors. A store adds its own sectors (`[[sectors]]`) and
the phrases its people accepted for sectors (`[sector_aliases]`, written by
`import`): "trade and investment" = trade + investment. `expand` gives every
sector a name stands for; `resolve` the one sector, where one is needed.
"""

import difflib
import re
from typing import Mapping, NamedTuple

from coopctl.core.errors import CoopError
from coopctl.core.ids import fold
from coopctl.core.records import CustomSector
from coopctl.core.vocabulary import SECTORS
from coopctl.i18n import t


class SectorError(CoopError):
    pass


class Sector(NamedTuple):
    id: str
    label: str
    label_id: str
    aliases: tuple[str, ...]
    parent: str | None
    custom: bool = False


def _indexed(custom) -> tuple[dict[str, Sector], dict[str, str]]:
    """The sectors by id (the built-in ones, then a store's) and every name they answer to (folded) -> id."""
    sectors: dict[str, Sector] = {}
    for sid, label, label_id, aliases, parent in SECTORS:
        sectors[sid] = Sector(sid, label, label_id, tuple(aliases), parent)
    for c in custom:
        sectors[c.id] = Sector(c.id, c.label, c.label_id or c.label, tuple(c.aliases), c.parent, True)
    index: dict[str, str] = {}
    # ids first so that an id always wins over another sector's alias
    for sector in sectors.values():
        index[fold(sector.id)] = sector.id
    for sector in sectors.values():
        for name in (sector.label, sector.label_id, *sector.aliases):
            index.setdefault(fold(name), sector.id)
            if "/" in name:  # "Pendidikan vokasi / kejuruan" also answers to "Pendidikan vokasi"
                index.setdefault(fold(name.split("/")[0]), sector.id)
    return sectors, index


_BUILT_IN: list[tuple[dict[str, Sector], dict[str, str]]] = []  # `_indexed(())`, made when first needed


class Vocabulary:
    """The built-in sectors plus those a store adds in its settings."""

    def __init__(self, custom: tuple[CustomSector, ...] | list[CustomSector] = (),
                 phrases: Mapping[str, tuple[str, ...]] | None = None):
        if not custom:  # the built-in sectors alone (most stores): their index is made once per process
            if not _BUILT_IN:
                _BUILT_IN.append(_indexed(()))
            sectors, index = _BUILT_IN[0]
            self.sectors: dict[str, Sector] = dict(sectors)
            self._index: dict[str, str] = dict(index)
        else:
            self.sectors, self._index = _indexed(custom)
        # a store's phrases: never in place of a sector's own names
        self._phrases: dict[str, tuple[str, ...]] = {}
        for phrase, ids in (phrases or {}).items():
            key = fold(phrase)
            known = tuple(i for i in ids if i in self.sectors)
            if key and key not in self._index and known:
                self._phrases[key] = known

    def names(self) -> dict[str, str]:
        """Every name a sector answers to (folded) -> its id: ids, labels and aliases (not a store's phrases)."""
        return self._index

    def __contains__(self, sector_id: str) -> bool:
        return sector_id in self.sectors

    def find(self, text: str) -> tuple[str, ...] | None:
        """The sectors a name or a store's phrase stands for, or None."""
        key = fold(text)
        if key in self._index:
            return (self._index[key],)
        return self._phrases.get(key)

    def expand(self, text: str) -> tuple[str, ...]:
        """Every sector a name or a store's phrase stands for; SectorError naming the nearest ones otherwise."""
        found = self.find(text)
        if found is None:
            raise SectorError(t("unknown sector '{text}'{hint}", text=text, hint=self.suggest(text)))
        return found

    def resolve(self, text: str) -> str:
        """The sector id for any of its names; SectorError naming the nearest ones otherwise (and for a
        store's phrase that stands for several sectors)."""
        found = self.expand(text)
        if len(found) > 1:
            raise SectorError(t("'{text}' stands for several sectors ({ids}); give one of them", text=text,
                                ids=", ".join(found)))
        return found[0]

    def suggest(self, text: str) -> str:
        key = fold(text)
        close = difflib.get_close_matches(key, self._index.keys(), n=8, cutoff=0.6)
        ids: list[str] = []
        for match in close:
            sid = self._index[match]
            if sid not in ids:
                ids.append(sid)
        if not ids:
            return t("; 'coopctl sectors' lists them, or add it to the store's [[sectors]]")
        from coopctl.i18n import language

        if language() == "id":  # the Indonesian names, which are what an officer types
            named = ", ".join(self.sectors[sid].label_id for sid in ids[:3])
        else:
            named = ", ".join(f"{sid} ({self.sectors[sid].label_id})" for sid in ids[:3])
        return t("; did you mean {names}?", names=named)

    def label(self, sector_id: str, lang: str = "en") -> str:
        sector = self.sectors.get(sector_id)
        if sector is None:
            return sector_id
        return sector.label_id if lang == "id" else sector.label


def split_sectors(text: str) -> list[str]:
    """Several sectors in one value (an option, a prompt's answer, a cell): separated by `,`, `;` or a new line
    (`"umkm, pariwisata"`); a phrase such as "trade and investment" stays whole (the store may know it)."""
    return [p.strip() for p in re.split(r"[,;\n]", text) if p.strip()]

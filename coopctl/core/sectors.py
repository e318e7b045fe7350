"""Sector names in, sector ids out: the vocabulary with its aliases and suggestions.

Input in English or Indonesian is matched case- and accent-insensitively
against each sector's id, labels and aliases. Unknown input is an error that
names the nearest sectors.
"""

import difflib
from typing import NamedTuple

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


class Vocabulary:
    """The built-in sectors plus those a store adds in its settings."""

    def __init__(self, custom: tuple[CustomSector, ...] | list[CustomSector] = ()):
        self.sectors: dict[str, Sector] = {}
        for sid, label, label_id, aliases, parent in SECTORS:
            self.sectors[sid] = Sector(sid, label, label_id, tuple(aliases), parent)
        for c in custom:
            self.sectors[c.id] = Sector(c.id, c.label, c.label_id or c.label, tuple(c.aliases), c.parent, True)
        self._index: dict[str, str] = {}
        # ids first so that an id always wins over another sector's alias
        for sector in self.sectors.values():
            self._index[fold(sector.id)] = sector.id
        for sector in self.sectors.values():
            for name in (sector.label, sector.label_id, *sector.aliases):
                self._index.setdefault(fold(name), sector.id)
                if "/" in name:  # "Pendidikan vokasi / kejuruan" also answers to "Pendidikan vokasi"
                    self._index.setdefault(fold(name.split("/")[0]), sector.id)

    def __contains__(self, sector_id: str) -> bool:
        return sector_id in self.sectors

    def resolve(self, text: str) -> str:
        """The sector id for any of its names; SectorError naming the nearest ones otherwise."""
        key = fold(text)
        if key in self._index:
            return self._index[key]
        raise SectorError(t("unknown sector '{text}'{hint}", text=text, hint=self.suggest(text)))

    def suggest(self, text: str) -> str:
        key = fold(text)
        close = difflib.get_close_matches(key, self._index.keys(), n=8, cutoff=0.6)
        ids: list[str] = []
        for match in close:
            sid = self._index[match]
            if sid not in ids:
                ids.append(sid)
        if not ids:
            return t("; see the sector list in the README or add it to the store's [[sectors]]")
        named = ", ".join(f"{sid} ({self.sectors[sid].label_id})" for sid in ids[:3])
        return t("; did you mean {names}?", names=named)

    def label(self, sector_id: str, lang: str = "en") -> str:
        sector = self.sectors.get(sector_id)
        if sector is None:
            return sector_id
        return sector.label_id if lang == "id" else sector.label

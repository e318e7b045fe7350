"""Sector phrases as a sheet writes them ("trade and investment", "health services", "economic") to
the vocabulary's sectors.

A phrase the vocabulary (or the store's `[sector_aliases]`) knows is taken as it is. Otherwise, with
inference on, `PhraseMapper.map` tries, in order: the phrase without filler words ("health services"
is health); its words, when every word that names a sector names the same one ("science and
technology"); and its parts split at "and", "dan", "&", "/" ("trade and investment" is trade +
investment). Words are the vocabulary's own one-word names and `WORDS` (adjectives and other forms:
"economic", "scientific", "cultural", "commerce"). A phrase close to a sector's name is a typo and an
error (`pariwisat`); any other phrase is proposed as a new sector of the store, naming the nearest ones.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from coopctl.core.ids import fold, slugify
from coopctl.core.sectors import Vocabulary, split_sectors

# a word -> the sector it names, where the vocabulary has no such one-word name (English and Indonesian)
WORDS: dict[str, str] = {
    "economic": "economy", "economics": "economy", "economical": "economy", "perekonomian": "economy",
    "scientific": "science-technology", "science": "science-technology", "sciences": "science-technology",
    "technological": "science-technology", "ilmu": "science-technology", "sains": "science-technology",
    "cultural": "culture", "culture": "culture", "art": "culture", "kultural": "culture",
    "commerce": "trade", "commercial": "trade", "trading": "trade", "perniagaan": "trade",
    "educational": "education", "academic": "education", "akademik": "education", "student": "education",
    "students": "education", "pelajar": "education", "mahasiswa": "education", "teacher": "education", "guru": "education",
    "health": "health", "medical": "health", "medis": "health", "hospital": "health",
    "agricultural": "agriculture", "farming": "agriculture", "food": "food-security",
    "environmental": "environment", "lingkungan": "environment", "waste": "environment", "climate": "environment",
    "touristic": "tourism", "tourist": "tourism", "tourism": "tourism",
    "sport": "youth-sports", "sports": "youth-sports", "youth": "youth-sports",
    "maritime": "marine-fisheries", "marine": "marine-fisheries", "fishery": "marine-fisheries",
    "port": "transportation", "ports": "transportation", "harbour": "transportation", "harbor": "transportation",
    "transport": "transportation", "logistics": "transportation",
    "industrial": "industry", "urban": "public-works", "infrastructure": "public-works",
    "social": "social-affairs", "welfare": "social-affairs", "disaster": "disaster-management",
    "investments": "investment", "investor": "investment", "digital": "ict", "informatics": "ict",
    "communication": "ict", "communications": "ict", "komunikasi": "ict", "informatika": "ict",
}
# words that say nothing about the sector ("health services", "port management", "bidang pendidikan")
FILLER = {"and", "dan", "serta", "of", "the", "in", "on", "for", "di", "untuk", "bagi", "services", "service",
          "layanan", "pelayanan", "management", "pengelolaan", "development", "pengembangan", "cooperation",
          "kerja", "sama", "kerjasama", "exchange", "exchanges", "pertukaran", "sector", "sectors", "sektor",
          "bidang", "field", "fields", "area", "areas", "affairs", "urusan", "program", "programme", "programs",
          "activities", "kegiatan", "relations", "hubungan", "matters", "protection", "perlindungan", "pelindungan",
          "pelestarian", "conservation"}
_SPLIT = re.compile(r"\s+(?:and|dan|serta)\s+|\s*[&/+]\s*", re.IGNORECASE)
TYPO_CUTOFF = 0.8  # as close to a sector's name as this: a typo, not a new sector


@dataclass
class Mapping:
    """What one phrase is: `ids` (mapped; `how` says from what, None when the vocabulary knows it as
    it is), or a typo (`error`), or a new sector to propose (`new`, with the `nearest` ones)."""

    phrase: str
    ids: tuple[str, ...] = ()
    how: str | None = None
    error: str | None = None
    new: str | None = None
    nearest: tuple[str, ...] = field(default_factory=tuple)


class PhraseMapper:
    """Maps phrases with one vocabulary, each phrase once."""

    def __init__(self, vocabulary: Vocabulary, infer: bool):
        self.vocabulary = vocabulary
        self.infer = infer
        self._done: dict[str, Mapping] = {}
        self._words: dict[str, str] = {}
        for key, sid in vocabulary.names().items():  # the vocabulary's one-word names
            if "-" not in key:
                self._words[key] = sid
        for word, sid in WORDS.items():
            self._words.setdefault(word, sid)

    def map(self, phrase: str) -> Mapping:
        found = self._done.get(phrase)  # as written: a large sheet repeats its phrases
        if found is None:
            key = fold(phrase)
            found = self._done.get(key)
            if found is None:
                found = self._done[key] = self._map(phrase)
            self._done[phrase] = found
        return found

    def _map(self, phrase: str) -> Mapping:
        from coopctl.i18n import t

        known = self.vocabulary.find(phrase)
        if known is not None:
            return Mapping(phrase, known)
        if not self.infer:
            return Mapping(phrase, error=self._unknown(phrase))
        ids = self._by_words(phrase)
        if ids:
            return Mapping(phrase, ids, t("by its words"))
        parts = [p for p in _SPLIT.split(phrase) if p.strip()]
        if len(parts) > 1:
            found: list[str] = []
            for part in parts:
                one = self.vocabulary.find(part) or self._by_words(part)
                if not one:
                    break
                found += [i for i in one if i not in found]
            else:
                return Mapping(phrase, tuple(found), t("by its parts"))
        if self._typo(phrase):
            return Mapping(phrase, error=self._unknown(phrase))
        return Mapping(phrase, new=slugify(phrase), nearest=self._nearest(phrase))

    def _by_words(self, phrase: str) -> tuple[str, ...]:
        """The one sector every sector-naming word of the phrase names; () when none or several."""
        words = [w for w in fold(phrase).split("-") if w and w not in FILLER]
        named = [self._words.get(w) for w in words]
        if not words or None in named or len(set(named)) != 1:
            return ()
        return (named[0],)  # type: ignore[return-value]

    def _typo(self, phrase: str) -> bool:
        return bool(difflib.get_close_matches(fold(phrase), self.vocabulary.names().keys(), n=1, cutoff=TYPO_CUTOFF))

    def _unknown(self, phrase: str) -> str:
        from coopctl.i18n import t

        return t("unknown sector '{text}'{hint}", text=phrase, hint=self.vocabulary.suggest(phrase))

    def _nearest(self, phrase: str) -> tuple[str, ...]:
        """Up to three sectors whose names are closest to the phrase, or share a word with it."""
        key = fold(phrase)
        ids: list[str] = []
        for match in difflib.get_close_matches(key, self.vocabulary.names().keys(), n=10, cutoff=0.4):
            sid = self.vocabulary.names()[match]
            if sid not in ids:
                ids.append(sid)
        words = set(key.split("-")) - FILLER
        for name, sid in self.vocabulary.names().items():
            if sid not in ids and words & set(name.split("-")):
                ids.append(sid)
        return tuple(ids[:3])


def split_phrases(text: str) -> list[str]:
    """A sectors cell's phrases: separated by `,`, `;` or a new line (as an option's, `core.sectors`)."""
    return split_sectors(text)

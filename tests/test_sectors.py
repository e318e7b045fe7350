import pytest

from coopctl.core.records import CustomSector
from coopctl.core.ids import fold as normalize
from coopctl.core.sectors import SectorError, Vocabulary
from coopctl.core.vocabulary import SECTORS

VOCAB = Vocabulary()


@pytest.mark.parametrize("text, sector", [
    ("vocational", "vocational"), ("vokasi", "vocational"), ("SMK", "vocational"), ("tvet", "vocational"),
    ("msme", "msme"), ("UMKM", "msme"), ("ukm", "msme"),
    ("trade", "trade"), ("Perdagangan", "trade"),
    ("Pariwisata", "tourism"), ("  Tourism ", "tourism"),
    ("Pendidikan vokasi", "vocational"),
    ("Koperasi, usaha kecil, dan menengah", "msme"),
    ("pu_tata_ruang", "public-works"),
])
def test_either_language_any_case(text, sector):
    assert VOCAB.resolve(text) == sector


def test_accents_are_ignored():
    assert normalize("Éducation") == "education"
    assert VOCAB.resolve("PERDAGANGÁN") == "trade"


def test_unknown_sector_names_the_nearest():
    with pytest.raises(SectorError, match=r"unknown sector 'vokational'; did you mean vocational \(Pendidikan vokasi"):
        VOCAB.resolve("vokational")
    with pytest.raises(SectorError, match="add it to the store"):
        VOCAB.resolve("zzzzqqq")


def test_every_name_maps_to_one_sector():
    ids = [row[0] for row in SECTORS]
    assert len(ids) == len(set(ids)), "duplicate sector id"
    seen: dict[str, str] = {}
    for sid, label, label_id, aliases, parent in SECTORS:
        assert sid == normalize(sid) and len(sid) <= 64, f"{sid}: id is not a slug"
        assert parent is None or (parent in ids and parent != sid), f"{sid}: unknown parent {parent}"
        assert label and label_id, f"{sid}: missing label"
        assert len(aliases) == len(set(aliases)), f"{sid}: alias listed twice"
        for name in (sid, label, label_id, *aliases):
            key = normalize(name)
            assert key, f"{sid}: bad name {name!r}"
            assert seen.setdefault(key, sid) == sid, f"{name!r} names both {seen[key]} and {sid}"
        for alias in aliases:
            assert alias == alias.lower(), f"{sid}: alias {alias!r} is not lower-case"
            assert normalize(alias) == sid or normalize(alias) not in ids, f"{sid}: alias {alias!r} is another sector's id"


def test_the_vocabulary_covers_domain_research_sectors():
    ids = {s[0] for s in SECTORS}
    assert {"education", "vocational", "inclusive-education", "health", "msme", "trade", "tourism", "culture",
            "creative-economy", "science-technology", "government-capacity", "environment", "agriculture"} <= ids
    assert len(ids) >= 40


def test_store_defined_sectors_join_the_vocabulary():
    vocab = Vocabulary([CustomSector("halal-industry", "Halal industry", "Industri halal", ["halal"])])
    assert vocab.resolve("Industri Halal") == "halal-industry"
    assert vocab.resolve("halal") == "halal-industry"
    assert vocab.label("halal-industry", "id") == "Industri halal"

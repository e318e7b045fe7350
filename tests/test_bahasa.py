"""Issue 19: Bahasa Indonesia as a cooperation bureau writes it. Indonesian input is accepted everywhere
(sectors, activity types, milestone steps, document types, partner kinds), and ambiguous aliases are gone."""

from __future__ import annotations

import pytest

from coopctl.core import lexicon, playbook
from coopctl.core.records import default_procedures
from coopctl.core.sectors import Vocabulary

# the words an officer types for a sector (issue 19's list), and the sector each means
SECTOR_WORDS = {
    "pekerjaan umum": "public-works", "penataan ruang": "public-works", "ketertiban umum": "public-order",
    "air bersih": "water-sanitation", "pemberdayaan perempuan": "women-children", "kepemudaan": "youth-sports",
    "kependudukan": "civil-registration", "pendidikan inklusi": "inclusive-education",
    "pertukaran personil": "government-capacity", "pendidikan khusus": "inclusive-education",
    "pendidikan kejuruan": "vocational", "usaha mikro": "msme", "koperasi dan UKM": "msme", "IKM": "industry",
    "ekraf": "creative-economy", "parekraf": "tourism", "penelitian": "science-technology",
    "litbang": "science-technology", "SDM": "government-capacity", "diklat": "government-capacity",
    "magang": "manpower", "BLK": "manpower", "perubahan iklim": "environment", "EBT": "energy",
    "persampahan": "environment", "kebakaran": "public-order", "SPBE": "ict", "smart city": "ict",
    "temu bisnis": "trade", "promosi investasi": "investment", "santri": "education", "pesantren": "education",
    "pemerintahan": "government-capacity", "teknologi informasi": "ict",
}


@pytest.mark.parametrize("word, sector", sorted(SECTOR_WORDS.items()))
def test_every_sector_word_of_the_issue_resolves(word, sector):
    assert Vocabulary().resolve(word) == sector
    assert Vocabulary().resolve(word.upper()) == sector


@pytest.mark.parametrize("word", ["kb", "KB", "pmi", "data"])
def test_ambiguous_sector_aliases_are_gone(word):
    assert Vocabulary().find(word) is None  # KB is the Kesepakatan Bersama; PMI and "data" mean several things


@pytest.mark.parametrize("text, expected", [("KB", "kb"), ("PKS", "pks"), ("NK", "mou"), ("Nota Kesepahaman", "mou"),
                                            ("provinsi bersaudara", "sister-province")])
def test_document_types_in_indonesian(text, expected):
    assert lexicon.resolve(lexicon.TYPES, text, "type") == expected


@pytest.mark.parametrize("text, expected", [("KSDPL", "foreign-local-gov"), ("KSDD", "domestic-region"),
                                            ("pemerintah daerah luar negeri", "foreign-local-gov"),
                                            ("Pemerintah Daerah di Luar Negeri", "foreign-local-gov"),
                                            ("pihak ketiga", "third-party")])
def test_partner_kinds_in_indonesian(text, expected):
    assert lexicon.find(lexicon.KINDS, text) == expected


@pytest.mark.parametrize("text, expected", [("pelatihan", "training"), ("kunjungan", "visit-in"),
                                            ("kunjungan keluar", "visit-out"), ("rapat", "meeting"),
                                            ("hibah", "grant"), ("evaluasi", "evaluation"), ("misi dagang", "trade-mission"),
                                            ("Pertemuan", "meeting"), ("training", "training")])
def test_activity_types_in_indonesian(text, expected):
    assert lexicon.find(lexicon.ACTIVITY_TYPES, text) == expected


def test_every_activity_type_and_procedure_has_an_indonesian_label():
    from coopctl.core.records import ACTIVITY_TYPES

    assert lexicon.ids(lexicon.ACTIVITY_TYPES) == ACTIVITY_TYPES
    assert set(lexicon.ids(lexicon.PROCEDURES)) == set(default_procedures())


@pytest.mark.parametrize("text, expected", [("evaluasi", "evaluation"), ("Persetujuan DPRD", "dprd-approval"),
                                            ("verifikasi", "verification"), ("penandatanganan", "signing"),
                                            ("Persetujuan Menteri Dalam Negeri", "ministry-approval")])
def test_milestone_steps_in_indonesian(text, expected):
    steps = tuple(step.id for step in default_procedures()["foreign"])
    assert playbook.step_id(text, steps, "foreign") == expected


def test_log_and_milestone_take_indonesian_words(example):
    from typer.testing import CliRunner

    from coopctl.cli import app

    runner = CliRunner()
    store = ["--store", str(example)]
    done = runner.invoke(app, ["log", "osaka-sister-province", "Pelatihan guru SMK", "--type", "pelatihan",
                               "--sector", "pendidikan", "--date", "5/1/2024", *store])
    assert done.exit_code == 0, done.stderr
    assert 'type = "training"' in (example / "partners" / "osaka.toml").read_text(encoding="utf-8")
    done = runner.invoke(app, ["milestone", "western-australia-sister-state", "evaluasi", "--date", "2021-03-01", *store])
    assert done.exit_code == 0, done.stderr
    assert 'id = "evaluation"' in (example / "partners" / "western-australia.toml").read_text(encoding="utf-8")
    made = runner.invoke(app, ["add", "Kota Baru", "--title", "Kerja sama pendidikan", "--type", "NK", "--start", "2024",
                               "--country", "AU", "--kind", "pemerintah daerah luar negeri", "--sector", "pendidikan khusus",
                               *store])
    assert made.exit_code == 0, made.stderr
    text = (example / "partners" / "kota-baru.toml").read_text(encoding="utf-8")
    assert 'kind = "foreign-local-gov"' in text and 'type = "mou"' in text and '"inclusive-education"' in text

"""Issue 18, items 5 and 10: short default ids, one finder that takes a partner or a prefix, names in any script."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coopctl.cli import app
from coopctl.core.errors import CoopError, UsageError
from coopctl.core.ids import agreement_id_for, find_partner, require_agreement, require_record, slugify
from coopctl.storage.loader import load_valid

runner = CliRunner()


def run(store: Path, *args: str):
    return runner.invoke(app, [*args, "--store", str(store)])


def never(_id: str) -> bool:
    return False


@pytest.mark.parametrize("partner, type_, year, expected", [
    ("western-australia", "sister-province", 1990, "western-australia-sister-province-1990"),
    ("pemerintah-kabupaten-banyuwangi", "pks", 2024, "kabupaten-banyuwangi-pks-2024"),
    ("gyeongsangnam-do-provincial-government", "mou", 2015, "gyeongsangnam-do-mou-2015"),
    ("a-very-long-partner-name-with-many-words", "kb", 2021, "a-very-long-partner-kb-2021"),
    ("supercalifragilisticexpialidocious", "mou", 2020, "supercalifragilistic-mou-2020"),
    ("osaka", "mou", None, "osaka-mou"),
])
def test_default_agreement_ids_are_short(partner, type_, year, expected):
    made = agreement_id_for(partner, type_, year, never)
    assert made == expected
    assert len(made) <= 40


def test_a_default_id_already_used_gets_a_suffix():
    used = {"osaka-mou-2024", "osaka-mou-2024-2"}
    assert agreement_id_for("osaka", "mou", 2024, used.__contains__) == "osaka-mou-2024-3"


def test_names_in_another_script_make_latin_ids():
    assert slugify("天津市人民政府") == "tianjinshirenminzhengfu"
    assert slugify("경상남도") == "gyeongsangnamdo"
    assert slugify("Tianjin (天津市人民政府)") == "tianjin"
    assert slugify("天津市人民政府 (Tianjin Municipal Government)") == "tianjin-municipal-government"


@pytest.fixture
def store(example):
    return load_valid(example).store


def test_the_finder_takes_an_id_a_partner_with_one_agreement_or_a_unique_prefix(store):
    assert require_agreement(store, "tianjin-sister-province")[1].id == "tianjin-sister-province"
    assert require_agreement(store, "TIANJIN-SISTER-PROVINCE")[1].id == "tianjin-sister-province"
    assert require_agreement(store, "osaka")[1].id == "osaka-sister-province"  # the partner's only agreement
    assert require_agreement(store, "Gyeongsangnam-DO")[1].id == "gyeongnam-sister-province"  # by name, any case
    assert require_agreement(store, "western-aus")[1].id == "western-australia-sister-state"
    assert require_record(store, "western-aus")[1].id == "western-australia-sister-state"
    assert require_record(store, "tianjin")[1] is None  # a partner is shown as a partner


def test_an_ambiguous_prefix_or_partner_lists_the_candidates(store):
    with pytest.raises(UsageError) as caught:
        require_agreement(store, "dki-jakarta-pks")
    assert str(caught.value) == ("'dki-jakarta-pks' could be any of 2 agreements: dki-jakarta-pks-food-2021, "
                                 "dki-jakarta-pks-trade-2021; give more of the id")
    with pytest.raises(UsageError) as caught:
        require_agreement(store, "Tianjin")
    assert str(caught.value) == ("'Tianjin' could be any of 2 agreements: tianjin-sister-province, "
                                 "tianjin-vocational-mou-2016; give more of the id")
    with pytest.raises(CoopError) as caught:
        require_agreement(store, "nothing-like-it")
    assert str(caught.value).startswith("no agreement 'nothing-like-it'")


def test_partners_match_case_and_accent_insensitively(store):
    assert find_partner(store, "OSAKA").id == "osaka"
    assert find_partner(store, "ōsaka").id == "osaka"
    assert find_partner(store, "western australia").id == "western-australia"


def test_add_makes_a_short_id_and_log_takes_the_partner(empty_store):
    result = run(empty_store, "add", "Western Australia", "--title",
                 "Sister-state relationship East Java – Western Australia", "--type", "sister-province",
                 "--start", "1990-08-06", "--country", "AU", "--kind", "foreign-local-gov", "--sector", "education")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ("Saved: add western-australia-sister-province-1990 (sister-province) for Western Australia "
                             "and new partner western-australia: term 1990-08-06..open-ended\n")
    again = run(empty_store, "add", "western-australia", "--title", "Another", "--type", "sister-province",
                "--start", "1990-09")
    assert "add western-australia-sister-province-1990-2 " in again.stderr
    logged = run(empty_store, "log", "western-australia-sister-province-1990-2", "Visit", "--date", "2024-01-02",
                 "--sector", "education")
    assert logged.exit_code == 1 and "not one of" in logged.stderr  # the second has no sectors
    ambiguous = run(empty_store, "log", "western-australia", "Visit", "--date", "2024-01-02", "--sector", "education")
    assert ambiguous.exit_code == 2
    assert ambiguous.stderr == ("coopctl: error: 'western-australia' could be any of 2 agreements: "
                                "western-australia-sister-province-1990, western-australia-sister-province-1990-2; "
                                "give more of the id\n")


def test_a_partner_named_in_its_own_script_can_be_added(empty_store):
    result = run(empty_store, "add", "天津市人民政府", "--title", "Sister province", "--type", "sister-province",
                 "--start", "2012-05-08", "--country", "CN", "--kind", "foreign-local-gov")
    assert result.exit_code == 0, result.stderr
    assert "new partner tianjinshirenminzhengfu" in result.stderr
    result = run(empty_store, "add", "경상남도", "--title", "Sister province", "--type", "sister-province",
                 "--start", "1996", "--country", "KR", "--kind", "foreign-local-gov", "--partner-id", "gyeongnam")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ("Saved: add gyeongnam-sister-province-1996 (sister-province) for 경상남도 and new partner "
                             "gyeongnam: term 1996..open-ended\n")
    shown = json.loads(run(empty_store, "show", "gyeongnam", "--json").stdout)
    assert shown["name"] == "경상남도"


@pytest.mark.parametrize("name, typed", [("大阪府", "大阪府"), ("경상남도", "경상남도"), ("الإسكندرية", "الإسكندرية"),
                                         ("天津市", "天津市"), ("Москва", "МОСКВА")])
def test_a_partner_named_in_its_own_script_is_found_by_that_name(empty_store, name, typed):
    """`show 大阪府` said "no partner or agreement '大阪府'" and `list --partner 大阪府` "no partner '大阪府'; did you mean
    大阪府?": names were compared by `fold`, which keeps nothing of another script."""
    result = run(empty_store, "add", name, "--title", "Kerja sama", "--type", "mou", "--start", "2024",
                 "--country", "JP", "--kind", "foreign-local-gov", "--partner-id", "mitra")
    assert result.exit_code == 0, result.stderr
    assert find_partner(load_valid(empty_store).store, typed).id == "mitra"
    shown = run(empty_store, "show", typed, "--json")
    assert shown.exit_code == 0, shown.stderr
    assert json.loads(shown.stdout)["name"] == name
    assert run(empty_store, "list", "--partner", typed, "--json").exit_code == 0
    again = run(empty_store, "add", typed, "--title", "Kerja sama kedua", "--type", "mou", "--start", "2025")
    assert again.exit_code == 0 and "for " + name + ":" in again.stderr, again.stderr
    assert find_partner(load_valid(empty_store).store, "東京") is None

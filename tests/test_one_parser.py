"""Issue 18, item 3: the command line takes every form `import` takes, through the same functions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coopctl.cli import app
from coopctl.core.sectors import split_sectors

runner = CliRunner()


def run(store: Path, *args: str):
    return runner.invoke(app, [*args, "--store", str(store)])


def test_add_takes_indonesian_forms_of_every_value(empty_store):
    result = run(empty_store, "add", "Kota Osaka", "--title", "PKS Pariwisata", "--type", "PKS", "--kind", "KSDPL",
                 "--country", "Jepang", "--sector", "umkm, pariwisata", "--start", "22 Agustus 2023",
                 "--end", "21-08-2026", "--signed", "22.08.2023")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ("Saved: add kota-osaka-pks-2023 (pks) for Kota Osaka and new partner kota-osaka: "
                             "term 2023-08-22..2026-08-21\n")
    shown = json.loads(run(empty_store, "show", "kota-osaka", "--json", "--as-of", "2024-01-01").stdout)
    assert (shown["country"], shown["kind"]) == ("JP", "foreign-local-gov")
    listed = json.loads(run(empty_store, "list", "--json", "--as-of", "2024-01-01").stdout)
    assert listed[0]["sectors"] == ["msme", "tourism"]
    assert listed[0]["type"] == "pks"


def test_a_kind_by_its_indonesian_label_and_a_bad_kind_names_the_choices(empty_store):
    ok = run(empty_store, "add", "Kota Batu", "--title", "KB", "--type", "kesepakatan bersama", "--kind",
             "daerah lain", "--country", "Indonesia", "--start", "2024")
    assert ok.exit_code == 0, ok.stderr
    assert "add kota-batu-kb-2024 (kb)" in ok.stderr
    bad = run(empty_store, "add", "Kota Malang", "--title", "KB", "--type", "kb", "--kind", "KSDX",
              "--country", "ID", "--start", "2024")
    assert bad.exit_code == 2
    assert bad.stderr.startswith("coopctl: error: 'KSDX' is not a partner kind; use one of: foreign-local-gov,")


def test_sector_add_takes_several_sectors_in_one_value(example):
    result = run(example, "sector", "add", "osaka-sister-province", "pariwisata; perdagangan", "--since", "2025-03-14")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "Saved: sector add osaka-sister-province: tourism, trade since 2025-03-14\n"


@pytest.mark.parametrize("text, expected", [
    ("umkm, pariwisata", ["umkm", "pariwisata"]),
    ("umkm;pariwisata;", ["umkm", "pariwisata"]),
    ("trade and investment", ["trade and investment"]),
    (" , ", []),
])
def test_split_sectors(text, expected):
    assert split_sectors(text) == expected


def test_as_of_and_date_filters_take_every_form(example):
    by_name = run(example, "list", "--json", "--as-of", "22 Agustus 2023")
    iso = run(example, "list", "--json", "--as-of", "2023-08-22")
    assert by_name.exit_code == 0 and by_name.stdout == iso.stdout
    since = run(example, "activities", "--json", "--since", "Januari 2017", "--until", "31.12.2017")
    assert since.exit_code == 0, since.stderr
    assert json.loads(since.stdout) and all(r["date"].startswith("2017") for r in json.loads(since.stdout))


# ---------------------------------------------------------------- item 6: prompts that check each answer


@pytest.fixture
def asking(monkeypatch):
    """As at a terminal: add prompts for what is missing (unless --no-input)."""
    import coopctl.cli.changes as changes

    monkeypatch.setattr(changes, "interactive", lambda no_input: not no_input)


def test_add_at_a_terminal_asks_again_after_each_bad_answer(empty_store, asking):
    answers = "\n".join([
        "PKS Pariwisata",  # title
        "perjanjan",  # a wrong type: asked again
        "PKS",
        "31/02/2024",  # not a date in the calendar: asked again
        "1 Maret 2024",
        "2020",  # an end before the start: asked again
        "28/2/2029",
        "umkm, pariwsata",  # an unknown sector: asked again
        "umkm; pariwisata",
        "Jepangg",  # an unknown country: asked again
        "Jepang",
        "KSDX",  # an unknown kind: asked again
        "KSDPL",
    ]) + "\n"
    result = runner.invoke(app, ["add", "Kota Osaka", "--store", str(empty_store)], input=answers)
    assert result.exit_code == 0, result.stderr
    said = result.stderr.splitlines()
    assert said[:-1] == [
        "'perjanjan' is not a document type; use one of: kb, pks, mou, loi, sister-province, sister-city, agreement, "
        "action-plan, programme, other",
        "'31/02/2024' is not a date in the calendar",
        "the end (2020) is before the start (2024-03-01)",
        "unknown sector 'pariwsata'; did you mean tourism (Pariwisata)?",
        "country 'Jepangg' is not an ISO 3166-1 alpha-2 code such as ID, AU or JP, nor a country name coopctl knows; "
        "did you mean Jepang (JP)?",
        "'KSDX' is not a partner kind; use one of: foreign-local-gov, foreign-institution, international-org, "
        "domestic-region, third-party, central-gov",
    ]
    assert said[-1] == ("Saved: add kota-osaka-pks-2024 (pks) for Kota Osaka and new partner kota-osaka: "
                        "term 2024-03-01..2029-02-28")
    listed = json.loads(runner.invoke(app, ["list", "--json", "--as-of", "2024-06-01", "--store",
                                            str(empty_store)]).stdout)
    assert listed[0]["sectors"] == ["msme", "tourism"] and listed[0]["country"] == "JP"


def test_add_at_a_terminal_takes_empty_answers_for_an_open_end_and_no_sectors(example, asking):
    result = runner.invoke(app, ["add", "osaka", "--title", "Kerja sama pelabuhan", "--start", "2024",
                                 "--store", str(example)], input="mou\n\n\n")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-1] == ("Saved: add osaka-mou-2024 (mou) for Osaka Prefecture: "
                                              "term 2024..open-ended")


def test_add_with_every_value_given_asks_nothing_even_at_a_terminal(example, asking):
    result = runner.invoke(app, ["add", "osaka", "--title", "T", "--type", "mou", "--start", "2024",
                                 "--store", str(example)], input="")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""


def test_log_at_a_terminal_asks_again_for_an_unknown_sector(example, asking):
    result = runner.invoke(app, ["log", "tianjin-sister-province", "Kunjungan SMK", "--date", "2024-01-10",
                                 "--store", str(example)], input="vokasy\nvokasi\n")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        "unknown sector 'vokasy'; did you mean vocational (Pendidikan vokasi / kejuruan)?",
        "Saved: log tianjin-sister-province: 2024-01-10 note (vocational) Kunjungan SMK",
    ]


def test_sector_add_without_since_leaves_the_past_as_it_was(example, monkeypatch):
    """With no --since the sector was saved as covered since always: Osaka's listing and coverage at 2015 gained
    tourism, the past rewritten by a record of today. Like sector remove's --until, --since defaults to today."""
    import datetime

    from coopctl.cli import changes

    class Today(datetime.date):
        @classmethod
        def today(cls):
            return cls(2025, 3, 14)

    monkeypatch.setattr(changes, "date", Today)

    def osaka_sectors(as_of: str) -> list[str]:
        listed = run(example, "list", "--partner", "osaka", "--json", "--as-of", as_of)
        return json.loads(listed.stdout)[0]["sectors"]

    before = osaka_sectors("2015-01-01")
    result = run(example, "sector", "add", "osaka-sister-province", "pariwisata")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "Saved: sector add osaka-sister-province: tourism since 2025-03-14\n"
    assert osaka_sectors("2015-01-01") == before
    assert osaka_sectors("2025-03-14") == before + ["tourism"]

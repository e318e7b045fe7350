"""The regulation's vocabulary and the stores made before it: document types, legal categories, old procedures."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coopctl.cli import app
from coopctl.core import lexicon
from coopctl.core.errors import UsageError
from coopctl.core.records import AGREEMENT_TYPES, CATEGORIES, CATEGORY_OF_KIND, PARTNER_KINDS, category_of

runner = CliRunner()


def run(store: Path, *args: str):
    return runner.invoke(app, [*args, "--store", str(store)])


# ---------------------------------------------------------------- the closed lists


def test_the_lexicon_names_the_records_ids():
    assert lexicon.ids(lexicon.TYPES) == AGREEMENT_TYPES
    assert lexicon.ids(lexicon.CATEGORIES) == CATEGORIES
    assert lexicon.ids(lexicon.KINDS) == PARTNER_KINDS
    assert set(CATEGORY_OF_KIND) == set(PARTNER_KINDS)


@pytest.mark.parametrize("text, expected", [
    ("KB", "kb"), ("ksb", "kb"), ("Kesepakatan Bersama", "kb"), ("PKS", "pks"), ("perjanjian kerjasama", "pks"),
    ("NK", "mou"), ("Nota Kesepahaman", "mou"), ("MoU", "mou"), ("LoI", "loi"), ("SPK", "loi"),
    ("surat pernyataan kehendak", "loi"), ("Sister City", "sister-city"), ("rencana aksi", "action-plan"),
])
def test_a_document_type_is_found_by_id_label_or_abbreviation_in_any_case(text, expected):
    assert lexicon.resolve(lexicon.TYPES, text, "document type") == expected


def test_an_unknown_type_is_a_usage_error_naming_the_choices():
    with pytest.raises(UsageError) as raised:
        lexicon.resolve(lexicon.TYPES, "memo", "document type", field="type")
    assert "'memo' is not a document type; use one of: kb, pks, mou, loi" in raised.value.message
    assert raised.value.field == "type"


@pytest.mark.parametrize("kind, category", [
    ("foreign-local-gov", "KSDPL"), ("foreign-institution", "KSDLL"), ("international-org", "KSDLL"),
    ("domestic-region", "KSDD"), ("third-party", "KSDPK"), ("central-gov", "none"),
])
def test_the_category_follows_the_partners_kind_unless_the_agreement_says(kind, category):
    assert category_of(kind) == category
    assert category_of(kind, "none") == "none"


# ---------------------------------------------------------------- stores made by the release before


OLD_SETTINGS = """owner = "Pemerintah Provinsi Jawa Timur"

[notice]
foreign = "18m"
domestic = "6m"

[procedures.foreign]
evaluation = "15m"
draft = "12m"
dprd-letter = "10m"
dprd-approval = "8m"
ministry-approval = "4m"
signing = "1m"

[procedures.domestic]
evaluation = "6m"
draft = "4m"
dprd-approval = "3m"
signing = "1m"
"""

OLD_DOMESTIC = """name = "Kota B"
country = "ID"
kind = "domestic-region"

[[agreements]]
id = "b-kb"
title = "Kesepakatan Bersama"
type = "other"
sectors = ["trade"]

[[agreements.terms]]
start = 2020-01-01
end = 2024-12-31

[[agreements.milestones]]
id = "draft"
date = 2024-09-01
term_end = 2024-12-31

[[agreements.milestones]]
id = "legal-review"
date = 2024-09-02
term_end = 2024-12-31
"""


@pytest.fixture
def old_store(tmp_path, example) -> Path:
    """The example as the previous release wrote it: its default procedures written out, old domestic step ids."""
    (example / "coopctl.toml").write_text(OLD_SETTINGS, encoding="utf-8")
    (example / "partners" / "kota-b.toml").write_text(OLD_DOMESTIC, encoding="utf-8")
    return example


def test_an_old_store_loads_and_checks_clean_with_the_regulations_procedures(old_store):
    result = run(old_store, "check", "--as-of", "2024-10-01")
    assert result.exit_code == 0, result.stdout + result.stderr
    # the one record no procedure knows is named, as a warning (besides the activities after 2024-10-01)
    assert result.stdout.count("warning:") - result.stdout.count("after 2024-10-01: it is not counted") == 1
    assert "milestone 'legal-review' is not a step of the 'domestic' procedure that b-kb follows" in result.stdout
    plan = json.loads(run(old_store, "plan", "western-australia-sister-state", "--as-of", "2022-06-01", "--json").stdout)
    assert [m["name"] for m in plan["milestones"]][:4] == ["evaluation", "rks", "dprd-letter", "dprd-approval"]


def test_an_old_domestic_draft_record_counts_as_the_pks_draft(old_store):
    plan = json.loads(run(old_store, "plan", "b-kb", "--as-of", "2024-10-01", "--json").stdout)
    statuses = {m["name"]: m["status"] for m in plan["milestones"]}
    assert statuses["pks-draft"] == "done" and statuses["kb-signed"] == "done"  # implied by the later step
    assert statuses["pks-signed"] == "open"  # due 2024-11-30


def test_saving_an_old_store_writes_the_settings_without_the_old_defaults(old_store):
    assert run(old_store, "sector", "add", "b-kb", "tourism", "--since", "2024-01-01").exit_code == 0
    # only the changed partner is rewritten; the settings file keeps its text until the settings change
    assert (old_store / "coopctl.toml").read_text(encoding="utf-8") == OLD_SETTINGS
    assert run(old_store, "check").exit_code == 0


# ---------------------------------------------------------------- unknown is not a lapse, in show


def test_show_names_an_unknown_stretch_and_a_lapse(example):
    data = json.loads(run(example, "show", "western-australia-sister-state", "--as-of", "2023-08-22", "--json").stdout)
    assert data["gaps"] == [{"start": "2012-09-28", "end": "2017-08", "kind": "unknown"},
                            {"start": "2022-10", "end": "2023-08-22", "kind": "lapse"}]
    assert [t["assumed"] for t in data["terms"]] == [[], ["end"], ["start", "end"], ["start", "end"]]
    table = run(example, "show", "western-australia-sister-state", "--as-of", "2023-08-22").stdout
    assert "2012-09-28..2017-08: unknown (no term on record)" in table
    assert "2022-10..2023-08-22: lapse (nothing in force)" in table
    assert "~2017-09     ~2022-09" in table


def test_a_recorded_lapse_is_a_lapse(example):
    path = example / "partners" / "western-australia.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('start = "2017-09"\n', 'start = "2017-09"\nlapse_before = true\n'), encoding="utf-8")
    assert run(example, "check").exit_code == 0
    data = json.loads(run(example, "timeline", "--partner", "western-australia", "--as-of", "2023-08-22",
                          "--json").stdout)
    assert [g["kind"] for g in data[0]["gaps"]] == ["lapse", "lapse"]


def test_the_energy_projects_are_a_past_sector(example):
    rows = json.loads(run(example, "list", "--partner", "western-australia", "--as-of", "2023-08-22", "--json").stdout)
    assert "energy" not in rows[0]["sectors"]
    then = json.loads(run(example, "list", "--partner", "western-australia", "--as-of", "2010-01-01", "--json").stdout)
    assert "energy" in then[0]["sectors"]


def test_an_assumed_partner_since_is_marked(example):
    assert "Since       ~1996" in run(example, "show", "gyeongnam").stdout
    assert json.loads(run(example, "show", "gyeongnam", "--json").stdout)["assumed"] == ["since"]


def test_copying_the_example_keeps_its_files_canonical(tmp_path, example):
    """Every file of the example is as coopctl writes it: a change to one partner rewrites only that file."""
    copy = tmp_path / "copy"
    shutil.copytree(example, copy)
    assert run(copy, "log", "tianjin-vocational-mou-2016", "x", "--date", "2024-01-01", "--sector", "vocational").exit_code == 0
    changed = [p.name for p in (copy / "partners").iterdir()
               if p.read_bytes() != (example / "partners" / p.name).read_bytes()]
    assert changed == ["tianjin.toml"]

"""The small things of issue 18 (item 11): plurals, empty counts, a lone '-' in CSV, proposed agreements,
warnings for future activities and long terms, whole URLs in `show`, `show --format md` in full, and the
vocabularies (`coopctl sectors`, `types`, `kinds`)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coopctl.cli import app
from helpers import GOOD, make_store

runner = CliRunner()


def run(*args: str, columns: int = 100):
    return runner.invoke(app, list(args), env={"COLUMNS": str(columns), "NO_COLOR": "1"})


@pytest.fixture
def store(tmp_path) -> Path:
    return make_store(tmp_path / "s", GOOD)


def test_a_step_done_one_day_late_is_singular(example):
    assert run("milestone", "western-australia-sister-state", "evaluation", "--date", "2021-03-31", "--store",
               str(example)).exit_code == 0
    out = run("plan", "western-australia-sister-state", "--as-of", "2021-06-01", "--store", str(example),
              columns=200).stdout
    assert "done 1 day late" in out and "1 days" not in out


def test_an_empty_store_reports_zero_without_empty_brackets(tmp_path):
    root = tmp_path / "kosong"
    assert run("init", "--store", str(root)).exit_code == 0
    out = run("report", "--store", str(root), "--as-of", "2024-01-01").stdout
    assert "()" not in out
    assert any(line.split() == ["Partners", "0"] for line in out.splitlines()), out


def test_csv_report_writes_no_country_as_a_plain_dash(example):
    out = run("report", "--format", "csv", "--store", str(example), "--as-of", "2023-08-22").stdout
    rows = list(csv.reader(io.StringIO(out)))
    assert ["by_country", "-", "1"] in rows
    assert not any(cell == "'-" for row in rows for cell in row)


def test_a_formula_is_still_neutralised():
    from coopctl.core.text import clean

    assert clean("-2+3", formulas=True) == "'-2+3" and clean("=HYPERLINK(1)", formulas=True).startswith("'")
    assert clean("-", formulas=True) == "-" and clean("+", formulas=True) == "+"


def test_a_new_pending_agreement_is_proposed_everywhere(store):
    added = run("add", "contoh", "--title", "MoU baru", "--type", "mou", "--start", "2025-01-01", "--end", "2027-12-31",
                "--pending", "--recorded", "2024-05-01", "--sector", "trade", "--id", "contoh-mou", "--no-input",
                "--store", str(store))
    assert added.exit_code == 0, added.output
    rows = json.loads(run("list", "--json", "--store", str(store), "--as-of", "2024-06-01").stdout)
    assert {r["id"]: r["state"] for r in rows}["contoh-mou"] == "proposed"
    table = run("list", "--store", str(store), "--as-of", "2024-06-01").stdout
    assert "proposed" in table and "renewing" not in table
    csv_out = run("list", "--format", "csv", "--store", str(store), "--as-of", "2024-06-01").stdout
    assert ",proposed," in csv_out
    indonesian = run("list", "--lang", "id", "--store", str(store), "--as-of", "2024-06-01").stdout
    assert "diusulkan" in indonesian


def test_an_activity_after_the_as_of_date_is_a_warning_not_an_error(store):
    result = run("log", "contoh-pks", "Kunjungan", "--date", "2030-01-01", "--sector", "trade", "--as-of",
                 "2024-06-01", "--store", str(store))
    assert result.exit_code == 0, result.output
    assert "coopctl: warning: the activity is dated 2030-01-01, after 2024-06-01" in result.stderr
    assert "Saved:" in result.stderr
    checked = run("check", "--store", str(store), "--as-of", "2024-06-01")
    assert checked.exit_code == 0 and "warning: an activity under contoh-pks is dated 2030-01-01" in checked.stdout
    quiet = run("log", "contoh-pks", "Rapat", "--date", "2024-05-01", "--sector", "trade", "--as-of", "2024-06-01",
                "--store", str(store))
    assert "warning" not in quiet.stderr


def test_a_term_longer_than_the_policy_is_a_warning(store):
    long = run("add", "contoh", "--title", "MoU sepuluh tahun", "--type", "mou", "--start", "2024-01-01", "--end",
               "2033-12-31", "--sector", "trade", "--no-input", "--store", str(store))
    assert long.exit_code == 0, long.output
    assert "warning: the term 2024-01-01..2033-12-31 runs longer than 5 years" in long.stderr
    five = run("add", "contoh", "--title", "MoU lima tahun", "--type", "mou", "--start", "2024-01-01", "--end",
               "2029-01-01", "--sector", "trade", "--no-input", "--store", str(store))
    assert five.exit_code == 0 and "warning" not in five.stderr  # 2024-01-01..2029-01-01 is five years
    assert "runs longer than 5 years" in run("check", "--store", str(store), "--as-of", "2024-06-01").stdout
    # the store's policy is a setting
    settings = store / "coopctl.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + "max_term_years = 10\n", encoding="utf-8")
    checked = run("check", "--store", str(store), "--as-of", "2024-06-01")
    assert checked.exit_code == 0 and "runs longer" not in checked.stdout
    settings.write_text(settings.read_text(encoding="utf-8").replace("= 10", "= 0"), encoding="utf-8")
    assert run("check", "--store", str(store)).exit_code == 1


def test_show_never_breaks_a_url(example):
    out = run("show", "osaka", "--store", str(example), "--as-of", "2023-08-22", columns=60).stdout
    url = "https://jatim.telusur.co.id/detail/forum-rakornas-kerjasama-2023-wagub-emil-dorong-pemda-perkuat-" \
          "peluang-kerjasama-antar-daerah-maupun-internasional"
    assert any(line.split()[-1:] == [url] for line in out.splitlines()), out
    assert "https://kominfo.jatimprov.go.id/read/umum/20907" in out.split()


def test_show_as_markdown_gives_the_whole_record(example):
    out = run("show", "western-australia-sister-state", "--format", "md", "--store", str(example), "--as-of",
              "2023-08-22").stdout
    assert out.startswith("## Sister-state relationship East Java")
    for part in ("| Partner | Western Australia (western-australia) |", "| Category | KSDPL |", "### Terms",
                 "### Activities", "### Milestones", "| Sources |"):
        assert part in out, part
    partner = run("show", "western-australia", "--format", "md", "--store", str(example)).stdout
    assert partner.startswith("# Western Australia") and "## Sister-state relationship" in partner


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "md"])
def test_the_vocabularies_in_every_format(fmt, example):
    for command, expected in (("sectors", "vocational"), ("types", "sister-province"), ("kinds", "domestic-region")):
        result = run(command, "--format", fmt, "--store", str(example))
        assert result.exit_code == 0, result.output
        assert expected in result.stdout
    rows = json.loads(run("sectors", "--json", "--store", str(example)).stdout)
    vocational = next(r for r in rows if r["id"] == "vocational")
    assert {"smk", "tvet", "vokasi"} <= set(vocational["aliases"]) and vocational["label_id"].startswith("Pendidikan")
    kinds = {r["id"]: r["category"] for r in json.loads(run("kinds", "--json").stdout)}
    assert kinds["domestic-region"] == "KSDD" and kinds["foreign-local-gov"] == "KSDPL"


def test_the_vocabularies_speak_the_readers_language(example):
    english = run("types", "--store", str(example)).stdout
    indonesian = run("types", "--lang", "id", "--store", str(example)).stdout
    assert "Memorandum of Understanding" in english and "Nota Kesepahaman" in indonesian
    assert "Alias" in indonesian.splitlines()[0]


def test_a_store_s_own_sectors_are_listed(store):
    settings = store / "coopctl.toml"
    settings.write_text(settings.read_text(encoding="utf-8")
                        + '\n[[sectors]]\nid = "halal-industry"\nlabel = "Halal industry"\nlabel_id = "Industri halal"\n',
                        encoding="utf-8")
    rows = json.loads(run("sectors", "--json", "--store", str(store)).stdout)
    assert {"id": "halal-industry", "custom": True}.items() <= next(r for r in rows if r["id"] == "halal-industry").items()


def test_an_unknown_sector_points_to_coopctl_sectors(store):
    result = run("list", "--sector", "xyzzy", "--store", str(store))
    assert result.exit_code != 0 and "'coopctl sectors' lists them" in result.stderr and "README" not in result.stderr

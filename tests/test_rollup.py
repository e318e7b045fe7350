"""Reading several stores at once (a national roll-up), and refusing to write to several."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from typer.testing import CliRunner

from coopctl.cli import app
from coopctl.storage.location import example_path

runner = CliRunner()


def run(*args, env=None):
    return runner.invoke(app, list(args), env=env)


@pytest.fixture
def three(tmp_path):
    """East Java's example, and two regencies; the second regency reuses an agreement id of the first."""
    jatim = tmp_path / "jatim"
    shutil.copytree(example_path(), jatim)
    stores = [jatim]
    for name, owner in (("malang", "Pemerintah Kabupaten Malang"), ("kediri", "Pemerintah Kota Kediri")):
        store = tmp_path / name
        assert run("init", "--owner", owner, "--store", str(store)).exit_code == 0
        result = run("add", "Kota Hue", "--title", "Sister city", "--type", "sister-city", "--start", "2019-01-01",
                     "--end", "2023-12-31", "--country", "VN", "--kind", "foreign-local-gov", "--id", "hue-sister-city",
                     "--sector", "tourism", "--store", str(store))
        assert result.exit_code == 0, result.stderr
        stores.append(store)
    return stores


def store_args(stores):
    return [a for s in stores for a in ("--store", str(s))]


def test_list_reads_all_stores_and_qualifies_only_colliding_ids(three):
    rows = json.loads(run("list", "--json", "--as-of", "2023-08-22", *store_args(three)).stdout)
    assert len(rows) == 10 + 2
    hue = sorted((r["id"], r["partner_id"], r["owner"]) for r in rows if "hue" in r["id"])
    assert hue == [
        ("pemerintah-kabupaten-malang/hue-sister-city", "pemerintah-kabupaten-malang/kota-hue", "Pemerintah Kabupaten Malang"),
        ("pemerintah-kota-kediri/hue-sister-city", "pemerintah-kota-kediri/kota-hue", "Pemerintah Kota Kediri"),
    ]
    wa = next(r for r in rows if r["partner_id"] == "western-australia")
    assert (wa["id"], wa["owner"]) == ("western-australia-sister-state", "Pemerintah Provinsi Jawa Timur")


def test_table_gains_an_owner_column(three):
    out = run("list", "--as-of", "2023-08-22", *store_args(three), env={"COLUMNS": "160"}).stdout
    assert out.splitlines()[0].split()[:2] == ["Owner", "ID"]


def test_renew_report_dormant_coverage_timeline_roll_up(three):
    args = store_args(three)
    renew = json.loads(run("renew", "--json", "--as-of", "2023-08-22", *args).stdout)
    assert [r["id"].split("/")[-1] for r in renew if not r["review_due"]] == [
        "western-australia-sister-state", "hue-sister-city", "hue-sister-city", "alexandria-loi"]
    report = json.loads(run("report", "--json", "--as-of", "2023-08-22", *args).stdout)
    assert (report["partners"], report["agreements"]) == (10, 12)
    assert report["by_category"]["KSDPL"]["agreements"] == 6 + 2  # the example's and the two Hue sister cities
    assert report["owners"] == ["Pemerintah Provinsi Jawa Timur", "Pemerintah Kabupaten Malang", "Pemerintah Kota Kediri"]
    assert report["by_country"]["VN"] == 2
    sector = json.loads(run("report", "--sector", "pariwisata", "--json", "--as-of", "2023-08-22", *args).stdout)
    assert {p["id"] for p in sector["partners"]} >= {"pemerintah-kabupaten-malang/kota-hue", "pemerintah-kota-kediri/kota-hue"}
    coverage = json.loads(run("coverage", "--json", "--as-of", "2023-08-22", *args).stdout)
    assert coverage["by_country"]["VN"] == ["pemerintah-kabupaten-malang/kota-hue", "pemerintah-kota-kediri/kota-hue"]
    dormant = json.loads(run("dormant", "--json", "--as-of", "2023-08-22", *args).stdout)
    assert sum("hue" in r["id"] for r in dormant) == 2
    timeline = json.loads(run("timeline", "--json", "--as-of", "2023-08-22", *args).stdout)
    assert len(timeline) == 12


def test_environment_variable_holds_several_paths(three):
    env = {"COOPCTL_STORE": os.pathsep.join(str(s) for s in three)}
    rows = json.loads(run("list", "--json", "--as-of", "2023-08-22", env=env).stdout)
    assert len(rows) == 12


def test_writing_commands_refuse_several_stores(three):
    before = {p: p.read_bytes() for s in three for p in s.rglob("*.toml")}
    for args in (["add", "x", "--title", "t", "--type", "mou", "--start", "2024"],
                 ["renew", "hue-sister-city", "--until", "2028", "--pending"],
                 ["log", "hue-sister-city", "x", "--sector", "tourism"],
                 ["terminate", "hue-sister-city"]):
        result = run(*args, *store_args(three))
        assert result.exit_code == 2, args
        assert "works on one store, and 3 are named" in result.stderr
    env = {"COOPCTL_STORE": os.pathsep.join(str(s) for s in three)}
    assert run("renew", "hue-sister-city", "--until", "2028", "--pending", env=env).exit_code == 2
    assert before == {p: p.read_bytes() for s in three for p in s.rglob("*.toml")}


def test_a_broken_store_is_reported_and_skipped(three, tmp_path):
    (three[1] / "partners" / "kota-hue.toml").write_text('name = "x\n', encoding="utf-8")
    result = run("list", "--json", "--as-of", "2023-08-22", *store_args(three), "--store", str(tmp_path / "missing"))
    assert result.exit_code == 1
    rows = json.loads(result.stdout)
    assert len(rows) == 11  # jatim's 10 and kediri's 1
    assert "hue-sister-city" in [r["id"] for r in rows]  # no longer colliding: malang was skipped
    assert result.stderr.count("skipped a store") == 2
    assert "kota-hue.toml:1:" in result.stderr and "no store at" in result.stderr


def test_a_roll_up_caches_small_stores_and_still_sees_an_edit(three):
    args = store_args(three)
    first = json.loads(run("list", "--json", "--as-of", "2023-08-22", *args).stdout)
    path = three[2] / "partners" / "kota-hue.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('title = "Sister city"', 'title = "Kota kembar"'),
                    encoding="utf-8")
    again = json.loads(run("list", "--json", "--as-of", "2023-08-22", *args).stdout)
    titles = {r["owner"]: r["title"] for r in again if "hue" in r["id"]}
    assert titles == {"Pemerintah Kabupaten Malang": "Sister city", "Pemerintah Kota Kediri": "Kota kembar"}
    assert len(first) == len(again)


def test_export_rolls_up_csv_but_not_json(three, tmp_path):
    result = run("export", "--format", "csv", "-o", "-", "--as-of", "2023-08-22", *store_args(three))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("owner,id,partner,partner_id")
    assert any(line.startswith("Pemerintah Kota Kediri,pemerintah-kota-kediri/hue-sister-city,") for line in lines)
    refused = run("export", "--format", "json", "-o", str(tmp_path / "x.json"), *store_args(three))
    assert refused.exit_code == 2 and "one whole store" in refused.stderr

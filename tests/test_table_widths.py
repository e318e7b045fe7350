"""Tables designed for 80 columns and up (issue 18, item 1): an id is never cut, empty columns are not shown,
partner names keep at least 16 characters at 80 columns, names and titles wrap, columns left out for want of
room are named in a footnote; --wide shows everything, --columns chooses."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from coopctl.cli import app
from coopctl.storage.location import example_path

LONG_IDS = ["pemerintah-kabupaten-malang-pks-pendidikan-2024", "pemerintah-kabupaten-banyuwangi-kb-pariwisata-2020",
            "gyeongsangnam-do-provincial-government-mou-umkm-2024"]
AS_OF = "2024-06-01"
WIDTHS = [60, 80, 100, 120, 200]


def invoke(args: list[str], columns: int = 100):
    return CliRunner().invoke(app, args, env={"COLUMNS": str(columns), "NO_COLOR": "1"})


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    root = tmp_path_factory.mktemp("widths") / "jatim"
    shutil.copytree(example_path(), root)
    s = ["--store", str(root), "--no-input"]
    for args in (
        ["add", "Pemerintah Kabupaten Malang", "--id", LONG_IDS[0], "--title", "PKS bidang pendidikan dan pelatihan "
         "vokasi bagi guru SMK", "--type", "pks", "--sector", "education", "--start", "2024-01-15", "--end",
         "2026-01-14", "--signed", "2024-01-10", "--country", "ID", "--kind", "domestic-region"],
        ["add", "Pemerintah Kabupaten Banyuwangi", "--id", LONG_IDS[1], "--title", "Kesepakatan Bersama pariwisata",
         "--type", "kb", "--sector", "tourism", "--start", "2020-03-01", "--end", "2024-12-31", "--signed",
         "2020-02-20", "--country", "ID", "--kind", "domestic-region", "--notice", "12m"],
        ["add", "Gyeongsangnam-do Provincial Government", "--id", LONG_IDS[2], "--title", "MoU on MSME cooperation",
         "--type", "mou", "--sector", "msme", "--start", "2024-05-01", "--end", "2029-04-30", "--pending",
         "--recorded", "2024-03-01", "--country", "KR", "--kind", "foreign-local-gov"],
        ["log", LONG_IDS[0], "Teacher exchange between SMK Malang and SMK Surabaya on vocational curricula",
         "--date", "2024-03-04", "--type", "exchange", "--sector", "education"],
        ["milestone", LONG_IDS[1], "evaluation", "--date", "2024-02-01", "--ref",
         "000.5.2/1234/KSB/011.3/2024"],
    ):
        result = CliRunner().invoke(app, args[:1] + s + args[1:])
        assert result.exit_code == 0, (args, result.output)
    return root


def lines_of(result) -> list[str]:
    assert result.exit_code in (0, 1), result.output
    return result.stdout.splitlines()


def assert_fits(out: list[str], width: int) -> None:
    """Every line within the width, but a command to copy (`  coopctl milestone ID ...`), which is never broken."""
    too_long = [line for line in out if len(line) > width and not line.startswith("  coopctl ")]
    assert not too_long, "\n".join(out)


@pytest.mark.parametrize("width", WIDTHS)
def test_list_keeps_every_id_whole_and_fits_the_width(store, width):
    out = lines_of(invoke(["list", "--store", str(store), "--as-of", AS_OF], width))
    assert_fits(out, width)
    text = "\n".join(out)
    for agreement_id in LONG_IDS + ["western-australia-sister-state", "dki-jakarta-pks-trade-2021"]:
        assert agreement_id in out or any(line.split()[:1] == [agreement_id] for line in out), text
    assert "…" not in "".join(line.split()[0] for line in out if line.strip())  # no id is cut
    if width >= 80:
        assert "Partner" in out[0]
        assert "Gyeongsangnam-do" in text and "Pemerintah Kabupaten" in text  # names keep >= 16 characters
    if width == 200:
        assert "Not shown" not in text  # everything fits


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("command", [["renew"], ["renew", "--check"], ["dormant"], ["activities"],
                                     ["plan", LONG_IDS[1]]])
def test_other_listings_keep_ids_whole_and_fit(store, width, command):
    out = lines_of(invoke([*command, "--store", str(store), "--as-of", AS_OF], width))
    assert_fits(out, width)
    text = "\n".join(out)
    if command[0] in ("renew", "dormant"):
        assert LONG_IDS[1] in [line.split()[0] for line in out if line.strip()], text
    if command[0] == "renew":
        assert LONG_IDS[2] in text
        if width >= 80:
            assert "Partner" in out[0] and "Gyeongsangnam-do" in text and "Banyuwangi" in text
    if command[0] == "activities":
        assert LONG_IDS[0] in text
        if width >= 80:
            assert "Summary" in out[0] and "Teacher exchange" in text
    if command[0] == "plan":
        assert width < 80 or "000.5.2/1234/KSB/011.3/2024" in text  # the letter number is not cut
        assert f"coopctl milestone {LONG_IDS[1]}" in text


def test_the_cron_mail_piped_at_80_columns_has_partner_names_and_full_ids(store):
    result = invoke(["renew", "--check", "--store", str(store), "--as-of", "2024-11-01"], 80)
    assert result.exit_code == 1
    out = result.stdout
    assert LONG_IDS[1] in out and "Pemerintah Kabupaten" in out and "Banyuwangi" in out
    assert all(len(line) <= 80 for line in out.splitlines())


def test_an_empty_column_is_not_shown(store):
    # nothing pending at this date: no "Pending to" column, however wide the terminal
    out = invoke(["renew", "--store", str(store), "--as-of", "2020-06-01"], 200).stdout
    assert "Pending to" not in out and "Pending to" not in out.split("Not shown")[-1]
    # the example's renewing agreement has a pending term: the column is there when there is room
    assert "Pending to" in invoke(["renew", "--store", str(store), "--as-of", "2023-08-22"], 200).stdout


def test_left_out_columns_are_named_and_wide_shows_them(store):
    narrow = invoke(["list", "--store", str(store), "--as-of", AS_OF], 80).stdout
    assert "Not shown at this width:" in narrow and "Sectors" in narrow.split("Not shown at this width:")[1]
    wide = invoke(["list", "--store", str(store), "--as-of", AS_OF, "--wide"], 80).stdout
    header = wide.splitlines()[0].split()
    assert header == ["ID", "Partner", "CC", "Type", "Sectors", "Term", "State", "Days", "Category"]
    assert "Not shown" not in wide and "Gyeongsangnam-do Provincial Government" in wide


def test_columns_chooses_and_orders(store):
    result = invoke(["list", "--store", str(store), "--as-of", AS_OF, "--columns", "id,state,title"], 80)
    assert result.exit_code == 0, result.output
    out = result.stdout.splitlines()
    assert out[0].split() == ["ID", "State", "title"]
    assert any(line.startswith(LONG_IDS[0]) for line in out)
    assert "PKS bidang pendidikan" in result.stdout
    # a listing's own columns by their header too, and any field of the listing
    days = invoke(["renew", "--store", str(store), "--as-of", AS_OF, "--columns", "id,days,partner-id"], 120).stdout
    assert days.splitlines()[0].split() == ["ID", "Days", "partner_id"]


def test_an_unknown_column_is_a_usage_error_naming_the_valid_ones(store):
    result = invoke(["list", "--store", str(store), "--columns", "id,colour"])
    assert result.exit_code == 2
    assert "colour" in result.stderr and "partner, country, type, sectors, term, state, days" in result.stderr
    assert result.stdout == ""


def test_wide_and_columns_are_for_tables(store):
    for args in (["--wide", "--json"], ["--columns", "id", "--format", "csv"], ["--wide", "--columns", "id"]):
        result = invoke(["list", "--store", str(store), *args])
        assert result.exit_code == 2 and result.stdout == "", args


def test_json_and_another_format_is_a_usage_error(store):
    result = invoke(["list", "--store", str(store), "--json", "--format", "csv"])
    assert result.exit_code == 2 and "--json" in result.stderr and result.stdout == ""
    assert invoke(["list", "--store", str(store), "--json", "--format", "json"]).exit_code == 0


@pytest.mark.parametrize("width", [60, 80, 120])
def test_the_trash_listing_keeps_ids_and_timestamps_whole(store, tmp_path, width):
    copy = tmp_path / "copy"
    shutil.copytree(store, copy)
    assert invoke(["delete", LONG_IDS[0], "--yes", "--store", str(copy)]).exit_code == 0
    out = lines_of(invoke(["restore", "--store", str(copy)], width))
    assert_fits(out, width)
    text = "\n".join(out)
    assert LONG_IDS[0] in text
    assert any(len(word) == 8 and word.count(":") == 2 for word in text.split())  # the time, whole


@pytest.mark.parametrize("columns", [5, 12])
def test_show_at_an_absurd_width_still_shows_every_value(store, columns):
    """At COLUMNS=5 `show` printed its labels cut ('Partn', 'Count') and no value at all."""
    result = invoke(["show", "osaka", "--store", str(store), "--as-of", AS_OF], columns)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Partner     Osaka") and any(line.startswith("Country     JP") for line in lines)

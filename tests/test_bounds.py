"""Every value has bounds, checked where it enters and by `check` (issue 14): the reproductions of the
issue each give a clear error or a normal result, never an internal error.

Dates: 1900-01-01 to 9998-12-31. Durations (notice, review, a procedure's steps, --within): 1 day to 20
years. Months (--months, dormant_months, stalled_months, review_months): 1 to 240. Integers: TOML's 64 bits.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coopctl.cli import app
from coopctl.core.dates import DateError, parse_duration, parse_input, parse_stored
from helpers import GOOD, make_store, snapshot, write_partner

runner = CliRunner()
ADD = ["add", "contoh", "--title", "Baru", "--type", "mou", "--no-input"]


def run(root: Path, *args: str):
    result = runner.invoke(app, [*args, "--store", str(root)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture
def store(tmp_path) -> Path:
    return make_store(tmp_path, GOOD)


def assert_refused(result, code: int, *fragments: str) -> None:
    assert result.exit_code == code, (result.exit_code, result.stderr)
    assert result.stdout == "" and result.stderr.count("\n") == 1, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)


# ---------------------------------------------------------------- where values enter: the command line


@pytest.mark.parametrize("args, fragment", [
    (["--start", "2024", "--notice", "9000y"], "--notice: '9000y' is too long: a duration is at most 20 years"),
    (["--start", "2024", "--notice", "0d"], "--notice: '0d' is not a duration: it must be at least 1 day"),
    (["--start", "2024", "--end", "9999-12-31"], "--end: '9999-12-31' is outside the dates coopctl keeps "
                                                 "(1900-01-01 to 9998-12-31)"),
    (["--start", "9999-12-31"], "--start: '9999-12-31' is outside the dates coopctl keeps"),
    (["--start", "1899-12-31"], "--start: '1899-12-31' is outside the dates coopctl keeps"),
    (["--start", "0999"], "--start: '0999' has no four-digit year"),
    (["--start", "\uff12\uff10\uff12\uff14-01-01"], "has digits other than 0-9"),  # full-width
    (["--start", "\u0662\u0660\u0662\u0664"], "has digits other than 0-9"),  # Arabic-Indic
    (["--start", "2024", "--id", ""], "agreement id '' must be 1-64 lowercase letters"),
])
def test_add_refuses_values_out_of_bounds_before_anything_is_written(store, args, fragment):
    before = snapshot(store)
    assert_refused(run(store, *ADD, *args), 2 if "--id" not in args else 1, fragment)
    assert {k: v for k, v in snapshot(store).items() if k != ".coopctl.lock"} == before


@pytest.mark.parametrize("args, fragment", [
    (["renew", "--within", "9000y"], "--within: '9000y' is too long"),
    (["renew", "contoh-pks", "--until", "9999-12-31", "--signed", "2024"], "--until: '9999-12-31' is outside"),
    (["calendar", "--within", "9000y"], "--within: '9000y' is too long"),
    (["dormant", "--months", "99999"], "--months must be from 1 to 240 (20 years)"),
    (["dormant", "--months", "0"], "--months must be from 1 to 240"),
    (["list", "--as-of", "9999-12-31"], "--as-of: '9999-12-31' is outside the dates coopctl keeps"),
    (["list", "--as-of", "0001-01-01"], "--as-of: '0001-01-01' has no four-digit year"),
    (["timeline", "--from", "1000"], "--from must be a year from 1900 to 9998"),
    (["activities", "--since", "\u0662\u0660\u0662\u0664"], "--since: '\u0662\u0660\u0662\u0664' has digits other than 0-9"),
])
def test_options_out_of_bounds_are_usage_errors(store, args, fragment):
    assert_refused(run(store, *args), 2, fragment)


def test_the_edges_themselves_are_normal_results(store):
    """9998-12-31 and 20 years: accepted, and every command that follows works."""
    assert run(store, *ADD, "--id", "edge", "--start", "1900", "--end", "9998-12-31", "--notice", "20y").exit_code == 0
    assert run(store, "check").exit_code == 0
    for args in (["list", "--as-of", "9998-12-31"], ["renew", "--as-of", "9998-12-31", "--within", "20y"],
                 ["calendar", "--as-of", "9998-12-31", "--within", "20y"], ["calendar", "--as-of", "1900-01-01"],
                 ["plan", "edge", "--as-of", "9998-12-31"], ["dormant", "--months", "240", "--as-of", "1900-01-01"],
                 ["report", "--as-of", "9998-12-31", "--format", "md"], ["timeline", "--from", "1900", "--to", "9998"]):
        result = run(store, *args)
        assert result.exit_code == 0, (args, result.stderr)
    assert run(store, "renew", "--check", "--as-of", "9998-12-31").exit_code == 1  # due: found, as cron expects
    renewed = run(store, "renew", "edge", "--until", "9998-12-31", "--signed", "2024")
    assert_refused(renewed, 1, "the new term's end (9998-12-31) is before its start (9999-01-01)")


def test_a_number_too_large_for_a_store_file_is_refused(store):
    result = run(store, "log", "contoh-pks", "big", "--sector", "trade", "--date", "2024-05-01",
                 "--value", str(10**30), "--currency", "IDR")
    assert_refused(result, 2, "--value: the number is too large: at most 9223372036854775807")


# ---------------------------------------------------------------- where values enter: the store's files


SETTINGS_CASES = {
    "review-months": ("review_months = 999999999\n", "coopctl.toml:2:1: 'review_months' must be at most 240"),
    "dormant-months": ("dormant_months = 241\n", "coopctl.toml:2:1: 'dormant_months' must be at most 240"),
    "notice-years": ('[notice]\nforeign = "99999y"\n', "coopctl.toml:3:1: '99999y' is too long"),
    "notice-zero": ('[notice]\ndomestic = "0m"\n', "coopctl.toml:3:1: '0m' is not a duration"),
    "step-years": ('[procedures.foreign]\nevaluation = "99999y"\n', "coopctl.toml:3:1: '99999y' is too long"),
    "step-table": ('[procedures.x]\nsigning = { before = "9000y" }\n', "coopctl.toml:3:"),
}


@pytest.mark.parametrize("case", sorted(SETTINGS_CASES))
def test_settings_out_of_bounds_are_found_by_check_and_refused_by_every_command(store, case):
    text, where = SETTINGS_CASES[case]
    (store / "coopctl.toml").write_text('owner = "Test Bureau"\n' + text, encoding="utf-8")
    result = run(store, "check")
    assert result.exit_code == 1 and f"{store}/{where}" in result.stdout, result.stdout
    for args in (["list"], ["renew", "--check"], ["calendar"], ["dormant"]):
        refused = run(store, *args)
        assert refused.exit_code in (1, 2) and refused.stderr.count("\n") == 1, (args, refused.stderr)
        assert where.split(": ")[0] in refused.stderr


PARTNER_CASES = {
    "notice-9000y": (GOOD.replace('sectors = ["trade"]', 'sectors = ["trade"]\nnotice = "9000y"'), "10:1",
                     "'9000y' is too long"),
    "year-below-1000": (GOOD.replace("start = 2024-03-01", "start = 0999-03-01"), "12:1",
                        "'start' is 0999-03-01, outside the dates coopctl keeps (1900-01-01 to 9998-12-31)"),
    "year-9999": (GOOD.replace("end = 2029-02-28", "end = 9999-12-31"), "13:1", "'end' is 9999-12-31, outside"),
    "partial-year-1899": (GOOD.replace("end = 2029-02-28", 'end = "1899"'), "13:1", "'1899' is outside the dates"),
    "huge-integer": (GOOD + "zz = 1" + "2" * 5000 + "\n", "14:6", "invalid TOML: a number of 5001 digits"),
    "value-beyond-64-bits": (GOOD + '\n[[agreements.activities]]\ndate = 2024-05-01\nsector = "trade"\n'
                             'summary = "x"\nvalue = 99999999999999999999\ncurrency = "IDR"\n', "19:1",
                             "'value' must be at most 9223372036854775807"),
    "full-width-digits-in-a-partial-date": (GOOD.replace("end = 2029-02-28", 'end = "\uff12\uff10\uff12\uff19"'),
                                            "13:1", "has digits other than 0-9"),
}


@pytest.mark.parametrize("case", sorted(PARTNER_CASES))
def test_partner_files_out_of_bounds_are_placed_at_file_line_column(tmp_path, case):
    text, where, message = PARTNER_CASES[case]
    root = make_store(tmp_path)
    write_partner(root, "contoh", text)
    result = run(root, "check")
    assert result.exit_code == 1
    assert f"{root}/partners/contoh.toml:{where}: " in result.stdout and message in result.stdout, result.stdout
    for args in (["list"], ["renew", "--check"], ["show", "contoh"], ["calendar"], ["renew", "contoh-pks", "--until",
                                                                                 "2040", "--pending"]):
        refused = run(root, *args)
        assert refused.exit_code == (2 if "--check" in args else 1), refused.stderr  # --check: grep's 2
        assert f"partners/contoh.toml:{where}: " in refused.stderr, refused.stderr


# ---------------------------------------------------------------- the parsers themselves


@pytest.mark.parametrize("text", ["9999", "1899-12", "0001-01-01", "\uff12\uff10\uff12\uff14", "\u0662\u0660\u0662\u0664-01"])
def test_dates_out_of_bounds_or_not_in_ascii_digits(text):
    with pytest.raises(DateError):
        parse_input(text)
    with pytest.raises(DateError):
        parse_stored(text)


@pytest.mark.parametrize("text", ["0d", "0m", "0y", "21y", "241m", "7306d", "99999y", "\uff16m"])
def test_durations_out_of_bounds(text):
    with pytest.raises(DateError):
        parse_duration(text)


@pytest.mark.parametrize("text", ["1d", "20y", "240m", "7305d"])
def test_durations_at_the_bounds(text):
    parse_duration(text)


# ---------------------------------------------------------------- output that cannot be written


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
@pytest.mark.parametrize("args", [["list", "--json"], ["list"], ["export", "--format", "csv"], ["calendar"]])
def test_output_to_a_full_device_is_one_line_and_exit_1(store, args):
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "coopctl", *args, "--store", str(store), "--as-of", "2025-01-01"],
                                stdout=full, stderr=subprocess.PIPE, text=True, timeout=60,
                                env={**os.environ, "NO_COLOR": "1"})
    assert result.returncode == 1, result.stderr
    assert result.stderr == "coopctl: error: could not write the output: No space left on device\n"

"""Cron and pipes (issue 18, item 8): --quiet, grep's exit codes for the check modes, `| head`, conflicting
formats, durations everywhere, and the options every command has where they make sense."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from coopctl.cli import app
from helpers import GOOD, make_store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import generate as gen  # noqa: E402

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture
def store(tmp_path) -> Path:
    """One PKS (2024-03-01..2029-02-28) with an activity on 2024-05-01."""
    root = make_store(tmp_path / "s", GOOD)
    logged = run("log", "contoh-pks", "Trade fair", "--date", "2024-05-01", "--sector", "trade", "--store", str(root))
    assert logged.exit_code == 0, logged.output
    return root


def broken(store: Path) -> Path:
    (store / "partners" / "rusak.toml").write_text('name = "Rusak"\ncountry = \n', encoding="utf-8")
    return store


# ---------------------------------------------------------------- --quiet


def test_quiet_prints_nothing_when_nothing_needs_attention(store):
    for args in (["renew", "--check"], ["renew"], ["dormant", "--check"], ["dormant"]):
        loud = run(*args, "--store", str(store), "--as-of", "2024-06-01")
        quiet = run(*args, "--quiet", "--store", str(store), "--as-of", "2024-06-01")
        assert quiet.exit_code == 0 and quiet.stdout == "" and quiet.stderr == "", args
        assert loud.exit_code == 0 and loud.stdout != "", args  # without --quiet it says so


def test_quiet_still_prints_what_needs_attention(store):
    result = run("renew", "--check", "--quiet", "--store", str(store), "--as-of", "2028-12-01")
    assert result.exit_code == 1
    assert "contoh-pks" in result.stdout and "due" in result.stdout
    dormant = run("dormant", "--check", "-q", "--store", str(store), "--as-of", "2027-01-01")
    assert dormant.exit_code == 1 and "contoh-pks" in dormant.stdout


def test_quiet_is_for_the_list_not_for_a_renewal(store):
    result = run("renew", "contoh-pks", "--until", "2034", "--signed", "2029-01-01", "--quiet", "--store", str(store))
    assert result.exit_code == 2 and "--quiet" in result.stderr


# ---------------------------------------------------------------- grep's exit codes


@pytest.mark.parametrize("args", [["renew", "--check"], ["dormant", "--check"], ["check"]])
def test_the_check_modes_exit_2_on_a_broken_or_missing_store(store, tmp_path, args):
    missing = run(*args, "--store", str(tmp_path / "nowhere"))
    assert missing.exit_code == 2, missing.output
    assert missing.stderr.startswith("coopctl: error: ") and "Traceback" not in missing.output
    if args != ["check"]:  # `check` reports a broken file as what it found (exit 1), as a linter does
        result = run(*args, "--store", str(broken(store)), "--as-of", "2024-06-01")
        assert result.exit_code == 2, result.output
        assert "rusak.toml" in result.stderr


def test_the_check_modes_exit_0_when_nothing_is_found_and_1_when_something_is(store):
    assert run("renew", "--check", "--store", str(store), "--as-of", "2024-06-01").exit_code == 0
    assert run("renew", "--check", "--store", str(store), "--as-of", "2029-06-01").exit_code == 1
    assert run("dormant", "--check", "--store", str(store), "--as-of", "2024-06-01").exit_code == 0
    assert run("dormant", "--check", "--store", str(store), "--as-of", "2027-06-01").exit_code == 1
    assert run("check", "--store", str(store)).exit_code == 0
    assert run("check", "--store", str(broken(store))).exit_code == 1


def test_a_listing_without_check_keeps_exit_1_for_a_broken_store(store):
    assert run("renew", "--store", str(broken(store))).exit_code == 1


# ---------------------------------------------------------------- pipes


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX pipes")
def test_a_listing_piped_into_head_exits_0(tmp_path):
    """`coopctl list | head -2` with a real pipe, the listing far longer than the pipe's buffer."""
    root = tmp_path / "big"
    gen.generate(1500, root, seed=5)
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    for args in (["list"], ["list", "--json"], ["list", "--format", "csv"], ["activities"]):
        proc = subprocess.Popen([sys.executable, "-m", "coopctl", *args, "--store", str(root), "--as-of", "2024-01-01"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        first = [proc.stdout.readline() for _ in range(2)]
        proc.stdout.close()  # as head does, once it has its lines
        stderr = proc.stderr.read()
        assert proc.wait(timeout=60) == 0, (args, stderr)
        assert stderr == b"", (args, stderr)
        assert all(first), args
    shell = subprocess.run(["bash", "-c", f"set -o pipefail; {sys.executable} -m coopctl list --store '{root}' "
                                          "--as-of 2024-01-01 | head -2"],
                           capture_output=True, text=True, env=env, timeout=60)
    assert shell.returncode == 0 and len(shell.stdout.splitlines()) == 2 and shell.stderr == "", shell.stderr


# ---------------------------------------------------------------- formats and durations


def test_json_with_another_format_is_a_usage_error(store):
    for args in (["list", "--json", "--format", "csv"], ["renew", "--format", "md", "--json"],
                 ["report", "--json", "--format", "html"]):
        result = run(*args, "--store", str(store))
        assert result.exit_code == 2 and "contradict" in result.stderr and result.stdout == "", args


def test_dormant_months_takes_durations(store):
    def ids(*months: str) -> str:
        result = run("dormant", *months, "--store", str(store), "--as-of", "2026-06-01", "--format", "csv")
        assert result.exit_code == 0, result.output
        return result.stdout

    assert ids("--months", "2y") == ids("--months", "24") == ids("--months", "24m")
    assert "contoh-pks" in ids("--months", "18m") and "contoh-pks" not in ids("--months", "3y")
    days = run("dormant", "--months", "90d", "--store", str(store))
    assert days.exit_code == 2 and "'90d' is counted in days; give months or years" in days.stderr
    nonsense = run("dormant", "--months", "lots", "--store", str(store))
    assert nonsense.exit_code == 2 and "--months: 'lots' is not a duration" in nonsense.stderr


# ---------------------------------------------------------------- every command's options


def commands() -> dict:
    """Every command of the Typer/Click tree (Typer vendors Click), by its full name (`sector add`)."""
    found: dict = {}

    def walk(command, path: list[str]) -> None:
        if hasattr(command, "commands"):  # a group
            for name, sub in command.commands.items():
                walk(sub, [*path, name])
        elif not command.hidden:  # a hidden command (merge-driver) is git's, not a person's
            found[" ".join(path)] = command

    walk(typer.main.get_command(app), [])
    return found


def options_of(command) -> set[str]:
    return {name for param in command.params for name in (*param.opts, *param.secondary_opts)}


# What each option is for, and the commands where it does not make sense, with the reason.
WRITERS_WITHOUT_DRY_RUN = {"init": "creates a store: nothing to show a diff against",
                           "sync": "exchanges commits with the team's remote; its own git says what it would do",
                           "open": "opens a stored document; writes nothing"}
READERS_WITHOUT_AS_OF = {"open": "opens a file", "init": "writes", "sync": "writes", "import": "writes",
                         "attach": "writes", "detach": "writes", "edit": "writes", "delete": "writes",
                         "add": "writes", "terminate": "writes", "milestone": "writes", "log": "writes",
                         "sector add": "writes", "sector remove": "writes", "amend": "writes", "undo": "writes"}
FILE_OUTPUTS = {"report", "timeline", "export", "calendar"}


def test_every_command_has_the_options_that_make_sense_for_it():
    every = commands()
    assert len(every) >= 28
    missing = []
    for name, command in every.items():
        options = options_of(command)
        if "--store" not in options and name != "init":
            missing.append(f"{name}: --store")
        writes = "--dry-run" in options or name in WRITERS_WITHOUT_DRY_RUN or name in READERS_WITHOUT_AS_OF
        if writes and name not in WRITERS_WITHOUT_DRY_RUN:
            for option in ("--dry-run", "--no-input"):
                if option not in options:
                    missing.append(f"{name}: {option}")
        if name not in READERS_WITHOUT_AS_OF and "--as-of" not in options:
            missing.append(f"{name}: --as-of")
        if "--format" in options and not {"--as-of", "--store"} <= options:
            missing.append(f"{name}: a listing without --as-of/--store")
        if "--format" in options and name not in ("export", "calendar") and not {"--wide", "--columns"} <= options:
            missing.append(f"{name}: --wide/--columns")
        if name in FILE_OUTPUTS and not {"-o", "--output"} & options:
            missing.append(f"{name}: -o")
        if "--check" in options and "--quiet" not in options:
            missing.append(f"{name}: --quiet with --check")
    assert not missing, missing


def test_no_input_is_accepted_by_writers_that_never_ask(store):
    for args in (["terminate", "contoh-pks", "--date", "2025-01-01", "--dry-run"],
                 ["milestone", "contoh-pks", "evaluation", "--date", "2025-01-01", "--dry-run"]):
        result = run(*args, "--no-input", "--store", str(store))
        assert result.exit_code == 0, (args, result.output)


def test_report_writes_every_format_to_a_file(store, tmp_path):
    for fmt in ("table", "json", "csv", "md"):
        out = tmp_path / f"report.{fmt}"
        result = run("report", "--format", fmt, "-o", str(out), "--store", str(store), "--as-of", "2024-06-01")
        assert result.exit_code == 0, result.output
        assert result.stdout == "" and out.read_text(encoding="utf-8").strip()
        shown = run("report", "--format", fmt, "--store", str(store), "--as-of", "2024-06-01").stdout
        assert out.read_text(encoding="utf-8") == shown


def test_activities_takes_as_of(store):
    assert "Trade fair" in run("activities", "--store", str(store), "--as-of", "2024-06-01").stdout
    before = run("activities", "--store", str(store), "--as-of", "2024-04-30")
    assert before.exit_code == 0 and "Trade fair" not in before.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX pipes")
@pytest.mark.parametrize("args, found", [
    (["renew", "--check", "--as-of", "2029-06-01"], 1), (["renew", "--check", "--as-of", "2024-06-01"], 0),
    (["dormant", "--check", "--as-of", "2027-06-01"], 1), (["dormant", "--check", "--as-of", "2024-06-01"], 0),
    (["renew", "--as-of", "2029-06-01"], 0),
])
def test_a_check_whose_reader_has_gone_still_says_what_it_found(store, args, found):
    """`renew --check | head` in a cron job with pipefail: the reader closing the pipe made the check exit 0, as
    if nothing had been found. The reader is gone before the first line (its end closed before coopctl writes)."""
    proc = subprocess.Popen([sys.executable, "-m", "coopctl", *args, "--store", str(store)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "NO_COLOR": "1"})
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == found, stderr
    assert "Traceback" not in stderr and "rror" not in stderr, stderr

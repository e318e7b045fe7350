"""Issue 18, item 2: a renewal is never recorded as signed by accident; amend and undo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coopctl.cli import app
from helpers import snapshot

runner = CliRunner()


def run(store: Path, *args: str, input: str | None = None):
    return runner.invoke(app, [*args, "--store", str(store)], input=input)


def records(root: Path) -> dict[str, bytes]:
    """The store's record files (a command also leaves its lock file, and a change its undo record)."""
    return {k: v for k, v in snapshot(root).items() if k.endswith(".toml")}


@pytest.fixture
def asking(monkeypatch):
    """As at a terminal: the commands prompt (unless --no-input)."""
    import coopctl.cli.changes as changes

    monkeypatch.setattr(changes, "interactive", lambda no_input: not no_input)


def test_renew_until_alone_is_a_usage_error_off_a_terminal(example):
    before = records(example)
    result = run(example, "renew", "unicef-cpap-2021-2025", "--until", "2030")
    assert result.exit_code == 2
    assert result.stderr == ("coopctl: error: say whether the new term is signed: give --signed DATE, or --pending "
                             "while the renewal is in process\n")
    assert records(example) == before


def test_renew_until_alone_with_no_input_is_a_usage_error_even_at_a_terminal(example, asking):
    result = run(example, "renew", "unicef-cpap-2021-2025", "--until", "2030", "--no-input")
    assert result.exit_code == 2 and "give --signed DATE, or --pending" in result.stderr


def test_renew_at_a_terminal_asks_and_an_empty_answer_records_pending(example, asking):
    result = run(example, "renew", "unicef-cpap-2021-2025", "--until", "2030", input="\n")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.endswith("Saved: renew unicef-cpap-2021-2025: pending term 2026-01-01..2030\n")


def test_renew_at_a_terminal_asks_again_after_a_bad_date(example, asking):
    result = run(example, "renew", "unicef-cpap-2021-2025", "--until", "2030", input="32/13/2025\n15/12/2025\n")
    assert result.exit_code == 0, result.stderr
    assert "'32/13/2025' has no month 13" in result.stderr
    assert result.stderr.endswith("Saved: renew unicef-cpap-2021-2025: signed term 2026-01-01..2030\n")
    shown = json.loads(run(example, "show", "unicef-cpap-2021-2025", "--json", "--as-of", "2026-02-01").stdout)
    assert shown["terms"][-1]["signed"] == "2025-12-15"


# ---------------------------------------------------------------- amend


def test_amend_dry_run_shows_the_partner_file_diff_and_writes_nothing(example):
    before = records(example)
    result = run(example, "amend", "unicef-cpap-2021-2025", "--signed", "1/3/2021", "--number", "UN/1", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == """\
--- a/partners/unicef.toml
+++ b/partners/unicef.toml
@@ -23,6 +23,8 @@
 [[agreements.terms]]
 start = "2021"
 end = "2025"
+signed = 2021-03-01
+number = "UN/1"
 note = "CPAP period 2021-2025 (five years); the exact days are not in the sources, so the term is recorded by year."
 
 [[agreements.activities]]
"""
    assert result.stderr == ("Dry run, nothing written: amend unicef-cpap-2021-2025: last term 2021..2025: "
                             "signed - -> 2021-03-01, number - -> UN/1\n")
    assert records(example) == before


def test_amend_says_what_it_corrected_in_indonesian(example):
    """Under --lang id the confirmation said 'amend ...: end 2025 -> 30 Juni 2026' (the command and field in English)."""
    result = run(example, "amend", "unicef-cpap-2021-2025", "--until", "2026-06-30", "--number", "UN/1", "--lang", "id")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ("Tersimpan: koreksi unicef-cpap-2021-2025: masa berlaku terakhir 2021 s.d. 2025: "
                             "berakhir 2025 -> 30 Juni 2026, nomor - -> UN/1\n")


@pytest.mark.parametrize("option", ["--until", "--end"])
def test_amend_names_the_option_that_was_typed(example, option):
    """--end is --until by another name: a bad date given as --end was told '--until: ...'."""
    result = run(example, "amend", "unicef-cpap-2021-2025", option, "31/04/2026")
    assert result.exit_code == 2
    assert result.stderr == f"coopctl: error: {option}: '31/04/2026' is not a date in the calendar\n"
    both = run(example, "amend", "unicef-cpap-2021-2025", "--until", "2026", "--end", "2026")
    assert both.exit_code == 2 and both.stderr == ("coopctl: error: --until and --end are the same option; give one of "
                                                   "them\n")


def test_amend_corrects_the_last_term_of_an_agreement(example):
    result = run(example, "amend", "unicef", "--until", "2026-06-30")  # the partner's only agreement
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "Saved: amend unicef-cpap-2021-2025: last term 2021..2025: end 2025 -> 2026-06-30\n"
    shown = json.loads(run(example, "show", "unicef-cpap-2021-2025", "--json", "--as-of", "2026-01-01").stdout)
    assert shown["terms"][-1]["end"] == "2026-06-30"


@pytest.mark.parametrize("args, code, message", [
    (["unicef-cpap-2021-2025"], 2, "nothing to amend: give --start, --until, --signed or --number"),
    (["unicef-cpap-2021-2025", "--until", "2020"], 1, "--until: the end (2020) is before the start (2021)"),
    (["western-australia-sister-state", "--signed", "2023-09-05"], 1,
     "the last term of western-australia-sister-state is pending; sign it with 'coopctl renew"),
    (["unicef-cpap-2021-2025", "--start", "31/02/2021"], 2, "--start: '31/02/2021' is not a date in the calendar"),
])
def test_amend_refuses_what_makes_no_sense(example, args, code, message):
    before = records(example)
    result = run(example, "amend", *args)
    assert result.exit_code == code, result.stderr
    assert result.stderr.startswith("coopctl: error: ") and message in result.stderr
    assert records(example) == before


# ---------------------------------------------------------------- undo


def test_undo_reverses_the_last_change_once(example):
    assert run(example, "undo").stderr == ("coopctl: error: nothing to undo: no change made by coopctl is recorded "
                                           "in this store\n")
    before = records(example)
    assert run(example, "renew", "unicef-cpap-2021-2025", "--until", "2030", "--pending",
               "--recorded", "2025-10-01").exit_code == 0
    dry = run(example, "undo", "--dry-run")
    assert dry.exit_code == 0
    assert dry.stdout.startswith("--- a/partners/unicef.toml\n+++ b/partners/unicef.toml\n")
    assert "-pending = true\n" in dry.stdout
    assert dry.stderr == ("Dry run, nothing written: undo would reverse: renew unicef-cpap-2021-2025: pending term "
                          "2026-01-01..2030\n")
    assert records(example) != before
    done = run(example, "undo")
    assert done.exit_code == 0
    assert done.stderr == "Undone: renew unicef-cpap-2021-2025: pending term 2026-01-01..2030\n"
    assert records(example) == before
    again = run(example, "undo")
    assert again.exit_code == 1
    assert again.stderr == ("coopctl: error: nothing to undo: the last change (renew unicef-cpap-2021-2025: pending "
                            "term 2026-01-01..2030) was undone already, and coopctl keeps only the last one\n")
    assert records(example) == before


def test_undo_takes_a_change_an_older_coopctl_recorded(example):
    """Format 1 of the undo record (SHA-256 fingerprints, before files' fingerprints became BLAKE2b) is still
    understood: a change made by the older coopctl is undone, and refused once its file changed."""
    import hashlib

    before = records(example)
    assert run(example, "renew", "unicef-cpap-2021-2025", "--until", "2030", "--pending",
               "--recorded", "2025-10-01").exit_code == 0
    last = example / ".coopctl" / "last-change.json"
    kept = json.loads(last.read_text(encoding="utf-8"))
    assert kept["format"] == 2
    kept["format"] = 1
    for entry in kept["files"]:
        entry["after"] = hashlib.sha256((example / entry["path"]).read_bytes()).hexdigest()
    last.write_text(json.dumps(kept), encoding="utf-8")
    changed = example / "partners" / "unicef.toml"
    text = changed.read_bytes()
    changed.write_bytes(text + b"\n")
    refused = run(example, "undo")
    assert refused.exit_code == 1 and "partners/unicef.toml changed after the last coopctl change" in refused.stderr
    changed.write_bytes(text)
    done = run(example, "undo")
    assert done.exit_code == 0, done.stderr
    assert records(example) == before


def test_undo_of_an_add_removes_the_new_partner_file(empty_store):
    assert run(empty_store, "add", "Kota Batu", "--title", "KB", "--type", "kb", "--start", "2024",
               "--country", "ID", "--kind", "KSDD").exit_code == 0
    assert (empty_store / "partners" / "kota-batu.toml").exists()
    result = run(empty_store, "undo")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ("Undone: add kota-batu-kb-2024 (kb) for Kota Batu and new partner kota-batu: "
                             "term 2024..open-ended\n")
    assert not (empty_store / "partners" / "kota-batu.toml").exists()


def test_undo_refuses_when_the_files_changed_since(example):
    assert run(example, "amend", "unicef-cpap-2021-2025", "--number", "UN/1").exit_code == 0
    path = example / "partners" / "unicef.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("UN/1", "UN/2"), encoding="utf-8")
    edited = records(example)
    result = run(example, "undo")
    assert result.exit_code == 1
    assert result.stderr == ("coopctl: error: partners/unicef.toml changed after the last coopctl change (amend "
                             "unicef-cpap-2021-2025: last term 2021..2025: number - -> UN/1); undo reverses only a "
                             "change whose files are as it left them\n")
    assert records(example) == edited


def test_undo_in_a_git_store_reverts_the_change_s_commit(tmp_path, git_identity):
    import subprocess

    store = tmp_path / "jatim"
    assert run(store, "init", "--sample", "--git").exit_code == 0
    before = records(store)
    assert run(store, "renew", "unicef-cpap-2021-2025", "--until", "2030", "--signed", "2025-12-15").exit_code == 0
    result = run(store, "undo")
    assert result.exit_code == 0, result.stderr
    assert records(store) == before
    subjects = subprocess.run(["git", "-C", str(store), "log", "--format=%s"], capture_output=True, text=True,
                              check=True).stdout.splitlines()
    assert subjects[:2] == ['Revert "renew unicef-cpap-2021-2025: signed term 2026-01-01..2030"',
                            "renew unicef-cpap-2021-2025: signed term 2026-01-01..2030"]
    status = subprocess.run(["git", "-C", str(store), "status", "--porcelain"], capture_output=True, text=True,
                            check=True).stdout
    assert status == ""


def test_undo_in_a_git_store_after_a_hand_commit_puts_the_files_back_in_a_commit(tmp_path, git_identity):
    import subprocess

    store = tmp_path / "jatim"
    assert run(store, "init", "--sample", "--git").exit_code == 0
    before = records(store)
    assert run(store, "amend", "unicef-cpap-2021-2025", "--number", "UN/1").exit_code == 0
    (store / "NOTES.md").write_text("a note\n", encoding="utf-8")
    subprocess.run(["git", "-C", str(store), "add", "NOTES.md"], check=True)
    subprocess.run(["git", "-C", str(store), "commit", "-q", "-m", "a note"], check=True)
    result = run(store, "undo")
    assert result.exit_code == 0, result.stderr
    assert records(store) == before
    subjects = subprocess.run(["git", "-C", str(store), "log", "--format=%s"], capture_output=True, text=True,
                              check=True).stdout.splitlines()
    assert subjects[0] == "undo: amend unicef-cpap-2021-2025: last term 2021..2025: number - -> UN/1"


def test_a_relative_filter_date_that_is_no_duration_is_a_usage_error(example):
    result = run(example, "activities", "--since", "+0d")
    assert result.exit_code == 2
    assert result.stderr == ("coopctl: error: --since: '+0d' is not a duration: it must be at least 1 day (such as 1d, "
                             "6m or 5y)\n")

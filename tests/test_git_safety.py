"""Git cannot fail after a write (issue 14): git is asked before anything is written; a lock a killed coopctl
left is removed; a commit that still fails leaves the change saved, said so, and committed by the next
command under its own message; no retry records anything twice; and a kill at any moment, in a loop, never
leaves a store that needs a hand fix.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coopctl.cli import app
from coopctl.storage.loader import load_valid

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
runner = CliRunner()
LOG = ["log", "osaka-sister-province", "Visit A", "--sector", "culture", "--date", "2024-03-01"]


@pytest.fixture(autouse=True)
def _git_identity(git_identity):
    """Every test here runs with the git identity of tests/conftest.py."""


def run(store: Path, *args: str):
    result = runner.invoke(app, [*args, "--store", str(store)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout


def subjects(root: Path) -> list[str]:
    return git(root, "log", "--format=%s").splitlines()


def osaka(root: Path) -> str:
    return (root / "partners" / "osaka.toml").read_text(encoding="utf-8")


@pytest.fixture
def repo(tmp_path) -> Path:
    store = tmp_path / "g"
    assert run(store, "init", "--sample", "--git").exit_code == 0
    return store


def test_a_git_lock_is_refused_before_the_write_naming_the_file_and_a_retry_records_once(repo):
    """The issue's reproduction: a stray .git/index.lock."""
    lock = repo / ".git" / "index.lock"
    lock.touch()
    before = osaka(repo)
    result = run(repo, *LOG)
    assert result.exit_code == 1
    message = result.stderr.strip()
    assert message.startswith(f"coopctl: error: git cannot commit in {repo}: {lock} exists.")
    assert "ps -ef | grep git" in message and f'rm "{lock}"' in message and message.endswith("Nothing was written")
    assert osaka(repo) == before  # nothing written: no retry can duplicate it
    lock.unlink()
    assert run(repo, *LOG).exit_code == 0
    again = run(repo, *LOG)
    assert again.exit_code == 1
    assert again.stderr == ("coopctl: error: osaka-sister-province already has this activity: 2024-03-01 note "
                            "'Visit A'; nothing was written (to record it a second time, pass --again)\n")
    assert osaka(repo).count('summary = "Visit A"') == 1
    in_indonesian = run(repo, *LOG, "--lang", "id")  # the type in the reader's language, as 'Saved' gives it
    assert in_indonesian.stderr == ("coopctl: kesalahan: osaka-sister-province sudah memiliki kegiatan ini: 1 Maret "
                                    "2024 Catatan 'Visit A'; tidak ada yang ditulis (untuk mencatatnya sekali lagi, "
                                    "gunakan --again)\n")
    assert run(repo, *LOG, "--again").exit_code == 0
    assert osaka(repo).count('summary = "Visit A"') == 2
    assert not any(s.startswith("Edits made outside coopctl") for s in subjects(repo))
    assert git(repo, "status", "--porcelain") == ""


def test_a_milestone_recorded_twice_is_refused_unless_again(repo):
    args = ["milestone", "western-australia-sister-state", "evaluation", "--date", "2021-06-01", "--ref", "x/1"]
    assert run(repo, *args).exit_code == 0
    again = run(repo, *args)
    assert again.exit_code == 1 and "already has this record of evaluation (2021-06-01" in again.stderr
    assert "pass --again" in again.stderr
    assert run(repo, *args, "--again").exit_code == 0


@pytest.mark.parametrize("state, fragment", [
    ("rebase-merge", "git is in the middle of a rebase in"),
    ("MERGE_HEAD", "git is in the middle of a merge in"),
    ("CHERRY_PICK_HEAD", "git is in the middle of a cherry-pick in"),
])
def test_a_rebase_or_merge_in_progress_is_refused_before_the_write(repo, state, fragment):
    path = repo / ".git" / state
    path.mkdir() if state == "rebase-merge" else path.write_text(git(repo, "rev-parse", "HEAD"))
    before = osaka(repo)
    result = run(repo, *LOG)
    assert result.exit_code == 1 and fragment in result.stderr and "nothing was written" in result.stderr
    assert osaka(repo) == before


def test_no_identity_is_refused_before_the_write(repo, monkeypatch, tmp_path):
    empty = tmp_path / "empty-gitconfig"
    empty.write_text("[user]\n\tuseConfigOnly = true\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    for variable in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "EMAIL"):
        monkeypatch.delenv(variable, raising=False)
    before = osaka(repo)
    result = run(repo, *LOG)
    assert result.exit_code == 1 and "git does not know who you are" in result.stderr
    assert osaka(repo) == before


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_lock_left_by_a_killed_coopctl_is_recognised_and_removed(repo):
    lock = repo / ".git" / "index.lock"
    lock.touch()
    (repo / ".coopctl").mkdir(exist_ok=True)
    (repo / ".coopctl" / "git.pid").write_text(str(_dead_pid()))  # what `git.running` leaves when killed
    result = run(repo, *LOG)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0] == (f"coopctl: note: removed {lock}, which a coopctl interrupted while git "
                                             "was committing left behind (no git was running in the store)")
    assert not lock.exists() and subjects(repo)[0].startswith("log osaka-sister-province")


def test_a_commit_that_fails_after_the_write_is_saved_said_and_committed_by_the_next_command(repo):
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.parent.mkdir(exist_ok=True)
    hook.write_text("#!/bin/sh\necho 'policy: no commits today' >&2\nexit 1\n")
    hook.chmod(0o755)
    before = subjects(repo)
    result = run(repo, *LOG)
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith("coopctl: note: saved but not committed: log osaka-sister-province: 2024-03-01 note "
                               "(culture) Visit A: git commit failed in ")
    assert "policy: no commits today" in lines[0] and lines[0].endswith("the next coopctl command that changes the store commits it")
    assert lines[-1].startswith("Saved: log osaka-sister-province")
    assert 'summary = "Visit A"' in osaka(repo) and subjects(repo) == before
    # while git still refuses, a new change is refused before it is written
    refused = run(repo, "renew", "unicef-cpap-2021-2025", "--until", "2030", "--pending")
    assert refused.exit_code == 1 and "an earlier change is saved but not committed (log osaka" in refused.stderr
    assert "pending" not in (repo / "partners" / "unicef.toml").read_text()
    hook.unlink()
    assert run(repo, "renew", "unicef-cpap-2021-2025", "--until", "2030", "--pending").exit_code == 0
    assert subjects(repo)[:2] == ["renew unicef-cpap-2021-2025: pending term 2026-01-01..2030",
                                  "log osaka-sister-province: 2024-03-01 note (culture) Visit A"]
    assert git(repo, "show", "--name-only", "--format=", "HEAD~1").split() == ["partners/osaka.toml"]
    assert not any(s.startswith("Edits made outside coopctl") for s in subjects(repo))
    assert git(repo, "status", "--porcelain") == ""


def test_sync_commits_a_saved_change_under_its_own_message_first(repo, tmp_path):
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    git(repo, "remote", "add", "origin", str(remote))
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.parent.mkdir(exist_ok=True)
    hook.write_text("#!/bin/sh\nexit 1\n")
    hook.chmod(0o755)
    assert run(repo, *LOG).exit_code == 0
    hook.unlink()
    result = run(repo, "sync")
    assert result.exit_code == 0, result.stderr
    assert subjects(repo)[0].startswith("log osaka-sister-province")


def test_a_delete_and_restore_in_git_are_one_commit_each(repo):
    assert run(repo, "delete", "alexandria-loi", "--yes").exit_code == 0
    assert run(repo, "restore", "alexandria-loi").exit_code == 0
    first, second = subjects(repo)[:2]
    assert first.startswith("restore agreement alexandria-loi") and second.startswith("delete agreement alexandria-loi")
    assert git(repo, "status", "--porcelain") == ""
    assert not (repo / ".coopctl" / "journal.json").exists()


# ---------------------------------------------------------------- a kill loop over a git-backed store

KILL_ROUNDS = 30  # about 10 s on 2 cores
TIME_BUDGET = 30.0  # a guard for a machine far too busy


def _child(store: Path, i: int) -> None:
    """In a forked child: its own process group (so that the kill takes its git with it), one write."""
    os.setpgid(0, 0)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    import typer

    command = typer.main.get_command(app)
    args = ["log", "osaka-sister-province", f"visit {i}", "--sector", "culture", "--date", "2024-03-01"] \
        if i % 3 else ["renew", "unicef-cpap-2021-2025", "--until", str(2030 + i), "--pending", "--force"] \
        if i % 2 else ["delete", "samarkand", "--yes"] if i % 4 else ["restore", "samarkand"]
    try:
        command.main(args=[*args, "--store", str(store)], prog_name="coopctl", standalone_mode=False)
    except BaseException:
        pass
    os._exit(0)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_killed_at_random_moments_a_git_store_never_needs_a_hand_fix(repo):
    """Each round a coopctl writing to the store is killed (with its git) at a random moment; the next command
    must then work with nothing done by hand: no lock in its way, nothing left uncommitted or committed as an
    edit made outside coopctl, the store valid."""
    # how long a write takes here, so that kills land across all of it
    started = time.monotonic()
    assert run(repo, "log", "osaka-sister-province", "warm-up", "--sector", "culture", "--date", "2024-01-01").exit_code == 0
    span = max(time.monotonic() - started, 0.05) * 1.3
    rng = random.Random(int(os.environ.get("COOPCTL_TEST_SEED", "14")))
    began = time.monotonic()
    rounds = locks_left = 0
    while rounds < KILL_ROUNDS and time.monotonic() - began < TIME_BUDGET:
        pid = os.fork()
        if pid == 0:
            _child(repo, rounds)
        time.sleep(rng.uniform(0, span))
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
        rounds += 1
        locks_left += (repo / ".git" / "index.lock").exists()
        # the next command, run as a person would: it must simply work
        result = run(repo, "log", "osaka-sister-province", f"after {rounds}", "--sector", "culture",
                     "--date", "2024-03-02")
        assert result.exit_code == 0, (rounds, result.stderr)
        assert "Traceback" not in result.stderr
        assert git(repo, "status", "--porcelain") == "", rounds
        assert not (repo / ".git" / "index.lock").exists()
        assert not (repo / ".coopctl" / "journal.json").exists() and not (repo / ".coopctl" / "uncommitted.json").exists()
        load_valid(repo)
    assert rounds >= 15, rounds
    assert not any(s.startswith("Edits made outside coopctl") for s in subjects(repo)), \
        git(repo, "log", "--format=%s", "--name-status")[:3000]
    assert run(repo, "check").exit_code == 0
    print(f"{rounds} kills; {locks_left} left a git lock, each removed by the next command")

"""Crash safety, proven: coopctl processes killed with SIGKILL at random moments, and at exact ones.

The random loop starts a real process that writes (add, log, renew) in a loop, kills it at a
random moment, and checks after every kill that the store loads cleanly, that every write the
process reported as done is there, and that the lock is free. The exact kills use strace to
SIGKILL a real `coopctl` at its fsync and at its rename, the two moments a write is in flight.
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
from coopctl.storage.location import LOCK_FILE
from coopctl.storage.loader import load, load_valid
from helpers import GOOD, make_store

fcntl = pytest.importorskip("fcntl")
if not hasattr(signal, "SIGKILL"):
    pytest.skip("no SIGKILL on this platform", allow_module_level=True)

KILL_ROUNDS = 25  # with the time budget below, the loop takes about 10 s on 2 cores
TIME_BUDGET = 20.0


# A writer that reports each write it completed to a log, synced to disk before going on. Its
# fsyncs are slowed down so that random kills often land while a write is in flight.
WRITER = r'''
import os, sys, time
root, who, log = sys.argv[1], sys.argv[2], sys.argv[3]
real_fsync = os.fsync
def slow_fsync(fd):
    time.sleep(0.01)
    real_fsync(fd)
os.fsync = slow_fsync
import typer
from coopctl.cli import app

command = typer.main.get_command(app)
out = open(log, "a")

def run(*args):
    try:
        code = command.main(args=[*args, "--store", root], prog_name="coopctl", standalone_mode=False)
    except SystemExit as e:
        code = e.code
    return code in (None, 0)

def done(what):
    out.write(what + "\n")
    out.flush()
    real_fsync(out.fileno())

print("ready", flush=True)
for i in range(1000):
    aid = f"{who}-{i}"
    if not run("add", "contoh", "--id", aid, "--title", f"MoU {aid}", "--type", "mou", "--sector", "trade",
               "--start", "2024-01-01", "--end", "2026-12-31", "--no-input"):
        sys.exit(3)
    done(f"add {aid}")
    if not run("log", aid, f"visit {aid}", "--date", "2024-05-01", "--sector", "trade", "--type", "visit-in"):
        sys.exit(3)
    done(f"log {aid}")
    if not run("renew", aid, "--until", "2030-12-31", "--pending"):
        sys.exit(3)
    done(f"renew {aid}")
'''


@pytest.fixture
def store(tmp_path) -> Path:
    return make_store(tmp_path, GOOD)


def _env(**extra) -> dict:
    return {**os.environ, "NO_COLOR": "1", "COLUMNS": "100", **extra}


def _temporaries(root: Path) -> list[Path]:
    return [p for p in root.rglob(".*.tmp")]


def _lock_is_free(root: Path) -> bool:
    fd = os.open(root / LOCK_FILE, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def _check_reported_writes(root: Path, log: Path) -> int:
    """Every write the killed processes reported as done is in the store."""
    store = load_valid(root).store
    reported = log.read_text().splitlines() if log.exists() else []
    for line in reported:
        what, aid = line.split()
        agreement = store.find_agreement(aid)
        assert agreement is not None, line
        if what == "log":
            assert any(a.summary == f"visit {aid}" for a in agreement.activities), line
        if what == "renew":
            assert agreement.pending_term() is not None, line
    return len(reported)


def test_sigkill_at_random_moments_never_loses_or_corrupts_anything(store, tmp_path):
    log = tmp_path / "done.log"
    rng = random.Random(20240822)
    started = time.monotonic()
    rounds = mid_write = 0
    while rounds < KILL_ROUNDS and time.monotonic() - started < TIME_BUDGET:
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(store), f"r{rounds}", str(log)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env())
        assert proc.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.0, 0.4))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        rounds += 1
        assert proc.returncode == -signal.SIGKILL, proc.stderr.read()[-2000:]  # it was still writing
        # after every kill: the store loads cleanly, every reported write is there, the lock is free
        _check_reported_writes(store, log)
        assert _lock_is_free(store)
        left = _temporaries(store)
        mid_write += bool(left)
        assert all(p.parent in (store / "partners", store / ".coopctl") for p in left)  # a record, or undo's copy
        assert (store / LOCK_FILE).read_bytes() == b""
    elapsed = time.monotonic() - started
    assert rounds >= 10, f"only {rounds} rounds in {elapsed:.1f} s"
    assert mid_write >= 1, "no kill landed during a write; the test proved less than it should"
    writes = _check_reported_writes(store, log)
    assert writes >= rounds  # the processes made progress between kills
    print(f"{rounds} kills in {elapsed:.1f} s: {mid_write} left a write in flight; {writes} reported writes all present")

    # the next coopctl: `check` passes, and the next write removes what the killed ones left, saying so
    check = subprocess.run([sys.executable, "-m", "coopctl", "check", "--store", str(store)],
                           capture_output=True, text=True, timeout=60, env=_env())
    assert check.returncode == 0, check.stdout + check.stderr
    left = _temporaries(store)
    after = subprocess.run([sys.executable, "-m", "coopctl", "renew", "contoh-pks", "--until", "2035-02-28", "--pending",
                            "--store", str(store)], capture_output=True, text=True, timeout=60, env=_env())
    assert after.returncode == 0, after.stderr
    assert "waiting" not in after.stderr  # a killed holder's lock is simply free: never waited on
    if left:
        assert after.stderr.startswith(f"coopctl: note: removed {len(left)} unfinished temporary file")
    assert _temporaries(store) == []
    assert after.stderr.splitlines()[-1].startswith("Saved: renew contoh-pks")


# ---------------------------------------------------------------- exact kills with strace


def _strace_works() -> bool:
    if shutil.which("strace") is None:
        return False
    probe = subprocess.run(["strace", "-f", "-o", os.devnull, "true"], capture_output=True, timeout=30)
    return probe.returncode == 0


needs_strace = pytest.mark.skipif(not _strace_works(), reason="strace is missing or cannot trace here")
RENAMES = "rename,renameat,renameat2"
SYNCS = "fsync,fdatasync"


def _killed_at(store: Path, syscalls: str, when: int, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["strace", "-f", "-qq", "-o", os.devnull, "-e", f"trace={syscalls}",
                           "-e", f"inject={syscalls}:signal=KILL:when={when}",
                           sys.executable, "-m", "coopctl", *args, "--store", str(store)],
                          capture_output=True, text=True, timeout=120, env=_env())


@needs_strace
@pytest.mark.parametrize("syscalls", [SYNCS, RENAMES], ids=["at-fsync", "at-rename"])
def test_sigkill_in_the_middle_of_a_write_leaves_the_old_file(store, syscalls):
    before = (store / "partners" / "contoh.toml").read_bytes()
    result = _killed_at(store, syscalls, 1, "renew", "contoh-pks", "--until", "2035-02-28", "--pending")
    assert result.returncode != 0 and "Saved" not in result.stderr  # killed before it could report success
    assert (store / "partners" / "contoh.toml").read_bytes() == before  # the old file, whole
    assert len(_temporaries(store)) == 1  # the unfinished new one, beside it, ignored by the loader
    assert load(store).problems == []
    runner = CliRunner()
    assert runner.invoke(app, ["check", "--store", str(store)]).exit_code == 0
    again = runner.invoke(app, ["renew", "contoh-pks", "--until", "2034-02-28", "--pending", "--store", str(store)])
    assert again.exit_code == 0
    lines = again.stderr.splitlines()
    assert lines[0].startswith("coopctl: note: removed 1 unfinished temporary file left by an interrupted coopctl "
                               "(partners/.contoh.toml.")
    assert lines[0].endswith("the store's records were not affected")
    assert lines[1].startswith("Saved: renew contoh-pks")
    assert _temporaries(store) == []


@needs_strace
def test_sigkill_after_the_rename_keeps_the_new_file(store):
    """Killed at the directory fsync that follows the rename: the new version is in place, complete."""
    result = _killed_at(store, SYNCS, 2, "renew", "contoh-pks", "--until", "2035-02-28", "--pending")
    assert result.returncode != 0
    assert load_valid(store).store.find_agreement("contoh-pks").terms[-1].end.year == 2035
    assert _temporaries(store) == []


def test_only_unfinished_writes_are_cleaned_and_only_under_the_lock(store):
    (store / "trash").mkdir()
    stale = [store / ".coopctl.toml.ab12cd34.tmp", store / "partners" / ".contoh.toml.x_9y8z7w.tmp",
             store / "trash" / ".20250101T000000Z.partner.x.toml.qwertyui.tmp"]
    kept = [store / ".notes.ab12cd34.tmp", store / "partners" / ".contoh.toml.swp", store / "partners" / "x.tmp",
            store / "elsewhere.toml.ab12cd34.tmp"]
    for path in stale + kept:
        path.write_text("half")
    runner = CliRunner()
    assert runner.invoke(app, ["list", "--store", str(store)]).exit_code == 0  # a reader never deletes anything
    assert all(p.exists() for p in stale)
    result = runner.invoke(app, ["renew", "contoh-pks", "--until", "2035-02-28", "--pending", "--store", str(store)])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0] == (
        "coopctl: note: removed 3 unfinished temporary files left by an interrupted coopctl (.coopctl.toml.ab12cd34.tmp, "
        "partners/.contoh.toml.x_9y8z7w.tmp, trash/.20250101T000000Z.partner.x.toml.qwertyui.tmp); "
        "the store's records were not affected")
    assert not any(p.exists() for p in stale) and all(p.exists() for p in kept)

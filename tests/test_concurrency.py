"""Concurrency, proven: many coopctl processes writing one store at once, a reader watching.

Each writer is a real process running coopctl's command line in a loop (in-process, to spend
the time on writing rather than on starting Python). Every write must land, ids stay unique,
the wait for the lock is reported and bounded, and a reader never sees a half-written file.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coopctl.storage.location import LOCK_FILE

from coopctl.storage.loader import load, load_valid
from helpers import GOOD, make_store

fcntl = pytest.importorskip("fcntl")


WRITER = r'''
import os, sys
root, who, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
import typer
from coopctl.cli import app

command = typer.main.get_command(app)

def run(*args):
    try:
        code = command.main(args=[*args, "--store", root], prog_name="coopctl", standalone_mode=False)
    except SystemExit as e:
        code = e.code
    return code in (None, 0)

print("ready", flush=True)
sys.stdin.readline()  # start together
for i in range(n):
    aid = f"{who}-{i}"
    target = "contoh" if i % 2 == 0 else f"kota {who}"  # half into one shared file, half into the writer's own
    extra = [] if target == "contoh" else ["--country", "ID", "--kind", "domestic-region"]
    ok = run("add", target, "--id", aid, "--title", f"MoU {aid}", "--type", "mou", "--sector", "trade",
             "--start", "2024-01-01", "--end", "2028-12-31", "--no-input", *extra)
    print(("ok " if ok else "failed ") + aid, flush=True)
    if i == n // 2:  # everyone tries the same id once: exactly one may win
        ok = run("add", "contoh", "--id", "shared", "--title", "Shared", "--type", "mou", "--start", "2024", "--no-input")
        print(("ok " if ok else "refused ") + "shared", flush=True)
'''

READER = r'''
import sys, time
from pathlib import Path
from coopctl.storage.loader import load
root, stop = Path(sys.argv[1]), Path(sys.argv[2])
reads = 0
while not stop.exists():
    loaded = load(root)
    if loaded.problems:
        print("PROBLEM", loaded.problems[0], flush=True)
        sys.exit(1)
    reads += 1
print("reads", reads, flush=True)
'''


@pytest.fixture
def store(tmp_path) -> Path:
    return make_store(tmp_path, GOOD)


def _env(**extra) -> dict:
    return {**os.environ, "NO_COLOR": "1", "COLUMNS": "100", **extra}


def test_eight_writers_adding_25_each_all_land_and_a_reader_never_sees_half_a_file(store, tmp_path):
    writers_n, each = 8, 25
    stop = tmp_path / "stop"
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(store), f"w{k}", str(each)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=_env(COOPCTL_LOCK_TIMEOUT="120"))
               for k in range(writers_n)]
    for w in writers:
        assert w.stdout.readline().strip() == "ready"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(store), str(stop)], stdout=subprocess.PIPE, text=True,
                              env=_env())
    for w in writers:
        w.stdin.write("go\n")
        w.stdin.flush()
    outputs = [w.communicate(timeout=180) for w in writers]
    stop.touch()
    reader_out, _ = reader.communicate(timeout=60)

    assert [w.returncode for w in writers] == [0] * writers_n, [err[-500:] for _, err in outputs]
    results = [line for out, _ in outputs for line in out.splitlines()]
    assert sum(line.startswith("ok w") for line in results) == writers_n * each, results
    assert results.count("ok shared") == 1 and results.count("refused shared") == writers_n - 1
    refusals = [err for _, err in outputs if "refused" not in err and "already used" in err]
    assert len(refusals) == writers_n - 1  # the losers were told why, in one line
    for _, err in outputs:
        assert "Traceback" not in err
        for line in err.splitlines():
            assert line.startswith(("Saved: ", "waiting for another coopctl to finish...",
                                    "coopctl: error: agreement id 'shared' is already used")), line
    # waiting was reported, not silent: with 8 writers on one lock, somebody waited
    assert any("waiting for another coopctl to finish..." in err for _, err in outputs)

    loaded = load_valid(store)
    ids = [a.id for a in loaded.store.agreements()]
    assert len(ids) == len(set(ids)) == 1 + 1 + writers_n * each
    assert {f"w{k}-{i}" for k in range(writers_n) for i in range(each)} <= set(ids)
    assert reader.returncode == 0, reader_out
    assert int(reader_out.split()[-1]) > 0
    assert not [p for p in store.rglob("*.tmp")]
    assert (store / LOCK_FILE).read_bytes() == b""


def _hold_lock(store: Path):
    fd = os.open(store / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


ADD = ["add", "contoh", "--id", "late", "--title", "Late", "--type", "mou", "--start", "2024", "--no-input"]


def test_the_wait_for_the_lock_is_reported_and_bounded(store):
    before = (store / "partners" / "contoh.toml").read_bytes()
    fd = _hold_lock(store)
    try:
        started = time.monotonic()
        result = subprocess.run([sys.executable, "-m", "coopctl", *ADD, "--store", str(store)], capture_output=True,
                                text=True, timeout=60, env=_env(COOPCTL_LOCK_TIMEOUT="1"))
        waited = time.monotonic() - started
    finally:
        os.close(fd)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "waiting for another coopctl to finish...",
        "coopctl: error: the store is busy: another coopctl has held its lock for over 1 s; nothing was changed; "
        "try again (COOPCTL_LOCK_TIMEOUT sets how many seconds to wait)",
    ]
    assert waited >= 1  # it waited out the timeout it was given (a lower bound: load cannot make it flaky)
    assert (store / "partners" / "contoh.toml").read_bytes() == before


def test_a_writer_waits_then_proceeds_when_the_lock_is_released(store):
    fd = _hold_lock(store)
    proc = subprocess.Popen([sys.executable, "-m", "coopctl", *ADD, "--store", str(store)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=_env())
    try:
        time.sleep(1.0)  # long enough for it to start and find the lock taken
        assert proc.poll() is None, "the writer did not wait for the lock"
        assert "late" not in (store / "partners" / "contoh.toml").read_text()
    finally:
        os.close(fd)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert err.splitlines()[0] == "waiting for another coopctl to finish..."
    assert err.splitlines()[-1].startswith("Saved: add late")


def test_readers_do_not_wait_for_writers(store):
    fd = _hold_lock(store)
    try:
        result = subprocess.run([sys.executable, "-m", "coopctl", "list", "--store", str(store), "--as-of", "2025-01-01"],
                                capture_output=True, text=True, timeout=60, env=_env(COOPCTL_LOCK_TIMEOUT="1"))
    finally:
        os.close(fd)
    assert result.returncode == 0 and "contoh-pks" in result.stdout and result.stderr == ""


def test_a_nonsense_lock_timeout_falls_back_to_the_default(store, monkeypatch):
    from coopctl.storage.files import LOCK_TIMEOUT, lock_timeout

    for value in ("soon", "-5", "nan", "1e99"):
        monkeypatch.setenv("COOPCTL_LOCK_TIMEOUT", value)
        assert lock_timeout() == LOCK_TIMEOUT
    monkeypatch.setenv("COOPCTL_LOCK_TIMEOUT", "2.5")
    assert lock_timeout() == 2.5
    assert load(store).problems == []

"""The archive's bad input that needs a process (issue 16): a disk that fills during the copy, kill -9 during
attach, two attaches of the same file at once. Each ends with the store whole: no half-written record, and
whatever file is left over is seen by `check`."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_archive import WA, a_pdf, js, run, stored

PARTNER = Path("partners") / "western-australia.toml"

# Run coopctl in a child that stops (waits to be killed) at one point of an attach: `copy`, once the copy of
# the file is written and being flushed (the store's lock held, nothing recorded yet); `commit`, once the
# change's journal is committed and its first file moved into place (the partner file not yet replaced).
CHILD = """
import os, sys, time
from pathlib import Path
point, marker = sys.argv[1], Path(sys.argv[2])

def stop():
    marker.write_text("here")
    time.sleep(120)

if point == "copy":
    from coopctl.storage import archive
    real_fsync = os.fsync
    class Os:
        def __getattr__(self, name):
            return getattr(os, name)
        @staticmethod
        def fsync(fd):
            real_fsync(fd)
            stop()
    archive.os = Os()
else:
    from coopctl.storage import journal
    real_rename = os.rename
    class Os:
        def __getattr__(self, name):
            return getattr(os, name)
        @staticmethod
        def rename(a, b):
            real_rename(a, b)
            stop()
    journal.os = Os()
from coopctl.cli import main
sys.argv = ["coopctl"] + sys.argv[3:]
main()
"""


def child_env(tmp_path: Path) -> dict:
    env = dict(os.environ)
    env.update({"NO_COLOR": "1", "COOPCTL_CACHE": "off", "XDG_CACHE_HOME": str(tmp_path / "cache")})
    return env


def killed_at(point: str, store: Path, pdf: Path, tmp_path: Path) -> None:
    marker = tmp_path / f"{point}.reached"
    child = subprocess.Popen([sys.executable, "-c", CHILD, point, str(marker), "attach", WA, str(pdf),
                              "--store", str(store)], env=child_env(tmp_path), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    try:
        while not marker.exists() and child.poll() is None:
            time.sleep(0.05)
        assert marker.exists(), child.communicate()[1].decode()
    finally:
        child.send_signal(signal.SIGKILL)
        child.communicate()


def test_a_disk_that_fills_during_the_copy_keeps_nothing(example, tmp_path, monkeypatch):
    from coopctl.storage import archive

    real_open = open

    class Full:
        def __init__(self, f):
            self.f = f

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    def opened(path, mode="r", *args, **kwargs):
        f = real_open(path, mode, *args, **kwargs)
        return Full(f) if "x" in mode else f

    monkeypatch.setattr(archive, "open", opened, raising=False)
    before = (example / PARTNER).read_bytes()
    result = run(example, "attach", WA, str(a_pdf(tmp_path)))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.strip().splitlines() == [
        f"coopctl: error: could not copy {tmp_path / 'naskah.pdf'} into the store: No space left on device; "
        "nothing was kept"]
    assert (example / PARTNER).read_bytes() == before
    assert list((example / "documents").iterdir()) == []


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_kill_9_during_the_copy_leaves_no_record_and_check_sees_the_copy(example, tmp_path):
    before = (example / PARTNER).read_bytes()
    killed_at("copy", example, a_pdf(tmp_path), tmp_path)
    assert (example / PARTNER).read_bytes() == before
    [left] = list((example / "documents").iterdir())
    assert left.name.startswith(".incoming.")
    check = run(example, "check")
    assert check.exit_code == 1 and f"{left}: an unfinished copy left by an interrupted coopctl" in check.stdout
    fixed = run(example, "check", "--fix-orphans")
    assert fixed.exit_code == 0, fixed.output
    assert not left.exists() and run(example, "check").exit_code == 0
    # and the attach then works
    assert run(example, "attach", WA, str(a_pdf(tmp_path))).exit_code == 0 and len(stored(example)) == 1


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_kill_9_in_the_middle_of_the_change_is_finished_by_the_next_coopctl(example, tmp_path):
    pdf = a_pdf(tmp_path)
    killed_at("commit", example, pdf, tmp_path)
    from coopctl.storage.journal import JOURNAL

    assert (example / JOURNAL).exists()  # killed half-way through the change
    # the next reader finishes the change the journal holds: the record and its file together, or neither
    rows = js(example, "docs")
    sha = hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert [r["sha256"] for r in rows] in ([sha], [])
    assert [p.name.split(".")[0] for p in stored(example)] == [r["sha256"] for r in rows]
    check = run(example, "check")
    assert check.exit_code == 0, check.output


def test_two_attaches_of_the_same_file_at_once_keep_one_copy_and_one_record(example, tmp_path):
    pdf = a_pdf(tmp_path)
    command = [sys.executable, "-m", "coopctl", "attach", WA, str(pdf), "--store", str(example)]
    children = [subprocess.Popen(command, env=child_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                for _ in range(2)]
    results = [(c.wait(), c.communicate()[1].decode()) for c in children]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 1], results
    refused = next(err for code, err in results if code == 1)
    *waited, last = refused.strip().splitlines()
    assert last == (f"coopctl: error: {WA} already holds this file as its signed-text "
                    f"({hashlib.sha256(pdf.read_bytes()).hexdigest()[:12]})")
    assert all(line.startswith("waiting for another coopctl") for line in waited)  # the second waits its turn
    assert len(stored(example)) == 1 and len(js(example, "docs")) == 1
    assert list((example / "documents").glob(".*")) == []
    assert run(example, "check").exit_code == 0
    assert json.loads(run(example, "show", WA, "--json", "--as-of", "2024-01-01").stdout)["documents"][0]["name"] == "naskah.pdf"

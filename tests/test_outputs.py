"""Files keep their modes, `-o` writes where it points, and nothing is left behind (issue 14).

A rewritten file keeps its mode, owner and group; a new one gets the umask's mode (0644 under 022), so a
shared store stays readable by the other users, whoever writes it (proved with another user, `nobody`,
where the tests run as root). `-o` writes through a symlink to its target, straight into a named pipe or a
device, refuses a directory, and says which file a full device could not take. Cache temporaries older
than an hour go with the next cache write.
"""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coopctl.cli import app
from helpers import GOOD, make_store

runner = CliRunner()


def run(root: Path, *args: str):
    result = runner.invoke(app, [*args, "--store", str(root)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    from coopctl.storage import files

    files._UMASK.clear()
    yield
    os.umask(old)
    files._UMASK.clear()


# ---------------------------------------------------------------- modes


def test_new_files_get_the_umask_mode_and_rewritten_files_keep_theirs(tmp_path, umask_022):
    root = tmp_path / "s"
    assert run(root, "init").exit_code == 0
    assert mode(root / "coopctl.toml") == 0o644  # never 0600
    add = ["add", "Kota Baru", "--country", "ID", "--kind", "domestic-region", "--title", "PKS", "--type", "pks",
           "--start", "2024", "--end", "2029", "--sector", "trade", "--no-input"]
    assert run(root, *add).exit_code == 0
    partner = root / "partners" / "kota-baru.toml"
    assert mode(partner) == 0o644
    partner.chmod(0o664)  # a shared store: the group may write too
    assert run(root, "renew", "kota-baru-pks", "--until", "2030", "--pending").exit_code == 0
    assert mode(partner) == 0o664 and "pending" in partner.read_text()
    partner.chmod(0o600)  # a private file stays private
    assert run(root, "log", "kota-baru-pks", "x", "--sector", "trade", "--date", "2024-05-01").exit_code == 0
    assert mode(partner) == 0o600


def test_a_multi_file_change_keeps_modes_too(tmp_path, umask_022):
    root = make_store(tmp_path, GOOD)
    (root / "partners" / "contoh.toml").chmod(0o640)
    assert run(root, "delete", "contoh-pks", "--yes").exit_code == 0  # a trash copy and a rewrite: one change
    assert mode(root / "partners" / "contoh.toml") == 0o640
    assert all(mode(p) == 0o644 for p in (root / "trash").iterdir())


def test_the_group_of_a_rewritten_file_is_kept(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("giving a file another group needs root here")
    root = make_store(tmp_path, GOOD)
    partner = root / "partners" / "contoh.toml"
    os.chown(partner, 0, 65534)
    assert run(root, "renew", "contoh-pks", "--until", "2035", "--pending").exit_code == 0
    assert partner.stat().st_gid == 65534 and partner.stat().st_uid == 0


def _other_user() -> str | None:
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        return None
    try:
        pwd.getpwnam("nobody")
    except KeyError:
        return None
    return "nobody"


@pytest.mark.skipif(_other_user() is None, reason="needs root, runuser and a user 'nobody'")
def test_a_shared_store_stays_readable_by_another_user_after_every_kind_of_write(umask_022):
    """Root writes (add, a multi-file delete, restore, import, calendar -o) and `nobody` still reads all of it:
    with coopctl itself where `nobody` can run this Python, else with cat."""
    base = Path(tempfile.mkdtemp(prefix="coopctl-shared-", dir="/tmp"))
    try:
        base.chmod(0o755)
        root = base / "store"
        assert run(root, "init", "--sample").exit_code == 0
        assert run(root, "log", "osaka-sister-province", "Visit", "--sector", "culture", "--date", "2024-03-01").exit_code == 0
        assert run(root, "delete", "alexandria-loi", "--yes").exit_code == 0
        assert run(root, "restore", "alexandria-loi").exit_code == 0
        feed = base / "served.ics"
        feed.write_text("old")
        feed.chmod(0o644)
        assert runner.invoke(app, ["calendar", "-o", str(feed), "--store", str(root)]).exit_code == 0
        assert mode(feed) == 0o644
        files = [root / "coopctl.toml", feed, *sorted((root / "partners").iterdir())]
        assert all(mode(p) & 0o004 for p in files), {str(p): oct(mode(p)) for p in files}
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p), "COOPCTL_CACHE": "off"}
        version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
        candidates = [os.path.realpath(sys.executable), shutil.which(version) or "", f"/usr/bin/{version}"]
        python = next((c for c in candidates if c and subprocess.run(
            ["runuser", "-u", "nobody", "--", c, "-c", "import coopctl.cli"], capture_output=True, timeout=60,
            cwd="/", env=env).returncode == 0), None)
        if python is not None:
            listed = subprocess.run(["runuser", "-u", "nobody", "--", python, "-m", "coopctl", "check", "--store",
                                     str(root)], capture_output=True, text=True, timeout=60, cwd="/", env=env)
            assert listed.returncode == 0 and "OK" in listed.stderr, listed.stderr
            print(f"read as nobody with {python}")
        for path in files:
            read = subprocess.run(["runuser", "-u", "nobody", "--", "cat", str(path)], capture_output=True, timeout=60)
            assert read.returncode == 0, (path, read.stderr)
    finally:
        shutil.rmtree(base, ignore_errors=True)


# ---------------------------------------------------------------- -o writes where it points


@pytest.fixture
def store(tmp_path) -> Path:
    return make_store(tmp_path, GOOD)


def test_o_through_a_symlink_writes_its_target_and_keeps_the_link(store, tmp_path, umask_022):
    target = tmp_path / "feeds" / "served.ics"
    target.parent.mkdir()
    target.write_text("stale")
    target.chmod(0o644)
    link = tmp_path / "link.ics"
    link.symlink_to(target)
    result = run(store, "calendar", "-o", str(link), "--as-of", "2025-01-01")
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text().startswith("BEGIN:VCALENDAR") and mode(target) == 0o644
    assert sorted(p.name for p in target.parent.iterdir()) == ["served.ics"]  # written beside it, renamed over it


def test_o_into_a_named_pipe_gives_the_reader_the_bytes(store, tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    fifo = tmp_path / "feed.pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    result = run(store, "export", "--format", "csv", "-o", str(fifo))
    reader.join(timeout=30)
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)  # still a pipe
    assert got and got[0].startswith(b"\xef\xbb\xbfid,partner")


def test_o_into_a_device_and_dash(store):
    assert run(store, "export", "--format", "json", "-o", os.devnull).exit_code == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    dash = run(store, "calendar", "-o", "-", "--as-of", "2025-01-01")
    assert dash.exit_code == 0 and dash.stdout.startswith("BEGIN:VCALENDAR") and dash.stderr == ""


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
def test_o_to_a_full_device_fails_naming_it_and_leaves_it_a_device(store):
    result = run(store, "export", "--format", "csv", "-o", "/dev/full")
    assert result.exit_code == 1
    assert result.stderr == "coopctl: error: could not write /dev/full: No space left on device\n"
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_o_refuses_a_directory(store, tmp_path):
    result = run(store, "calendar", "-o", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr == f"coopctl: error: {tmp_path} is a directory; give -o the name of a file\n"


# ---------------------------------------------------------------- nothing left behind


def test_cache_temporaries_older_than_an_hour_go_with_the_next_cache_write(store, tmp_path, monkeypatch):
    from coopctl.storage import cache

    monkeypatch.setattr(cache, "SETTLE_NS", -10**18)  # cache the files however new
    cache_dir = cache.base_dir()
    assert run(store, "list").exit_code == 0  # the cache is made
    shards = list(cache_dir.rglob("shard-*.cache"))
    assert shards
    folder = shards[0].parent
    old, new = folder / ".shard-03.cache.a1b2c3d4.tmp", folder / ".shard-04.cache.e5f6g7h8.tmp"
    for path in (old, new):
        path.write_bytes(b"half a shard")
    hour_and_more = time.time() - 3600 - 60
    os.utime(old, (hour_and_more, hour_and_more))
    (store / "partners" / "other.toml").write_text(GOOD.replace("contoh-pks", "other-pks"))  # the cache changes
    assert run(store, "list").exit_code == 0
    assert not old.exists() and new.exists()  # a fresh one may be another coopctl's, writing now

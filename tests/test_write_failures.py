"""Writes that fail: no space, file too large, read-only file system, permission denied, I/O error.

We run as root, so chmod proves nothing. The failures are real where the kernel can make them
(/dev/full, RLIMIT_FSIZE, strace fault injection) and injected into os.replace / os.fsync / os.open
otherwise. Every one must leave the old files intact, leave no temporary file, and say what
happened and to which path in one line, exit 1.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coopctl.storage import files as store_module
from coopctl.cli import app
from coopctl.storage.loader import load_valid
from helpers import GOOD, make_store

runner = CliRunner()


ADD = ["add", "contoh", "--id", "new-mou", "--title", "MoU baru", "--type", "mou", "--sector", "trade",
       "--start", "2024", "--no-input"]
RENEW = ["renew", "contoh-pks", "--until", "2034-02-28", "--pending"]


@pytest.fixture
def store(tmp_path) -> Path:
    return make_store(tmp_path, GOOD)


def records(root: Path) -> dict[str, bytes]:
    """Every file of the store except the (permanent, empty) lock file."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != ".coopctl.lock"}


def run(args: list[str], root: Path):
    result = runner.invoke(app, [*args, "--store", str(root)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def assert_failed_cleanly(result, expected: str, root: Path, before: dict[str, bytes]) -> None:
    assert result.exit_code == 1, result.stderr
    assert result.stdout == ""
    assert result.stderr == f"coopctl: error: {expected}\n"
    assert records(root) == before
    assert not list(root.rglob("*.tmp"))
    assert load_valid(root).problems == []


# ---------------------------------------------------------------- injected into the write path


FAILURES = [(code, os.strerror(code)) for code in (errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EDQUOT, errno.EIO)]


@pytest.mark.parametrize("code, text", FAILURES, ids=[errno.errorcode[c] for c, _ in FAILURES])
@pytest.mark.parametrize("step", ["replace", "fsync"])
def test_a_failing_rename_or_fsync_leaves_the_old_file(store, monkeypatch, code, text, step):
    before = records(store)

    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(store_module.os, step, fail)
    result = run(ADD, store)
    monkeypatch.undo()
    assert_failed_cleanly(result, f"could not write {store}/partners/contoh.toml: {text}; the file is unchanged",
                          store, before)


def test_a_full_disk_dev_full(store, monkeypatch):
    """Writes go to /dev/full, which answers every write with ENOSPC, as a full disk does."""
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    before = records(store)
    real_temporary = store_module.temporary_beside

    def temporary_on_a_full_disk(*args, **kwargs):
        fd, path = real_temporary(*args, **kwargs)
        os.dup2(os.open("/dev/full", os.O_WRONLY), fd)
        return fd, path

    monkeypatch.setattr(store_module, "temporary_beside", temporary_on_a_full_disk)
    result = run(RENEW, store)
    monkeypatch.undo()
    assert_failed_cleanly(result, f"could not write {store}/partners/contoh.toml: No space left on device; "
                                  "the file is unchanged", store, before)


def test_no_room_even_for_the_temporary_file(store, monkeypatch):
    before = records(store)

    def fail(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(store_module, "temporary_beside", fail)
    result = run(ADD, store)
    monkeypatch.undo()
    assert_failed_cleanly(result, f"could not write {store}/partners/contoh.toml: No space left on device; "
                                  "the file is unchanged", store, before)


def test_a_read_only_store_cannot_even_be_locked_and_says_so(store, monkeypatch):
    before = records(store)
    real_open = os.open

    def read_only_open(path, flags, *args, **kwargs):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(store_module.os, "open", read_only_open)
    result = run(ADD, store)
    listed = run(["list", "--as-of", "2025-01-01"], store)  # reading needs no write access at all
    monkeypatch.undo()
    assert_failed_cleanly(result, f"cannot write to the store: {store}/.coopctl.lock: Read-only file system; "
                                  "nothing was changed", store, before)
    assert listed.exit_code == 0 and "contoh-pks" in listed.stdout


def test_init_where_nothing_can_be_created(tmp_path):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    result = runner.invoke(app, ["init", "--store", "/dev/full/store"])
    assert result.exit_code == 1
    assert result.stderr.startswith("coopctl: error: ") and result.stderr.count("\n") == 1
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(app, ["init", "--store", str(blocker / "store")])
    assert result.exit_code == 1
    assert result.stderr == f"coopctl: error: could not create the store at {blocker / 'store'}: {os.strerror(errno.ENOTDIR)}\n"
    assert not (blocker / "store").exists()


# ---------------------------------------------------------------- real kernel errors in a real process


def _coopctl(args: list[str], root: Path, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "coopctl", *args, "--store", str(root)], capture_output=True,
                          text=True, timeout=120, env={**os.environ, "NO_COLOR": "1"}, **kwargs)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX resource limits")
def test_file_too_large_under_ulimit_f(store):
    """`ulimit -f`: the kernel refuses to grow any file past the limit (EFBIG; Python ignores SIGXFSZ)."""
    import resource

    before = records(store)
    limit = len(before["partners/contoh.toml"]) + 20  # the old file fits; the longer new one cannot

    def limit_file_size():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = _coopctl(ADD, store, preexec_fn=limit_file_size)
    assert result.returncode == 1, result.stderr
    assert result.stderr == f"coopctl: error: could not write {store}/partners/contoh.toml: File too large; the file is unchanged\n"
    assert records(store) == before
    assert not list(store.rglob("*.tmp"))


def _strace_works() -> bool:
    if shutil.which("strace") is None:
        return False
    return subprocess.run(["strace", "-f", "-o", os.devnull, "true"], capture_output=True, timeout=30).returncode == 0


@pytest.mark.skipif(not _strace_works(), reason="strace is missing or cannot trace here")
@pytest.mark.parametrize("syscalls, error, text", [
    ("rename,renameat,renameat2", "EROFS", "Read-only file system"),
    ("rename,renameat,renameat2", "EACCES", "Permission denied"),
    ("fsync,fdatasync", "EIO", "Input/output error"),
    ("fsync,fdatasync", "ENOSPC", "No space left on device"),
])
def test_kernel_level_fault_injection(store, syscalls, error, text):
    """strace makes the real syscall fail in a real coopctl, as a failing disk would."""
    before = records(store)
    result = subprocess.run(["strace", "-f", "-qq", "-o", os.devnull, "-e", f"trace={syscalls}",
                             "-e", f"inject={syscalls}:error={error}",
                             sys.executable, "-m", "coopctl", *RENEW, "--store", str(store)],
                            capture_output=True, text=True, timeout=120, env={**os.environ, "NO_COLOR": "1"})
    assert result.returncode == 1, result.stderr
    assert result.stderr == f"coopctl: error: could not write {store}/partners/contoh.toml: {text}; the file is unchanged\n"
    assert records(store) == before
    assert not list(store.rglob("*.tmp"))


# ---------------------------------------------------------------- edit, delete and restore under failure


def test_delete_that_cannot_move_keeps_the_record(store, monkeypatch):
    before = records(store)

    def fail(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(store_module.os, "replace", fail)
    result = run(["delete", "contoh", "--yes"], store)
    monkeypatch.undo()
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (f"coopctl: error: could not move {store}/partners/contoh.toml: "
                                              "Read-only file system; nothing was moved")
    assert records(store) == before


def test_deleting_an_agreement_is_all_or_nothing(store, monkeypatch):
    """Copying into the trash and rewriting the partner file are one change: if the rewrite fails, the copy
    in the trash is taken back too; the store is as it was, with nothing left beside its files."""
    before = records(store)
    real_replace = os.replace

    def partner_file_fails(src, dst):
        if str(dst).endswith("partners/contoh.toml"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_replace(src, dst)

    monkeypatch.setattr(store_module.os, "replace", partner_file_fails)
    result = run(["delete", "contoh-pks", "--yes"], store)
    monkeypatch.undo()
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (f"coopctl: error: could not write {store}/partners/contoh.toml: "
                                              "No space left on device; nothing was changed")
    assert records(store) == before
    assert load_valid(store).store.find_agreement("contoh-pks") is not None
    assert not list((store / "trash").iterdir())
    assert not [p for p in store.rglob(".*") if p.is_file() and p.name != ".coopctl.lock"]


def test_edit_that_cannot_save_keeps_the_old_file_and_the_users_copy(store, monkeypatch, tmp_path):
    script = tmp_path / "editor.py"
    script.write_text("import sys\np = sys.argv[1]\nt = open(p).read()\nopen(p, 'w').write(t.replace('2029-02-28', '2030-02-28'))\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    before = records(store)

    def fail(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(store_module.os, "fsync", fail)
    result = run(["edit", "contoh"], store)
    monkeypatch.undo()
    assert result.exit_code == 1
    message = result.stderr.strip()
    assert message.startswith(f"coopctl: error: could not write {store}/partners/contoh.toml: No space left on device; "
                              "the file is unchanged; your edited copy is kept at ")
    assert records(store) == before
    copy = Path(message.split("kept at ")[1])
    assert "2030-02-28" in copy.read_text()  # the person's work survives the full disk
    shutil.rmtree(copy.parent)

"""File chores, each done in one place: writing a file whole or not at all, the writers' lock,
reading a store file's text, and the names a file may not have.

Writing: a temporary file beside the target, flushed and fsynced, renamed over
the target, then the directory fsynced; a crash leaves the old file or the
new one, whole. Locking: an exclusive `flock` on `STORE/.coopctl.lock`, which
the system drops when the process ends, however it ends.
"""

from __future__ import annotations

import errno
import os
import stat
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from coopctl.core.errors import CoopError, UsageError
from coopctl.core.patterns import pattern
from coopctl.i18n import t
from coopctl.storage.location import DOCUMENTS_DIR, LOCK_FILE, PARTNERS_DIR, TRASH_DIR

LOCK_TIMEOUT = 30.0  # seconds a writer waits for another; COOPCTL_LOCK_TIMEOUT overrides


def read_text(path: Path, name: str) -> str:
    """A store file's text as `_parse` reads it (a leading BOM dropped)."""
    try:
        raw = path.read_bytes()
        return (raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw).decode("utf-8")
    except OSError as e:
        raise CoopError(t("cannot read {path}: {reason}", path=path, reason=e.strerror or e)) from None
    except UnicodeDecodeError:
        raise CoopError(t("{name} is no longer valid UTF-8; run 'coopctl check'", name=name)) from None



def fingerprint(data: bytes, size: int = 32) -> bytes:
    """The BLAKE2b digest of `data`, `size` bytes long: what a file held. From CPython's own `_blake2` where there
    is one, since `hashlib` first loads OpenSSL (about 2 ms of a command's start)."""
    try:
        from _blake2 import blake2b
    except ImportError:  # another Python
        from hashlib import blake2b
    return blake2b(data, digest_size=size).digest()


WINDOWS_RESERVED = frozenset(["con", "prn", "aux", "nul"] + [f"{p}{n}" for p in ("com", "lpt") for n in range(1, 10)])


def refuse_reserved_name(name: str) -> None:
    """A store must stay usable on every system: `partners/con.toml` cannot exist on Windows."""
    stem = Path(name).name.split(".")[0]
    if stem.lower() in WINDOWS_RESERVED:
        raise CoopError(t("'{stem}' cannot be a partner id: {name} would be a reserved device name on Windows, "
                          "where the store could not be opened; give the partner a longer name", stem=stem, name=name))


def encode_text(text: str, path: Path) -> bytes:
    """UTF-8 bytes of a file to write; text that cannot be UTF-8 (e.g. invalid bytes typed on
    the command line, which Python carries as lone surrogates) is refused before anything is written."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as e:
        line = text.count("\n", 0, e.start) + 1
        raise CoopError(t("cannot write {path}:{line}: the text holds bytes that are not valid UTF-8 "
                          "(check the terminal's encoding); nothing was written", path=path, line=line)) from None


def atomic_write(path: Path, data: bytes, durable: bool = True, private: bool = False) -> None:
    """Write via a temporary file in the same directory, then rename: the file is whole, old or new, whatever
    happens. `durable`: flush and fsync the file before the rename and the directory after it, so that it
    also survives a power cut (a store file; a cache file need not). The new file keeps the mode, owner
    (where the system lets us) and group of the file it replaces; a new file gets the mode the umask gives
    (0644 under the usual 022), unless `private` (0600: the cache)."""
    fd, tmp = temporary_beside(path)
    try:
        with os.fdopen(fd, "wb") as f:
            if not private:
                keep_mode(tmp, path)
            f.write(data)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    if durable:
        fsync_dir(path.parent)


_NEW_PRIVATE = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0) \
    | getattr(os, "O_BINARY", 0)


def temporary_beside(path: Path) -> tuple[int, str]:
    """A new, empty file `.NAME.XXXXXXXX.tmp` beside `path`, readable and writable by us alone, open: what
    `tempfile.mkstemp` makes, without importing `tempfile` and its random number generator (start-up time)."""
    for _ in range(100):
        tmp = os.path.join(path.parent, f".{path.name}.{os.urandom(4).hex()}.tmp")
        try:
            return os.open(tmp, _NEW_PRIVATE, 0o600), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path.parent))


_UMASK: list[int] = []


def umask() -> int:
    """The process's umask (read once: reading it means setting it)."""
    if not _UMASK:
        mask = os.umask(0o022)
        os.umask(mask)
        _UMASK.append(mask)
    return _UMASK[0]


def keep_mode(new: str, like: Path) -> None:
    """Give the file `new` (just made, 0600) the mode, owner and group of `like`, the file it will replace; or,
    if there is none, the mode a new file gets under the umask. A shared store stays readable by the others
    whoever writes it. An owner or group this process may not give is left as it is."""
    try:
        st = os.stat(like)
    except OSError:
        mode = 0o666 & ~umask()
    else:
        mode = stat.S_IMODE(st.st_mode)
        if hasattr(os, "chown"):
            try:
                os.chown(new, st.st_uid, st.st_gid)
            except OSError:
                try:
                    os.chown(new, -1, st.st_gid)  # not the owner (not root), but a group of ours
                except OSError:
                    pass
    try:
        os.chmod(new, mode)  # after chown, which may clear set-id bits
    except OSError:
        pass


def write_output(target: str | None, data: bytes) -> Path | None:
    """An `-o` output: to stdout for None or '-'; straight into a named pipe or a character device (a terminal,
    /dev/null), never replacing it; through a symlink to its target, written beside the target and renamed
    over it (its mode kept); a regular file likewise. A directory is refused. Returns the path written, or
    None for stdout (whose errors, a full disk, are the caller's: they name no file)."""
    if target in (None, "-"):
        import sys

        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return None
    path = Path(target)
    try:
        try:
            st = os.stat(path)  # through symlinks
        except FileNotFoundError:
            st = None
        if st is not None and stat.S_ISDIR(st.st_mode):
            raise UsageError(t("{path} is a directory; give -o the name of a file", path=path))
        if st is not None and (stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode)):
            with open(path, "wb") as out:  # a pipe's reader or a device gets the bytes; nothing is replaced
                out.write(data)
            return path
        if st is not None and not stat.S_ISREG(st.st_mode):
            raise CoopError(t("{path} is not a regular file, a named pipe or a terminal; nothing was written", path=path))
        atomic_write(Path(os.path.realpath(path)), data)
    except OSError as e:
        raise CoopError(t("could not write {path}: {reason}", path=path, reason=e.strerror or e)) from None
    return path


def fsync_dir(directory: Path) -> None:
    try:
        dfd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # not possible on every platform (Windows)
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)


def lock_timeout() -> float:
    """How long a writer waits for the lock: COOPCTL_LOCK_TIMEOUT seconds if set and sensible, else 30."""
    try:
        value = float(os.environ.get("COOPCTL_LOCK_TIMEOUT", LOCK_TIMEOUT))
    except ValueError:
        return LOCK_TIMEOUT
    return value if 0 <= value < 86400 else LOCK_TIMEOUT


_HELD: set[str] = set()  # the stores whose lock this process holds (a lock taken twice would wait for itself)


def holding(root: Path) -> bool:
    return os.path.abspath(root) in _HELD


@contextmanager
def locked(root: Path, on_wait: Callable[[], None] | None = None, timeout: float | None = None) -> Iterator[None]:
    """Hold the store's exclusive lock. The OS releases it if the process dies, so it never goes stale.

    The lock file itself stays (empty) for good: its existence means nothing, only the lock held on it does.
    Writers take it through `journal.locked`, which first finishes or undoes what a killed writer left.
    """
    timeout = lock_timeout() if timeout is None else timeout
    try:
        fd = os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as e:
        raise CoopError(t("cannot write to the store: {path}: {reason}; nothing was changed", path=root / LOCK_FILE,
                          reason=e.strerror or e)) from None
    key = os.path.abspath(root)
    try:
        _acquire(fd, timeout, on_wait)
        _HELD.add(key)
        yield
    finally:
        _HELD.discard(key)
        os.close(fd)


_TEMPORARY = pattern(r"^\..+(?:\.(?:toml|json)\.[a-z0-9_]{8}\.tmp|\.[0-9a-f]{8}\.(?:staged|old))$"
                       r"|^\.incoming\.[0-9a-f]{8}\.tmp$")  # the last: a document being copied in (storage.archive)


def is_temporary(path: str) -> bool:
    """Whether the file at `path` (in the store, `/`-separated) is one of coopctl's temporary files: an
    atomic write's, a journal phase's, or a document being copied in."""
    return bool(_TEMPORARY().match(path.rpartition("/")[2]))


def remove_stale_temporaries(root: Path) -> list[str]:
    """Remove `.NAME.XXXXXXXX.tmp` files that atomic_write left when its process was killed.

    Call only while holding the lock, after the journal's recovery: every writer holds it from
    before it creates a temporary file until after the rename, so any such file found then
    belongs to a process that died. Returns the names removed, relative to the store.
    """
    removed = []
    for directory in ("", PARTNERS_DIR, TRASH_DIR, DOCUMENTS_DIR, ".coopctl"):  # .coopctl: the journal, undo
        try:
            entries = list(os.scandir(root / directory))
        except OSError:
            continue
        for entry in entries:
            if is_temporary(entry.name) and entry.is_file(follow_symlinks=False):
                try:
                    os.unlink(entry.path)
                except OSError:
                    continue
                removed.append(f"{directory}/{entry.name}" if directory else entry.name)
    return sorted(removed)


def _acquire(fd: int, timeout: float, on_wait: Callable[[], None] | None) -> None:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        def try_lock() -> bool:
            try:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                return True
            except OSError:
                return False
    else:
        def try_lock() -> bool:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                return False
            except OSError as e:  # e.g. ENOLCK on a network file system without locking
                raise CoopError(t("cannot lock the store: {reason}; nothing was changed", reason=e.strerror or e)) from None

    if try_lock():
        return
    if on_wait:
        on_wait()
    deadline = time.monotonic() + timeout
    while not try_lock():
        if time.monotonic() > deadline:
            raise CoopError(t("the store is busy: another coopctl has held its lock for over {seconds:g} s; nothing was "
                              "changed; try again (COOPCTL_LOCK_TIMEOUT sets how many seconds to wait)", seconds=timeout))
        time.sleep(0.02)

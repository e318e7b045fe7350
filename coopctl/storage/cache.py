"""A cache of read partner files: a transparent layer around the plain reader, `loader.read_partner`.

`Cache.wrap(read)` gives a function that answers like `read` does: for a file
unchanged since a clean read, the records that read gave; for any other file,
whatever `read` gives now. Nothing else in coopctl knows the cache exists, so
the same code runs with it on, off (`COOPCTL_CACHE=off`) or absent, and the
tests compare the CLI's output both ways. It holds records, never answers:
every command computes what it shows from the records each time.

Where it lives: in the user's cache directory (`$XDG_CACHE_HOME/coopctl` or
`~/.cache/coopctl` on Linux, `~/Library/Caches/coopctl` on macOS, platformdirs'
choice on Windows; `COOPCTL_CACHE_DIR` overrides it), one directory per store
named after the store's absolute path. Not beside the store, because the
store is the user's data and nothing else: it is committed to git, synced and
backed up, and may be read-only; and a pickle is code, so the directory is
the user's own (created 0700, and not used if another user owns it or others
can write to it).

What makes it safe (it must never serve stale records):

- a file's entry is keyed by its `(mtime_ns, ctime_ns, size, inode, device)`,
  taken *before* the file is read, so a change after the stat only makes the
  key look older than the content, never the reverse;
- `ctime` is the guard against hand edits that keep size and mtime: every
  write and every `touch -d` sets ctime to "now", and no user can set it back;
- a change within the same timestamp tick as the cached state cannot be seen
  in any stat field. So, as git does for its index ("racily clean" entries),
  a file whose mtime or ctime is less than `SETTLE_NS` (2 s) before the load
  began is read but not cached: any later change falls in a later tick;
- every shard records the coopctl version, a fingerprint of coopctl's source
  files, the Python build, the store's path and the settings file's whole
  text (custom sectors and procedures change what a partner file means);
- only a store that loaded with no problem is saved; a file gone since is
  dropped from its shard;
- each entry holds the digest of the text it was read from: a rewrite
  re-reads the file under the lock and refuses if it differs
  (`loader.SourceFile.verify`).

Entries are spread over `SHARDS` files by a hash of the file name, so a change
rewrites 1/64 of the cache. Writing is best effort: a cache that cannot be
written (read-only home, full disk) costs only speed, and a shard that cannot
be read is treated as empty and rewritten.
"""

from __future__ import annotations

import os
import sys
from operator import attrgetter
from pathlib import Path
from typing import Any, Callable

FORMAT = 3  # 3: records only (no index, no remembered answers)
SHARDS = 64
SETTLE_NS = 2_000_000_000  # see the module docstring: newer files are read, not cached
PROTOCOL = 5
STALE_TEMPORARY_S = 3600  # a temporary file older than this was left by a killed coopctl

# A file's key, from its stat: (mtime_ns, ctime_ns, size, inode, device). An attrgetter, not a
# function: it is taken of every file on every run.
file_key: Callable[[os.stat_result], tuple[int, int, int, int, int]] = attrgetter(
    "st_mtime_ns", "st_ctime_ns", "st_size", "st_ino", "st_dev")


def enabled() -> bool:
    return os.environ.get("COOPCTL_CACHE", "").strip().lower() not in ("off", "0", "no", "false")


def base_dir() -> Path | None:
    """Where caches live, or None if there is no sensible place."""
    override = os.environ.get("COOPCTL_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    if sys.platform == "darwin":
        home = os.path.expanduser("~")
        return Path(home, "Library", "Caches", "coopctl") if home != "~" else None
    if os.name == "nt":
        import platformdirs

        return Path(platformdirs.user_cache_dir("coopctl", appauthor=False))
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if xdg and os.path.isabs(xdg):
        return Path(xdg, "coopctl")
    home = os.path.expanduser("~")
    return Path(home, ".cache", "coopctl") if home != "~" else None


def settled(key: tuple, now_ns: int) -> bool:
    """A file (by its `file_key`) old enough that any later change lands in a later timestamp tick
    (a file from the future is not)."""
    return max(key[0], key[1]) < now_ns - SETTLE_NS


def shard_of(name: str) -> int:
    import zlib

    return zlib.crc32(name.encode("utf-8", "surrogatepass")) % SHARDS


def _fingerprint() -> tuple:
    """The coopctl version and its source files' names, sizes and times: a changed reader is a new cache."""
    from coopctl import __version__

    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    files = []
    for folder, _, names in os.walk(package):
        for name in names:
            if name.endswith(".py"):
                try:
                    st = os.stat(os.path.join(folder, name))
                except OSError:
                    continue
                files.append((os.path.relpath(os.path.join(folder, name), package), st.st_size, st.st_mtime_ns))
    return (__version__, tuple(sorted(files)))


class Cache:
    """The cached reads of one store's partner files (see the module docstring)."""

    def __init__(self, directory: Path, header: tuple, started_ns: int):
        self.directory = directory
        self.header = header
        self.started_ns = started_ns
        self._shards: dict[int, dict[str, tuple]] = {}
        self._dirty: set[int] = set()
        self._seen: set[str] = set()

    def wrap(self, read: Callable[[Any], Any]) -> Callable[[Any], Any]:
        """`read` (`loader.read_partner` with its decoder), answering from the cache where it can."""
        from coopctl.storage.loader import Read, SourceFile

        def read_cached(entry) -> Read:
            self._seen.add(entry.name)
            if entry.key is not None:
                shard = self._shard(shard_of(entry.name))
                cached = shard.get(entry.name)
                if cached is not None and cached[0] == entry.key:
                    return Read(cached[2], SourceFile(entry.path, entry.name, entry.key, cached[1]), [])
            result = read(entry)
            if entry.key is not None:
                self._remember(entry.name, entry.key, result)
            return result

        return read_cached

    def _remember(self, name: str, key: tuple, result) -> None:
        index = shard_of(name)
        shard = self._shard(index)
        if result.partner is not None and not result.problems and settled(key, self.started_ns):
            shard[name] = (key, result.source.digest, result.partner)
            self._dirty.add(index)
        elif shard.pop(name, None) is not None:
            self._dirty.add(index)

    def _shard(self, index: int) -> dict[str, tuple]:
        shard = self._shards.get(index)
        if shard is None:
            shard = self._shards[index] = self._read(index)
        return shard

    def _read(self, index: int) -> dict[str, tuple]:
        import pickle

        try:
            with open(self.directory / f"shard-{index:02d}.pickle", "rb") as f:
                header, entries = pickle.load(f)
        except FileNotFoundError:
            return {}
        except Exception:  # unreadable, cut short, or from an incompatible build: rebuilt on save
            self._dirty.add(index)
            return {}
        if header != self.header or not isinstance(entries, dict):
            self._dirty.add(index)
            return {}
        return entries

    def save(self) -> None:
        """After a clean load: write the shards that changed, dropping files that are gone. Never raises."""
        for index, shard in self._shards.items():
            gone = [name for name in shard if name not in self._seen]
            for name in gone:
                del shard[name]
            if gone:
                self._dirty.add(index)
        if not self._dirty:
            return
        try:
            self._write()
        except Exception:  # a cache that cannot be written only costs speed
            pass

    def _write(self) -> None:
        import pickle

        _private_dir(self.directory)
        _remove_stale_temporaries(self.directory)
        for index in sorted(self._dirty):
            shard = self._shard(index)

            def dump(f, shard=shard) -> None:
                pickler = pickle.Pickler(f, protocol=PROTOCOL)
                pickler.dispatch_table = _dispatch_table()
                pickler.dump((self.header, shard))

            _replace(self.directory / f"shard-{index:02d}.pickle", dump)
        self._dirty.clear()


def _replace(path: Path, dump: Callable[[Any], None]) -> None:
    """Write `path` whole or not at all: `dump(file)` into a temporary file beside it, then rename."""
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            dump(f)
        os.replace(tmp, path)
    except BaseException:
        _remove(tmp)
        raise


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _remove_stale_temporaries(directory: Path) -> None:
    """Temporary files left by a coopctl killed while writing the cache: removed once over an hour old."""
    import time

    now = time.time()
    try:
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.name.startswith(".") and entry.name.endswith(".tmp"):
                    try:
                        if now - entry.stat(follow_symlinks=False).st_mtime > STALE_TEMPORARY_S:
                            os.unlink(entry.path)
                    except OSError:
                        pass
    except OSError:
        pass


def _private_dir(directory: Path) -> None:
    """Make the directory and those above it that are missing, each readable and writable by us alone."""
    missing = []
    while not directory.exists():
        missing.append(directory)
        directory = directory.parent
    for path in reversed(missing):
        path.mkdir(mode=0o700, exist_ok=True)


def _trusted(directory: Path) -> bool:
    """Ours alone: a pickle is code, so never read one that another user could have written. The
    store's own cache directory is checked (following a symlink): others cannot add files to it."""
    if not hasattr(os, "getuid"):
        return True
    try:
        st = os.stat(directory)
    except FileNotFoundError:
        return True  # made by us, 0700, when first written
    except OSError:
        return False
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


def open_for(root: Path, settings_text: str, started_ns: int) -> Cache | None:
    """The cache of the store at `root`, or None when caching is off or impossible."""
    if not enabled():
        return None
    base = base_dir()
    if base is None:
        return None
    import zlib

    where = os.path.abspath(root)
    tag = f"{os.path.basename(where.rstrip(os.sep))[:40] or 'store'}-{zlib.crc32(where.encode('utf-8', 'surrogatepass')):08x}"
    directory = base / "stores" / tag
    if not _trusted(directory):
        return None
    header = (FORMAT, sys.version, sys.implementation.cache_tag, _fingerprint(), where, settings_text)
    return Cache(directory, header, started_ns)


# ---------------------------------------------------------------- faster pickles


def _dispatch_table() -> dict:
    """Pickle records (frozen dataclasses) as a call of their class with their fields in order.

    Pickle's default for a frozen dataclass with slots is "make an empty one, then set each field
    through a Python-level `__setstate__`"; calling the class is twice as fast to read. Only for
    classes whose `__init__` takes exactly their fields in order and does nothing else.
    """
    import copyreg
    import dataclasses

    from coopctl.core import dates, records

    table = dict(copyreg.dispatch_table)
    kinds = [records.Term, records.Activity, records.Milestone, records.AgreementSector, records.Agreement,
             records.Contact, records.Partner, dates.PartialDate, dates.Duration]
    for kind in kinds:
        fields = dataclasses.fields(kind)
        if hasattr(kind, "__post_init__") or any(not f.init or f.kw_only for f in fields):
            continue
        table[kind] = _reducer(kind, tuple(f.name for f in fields))
    return table


def _reducer(kind: type, names: tuple[str, ...]):
    def reduce(obj: Any):
        return kind, tuple([getattr(obj, n) for n in names])

    return reduce

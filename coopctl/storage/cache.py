"""A cache of the parsed store: reading a large store costs a `stat` of each file, not a parse.

Where it lives: in the user's cache directory (`$XDG_CACHE_HOME/coopctl` or
`~/.cache/coopctl` on Linux, `~/Library/Caches/coopctl` on macOS, platformdirs'
choice on Windows; `COOPCTL_CACHE_DIR` overrides it, `COOPCTL_CACHE=off`
turns it off), one directory per store named after the store's absolute path.
Not beside the store, because the store is the user's data and nothing else:
it is committed to git, synced and backed up, and may be read-only (a shared
drive, the bundled example); a cache there would show up in `git status`,
travel to other machines and other Python versions, and, being a pickle, let
whoever can write the store run code on every reader. The cache directory is
the user's own (created 0700, and not used if another user owns it).

What makes it safe (it must never serve stale data):

- every partner file's entry is keyed by its `(mtime_ns, ctime_ns, size,
  inode, device)`, taken *before* the file is read, so a change after the
  stat only makes the key look older than the content, never the reverse;
- `ctime` is the guard against hand edits that keep size and mtime: every
  write and every `touch -d`/`os.utime` sets ctime to "now", and no user
  can set it back, so restoring the old mtime still changes the key;
- a change within the same timestamp tick as the cached state (file systems
  keep times in ticks of a few ms, 1 s on some, 2 s on FAT) cannot be seen in
  any stat field. So, as git does for its index ("racily clean" entries), a
  file whose mtime or ctime is less than `SETTLE_NS` (2 s) before the moment
  it was read is parsed but not cached: any later change then falls in a
  later tick and changes the key. (Left open: a file server whose clock runs
  more than 2 s behind this machine's, combined with two same-size edits in
  one tick; git has the same exposure);
- every shard also records the coopctl version, a fingerprint of coopctl's
  own source files (so an editable checkout that changes the parser never
  reads entries made by the old one), the exact Python build, the store's
  path and the settings file's whole text (custom sectors change what a
  partner file means);
- only a store that loaded with no problems is written to the cache; a
  changed, added or removed file re-parses or drops only its own entry;
- each entry also holds a digest of the text it was parsed from: a write
  re-reads the file it changes under the lock and refuses if the digest
  differs (see `store.SourceFile.verify`).

The entries are spread over `SHARDS` files by a hash of the file name, so one
change rewrites 1/64 of the cache; `index.pickle` lists every entry's key,
digest and agreement ids, so that a write can check the whole store and read
only the partners it changes, and a listing only the partners whose answers
it does not already have (`answers-*.pickle`, see `Answers`). The index starts
with the `files_state` of its entries, all their names and keys as one bytes
value: a load that finds the same value now knows, by one comparison, that no
partner file was changed, added or removed (`store._load_unchanged`), and
answers that record it need no per-file check. Writing is best effort: a cache that cannot be
written (read-only home, full disk) changes nothing but speed, and a shard
that cannot be read is treated as empty. Stores under `MIN_BYTES` of partner
files are not cached at all: parsing them costs less than importing pickle.
"""

from __future__ import annotations

import os
import sys
from operator import attrgetter
from pathlib import Path
from typing import Any, Callable

FORMAT = 2  # 2: the index starts with its files_state, answers record theirs
SHARDS = 64
SETTLE_NS = 2_000_000_000  # see the module docstring: newer files are parsed, not cached
MIN_BYTES = 64 * 1024  # smaller stores parse faster than a cache (pickle's import alone) could be read
PROTOCOL = 5


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


# A file's key, from its stat: (mtime_ns, ctime_ns, size, inode, device). An attrgetter, not a
# function: it is taken of every file on every run.
file_key: Callable[[os.stat_result], tuple[int, int, int, int, int]] = attrgetter(
    "st_mtime_ns", "st_ctime_ns", "st_size", "st_ino", "st_dev")


def files_state(names: list[str], keys: list[tuple]) -> bytes | None:
    """The names (in order) and keys (`file_key`) of a store's files as one bytes value: the files
    are in the same state exactly when these are equal, compared at the speed of memory (a
    comparison of 100,000 key tuples costs tens of ms). None where a key does not fit 64 bits."""
    from array import array
    from itertools import chain

    try:
        packed = array("q", chain.from_iterable(keys)).tobytes()
    except (OverflowError, TypeError):
        return None
    joined = "\0".join(names).encode("utf-8", "surrogatepass")  # no file name holds a NUL
    return len(names).to_bytes(8, "little") + len(joined).to_bytes(8, "little") + joined + packed


def settled(key: tuple, now_ns: int) -> bool:
    """A file (by its `file_key`) old enough that any later change lands in a later timestamp tick
    (a file from the future is not)."""
    return max(key[0], key[1]) < now_ns - SETTLE_NS


def digest(text: str) -> bytes:
    import hashlib

    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def shard_of(name: str) -> int:
    import zlib

    return zlib.crc32(name.encode("utf-8", "surrogatepass")) % SHARDS


def _fingerprint() -> tuple:
    """The coopctl version and its source files' names, sizes and times: a changed parser is a new cache."""
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
    """The cached entries of one store: `get` a partner by file name and stat, `put` a parsed one, `save`."""

    def __init__(self, directory: Path, header: tuple):
        self.directory = directory
        self.header = header
        self._shards: dict[int, dict[str, tuple]] = {}
        self._dirty: set[int] = set()
        self._seen: set[str] = set()
        self._index: tuple[bytes | None, bytes] | None = None  # the index's files_state, and the rest unread
        self._entries: dict[str, tuple] | None = None
        self.hits = 0
        self.misses = 0

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
        except Exception:  # unreadable, truncated, or from an incompatible build: rebuilt on save
            self._dirty.add(index)
            return {}
        if header != self.header or not isinstance(entries, dict):
            self._dirty.add(index)
            return {}
        return entries

    def get(self, name: str, key: tuple) -> tuple[Any, bytes] | None:
        """The cached record and text digest for this file in this exact state (its `file_key`), else None."""
        self._seen.add(name)
        entry = self._shard(shard_of(name)).get(name)
        if entry is not None and entry[0] == key:
            self.hits += 1
            return entry[2], entry[1]
        self.misses += 1
        return None

    def put(self, name: str, key: tuple, text_digest: bytes, record: Any, now_ns: int) -> bool:
        """Remember a freshly parsed file, if it is old enough to be trusted (see `settled`); whether it was."""
        self._seen.add(name)
        index = shard_of(name)
        shard = self._shard(index)
        if settled(key, now_ns):
            shard[name] = (key, text_digest, record)
            self._dirty.add(index)
            return True
        if shard.pop(name, None) is not None:
            self._dirty.add(index)
        return False

    def release(self, name: str) -> None:
        """Let go of the shard holding `name`'s entry, unless it has changes to save (read again if asked)."""
        index = shard_of(name)
        if index not in self._dirty:
            self._shards.pop(index, None)

    def keep(self, name: str) -> None:
        """A file found unchanged by the index alone (a lazy load): its entry stays when the cache is saved."""
        self._seen.add(name)

    def keep_all(self, names) -> None:
        """`keep` for many files at once."""
        self._seen.update(names)

    def answers(self, question: tuple, kind: str = "rows") -> Answers:
        """What a listing computed from each partner file for `question` (see `Answers`); one file per
        `kind` of answer, each keeping the latest question asked."""
        return Answers(self.directory / f"answers-{kind}.pickle", self.header, question)

    def index(self) -> dict[str, tuple]:
        """Every cached file's key, text digest and agreement ids, read without the records themselves
        (for writes: they check the whole store this way and read only the partners they change)."""
        if self._entries is None:
            import pickle

            self.index_state()
            try:
                entries = pickle.loads(self._index[1]) if self._index[1] else {}
            except Exception:
                entries = {}
            self._entries = entries if isinstance(entries, dict) else {}
        return self._entries

    def index_state(self) -> bytes | None:
        """The `files_state` of the files the index lists: read first, alone (a store found unchanged
        needs no more of the index)."""
        if self._index is None:
            import pickle

            self._index = (None, b"")
            try:
                with open(self.directory / "index.pickle", "rb") as f:
                    header, state = pickle.load(f)
                    if header == self.header and isinstance(state, bytes):
                        self._index = (state, f.read())
            except Exception:
                pass
        return self._index[0]

    def save(self) -> None:
        """After a full load: write the shards that changed (dropping files that are gone) and the
        index of all of them. Never raises."""
        for index, shard in self._shards.items():
            gone = [name for name in shard if name not in self._seen]
            for name in gone:
                del shard[name]
            if gone:
                self._dirty.add(index)
        if not self._dirty and (self.directory / "index.pickle").exists():
            return
        try:
            self._write()
        except Exception:  # a cache that cannot be written only costs speed
            pass

    def _write(self) -> None:
        import pickle

        _private_dir(self.directory)
        for index in sorted(self._dirty):
            shard = self._shard(index)

            def dump(f, shard=shard) -> None:
                pickler = pickle.Pickler(f, protocol=PROTOCOL)
                pickler.dispatch_table = _dispatch_table()
                pickler.dump((self.header, shard))

            _replace(self.directory / f"shard-{index:02d}.pickle", dump)
        self._dirty.clear()
        entries = {}
        if len(self._shards) < SHARDS:  # a lazy load read only some shards: keep the others' entries
            entries = {name: entry for name, entry in self.index().items()
                       if name in self._seen and shard_of(name) not in self._shards}
        entries.update({name: (entry[0], entry[1], tuple(a.id for a in entry[2].agreements))
                        for shard in self._shards.values() for name, entry in shard.items()})

        names = sorted(entries)
        state = files_state(names, [entries[name][0] for name in names]) or b""

        def dump(f) -> None:  # the state first: a store found unchanged needs only that (see `index_state`)
            pickle.dump((self.header, state), f, protocol=PROTOCOL)
            pickle.dump(entries, f, protocol=PROTOCOL)

        _replace(self.directory / "index.pickle", dump)
        self._index = self._entries = None


class Answers:
    """The rows one question (a command, its as-of date, its options) gave for each partner file.

    A listing's rows are a pure function of one partner file, the settings, the
    as-of date and the options; the settings, coopctl and Python are in the
    header, the rest in `question`. So an entry whose file key matches the file
    now is exactly what computing again would give. One question is kept per
    store and kind of answer (the latest asked; `renew` keeps its rows, and
    `renew --format json` their JSON): `coopctl renew` run again the same day,
    by a person or by cron, reads no partner at all. Only settled files are
    remembered (see `settled`), as for the records themselves. Answers made
    for every file of a store found unchanged also record its `files_state`;
    found unchanged again in that same state, the store takes them all at once.
    """

    CHUNK = 1000  # files per pickle in the answers file

    def __init__(self, path: Path, header: tuple, question: tuple):
        self.path = path
        self.header = header
        self.question = question
        self._old: dict[str, tuple] = {}
        self._new: dict[str, tuple] = {}
        self._changed = False
        self._state: bytes | None = None  # the files_state of the store these answers are all of, if known
        import pickle

        try:
            with open(path, "rb") as f:
                header, asked, state = pickle.load(f)
                if header != self.header or asked != question:
                    return
                entries: dict[str, tuple] = {}
                while True:
                    chunk = pickle.load(f)
                    if chunk is None:
                        break
                    entries.update(chunk)
            self._old = entries
            self._state = state if isinstance(state, bytes) else None
        except Exception:  # missing, unreadable, cut short or from another build: nothing remembered
            pass

    def covers(self, state: bytes | None) -> bool:
        """Whether this holds an answer for exactly the files of this `files_state`, each in that state."""
        return state is not None and self._state == state

    def every(self) -> list:
        """Every file's answer, in no particular order (after `covers`: the whole answer)."""
        self._new = self._old
        return [entry[1] for entry in self._old.values()]

    def get(self, name: str, key: tuple | None) -> Any:
        entry = self._old.get(name)
        if entry is None or key is None or entry[0] != key:
            return None
        self._new[name] = entry
        return entry[1]

    def __len__(self) -> int:
        """How many files this run has an answer for."""
        return len(self._new)

    def put(self, name: str, key: tuple | None, rows: Any) -> None:
        if key is not None:
            self._new[name] = (key, rows)
            self._changed = True

    def save(self, state: bytes | None = None) -> None:
        """Write what this run knows (files gone since are dropped). `state`: the `files_state` of the
        store, when this run has an answer for each of its files in that state. Never raises."""
        if not self._changed and len(self._new) == len(self._old) and state == self._state:
            return
        import pickle

        def dump(f) -> None:
            pickle.dump((self.header, self.question, state), f, protocol=PROTOCOL)
            names = list(self._new)
            for start in range(0, len(names), self.CHUNK):  # pickle's memory grows with what one dump holds
                pickle.dump({name: self._new[name] for name in names[start:start + self.CHUNK]}, f, protocol=PROTOCOL)
            pickle.dump(None, f, protocol=PROTOCOL)  # the end: a file cut short is not read as complete

        try:
            _private_dir(self.path.parent)
            _replace(self.path, dump)
        except Exception:
            pass


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


def open_for(root: Path, settings_text: str, total_bytes: int, small: bool = False) -> Cache | None:
    """The cache of the store at `root`, or None when caching is off, pointless or impossible.

    `small`: cache it even under MIN_BYTES (one of many stores read together)."""
    if (total_bytes < MIN_BYTES and not small) or not enabled():
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
    return Cache(directory, header)


# ---------------------------------------------------------------- faster pickles


def _dispatch_table() -> dict:
    """Pickle records (dataclasses) as a call of their class with their fields in order.

    Pickle's default for an object is "make an empty one, then fill its `__dict__` from a
    dict", which builds a dict per object and a second one to copy from; calling the class
    is twice as fast to read and gives smaller objects (their attributes stay in the
    compact form Python gives instances made by `__init__`). It also replaces the slow
    Python-level `__setstate__` of frozen dataclasses with slots (PartialDate, Duration).
    Only for classes whose `__init__` takes exactly their fields in order and does nothing
    else (no `__post_init__`, no keyword-only or non-init fields); an object that carries
    attributes besides its fields is pickled the default way.
    """
    import copyreg
    import dataclasses

    from coopctl.core import dates

    from coopctl.core import records as model

    table = dict(copyreg.dispatch_table)
    kinds = [model.Term, model.Activity, model.Milestone, model.AgreementSector, model.Agreement, model.Contact,
             model.Partner, model.Step, dates.PartialDate, dates.Duration]
    for kind in kinds:
        fields = dataclasses.fields(kind)
        if hasattr(kind, "__post_init__") or any(not f.init or f.kw_only for f in fields):
            continue
        names = tuple(f.name for f in fields)
        table[kind] = _reducer(kind, names)
    return table


def _reducer(kind: type, names: tuple[str, ...]):
    count = len(names)

    def reduce(obj: Any):
        state = getattr(obj, "__dict__", None)
        if state is None:  # slots
            return kind, tuple([getattr(obj, n) for n in names])
        if len(state) == count:
            try:
                return kind, tuple([state[n] for n in names])
            except KeyError:
                pass
        return obj.__reduce_ex__(PROTOCOL)

    return reduce



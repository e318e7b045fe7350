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
backed up, and may be read-only; and a cache file is read without checks, so the directory is
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
from marshal import loads as _loads
from pathlib import Path
from typing import Any, Callable

from coopctl.core.records import Activity  # loaded already by whatever opens a cache (`storage.loader`)

FORMAT = 10  # 6: records as plain tuples, written by marshal; dates as ints; the fields of issue 15; 7: documents;
# 8: an agreement's extra; 9: a term's signatories and partner_number; 10: an agreement's activities packed apart
SHARDS = 64
SETTLE_NS = 2_000_000_000  # see the module docstring: newer files are read, not cached
STALE_TEMPORARY_S = 3600  # a temporary file older than this was left by a killed coopctl

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
    files: list[tuple[str, int, int]] = []

    def walk(folder: str, prefix: str) -> None:  # as os.walk, without its path arithmetic (this runs every time)
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    name = entry.name
                    if name.endswith(".py"):
                        try:
                            st = entry.stat()
                        except OSError:
                            continue
                        if not entry.is_dir():
                            files.append((prefix + name, st.st_size, st.st_mtime_ns))
                    elif name != "__pycache__" and entry.is_dir(follow_symlinks=False):
                        walk(entry.path, prefix + name + os.sep)
        except OSError:
            pass

    walk(package, "")
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
        self.packer = Packer()

    def wrap(self, read: Callable[[Any], Any]) -> Callable[[Any], Any]:
        """`read` (`loader.read_partner` with its decoder), answering from the cache where it can."""
        from coopctl.storage.source import Read, SourceFile

        def read_cached(entry) -> Read:
            self._seen.add(entry.name)
            if entry.key is not None:
                shard = self._shard(shard_of(entry.name))
                cached = shard.get(entry.name)
                if cached is not None and cached[0] == entry.key:
                    return Read(cached[2], SourceFile(entry.path, entry.name, entry.key, cached[1]), [])
            result = read(entry)
            if entry.key is not None:
                result = self._remember(entry.name, entry.key, result)
            return result

        return read_cached

    def _remember(self, name: str, key: tuple, result):
        """Keep a clean read's records, given back as a later read from the cache gives them (their activities
        packed, `Activities`: equal records, and a first run holds no more than a later one)."""
        index = shard_of(name)
        shard = self._shard(index)
        if result.partner is not None and not result.problems and settled(key, self.started_ns):
            partner = result.partner
            if any(a.activities for a in partner.agreements):
                partner = partner._replace(agreements=tuple([
                    a._replace(activities=Activities(_pack_activities(a.activities))) if a.activities else a
                    for a in partner.agreements]))
                result = result._replace(partner=partner)
            shard[name] = (key, result.source.digest, partner)
            self._dirty.add(index)
        elif shard.pop(name, None) is not None:
            self._dirty.add(index)
        return result

    def _shard(self, index: int) -> dict[str, tuple]:
        shard = self._shards.get(index)
        if shard is None:
            shard = self._shards[index] = self._read(index)
        return shard

    def _read(self, index: int) -> dict[str, tuple]:
        """A shard's entries: file name -> (key, digest, partner). Its partners are made when it is read."""
        import marshal

        try:
            with open(self.directory / f"shard-{index:02d}.cache", "rb") as f:
                header, sectors, names, keys, digests, packed = marshal.loads(f.read())
            if header != self.header:
                raise ValueError("another build")
            S = self.packer.sectors(sectors)
            unpack = self.packer.unpack
            return {name: (key, digest, unpack(data, S))
                    for name, key, digest, data in zip(names, keys, digests, packed)}
        except FileNotFoundError:
            return {}
        except Exception:  # unreadable, cut short, or from an incompatible build: rebuilt on save
            self._dirty.add(index)
            return {}

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
        import marshal

        from coopctl.storage.files import atomic_write

        _private_dir(self.directory)
        _remove_stale_temporaries(self.directory)
        for index in sorted(self._dirty):
            shard = self._shard(index)
            names = sorted(shard)
            sectors, packed = self.packer.pack([shard[n][2] for n in names])
            data = marshal.dumps((self.header, sectors, names, [shard[n][0] for n in names],
                                  [shard[n][1] for n in names], packed))
            atomic_write(self.directory / f"shard-{index:02d}.cache", data, durable=False, private=True)
        self._dirty.clear()


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
    """Ours alone: a cache file is read without checks (it is not a format to take from others), so never read one that another user could have written. The
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


# ---------------------------------------------------------------- records as plain tuples


class _Days(dict):
    """Packed date (an int: 20230822, 202308 or 2023; 0 for none) -> PartialDate, each made when first asked for."""

    def __missing__(self, code: int):
        from coopctl.core.dates import PartialDate

        if code >= 10_000_000:
            value = PartialDate(code // 10_000, code // 100 % 100, code % 100)
        elif code >= 100_000:
            value = PartialDate(code // 100, code % 100)
        else:
            value = PartialDate(code)
        self[code] = value
        return value


DAYS = _Days({0: None})  # the dates of every shard (and `Activities`), each made once per process


def pack_day(value) -> int:
    """A PartialDate as one int (see `_Days`): compact, and the same in every shard."""
    if value is None:
        return 0
    if value.day is not None:
        return value.year * 10_000 + value.month * 100 + value.day
    if value.month is not None:
        return value.year * 100 + value.month
    return value.year


class Packer:
    """Records to the plain nested tuples `marshal` writes, and back: one shard at a time.

    A cached store is read on every run, and making its records is most of what that costs: `marshal`
    reads plain tuples several times faster than `pickle` reads objects, and each record (a named tuple)
    is then made by `tuple.__new__`, in C. A date is kept as one int, made into its PartialDate once per
    process; a shard keeps a table of the sector entries its agreements use, made once per shard.
    `unpack(pack(partners))` gives the same partners (a property test checks it); a new field of a record
    needs its place here too, which that test finds."""

    def __init__(self) -> None:
        self.days = DAYS

    @staticmethod
    def pack(partners: list) -> tuple:
        """(sector entries, packed partners) for a shard."""
        day = pack_day
        sectors: dict = {}

        def sector(s) -> int:
            key = (s.id, day(s.since), day(s.until), s.basis)
            index = sectors.get(key)
            if index is None:
                index = sectors[key] = len(sectors)
            return index

        packed = [(p.id, p.name, p.kind, p.country, p.local_name, p.level, day(p.since), p.notes, p.sources,
                   tuple(map(tuple, p.contacts)), p.assumed,
                   tuple((a.id, a.partner_id, a.title, a.type, tuple(map(sector, a.sectors)), a.unit,
                          None if a.notice is None else tuple(a.notice), day(a.terminated),
                          a.termination_reason, a.notes, a.sources,
                          tuple((day(t.start), day(t.end), day(t.signed), t.pending, t.number, t.place, t.note,
                                 day(t.recorded), t.lapse_before, t.assumed, t.signatories, t.partner_number)
                                for t in a.terms),
                          _pack_activities(a.activities),
                          a.procedure,
                          tuple((m.id, day(m.date), day(m.term_end), m.ref, m.note, m.undone, m.not_needed)
                                for m in a.milestones),
                          a.under, a.category,
                          tuple((d.kind, d.name, d.size, d.sha256, d.media_type, d.number, day(d.date), d.title,
                                 day(d.term_start), d.step) for d in a.documents),
                          a.extra)
                         for a in p.agreements))
                  for p in partners]
        return tuple(sectors), packed

    def sectors(self, table: tuple) -> list:
        """A shard's sector entries made into records."""
        from coopctl.core.records import AgreementSector

        new, D = tuple.__new__, self.days
        return [new(AgreementSector, (s[0], D[s[1]], D[s[2]], s[3])) for s in table]

    def unpack(self, data: tuple, S: list):
        """One packed partner, with its shard's sector entries."""
        from coopctl.core.dates import Duration
        from coopctl.core.records import Agreement, Contact, Document, Milestone, Partner, Term

        new, D = tuple.__new__, self.days
        agreements = tuple([
            new(Agreement, (a[0], a[1], a[2], a[3], tuple([S[i] for i in a[4]]), a[5],
                            None if a[6] is None else new(Duration, a[6]), D[a[7]], a[8], a[9], a[10],
                            tuple([new(Term, (D[t[0]], D[t[1]], D[t[2]], t[3], t[4], t[5], t[6], D[t[7]], t[8], t[9],
                                              t[10], t[11]))
                                   for t in a[11]]),
                            a[12] and Activities(a[12]),  # an empty tuple stays the one ()
                            a[13],
                            a[14] and tuple([new(Milestone, (m[0], D[m[1]], D[m[2]], m[3], m[4], m[5], m[6]))
                                             for m in a[14]]),  # `a and ...`: an empty tuple stays the one ()
                            a[15], a[16],
                            a[17] and tuple([new(Document, (d[0], d[1], d[2], d[3], d[4], d[5], D[d[6]], d[7],
                                                            D[d[8]], d[9])) for d in a[17]]),
                            a[18]))
            for a in data[11]])
        return new(Partner, (data[0], data[1], data[2], data[3], data[4], data[5], D[data[6]], data[7], data[8],
                             data[9] and tuple([new(Contact, c) for c in data[9]]), agreements, data[10]))


def _pack_activities(activities) -> bytes | tuple:
    """An agreement's activities as one marshal'd string (`Activities`), or () when it has none."""
    if not activities:
        return ()
    if activities.__class__ is Activities:
        return bytes(activities)  # its bytes are the packed records
    import marshal

    day = pack_day
    return marshal.dumps(tuple([(day(x.date), x.sector, x.summary, x.type, x.participants, x.value, x.currency,
                                 x.source, x.assumed) for x in activities]))


class Activities(bytes):
    """An agreement's activities as the cache gives them: a read-only sequence equal to the tuple of its Activity
    records, kept packed (its bytes are the records marshal'd) and made into those records each time it is read.

    Activities are most of a store's records, and most commands never read them (`renew` reads those of the
    agreements it lists, for their last activity): kept packed, they cost neither the time to make them nor the
    memory to hold them. It behaves as the tuple does where coopctl uses one (iterating, `len`, indexing, `==`
    and hashing with tuples, `+` with a tuple giving a tuple); `tuple(activities)` gives the tuple itself. A
    bytes object (no more than the packed text in memory); its dates come from the process's `DAYS`."""

    __slots__ = ()

    def records(self) -> tuple:
        new, D, A = tuple.__new__, DAYS, Activity
        return tuple([new(A, (D[x[0]], x[1], x[2], x[3], x[4], x[5], x[6], x[7], x[8])) for x in _loads(self)])

    def __iter__(self):
        return iter(self.records())

    def __reversed__(self):
        return reversed(self.records())

    def __len__(self) -> int:
        return len(self.records())

    def __bool__(self) -> bool:
        return True  # never empty: an agreement without activities has ()

    def __getitem__(self, index):
        return self.records()[index]

    def __contains__(self, item) -> bool:
        return item in self.records()

    def index(self, *args) -> int:
        return self.records().index(*args)

    def count(self, item) -> int:
        return self.records().count(item)

    @staticmethod
    def _other(other):
        if other.__class__ is Activities:
            return other.records()
        return other if isinstance(other, tuple) else None

    def __eq__(self, other) -> bool:
        other = self._other(other)
        return NotImplemented if other is None else self.records() == other

    def __ne__(self, other) -> bool:
        other = self._other(other)
        return NotImplemented if other is None else self.records() != other

    def __lt__(self, other) -> bool:
        other = self._other(other)
        return NotImplemented if other is None else self.records() < other

    def __hash__(self) -> int:
        return hash(self.records())

    def __add__(self, other):
        other = self._other(other)
        return NotImplemented if other is None else self.records() + other

    def __radd__(self, other):
        other = self._other(other)
        return NotImplemented if other is None else other + self.records()

    def __mul__(self, n):
        return self.records() * n

    def __repr__(self) -> str:
        return repr(self.records())

    __str__ = __repr__

    def __reduce__(self):
        return tuple, (self.records(),)

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

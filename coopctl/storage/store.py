"""The store on disk: a directory with a settings file and one TOML file per partner.

    STORE/coopctl.toml             owner, notice windows, extra sectors
    STORE/partners/<partner>.toml  a partner, its agreements, terms and activities

Loading collects every problem with its file and line instead of stopping at
the first. Writing happens only inside `transaction`, which holds an
exclusive lock across the whole read-modify-write, refuses to write a store
that did not load cleanly, and replaces each changed file atomically.
"""

from __future__ import annotations

import os
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import MutableMapping
from typing import Any, Callable, Iterator

from coopctl.storage import codec
from coopctl.core.errors import CoopError, Problem, StoreInvalid
from coopctl.i18n import t, tn
from coopctl.core.records import Partner, Settings, Store, is_slug
from coopctl.core.sectors import Vocabulary

SETTINGS_FILE = "coopctl.toml"
PARTNERS_DIR = "partners"
TRASH_DIR = "trash"  # deleted records, restorable with `coopctl restore`; the loader never reads it
LOCK_FILE = ".coopctl.lock"
MAX_FILE_BYTES = 10 * 1024 * 1024
FREEZE_AFTER = 50_000  # objects made by one load, above which they are moved out of the collector's sight
LOCK_TIMEOUT = 30.0  # seconds a writer waits for another; COOPCTL_LOCK_TIMEOUT overrides

_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_END = re.compile(r"\s*\(at end of document\)\s*$")
_CONFLICT = re.compile(r"(?:^|\n)<<<<<<< ")


def default_store_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("coopctl", appauthor=False))


def resolve_store_paths(options: list[str] | None) -> list[Path]:
    """--store (possibly several), else COOPCTL_STORE (paths separated by os.pathsep), else the user data directory."""
    if options:
        return [Path(o).expanduser() for o in options]
    env = os.environ.get("COOPCTL_STORE")
    if env:
        paths = [Path(p).expanduser() for p in env.split(os.pathsep) if p]
        if paths:
            return paths
    return [default_store_path()]


def example_path() -> Path:
    """The bundled East Java example: inside the installed package, else the checkout's data/."""
    here = Path(__file__).resolve().parent.parent  # the package
    for candidate in (here / "example", here.parent / "data"):
        if (candidate / SETTINGS_FILE).is_file():
            return candidate
    raise CoopError(t("the bundled example store is missing from this installation"))


class SourceFile:
    """One store file: its path, its name in the store (`partners/x.toml`) and its text.

    A file whose record came from the cache is read only when its text is needed
    (to place a problem, to find comments, to compare before a rewrite); `key` and
    `digest` then say which state of the file that record was parsed from.
    """

    __slots__ = ("_path", "name", "_text", "key", "digest", "_map")

    def __init__(self, path: Path | str, name: str, text: str | None = None, key: tuple | None = None,
                 digest: bytes | None = None):
        self._path = path  # a str is made a Path only when asked for (thousands of files, most never asked)
        self.name = name
        self._text = text
        self.key = key
        self.digest = digest

    @property
    def path(self) -> Path:
        if not isinstance(self._path, Path):
            self._path = Path(self._path)
        return self._path

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = _read_text(self.path, self.name)
        return self._text

    def forget_text(self) -> None:
        """Free the text (a large store's texts take more memory than its records): it is read again
        when needed, and `verify` checks that it is still what the record was parsed from."""
        if self.digest is not None:
            self._text = None

    def verify(self) -> None:
        """Before rewriting a file whose text is no longer held (its record came from the cache, or the
        text was let go after parsing): read it again now (under the lock) and refuse unless it is
        exactly the text that record was parsed from."""
        if self.digest is None:
            return  # parsed from `self.text` in this process
        from coopctl.storage.cache import digest

        self._text = None
        if digest(self.text) != self.digest:
            raise CoopError(t("{name} changed on disk while coopctl was reading the store; nothing was written; "
                              "run the command again", name=self.name))

    def locate(self, path: tuple) -> tuple[int | None, int | None]:
        from coopctl.storage.toml_scan import scan

        if not hasattr(self, "_map"):
            try:
                self._map = scan(self.text)
            except CoopError:
                return None, None
        return self._map.locate(path)

    def comment_lines(self) -> list[int]:
        from coopctl.storage.toml_scan import scan

        if "#" not in self.text:
            return []
        if not hasattr(self, "_map"):
            self._map = scan(self.text)
        return [line for line, _ in self._map.comments]


@dataclass
class Loaded:
    """The outcome of reading a store: the records, the files and every problem found."""

    root: Path
    store: Store
    files: dict[str, SourceFile] = field(default_factory=dict)  # partner id -> file
    problems: list[Problem] = field(default_factory=list)
    vocabulary: Vocabulary | None = None
    parsed: int = 0  # partner files parsed in this load
    reused: int = 0  # partner files whose records came from the cache instead
    cache: Any = None  # the store's cache (coopctl.storage.cache.Cache) when it has one and loaded clean
    unchanged_state: bytes | None = None  # the partner files' `cache.files_state`, when all are as cached


def _read_text(path: Path, name: str) -> str:
    """A store file's text as `_parse` reads it (a leading BOM dropped)."""
    try:
        raw = path.read_bytes()
        return (raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw).decode("utf-8")
    except OSError as e:
        raise CoopError(t("cannot read {path}: {reason}", path=path, reason=e.strerror or e)) from None
    except UnicodeDecodeError:
        raise CoopError(t("{name} is no longer valid UTF-8; run 'coopctl check'", name=name)) from None


def _parse(path: Path, name: str, problems: list[Problem]) -> tuple[dict | None, SourceFile | None]:
    from coopctl.storage import toml_fast as fasttoml

    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.append(Problem(name, None, None, t("file is {size} MB; a store file may hold at most {limit} MB",
                                                        size=size // (1024 * 1024), limit=MAX_FILE_BYTES // (1024 * 1024))))
            return None, None
        raw = path.read_bytes()
    except OSError as e:
        problems.append(Problem(name, None, None, t("cannot read: {reason}", reason=e.strerror or e)))
        return None, None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        column = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        problems.append(Problem(name, line, column, t("not valid UTF-8 (byte 0x{byte:02x}); save the file as UTF-8",
                                                      byte=raw[e.start])))
        return None, None
    conflict = _CONFLICT.search(text) if "<<<<<<< " in text else None  # `in` first: far faster than the pattern
    if conflict:
        line = text.count("\n", 0, conflict.start()) + 1 + (text[conflict.start()] == "\n")
        problems.append(Problem(name, line, 1, t("unresolved git conflict: keep the right version between <<<<<<< "
                                                 "and >>>>>>>, delete the markers, then 'git add' the file and "
                                                 "'git rebase --continue'")))
        return None, None
    data = fasttoml.loads(text)  # the canonical layout coopctl writes, several times faster than tomllib
    if data is not None:
        return data, SourceFile(path, name, text)
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        message = str(e)
        m = _POSITION.search(message)
        if m:
            line, column = int(m.group(1)), int(m.group(2))
            problems.append(Problem(name, *_explain_toml_error(text, line, column, message[: m.start()])))
        else:
            line = text.count("\n") + 1
            problems.append(Problem(name, line, None, t("invalid TOML: {reason} (at end of file)", reason=_END.sub("", message))))
        return None, None
    except RecursionError:
        line, column = _too_deep(text)
        problems.append(Problem(name, line, column, t("invalid TOML: arrays or tables nested too deeply")))
        return None, None
    return data, SourceFile(path, name, text)


_DATE_LIKE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
MAX_DEPTH_SHOWN = 100


def _explain_toml_error(text: str, line: int, column: int, message: str) -> tuple[int, int, str]:
    """tomllib's message, made specific where it is vague: an impossible date, a string not closed."""
    source_line = text.split("\n")[line - 1] if 0 < line <= text.count("\n") + 1 else ""
    for m in _DATE_LIKE.finditer(source_line):
        if m.start() < column <= m.end() + 1:
            import datetime

            try:
                datetime.date.fromisoformat(m.group())
            except ValueError:
                return line, m.start() + 1, t("invalid TOML: '{text}' is not a date in the calendar (write YYYY-MM-DD, "
                                              'or "YYYY-MM" / "YYYY" in quotes when only the month or year is known)',
                                              text=m.group())
    if message == "Illegal character '\\n'":
        return line, column, t("invalid TOML: a string is not closed before the end of the line")
    return line, column, t("invalid TOML: {reason}", reason=message)


def _too_deep(text: str) -> tuple[int | None, int | None]:
    """Where brackets first nest deeper than anything a store needs (strings are not skipped: a rough pointer)."""
    depth = 0
    line, start = 1, 0
    for i, ch in enumerate(text):
        if ch == "\n":
            line, start = line + 1, i + 1
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH_SHOWN:
                return line, i - start + 1
        elif ch in "]}":
            depth = max(depth - 1, 0)
    return None, None


def _report_into(problems: list[Problem], source: SourceFile) -> Callable[[tuple, str], None]:
    def report(path: tuple, message: str) -> None:
        from coopctl.core.text import shorten

        line, column = source.locate(path)
        problems.append(Problem(source.name, line, column, shorten(message)))

    return report


def is_store(root: Path) -> bool:
    return (root / SETTINGS_FILE).is_file()


def load(root: Path, lazy: bool = False, cache_small: bool = False) -> Loaded:
    """Read the whole store; never raises for bad content, only collects problems.

    `lazy` (for writes, which change one or two partners): partners unchanged since
    the cache was made are checked by their stat and the cache's index of agreement
    ids, and read only when asked for; the rest is read as usual.

    Partner files unchanged since an earlier clean load come from the cache (see
    `coopctl.cache`) instead of being parsed. The garbage collector is paused
    meanwhile: a large store is millions of new objects, none of them garbage, and
    collecting while they are made costs more than the parse itself.

    `cache_small`: cache the store even when it is small (a roll-up reads hundreds of
    small stores, and their parses add up).
    """
    if not is_store(root):
        if root.exists() and not root.is_dir():
            raise CoopError(t("{root} is a file, not a store directory", root=root))
        raise CoopError(t("no store at {root} (create one with 'coopctl init --store {root}', or pass --store)", root=root))
    # A large store lives until the command ends and holds no cycles: once it is read, keep the
    # collector from walking its millions of objects again and again while the command works on it.
    with collector_paused(freeze=True):
        return _load(root, lazy, cache_small)


@contextmanager
def collector_paused(freeze: bool = False) -> Iterator[None]:
    """Pause the garbage collector while millions of objects are made and none is garbage (reading a
    store, computing a listing's rows): collecting meanwhile costs more than the work. `freeze`: if
    many were made, exclude them from later collections."""
    import gc

    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            if freeze and gc.get_count()[0] > FREEZE_AFTER:
                gc.freeze()
            gc.enable()


def _load(root: Path, lazy: bool = False, cache_small: bool = False) -> Loaded:
    from coopctl.storage.cache import settled

    started_ns = time.time_ns()  # before any stat: files changed later than this are not cached
    problems: list[Problem] = []
    settings_data, settings_file = _parse(root / SETTINGS_FILE, SETTINGS_FILE, problems)
    settings = Settings(owner=root.resolve().name)
    if settings_file is not None:
        settings = codec.read_settings(settings_data, _report_into(problems, settings_file), root.resolve().name)
    vocabulary = Vocabulary(settings.sectors)
    loaded = Loaded(root, Store(settings), vocabulary=vocabulary)
    loaded.problems = problems

    files = _scan_partners(root / PARTNERS_DIR, problems)

    cache = None
    if settings_file is not None and not problems:
        from coopctl.storage import cache as cache_module

        cache = cache_module.open_for(root, settings_file.text, sum(f[3][2] for f in files if f[3] is not None),
                                      cache_small)
    if lazy and cache is not None and not problems:
        state = cache_module.files_state([f[1] for f in files], [f[3] for f in files])
        if state is not None and state == cache.index_state():
            return _load_unchanged(loaded, files, state, cache)
    index = cache.index() if lazy and cache is not None else None
    later: dict[str, tuple[str, str, tuple]] = {}  # partner id -> (name, path, file key), read when asked for
    homes: dict[str, str] = {}  # agreement id -> partner id, for those
    again: dict[str, tuple[str, str, tuple]] = {}  # lazy: partners read now that the cache can give again
    order: list[str] = []
    seen_agreements: dict[str, str] = {}
    for path, name, partner_id, key in files:
        known = index.get(name) if index and key is not None else None
        if known is not None and known[0] == key:
            source = SourceFile(path, name, None, known[0], known[1])
            for i, agreement_id in enumerate(known[2]):
                if agreement_id in seen_agreements:
                    _report_into(problems, source)(("agreements", i, "id"), t("agreement id '{id}' is already used in {file}",
                                                                              id=agreement_id, file=seen_agreements[agreement_id]))
                else:
                    seen_agreements[agreement_id] = name
                homes[agreement_id] = partner_id
            later[partner_id] = (name, path, key)
            cache.keep(name)
            loaded.files[partner_id] = source
            loaded.reused += 1
            order.append(partner_id)
            continue
        hit = cache.get(name, key) if cache is not None and key is not None else None
        if hit is not None:
            partner, text_digest = hit
            source = SourceFile(path, name, None, key, text_digest)
            loaded.reused += 1
            if lazy:
                again[partner_id] = (name, path, key)
        else:
            loaded.parsed += 1
            data, source = _parse(Path(path), name, problems)
            if source is None:
                continue
            if key is not None and settled(key, started_ns):
                source.key = key  # what its answers may be remembered by (see cache.Answers)
            partner = codec.read_partner(partner_id, data, _report_into(problems, source), vocabulary)
            if partner is None:
                continue
            if cache is not None and key is not None:
                source.digest = cache_module.digest(source.text)
                if cache.put(name, key, source.digest, partner, started_ns) and lazy:
                    again[partner_id] = (name, path, key)
                source.forget_text()
        report = _report_into(problems, source)
        for i, agreement in enumerate(partner.agreements):
            if agreement.id in seen_agreements:
                report(("agreements", i, "id"), t("agreement id '{id}' is already used in {file}", id=agreement.id,
                                                  file=seen_agreements[agreement.id]))
            else:
                seen_agreements[agreement.id] = name
            if partner_id in again:
                homes[agreement.id] = partner_id
            if agreement.procedure is not None and agreement.procedure not in settings.procedures:
                report(("agreements", i, "procedure"), t("procedure '{name}' is not in the settings (known: {known}); "
                                                         "add [procedures.{name}] to {file}", name=agreement.procedure,
                                                         known=", ".join(settings.procedures), file=SETTINGS_FILE))
        loaded.store.partners[partner_id] = partner
        loaded.files[partner_id] = source
        order.append(partner_id)
    if again and not problems:
        later.update(again)  # read (or parsed) and cached: a listing may let them go and read them again
    if later:
        loaded.store = _LazyStore.over(loaded, order, later, homes, cache, vocabulary)
    if cache is not None and not problems:
        cache.save()  # only a store with no problem is cached
    loaded.cache = cache if not problems else None
    problems.sort(key=lambda p: (p.file, p.line or 0, p.column or 0))
    return loaded


def _scan_partners(partners_dir: Path, problems: list[Problem]) -> list[tuple[str, str, str, tuple | None]]:
    """Every partner file's path, name in the store, partner id and cache key (`cache.file_key`), in
    name order; a name that is not a partner id, or an entry that is not a regular file, is a problem.

    The key is taken before the file is read, so that it is never newer than the text. One `stat`
    a file, relative to the open directory where the system allows, in list comprehensions: at
    100,000 agreements this is most of what reading an unchanged store costs."""
    from stat import S_ISREG

    from coopctl.storage.cache import file_key
    from coopctl.core.records import SLUG

    try:
        names = sorted([n for n in os.listdir(partners_dir) if n.endswith(".toml") and not n.startswith(".")]) \
            if partners_dir.is_dir() else []
    except OSError as e:
        problems.append(Problem(PARTNERS_DIR, None, None, t("cannot list: {reason}", reason=e.strerror or e)))
        return []
    slug = SLUG.match
    if not all([slug(n[:-5]) for n in names]):
        for bad in [n for n in names if not slug(n[:-5])]:
            problems.append(Problem(f"{PARTNERS_DIR}/{bad}", None, None, t(
                "file name '{name}' is not a partner id (1-64 lowercase letters, digits and '-'); rename the file",
                name=bad)))
        names = [n for n in names if slug(n[:-5])]
    folder = os.fspath(partners_dir) + os.sep
    relative = os.stat in os.supports_dir_fd
    try:
        fd = os.open(folder, os.O_RDONLY) if relative else None
    except OSError:
        fd, relative = None, False
    stat = os.stat
    try:
        try:
            stats = [stat(n, dir_fd=fd) for n in names] if relative else [stat(folder + n) for n in names]
        except OSError:  # gone since the listing, a dangling link, unreadable: file by file
            stats = [_stat_or_none(folder + n) for n in names]
    finally:
        if fd is not None:
            os.close(fd)
    if all([st is not None and S_ISREG(st.st_mode) for st in stats]):
        return list(zip([folder + n for n in names], [f"{PARTNERS_DIR}/{n}" for n in names], [n[:-5] for n in names],
                        [file_key(st) for st in stats]))
    files = []
    for n, st in zip(names, stats):
        if st is None or not S_ISREG(st.st_mode):  # a directory, a named pipe (reading it would wait forever), a device
            if st is not None or os.path.islink(folder + n):
                problems.append(Problem(f"{PARTNERS_DIR}/{n}", None, None,
                                        t("not a regular file; a partner file must be a plain TOML file")))
                continue
            files.append((folder + n, f"{PARTNERS_DIR}/{n}", n[:-5], None))  # _parse says why it cannot be read
            continue
        files.append((folder + n, f"{PARTNERS_DIR}/{n}", n[:-5], file_key(st)))
    return files


def _stat_or_none(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def _load_unchanged(loaded: Loaded, files: list[tuple[str, str, str, tuple | None]], state: bytes, cache) -> Loaded:
    """A lazy load of a store whose partner files are all as the cache's index has them: every partner
    is read from the cache when asked for, and the checks across files are not made again.

    The index is written only after a load that found no problem (`Cache.save`), under a header
    that holds the settings file's text; it lists every file that load kept, and each file's key
    pins its content. So the files now are that store, or that store less files too new to be
    cached then, and a problem-free store stays problem-free when files are taken away (the only
    check across files is that agreement ids are unique)."""
    where = {f[2]: f for f in files}  # partner id -> (path, name, partner id, key)
    loaded.files = _IndexedFiles(where, cache)  # type: ignore[assignment]
    loaded.unchanged_state = state
    loaded.reused = len(files)
    cache.keep_all(f[1] for f in files)

    def homes() -> dict[str, str]:
        index = cache.index()
        return {agreement_id: partner_id for _, name, partner_id, _ in files
                for agreement_id in (index[name][2] if name in index else ())}

    loaded.store = _LazyStore.over(loaded, [f[2] for f in files], {pid: (f[1], f[0], f[3]) for pid, f in where.items()},
                                   homes, cache, loaded.vocabulary)
    cache.save()
    loaded.cache = cache
    return loaded


class _IndexedFiles(MutableMapping):
    """`Loaded.files` of a store found unchanged (`_load_unchanged`): each file's `SourceFile` made
    when first asked for, with the text digest the cache's index holds for it."""

    def __init__(self, where: dict[str, tuple], cache):
        self._where = where  # partner id -> (path, name, partner id, key)
        self._made: dict[str, SourceFile] = {}
        self._cache = cache

    def __getitem__(self, partner_id: str) -> SourceFile:
        source = self._made.get(partner_id)
        if source is None:
            path, name, _, key = self._where[partner_id]
            entry = self._cache.index().get(name)
            digest = entry[1] if entry else None
            if digest is None:  # an index cut short (not as coopctl writes it): the digest its shard keeps
                hit = self._cache.get(name, key)
                digest = hit[1] if hit else None
            # with neither, the text as it is now (its record then comes from the file too: see `fetch`)
            source = SourceFile(path, name, None, key, digest) if digest else SourceFile(path, name, _read_text(Path(path), name))
            self._made[partner_id] = source
        return source

    def __setitem__(self, partner_id: str, source: SourceFile) -> None:
        self._made[partner_id] = source
        self._where.setdefault(partner_id, (source._path, source.name, partner_id, source.key))

    def __delitem__(self, partner_id: str) -> None:
        del self._where[partner_id]
        self._made.pop(partner_id, None)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._where))

    def __len__(self) -> int:
        return len(self._where)

    def __contains__(self, partner_id: object) -> bool:
        return partner_id in self._where


class _LazyPartners(MutableMapping):
    """A store's partners by id, in file order, each read (from the cache) when first asked for."""

    def __init__(self, order: list[str], ready: dict[str, Partner], fetch: Callable[[str], Partner],
                 cached: set[str] | None = None):
        self._order = order
        self._known = set(order)
        self._ready = ready
        self._fetch = fetch
        self._cached = cached or set()  # those read from the cache, which can be read again

    def forget(self, partner_id: str) -> None:
        """Let go of a partner read from the cache (a listing of a large store, done with it); asked for
        again, it is read again. A partner parsed or changed in this run is kept."""
        if partner_id in self._cached:
            self._ready.pop(partner_id, None)

    def __getitem__(self, partner_id: str) -> Partner:
        partner = self._ready.get(partner_id)
        if partner is None:
            if partner_id not in self._known:
                raise KeyError(partner_id)
            partner = self._ready[partner_id] = self._fetch(partner_id)
        return partner

    def __setitem__(self, partner_id: str, partner: Partner) -> None:
        if partner_id not in self._known:
            self._known.add(partner_id)
            self._order.append(partner_id)
        self._ready[partner_id] = partner
        self._cached.discard(partner_id)

    def __delitem__(self, partner_id: str) -> None:
        if partner_id not in self._known:
            raise KeyError(partner_id)
        self._known.discard(partner_id)
        self._order.remove(partner_id)
        self._ready.pop(partner_id, None)

    def __contains__(self, partner_id: object) -> bool:
        return partner_id in self._known

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._order))

    def __len__(self) -> int:
        return len(self._order)

    def read(self) -> list[Partner]:
        """The partners read so far."""
        return list(self._ready.values())

    def __repr__(self) -> str:
        return f"<{len(self._order)} partners, {len(self._ready)} read>"


class _LazyStore(Store):
    """A store whose partners are read when first asked for; finding an agreement by id reads only its partner."""

    _homes: dict[str, str] | Callable[[], dict[str, str]]

    @classmethod
    def over(cls, loaded: Loaded, order: list[str], later: dict, homes: dict[str, str] | Callable[[], dict[str, str]],
             cache, vocabulary) -> "_LazyStore":
        def fetch(partner_id: str) -> Partner:
            name, path, key = later[partner_id]
            hit = cache.get(name, key)
            if hit is not None:
                return hit[0]
            problems: list[Problem] = []  # the index and the shard disagree: read the file itself
            data, source = _parse(Path(path), name, problems)
            partner = codec.read_partner(partner_id, data, _report_into(problems, source), vocabulary) if source else None
            if problems or partner is None:
                raise invalid(problems or [Problem(name, None, None, t("cannot be read"))], loaded.root)
            loaded.files[partner_id] = source
            return partner

        store = cls(loaded.store.settings)
        store.partners = _LazyPartners(order, dict(loaded.store.partners), fetch, set(later))  # type: ignore[assignment]
        store._homes = homes
        return store

    def find_agreement(self, agreement_id: str):
        if callable(self._homes):  # made when first needed
            self._homes = self._homes()
        home = self._homes.get(agreement_id)
        if home is not None and home in self.partners:
            for agreement in self.partners[home].agreements:
                if agreement.id == agreement_id:
                    return agreement
        for partner in self.partners.read():  # type: ignore[attr-defined]
            for agreement in partner.agreements:
                if agreement.id == agreement_id:
                    return agreement
        return None


def load_valid(root: Path, lazy: bool = False, cache_small: bool = False) -> Loaded:
    """Load, and refuse to go on if anything is wrong."""
    loaded = load(root, lazy, cache_small)
    if loaded.problems:
        raise invalid(loaded.problems, root)
    return loaded


def invalid(problems: list[Problem], root: Path) -> StoreInvalid:
    p = problems[0]
    first = str(Problem(str(root / p.file), p.line, p.column, p.message))
    more = len(problems) - 1
    suffix = tn(" (and {n} more problem: run 'coopctl check')", " (and {n} more problems: run 'coopctl check')", more) \
        if more else ""
    return StoreInvalid(first + suffix, problems)


# ---------------------------------------------------------------- writing


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


def atomic_write(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same directory: flush, fsync, rename, fsync the directory."""
    import tempfile  # here: reading a store never needs it (start-up time)

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
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


@contextmanager
def locked(root: Path, on_wait: Callable[[], None] | None = None, timeout: float | None = None,
           on_notice: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the store's exclusive lock. The OS releases it if the process dies, so it never goes stale.

    The lock file itself stays (empty) for good: its existence means nothing, only the
    lock held on it does. Once the lock is held, temporary files left by a writer that
    was killed mid-write are removed, and `on_notice` is told.
    """
    timeout = lock_timeout() if timeout is None else timeout
    try:
        fd = os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise CoopError(t("cannot write to the store: {path}: {reason}; nothing was changed", path=root / LOCK_FILE,
                          reason=e.strerror or e)) from None
    try:
        _acquire(fd, timeout, on_wait)
        removed = remove_stale_temporaries(root)
        if removed and on_notice:
            on_notice(tn("removed {n} unfinished temporary file left by an interrupted coopctl ({files}); "
                         "the store's records were not affected",
                         "removed {n} unfinished temporary files left by an interrupted coopctl ({files}); "
                         "the store's records were not affected",
                         len(removed), files=", ".join(removed[:3]) + (", ..." if len(removed) > 3 else "")))
        yield
    finally:
        os.close(fd)


_TEMPORARY = re.compile(r"^\..+\.toml\.[a-z0-9_]{8}\.tmp$")  # atomic_write's mkstemp names (it writes only .toml)


def remove_stale_temporaries(root: Path) -> list[str]:
    """Remove `.NAME.XXXXXXXX.tmp` files that atomic_write left when its process was killed.

    Call only while holding the lock: every writer holds it from before it creates a
    temporary file until after the rename, so any such file found then belongs to a
    process that died. Returns the names removed, relative to the store.
    """
    removed = []
    for directory in ("", PARTNERS_DIR, TRASH_DIR):
        try:
            entries = list(os.scandir(root / directory))
        except OSError:
            continue
        for entry in entries:
            if _TEMPORARY.match(entry.name) and entry.is_file(follow_symlinks=False):
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


def _git_store(root: Path) -> bool:
    if not (root / ".git").exists():
        return False  # the common case costs one stat, not a git process
    from coopctl.storage import git as gitstore

    return gitstore.is_git_store(root)


class CommentsWouldBeLost(CoopError):
    pass


@dataclass
class Change:
    """What a transaction changed: the files written (or that would be)."""

    files: list[str] = field(default_factory=list)


class Transaction:
    def __init__(self, loaded: Loaded, force: bool):
        self.loaded = loaded
        self.store = loaded.store
        self.vocabulary = loaded.vocabulary
        self.force = force
        self._dirty: dict[str, Partner] = {}
        self._new_files: dict[str, str] = {}

    def touch(self, partner: Partner) -> None:
        """Mark a partner as changed, so its file is rewritten at commit."""
        self.store.partners[partner.id] = partner
        self._dirty[partner.id] = partner

    def touch_settings(self) -> None:
        """Mark the settings (`self.store.settings`) as changed, so the settings file is rewritten at commit."""
        self._settings_dirty = True

    def _planned_settings(self) -> dict[str, str]:
        if not getattr(self, "_settings_dirty", False):
            return {}
        text = codec.dump_settings(self.store.settings)
        try:
            old = SourceFile(self.loaded.root / SETTINGS_FILE, SETTINGS_FILE,
                             (self.loaded.root / SETTINGS_FILE).read_bytes().decode("utf-8-sig"))
        except (OSError, UnicodeDecodeError):
            return {SETTINGS_FILE: text}
        if old.text == text:
            return {}
        lines = old.comment_lines()
        if lines and not self.force:
            raise CommentsWouldBeLost(t("{file}:{line}: this file has comments, which rewriting it would lose; "
                                        "move them elsewhere, or pass --force to rewrite it without them",
                                        file=SETTINGS_FILE, line=lines[0]))
        return {SETTINGS_FILE: text}

    def planned(self) -> dict[str, str]:
        """The text of every file to write, by its name in the store; refuses to drop comments."""
        out: dict[str, str] = self._planned_settings()
        for partner_id, partner in self._dirty.items():
            name = f"{PARTNERS_DIR}/{partner_id}.toml"
            text = codec.dump_partner(partner)
            source = self.loaded.files.get(partner_id)
            if source is not None:
                source.verify()  # a record from the cache: the file must still be the text it was parsed from
                if source.text == text:
                    continue
                lines = source.comment_lines()
                if lines and not self.force:
                    raise CommentsWouldBeLost(t("{file}:{line}: this file has comments, which rewriting it would lose; "
                                                "move them into a 'notes' value, or pass --force to rewrite it without them",
                                                file=name, line=lines[0]))
            out[name] = text
        return out

    def commit(self, message: str | None = None) -> Change:
        """Write every changed file; in a git-backed store, also make one commit of exactly those files.

        `message` says what happened (it becomes the commit message).
        """
        planned = self.planned()
        root = self.loaded.root
        encoded = {name: encode_text(text, root / name) for name, text in planned.items()}  # fail before any write
        for name in planned:
            refuse_reserved_name(name)
        use_git = bool(planned) and _git_store(root)
        if use_git:
            from coopctl.storage import git as gitstore

            gitstore.check_identity(root)
            gitstore.commit_hand_edits(root)
        try:
            (root / PARTNERS_DIR).mkdir(exist_ok=True)
        except OSError as e:
            raise CoopError(t("could not create {path}: {reason}; nothing was changed", path=root / PARTNERS_DIR,
                              reason=e.strerror or e)) from None
        for name, data in encoded.items():
            try:
                atomic_write(root / name, data)
            except OSError as e:
                raise CoopError(t("could not write {path}: {reason}; the file is unchanged", path=root / name,
                                  reason=e.strerror or e)) from None
        if use_git:
            gitstore.commit_change(root, sorted(planned), message or f"coopctl: update {', '.join(sorted(planned))}")
        return Change(sorted(planned))


@contextmanager
def transaction(root: Path, *, force: bool = False, on_wait: Callable[[], None] | None = None,
                on_notice: Callable[[str], None] | None = None) -> Iterator[Transaction]:
    """Lock, load (refusing a store with problems), let the caller change records, and nothing more.

    The caller calls `commit()` (or `planned()` for a dry run) before leaving.
    """
    if not is_store(root):
        load(root)  # raises the "no store" error
    with locked(root, on_wait, on_notice=on_notice):
        loaded = load_valid(root, lazy=True)  # partners other than those changed are read only if needed
        yield Transaction(loaded, force)


@dataclass(frozen=True)
class FileOp:
    """One step of `apply_files`: write `data` to `path`, move `path` to `to`, or remove `path`."""

    action: str  # "write", "move" or "remove"
    path: str  # relative to the store, e.g. "partners/osaka.toml"
    data: bytes | None = None
    to: str | None = None


def apply_files(root: Path, ops: list[FileOp], message: str) -> list[str]:
    """Write exact bytes, move and remove whole files, in order, under the lock the caller holds.

    For changes that are not a rewrite of records (`edit` keeps the user's text as typed,
    `delete` and `restore` move files to and from the trash). Each step is atomic, and callers
    order them so that a record is never in no place at all (copy into the trash before removing
    from the store). In a git-backed store, hand edits are committed first, then one commit holds
    exactly the files these steps touched. Returns those files.
    """
    touched = sorted({p for op in ops for p in (op.path, op.to) if p})
    use_git = bool(ops) and _git_store(root)
    if use_git:
        from coopctl.storage import git as gitstore

        gitstore.check_identity(root)
        gitstore.commit_hand_edits(root)
    for op in ops:
        target = root / op.path
        try:
            if op.action == "write":
                target.parent.mkdir(exist_ok=True)
                atomic_write(target, op.data or b"")
            elif op.action == "move":
                destination = root / op.to
                destination.parent.mkdir(exist_ok=True)
                if destination.exists():
                    raise CoopError(t("cannot move {path} to {destination}: that file already exists; nothing was moved",
                                      path=target, destination=destination))
                os.replace(target, destination)
                _fsync_dir(destination.parent)
                _fsync_dir(target.parent)
            elif op.action == "remove":
                os.unlink(target)
                _fsync_dir(target.parent)
            else:
                raise ValueError(op.action)
        except OSError as e:
            where = root / op.to if op.action == "move" and e.filename and str(e.filename).endswith(str(op.to)) else target
            failed = {"write": t("could not write {path}: {reason}; the file is unchanged", path=where, reason=e.strerror or e),
                      "move": t("could not move {path}: {reason}; nothing was moved", path=where, reason=e.strerror or e),
                      "remove": t("could not remove {path}: {reason}; the file is still there", path=where,
                                  reason=e.strerror or e)}[op.action]
            raise CoopError(failed + (t(" (earlier steps of this change were done: run 'coopctl check')")
                                      if op is not ops[0] else "")) from None
    if use_git:
        gitstore.commit_change(root, touched, message)
    return touched


def init_store(root: Path, owner: str | None, sample: bool) -> list[str]:
    """Create a store; with `sample`, a copy of the bundled example. Returns the files made."""
    try:
        return _init_store(root, owner, sample)
    except OSError as e:
        where = f"{e.filename}: " if e.filename and Path(e.filename) != root else ""
        raise CoopError(t("could not create the store at {root}: {where}{reason}", root=root, where=where,
                          reason=e.strerror or e)) from None
    except UnicodeEncodeError:
        raise CoopError(t("--owner holds bytes that are not valid UTF-8 (check the terminal's encoding)")) from None


def _init_store(root: Path, owner: str | None, sample: bool) -> list[str]:
    if is_store(root):
        raise CoopError(t("{root} already holds a store; pick another --store", root=root))
    if root.exists() and not root.is_dir():
        raise CoopError(t("{root} exists and is not a directory", root=root))
    if root.exists() and any(root.iterdir()):
        raise CoopError(t("{root} is not empty; give an empty or new directory", root=root))
    root.mkdir(parents=True, exist_ok=True)
    made: list[str] = []
    if sample:
        source = example_path()
        (root / PARTNERS_DIR).mkdir(exist_ok=True)
        for file in sorted((source / PARTNERS_DIR).glob("*.toml")):
            import shutil

            shutil.copyfile(file, root / PARTNERS_DIR / file.name)
            made.append(f"{PARTNERS_DIR}/{file.name}")
        settings_text = (source / SETTINGS_FILE).read_text(encoding="utf-8")
        if owner:
            loaded_settings = load(source).store.settings
            loaded_settings.owner = owner
            settings_text = codec.dump_settings(loaded_settings)
        atomic_write(root / SETTINGS_FILE, settings_text.encode("utf-8"))
    else:
        (root / PARTNERS_DIR).mkdir(exist_ok=True)
        settings = Settings(owner=owner or root.resolve().name)
        atomic_write(root / SETTINGS_FILE, codec.dump_settings(settings).encode("utf-8"))
    made.insert(0, SETTINGS_FILE)
    return made

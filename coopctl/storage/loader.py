"""Reading a store: every file to records, every problem with its file, line and column.

`load` never raises for bad content: it collects every problem (a broken
file, a bad value, a rule of `core.checks` broken) so `check` can list them
all; `load_valid` refuses a store with any. Each partner file is read by one
plain function, `read_partner`; the cache (`storage.cache`), when on, wraps
that function and nothing else, so the same code runs with it on, off or
absent.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable

from coopctl.core import checks
from coopctl.core.errors import Problem, StoreInvalid
from coopctl.core.ids import SLUG
from coopctl.core.records import Partner, Settings, Store
from coopctl.core.sectors import Vocabulary
from coopctl.i18n import t, tn
from coopctl.storage.decode import Decoder
from coopctl.storage.journal import recover_before_reading
from coopctl.storage.location import PARTNERS_DIR, SETTINGS_FILE, partner_file, require_store
from coopctl.storage.parse import parse
from coopctl.storage.source import FileEntry, Read, SourceFile, digest, file_key


def read_partner(decoder: Decoder, settings: Settings, entry: FileEntry) -> Read:
    """Parse one partner file, read its records, and run the partner checks on them: the plain reader."""
    problems: list[Problem] = []
    data, text = parse(Path(entry.path), entry.name, problems)
    if text is None:
        return Read(None, None, problems)
    source = SourceFile(entry.path, entry.name, entry.key, digest(text.encode("utf-8", "surrogatepass")), text)
    partner = decoder.partner(entry.partner_id, data, lambda path, message: problems.append(source.problem(path, message)))
    if partner is not None:
        problems += [source.problem(f.path, f.message) for f in checks.check_partner(settings, partner)]
    return Read(partner, source, problems)


class Loaded:
    """The outcome of reading a store: the records, the files and every problem found."""

    def __init__(self, root: Path, store: Store, files: dict[str, SourceFile], problems: list[Problem],
                 vocabulary: Vocabulary, settings_text: str | None):
        self.root = root
        self.store = store
        self.files = files  # partner id -> its file
        self.problems = problems
        self.vocabulary = vocabulary
        self.settings_text = settings_text

    def warnings(self, as_of) -> list[Problem]:
        """What `check` reports without refusing the store (`core.checks.WARNINGS`), at `as_of`, with its place."""
        by_file: dict[str, list[checks.Finding]] = {}
        for finding in checks.warnings(self.store, as_of):
            by_file.setdefault(finding.partner_id, []).append(finding)
        found = []
        for partner_id, findings in by_file.items():
            source = self.files.get(partner_id)
            if source is not None:
                found += [source.problem(f.path, f.message) for f in findings]
                source.forget_text()
        return sorted(found, key=lambda p: (p.file, p.line or 0, p.column or 0))

    def read_file(self, path: Path, name: str, partner_id: str) -> Read:
        """A partner file outside the store's folder (a trashed one, an edited copy) read by the same rules as
        the store's own files, its problems named after `name`."""
        return read_partner(Decoder(self.vocabulary), self.store.settings, FileEntry(str(path), name, partner_id, None))


def load(root: Path, cache: bool = True) -> Loaded:
    """Read the whole store; never raises for bad content, only collects problems. `cache`: let the
    store's cache give the records of files unchanged since they were read (if caching is on)."""
    require_store(root)
    recover_before_reading(root)  # a change a killed coopctl left half-done: finished or rolled back first
    started_ns = time.time_ns()  # before any stat: files changed later than this are never cached
    problems: list[Problem] = []
    owner = root.resolve().name
    data, settings_text = parse(root / SETTINGS_FILE, SETTINGS_FILE, problems, fast=False)
    settings = Settings(owner=owner)
    if settings_text is not None:
        settings_source = SourceFile(root / SETTINGS_FILE, SETTINGS_FILE, text=settings_text)
        report = lambda path, message: problems.append(settings_source.problem(path, message))  # noqa: E731
        settings = Decoder(Vocabulary()).settings(data, report, owner)
    vocabulary = Vocabulary(settings.sectors, settings.sector_aliases)
    decoder = Decoder(vocabulary)

    read: Callable[[FileEntry], Read] = lambda entry: read_partner(decoder, settings, entry)  # noqa: E731
    store_cache = None
    if cache and settings_text is not None and not problems:
        from coopctl.storage import cache as cache_module

        store_cache = cache_module.open_for(root, settings_text, started_ns)
        if store_cache is not None:
            read = store_cache.wrap(read)

    partners: dict[str, Partner] = {}
    files: dict[str, SourceFile] = {}
    for entry in scan_partners(root / PARTNERS_DIR, problems):
        result = read(entry)
        problems += result.problems
        if result.source is not None:
            result.source._text = None  # read again only if needed (see SourceFile)
            files[entry.partner_id] = result.source
        if result.partner is not None:
            partners[entry.partner_id] = result.partner
    store = Store(settings, partners)
    problems += [files[f.partner_id].problem(f.path, f.message) for f in checks.check_store(store)]
    if store_cache is not None and not problems:
        store_cache.save()  # only a store with no problem is cached
    problems.sort(key=lambda p: (p.file, p.line or 0, p.column or 0))
    return Loaded(root, store, files, problems, vocabulary, settings_text)


def scan_partners(partners_dir: Path, problems: list[Problem]) -> list[FileEntry]:
    """Every partner file, in name order, with its stat (`source.file_key`) taken before it is read; a name
    that is not a partner id, or an entry that is not a regular file, is a problem."""
    from stat import S_ISREG

    if not partners_dir.is_dir() and os.path.lexists(partners_dir):  # a file named `partners`: not an empty store
        problems.append(Problem(PARTNERS_DIR, None, None,
                                t("not a directory; the partner files go in a folder named {name}", name=PARTNERS_DIR)))
        return []
    try:
        names = sorted([n for n in os.listdir(partners_dir) if n.endswith(".toml") and not n.startswith(".")]) \
            if partners_dir.is_dir() else []
    except OSError as e:
        problems.append(Problem(PARTNERS_DIR, None, None, t("cannot list: {reason}", reason=e.strerror or e)))
        return []
    folder = os.fspath(partners_dir) + os.sep
    entries = []
    for n in names:
        stem = n[:-5]
        if not SLUG.match(stem):
            problems.append(Problem(partner_file(stem), None, None, t(
                "file name '{name}' is not a partner id (1-64 lowercase letters, digits and '-'); rename the file",
                name=n)))
            continue
        try:
            st = os.stat(folder + n)
        except OSError:
            if os.path.islink(folder + n):
                problems.append(Problem(partner_file(stem), None, None,
                                        t("not a regular file; a partner file must be a plain TOML file")))
            else:
                entries.append(FileEntry(folder + n, partner_file(stem), stem, None))  # its read says why
            continue
        if not S_ISREG(st.st_mode):  # a directory, a named pipe (reading it would wait forever), a device
            problems.append(Problem(partner_file(stem), None, None,
                                    t("not a regular file; a partner file must be a plain TOML file")))
            continue
        entries.append(FileEntry(folder + n, partner_file(stem), stem, file_key(st)))
    return entries


def load_valid(root: Path, cache: bool = True) -> Loaded:
    """Load, and refuse to go on if anything is wrong."""
    loaded = load(root, cache)
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

"""A store file as it was read: where it is, the digest of the text its records came from, and
what reading it gave (`Read`). Shared by the loader and the cache that wraps its reader."""

import os
from operator import attrgetter
from pathlib import Path
from typing import Callable, NamedTuple

from coopctl.core.errors import CoopError, Problem
from coopctl.core.records import Partner
from coopctl.core.text import shorten
from coopctl.i18n import t
from coopctl.storage.files import fingerprint, read_text

# A file's key, from its stat: (mtime_ns, ctime_ns, size, inode, device), taken before it is read: the cache
# trusts a record only while the file's key is the same. An attrgetter: it is taken of every file on every run.
file_key: Callable[[os.stat_result], tuple[int, int, int, int, int]] = attrgetter(
    "st_mtime_ns", "st_ctime_ns", "st_size", "st_ino", "st_dev")


def digest(data: bytes) -> bytes:
    """What a file held when its record was read (16 bytes of BLAKE2b): a rewrite refuses a file that changed
    since."""
    return fingerprint(data, 16)


class SourceFile:
    """One store file: its path, its name in the store (`partners/x.toml`), and the digest of the text
    its record was read from. The text itself is read again when needed (to place a problem, to find
    comments, to compare before a rewrite): a large store's texts take more memory than its records."""

    __slots__ = ("_path", "name", "key", "digest", "_text", "_map")

    def __init__(self, path: Path | str, name: str, key: tuple | None = None, digest: bytes | None = None,
                 text: str | None = None):
        self._path = path  # made a Path only when asked for: a large store has tens of thousands of files
        self.name = name
        self.key = key  # the file's stat when it was read (see `file_key`)
        self.digest = digest
        self._text = text

    @property
    def path(self) -> Path:
        if not isinstance(self._path, Path):
            self._path = Path(self._path)
        return self._path

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = read_text(self.path, self.name)
        return self._text

    def verify(self) -> None:
        """Before a rewrite, under the lock: refuse unless the file still holds exactly the text its
        record was read from."""
        if self.digest is None:
            return
        self._text = None
        if digest(self.text.encode("utf-8", "surrogatepass")) != self.digest:
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

    def problem(self, path: tuple, message: str) -> Problem:
        line, column = self.locate(path)
        return Problem(self.name, line, column, shorten(message))

    def forget_text(self) -> None:
        """Let go of the text and its map of places once the problems of this file are placed (read again if
        needed): placing the warnings of a large store would otherwise hold every file's text at once."""
        self._text = None
        if hasattr(self, "_map"):
            del self._map


class FileEntry(NamedTuple):
    """A partner file found in the store, with its stat taken before it is read."""

    path: str
    name: str  # in the store: partners/x.toml
    partner_id: str
    key: tuple | None  # None: not a regular file that can be stat'ed (its read reports why)


class Read(NamedTuple):
    """What reading one partner file gave."""

    partner: Partner | None
    source: SourceFile | None
    problems: list[Problem]

"""The store's documents: files kept under a name made from their content, `documents/ab/<sha256>.<ext>`.

A file is copied in under the store's lock to a temporary file in `documents/` (hashed as it is copied, so the
hash is the copy's, not the source's, which may change meanwhile), flushed and fsynced; the transaction then
moves it to its name together with the partner file that records it (`Transaction.add_file`), all or nothing,
in a git-backed store in one commit. A copy killed half-way is a `.incoming.XXXXXXXX.tmp` file, removed by the
next writer (`files.remove_stale_temporaries`). The same content is kept once.

`verify` proves the archive: every recorded document is there with its hash; files no record names are orphans.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import stat
from pathlib import Path
from typing import NamedTuple

from coopctl.core.errors import CoopError, UsageError
from coopctl.core.records import Store
from coopctl.core.text import clean
from coopctl.i18n import t
from coopctl.storage.location import DOCUMENTS_DIR

WARN_SIZE = 25 * 1024 * 1024
MAX_SIZE = 200 * 1024 * 1024
CHUNK = 1024 * 1024
_EXTENSION = re.compile(r"^[a-z0-9]{1,8}$")
_STORED = re.compile(r"^(?P<sha>[0-9a-f]{64})(?:\.(?P<ext>[a-z0-9]{1,8}))?$")
# The text layer of a stored PDF, extracted once at attach time (`extract_text`), beside it: what `search` reads.
_TEXT = re.compile(r"^(?P<sha>[0-9a-f]{64})\.pdf\.txt$")
TEXT_LIMIT = 4 * 1024 * 1024  # characters of a text layer kept; enough for any agreement, bounded for a huge file
# What a file's first bytes say it is, whatever its name says.
_MAGIC = ((b"%PDF-", "application/pdf", "pdf"), (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
          (b"\xff\xd8\xff", "image/jpeg", "jpg"))


class Incoming(NamedTuple):
    """A file copied into the store, not yet in place: its temporary name, hash, size and what it is."""

    temporary: str  # relative to the store
    sha256: str
    size: int
    name: str  # the original name, cleaned
    media_type: str | None
    extension: str
    warning: str | None = None  # what the person should know: a "PDF" that is not one

    @property
    def path(self) -> str:
        return stored_path(self.sha256, self.extension)


def stored_path(sha256: str, extension: str) -> str:
    return f"{DOCUMENTS_DIR}/{sha256[:2]}/{sha256}" + (f".{extension}" if extension else "")


def stored_extension(media_type: str | None, name: str) -> str:
    """The extension of the stored name of a document of this media type and original name (as `copy_in` gave it)."""
    for _, known, extension in _MAGIC:
        if media_type == known:
            return extension
    given = name.rpartition(".")[2].lower() if "." in name else ""
    if given == "pdf":  # a "PDF" that is not one is kept without the extension (`_sniff`)
        return ""
    return given if _EXTENSION.match(given) else ""


def text_path(sha256: str) -> str:
    """Where the text layer of the PDF with this SHA-256 is kept (derived data: `check` names it an orphan only
    when no record names its PDF)."""
    return f"{DOCUMENTS_DIR}/{sha256[:2]}/{sha256}.pdf.txt"


def read_text(root: Path, sha256: str) -> str | None:
    """The stored text layer of a PDF, if it has one."""
    try:
        return (root / text_path(sha256)).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def extract_text(path: Path, name: str) -> tuple[str, str | None]:
    """The text layer of the PDF at `path` (called `name`; empty for a scan), and a warning when it cannot be
    read: a file pypdf cannot parse, or whose text raises inside pypdf, is still kept, found by its details."""
    import logging
    import warnings

    logger = logging.getLogger("pypdf")
    level, logger.level = logger.level, logging.CRITICAL + 1  # pypdf logs what it repairs; not the user's concern
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pypdf  # imported here: only `attach` (and `restore` of a document) reads PDFs

            reader = pypdf.PdfReader(str(path), strict=False)
            parts, size = [], 0
            for page in reader.pages:
                text = page.extract_text() or ""
                parts.append(text)
                size += len(text)
                if size >= TEXT_LIMIT:
                    break
        return clean("\n".join(parts), single_line=False)[:TEXT_LIMIT].strip(), None
    except Exception as e:  # noqa: BLE001 - any failure inside the PDF library is one warning, never a traceback
        reason = clean(str(e)).splitlines()[0][:120] if str(e).strip() else type(e).__name__
        if type(e).__name__ == "FileNotDecryptedError":  # pypdf's "File has not been decrypted"
            reason = t("it is protected by a password")
        return "", t("{file}: its text layer could not be read ({reason}); it is kept, and found by its details "
                     "only", file=name, reason=reason)
    finally:
        logger.level = level


def clean_name(source: Path) -> str:
    """The file's own name, without directories, control characters or direction marks."""
    name = clean(os.path.basename(str(source))).strip().replace("/", "_").replace("\\", "_")
    name = name.lstrip(".") or "document"
    return name[:200]


def check_source(source: Path, force: bool) -> tuple[int, list[str]]:
    """The file's size, and warnings; refuses what cannot be kept (a directory, an empty or unreadable file)."""
    try:
        info = source.stat()
    except FileNotFoundError:
        raise UsageError(t("{file}: no such file", file=clean(str(source)))) from None
    except OSError as e:
        raise UsageError(t("{file}: cannot be read: {reason}", file=clean(str(source)), reason=e.strerror or e)) from None
    if stat.S_ISDIR(info.st_mode):
        raise UsageError(t("{file} is a directory; attach a file", file=clean(str(source))))
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(t("{file} is not a regular file", file=clean(str(source))))
    if info.st_size == 0:
        raise UsageError(t("{file} is empty; nothing to keep", file=clean(str(source))))
    if not os.access(source, os.R_OK):
        raise UsageError(t("{file}: cannot be read: {reason}", file=clean(str(source)), reason=t("permission denied")))
    warnings = []
    if info.st_size > MAX_SIZE and not force:
        raise UsageError(t("{file} is {size} MB, above the limit of {limit} MB; pass --force to keep it anyway",
                           file=clean(str(source)), size=info.st_size // 2**20, limit=MAX_SIZE // 2**20))
    if info.st_size > WARN_SIZE:
        warnings.append(t("{file} is large ({size} MB); a store is easier to share without such files",
                          file=clean(str(source)), size=info.st_size // 2**20))
    return info.st_size, warnings


def _sniff(head: bytes, name: str) -> tuple[str | None, str, str | None]:
    """(media type, extension of the stored name, a warning): by the file's first bytes, else by its name; a
    file named as a PDF that is not one is kept as plain bytes (no media type, no extension), with a warning."""
    for magic, media_type, extension in _MAGIC:
        if head.startswith(magic):
            return media_type, extension, None
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension == "pdf":
        return None, "", t("{file} is named as a PDF but is not one (it does not start with %PDF-); it is kept as it "
                           "is, not as a PDF", file=name)
    if not _EXTENSION.match(extension):
        extension = ""
    import mimetypes

    return (mimetypes.guess_type(f"x.{extension}")[0] if extension else None), extension, None


def copy_in(root: Path, source: Path) -> Incoming:
    """Copy `source` into the store's documents folder under a temporary name, hashing the bytes written;
    flushed and fsynced. Under the lock. The caller moves it into place (or `discard`s it)."""
    name = clean_name(source)
    before = _stat(source)
    folder = root / DOCUMENTS_DIR
    folder.mkdir(exist_ok=True)
    temporary = f"{DOCUMENTS_DIR}/.incoming.{secrets.token_hex(4)}.tmp"
    digest, size, head = hashlib.sha256(), 0, b""
    try:
        with open(source, "rb") as reader, open(root / temporary, "xb") as writer:
            while chunk := reader.read(CHUNK):
                if not head:
                    head = chunk[:16]
                writer.write(chunk)
                digest.update(chunk)
                size += len(chunk)
            writer.flush()
            os.fsync(writer.fileno())
        after = _stat(source)
        if size == 0:
            raise UsageError(t("{file} is empty; nothing to keep", file=clean(str(source))))
        if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns) or size != after.st_size:
            raise CoopError(t("{file} changed while it was copied; nothing was kept, try again when it is complete",
                              file=clean(str(source))))
        media_type, extension, warning = _sniff(head, name)
    except OSError as e:  # the disk filled, the source vanished half-way, ...: nothing is kept
        discard(root, temporary)
        raise CoopError(t("could not copy {file} into the store: {reason}; nothing was kept", file=clean(str(source)),
                          reason=e.strerror or e)) from None
    except BaseException:
        discard(root, temporary)
        raise
    return Incoming(temporary, digest.hexdigest(), size, name, media_type, extension, warning)


def _stat(source: Path) -> os.stat_result:
    try:
        return source.stat()
    except OSError as e:
        raise CoopError(t("{file}: could not be read: {reason}; nothing was kept", file=clean(str(source)),
                          reason=e.strerror or e)) from None


def discard(root: Path, temporary: str) -> None:
    try:
        os.unlink(root / temporary)
    except FileNotFoundError:
        pass


def discard_unfinished(root: Path, temporaries: list[str]) -> None:
    """After a change that failed: remove its temporary copies, unless a journal still needs them (the next
    coopctl finishes that change, then removes what is left)."""
    from coopctl.storage.journal import JOURNAL

    if (root / JOURNAL).exists():
        return
    for temporary in temporaries:
        discard(root, temporary)


def kept(root: Path, sha256: str) -> str | None:
    """The stored file with this content, if the store holds it already (whatever its extension)."""
    folder = root / DOCUMENTS_DIR / sha256[:2]
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return None
    for name in names:
        m = _STORED.match(name)
        if m and m.group("sha") == sha256:
            return f"{DOCUMENTS_DIR}/{sha256[:2]}/{name}"
    return None


def hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class ArchiveProblem(NamedTuple):
    partner_id: str
    path: tuple  # of the record in the partner's data
    file: str  # the stored file, relative to the store
    message: str


def stored_files(root: Path) -> dict[str, str]:
    """Every file under documents/ab/, by its path in the store: its sha256 (from its name), or '' when its name is
    not a document's."""
    found: dict[str, str] = {}
    folder = root / DOCUMENTS_DIR
    if not folder.is_dir():
        return found
    for sub in sorted(folder.iterdir()):
        if not sub.is_dir():
            continue
        for entry in sorted(sub.iterdir()):
            if _TEXT.match(entry.name) and entry.is_file():
                continue  # a text layer: see `verify`
            m = _STORED.match(entry.name)
            found[f"{DOCUMENTS_DIR}/{sub.name}/{entry.name}"] = m.group("sha") if m and entry.is_file() else ""
    return found


def verify(root: Path, store: Store, trashed: frozenset[str] = frozenset()) -> tuple[list[ArchiveProblem], list[str]]:
    """(every recorded document missing or not matching its SHA-256, the stored files no record names). The files
    whose SHA-256 is in `trashed` are named by a deleted agreement or partner that `restore` can bring back: they
    are kept for it, not orphans."""
    stored = stored_files(root)
    by_sha: dict[str, str] = {sha: path for path, sha in stored.items() if sha}
    problems: list[ArchiveProblem] = []
    named: set[str] = set()
    for partner in store.partners.values():
        for i, agreement in enumerate(partner.agreements):
            for j, document in enumerate(agreement.documents):
                where = ("agreements", i, "documents", j, "sha256")
                path = by_sha.get(document.sha256)
                if path is None:
                    missing = stored_path(document.sha256, stored_extension(document.media_type, document.name))
                    problems.append(ArchiveProblem(partner.id, where, missing,
                                                   t("document {name} ({sha}) is missing from {folder}",
                                                     name=document.name, sha=document.sha256[:12],
                                                     folder=DOCUMENTS_DIR)))
                    continue
                if path in named:
                    continue
                named.add(path)
                try:
                    actual = hash_file(root / path)
                except OSError as e:
                    problems.append(ArchiveProblem(partner.id, where, path, t("cannot be read: {reason}",
                                                                              reason=e.strerror or e)))
                    continue
                if actual != document.sha256:
                    problems.append(ArchiveProblem(partner.id, where, path, t(
                        "the stored file has changed: its SHA-256 is {actual}, the record says {expected}",
                        actual=actual[:12], expected=document.sha256[:12])))
    orphans = [path for path in stored if path not in named and path not in
               {p.file for p in problems} and stored[path] not in trashed]
    recorded = {d.sha256 for a in store.agreements() for d in a.documents} | trashed
    orphans += [path for path in text_layers(root) if _TEXT.match(path.rpartition("/")[2]).group("sha")
                not in recorded]
    return problems, orphans


def unfinished(root: Path) -> list[str]:
    """The copies a killed `attach` left in `documents/` (`.incoming.XXXXXXXX.tmp`): the next change removes them."""
    folder = root / DOCUMENTS_DIR
    if not folder.is_dir():
        return []
    return sorted(f"{DOCUMENTS_DIR}/{entry.name}" for entry in folder.iterdir()
                  if entry.name.startswith(".incoming.") and entry.name.endswith(".tmp") and entry.is_file())


def text_layers(root: Path) -> list[str]:
    """Every stored text layer, by its path in the store."""
    folder = root / DOCUMENTS_DIR
    if not folder.is_dir():
        return []
    return sorted(f"{DOCUMENTS_DIR}/{sub.name}/{entry.name}" for sub in folder.iterdir() if sub.is_dir()
                  for entry in sub.iterdir() if _TEXT.match(entry.name) and entry.is_file())

"""`coopctl edit ID`: change a partner's file in an editor, safely, as visudo does.

The editor works on a copy in a private directory under the user's cache
directory (`~/.cache/coopctl/edit/`, 0700), never on the store, removed when the
edit ends; a copy that a killed or given-up edit left is removed by the next
edit once it is a day old. On
save the copy is checked with the store's own loader; problems are written at
the top of the copy as `# coopctl:` comment lines (removed again before the
next check) and the editor reopens. It ends when:

- the copy is valid: it is written to the store exactly as typed (comments
  and layout kept; this is the one place where comments are the user's
  choice), unless it is unchanged, in which case nothing is written;
- the user gives up: the editor exits with a non-zero status (`:cq` in vi),
  or the copy is saved again unchanged after problems were shown. The store
  is untouched and the copy is kept, its path in the message;
- the store's file changed on disk while the editor was open (another
  coopctl, a sync, a person): nothing is overwritten, the copy is kept.

After a save that is not valid, a person at a terminal is asked whether to edit
again or give up; with no terminal (a script as EDITOR, cron) the edit is given up
at once, the copy kept: an editor that keeps saving a broken file never loops.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from coopctl.core.errors import CoopError, Problem
from coopctl.core.ids import is_slug, require_record
from coopctl.core.records import Store
from coopctl.i18n import t, tn
from coopctl.storage.journal import locked
from coopctl.storage.loader import Loaded, load
from coopctl.storage.location import PARTNERS_DIR, partner_file
from coopctl.storage.transaction import FileOp, apply_files

MARK = b"# coopctl: "
SCRATCH_PREFIX = "coopctl-edit-"
SCRATCH_DAYS = 1  # a copy left (a killed edit, a given-up one) is removed by the next edit once older than this


def scratch_parent() -> Path | None:
    """Where the copies being edited live: a private directory (0700) under the user's cache directory, not
    the shared system temp folder (they hold partner data). Copies older than a day, left by an edit that was
    killed or given up, are removed first. None: the system's temp folder (no cache directory here)."""
    from coopctl.storage import cache

    base = cache.base_dir()
    if base is None:
        return None
    parent = base / "edit"
    try:
        cache._private_dir(parent)
    except OSError:
        return None
    if not cache._trusted(parent):
        return None
    remove_old_copies(parent)
    return parent


def remove_old_copies(parent: Path, now: float | None = None) -> list[str]:
    """Remove the edit directories in `parent` untouched for over `SCRATCH_DAYS` days; their names."""
    import time

    now = time.time() if now is None else now
    removed = []
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(SCRATCH_PREFIX) or not entry.is_dir(follow_symlinks=False):
            continue
        try:
            newest = max([entry.stat(follow_symlinks=False).st_mtime] +
                         [f.stat(follow_symlinks=False).st_mtime for f in os.scandir(entry.path)])
        except OSError:
            continue
        if now - newest > SCRATCH_DAYS * 86400:
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(entry.name)
    return removed
BOM = b"\xef\xbb\xbf"


def editor_command() -> list[str]:
    """$VISUAL, else $EDITOR (both may hold arguments, e.g. "code --wait"), else vi (notepad on Windows)."""
    for variable in ("VISUAL", "EDITOR"):
        value = os.environ.get(variable, "").strip()
        if value:
            try:
                parts = shlex.split(value, posix=os.name != "nt")
            except ValueError:
                raise CoopError(t("${variable} is not a command line coopctl can read: {value}", variable=variable,
                                  value=value)) from None
            if parts:
                return parts
    if not sys.stdin.isatty():  # vi (notepad) needs a person at a terminal; a $VISUAL or $EDITOR may be a script
        raise CoopError(t("no terminal to run the editor in, and no $VISUAL or $EDITOR set; run coopctl edit at a "
                          "terminal, or set one of them; nothing was changed"))
    return ["notepad"] if os.name == "nt" else ["vi"]


def run_editor(path: Path) -> int:
    command = editor_command()
    try:
        return subprocess.run([*command, str(path)]).returncode
    except FileNotFoundError:
        raise CoopError(t("cannot start the editor '{editor}': no such command; "
                          "set VISUAL or EDITOR to your editor, e.g. EDITOR=nano", editor=command[0])) from None
    except OSError as e:
        raise CoopError(t("cannot start the editor '{editor}': {reason}", editor=command[0], reason=e.strerror or e)) from None


def target(root: Path, loaded: Loaded, record_id: str) -> str:
    """The partner id whose file holds `record_id`: an agreement's partner, a partner by id or
    name, or a partner file that does not load at all (editing is how it gets fixed)."""
    if is_slug(record_id) and record_id not in loaded.store.partners and loaded.store.find_agreement(record_id) is None \
            and (root / PARTNERS_DIR / f"{record_id}.toml").is_file():
        return record_id
    return require_record(loaded.store, record_id)[0].id


def validate(loaded: Loaded, partner_id: str, body: bytes, scratch: Path) -> list[Problem]:
    """The problems the store's loader would report for `body` as partners/<partner_id>.toml."""
    from coopctl.core import checks

    name = partner_file(partner_id)
    scratch.write_bytes(body)
    read = loaded.read_file(scratch, name, partner_id)
    problems = list(read.problems)
    if read.partner is not None:
        others = {k: v for k, v in loaded.store.partners.items() if k != partner_id}
        store = Store(loaded.store.settings, {**others, partner_id: read.partner})  # the edited file comes last
        problems += [read.source.problem(f.path, f.message) for f in checks.check_store(store)
                     if f.partner_id == partner_id]
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


def strip_header(raw: bytes) -> bytes:
    """The copy without the `# coopctl:` lines this flow put at its top."""
    bom = raw.startswith(BOM)
    rest = raw[3:] if bom else raw
    while rest.startswith(MARK.rstrip()):
        end = rest.find(b"\n")
        rest = b"" if end == -1 else rest[end + 1:]
    return (BOM if bom else b"") + rest


def header_lines(count: int) -> int:
    """How many lines the header for `count` problems takes (so line numbers match the copy)."""
    return count + 3


def with_header(body: bytes, name: str, problems: list[Problem]) -> bytes:
    """`body` with its problems listed on top, line numbers as the editor will show them."""
    from coopctl.core.text import clean, shorten

    newline = b"\r\n" if b"\r\n" in body else b"\n"
    count = len(problems)
    lines = [tn("{name} has {n} problem; fix and save to check again,", "{name} has {n} problems; fix and save to check again,",
                count, name=name),
             t("or save it unchanged (or quit the editor with an error) to give up, leaving the store as it was.")]
    offset = header_lines(count)
    for p in problems:
        where = ((t("line {line}, column {column}: ", line=p.line + offset, column=p.column) if p.column
                  else t("line {line}: ", line=p.line + offset)) if p.line else "")
        lines.append(shorten(clean(where + p.message)))
    lines.append(t("(the lines starting with '# coopctl:' are removed when you save)"))
    header = newline.join(MARK + line.encode("utf-8", "replace") for line in lines) + newline
    if body.startswith(BOM):
        return BOM + header + body[3:]
    return header + body


@dataclass
class EditResult:
    message: str
    written: bool
    diff: list[str]


def edit(root: Path, record_id: str, *, dry_run: bool = False,
         editor: Callable[[Path], int] = run_editor,
         say: Callable[[str], None] = lambda message: None,
         on_wait: Callable[[], None] | None = None,
         on_notice: Callable[[str], None] | None = None,
         again: Callable[[], bool] | None = None) -> EditResult:
    """Edit `record_id`'s partner file (see the module's text). After a save that is not valid, `again()` (a
    person at a terminal) says whether to reopen the editor; without it (no one to ask: a script, cron) the
    edit is given up at once, the copy kept, so that an editor that keeps saving a broken file cannot loop."""
    loaded = load(root)  # problems elsewhere in the store do not stop an edit; they may be what it fixes
    partner_id = target(root, loaded, record_id)
    name = f"{PARTNERS_DIR}/{partner_id}.toml"
    path = root / name
    try:
        original = path.read_bytes()
    except OSError as e:
        raise CoopError(t("cannot read {path}: {reason}", path=path, reason=e.strerror or e)) from None

    parent = scratch_parent()
    try:
        workdir = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX, dir=parent))
    except OSError as e:
        raise CoopError(t("cannot make a temporary copy to edit in {path}: {reason}; the store is unchanged",
                          path=parent or tempfile.gettempdir(), reason=e.strerror or e)) from None
    copy = workdir / f"{partner_id}.toml"
    scratch = workdir / ".check.toml"
    keep = t("your edited copy is kept at {path}", path=copy)

    def done(result: EditResult) -> EditResult:
        shutil.rmtree(workdir, ignore_errors=True)
        return result

    def give_up(reason: str) -> CoopError:
        try:
            edited = strip_header(copy.read_bytes()) != original
        except OSError:
            edited = False
        if not edited:
            shutil.rmtree(workdir, ignore_errors=True)
        if edited:
            return CoopError(t("{reason}: the edit is given up and the store is unchanged; {kept}", reason=reason, kept=keep))
        return CoopError(t("{reason}: the edit is given up and the store is unchanged", reason=reason))

    problems = validate(loaded, partner_id, original, scratch)
    broken_before = bool(problems)
    shown = original  # the body the user was last shown, to tell "saved unchanged" (giving up)
    copy.write_bytes(with_header(original, name, problems) if problems else original)
    while True:
        try:
            status = editor(copy)
        except CoopError:
            shutil.rmtree(workdir, ignore_errors=True)
            raise
        if status != 0:
            raise give_up(t("the editor exited with status {status}", status=status))
        try:
            body = strip_header(copy.read_bytes())
        except OSError as e:
            raise CoopError(t("cannot read the edited copy {path}: {reason}; the store is unchanged", path=copy,
                              reason=e.strerror or e)) from None
        if body == original:
            still = t(" (it still has problems: see 'coopctl check')") if broken_before else ""
            return done(EditResult(t("Nothing written: {name} is unchanged{still}", name=name, still=still), False, []))
        if problems and body == shown:
            raise give_up(tn("{name} was saved again with the same {n} problem",
                             "{name} was saved again with the same {n} problems", len(problems), name=name))
        problems = validate(loaded, partner_id, body, scratch)
        if not problems:
            try:
                with locked(root, on_wait, on_notice=on_notice):
                    try:
                        current = path.read_bytes()
                    except FileNotFoundError:
                        current = None
                    if current != original:
                        if current is None:
                            raise CoopError(t("{path} was deleted while you were editing it, so it was not overwritten; "
                                              "{kept}: compare the two, then run 'coopctl edit {id}' again",
                                              path=path, kept=keep, id=partner_id))
                        raise CoopError(t("{path} was changed by someone else while you were editing it, so it was not "
                                          "overwritten; {kept}: compare the two, then run 'coopctl edit {id}' again",
                                          path=path, kept=keep, id=partner_id))
                    loaded = load(root)  # ids in other files may have changed meanwhile
                    problems = validate(loaded, partner_id, body, scratch)
                    if not problems:
                        diff = _diff(original, body, name)
                        comments = t(" (it has comments: commands that rewrite it will ask for --force)") \
                            if b"#" in body and _has_comments(body) else ""
                        message = t("edit {name}{comments}", name=name, comments=comments)
                        if not dry_run:
                            apply_files(root, [FileOp("write", name, body)],  # the commit says what "Saved:" says
                                        t("edit {name}{comments}", name=name, comments=""))
                        return done(EditResult(message, not dry_run, diff))
            except CoopError as e:  # a busy store, a full disk: the edit itself must not be lost
                if keep in str(e):
                    raise
                raise CoopError(f"{e}; {keep}") from None  # both already in the reader's language
        offset = header_lines(len(problems))
        for p in problems:  # as the copy shows them, for a terminal editor that hides the header
            say(f"{copy}:{p.line + offset}:{p.column}: {p.message}" if p.line and p.column
                else f"{copy}:{p.line + offset}: {p.message}" if p.line else f"{copy}: {p.message}")
        shown = body
        copy.write_bytes(with_header(body, name, problems))
        if again is None:
            raise give_up(tn("{name} has {n} problem and there is no terminal to edit it again",
                             "{name} has {n} problems and there is no terminal to edit it again", len(problems),
                             name=name))
        if not again():
            raise give_up(tn("{name} has {n} problem", "{name} has {n} problems", len(problems), name=name))


def _has_comments(body: bytes) -> bool:
    from coopctl.storage.toml_scan import scan

    return bool(scan(body.decode("utf-8-sig", "replace")).comments)


def _diff(old: bytes, new: bytes, name: str) -> list[str]:
    import difflib

    return list(difflib.unified_diff(old.decode("utf-8", "replace").splitlines(),
                                     new.decode("utf-8", "replace").splitlines(),
                                     f"a/{name}", f"b/{name}", lineterm=""))

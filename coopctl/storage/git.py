"""A store that is a git work tree: one commit per change, sync, history.

git is the distributed engine, as `pass` uses it: coopctl runs the git
command line (no library) and only on a store that is the top of its own work
tree, never on a repository that merely contains it. Every change coopctl
makes becomes exactly one commit of exactly the files it wrote; edits made by
hand are committed first, on their own, with a message saying so.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from coopctl.core.errors import CoopError
from coopctl.i18n import t, tn

# files coopctl keeps beside the records; never part of a commit
OWN_FILES = (".coopctl.lock", ".coopctl-cache/", ".coopctl/")
GITIGNORE = "".join(f"/{name}\n" for name in OWN_FILES)


class GitError(CoopError):
    pass


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["GIT_TERMINAL_PROMPT"] = "0"  # never wait for a password at a prompt
    env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
    env["LC_ALL"] = "C"  # messages we read back are in English
    env["GIT_OPTIONAL_LOCKS"] = "0"  # `git status` never takes the index's lock to refresh it
    return env


def git(root: Path, *args: str, check: bool = True, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    if shutil.which("git") is None:
        raise GitError(t("git is not installed; install it to use a git-backed store"))
    result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, env=_env() | (env or {}))
    if check and result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise GitError(t("git {command} failed in {root}: {detail}", command=args[0], root=root,
                         detail=detail[-1] if detail else t("exit {code}", code=result.returncode)))
    return result


def is_git_store(root: Path) -> bool:
    """True when `root` is the top of a git work tree (not merely inside one)."""
    if not (root / ".git").exists() or shutil.which("git") is None:
        return False
    top = git(root, "rev-parse", "--show-toplevel", check=False)
    return top.returncode == 0 and Path(top.stdout.strip()).resolve() == root.resolve()


# what coopctl writes beside a file on its way to it: atomic_write's temporary files, a transaction's
# staged and kept copies (storage.files, storage.journal); never records, never committed
_WORK_FILE = re.compile(r"^\..+\.(?:[a-z0-9_]{8}\.tmp|[0-9a-f]{8}\.(?:staged|old))$")


def _is_own(path: str) -> bool:
    return any(path == name.rstrip("/") or path.startswith(name) for name in OWN_FILES) or \
        bool(_WORK_FILE.match(path.rsplit("/", 1)[-1]))


def dirty_files(root: Path) -> list[str]:
    """Files changed, added or removed in the work tree and not yet committed (coopctl's own excluded)."""
    out = git(root, "status", "--porcelain", "-z", "--untracked-files=all").stdout
    paths = []
    entries = out.split("\0")
    i = 0
    while i < len(entries):
        entry = entries[i]
        i += 1
        if not entry:
            continue
        status, path = entry[:2], entry[3:]
        found = [path]
        if status[0] in "RC":  # a rename (a move staged by a git killed half-way): the next entry is the old path
            found.append(entries[i])
            i += 1
        paths += [p for p in found if p and not _is_own(p)]
    return sorted(set(paths))


def check_identity(root: Path) -> None:
    """Refuse before anything is written when git does not know who commits. `root` need not exist yet (a store
    `init --git` is about to make): git is asked where it would be asked there, in the nearest folder that exists."""
    where = root
    while not where.is_dir() and where.parent != where:
        where = where.parent
    if git(where, "var", "GIT_AUTHOR_IDENT", check=False).returncode != 0:
        raise GitError(t("git does not know who you are, so coopctl cannot commit; set it with "
                         "git config --global user.name 'Your Name' && git config --global user.email you@example.org"))


def commit_hand_edits(root: Path) -> str | None:
    """Commit whatever was changed by hand, on its own, before coopctl changes anything."""
    paths = dirty_files(root)
    if not paths:
        return None
    shown = ", ".join(paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")
    message = f"Edits made outside coopctl: {shown}"
    with running(root):
        _stage(root, paths)
        git(root, "commit", "-q", "-m", message, "--", *paths)
    return message


def commit_change(root: Path, paths: list[str], message: str) -> bool:
    """One commit holding exactly those of `paths` that differ from the last commit. False when none does
    (a commit made already, by a coopctl killed before it could say so)."""
    changed = sorted(set(paths) & set(dirty_files(root)))
    if not changed:
        return False
    from coopctl.core.text import clean

    with running(root):
        _stage(root, changed)
        git(root, "commit", "-q", "-m", clean(message), "--", *changed)  # a NUL cannot even reach git
    return True


def _stage(root: Path, paths: list[str]) -> None:
    """Put the files as they are into the index: those that exist added, those that are gone removed (even
    when a git killed half-way had removed them from the index already)."""
    there = [p for p in paths if os.path.lexists(root / p)]
    gone = [p for p in paths if p not in there]
    if there:
        git(root, "add", "-A", "--", *there)
    if gone:
        git(root, "rm", "-q", "--cached", "--ignore-unmatch", "--", *gone)


# ---------------------------------------------------------------- can git commit?

MARKER = ".coopctl/git.pid"  # which coopctl runs git in this store now (see `running`)
LOCK_WAIT = 1.0  # seconds to let a running git (an editor's refresh) finish and drop its lock
IN_PROGRESS = (("rebase-merge", "rebase"), ("rebase-apply", "rebase"), ("MERGE_HEAD", "merge"),
               ("CHERRY_PICK_HEAD", "cherry-pick"), ("REVERT_HEAD", "revert"))


@contextmanager
def running(root: Path) -> Iterator[None]:
    """While git writes to the repository for coopctl: a marker naming this process, so that a lock git leaves
    when this process is killed meanwhile is known, by the next coopctl, for what it is."""
    marker = root / MARKER
    if _RUNNING:  # already inside (sync commits hand edits, then pulls)
        yield
        return
    try:
        marker.parent.mkdir(exist_ok=True)
        marker.write_text(str(os.getpid()), encoding="ascii")
    except OSError:
        pass  # without the marker, a lock left behind is only reported, never removed
    _RUNNING.append(root)
    try:
        yield
    finally:
        _RUNNING.pop()
        try:
            marker.unlink()
        except OSError:
            pass


_RUNNING: list[Path] = []


def git_dirs(root: Path) -> tuple[Path, Path]:
    """The repository's git directory and its common directory (they differ in a linked work tree)."""
    dot = root / ".git"
    gitdir = dot
    if dot.is_file():
        text = dot.read_text(encoding="utf-8", errors="replace").strip()
        if text.startswith("gitdir:"):
            gitdir = (root / text[len("gitdir:"):].strip()).resolve()
    common = gitdir
    try:
        common = (gitdir / (gitdir / "commondir").read_text(encoding="utf-8").strip()).resolve()
    except OSError:
        pass
    return gitdir, common


def ready_to_commit(root: Path, notice: Callable[[str], None]) -> None:
    """Refuse, before anything is written, when git could not commit: no identity, a rebase or merge in
    progress, or a lock file in the way. A lock that a coopctl killed while git ran left behind is removed
    (once no git runs in the store), and `notice` is told; any other says which file, and how to tell if it is
    stale."""
    check_identity(root)
    gitdir, common = git_dirs(root)
    for name, what in IN_PROGRESS:
        if (gitdir / name).exists():
            if what == "merge":
                raise GitError(t("git is in the middle of a merge in {root}, so coopctl cannot commit; finish it "
                                 "(git -C {root} commit) or abandon it (git -C {root} merge --abort), then run this "
                                 "again; nothing was written", root=root))
            raise GitError(t("git is in the middle of a {what} in {root} ({path} exists), so coopctl cannot commit; "
                             "finish it (git -C {root} {what} --continue) or abandon it (git -C {root} {what} --abort), "
                             "then run this again; nothing was written", what=what, root=root, path=gitdir / name))
    locks = [gitdir / "index.lock", gitdir / "HEAD.lock"]
    try:
        head = (gitdir / "HEAD").read_text(encoding="utf-8").strip()
    except OSError:
        head = ""
    if head.startswith("ref: refs/"):
        locks.append(common / (head[len("ref: "):] + ".lock"))
    ours = _marker_pid(root)
    for lock in locks:
        _clear(root, lock, ours, notice)
    if ours is not None and not _alive(ours):
        try:
            (root / MARKER).unlink()  # what it marked is dealt with
        except OSError:
            pass


def _clear(root: Path, lock: Path, ours: int | None, notice: Callable[[str], None]) -> None:
    """Wait a moment for `lock` to go; remove it if the coopctl that ran git there (`ours`) was killed and no
    git runs in the store now; else refuse, saying how to tell whether it is stale."""
    if not lock.exists():
        return
    deadline = time.monotonic() + LOCK_WAIT
    while True:
        killed = ours is not None and not _alive(ours) and git_running_in(root) is False
        if killed or not lock.exists() or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    if not lock.exists():
        return
    if killed:
        try:
            lock.unlink()
        except FileNotFoundError:
            pass
        except OSError as e:
            raise GitError(t("cannot remove {path}: {reason}; nothing was written", path=lock,
                             reason=e.strerror or e)) from None
        notice(t("removed {path}, which a coopctl interrupted while git was committing left behind (no git was "
                 "running in the store)", path=lock))
        return
    raise GitError(t("git cannot commit in {root}: {path} exists. Either a git is running there now (an editor, "
                     "or another program): wait for it and run this again; or one was interrupted and left it: if "
                     "no git process is running (ps -ef | grep git shows none), remove it with: rm \"{path}\". "
                     "Nothing was written", root=root, path=lock))


def _marker_pid(root: Path) -> int | None:
    try:
        return int((root / MARKER).read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process
    return True


def git_running_in(root: Path) -> bool | None:
    """Whether a git process works in `root` now (its current directory is the store, as `git -C` makes it);
    None where the system does not tell (no /proc)."""
    proc = Path("/proc")
    if not (proc / "self" / "cwd").exists():
        return None
    where = os.path.realpath(root)
    for entry in os.scandir(proc):
        if not entry.name.isdigit():
            continue
        try:
            if not (proc / entry.name / "comm").read_text().startswith("git"):
                continue
            if os.path.realpath(proc / entry.name / "cwd") == where:
                return True
        except OSError:
            continue
    return False


def init_repo(root: Path, message: str) -> None:
    """Make the store at `root` a git repository whose first commit holds what is there (a new store, or one
    kept until now without git); coopctl's own files are ignored and its merge of partner files registered."""
    ignore = root / ".gitignore"
    kept = ignore.read_text(encoding="utf-8", errors="replace") if ignore.is_file() else ""
    missing = [line for line in GITIGNORE.splitlines() if line not in kept.splitlines()]
    if missing:
        ignore.write_text(kept + ("\n" if kept and not kept.endswith("\n") else "") + "".join(f"{m}\n" for m in missing),
                          encoding="utf-8")
    git(root, "init", "-q")
    check_identity(root)
    register_merge(root)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


# ---------------------------------------------------------------- merging partner files record by record

MERGE_DRIVER = "coopctl"
ATTRIBUTES = "/partners/*.toml merge=coopctl"


def register_merge(root: Path) -> None:
    """Let git merge partner files with coopctl (storage.merge) rather than line by line. The driver is named
    in the repository's own config and the attribute in its info/attributes, not in a committed
    .gitattributes: both are read whatever the branch being merged holds, a clone made before still works,
    and nothing in the store's files changes. Re-registered on every sync: the path of the Python that runs
    coopctl is in it."""
    import shlex
    import sys

    command = f"{shlex.quote(sys.executable)} -m coopctl merge-driver %O %A %B %P"
    if git(root, "config", "--get", f"merge.{MERGE_DRIVER}.driver", check=False).stdout.strip() != command:
        git(root, "config", f"merge.{MERGE_DRIVER}.name", "coopctl: partner files merged record by record")
        git(root, "config", f"merge.{MERGE_DRIVER}.driver", command)
    path = Path(git(root, "rev-parse", "--git-path", "info/attributes").stdout.strip())
    path = path if path.is_absolute() else root / path
    try:
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        if ATTRIBUTES not in text.splitlines():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text + ("\n" if text and not text.endswith("\n") else "") + ATTRIBUTES + "\n",
                            encoding="utf-8")
    except OSError as e:
        raise GitError(t("cannot write {path}: {reason}", path=path, reason=e.strerror or e)) from None


# ---------------------------------------------------------------- sync


class SyncConflict(GitError):
    """Both sides changed the same values: nothing was merged, the store is as it was before the sync. `details`
    has one line per conflict, with both values."""

    def __init__(self, message: str, details: list[str]):
        super().__init__(message)
        self.details = details


TAKES = ("mine", "theirs")


def sync(root: Path, notice: Callable[[str], None] = lambda message: None, take: str | None = None) -> str:
    """Pull with rebase (partner files merged record by record), then push. Returns one line saying what
    happened. `take` ("mine" or "theirs") settles the values both sides changed that way."""
    if not is_git_store(root):  # before `running` makes the store's state folder: a refusal leaves nothing
        raise GitError(t("{root} is not a git-backed store; make one with 'coopctl init --git' or 'git init' in it", root=root))
    ready_to_commit(root, notice)
    with running(root):
        return _sync(root, take)


def _sync(root: Path, take: str | None = None) -> str:
    if not git(root, "remote").stdout.strip():
        raise GitError(t("{root} has no git remote; add one with: git -C {root} remote add origin URL", root=root))
    register_merge(root)  # a store made before coopctl merged partner files, or a fresh clone
    commit_hand_edits(root)
    branch = git(root, "rev-parse", "--abbrev-ref", "HEAD").stdout.strip()
    upstream = git(root, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}", check=False)
    remote = git(root, "remote").stdout.split()[0]
    if upstream.returncode != 0:  # first sync of this branch: nothing to pull yet, perhaps
        probe = git(root, "ls-remote", "--exit-code", "--heads", remote, branch, check=False)
        if probe.returncode not in (0, 2):
            raise GitError(_explain(probe, remote))
        if probe.returncode == 0:
            _pull(root, remote, take, remote, branch)
        pushed = git(root, "push", "-q", "-u", remote, branch, check=False)
        if pushed.returncode != 0:
            raise GitError(_explain(pushed, remote))
        return t("synced {branch} with {remote} (first push)", branch=branch, remote=remote)
    known = git(root, "rev-parse", "HEAD").stdout.strip()  # what came in is what it lacked (a sync that stopped
    _pull(root, remote, take)                              # on a conflict had fetched it already)
    received = git(root, "rev-list", "--count", f"{known}..@{{u}}", check=False).stdout.strip() or "0"
    ahead = git(root, "rev-list", "--count", "@{u}..HEAD").stdout.strip()
    pushed = git(root, "push", "-q", check=False)
    if pushed.returncode != 0:
        raise GitError(_explain(pushed, remote))
    return t("synced {branch} with {remote}: received {received}, sent {sent}", branch=branch, remote=remote,
             received=_commits(int(received)), sent=_commits(int(ahead)))


def _pull(root: Path, remote: str, take: str | None, *where: str) -> None:
    """`git pull --rebase`, partner files merged by storage.merge. In a rebase git's "ours" is the upstream and
    "theirs" the clerk's own commits being replayed: the driver is told so, and `take` is turned around for
    git's line merge of any other file."""
    from coopctl.storage import merge

    report = root.resolve() / ".coopctl" / "merge-report.jsonl"
    report.parent.mkdir(exist_ok=True)
    report.unlink(missing_ok=True)
    env = {merge.MINE_ENV: "B", merge.REPORT_ENV: str(report)} | ({merge.TAKE_ENV: take} if take else {})
    favour = {"mine": ["-X", "theirs"], "theirs": ["-X", "ours"]}.get(take or "", [])
    try:
        pulled = git(root, "pull", "--rebase", "-q", *favour, *where, check=False, env=env)
        if pulled.returncode != 0:
            raise _conflict_or(root, pulled, remote, merge.read_report(report), take)
    finally:
        report.unlink(missing_ok=True)


def _commits(n: int) -> str:
    return tn("{n} commit", "{n} commits", n)


def _explain(result: subprocess.CompletedProcess, remote: str) -> str:
    text = (result.stderr + result.stdout).lower()
    if "could not resolve host" in text or "network is unreachable" in text or "connection refused" in text \
            or "timed out" in text or "could not read from remote" in text and "permission" not in text:
        return t("cannot reach the remote '{remote}' (no network?); your commits are safe locally, sync again later",
                 remote=remote)
    if "authentication failed" in text or "permission denied" in text or "403" in text or "could not read username" in text:
        return t("the remote '{remote}' refused your credentials; check your access to it, then sync again", remote=remote)
    if "does not appear to be a git repository" in text or "not found" in text:
        return t("the remote '{remote}' is not a reachable git repository; check its URL with: git remote -v", remote=remote)
    if "rejected" in text:
        return t("the remote '{remote}' has changes you do not have yet; run coopctl sync again", remote=remote)
    last = (result.stderr or result.stdout).strip().splitlines()
    return t("git failed: {detail}", detail=last[-1] if last else t("exit {code}", code=result.returncode))


def _conflict_or(root: Path, pulled: subprocess.CompletedProcess, remote: str, found: list[dict],
                 take: str | None) -> GitError:
    """A pull that stopped: on a conflict the rebase is abandoned (the store back as it was before the sync,
    every command working on it) and the conflict is described, with both values and how to settle it."""
    gitdir, _ = git_dirs(root)
    rebasing = (gitdir / "rebase-merge").exists() or (gitdir / "rebase-apply").exists()
    if not rebasing:
        return GitError(_explain(pulled, remote))
    conflicted = git(root, "diff", "--name-only", "--diff-filter=U", check=False).stdout.split()
    aborted = git(root, "rebase", "--abort", check=False)
    if aborted.returncode != 0:
        files = ", ".join(conflicted) or t("some files")
        return GitError(t(
            "sync stopped on a conflict in {files} and could not undo the merge; both versions are in the file "
            "between <<<<<<< and >>>>>>> markers; finish with: git -C {root} rebase --continue, or give up your side "
            "with: git -C {root} rebase --abort", files=files, root=root))
    details = []
    for entry in found:
        if entry.get("field"):
            details.append(t("  {path}: {field}: mine {mine}, theirs {theirs}", path=entry["path"],
                             field=entry["field"], mine=entry["mine"], theirs=entry["theirs"]))
    by_records = {entry["path"] for entry in found if entry.get("field")}
    for path in dict.fromkeys([*conflicted, *(e["path"] for e in found if not e.get("field"))]):
        if path not in by_records:
            details.append(t("  {path}: changed on both sides in the same lines (not a file coopctl wrote as it is, "
                             "or a file removed on one side)", path=path))
    if take:
        return SyncConflict(t("sync could not settle every conflict with --take {side}; nothing was merged and the "
                              "store is as it was; merge by hand with: git -C {root} pull --rebase", side=take,
                              root=root), details)
    return SyncConflict(t(
        "sync found changes to the same values on both sides (above); nothing was merged and the store is as it "
        "was, every command works on it; keep your values with: coopctl sync --take mine --store {root}; or "
        "theirs with: coopctl sync --take theirs --store {root}", root=root), details)


# ---------------------------------------------------------------- history


@dataclass(frozen=True)
class Change:
    date: str
    author: str
    message: str
    files: tuple[str, ...]
    commit: str


def history(root: Path, paths: list[str] | None = None, mentioning: str | None = None) -> list[Change]:
    """Commits newest first, optionally only those touching `paths` and mentioning a record's id."""
    args = ["log", "--format=%x1e%H%x1f%ad%x1f%an%x1f%s", "--date=short", "--name-only"]
    result = git(root, *args, "--", *(paths or []), check=False)
    if result.returncode != 0:
        return []  # a repository with no commit yet
    changes = []
    for record in result.stdout.split("\x1e"):
        if not record.strip():
            continue
        head, _, names = record.partition("\n")
        commit, day, author, message = head.split("\x1f", 3)
        files = tuple(n for n in names.split("\n") if n.strip())
        changes.append(Change(day, author, message, files, commit))
    if mentioning:
        touched = set(git(root, "log", "--format=%H", f"-S{mentioning}", "--", *(paths or [])).stdout.split())
        rest = [c for c in changes if mentioning not in c.message and c.commit not in touched]
        touched |= _changing(root, rest, paths or [], mentioning)
        changes = [c for c in changes if mentioning in c.message or c.commit in touched]
    return changes


_UNREADABLE = object()


def _changing(root: Path, changes: list[Change], paths: list[str], agreement_id: str) -> set[str]:
    """The commits among `changes` that changed the agreement's table in one of `paths`: `coopctl edit` or a
    hand edit of its title names the file, not the agreement, and leaves the count of its id as it was."""
    import tomllib

    specs = [f"{c.commit}{side}:{path}" for c in changes for path in paths for side in ("^", "")]
    if not specs:
        return set()
    result = subprocess.run(["git", "-C", str(root), "cat-file", "--batch"], input="\n".join(specs).encode() + b"\n",
                            capture_output=True, env=_env())
    if result.returncode != 0:
        return set()
    out, at, blobs = result.stdout, 0, []
    for _ in specs:  # each answer: "<sha> <type> <size>\n<content>\n", or "<spec> missing\n" (no parent, no file)
        end = out.index(b"\n", at)
        header, at = out[at:end].split(), end + 1
        if len(header) == 3 and header[2].isdigit():
            size = int(header[2])
            blobs.append(out[at:at + size])
            at += size + 1
        else:
            blobs.append(None)

    def table(blob: bytes | None) -> object:
        if blob is None:
            return None
        try:
            data = tomllib.loads(blob.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError):
            return _UNREADABLE  # a file broken by hand: it may have changed the agreement
        agreements = data.get("agreements")
        return next((a for a in agreements if isinstance(a, dict) and a.get("id") == agreement_id), None) \
            if isinstance(agreements, list) else None

    changed, k = set(), 0
    for change in changes:
        for _ in paths:
            before, after = table(blobs[k]), table(blobs[k + 1])
            k += 2
            if before is _UNREADABLE or after is _UNREADABLE or before != after:
                changed.add(change.commit)
    return changed

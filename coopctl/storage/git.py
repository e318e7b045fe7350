"""A store that is a git work tree: one commit per change, sync, history.

git is the distributed engine, as `pass` uses it: coopctl runs the git
command line (no library) and only on a store that is the top of its own work
tree, never on a repository that merely contains it. Every change coopctl
makes becomes exactly one commit of exactly the files it wrote; edits made by
hand are committed first, on their own, with a message saying so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

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
    return env


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    if shutil.which("git") is None:
        raise GitError(t("git is not installed; install it to use a git-backed store"))
    result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, env=_env())
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


def _is_own(path: str) -> bool:
    return any(path == name.rstrip("/") or path.startswith(name) for name in OWN_FILES)


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
        if status[0] in "RC":  # a rename: the next entry is the old path
            i += 1
        if not _is_own(path):
            paths.append(path)
    return sorted(paths)


def check_identity(root: Path) -> None:
    """Refuse before anything is written when git does not know who commits."""
    if git(root, "var", "GIT_AUTHOR_IDENT", check=False).returncode != 0:
        raise GitError(t("git does not know who you are, so coopctl cannot commit; set it with "
                         "git config --global user.name 'Your Name' && git config --global user.email you@example.org"))


def commit_hand_edits(root: Path) -> str | None:
    """Commit whatever was changed by hand, on its own, before coopctl changes anything."""
    paths = dirty_files(root)
    if not paths:
        return None
    git(root, "add", "-A", "--", *paths)
    shown = ", ".join(paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")
    message = f"Edits made outside coopctl: {shown}"
    git(root, "commit", "-q", "-m", message, "--", *paths)
    return message


def commit_change(root: Path, paths: list[str], message: str) -> None:
    """One commit holding exactly `paths`."""
    if not paths:
        return
    git(root, "add", "-A", "--", *paths)
    git(root, "commit", "-q", "-m", message, "--", *paths)


def init_repo(root: Path, message: str) -> None:
    (root / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    git(root, "init", "-q")
    check_identity(root)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


# ---------------------------------------------------------------- sync


def sync(root: Path) -> str:
    """Pull with rebase, then push. Returns one line saying what happened."""
    if not is_git_store(root):
        raise GitError(t("{root} is not a git-backed store; make one with 'coopctl init --git' or 'git init' in it", root=root))
    if not git(root, "remote").stdout.strip():
        raise GitError(t("{root} has no git remote; add one with: git -C {root} remote add origin URL", root=root))
    commit_hand_edits(root)
    branch = git(root, "rev-parse", "--abbrev-ref", "HEAD").stdout.strip()
    upstream = git(root, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}", check=False)
    remote = git(root, "remote").stdout.split()[0]
    if upstream.returncode != 0:  # first sync of this branch: nothing to pull yet, perhaps
        probe = git(root, "ls-remote", "--exit-code", "--heads", remote, branch, check=False)
        if probe.returncode not in (0, 2):
            raise GitError(_explain(probe, remote))
        if probe.returncode == 0:
            pulled = git(root, "pull", "--rebase", "-q", remote, branch, check=False)
            if pulled.returncode != 0:
                raise _conflict_or(root, pulled, remote)
        pushed = git(root, "push", "-q", "-u", remote, branch, check=False)
        if pushed.returncode != 0:
            raise GitError(_explain(pushed, remote))
        return t("synced {branch} with {remote} (first push)", branch=branch, remote=remote)
    known = git(root, "rev-parse", "@{u}").stdout.strip()
    pulled = git(root, "pull", "--rebase", "-q", check=False)
    if pulled.returncode != 0:
        raise _conflict_or(root, pulled, remote)
    received = git(root, "rev-list", "--count", f"{known}..@{{u}}", check=False).stdout.strip() or "0"
    ahead = git(root, "rev-list", "--count", "@{u}..HEAD").stdout.strip()
    pushed = git(root, "push", "-q", check=False)
    if pushed.returncode != 0:
        raise GitError(_explain(pushed, remote))
    return t("synced {branch} with {remote}: received {received}, sent {sent}", branch=branch, remote=remote,
             received=_commits(int(received)), sent=_commits(int(ahead)))


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


def _conflict_or(root: Path, pulled: subprocess.CompletedProcess, remote: str) -> GitError:
    rebasing = (root / ".git" / "rebase-merge").exists() or (root / ".git" / "rebase-apply").exists()
    if not rebasing:
        return GitError(_explain(pulled, remote))
    conflicted = git(root, "diff", "--name-only", "--diff-filter=U", check=False).stdout.split()
    files = ", ".join(conflicted) or t("some files")
    return GitError(t(
        "sync stopped on a conflict in {files}: someone else changed the same records. Nothing is lost: "
        "both versions are in the file between <<<<<<< and >>>>>>> markers ('coopctl check' points at them). "
        "Edit the file to keep what is right, then run: git -C {root} add {paths} && "
        "git -C {root} rebase --continue && coopctl sync; or give up your side with: git -C {root} rebase --abort",
        files=files, root=root, paths=" ".join(conflicted) or "FILE"))


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
        changes = [c for c in changes if mentioning in c.message or c.commit in touched]
    return changes

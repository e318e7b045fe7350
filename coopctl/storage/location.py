"""Where a store is, and the names of what it holds.

    STORE/coopctl.toml             owner, notice windows, procedures, extra sectors
    STORE/partners/<partner>.toml  a partner, its agreements, terms, milestones and activities
    STORE/trash/                   deleted records, restorable with `coopctl restore`
    STORE/documents/ab/<sha256>.pdf  attached documents, named by their content (`coopctl attach`)
    STORE/.coopctl.lock            the writers' lock (empty; only the lock held on it counts)
"""

from __future__ import annotations

import os
from pathlib import Path

from coopctl.core.errors import CoopError
from coopctl.i18n import t

SETTINGS_FILE = "coopctl.toml"
PARTNERS_DIR = "partners"
TRASH_DIR = "trash"  # the loader never reads it
DOCUMENTS_DIR = "documents"  # the loader never reads it either; `check` proves it
LOCK_FILE = ".coopctl.lock"


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
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "example", package.parent / "data"):
        if (candidate / SETTINGS_FILE).is_file():
            return candidate
    raise CoopError(t("the bundled example store is missing from this installation"))


def is_store(root: Path) -> bool:
    return (root / SETTINGS_FILE).is_file()


def partner_file(partner_id: str) -> str:
    """A partner's file, by its name in the store."""
    return f"{PARTNERS_DIR}/{partner_id}.toml"


def require_store(root: Path) -> None:
    """Refuse, saying how to make one, when there is no store at `root`."""
    if not is_store(root):
        if root.exists() and not root.is_dir():
            raise CoopError(t("{root} is a file, not a store directory", root=root))
        if os.path.lexists(root / SETTINGS_FILE) or (root / PARTNERS_DIR).is_dir():  # 'init' would refuse it
            raise CoopError(t("{root} holds a store whose settings file {file} is missing or not a plain file; "
                              "put it back (an empty {file} will do)", root=root, file=SETTINGS_FILE))
        raise CoopError(t("no store at {root} (create one with 'coopctl init --store {root}', or pass --store)",
                          root=root))

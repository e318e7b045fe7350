"""Every test runs against a temporary store, with no colour, a fixed width and no real user store."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# The suite expects English unless a test asks for another language: a developer's own
# COOPCTL_LANG or Indonesian locale must not change what the CLI prints (nor the help texts,
# which are translated as coopctl.cli is imported).
os.environ.pop("COOPCTL_LANG", None)
os.environ.pop("COOPCTL_STORE", None)  # a developer's own store (and its lang setting); each test sets its own
for _name in ("LC_ALL", "LC_MESSAGES", "LANG"):
    if os.environ.get(_name, "").lower().startswith("id"):
        os.environ[_name] = "C.UTF-8"

from coopctl import i18n  # noqa: E402
from coopctl.storage.location import example_path  # noqa: E402

EXAMPLE = example_path()


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("COOPCTL_STORE", str(tmp_path / "no-store-here"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))  # the store cache (coopctl/cache.py)
    monkeypatch.delenv("COOPCTL_CACHE_DIR", raising=False)
    monkeypatch.delenv("COOPCTL_CACHE", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("COOPCTL_DEBUG", raising=False)
    monkeypatch.delenv("COOPCTL_LANG", raising=False)
    yield
    i18n.set_language(i18n.ENGLISH)  # a test that ran coopctl in another language leaves none behind


@pytest.fixture
def example(tmp_path) -> Path:
    """A fresh copy of the bundled East Java example store."""
    root = tmp_path / "jatim"
    shutil.copytree(EXAMPLE, root)
    return root


@pytest.fixture
def empty_store(tmp_path) -> Path:
    from helpers import make_store

    return make_store(tmp_path)


@pytest.fixture
def git_identity(tmp_path, monkeypatch):
    """A git config of our own, so tests neither read nor need the machine's."""
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\tname = Test Clerk\n\temail = clerk@example.org\n[init]\n\tdefaultBranch = main\n",
                      encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")

"""Every test runs against a temporary store, with no colour, a fixed width and no real user store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from coopctl.store import example_path

EXAMPLE = example_path()


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("COOPCTL_STORE", str(tmp_path / "no-store-here"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("COOPCTL_DEBUG", raising=False)


@pytest.fixture
def example(tmp_path) -> Path:
    """A fresh copy of the bundled East Java example store."""
    root = tmp_path / "jatim"
    shutil.copytree(EXAMPLE, root)
    return root


@pytest.fixture
def empty_store(tmp_path) -> Path:
    root = tmp_path / "store"
    (root / "partners").mkdir(parents=True)
    (root / "coopctl.toml").write_text('owner = "Test Bureau"\n', encoding="utf-8")
    return root

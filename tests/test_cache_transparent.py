"""The cache is a transparent layer: every listing prints the same bytes with the cache on, off, warm or
cold, on the example and on a generated store, in both languages, before and after a hand edit."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coopctl.cli import app
from coopctl.storage import cache as cache_module

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.generate import generate  # noqa: E402

LISTINGS = [
    ["list"], ["list", "--json"], ["list", "--format", "csv"], ["list", "--format", "md"],
    ["renew"], ["renew", "--json"], ["renew", "--check"], ["renew", "--within", "90d", "--format", "md"],
    ["report"], ["report", "--json"], ["report", "--format", "md"], ["coverage"], ["coverage", "--json"],
    ["timeline"], ["timeline", "--json"], ["dormant"], ["dormant", "--json"], ["activities"],
    ["export", "--format", "csv"], ["export", "--format", "json"], ["check"],
]


def run_all(root: Path, as_of: str, lang: str, cache: str, extra: list[list[str]]) -> list[tuple]:
    runner = CliRunner()
    out = []
    for args in LISTINGS + extra:
        argv = args + ["--store", str(root), "--lang", lang] + ([] if args[0] in ("check", "activities") else
                                                                   ["--as-of", as_of])
        result = runner.invoke(app, argv, env={"COOPCTL_CACHE": cache, "COLUMNS": "120", "NO_COLOR": "1"})
        out.append((args, result.exit_code, result.stdout, result.stderr))
    return out


@pytest.fixture
def settle_now(monkeypatch, tmp_path):
    monkeypatch.setenv("COOPCTL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache_module, "SETTLE_NS", -10**18)


@pytest.mark.parametrize("lang", ["en", "id"])
def test_the_example_reads_the_same_with_the_cache_on_and_off(example, settle_now, lang):
    extra = [["show", "western-australia-sister-state"], ["plan", "western-australia-sister-state"],
             ["report", "--sector", "vocational"]]
    off = run_all(example, "2023-08-22", lang, "off", extra)
    cold = run_all(example, "2023-08-22", lang, "on", extra)
    warm = run_all(example, "2023-08-22", lang, "on", extra)
    assert cold == off and warm == off


def test_a_generated_store_reads_the_same_with_the_cache_on_and_off_and_after_a_hand_edit(tmp_path, settle_now):
    root = tmp_path / "store"
    generate(300, root, seed=3)
    off = run_all(root, "2026-06-30", "en", "off", [])
    run_all(root, "2026-06-30", "en", "on", [])  # fills the cache
    assert run_all(root, "2026-06-30", "en", "on", []) == off
    path = sorted((root / "partners").glob("*.toml"))[5]
    text = path.read_text(encoding="utf-8")
    assert "\nend = " in text
    path.write_text(text.replace("\nend = ", "\nend = 2030-01-01\n# was: ", 1), encoding="utf-8")  # a hand edit
    edited_off = run_all(root, "2026-06-30", "en", "off", [])
    assert edited_off != off  # the edit shows...
    assert run_all(root, "2026-06-30", "en", "on", []) == edited_off  # ...the same way with the cache

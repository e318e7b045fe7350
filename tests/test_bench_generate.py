"""The benchmark's store generator writes valid, realistic stores: `coopctl check` accepts them."""

from __future__ import annotations

import sys
from pathlib import Path

from typer.testing import CliRunner

from coopctl.cli import app
from coopctl.storage.loader import load

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import generate as gen  # noqa: E402


def test_a_generated_store_passes_check_and_looks_like_a_real_portfolio(tmp_path):
    root = tmp_path / "n300"
    partners, agreements = gen.generate(300, root, seed=3)
    assert agreements == 300

    result = CliRunner().invoke(app, ["check", "--store", str(root)])
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "OK" in result.stderr

    loaded = load(root)
    assert loaded.problems == []
    assert len(loaded.store.partners) == partners
    every = loaded.store.agreements()
    assert len(every) == 300 and len({a.id for a in every}) == 300
    assert all(1 <= len(p.agreements) <= 5 for p in loaded.store.partners.values())
    assert all(1 <= len(a.signed_terms()) <= 4 for a in every)
    assert all(1 <= len(a.sectors) <= 5 for a in every)
    assert 2.0 <= sum(len(a.activities) for a in every) / len(every) <= 4.0
    assert any(a.pending_term() for a in every)
    assert any(a.signed_terms()[-1].end is None for a in every)  # open-ended
    assert any(a.terminated for a in every)
    dates = [t.start for a in every for t in a.terms] + [x.date for a in every for x in a.activities]
    assert {d.precision for d in dates} == {"day", "month", "year"}  # partial dates
    assert len({p.kind for p in loaded.store.partners.values()}) >= 4
    assert {a.id for a in every if a.activities and a.activities[0].sector not in a.sector_ids()} == set()


def test_the_same_seed_gives_the_same_store_and_another_seed_another(tmp_path):
    gen.generate(40, tmp_path / "a", seed=11)
    gen.generate(40, tmp_path / "b", seed=11)
    gen.generate(40, tmp_path / "c", seed=12)

    def files(root: Path) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in sorted((root / "partners").glob("*.toml"))}

    assert files(tmp_path / "a") == files(tmp_path / "b")
    assert files(tmp_path / "a") != files(tmp_path / "c")


def test_the_command_line_refuses_to_overwrite_without_force(tmp_path, capsys):
    out = tmp_path / "store"
    assert gen.main(["--agreements", "5", "--out", str(out)]) == 0
    try:
        gen.main(["--agreements", "5", "--out", str(out)])
    except SystemExit as e:
        assert e.code == 2
    else:
        raise AssertionError("expected a usage error")
    assert "--force" in capsys.readouterr().err
    assert gen.main(["--agreements", "7", "--out", str(out), "--force"]) == 0
    assert len(load(out).store.agreements()) == 7


def test_the_phase_split_of_renew_runs_on_a_generated_store(tmp_path, monkeypatch):
    """bench/phases.py (which bench/run.py appends to RESULTS.md) measures every phase of the daily path and the
    floor below it on a real store and cache: no timing is asserted, only that each phase ran over the store."""
    from bench import phases

    root = tmp_path / "n60"
    gen.generate(60, root, seed=5)
    monkeypatch.setenv("COOPCTL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr("coopctl.storage.cache.SETTLE_NS", 0)  # the files were just written: cache them now
    found = phases.phases(root, runs=2)
    assert found["agreements"] == 60 and 0 < found["listed"] <= 60
    assert all(found[k] >= 0 for k in ("load", "facts", "attention", "rows", "table", "json"))
    floor = phases.floor(root, str(tmp_path / "cache"))
    assert floor["shards"] > 0  # the cache's shards were found and read

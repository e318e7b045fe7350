"""A store found unchanged since its cache was made is read by one comparison, and `renew`'s table is
put together from each file's remembered cells; neither may ever show what a change made stale."""

from __future__ import annotations

import os
import shutil
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopctl.storage import cache as cache_module
from coopctl.core import playbook
from coopctl.storage.store import PARTNERS_DIR, load

from test_cache import big, edit_same_size, partner_files, settle_now  # noqa: F401  (fixtures)


def renew(root, monkeypatch, cache: str = "on", *extra: str):
    """`coopctl renew --check` as a table, piped: (exit code, stdout, stderr)."""
    from typer.testing import CliRunner

    from coopctl.cli import app

    monkeypatch.setenv("COOPCTL_CACHE", cache)
    monkeypatch.setenv("COLUMNS", "120")
    result = CliRunner().invoke(app, ["renew", "--check", "--store", str(root), "--as-of", "2026-06-30", *extra])
    return result.exit_code, result.stdout, result.stderr


def same_as_without_cache(root, monkeypatch, *extra: str) -> tuple:
    first = renew(root, monkeypatch, "on", *extra)
    assert first == renew(root, monkeypatch, "off", *extra)
    return first


def test_the_table_from_remembered_cells_is_what_a_run_without_any_cache_prints(big, settle_now, monkeypatch):
    code, out, err = same_as_without_cache(big, monkeypatch)
    assert code == 1 and "agreements due or lapsed" in err and len(out.splitlines()) > 3
    assert renew(big, monkeypatch) == (code, out, err)  # the second run: every file unchanged
    assert same_as_without_cache(big, monkeypatch, "--lang", "id") != (code, out, err)
    assert same_as_without_cache(big, monkeypatch, "--within", "400d") != (code, out, err)


def test_the_table_sees_a_hand_edit_with_the_times_set_back(big, settle_now, monkeypatch):
    code, out, err = same_as_without_cache(big, monkeypatch)
    row = out.splitlines()[1].split()
    path = next(p for p in partner_files(big) if f'id = "{row[0]}"' in p.read_text(encoding="utf-8"))
    name = next(line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("name = "))
    before = path.stat()
    edit_same_size(path, name, name[:8] + "X" + name[9:])  # name = "Xlexandria"
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = same_as_without_cache(big, monkeypatch)
    assert after != (code, out, err)
    assert after[1].splitlines()[1].split()[:2] == [row[0], "X" + row[1][1:]]


def test_the_table_sees_added_and_removed_files(big, settle_now, monkeypatch):
    same_as_without_cache(big, monkeypatch)
    files = partner_files(big)
    files[0].unlink()
    fewer = same_as_without_cache(big, monkeypatch)
    shutil.copy(files[1], big / PARTNERS_DIR / "a-copy.toml")  # its agreement ids are taken: the store is refused
    refused = same_as_without_cache(big, monkeypatch)
    assert refused[0] == 1 and "already used" in refused[2]
    (big / PARTNERS_DIR / "a-copy.toml").unlink()
    assert same_as_without_cache(big, monkeypatch) == fewer


def test_lost_cache_shards_cost_only_speed(big, settle_now, monkeypatch):
    """The index says every file is unchanged, but the records it points to are gone: each partner is
    read from its file, and the answers made then are not taken for a complete set."""
    expected = same_as_without_cache(big, monkeypatch)
    directory = next((big.parent / "cache" / "stores").iterdir())
    for shard in directory.glob("shard-*.pickle"):
        shard.unlink()
    (directory / "answers-table.pickle").unlink()
    assert same_as_without_cache(big, monkeypatch) == expected
    assert same_as_without_cache(big, monkeypatch) == expected


def test_an_unchanged_store_is_found_by_one_comparison_and_any_change_ends_that(big, settle_now):
    assert load(big, lazy=True).unchanged_state is None  # the first load makes the cache
    again = load(big, lazy=True)
    assert again.unchanged_state is not None and not again.problems
    assert again.parsed == 0 and again.store.partners.read() == []
    path = partner_files(big)[3]
    before = path.stat()
    edit_same_size(path, 'name = "', 'name = "')  # rewritten in place, same text: ctime moves on
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert load(big, lazy=True).unchanged_state is None
    assert load(big, lazy=True).unchanged_state is not None


def test_a_duplicate_id_in_a_new_file_is_found_after_an_unchanged_load(big, settle_now):
    load(big, lazy=True)
    assert load(big, lazy=True).unchanged_state is not None
    shutil.copy(partner_files(big)[0], big / PARTNERS_DIR / "zz-copy.toml")
    loaded = load(big, lazy=True)
    assert loaded.unchanged_state is None
    assert any("already used" in p.message for p in loaded.problems)


def test_a_write_after_an_unchanged_load_checks_the_file_it_rewrites(big, settle_now, monkeypatch):
    from typer.testing import CliRunner

    from coopctl.cli import app

    load(big, lazy=True)
    assert load(big, lazy=True).unchanged_state is not None
    lines = partner_files(big)[0].read_text(encoding="utf-8").splitlines()
    agreement = next(line.split('"')[1] for line in lines if line.startswith("id = "))
    sector = next(line.split('"')[1] for line in lines if line.startswith("sectors = "))
    result = CliRunner().invoke(app, ["log", agreement, "A visit", "--date", "2026-06-01", "--type", "meeting",
                                      "--sector", sector, "--store", str(big)])
    assert result.exit_code == 0, result.output
    assert "A visit" in partner_files(big)[0].read_text(encoding="utf-8")


KEYS = st.tuples(*[st.integers(min_value=-2**63, max_value=2**63 - 1)] * 5)
NAMES = st.text(alphabet="abc-", min_size=1, max_size=4).map(lambda n: f"partners/{n}.toml")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(NAMES, KEYS), max_size=5), st.lists(st.tuples(NAMES, KEYS), max_size=5))
def test_files_states_are_equal_exactly_when_names_and_keys_are(one, other):
    def state(files):
        return cache_module.files_state([n for n, _ in files], [k for _, k in files])

    assert (state(one) == state(other)) == (one == other)


def test_a_key_beyond_64_bits_has_no_state():
    assert cache_module.files_state(["partners/a.toml"], [(1, 2, 3, 2**64, 5)]) is None
    assert cache_module.files_state(["partners/a.toml"], [None]) is None


STATES = st.sampled_from(["due", "lapsed", "renewing", "active"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), st.dates()), STATES,
                          st.one_of(st.none(), st.integers(min_value=-4_000_000, max_value=4_000_000)),
                          st.text(alphabet="ab-1", min_size=1, max_size=5)), max_size=12))
def test_urgency_text_sorts_as_urgency(rows):
    assert sorted(rows, key=lambda r: playbook.urgency_text(*r)) == sorted(rows, key=lambda r: playbook.urgency(*r))


def test_urgency_text_orders_the_extremes():
    earliest = playbook.urgency_text(date.min, "due", -4_000_000, "a")
    latest = playbook.urgency_text(None, "active", None, "z")
    assert earliest < playbook.urgency_text(date.max, "lapsed", 4_000_000, "a") < latest


@pytest.mark.parametrize("lang", ["en", "id"])
def test_the_language_is_part_of_the_question(big, settle_now, monkeypatch, lang):
    same_as_without_cache(big, monkeypatch, "--lang", lang)
    assert renew(big, monkeypatch, "on", "--lang", lang) == renew(big, monkeypatch, "off", "--lang", lang)


"""`renew` remembers each partner file's rows for the question asked (as-of date, window), and never
serves rows a change has made stale: an edited, added or removed file, other settings, another date."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from coopctl.app import answers

from coopctl.app import queries
from coopctl.storage import cache as cache_module
from coopctl.core.dates import Duration
from coopctl.storage.store import PARTNERS_DIR, SETTINGS_FILE, load_valid

from test_cache import big, edit_same_size, partner_files, settle_now  # noqa: F401  (fixtures)

DAY = date(2026, 6, 30)


def fresh(root: Path, day: date = DAY, within: Duration | None = None) -> list[dict]:
    """What computing from the files themselves gives (no cache)."""
    os.environ["COOPCTL_CACHE"] = "off"
    try:
        return queries.renewal_rows(load_valid(root).store, day, within)
    finally:
        del os.environ["COOPCTL_CACHE"]


def remembered(root: Path, day: date = DAY, within: Duration | None = None) -> tuple[list[dict], int]:
    """The rows by way of the cache, and for how many partners they had to be computed."""
    computed = []
    real = queries.partner_renewal_rows

    def counting(store, partner, *args):
        computed.append(partner.id)
        return real(store, partner, *args)

    queries.partner_renewal_rows = counting
    try:
        rows = answers.renewal_rows(load_valid(root, lazy=True), day, within)
    finally:
        queries.partner_renewal_rows = real
    return rows, len(computed)


def test_a_second_run_reads_no_partner_and_gives_the_same_rows(big, settle_now):
    first, _ = remembered(big)
    assert first == fresh(big) and first
    second, read = remembered(big)
    assert read == 0
    assert second == first


def test_an_edited_file_is_read_again_and_only_it(big, settle_now):
    remembered(big)
    path = next(p for p in partner_files(big) if "end = 20" in p.read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8")
    stat = os.stat(path)
    end_line = next(line for line in text.splitlines() if line.startswith("end = 20"))
    year = int(end_line[6:10])
    edit_same_size(path, end_line, end_line.replace(str(year), str(year + 40 if year < 2050 else year - 40), 1))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # even with the old mtime: ctime changed
    rows, read = remembered(big)
    assert read == 1
    assert rows == fresh(big)


def test_added_and_removed_files_are_seen(big, settle_now):
    remembered(big)
    files = partner_files(big)
    files[0].unlink()
    shutil.copy(files[1], big / PARTNERS_DIR / "zz-copy.toml")
    text = (big / PARTNERS_DIR / "zz-copy.toml").read_text(encoding="utf-8")
    ids = [line.split('"')[1] for line in text.splitlines() if line.startswith('id = "')]
    for agreement_id in ids:  # agreement ids are unique in a store
        text = text.replace(f'id = "{agreement_id}"', f'id = "zz-{agreement_id}"')
    (big / PARTNERS_DIR / "zz-copy.toml").write_text(text, encoding="utf-8")
    rows, _ = remembered(big)
    assert rows == fresh(big)
    assert any(r["partner_id"] == "zz-copy" for r in rows)
    assert not any(r["partner_id"] == files[0].stem for r in rows)


def test_another_date_or_window_is_another_question(big, settle_now):
    remembered(big)
    later = date(2027, 3, 1)
    assert remembered(big, later)[0] == fresh(big, later)
    assert remembered(big, later, Duration(90, "d"))[0] == fresh(big, later, Duration(90, "d"))
    assert remembered(big)[0] == fresh(big)


def test_changed_settings_are_another_question(big, settle_now):
    remembered(big)
    settings = big / SETTINGS_FILE
    text = settings.read_text(encoding="utf-8")
    foreign = next(line for line in text.splitlines() if line.startswith("foreign = "))
    settings.write_text(text.replace(foreign, 'foreign = "3y"'), encoding="utf-8")
    rows, _ = remembered(big)
    assert rows == fresh(big)
    assert any(r["notice"] == "3y" for r in rows)


def test_a_file_changed_within_the_same_second_is_never_remembered(big):
    """With the real clock: files just written are answered, not remembered (see cache.settled)."""
    remembered(big)
    assert not list((Path(os.environ["COOPCTL_CACHE_DIR"]) / "stores").glob("*/answers-*.pickle"))
    rows, read = remembered(big)
    assert read == len(partner_files(big))  # every file of the fixture is brand new: all read again
    assert rows == fresh(big)


def test_an_unreadable_answers_file_is_ignored(big, settle_now):
    remembered(big)
    answers_file = next((Path(os.environ["COOPCTL_CACHE_DIR"]) / "stores").glob("*/answers-*.pickle"))
    answers_file.write_bytes(b"not a pickle")
    assert remembered(big)[0] == fresh(big)
    assert cache_module.enabled()


def test_a_new_day_reads_each_partner_once_and_lets_it_go(big, settle_now):
    """Records come from the cache shard by shard, and none is kept once its rows are made."""
    remembered(big)
    later = date(2027, 3, 1)
    loaded = load_valid(big, lazy=True)
    rows = answers.renewal_rows(loaded, later)
    assert rows == fresh(big, later)
    assert loaded.store.partners.read() == []
    assert len(loaded.cache._shards) <= 1


def test_the_command_gives_what_a_run_without_any_cache_gives(big, settle_now, monkeypatch):
    """`coopctl renew --json` twice, a hand edit, and again: always the rows of a run with no cache."""
    import json

    from typer.testing import CliRunner

    from coopctl.cli import app

    def run(cache: str) -> list[dict]:
        monkeypatch.setenv("COOPCTL_CACHE", cache)
        result = CliRunner().invoke(app, ["renew", "--json", "--store", str(big), "--as-of", "2026-06-30"])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    first = run("on")
    assert run("on") == first == run("off")
    path = big / PARTNERS_DIR / f"{first[0]['partner_id']}.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('name = "', 'name = "Renamed ', 1), encoding="utf-8")
    changed = run("on")
    assert changed == run("off")
    assert changed[0]["partner"] == "Renamed " + first[0]["partner"]


def test_renew_json_is_the_json_of_the_rows_each_with_its_owner(big, settle_now):
    """What `renew --format json` prints from its remembered JSON, first and second run, and after an edit."""
    from coopctl.core.text import json_bytes

    def expected(day: date) -> bytes:
        rows = fresh(big, day)
        owner = load_valid(big).store.settings.owner
        for row in rows:
            row["owner"] = owner
        return json_bytes(rows)

    def remembered_json(day: date = DAY) -> bytes:
        loaded = load_valid(big, lazy=True)
        return answers.renewal_json(loaded, day)

    assert remembered_json() == expected(DAY)
    assert remembered_json() == expected(DAY)
    path = partner_files(big)[2]
    path.write_text(path.read_text(encoding="utf-8").replace('name = "', 'name = "Renamed ', 1), encoding="utf-8")
    assert remembered_json() == expected(DAY)
    assert remembered_json(date(2030, 1, 1)) == expected(date(2030, 1, 1))

"""The cache of the parsed store never serves stale data, and costs nothing when it cannot work.

Most tests trust files at once (`settle_now`): the cache otherwise waits until a
file is 2 seconds old before caching it (see `coopctl.storage.cache.SETTLE_NS`), which is
itself tested with the real clock in `test_a_change_within_the_same_second_*`.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coopctl.core.errors import CoopError
from coopctl.storage import cache as cache_module
from coopctl.storage import loader as loader_module
from coopctl.storage.location import PARTNERS_DIR

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.generate import generate  # noqa: E402


@pytest.fixture
def big(tmp_path, monkeypatch) -> Path:
    """A generated store large enough to be cached (100 agreements, about 120 KB), and a private cache dir."""
    monkeypatch.setenv("COOPCTL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("COOPCTL_CACHE", raising=False)
    root = tmp_path / "store"
    generate(100, root, seed=7)
    return root


class Load:
    """A load of the store, and the files the plain reader (`loader.read_partner`, which the cache wraps) read:
    a file the cache answered for is not among them."""

    def __init__(self, loaded, read: list[str]):
        self.loaded, self.read = loaded, read
        self.problems, self.store, self.files = loaded.problems, loaded.store, loaded.files

    @property
    def parsed(self) -> int:
        return len(self.read)

    @property
    def reused(self) -> int:
        return len(self.loaded.files) - len(self.read)


@pytest.fixture(autouse=True)
def _observe_reads(monkeypatch):
    real = loader_module.read_partner
    read: list[str] = []

    def counting(decoder, settings, entry):
        read.append(entry.name)
        return real(decoder, settings, entry)

    monkeypatch.setattr(loader_module, "read_partner", counting)
    monkeypatch.setattr(sys.modules[__name__], "_read", read)


_read: list[str] = []


def load(root: Path) -> Load:
    _read.clear()
    loaded = loader_module.load(root)
    return Load(loaded, list(_read))


@pytest.fixture
def settle_now(monkeypatch):
    """Trust files however new they are (only for tests that are not about the settling rule)."""
    monkeypatch.setattr(cache_module, "SETTLE_NS", -10**18)


def partner_files(root: Path) -> list[Path]:
    return sorted((root / PARTNERS_DIR).glob("*.toml"))


def records(loaded) -> tuple:
    return loaded.store.settings, loaded.store.partners


def edit_same_size(path: Path, old: str, new: str) -> None:
    """Change text in place (same inode), keeping the file's size."""
    assert len(old.encode()) == len(new.encode())
    data = path.read_bytes()
    assert old.encode() in data, old
    with open(path, "r+b") as f:
        f.write(data.replace(old.encode(), new.encode(), 1))


def a_title(path: Path) -> str:
    return next(line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("title = "))


def test_a_second_load_reads_every_file_from_the_cache_and_gives_the_same_records(big, settle_now):
    first = load(big)
    assert first.problems == [] and first.parsed == len(partner_files(big)) and first.reused == 0
    second = load(big)
    assert second.reused == len(partner_files(big)) and second.parsed == 0
    assert records(second) == records(first)
    assert second.files.keys() == first.files.keys()
    name = next(iter(second.files))
    assert second.files[name].text == first.files[name].text  # read from disk when asked


def test_a_hand_edit_of_the_same_size_with_a_new_mtime_is_seen(big, settle_now):
    load(big)
    path = partner_files(big)[3]
    before = os.stat(path)
    title = a_title(path)
    edit_same_size(path, title, title[:-2] + "X\"")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 5_000_000_000))
    assert os.stat(path).st_size == before.st_size and os.stat(path).st_ino == before.st_ino
    again = load(big)
    assert again.parsed == 1 and again.reused == len(partner_files(big)) - 1
    titles = [a.title for a in again.store.partners[path.stem].agreements]
    assert title[len('title = "'):-2] + "X" in titles


def test_a_hand_edit_with_the_mtime_set_back_is_seen(big, settle_now):
    """Same size, same inode, same mtime as cached: only ctime (which nobody can set back) differs."""
    load(big)
    path = partner_files(big)[5]
    before = os.stat(path)
    title = a_title(path)
    edit_same_size(path, title, title[:-2] + "Q\"")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(path)
    assert (after.st_mtime_ns, after.st_size, after.st_ino) == (before.st_mtime_ns, before.st_size, before.st_ino)
    again = load(big)
    assert again.parsed == 1
    assert title[len('title = "'):-2] + "Q" in [a.title for a in again.store.partners[path.stem].agreements]


def test_a_change_within_the_same_second_is_seen_with_the_real_clock(big):
    """No test hook: a file written less than SETTLE_NS ago is parsed but not cached, so a second
    same-size change in the same timestamp tick (mtime and ctime equal to the first) cannot be missed."""
    path = partner_files(big)[2]
    first = load(big)
    assert first.problems == []
    stamp = os.stat(path)
    title = a_title(path)
    edit_same_size(path, title, title[:-2] + "Z\"")
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    second = load(big)
    assert second.reused == 0  # every file of this store is younger than SETTLE_NS: none was trusted
    assert title[len('title = "'):-2] + "Z" in [a.title for a in second.store.partners[path.stem].agreements]
    edit_same_size(path, title[:-2] + "Z\"", title[:-2] + "W\"")
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    third = load(big)
    assert title[len('title = "'):-2] + "W" in [a.title for a in third.store.partners[path.stem].agreements]


def test_files_are_cached_once_they_are_older_than_the_settling_time(big, monkeypatch):
    now = time.time_ns()
    load(big)
    assert load(big).reused == 0
    monkeypatch.setattr(time, "time_ns", lambda: now + cache_module.SETTLE_NS + 1_000_000_000)
    load(big)  # now the files are old enough: cached
    assert load(big).reused == len(partner_files(big))


def test_an_added_or_removed_file_changes_only_its_own_entry(big, settle_now):
    files = partner_files(big)
    load(big)
    extra = big / PARTNERS_DIR / "zz-new-partner.toml"
    shutil.copyfile(files[0], extra)
    text = extra.read_text(encoding="utf-8")
    ids = [line.split('"')[1] for line in text.splitlines() if line.startswith("id = ")]
    for i, agreement_id in enumerate(ids):
        text = text.replace(f'id = "{agreement_id}"', f'id = "zz-copy-{i}"')
    extra.write_text(text, encoding="utf-8")
    added = load(big)
    assert added.problems == [] and added.parsed == 1 and "zz-new-partner" in added.store.partners
    files[1].unlink()
    removed = load(big)
    assert removed.parsed == 0 and files[1].stem not in removed.store.partners
    assert len(removed.store.partners) == len(files)


def test_a_copied_store_keeps_its_own_cache(big, settle_now, tmp_path):
    load(big)
    copy = tmp_path / "copy"
    shutil.copytree(big, copy)  # copy2 keeps mtimes
    assert load(copy).reused == 0
    assert load(copy).reused == len(partner_files(copy))


def test_new_settings_or_a_new_coopctl_version_or_python_reparse_everything(big, settle_now, monkeypatch):
    load(big)
    settings = big / "coopctl.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    assert load(big).parsed == len(partner_files(big))
    assert load(big).parsed == 0
    import coopctl

    monkeypatch.setattr(coopctl, "__version__", coopctl.__version__ + ".post1")
    assert load(big).parsed == len(partner_files(big))
    assert load(big).parsed == 0
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    assert load(big).parsed == len(partner_files(big))


def test_a_change_to_coopctls_own_source_invalidates_the_cache(big, settle_now, monkeypatch):
    load(big)
    real = cache_module._fingerprint
    monkeypatch.setattr(cache_module, "_fingerprint", lambda: real() + (("codec.py", 1, 2),))
    assert load(big).parsed == len(partner_files(big))


def test_a_store_with_a_problem_is_not_cached(big, settle_now, tmp_path):
    path = partner_files(big)[0]
    path.write_text(path.read_text(encoding="utf-8").replace('kind = "', 'kind = "x', 1), encoding="utf-8")
    assert load(big).problems
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").rglob("shard-*"))
    assert load(big).reused == 0


def test_a_problem_in_a_cached_file_is_still_placed_by_line(big, settle_now):
    """A duplicate agreement id found across files: the cached file's text is read to name the line."""
    load(big)
    files = partner_files(big)
    first_id = next(line for line in files[0].read_text(encoding="utf-8").splitlines() if line.startswith("id = "))
    last = files[-1]
    text = last.read_text(encoding="utf-8")
    own_id = next(line for line in text.splitlines() if line.startswith("id = "))
    last.write_text(text.replace(own_id, first_id, 1), encoding="utf-8")
    problems = load(big).problems
    assert [p.file for p in problems] == [f"{PARTNERS_DIR}/{last.name}"]
    assert problems[0].line and "already used" in problems[0].message


def test_a_corrupt_or_foreign_cache_is_ignored(big, settle_now, tmp_path):
    first = load(big)
    load(big)
    shards = list((tmp_path / "cache").rglob("shard-*.cache"))
    assert shards
    for shard in shards:
        shard.write_bytes(b"\xfbnot a cache")
    again = load(big)
    assert again.reused == 0 and records(again) == records(first)
    assert load(big).reused == len(partner_files(big))  # rewritten


def test_a_cache_that_cannot_be_written_changes_nothing(big, settle_now, monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    monkeypatch.setenv("COOPCTL_CACHE_DIR", str(blocker / "cache"))
    first = load(big)
    second = load(big)
    assert second.problems == [] and second.reused == 0 and records(second) == records(first)


def test_a_cache_directory_others_can_write_is_not_used(big, settle_now, tmp_path):
    if not hasattr(os, "getuid"):
        pytest.skip("POSIX permissions")
    load(big)
    (own,) = (tmp_path / "cache" / "stores").iterdir()
    assert own.stat().st_mode & 0o777 == 0o700
    os.chmod(own, 0o777)
    assert load(big).reused == 0


def test_caching_can_be_turned_off(big, settle_now, monkeypatch, tmp_path):
    monkeypatch.setenv("COOPCTL_CACHE", "off")
    load(big)
    assert load(big).reused == 0
    assert not (tmp_path / "cache").exists()


def test_the_default_cache_directory_is_the_users_cache_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("COOPCTL_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    if sys.platform.startswith("linux"):
        assert cache_module.base_dir() == tmp_path / "xdg" / "coopctl"
    monkeypatch.setenv("COOPCTL_CACHE_DIR", str(tmp_path / "mine"))
    assert cache_module.base_dir() == tmp_path / "mine"


# ---------------------------------------------------------------- writing through the cache


def test_a_write_reads_the_file_it_changes_from_disk(big, settle_now):
    from coopctl.storage.transaction import transaction

    load(big)
    path = partner_files(big)[4]
    with transaction(big) as tx:
        partner = tx.store.partners[path.stem]
        tx.put(partner._replace(notes="Changed by a test."))
        planned = tx.planned()
        tx.commit("test")
    assert "Changed by a test." in path.read_text(encoding="utf-8")
    assert list(planned) == [f"{PARTNERS_DIR}/{path.name}"]
    after = load(big)
    assert after.parsed == 1 and after.store.partners[path.stem].notes == "Changed by a test."


@pytest.mark.parametrize("unchanged", [True, False], ids=["store-unchanged", "another-file-changed"])
def test_a_write_refuses_when_its_file_changed_after_the_cached_load(big, settle_now, unchanged):
    """Whether or not other files changed since the cache was filled, a file edited by hand between the
    load and the rewrite is never overwritten."""
    from coopctl.storage.transaction import transaction

    load(big)
    if not unchanged:
        other = partner_files(big)[0]
        other.write_text(other.read_text(encoding="utf-8").replace('name = "', 'name = "Re', 1), encoding="utf-8")
    path = partner_files(big)[4]
    original = path.read_bytes()
    with transaction(big) as tx:
        partner = tx.store.partners[path.stem]
        tx.put(partner._replace(notes="Changed by coopctl."))
        title = a_title(path)
        edit_same_size(path, title, title[:-2] + "H\"")  # a hand edit slipping in before the rewrite
        with pytest.raises(CoopError, match="changed on disk"):
            tx.commit("test")
    assert path.read_bytes() != original and b"Changed by coopctl." not in path.read_bytes()


def test_the_command_line_sees_a_hand_edit_between_two_runs(big, settle_now):
    from typer.testing import CliRunner

    from coopctl.cli import app

    runner = CliRunner()
    path = partner_files(big)[1]
    agreement_id = next(line for line in path.read_text(encoding="utf-8").splitlines()
                        if line.startswith("id = ")).split('"')[1]
    first = runner.invoke(app, ["show", agreement_id, "--json", "--store", str(big)])
    assert first.exit_code == 0, first.stderr
    before = os.stat(path)
    title = a_title(path)
    edit_same_size(path, title, title[:-2] + "K\"")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    second = runner.invoke(app, ["show", agreement_id, "--json", "--store", str(big)])
    assert title[len('title = "'):-2] + "K" in second.stdout


def test_a_write_sees_an_agreement_id_taken_in_a_partner_it_did_not_read(big, settle_now):
    from coopctl.core.dates import PartialDate
    from coopctl.app.operations import NewAgreement, add_agreement
    from coopctl.storage.transaction import transaction

    first = load(big)
    files = partner_files(big)
    taken = first.store.partners[files[0].stem].agreements[0].id
    with transaction(big) as tx:
        with pytest.raises(CoopError, match="already used"):
            add_agreement(tx, NewAgreement(partner=files[-1].stem, title="Another", type="mou",
                                           start=PartialDate(2024), sectors=["trade"], id=taken))


def test_a_write_refuses_a_store_whose_hand_edited_file_clashes_with_a_cached_one(big, settle_now):
    from coopctl.core.errors import StoreInvalid
    from coopctl.storage.transaction import transaction

    first = load(big)
    files = partner_files(big)
    taken = first.store.partners[files[0].stem].agreements[0].id
    last = files[-1]
    text = last.read_text(encoding="utf-8")
    own = next(line for line in text.splitlines() if line.startswith("id = "))
    last.write_text(text.replace(own, f'id = "{taken}"', 1), encoding="utf-8")
    with pytest.raises(StoreInvalid, match="already used"):
        with transaction(big):
            pass


# ---------------------------------------------------------------- how records are kept


sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_roundtrip import partners as partner_strategy  # noqa: E402


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(partner_strategy(), min_size=1, max_size=4))
def test_records_come_back_from_the_cache_as_they_went_in(drawn):
    """Every field of every record survives the cache's plain-tuple form (a new field forgotten there fails here)."""
    import marshal

    packer = cache_module.Packer()
    sectors, packed = packer.pack(drawn)
    sectors, packed = marshal.loads(marshal.dumps((sectors, packed)))
    again = cache_module.Packer()
    table = again.sectors(sectors)
    assert [again.unpack(data, table) for data in packed] == drawn


def test_activities_from_the_cache_behave_as_the_tuple_of_their_records(big, settle_now):
    """An agreement's activities come from the cache packed (`cache.Activities`), and are the same records: equal
    and hashing as the tuple the parser gives, in either order, iterated, indexed, added to, pickled."""
    import copy
    import pickle

    plain_store = loader_module.load(big, cache=False).store  # the parser's records, no cache at all
    first = load(big)  # parsed, and kept in the cache: given as a read from the cache gives them
    second = load(big)
    assert second.reused == len(partner_files(big))
    assert first.store.partners == plain_store.partners == second.store.partners
    compared = 0
    for partner_id, parsed in plain_store.partners.items():
        for plain, cached in zip(parsed.agreements, second.store.partners[partner_id].agreements):
            if not plain.activities:
                assert cached.activities == ()
                continue
            acts = cached.activities
            assert isinstance(acts, cache_module.Activities) and isinstance(plain.activities, tuple)
            assert acts == plain.activities and plain.activities == acts and not acts != plain.activities
            assert hash(acts) == hash(plain.activities) and hash(cached) == hash(plain) and cached == plain
            assert tuple(acts) == plain.activities and list(acts) == list(plain.activities)
            assert len(acts) == len(plain.activities) and acts[0] == plain.activities[0]
            assert acts[-1:] == plain.activities[-1:] and list(reversed(acts)) == list(reversed(plain.activities))
            assert plain.activities[0] in acts and acts.index(plain.activities[-1]) == len(acts) - 1
            more = acts + (plain.activities[0],)
            assert type(more) is tuple and more == plain.activities + (plain.activities[0],)
            assert type(() + acts) is tuple and () + acts == plain.activities
            assert type(pickle.loads(pickle.dumps(acts))) is tuple and pickle.loads(pickle.dumps(cached)) == plain
            assert copy.deepcopy(cached) == plain and repr(acts) == repr(plain.activities)
            compared += 1
    assert compared > 10


def test_packed_activities_pack_again_as_they_were(big, settle_now):
    """A shard rewritten from records that came from the cache keeps their activities as they were."""
    load(big)
    cached = load(big)
    partners = list(cached.store.partners.values())
    packer = cache_module.Packer()
    sectors, packed = packer.pack(partners)
    table = packer.sectors(sectors)
    assert [packer.unpack(data, table) for data in packed] == partners

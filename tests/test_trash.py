"""`coopctl delete` and `coopctl restore`: nothing is deleted without a way back."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coopctl.cli import app
from coopctl.storage.loader import load, load_valid
from helpers import GOOD as BASE
from helpers import make_store

runner = CliRunner()

GOOD = BASE + '''
[[agreements]]
id = "contoh-mou"
title = "MoU pendidikan"
type = "mou"
sectors = ["education"]

[[agreements.terms]]
start = "2020"
'''


@pytest.fixture
def store(tmp_path) -> Path:
    return make_store(tmp_path, GOOD)


def records(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != ".coopctl.lock"}


def run(store: Path, *args: str, input: str | None = None):
    result = runner.invoke(app, [*args, "--store", str(store)], input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_deleting_an_agreement_keeps_a_copy_and_restore_brings_it_back(store):
    original = load_valid(store).store.find_agreement("contoh-pks")
    result = run(store, "delete", "contoh-pks", "--yes")
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == "This moves to the trash (coopctl restore brings it back):"
    assert lines[1] == "  agreement contoh-pks: PKS perdagangan (pks) with Kota Contoh, 1 term, 0 activities"
    assert lines[2].startswith("Saved: delete agreement contoh-pks (moved to trash/")
    assert lines[2].endswith(".agreement.contoh.contoh-pks.toml; bring it back with 'coopctl restore contoh-pks')")
    assert load_valid(store).store.find_agreement("contoh-pks") is None
    assert load_valid(store).store.find_agreement("contoh-mou") is not None
    [trashed] = (store / "trash").iterdir()
    assert trashed.read_text() == GOOD  # the whole file as it was
    assert run(store, "check").exit_code == 0  # the trash is not part of the records

    listed = json.loads(run(store, "restore", "--json").stdout)
    assert [(r["id"], r["record"], r["partner_id"]) for r in listed] == [("contoh-pks", "agreement", "contoh")]
    result = run(store, "restore", "contoh-pks")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("Saved: restore agreement contoh-pks to contoh from trash/")
    assert load_valid(store).store.find_agreement("contoh-pks") == original
    assert not list((store / "trash").iterdir())
    assert run(store, "restore").stdout == "the trash is empty\n"


def test_deleting_a_partner_moves_its_file_untouched_comments_and_all(store):
    commented = "# kept by hand\n" + GOOD
    (store / "partners" / "contoh.toml").write_text(commented)
    result = run(store, "delete", "contoh", "--yes")
    assert result.exit_code == 0, result.stderr
    assert "  partner contoh: Kota Contoh, with 2 agreements:" in result.stderr
    assert "    agreement contoh-mou: MoU pendidikan (mou)" in result.stderr
    assert not (store / "partners" / "contoh.toml").exists()
    assert run(store, "restore", "contoh").exit_code == 0
    assert (store / "partners" / "contoh.toml").read_text() == commented


def test_without_a_terminal_delete_needs_yes(store):
    before = records(store)
    result = run(store, "delete", "contoh")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "coopctl: error: deleting needs --yes when not asked at a terminal; nothing was deleted"
    assert "partner contoh: Kota Contoh" in result.stderr  # it still said what would go
    assert records(store) == before


def test_at_a_terminal_delete_asks(store, monkeypatch):
    from coopctl.cli import team

    monkeypatch.setattr(team, "interactive", lambda no_input: not no_input)
    before = records(store)
    result = run(store, "delete", "contoh-mou", input="n\n")
    assert result.exit_code == 1 and result.stderr.endswith("coopctl: error: nothing was deleted\n")
    assert records(store) == before
    result = run(store, "delete", "contoh-mou", input="y\n")
    assert result.exit_code == 0 and "Delete agreement contoh-mou? [y/N]" in result.stderr
    assert load_valid(store).store.find_agreement("contoh-mou") is None


def test_a_wrong_answer_is_asked_again_in_the_readers_language(store, monkeypatch):
    """Click's confirm answered 'x' with "Error: invalid input" in English, under --lang id too."""
    from coopctl.cli import team

    monkeypatch.setattr(team, "interactive", lambda no_input: not no_input)
    before = records(store)
    result = run(store, "delete", "contoh-mou", "--lang", "id", input="x\n\n")
    assert result.exit_code == 1
    assert "Error" not in result.stderr
    assert result.stderr.count("Hapus kerja sama contoh-mou? [y/N]:") == 2
    assert "jawab y (ya) atau n (tidak)\n" in result.stderr
    assert records(store) == before
    result = run(store, "delete", "contoh-mou", input="maybe\nyes\n")
    assert result.exit_code == 0 and "answer y (yes) or n (no)\n" in result.stderr
    assert load_valid(store).store.find_agreement("contoh-mou") is None


def test_dry_run_deletes_nothing(store):
    before = records(store)
    result = run(store, "delete", "contoh", "--dry-run")
    assert result.exit_code == 0 and "Dry run, nothing written: delete partner contoh" in result.stderr
    assert records(store) == before


def test_restore_refuses_when_the_id_is_taken_again(store):
    assert run(store, "delete", "contoh", "--yes").exit_code == 0
    (store / "partners" / "contoh.toml").write_text(GOOD.replace("contoh-pks", "other-pks").replace("contoh-mou", "other-mou"))
    before = records(store)
    result = run(store, "restore", "contoh")
    assert result.exit_code == 1
    assert "cannot restore partner contoh: the store has a partner with that id again" in result.stderr
    assert records(store) == before
    # an agreement id in use again
    (store / "partners" / "contoh.toml").unlink()
    (store / "partners" / "lain.toml").write_text(GOOD.replace("Kota Contoh", "Kota Lain").replace("contoh-mou", "lain-mou"))
    result = run(store, "restore", "contoh")
    assert result.exit_code == 1 and "agreement id contoh-pks is in use again" in result.stderr


def test_an_agreement_whose_partner_is_gone_brings_the_partner_back(store):
    assert run(store, "delete", "contoh-pks", "--yes").exit_code == 0
    assert run(store, "delete", "contoh", "--yes").exit_code == 0
    result = run(store, "restore", "contoh-pks")  # its own entry, not the partner's
    assert result.exit_code == 0, result.stderr
    assert "and its partner contoh, which was no longer in the store" in result.stderr
    restored = load_valid(store).store
    assert [a.id for a in restored.partners["contoh"].agreements] == ["contoh-pks"]
    # the partner's own entry is still there, and now clashes
    assert "the store has a partner with that id again" in run(store, "restore", "contoh").stderr


def test_an_agreement_that_went_with_its_partner_points_there(store):
    assert run(store, "delete", "contoh", "--yes").exit_code == 0
    result = run(store, "restore", "contoh-mou")
    assert result.exit_code == 1
    assert result.stderr == ("coopctl: error: agreement contoh-mou was deleted with its partner contoh; "
                             "bring both back with 'coopctl restore contoh'\n")


def test_deleting_an_agreement_from_a_commented_file_needs_force(store):
    commented = GOOD.replace('title = "PKS perdagangan"', 'title = "PKS perdagangan"  # see scan')
    (store / "partners" / "contoh.toml").write_text(commented)
    result = run(store, "delete", "contoh-mou", "--yes")
    assert result.exit_code == 1 and "comments" in result.stderr and "--force" in result.stderr
    assert not (store / "trash").exists()
    result = run(store, "delete", "contoh-mou", "--yes", "--force")
    assert result.exit_code == 0
    [trashed] = (store / "trash").iterdir()
    assert trashed.read_text() == commented  # the comments are in the trash, not lost


def test_the_same_id_deleted_twice_in_one_second_gets_two_entries_and_the_newest_comes_back(store, monkeypatch):
    from datetime import datetime, timezone

    from coopctl.storage import trash

    frozen = datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    real = trash._entry_name
    monkeypatch.setattr(trash, "_entry_name", lambda root, tail, now=None: real(root, tail, frozen))
    assert run(store, "delete", "contoh", "--yes").exit_code == 0
    (store / "partners" / "contoh.toml").write_text(GOOD.replace("PKS perdagangan", "second").replace("contoh-mou", "c2"))
    assert run(store, "delete", "contoh", "--yes").exit_code == 0
    names = sorted(p.name for p in (store / "trash").iterdir())
    assert names == ["20250102T030405Z-2.partner.contoh.toml", "20250102T030405Z.partner.contoh.toml"]
    assert run(store, "restore", "contoh").exit_code == 0
    assert load_valid(store).store.find_agreement("contoh-pks").title == "second"
    assert [p.name for p in (store / "trash").iterdir()] == ["20250102T030405Z.partner.contoh.toml"]


def test_restore_of_nothing(store):
    assert run(store, "restore", "x").stderr == "coopctl: error: the trash is empty: nothing called 'x' to restore\n"
    run(store, "delete", "contoh-pks", "--yes")
    result = run(store, "restore", "contoh-pk")
    assert result.exit_code == 1 and "nothing in the trash is called 'contoh-pk'; did you mean contoh-pks?" in result.stderr


def test_garbage_in_the_trash_is_never_read_as_records(store):
    (store / "trash").mkdir()
    (store / "trash" / "20250101T000000Z.partner.junk.toml").write_text("[[ not toml")
    (store / "trash" / "notes.txt").write_text("x")
    assert run(store, "check").exit_code == 0
    result = run(store, "restore", "junk")
    assert result.exit_code == 1
    assert f"cannot restore from {store}/trash/20250101T000000Z.partner.junk.toml" in result.stderr
    assert "the file is plain TOML" in result.stderr


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_in_a_git_store_delete_and_restore_are_one_commit_each(tmp_path, monkeypatch):
    for key, value in {"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "T",
                       "GIT_COMMITTER_EMAIL": "t@example.org"}.items():
        monkeypatch.setenv(key, value)
    root = tmp_path / "g"
    assert runner.invoke(app, ["init", "--git", "--sample", "--store", str(root)]).exit_code == 0
    assert run(root, "delete", "alexandria-loi", "--yes").exit_code == 0
    assert run(root, "restore", "alexandria-loi").exit_code == 0
    log = subprocess.run(["git", "-C", str(root), "log", "--format=%s", "--name-status"], capture_output=True, text=True).stdout
    assert "delete agreement alexandria-loi" in log and "restore agreement alexandria-loi" in log
    status = subprocess.run(["git", "-C", str(root), "status", "--porcelain"], capture_output=True, text=True).stdout
    assert status == ""
    assert load(root).problems == []

"""A git-backed store: one commit per change, hand edits apart, sync through a bare remote, history."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coopctl.cli import app

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
runner = CliRunner()


@pytest.fixture(autouse=True)
def _git_identity(git_identity):
    """Every test here runs with the git identity of tests/conftest.py."""


def run(store: Path, *args: str):
    return runner.invoke(app, [*args, "--store", str(store)])


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout


def log(root: Path) -> list[tuple[str, list[str]]]:
    """(subject, files) per commit, newest first."""
    out = git(root, "log", "--format=%x1e%s", "--name-only")
    entries = []
    for record in out.split("\x1e")[1:]:
        subject, _, names = record.partition("\n")
        entries.append((subject, [n for n in names.split("\n") if n]))
    return entries


@pytest.fixture
def repo(tmp_path) -> Path:
    store = tmp_path / "jatim"
    result = run(store, "init", "--sample", "--git")
    assert result.exit_code == 0, result.stderr
    return store


def test_init_git_makes_a_first_commit(repo):
    assert log(repo) == [("init: the East Java example (8 partner files)",
                          [".gitignore", "coopctl.toml"] + [f"partners/{p}.toml" for p in
                           ["alexandria", "dki-jakarta", "gyeongnam", "osaka", "samarkand", "tianjin", "unicef", "western-australia"]])]
    assert git(repo, "log", "-1", "--format=%an <%ae>").strip() == "Test Clerk <clerk@example.org>"


def test_every_change_is_one_commit_of_exactly_its_files(repo):
    assert run(repo, "renew", "unicef-cpap-2021-2025", "--until", "2030", "--pending").exit_code == 0
    assert run(repo, "log", "osaka-sister-province", "Talks", "--date", "2024-02-21", "--sector", "economy").exit_code == 0
    assert log(repo)[:2] == [
        ("log osaka-sister-province: 2024-02-21 note (economy) Talks", ["partners/osaka.toml"]),
        ("renew unicef-cpap-2021-2025: pending term 2026-01-01..2030", ["partners/unicef.toml"]),
    ]
    assert git(repo, "status", "--porcelain") == ""  # the lock file is ignored


def test_renewal_message_names_the_term(repo):
    run(repo, "renew", "western-australia-sister-state", "--signed", "6/9/2023")
    run(repo, "renew", "western-australia-sister-state", "--until", "2033-09-05", "--pending")
    assert log(repo)[0][0] == "renew western-australia-sister-state: pending term 2028-09-06..2033-09-05"


def test_hand_edits_are_committed_apart_first(repo):
    path = repo / "partners" / "samarkand.toml"
    path.write_text(path.read_text(encoding="utf-8") + 'level = "province"\n'.replace("level", "local_name"), encoding="utf-8")
    assert run(repo, "check").exit_code == 0
    assert run(repo, "renew", "unicef-cpap-2021-2025", "--until", "2030", "--pending").exit_code == 0
    assert log(repo)[:2] == [
        ("renew unicef-cpap-2021-2025: pending term 2026-01-01..2030", ["partners/unicef.toml"]),
        ("Edits made outside coopctl: partners/samarkand.toml", ["partners/samarkand.toml"]),
    ]


def test_dry_run_and_failed_change_make_no_commit(repo):
    before = log(repo)
    assert run(repo, "renew", "unicef-cpap-2021-2025", "--until", "2030", "--pending", "--dry-run").exit_code == 0
    assert run(repo, "renew", "nope", "--until", "2030", "--pending").exit_code == 1
    assert log(repo) == before


def test_a_plain_store_behaves_as_before_and_has_no_history(tmp_path):
    store = tmp_path / "plain"
    run(store, "init", "--sample")
    assert run(store, "renew", "unicef-cpap-2021-2025", "--until", "2030", "--pending").exit_code == 0
    assert not (store / ".git").exists()
    result = run(store, "history")
    assert result.exit_code == 1
    assert "not a git-backed store, so coopctl keeps no history" in result.stderr


def test_sync_of_a_plain_store_is_refused_and_leaves_nothing(tmp_path):
    """It made the store's state folder (.coopctl/) before saying the store is not git-backed."""
    store = tmp_path / "plain"
    run(store, "init", "--sample")
    before = sorted(p.relative_to(store) for p in store.rglob("*") if p.name != ".coopctl.lock")
    result = run(store, "sync")
    assert result.exit_code == 1
    assert result.stderr == (f"coopctl: error: {store} is not a git-backed store; make one with 'coopctl init --git' "
                             "or 'git init' in it\n")
    assert sorted(p.relative_to(store) for p in store.rglob("*") if p.name != ".coopctl.lock") == before


def test_a_store_inside_another_repository_is_not_committed_to(tmp_path):
    outer = tmp_path / "outer"
    outer.mkdir()
    git(outer, "init", "-q")
    store = outer / "store"
    run(store, "init", "--sample")
    assert run(store, "renew", "unicef-cpap-2021-2025", "--until", "2030", "--pending").exit_code == 0
    assert subprocess.run(["git", "-C", str(outer), "log"], capture_output=True).returncode != 0  # still no commit


def test_history_newest_first_for_store_partner_and_agreement(repo):
    run(repo, "renew", "tianjin-sister-province", "--from", "2024-01-01", "--until", "2028-12-31", "--signed", "2023-12-01")
    run(repo, "add", "tianjin", "--title", "Teaching factory", "--type", "pks", "--start", "2024", "--id", "tianjin-tefa")
    rows = json.loads(run(repo, "history", "--json").stdout)
    assert [r["change"].split(":")[0] for r in rows] == ["add tianjin-tefa (pks) for Tianjin", "renew tianjin-sister-province", "init"]
    assert rows[0]["author"] == "Test Clerk"
    assert len(json.loads(run(repo, "history", "tianjin", "--json").stdout)) == 3
    only = json.loads(run(repo, "history", "tianjin-sister-province", "--json").stdout)
    assert [r["change"].split(":")[0] for r in only] == ["renew tianjin-sister-province", "init"]
    assert "no partner or agreement" in run(repo, "history", "tianjn").stderr


def test_history_of_an_agreement_lists_an_edit_of_it_that_names_only_the_file(repo):
    """`coopctl edit` commits 'edit partners/osaka.toml': a retitling of the Osaka agreement was missing from
    `history osaka-sister-province` (its message does not name the agreement, its id's count is unchanged);
    an edit of another value of the file (the partner's local name) is still not the agreement's."""
    path = repo / "partners" / "osaka.toml"
    text = path.read_text(encoding="utf-8")
    retitled = text.replace('title = "Sister-province relationship East Java – Osaka Prefecture"',
                            'title = "Sister province East Java – Osaka"')
    assert retitled != text
    path.write_text(retitled, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "coopctl: edit partners/osaka.toml")
    path.write_text(retitled.replace('local_name = "Prefektur Osaka"', 'local_name = "Osaka-fu"'), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "coopctl: edit partners/osaka.toml (local name)")
    only = json.loads(run(repo, "history", "osaka-sister-province", "--json").stdout)
    assert [r["change"] for r in only] == ["coopctl: edit partners/osaka.toml",
                                           "init: the East Java example (8 partner files)"]
    assert len(json.loads(run(repo, "history", "osaka", "--json").stdout)) == 3


def clone(remote: Path, where: Path) -> Path:
    subprocess.run(["git", "clone", "-q", str(remote), str(where)], check=True, capture_output=True)
    return where


@pytest.fixture
def team(repo, tmp_path):
    """A bare remote with the store, and two clones of it (two clerks)."""
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    git(repo, "remote", "add", "origin", str(remote))
    result = run(repo, "sync")
    assert result.exit_code == 0, result.stderr
    return remote, clone(remote, tmp_path / "ani"), clone(remote, tmp_path / "budi")


def test_two_clerks_changing_different_partners_merge_without_conflict(team):
    remote, ani, budi = team
    assert run(ani, "renew", "unicef-cpap-2021-2025", "--until", "2030", "--pending").exit_code == 0
    assert run(budi, "log", "osaka-sister-province", "Talks", "--date", "2024-02-21", "--sector", "economy").exit_code == 0
    assert run(ani, "sync").exit_code == 0
    result = run(budi, "sync")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "Synced main with origin: received 1 commit, sent 1 commit\n"
    assert run(ani, "sync").exit_code == 0
    for clerk in (ani, budi):
        assert run(clerk, "check").exit_code == 0
        subjects = [s for s, _ in log(clerk)]
        assert any(s.startswith("renew unicef") for s in subjects) and any(s.startswith("log osaka") for s in subjects)


def test_a_conflict_says_both_values_and_leaves_the_store_as_it_was(team):
    remote, ani, budi = team
    run(ani, "renew", "unicef-cpap-2021-2025", "--until", "2030", "--pending")
    run(budi, "renew", "unicef-cpap-2021-2025", "--until", "2031", "--pending")
    assert run(ani, "sync").exit_code == 0
    mine = git(budi, "rev-parse", "HEAD")
    result = run(budi, "sync")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == \
        '  partners/unicef.toml: agreements[unicef-cpap-2021-2025].terms[2026-01-01].end: mine "2031", theirs "2030"'
    assert "coopctl sync --take mine" in result.stderr and "coopctl sync --take theirs" in result.stderr
    assert git(budi, "rev-parse", "HEAD") == mine and git(budi, "status", "--porcelain") == ""  # no merge left half-way
    assert 'end = "2031"' in (budi / "partners" / "unicef.toml").read_text(encoding="utf-8")
    assert run(budi, "check").exit_code == 0


def test_sync_errors_are_one_line(repo, tmp_path):
    no_remote = run(repo, "sync")
    assert no_remote.exit_code == 1 and "has no git remote" in no_remote.stderr
    git(repo, "remote", "add", "origin", str(tmp_path / "missing.git"))
    gone = run(repo, "sync")
    assert gone.exit_code == 1 and gone.stderr.count("\n") == 1
    plain = tmp_path / "plain"
    run(plain, "init")
    assert "not a git-backed store" in run(plain, "sync").stderr

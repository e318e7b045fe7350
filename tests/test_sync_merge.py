"""Team sync without conflicts on routine work: partner files merged record by record (storage.merge),
a real conflict reported with both values and settled with `sync --take`, and `init --git` made safe."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coopctl.cli import app
from coopctl.storage import merge

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
runner = CliRunner()
AS_OF = "2026-01-15"
OSAKA = "osaka-sister-province"
OSAKA_TITLE = "Sister-province relationship East Java – Osaka Prefecture"


@pytest.fixture(autouse=True)
def _git_identity(git_identity):
    """Every test here runs with the git identity of tests/conftest.py."""


def run(store: Path, *args: str, env: dict | None = None):
    return runner.invoke(app, [*args, "--store", str(store)], env=env)


def git(root: Path, *args: str, check: bool = True) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=check).stdout


def activities(store: Path, agreement: str) -> list[str]:
    result = run(store, "activities", "--agreement", agreement, "--json")
    assert result.exit_code == 0, result.stderr
    return sorted(row["summary"] for row in json.loads(result.stdout))


@pytest.fixture
def team(tmp_path) -> tuple[Path, Path]:
    """Two clerks' clones (made with plain `git clone`) of a git-backed example store in a bare remote."""
    origin = tmp_path / "jatim"
    assert run(origin, "init", "--sample", "--git").exit_code == 0
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    git(origin, "remote", "add", "origin", str(remote))
    assert run(origin, "sync").exit_code == 0
    clones = []
    for name in ("ani", "budi"):
        subprocess.run(["git", "clone", "-q", str(remote), str(tmp_path / name)], check=True, capture_output=True)
        clones.append(tmp_path / name)
    return clones[0], clones[1]


def sync_all(ani: Path, budi: Path) -> None:
    for clerk in (ani, budi, ani):
        result = run(clerk, "sync")
        assert result.exit_code == 0, result.stderr


def same_files(ani: Path, budi: Path) -> None:
    assert git(ani, "rev-parse", "HEAD") == git(budi, "rev-parse", "HEAD")
    for clerk in (ani, budi):
        assert git(clerk, "status", "--porcelain") == ""
        check = run(clerk, "check", "--as-of", AS_OF)
        assert check.exit_code == 0, check.stdout + check.stderr


def log_meeting(store: Path, summary: str, day: str) -> None:
    result = run(store, "log", OSAKA, summary, "--date", day, "--sector", "economy", "--type", "meeting")
    assert result.exit_code == 0, result.stderr


# ---------------------------------------------------------------- routine work merges


def test_two_meetings_logged_under_the_same_agreement_merge_without_conflict(team):
    ani, budi = team
    before = activities(ani, OSAKA)
    log_meeting(ani, "Talks on vocational exchange", "2025-03-04")
    log_meeting(budi, "MSME trade mission debrief", "2025-03-05")
    assert run(ani, "sync").exit_code == 0
    result = run(budi, "sync")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "Synced main with origin: received 1 commit, sent 1 commit\n"
    assert run(ani, "sync").exit_code == 0
    for clerk in (ani, budi):
        assert activities(clerk, OSAKA) == sorted(before + ["Talks on vocational exchange", "MSME trade mission debrief"])
    same_files(ani, budi)
    # the file is coopctl's own canonical text: rewriting it changes nothing
    text = (ani / "partners" / "osaka.toml").read_text(encoding="utf-8")
    assert "<<<<<<<" not in text
    subjects = git(ani, "log", "--format=%s").splitlines()
    assert subjects[:2] == ["log osaka-sister-province: 2025-03-05 meeting (economy) MSME trade mission debrief",
                            "log osaka-sister-province: 2025-03-04 meeting (economy) Talks on vocational exchange"]


def test_a_fresh_clone_gets_the_merge_registered_by_its_first_sync(team):
    ani, budi = team
    assert git(budi, "config", "--get", "merge.coopctl.driver", check=False) == ""
    assert run(budi, "sync").exit_code == 0
    assert "-m coopctl merge-driver %O %A %B %P" in git(budi, "config", "--get", "merge.coopctl.driver")
    attributes = git(budi, "rev-parse", "--git-path", "info/attributes").strip()
    assert "/partners/*.toml merge=coopctl" in (budi / attributes).read_text(encoding="utf-8").splitlines()
    assert git(budi, "status", "--porcelain") == ""  # registering changes no file of the store


def test_milestones_and_documents_added_on_both_sides_merge(team, tmp_path):
    ani, budi = team
    wa = "western-australia-sister-state"
    assert run(ani, "milestone", wa, "rks", "--date", "2022-03-01").exit_code == 0
    result = run(budi, "milestone", wa, "dprd-letter", "--date", "2022-04-01", "--ref", "120/2022")
    assert result.exit_code == 0, result.stderr
    for clerk, name in ((ani, "minutes.txt"), (budi, "approval.txt")):
        paper = tmp_path / name
        paper.write_text(f"{name} of the renewal\n", encoding="utf-8")
        attached = run(clerk, "attach", wa, str(paper), "--kind", "other", "--date", "2022-05-01")
        assert attached.exit_code == 0, attached.stderr
    log_meeting(ani, "Both sides at once", "2025-01-02")
    sync_all(ani, budi)
    for clerk in (ani, budi):
        shown = run(clerk, "plan", wa, "--as-of", "2022-06-01", "--json")
        assert shown.exit_code == 0, shown.stderr
        text = (clerk / "partners" / "western-australia.toml").read_text(encoding="utf-8")
        assert text.count('id = "rks"') == 1 and text.count('id = "dprd-letter"') == 1
        assert 'name = "minutes.txt"' in text and 'name = "approval.txt"' in text
        docs = run(clerk, "docs", wa, "--json")
        assert docs.exit_code == 0, docs.stderr
        assert sorted(d["name"] for d in json.loads(docs.stdout)) == ["approval.txt", "minutes.txt"]
    same_files(ani, budi)


def test_the_same_new_partner_added_on_both_sides_merges_its_agreements(team):
    ani, budi = team
    for clerk, title, start, aid in ((ani, "MoU on smart city", "2024-01-01", "seoul-smart-city"),
                                     (budi, "MoU on tourism", "2024-05-01", "seoul-tourism")):
        added = run(clerk, "add", "Seoul Metropolitan Government", "--partner-id", "seoul", "--country", "KR",
                    "--kind", "foreign-local-gov", "--title", title, "--type", "mou", "--start", start,
                    "--end", "2028-12-31", "--signed", start, "--id", aid, "--no-input")
        assert added.exit_code == 0, added.stderr
    sync_all(ani, budi)
    for clerk in (ani, budi):
        listed = json.loads(run(clerk, "list", "--partner", "seoul", "--json", "--as-of", AS_OF).stdout)
        assert sorted(row["id"] for row in listed) == ["seoul-smart-city", "seoul-tourism"]
    same_files(ani, budi)


# ---------------------------------------------------------------- a real conflict


def edit_title(store: Path, title: str) -> None:
    """`coopctl edit` with a script as the editor, as a clerk changing the agreement's title would."""
    script = store.parent / "retitle.py"
    script.write_text(
        "import os, sys\n"
        "path = sys.argv[1]\n"
        "text = open(path, encoding='utf-8').read()\n"
        f"text = text.replace({OSAKA_TITLE!r}, os.environ['NEW_TITLE'], 1)\n"
        "open(path, 'w', encoding='utf-8').write(text)\n", encoding="utf-8")
    result = run(store, "edit", OSAKA, env={"EDITOR": f"{sys.executable} {script}", "VISUAL": "", "NEW_TITLE": title})
    assert result.exit_code == 0, result.stderr


def title(store: Path) -> str:
    shown = run(store, "show", OSAKA, "--json", "--as-of", AS_OF)
    assert shown.exit_code == 0, shown.stderr
    data = json.loads(shown.stdout)
    return data["title"] if "title" in data else data["agreement"]["title"]


def test_two_edits_of_one_title_are_reported_with_both_values_and_settled_by_take(team):
    ani, budi = team
    edit_title(ani, "Sister province East Java – Osaka (Ani)")
    edit_title(budi, "Sister province East Java – Osaka (Budi)")
    log_meeting(budi, "Meeting that must survive the conflict", "2025-06-01")
    assert run(ani, "sync").exit_code == 0
    head = git(budi, "rev-parse", "HEAD")
    result = run(budi, "sync")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == ('  partners/osaka.toml: agreements[osaka-sister-province].title: '
                        'mine "Sister province East Java – Osaka (Budi)", theirs "Sister province East Java – Osaka (Ani)"')
    assert lines[1].startswith("coopctl: error: sync found changes to the same values on both sides")
    assert f"coopctl sync --take mine --store {budi}" in lines[1] and "--take theirs" in lines[1]
    assert "Traceback" not in result.stderr and len(lines) == 2
    # the store is as it was: no rebase in progress, no markers, the clerk's own commits in place
    assert git(budi, "rev-parse", "HEAD") == head and git(budi, "status", "--porcelain") == ""
    assert not (budi / ".git" / "rebase-merge").exists()
    # ... so reading commands (and writing ones) work on the last good state meanwhile
    listed = run(budi, "list", "--partner", "osaka", "--json", "--as-of", AS_OF)
    assert listed.exit_code == 0 and json.loads(listed.stdout)[0]["title"] == "Sister province East Java – Osaka (Budi)"
    assert run(budi, "renew", "--as-of", AS_OF).exit_code == 0
    assert run(budi, "check", "--as-of", AS_OF).exit_code == 0
    # settled: the other side's title, and nothing else of either side lost
    settled = run(budi, "sync", "--take", "theirs")
    assert settled.exit_code == 0, settled.stderr
    # Budi's title edit, the other title taken, changes nothing any more and is dropped; his meeting is sent
    assert settled.stderr == "Synced main with origin: received 1 commit, sent 1 commit\n"
    assert run(ani, "sync").exit_code == 0
    for clerk in (ani, budi):
        assert title(clerk) == "Sister province East Java – Osaka (Ani)"
        assert "Meeting that must survive the conflict" in activities(clerk, OSAKA)
    same_files(ani, budi)


def test_take_mine_keeps_the_clerks_own_value(team):
    ani, budi = team
    edit_title(ani, "Title by Ani")
    edit_title(budi, "Title by Budi")
    assert run(ani, "sync").exit_code == 0
    assert run(budi, "sync").exit_code == 1
    assert run(budi, "sync", "--take", "mine").exit_code == 0
    assert run(ani, "sync").exit_code == 0
    assert title(ani) == title(budi) == "Title by Budi"
    same_files(ani, budi)


def test_sync_in_indonesian_keeps_the_branch_name_as_it_is(team):
    """The message was '{branch} disinkronkan ...' and the CLI capitalises a message's first letter: the
    branch main was shown as 'Main'."""
    ani, budi = team
    log_meeting(ani, "Talks on vocational exchange", "2025-03-04")
    result = run(ani, "sync", "--lang", "id")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "Sinkronisasi main dengan origin selesai: diterima 0 commit, dikirim 1 commit\n"
    git(budi, "checkout", "-q", "-b", "field-office")
    first = run(budi, "sync", "--lang", "id")
    assert first.exit_code == 0, first.stderr
    assert first.stderr == "Sinkronisasi field-office dengan origin selesai (push pertama)\n"


def test_an_edit_is_committed_and_undone_under_the_message_it_was_saved_with(team):
    """`coopctl edit` committed 'coopctl: edit partners/osaka.toml' (in English whatever --lang) where it said
    'Saved: edit partners/osaka.toml', and undo said 'Undone: coopctl: edit ...'."""
    ani, _ = team
    edit_title(ani, "Sister province East Java – Osaka")
    assert git(ani, "log", "-1", "--format=%s").strip() == "edit partners/osaka.toml"
    undone = run(ani, "undo")
    assert undone.stderr == "Undone: edit partners/osaka.toml\n"
    script = ani.parent / "retitle.py"
    edited = run(ani, "edit", OSAKA, "--lang", "id",
                 env={"EDITOR": f"{sys.executable} {script}", "VISUAL": "", "NEW_TITLE": "Provinsi kembar Osaka"})
    assert edited.exit_code == 0, edited.stderr
    assert git(ani, "log", "-1", "--format=%s").strip() == "sunting partners/osaka.toml"


def test_take_needs_mine_or_theirs(team):
    ani, _ = team
    result = run(ani, "sync", "--take", "both")
    assert result.exit_code == 2 and result.stderr == "coopctl: error: --take is mine or theirs, not 'both'\n"


def test_an_edit_of_what_the_other_side_deleted_is_a_conflict(team):
    ani, budi = team
    assert run(ani, "delete", "tianjin-vocational-mou-2016", "--yes").exit_code == 0
    ended = run(budi, "terminate", "tianjin-vocational-mou-2016", "--date", "2025-01-01", "--reason", "Ended by both")
    assert ended.exit_code == 0, ended.stderr
    assert run(ani, "sync").exit_code == 0
    result = run(budi, "sync")
    assert result.exit_code == 1
    assert "  partners/tianjin.toml: agreements[tianjin-vocational-mou-2016]: mine {" in result.stderr
    assert "theirs (removed)" in result.stderr
    assert run(budi, "check", "--as-of", AS_OF).exit_code == 0
    assert run(budi, "sync", "--take", "theirs").exit_code == 0
    assert "tianjin-vocational-mou-2016" not in (budi / "partners" / "tianjin.toml").read_text(encoding="utf-8")


def test_one_renewal_recorded_pending_by_one_clerk_and_signed_by_the_other_is_a_conflict(team):
    """Both add the term starting 2026-01-01: merged field by field it became pending AND signed (and check
    passed it); it is one conflict, settled by taking one side's term whole."""
    ani, budi = team
    unicef = "unicef-cpap-2021-2025"
    pending = run(ani, "renew", unicef, "--until", "2030", "--pending", "--recorded", "2025-10-01")
    assert pending.exit_code == 0, pending.stderr
    signed = run(budi, "renew", unicef, "--until", "2030", "--signed", "2025-12-16")
    assert signed.exit_code == 0, signed.stderr
    assert run(ani, "sync").exit_code == 0
    result = run(budi, "sync")
    assert result.exit_code == 1, result.stderr
    assert f"  partners/unicef.toml: agreements[{unicef}].terms[2026-01-01]: mine {{" in result.stderr
    assert "sync found changes to the same values on both sides" in result.stderr
    assert git(budi, "status", "--porcelain") == ""
    assert run(budi, "sync", "--take", "mine").exit_code == 0
    assert run(ani, "sync").exit_code == 0
    for clerk in (ani, budi):
        text = (clerk / "partners" / "unicef.toml").read_text(encoding="utf-8")
        assert "signed = 2025-12-16" in text and "pending = true" not in text
    same_files(ani, budi)


def test_check_refuses_a_term_both_pending_and_signed(example):
    store = example
    path = store / "partners" / "western-australia.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("pending = true\n", "pending = true\nsigned = 2023-09-05\n"),
                    encoding="utf-8")
    result = run(store, "check", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert "western-australia.toml:" in result.stdout
    assert "a term cannot be both pending and signed; clear one of the two" in result.stdout


def add_comment(store: Path) -> None:
    path = store / "partners" / "osaka.toml"
    path.write_text("# kept by hand: the 1984 MoU is in the archive, box 12\n" + path.read_text(encoding="utf-8"),
                    encoding="utf-8")


def test_a_file_with_comments_is_merged_by_git_lines_and_keeps_them(team):
    ani, budi = team
    add_comment(ani)  # a hand edit: committed by the next sync
    log_meeting(budi, "Logged by Budi", "2025-02-02")
    sync_all(ani, budi)
    for clerk in (ani, budi):
        text = (clerk / "partners" / "osaka.toml").read_text(encoding="utf-8")
        assert text.startswith("# kept by hand") and "Logged by Budi" in text
    same_files(ani, budi)


def test_a_line_conflict_in_a_hand_edited_file_is_reported_and_undone(team):
    ani, budi = team
    add_comment(ani)
    path = ani / "partners" / "osaka.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(OSAKA_TITLE, "Retitled by hand"), encoding="utf-8")
    edit_title(budi, "Retitled with coopctl edit")
    assert run(ani, "sync").exit_code == 0
    head = git(budi, "rev-parse", "HEAD")
    result = run(budi, "sync")
    assert result.exit_code == 1
    assert result.stderr.startswith("  partners/osaka.toml: changed on both sides in the same lines")
    assert git(budi, "rev-parse", "HEAD") == head and git(budi, "status", "--porcelain") == ""
    assert run(budi, "check", "--as-of", AS_OF).exit_code == 0
    assert run(budi, "sync", "--take", "mine").exit_code == 0
    text = (budi / "partners" / "osaka.toml").read_text(encoding="utf-8")
    assert "Retitled with coopctl edit" in text and text.startswith("# kept by hand") and "<<<<<<<" not in text


# ---------------------------------------------------------------- the merge itself


def test_merge_data_additions_commute_and_edits_of_one_side_win():
    base = {"name": "Osaka", "agreements": [{"id": "a", "title": "T", "activities": [{"summary": "old"}],
                                             "terms": [{"start": date(2014, 2, 19)}]}]}
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["agreements"][0]["activities"] += [{"summary": "mine"}, {"summary": "both"}]
    theirs["agreements"][0]["activities"] += [{"summary": "theirs"}, {"summary": "both"}]
    theirs["agreements"][0]["terms"].append({"start": date(2024, 2, 19), "pending": True})
    theirs["name"] = "Osaka Prefecture"
    merged, conflicts = merge.merge_data(base, ours, theirs)
    assert conflicts == []
    assert merged["name"] == "Osaka Prefecture"
    assert [a["summary"] for a in merged["agreements"][0]["activities"]] == ["old", "mine", "both", "theirs"]
    assert [t["start"] for t in merged["agreements"][0]["terms"]] == [date(2014, 2, 19), date(2024, 2, 19)]
    swapped, conflicts = merge.merge_data(base, theirs, ours)
    assert conflicts == []
    assert [a["summary"] for a in swapped["agreements"][0]["activities"]] == ["old", "theirs", "both", "mine"]


def test_merge_data_removal_on_one_side_stays_removed_and_two_edits_conflict():
    base = {"agreements": [{"id": "a", "title": "T"}, {"id": "b", "title": "U"}], "sources": ["x", "y"]}
    ours = {"agreements": [{"id": "a", "title": "T1"}, {"id": "b", "title": "U"}], "sources": ["x"]}
    theirs = {"agreements": [{"id": "a", "title": "T2"}], "sources": ["x", "y", "z"]}
    merged, conflicts = merge.merge_data(base, ours, theirs)
    assert merged["agreements"] == [{"id": "a", "title": "T1"}] and merged["sources"] == ["x", "z"]
    assert conflicts == [merge.Conflict("agreements[a].title", "T1", "T2")]
    taken, again = merge.merge_data(base, ours, theirs, prefer="B")
    assert taken["agreements"] == [{"id": "a", "title": "T2"}] and again == conflicts


def test_the_driver_writes_canonical_text_and_reports_conflicts(tmp_path, example, monkeypatch):
    text = (example / "partners" / "osaka.toml").read_text(encoding="utf-8")
    base, ours, theirs = tmp_path / "O", tmp_path / "A", tmp_path / "B"
    base.write_text(text, encoding="utf-8")
    ours.write_text(text.replace("Talks on revitalising", "Talks (edited) on revitalising"), encoding="utf-8")
    theirs.write_text(text.replace('local_name = "Prefektur Osaka"', 'local_name = "Prefektur Osaka (Jepang)"'),
                      encoding="utf-8")
    monkeypatch.chdir(example)
    assert merge.merge_file(base, ours, theirs, "partners/osaka.toml") == 0
    merged = ours.read_text(encoding="utf-8")
    assert "Talks (edited) on revitalising" in merged and "Prefektur Osaka (Jepang)" in merged
    report = tmp_path / "report.jsonl"
    monkeypatch.setenv(merge.REPORT_ENV, str(report))
    monkeypatch.setenv(merge.MINE_ENV, "B")
    ours.write_text(text.replace('local_name = "Prefektur Osaka"', 'local_name = "Osaka-fu"'), encoding="utf-8")
    assert merge.merge_file(base, ours, theirs, "partners/osaka.toml") == 1
    assert merge.read_report(report) == [{"path": "partners/osaka.toml", "field": "local_name",
                                          "mine": '"Prefektur Osaka (Jepang)"', "theirs": '"Osaka-fu"'}]
    assert "<<<<<<<" in ours.read_text(encoding="utf-8")  # what git's own merge would have left


# ---------------------------------------------------------------- init --git


def no_identity(tmp_path, monkeypatch) -> None:
    empty = tmp_path / "no-identity.gitconfig"
    empty.write_text("[user]\n\tuseConfigOnly = true\n", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(name, raising=False)


def test_init_git_without_identity_creates_nothing(tmp_path, monkeypatch):
    no_identity(tmp_path, monkeypatch)
    store = tmp_path / "new"
    result = run(store, "init", "--sample", "--git")
    assert result.exit_code == 1 and "git does not know who you are" in result.stderr
    assert result.stderr.count("\n") == 1 and not store.exists()
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    assert run(empty_dir, "init", "--git").exit_code == 1 and list(empty_dir.iterdir()) == []
    plain = tmp_path / "plain"
    assert run(plain, "init").exit_code == 0
    before = sorted(p.name for p in plain.iterdir())
    assert run(plain, "init", "--git").exit_code == 1
    assert sorted(p.name for p in plain.iterdir()) == before  # no .git, no .gitignore left behind


def test_init_git_after_a_failed_one_works(tmp_path, monkeypatch):
    store = tmp_path / "new"
    with monkeypatch.context() as m:
        no_identity(tmp_path, m)
        assert run(store, "init", "--git").exit_code == 1
    result = run(store, "init", "--git")
    assert result.exit_code == 0, result.stderr
    assert git(store, "log", "--format=%s").splitlines() == ["init: an empty store (0 partner files)"]


def test_init_git_on_a_plain_store_makes_it_git_backed(tmp_path):
    store = tmp_path / "plain"
    assert run(store, "init", "--sample").exit_code == 0
    log_meeting(store, "Logged before git", "2025-01-10")
    history = run(store, "history")
    assert history.exit_code == 1
    assert history.stderr == (f"coopctl: error: {store} is not a git-backed store, so coopctl keeps no history of it; "
                              f"make it one with: coopctl init --git --store {store}\n")
    result = run(store, "init", "--git")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"Made the store at {store} git-backed (8 partner files), first commit made\n"
    assert git(store, "status", "--porcelain") == ""
    files = git(store, "show", "--name-only", "--format=%s", "HEAD").split()
    assert "partners/osaka.toml" in files and "coopctl.toml" in files and ".gitignore" in files
    assert "Logged before git" in git(store, "show", "HEAD:partners/osaka.toml")
    rows = json.loads(run(store, "history", "--json").stdout)
    assert [r["change"] for r in rows] == ["init --git: the store as it was (8 partner files)"]
    assert "merge-driver" in git(store, "config", "--get", "merge.coopctl.driver")
    log_meeting(store, "Logged after git", "2025-01-11")
    assert len(json.loads(run(store, "history", "--json").stdout)) == 2
    again = run(store, "init", "--git")
    assert again.exit_code == 1 and "is a git-backed store already; nothing was changed" in again.stderr
    assert "already holds a store" in run(store, "init", "--sample", "--git").stderr

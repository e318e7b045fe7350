"""`coopctl edit`: driven by an EDITOR script that plays a person, round by round."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coopctl.storage import editing
from coopctl.cli import app
from coopctl.storage.loader import load, load_valid
from helpers import GOOD, make_store

runner = CliRunner()


# The "person": each time the editor opens, it takes the next step from a JSON plan, records what
# it was shown, and either edits the copy, leaves it as it is, exits with an error, or changes the
# store's own file behind coopctl's back (as a second person would).
EDITOR = r'''
import json, pathlib, sys
plan_file = pathlib.Path(sys.argv[1])
copy = pathlib.Path(sys.argv[2])
state = json.loads(plan_file.read_text())
step = state["steps"][state["round"]]
state["seen"].append(copy.read_text(encoding="utf-8"))
state["round"] += 1
plan_file.write_text(json.dumps(state))
if "behind" in step:
    path, old, new = step["behind"]
    p = pathlib.Path(path)
    p.write_text(p.read_text().replace(old, new))
if "replace" in step:
    old, new = step["replace"]
    text = copy.read_text(encoding="utf-8")
    assert old in text, (old, text)
    copy.write_text(text.replace(old, new), encoding="utf-8")
if "write" in step:
    copy.write_text(step["write"], encoding="utf-8")
sys.exit(step.get("exit", 0))
'''


@pytest.fixture
def store(tmp_path) -> Path:
    return make_store(tmp_path, GOOD)


@pytest.fixture
def person(tmp_path, monkeypatch):
    """Set up the editor with a list of steps; returns a function giving back what it was shown."""
    script = tmp_path / "editor.py"
    script.write_text(EDITOR)
    plan = tmp_path / "plan.json"
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    # a person at a terminal, who answers "edit again" after an invalid save (tests below say when there is none)

    monkeypatch.setattr("coopctl.cli.team.interactive", lambda no_input: not no_input)
    monkeypatch.setattr("coopctl.cli.team.confirm", lambda *args, **kwargs: True)

    def steps(*plan_steps: dict) -> None:
        plan.write_text(json.dumps({"steps": list(plan_steps), "round": 0, "seen": []}))
        monkeypatch.setenv("EDITOR", f"{sys.executable} {script} {plan}")

    def seen() -> list[str]:
        return json.loads(plan.read_text())["seen"]

    steps.seen = seen
    scratch = tmp_path / "xdg-cache" / "coopctl" / "edit"  # the user's cache directory (conftest)
    steps.leftovers = lambda: sorted(p.name for p in scratch.iterdir()) + sorted(p.name for p in (tmp_path / "tmp").iterdir())
    return steps


def edit(store: Path, *args: str):
    result = runner.invoke(app, ["edit", *args, "--store", str(store)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr
    return result


def test_a_valid_change_is_saved_exactly_as_typed_comments_and_all(store, person):
    typed = GOOD.replace('end = 2029-02-28', 'end   =   2030-02-28   # extended by addendum 2, see the scan')
    person({"write": typed})
    result = edit(store, "contoh-pks")  # an agreement id opens its partner's file
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "Saved: edit partners/contoh.toml (it has comments: commands that rewrite it will ask for --force)\n"
    assert (store / "partners" / "contoh.toml").read_text() == typed
    assert load_valid(store).store.find_agreement("contoh-pks").terms[0].end.year == 2030
    assert person.leftovers() == []  # the temporary copy is gone


def test_unchanged_content_writes_nothing(store, person):
    person({})
    before = (store / "partners" / "contoh.toml").stat()
    result = edit(store, "Kota Contoh")  # a partner by name
    assert result.exit_code == 0
    assert result.stderr == "Nothing written: partners/contoh.toml is unchanged\n"
    after = (store / "partners" / "contoh.toml").stat()
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)
    assert not (store / ".coopctl.lock").exists()  # not even the lock was needed
    assert person.leftovers() == []


def test_problems_are_shown_on_top_and_the_editor_reopens_until_valid(store, person):
    person({"replace": ["end = 2029-02-28", "end = 2029-02-30"]},
           {"replace": ["end = 2029-02-30", "end = 2029-03-31"]})
    result = edit(store, "contoh")
    assert result.exit_code == 0, result.stderr
    first, second = person.seen()
    assert first == GOOD
    header = [line for line in second.splitlines() if line.startswith("# coopctl: ")]
    assert header[0] == "# coopctl: partners/contoh.toml has 1 problem; fix and save to check again,"
    problem = header[2]
    assert "'2029-02-30' is not a date in the calendar" in problem
    line = int(problem.split("line ")[1].split(",")[0])
    column = int(problem.split("column ")[1].split(":")[0])
    assert second.splitlines()[line - 1][column - 1:].startswith("2029-02-30")  # numbers match the copy shown
    # the same problem was said on stderr, pointing into the copy
    assert "contoh.toml:" in result.stderr.splitlines()[0] and "is not a date" in result.stderr.splitlines()[0]
    saved = (store / "partners" / "contoh.toml").read_text()
    assert saved == GOOD.replace("end = 2029-02-28", "end = 2029-03-31")
    assert "# coopctl:" not in saved


def test_saving_unchanged_after_a_problem_gives_up_and_keeps_the_copy(store, person):
    person({"replace": ["kind = \"domestic-region\"", "kind = \"regency\""]}, {})
    result = edit(store, "contoh")
    assert result.exit_code == 1
    message = result.stderr.splitlines()[-1]
    assert message.startswith("coopctl: error: partners/contoh.toml was saved again with the same 1 problem: "
                              "the edit is given up and the store is unchanged; your edited copy is kept at ")
    copy = Path(message.split("kept at ")[1])
    assert 'kind = "regency"' in copy.read_text()
    assert (store / "partners" / "contoh.toml").read_text() == GOOD


def test_an_editor_that_exits_with_an_error_gives_up(store, person):
    person({"replace": ["2029-02-28", "2031-02-28"], "exit": 1})
    result = edit(store, "contoh")
    assert result.exit_code == 1
    assert "the editor exited with status 1: the edit is given up and the store is unchanged; your edited copy is kept at" in result.stderr
    assert (store / "partners" / "contoh.toml").read_text() == GOOD
    person({"exit": 2})
    result = edit(store, "contoh")
    assert result.stderr == "coopctl: error: the editor exited with status 2: the edit is given up and the store is unchanged\n"


def test_a_file_changed_on_disk_meanwhile_is_not_overwritten(store, person):
    real = str(store / "partners" / "contoh.toml")
    person({"behind": [real, "PKS perdagangan", "PKS perdagangan (renamed by a colleague)"],
            "replace": ["2029-02-28", "2031-02-28"]})
    result = edit(store, "contoh")
    assert result.exit_code == 1
    message = result.stderr.strip()
    assert message.startswith(f"coopctl: error: {real} was changed by someone else while you were editing it, "
                              "so it was not overwritten; your edited copy is kept at ")
    assert message.endswith("compare the two, then run 'coopctl edit contoh' again")
    copy = Path(message.split("kept at ")[1].split(":")[0])
    assert "2031-02-28" in copy.read_text()
    assert "renamed by a colleague" in Path(real).read_text() and "2031" not in Path(real).read_text()


def test_a_broken_file_can_be_fixed_with_edit(store, person):
    (store / "partners" / "rusak.toml").write_text(GOOD.replace("contoh-pks", "rusak-pks").replace("2029-02-28", "2029-02-30"))
    assert load(store).problems
    person({"replace": ["2029-02-30", "2029-02-28"]})
    result = edit(store, "rusak")
    assert result.exit_code == 0, result.stderr
    assert person.seen()[0].startswith("# coopctl: partners/rusak.toml has 1 problem")  # shown from the start
    assert load(store).problems == []


def test_an_agreement_id_taken_by_another_file_is_a_problem(store, person):
    (store / "partners" / "lain.toml").write_text(GOOD.replace("contoh-pks", "lain-pks").replace("Kota Contoh", "Kota Lain"))
    person({"replace": ['id = "contoh-pks"', 'id = "lain-pks"']}, {})
    result = edit(store, "contoh")
    assert result.exit_code == 1
    assert "agreement id 'lain-pks' is already used in partners/lain.toml" in person.seen()[1]


def test_dry_run_shows_the_change_and_writes_nothing(store, person):
    person({"replace": ["2029-02-28", "2031-02-28"]})
    result = edit(store, "contoh", "--dry-run")
    assert result.exit_code == 0
    assert "-end = 2029-02-28\n+end = 2031-02-28\n" in result.stdout
    assert result.stderr == "Dry run, nothing written: edit partners/contoh.toml\n"
    assert (store / "partners" / "contoh.toml").read_text() == GOOD


def test_unknown_ids_and_a_missing_editor(store, person, monkeypatch):
    result = edit(store, "kontoh")
    assert result.exit_code == 1 and "no partner or agreement 'kontoh'; did you mean contoh" in result.stderr
    monkeypatch.setenv("EDITOR", "no-such-editor-anywhere")
    result = edit(store, "contoh")
    assert result.stderr == ("coopctl: error: cannot start the editor 'no-such-editor-anywhere': no such command; "
                             "set VISUAL or EDITOR to your editor, e.g. EDITOR=nano\n")
    assert person.leftovers() == []


def test_which_editor(monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.setattr(editing.sys.stdin, "isatty", lambda: True)  # a person at a terminal
    assert editing.editor_command() == (["notepad"] if os.name == "nt" else ["vi"])
    monkeypatch.setenv("EDITOR", "code --wait")
    assert editing.editor_command() == ["code", "--wait"]
    monkeypatch.setenv("VISUAL", "'/opt/my editor/bin/ed' -x")
    assert editing.editor_command() == ["/opt/my editor/bin/ed", "-x"]


def test_the_header_is_removed_whatever_the_line_endings_and_bom():
    body = "\ufeffname = 1\r\n".encode()
    problems = [editing.Problem("partners/x.toml", 1, 8, "bad\x1b[31m")]
    shown = editing.with_header(body, "partners/x.toml", problems)
    assert shown.startswith(b"\xef\xbb\xbf# coopctl: ") and b"\r\n" in shown and b"\x1b" not in shown
    assert editing.strip_header(shown) == body


def test_copies_live_in_a_private_directory_and_old_ones_left_by_a_killed_edit_go(store, person, tmp_path):
    """A killed edit leaves its copy (partner data): it is not in the shared temp folder, and the next edit
    removes it once a day old; a newer one (perhaps a given-up edit the person still wants) stays."""
    import os
    import stat
    import time

    scratch = tmp_path / "xdg-cache" / "coopctl" / "edit"
    scratch.mkdir(parents=True, mode=0o700)
    old, recent = scratch / "coopctl-edit-killed1", scratch / "coopctl-edit-recent1"
    for folder in (old, recent):
        folder.mkdir()
        (folder / "contoh.toml").write_text(GOOD)
    day_and_more = time.time() - 86400 - 60
    for path in (old / "contoh.toml", old):
        os.utime(path, (day_and_more, day_and_more))
    person({})
    assert edit(store, "contoh").exit_code == 0
    assert not old.exists() and recent.exists()
    assert stat.S_IMODE(scratch.stat().st_mode) == 0o700
    assert sorted(p.name for p in scratch.iterdir()) == ["coopctl-edit-recent1"]
    assert sorted((tmp_path / "tmp").iterdir()) == []  # nothing in the system's temp folder


# ---------------------------------------------------------------- no person at a terminal (issue 18, item 9)

BREAKS_IT = "import sys\nwith open(sys.argv[-1], 'a') as f:\n    f.write('\\nthis is = = not toml\\n')\n"


def test_an_editor_that_always_breaks_the_file_without_a_terminal_gives_up_at_once(store, tmp_path):
    """A script as EDITOR that appends a broken line each round, and no terminal: one round, exit 1, the store
    untouched, the copy kept, its place said (the timeout is a safety net against a loop, not a timing assert)."""
    import subprocess

    script = tmp_path / "breaks.py"
    script.write_text(BREAKS_IT)
    env = {**os.environ, "EDITOR": f"{sys.executable} {script}", "NO_COLOR": "1"}
    env.pop("VISUAL", None)
    result = subprocess.run([sys.executable, "-m", "coopctl", "edit", "contoh", "--store", str(store)],
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, timeout=20)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    last = result.stderr.splitlines()[-1]
    assert last.startswith("coopctl: error: partners/contoh.toml has 1 problem and there is no terminal to edit it "
                           "again: the edit is given up and the store is unchanged; your edited copy is kept at ")
    copy = Path(last.split("kept at ")[1])
    assert copy.read_text().count("this is = = not toml") == 1  # the editor ran once
    assert (store / "partners" / "contoh.toml").read_text() == GOOD


def test_no_input_gives_up_too_and_a_person_may_give_up_when_asked(store, person, monkeypatch):

    person({"replace": ["end = 2029-02-28", "end = 2029-02-30"]}, {"replace": ["2029-02-30", "2029-03-31"]})
    result = edit(store, "contoh", "--no-input")
    assert result.exit_code == 1 and "there is no terminal to edit it again" in result.stderr
    assert len(person.seen()) == 1
    asked = []
    monkeypatch.setattr("coopctl.cli.team.confirm", lambda text, **kwargs: asked.append(text) or False)
    person({"replace": ["end = 2029-02-28", "end = 2029-02-30"]}, {"replace": ["2029-02-30", "2029-03-31"]})
    result = edit(store, "contoh")
    assert result.exit_code == 1 and asked == ["Edit again? (no: give up, leaving the store as it was)"]
    assert "partners/contoh.toml has 1 problem: the edit is given up and the store is unchanged" in result.stderr
    assert (store / "partners" / "contoh.toml").read_text() == GOOD


def test_without_an_editor_set_or_a_terminal_edit_refuses_before_starting_vi(tmp_path, monkeypatch):
    """vi started with no terminal printed its escape codes, failed, and coopctl blamed the editor's exit status."""
    store = make_store(tmp_path / "s", GOOD)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    started = []
    monkeypatch.setattr(editing.subprocess, "run", lambda *args, **kwargs: started.append(args))
    before = (store / "partners" / "contoh.toml").read_bytes()
    result = runner.invoke(app, ["edit", "contoh", "--store", str(store)])  # CliRunner's stdin is no terminal
    assert result.exit_code == 1
    assert result.stderr == ("coopctl: error: no terminal to run the editor in, and no $VISUAL or $EDITOR set; run "
                             "coopctl edit at a terminal, or set one of them; nothing was changed\n")
    assert started == [] and (store / "partners" / "contoh.toml").read_bytes() == before

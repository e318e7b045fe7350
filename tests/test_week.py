"""Issue 18's week at the bureau's terminal, played with the installed `coopctl` as real processes, at 80
columns, off a terminal (as a script or cron runs it): a new git-backed store of the bureau's own, a partner
named in its own script typed the way an officer types (Indonesian dates, types, kinds, several sectors in one
option, a country by its Indonesian name), the 80-column list with the whole id and partner name, a renewal
that cannot be recorded by accident, filters that say when they name nothing, two clerks logging meetings
under the same agreement on two clones and syncing without a conflict, the cron job's exit codes, and `edit`
with an editor that always breaks the file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent / "coopctl"
pytestmark = [pytest.mark.skipif(not BIN.exists(), reason="coopctl is not installed in this environment"),
              pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")]
AS_OF = "2026-12-07"


@pytest.fixture
def env(tmp_path) -> dict:
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\tname = Ani\n\temail = ani@example.org\n[init]\n\tdefaultBranch = main\n",
                      encoding="utf-8")
    return {**os.environ, "NO_COLOR": "1", "COLUMNS": "80", "GIT_CONFIG_GLOBAL": str(config),
            "GIT_CONFIG_NOSYSTEM": "1"}


def coopctl(env: dict, store: Path, *args: str, **extra) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN), *args, "--store", str(store)], capture_output=True, text=True,
                          env={**env, **extra}, timeout=60, stdin=subprocess.DEVNULL)


def test_a_week_at_the_bureau(tmp_path, env):
    store = tmp_path / "biro"
    # Monday: a store of the bureau's own, git-backed, shared through a remote
    made = coopctl(env, store, "init", "--git")
    assert made.returncode == 0, made.stderr
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True, env=env)
    subprocess.run(["git", "-C", str(store), "remote", "add", "origin", str(remote)], check=True, env=env)

    # the partner in its own script, typed as an officer types it
    added = coopctl(env, store, "add", "경상남도 (Gyeongsangnam-do)", "--title",
                    "Kesepakatan Bersama tentang Kerja Sama Provinsi Bersaudara Jawa Timur - Gyeongsangnam-do",
                    "--type", "KB", "--kind", "KSDPL", "--country", "Korea Selatan", "--sector", "umkm, pariwisata",
                    "--start", "22 Agustus 2023", "--end", "21-08-2028", "--signed", "22.08.2023")
    assert added.returncode == 0, added.stderr
    [row] = json.loads(coopctl(env, store, "list", "--json", "--as-of", AS_OF).stdout)
    agreement = row["id"]
    assert agreement == "gyeongsangnam-do-kb-2023" and len(agreement) <= 32
    assert (row["country"], row["type"], row["start"]) == ("KR", "kb", "2023-08-22")
    assert sorted(row["sectors"]) == ["msme", "tourism"]  # by their ids, typed in Indonesian

    # the 80-column list: the whole id and the whole partner name, no line wider than the terminal
    listed = coopctl(env, store, "list", "--as-of", AS_OF)
    assert listed.returncode == 0, listed.stderr
    assert agreement in listed.stdout and "Gyeongsangnam-do" in listed.stdout
    assert all(len(line) <= 80 for line in listed.stdout.splitlines())

    # Tuesday: the partner's id names its one agreement; a prefix does too
    assert coopctl(env, store, "show", "gyeongsangnam-do", "--as-of", AS_OF).returncode == 0
    assert coopctl(env, store, "show", "gyeongsangnam-do-kb", "--as-of", AS_OF).returncode == 0

    # a renewal is never recorded signed by accident
    unsaid = coopctl(env, store, "renew", agreement, "--until", "2033-08-21", "--no-input")
    assert unsaid.returncode == 2 and "--signed" in unsaid.stderr and "--pending" in unsaid.stderr
    assert "Traceback" not in unsaid.stderr

    # a filter that names nothing says so (exit 2), never an empty list
    for option, value in (("--country", "XX"), ("--sector", "no-such-sector"), ("--partner", "tianjin")):
        wrong = coopctl(env, store, "list", option, value, "--as-of", AS_OF)
        assert wrong.returncode == 2, (option, wrong.stdout, wrong.stderr)
        assert wrong.stdout == "" and wrong.stderr.count("\n") == 1
    korea = coopctl(env, store, "list", "--country", "korea selatan", "--json", "--as-of", AS_OF)
    assert [r["id"] for r in json.loads(korea.stdout)] == [agreement]

    # Wednesday: a second clerk clones the store; both log a meeting under the same agreement, both sync
    assert coopctl(env, store, "sync").returncode == 0
    budi = tmp_path / "budi"
    subprocess.run(["git", "clone", "-q", str(remote), str(budi)], check=True, capture_output=True, env=env)
    for clerk, summary in ((store, "Rapat koordinasi UMKM"), (budi, "Kunjungan delegasi pariwisata")):
        logged = coopctl(env, clerk, "log", agreement, summary, "--date", "2026-12-01", "--sector", "umkm",
                         "--type", "pertemuan", "--as-of", AS_OF)
        assert logged.returncode == 0, logged.stderr
    for clerk in (store, budi, store):
        synced = coopctl(env, clerk, "sync")
        assert synced.returncode == 0, synced.stderr
    for clerk in (store, budi):
        shown = json.loads(coopctl(env, clerk, "activities", "--agreement", agreement, "--json").stdout)
        assert sorted(a["summary"] for a in shown) == ["Kunjungan delegasi pariwisata", "Rapat koordinasi UMKM"]
        assert coopctl(env, clerk, "check", "--as-of", AS_OF).returncode == 0

    # Thursday: the cron job: quiet and 0 when nothing is due, 1 when something is, 2 on a broken store
    quiet = coopctl(env, store, "renew", "--check", "--quiet", "--as-of", AS_OF)
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    due = coopctl(env, store, "renew", "--check", "--quiet", "--as-of", "2027-06-01")
    assert due.returncode == 1 and agreement in due.stdout
    broken = tmp_path / "broken"
    shutil.copytree(store, broken)
    [partner_file] = (broken / "partners").glob("*.toml")
    partner_file.write_text(partner_file.read_text(encoding="utf-8") + "\n[[oops\n", encoding="utf-8")
    assert coopctl(env, broken, "renew", "--check", "--quiet", "--as-of", AS_OF).returncode == 2

    # Friday: an editor that always breaks the file, and no terminal: one try, exit 1, the store untouched
    editor = tmp_path / "breaks.sh"
    editor.write_text('#!/bin/sh\necho "[[oops" >> "$1"\n', encoding="utf-8")
    editor.chmod(0o755)
    before = next((store / "partners").glob("*.toml")).read_text(encoding="utf-8")
    edited = coopctl(env, store, "edit", agreement, EDITOR=str(editor), VISUAL=str(editor))
    assert edited.returncode == 1 and "Traceback" not in edited.stderr
    assert next((store / "partners").glob("*.toml")).read_text(encoding="utf-8") == before

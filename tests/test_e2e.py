"""The installed `coopctl` as a real process, as a user or a cron job runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent / ("coopctl.exe" if os.name == "nt" else "coopctl")
pytestmark = pytest.mark.skipif(not BIN.exists(), reason="coopctl is not installed in this environment")


def coopctl(*args: str, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100", **(env or {})}
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, env=full_env, timeout=60, **kwargs)


def test_quick_start(tmp_path):
    store = tmp_path / "jatim"
    made = coopctl("init", "--sample", "--store", str(store))
    assert made.returncode == 0 and made.stdout == ""
    assert made.stderr == f"Created a store at {store} (8 partner files)\n"
    renew = coopctl("renew", "--store", str(store), "--as-of", "2023-08-22", "--format", "json")
    assert renew.returncode == 0
    assert json.loads(renew.stdout)[0]["state"] == "renewing"
    assert coopctl("check", "--store", str(store)).returncode == 0


def test_cron_job_exit_codes(tmp_path):
    store = tmp_path / "s"
    coopctl("init", "--sample", "--store", str(store))
    assert coopctl("renew", "--check", "--store", str(store), "--as-of", "2020-01-01").returncode == 0
    overdue = coopctl("renew", "--check", "--store", str(store), "--as-of", "2023-08-22")
    assert overdue.returncode == 1  # WA renewing, but its verification is overdue; so is Alexandria's RKS
    assert overdue.stderr == "2 agreements with an overdue milestone\n"
    late = coopctl("renew", "--check", "--store", str(store), "--as-of", "2026-01-01")
    assert late.returncode == 1
    assert late.stderr == "4 agreements due or lapsed; 6 with an overdue milestone\n"


def test_usage_error_is_one_line_exit_2(tmp_path):
    result = coopctl("list", "--as-of", "31/02/2024", "--store", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr == "coopctl: error: --as-of: '31/02/2024' is not a date in the calendar\n"
    unknown = coopctl("list", "--colour")
    assert unknown.returncode == 2
    assert unknown.stderr.count("\n") == 1 and "No such option: --colour" in unknown.stderr


def test_broken_pipe_is_quiet(tmp_path):
    store = tmp_path / "s"
    coopctl("init", "--sample", "--store", str(store))
    shell = subprocess.run(f'"{BIN}" list --store "{store}" --as-of 2023-08-22 | head -1', shell=True,
                           capture_output=True, text=True, timeout=60)
    assert "Traceback" not in shell.stderr
    assert shell.stdout.startswith("ID")


def test_no_traceback_for_a_broken_store(tmp_path):
    store = tmp_path / "s"
    coopctl("init", "--store", str(store))
    (store / "partners" / "x.toml").write_bytes(b'name = "\xff\x00"\n[[agreements]\n')
    for args in (["list"], ["check"], ["renew"], ["report"], ["show", "x"]):
        result = coopctl(*args, "--store", str(store))
        assert result.returncode == 1, args
        assert "Traceback" not in result.stderr
        assert "partners/x.toml:1:" in result.stdout + result.stderr


def test_python_dash_m_and_version():
    result = subprocess.run([sys.executable, "-m", "coopctl", "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("coopctl ")


def test_debug_shows_the_traceback(tmp_path):
    result = coopctl("list", "--store", str(tmp_path / "none"), env={"COOPCTL_DEBUG": "1"})
    assert result.returncode == 1
    assert "Traceback" in result.stderr

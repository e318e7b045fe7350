"""Issue 18, item 2: a renewal is never recorded as signed by accident; amend and undo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coopctl.cli import app
from helpers import snapshot

runner = CliRunner()


def run(store: Path, *args: str, input: str | None = None):
    return runner.invoke(app, [*args, "--store", str(store)], input=input)


@pytest.fixture
def asking(monkeypatch):
    """As at a terminal: the commands prompt (unless --no-input)."""
    import coopctl.cli.changes as changes

    monkeypatch.setattr(changes, "interactive", lambda no_input: not no_input)


def test_renew_until_alone_is_a_usage_error_off_a_terminal(example):
    before = snapshot(example)
    result = run(example, "renew", "unicef-cpap-2021-2025", "--until", "2030")
    assert result.exit_code == 2
    assert result.stderr == ("coopctl: error: say whether the new term is signed: give --signed DATE, or --pending "
                             "while the renewal is in process\n")
    assert snapshot(example) == before


def test_renew_until_alone_with_no_input_is_a_usage_error_even_at_a_terminal(example, asking):
    result = run(example, "renew", "unicef-cpap-2021-2025", "--until", "2030", "--no-input")
    assert result.exit_code == 2 and "give --signed DATE, or --pending" in result.stderr


def test_renew_at_a_terminal_asks_and_an_empty_answer_records_pending(example, asking):
    result = run(example, "renew", "unicef-cpap-2021-2025", "--until", "2030", input="\n")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.endswith("Saved: renew unicef-cpap-2021-2025: pending term 2026-01-01..2030\n")


def test_renew_at_a_terminal_asks_again_after_a_bad_date(example, asking):
    result = run(example, "renew", "unicef-cpap-2021-2025", "--until", "2030", input="32/13/2025\n15/12/2025\n")
    assert result.exit_code == 0, result.stderr
    assert "'32/13/2025' has no month 13" in result.stderr
    assert result.stderr.endswith("Saved: renew unicef-cpap-2021-2025: signed term 2026-01-01..2030\n")
    shown = json.loads(run(example, "show", "unicef-cpap-2021-2025", "--json", "--as-of", "2026-02-01").stdout)
    assert shown["terms"][-1]["signed"] == "2025-12-15"

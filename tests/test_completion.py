"""Shell completion (issue 18, item 5): commands, options, and agreement/partner ids, sectors, types and kinds
from the store named on the line, as the shell asks for them (`_COOPCTL_COMPLETE=complete_bash` ...)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def complete(words: str, shell: str = "bash", **env: str) -> list[str]:
    base = {**os.environ, "_COOPCTL_COMPLETE": f"complete_{shell}", **env}
    if shell == "bash":
        parts = words.split(" ")
        base |= {"COMP_WORDS": words, "COMP_CWORD": str(len(parts) - 1)}
    else:
        base |= {"_TYPER_COMPLETE_ARGS": words}
    result = subprocess.run([sys.executable, "-m", "coopctl"], env=base, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout.splitlines()


def test_commands_and_options_complete():
    assert {"renew", "report", "restore"} <= set(complete("coopctl re"))
    assert "--sector" in complete("coopctl list --sec")
    assert {"--install-completion", "--show-completion"} <= set(complete("coopctl --"))


def test_ids_come_from_the_store_named_on_the_line(example):
    assert complete(f"coopctl show --store {example} osa") == ["osaka", "osaka-sister-province"]
    assert complete(f"coopctl plan --store {example} western") == ["western-australia-sister-state"]
    assert complete(f"coopctl list --store {example} --partner tian") == ["tianjin"]


def test_ids_come_from_coopctl_store_too(example):
    assert complete("coopctl renew dki-jakarta-p", COOPCTL_STORE=str(example)) == ["dki-jakarta-pks-food-2021",
                                                                                    "dki-jakarta-pks-trade-2021"]


def test_sectors_types_and_kinds_complete(example):
    assert complete(f"coopctl list --store {example} --sector voc") == ["vocational"]
    assert "sister-province" in complete(f"coopctl add --store {example} --type sis")
    assert complete(f"coopctl add --store {example} --kind dom") == ["domestic-region"]
    assert "visit-in" in complete(f"coopctl log --store {example} --type visit")  # an activity's types there


def test_a_missing_store_completes_nothing_and_never_fails(tmp_path: Path):
    assert [w for w in complete(f"coopctl show --store {tmp_path / 'nowhere'} osa") if w] == []
    assert complete(f"coopctl list --store {tmp_path / 'nowhere'} --sector voc") == ["vocational"]  # built-in


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_get_the_ids_too(example, shell):
    out = "\n".join(complete(f"coopctl plan --store {example} western", shell=shell,
                             _TYPER_COMPLETE_FISH_ACTION="get-args"))
    assert "western-australia-sister-state" in out


def test_the_completion_script_is_shown_for_each_shell():
    for shell in ("bash", "zsh", "fish"):
        result = subprocess.run([sys.executable, "-m", "coopctl", "--show-completion", shell], capture_output=True,
                                text=True, timeout=60)
        assert result.returncode == 0 and "_COOPCTL_COMPLETE" in result.stdout, (shell, result.stderr)

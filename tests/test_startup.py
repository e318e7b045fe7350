"""A command imports only the module that defines it (start-up time), and the whole app is the same
whichever module was imported first."""

from __future__ import annotations

import subprocess
import sys

import typer


def _module(info) -> str:
    return info.callback.__module__.rsplit(".", 1)[-1]


def test_every_command_and_group_is_listed_with_its_module():
    from coopctl.cli import COMMAND_MODULES, MODULE_OF, app

    found = {info.name or typer.main.get_command_name(info.callback.__name__): _module(info)
             for info in app.registered_commands}
    found.update({group.name: _module(group.typer_instance.registered_commands[0]) for group in app.registered_groups})
    assert found == MODULE_OF
    assert set(MODULE_OF.values()) == set(COMMAND_MODULES)


def _run(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_a_command_imports_only_its_own_module():
    code = ("import sys; from coopctl.cli import _app_for; _app_for(sys.argv[1:]); "
            "print(' '.join(sorted(m for m in sys.modules if m.startswith('coopctl.cli.') and m != 'coopctl.cli.base' "
            "and m not in ('coopctl.cli.clicktext', 'coopctl.cli.completion'))))")
    assert _run(code.replace("sys.argv[1:]", "['list']")) == "coopctl.cli.listings"
    assert _run(code.replace("sys.argv[1:]", "['sector', 'add']")) == "coopctl.cli.changes"
    everything = " ".join(f"coopctl.cli.{m}" for m in ("archive", "changes", "corrections", "listings", "serve",
                                                       "sheets", "team"))
    assert _run(code.replace("sys.argv[1:]", "['--help']")) == everything
    assert _run(code.replace("sys.argv[1:]", "['no-such-command']")) == everything


def test_the_commands_are_in_the_same_order_whichever_module_came_first():
    code = ("import coopctl.cli.{first}; from coopctl.cli import app; "
            "print(' '.join(info.callback.__name__ for info in app.registered_commands))")
    usual = _run("from coopctl.cli import app; print(' '.join(info.callback.__name__ for info in app.registered_commands))")
    assert _run(code.format(first="team")) == usual
    assert _run(code.format(first="listings")) == usual

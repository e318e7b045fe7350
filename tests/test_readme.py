"""The README's examples are real: every ```console block is replayed, in order, on a fresh
copy of the example store, and must print exactly what the README shows.

Blocks that cannot be replayed as they stand (a hand-broken store, elided rows) are
written as ```text and are not checked here.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

from typer.testing import CliRunner

from coopctl.cli import app
from coopctl.storage.location import example_path

README = Path(__file__).resolve().parent.parent / "README.md"


def console_examples(text: str) -> list[tuple[str, str]]:
    """(command line, expected output) pairs from the ```console blocks."""
    examples = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
        command, output = None, []
        for line in block.splitlines():
            if line.startswith("$ "):
                if command is not None:
                    examples.append((command, "\n".join(output).strip("\n")))
                command, output = line[2:], []
            else:
                output.append(line)
        if command is not None:
            examples.append((command, "\n".join(output).strip("\n")))
    return examples


def test_readme_examples_print_what_the_readme_shows(tmp_path, monkeypatch):
    shutil.copytree(example_path(), tmp_path / "jatim")
    shutil.copy(Path(__file__).resolve().parent / "data" / "sister-relationships.csv", tmp_path)  # "Importing the sheet"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COOPCTL_STORE", "jatim")
    examples = console_examples(README.read_text(encoding="utf-8"))
    assert len(examples) >= 15
    runner = CliRunner()
    for command, expected in examples:
        argv = shlex.split(command)
        assert argv[0] == "coopctl", command
        result = runner.invoke(app, argv[1:], env={"COLUMNS": "80", "NO_COLOR": "1"})
        printed = (result.stdout + result.stderr).strip("\n")
        printed = "\n".join(line.rstrip() for line in printed.splitlines())
        assert printed == expected, f"README example differs: $ {command}"

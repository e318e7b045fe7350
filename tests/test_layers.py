"""The package's layers, as the folder list shows them, hold: each imports only what sits below it,
and no module imports itself back through others.

    i18n      the message catalogue: the standard library only
    core      records, dates, rules, facts, checks: + i18n (and anyascii, a transliteration table)
    storage   the files, the cache, git, trash: + core (and tomli-w, platformdirs, pypdf)
    app       queries, reports, operations: + storage
    views     rows in, text out: + core (and rich, orjson); never a store
    interop   spreadsheets, calendars, JSON export: + app, views (and openpyxl, icalendar)
    web       `coopctl serve`, an interface beside cli: + app, views (and starlette, uvicorn, jinja2);
              nothing below imports it, and only cli (the `serve` command) starts it
    cli       Typer: anything

Imports inside functions count too (they are how a module stays quick to start).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "coopctl"

LAYERS = {
    "i18n": set(),
    "core": {"i18n", "core"},
    "storage": {"i18n", "core", "storage"},
    "app": {"i18n", "core", "storage", "app"},
    "views": {"i18n", "core", "views"},
    "interop": {"i18n", "core", "storage", "app", "views", "interop"},
    "web": {"i18n", "core", "storage", "app", "views", "web"},
    "cli": {"i18n", "core", "storage", "app", "views", "interop", "cli", "web", "__init__"},
    "__init__": set(),
    "__main__": {"cli"},
}
THIRD_PARTY = {
    # anyascii: pure data (a transliteration table, no I/O), for the ids of names in another script (core.ids)
    "core": {"anyascii"},
    # pypdf: the text layer of an attached PDF, read once as the archive keeps the file (storage.archive)
    "storage": {"tomli_w", "platformdirs", "pypdf"},
    "views": {"rich", "orjson", "jinja2"},
    "interop": {"openpyxl", "icalendar"},
    "web": {"starlette", "uvicorn", "jinja2"},
    "cli": {"typer", "click", "rich"},
}


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        found[".".join(("coopctl",) + parts)] = path
    return found


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports(module: str, path: Path) -> set[str]:
    """Every module `module` imports (absolute names), at the top or inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


def test_each_layer_imports_only_what_is_below_it():
    known = modules()
    wrong = []
    for module, path in known.items():
        own = layer(module)
        for name in imports(module, path):
            top = name.split(".")[0]
            if top == "coopctl":
                if name == "coopctl" or name == "coopctl.__version__":
                    continue
                target = next((m for m in (name, name.rsplit(".", 1)[0]) if m in known), None)
                if target is None:
                    continue
                if layer(target) not in LAYERS[own] and layer(target) != own:
                    wrong.append(f"{module} imports {target}")
            elif top not in sys.stdlib_module_names and top not in THIRD_PARTY.get(own, set()):
                wrong.append(f"{module} imports {name} (a third-party package this layer should not need)")
    assert not wrong, "\n".join(sorted(wrong))


def test_no_import_cycles():
    known = modules()
    graph = {}
    for module, path in known.items():
        targets = set()
        for name in imports(module, path):
            target = next((m for m in (name, name.rsplit(".", 1)[0]) if m in known), None)
            if target and target != module and not known[target].name == "__init__.py":
                targets.add(target)
        graph[module] = targets
    cycles = []
    state: dict[str, int] = {}

    def visit(module: str, trail: list[str]) -> None:
        state[module] = 1
        for target in graph[module]:
            if state.get(target) == 1:
                cycles.append(" -> ".join(trail[trail.index(target):] + [target]))
            elif target not in state:
                visit(target, trail + [target])
        state[module] = 2

    for module in graph:
        if module not in state:
            visit(module, [module])
    assert not cycles, "\n".join(cycles)


def test_the_checker_sees_a_wrong_import(tmp_path, monkeypatch):
    """The rule can fail: a core module that imported the command line would be named."""
    fake = tmp_path / "coopctl"
    (fake / "core").mkdir(parents=True)
    (fake / "cli").mkdir()
    (fake / "core" / "bad.py").write_text("def f():\n    from coopctl.cli import base\n")
    (fake / "cli" / "base.py").write_text("")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    try:
        test_each_layer_imports_only_what_is_below_it()
    except AssertionError as e:
        assert "coopctl.core.bad imports coopctl.cli.base" in str(e)
    else:
        raise AssertionError("a core module importing the CLI was not found")


def test_no_module_is_over_600_lines():
    long = {str(path.relative_to(PACKAGE)): n for path in PACKAGE.rglob("*.py")
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > 600}
    assert not long, long

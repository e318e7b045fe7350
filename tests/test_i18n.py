"""The Indonesian interface, and the catalogue that makes a language a file.

Two kinds of test: the catalogue against the source (every text the code shows people goes
through the catalogue and has its Indonesian form, with the same placeholders; no error or
message bypasses it), and the command line in Indonesian (headers, states, dates, errors,
help, and which setting wins).
"""

from __future__ import annotations

import ast
import json
import os
import re
import string
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coopctl.storage import encode

from helpers import read_settings

from coopctl import i18n
from coopctl.cli import app
from coopctl.core.records import STATES, Settings
from coopctl.core.playbook import STATUSES

PACKAGE = Path(i18n.__file__).resolve().parent
CATALOGUE = PACKAGE / "locales" / "id.toml"
ARTICLE_DAY = "2023-08-22"

runner = CliRunner()


# ---------------------------------------------------------------- the catalogue against the source

LOOKUPS = {"t": 1, "N_": 1, "tn": 2, "tc": 2}  # function -> how many leading arguments are catalogue texts

# Texts looked up with a value known only at run time: the values they can take.
DYNAMIC = (
    [f"state|{s}" for s in STATES]
    + [f"milestone|{s}" for s in STATUSES]
    + [f"timeline|{kind}" for kind in ("term", "pending", "lapse", "unknown")]
    + [f"record|{kind}" for kind in ("partner", "agreement", "document")]
    # Typer's own words, which it looks up through gettext (coopctl hands it `t`)
    + ["Options", "Arguments", "Commands", "required", "default: {default}", "env var: {var}",
       "No such command {name!r}.", "Missing command.", "Aborted!", "(dynamic)"]
)


def _sources() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"), str(path)))
            for path in sorted(PACKAGE.rglob("*.py")) if path.name != "i18n.py"]


def _lookup_name(call: ast.Call) -> str | None:
    """`t(...)`, `i18n.t(...)` and the like: the name of the lookup, else None."""
    func = call.func
    if isinstance(func, ast.Name) and func.id in LOOKUPS:
        return func.id
    if isinstance(func, ast.Attribute) and func.attr in LOOKUPS and isinstance(func.value, ast.Name) \
            and func.value.id == "i18n":
        return func.attr
    return None


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def source_texts() -> tuple[dict[str, str], list[str]]:
    """Every catalogue key the code uses (key -> where), and lookups whose text is not literal."""
    found: dict[str, str] = {}
    unreadable: list[str] = []
    for path, tree in _sources():
        for node in ast.walk(tree):
            where = f"{path.name}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.Call) and (name := _lookup_name(node)):
                texts = node.args[:LOOKUPS[name]]
                if len(texts) == LOOKUPS[name] and all(map(_is_text, texts)):
                    key = f"{texts[0].value}|{texts[1].value}" if name == "tc" else None
                    for text in [key] if key else [a.value for a in texts]:
                        found.setdefault(text, where)
                elif name == "tc" and node.args and _is_text(node.args[0]):
                    pass  # tc("state", value): the values are in DYNAMIC
                elif name == "t" and node.args and not isinstance(node.args[0], (ast.JoinedStr, ast.BinOp)):
                    pass  # t(header): a value marked with N_() where it is defined
                else:
                    unreadable.append(where)
            if isinstance(node, ast.FunctionDef) and any(
                    isinstance(d, ast.Call) and isinstance(d.func, ast.Name) and d.func.id == "command"
                    for d in node.decorator_list):
                doc = ast.get_docstring(node)  # a command's help: its docstring, cleaned as Typer cleans it
                if doc:
                    found.setdefault(doc, where)
    return found, unreadable


def catalogue() -> dict:
    with open(CATALOGUE, "rb") as f:
        return tomllib.load(f)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_text_of_the_code_has_its_indonesian_form_with_the_same_placeholders():
    texts, unreadable = source_texts()
    assert not unreadable, f"lookups whose text is not a literal the catalogue can hold: {unreadable}"
    assert len(texts) > 500  # the scan finds the code's texts at all
    messages = catalogue()["messages"]
    missing = [f"{where}: {text!r}" for text, where in texts.items() if text not in messages]
    missing += [f"(run time): {text!r}" for text in DYNAMIC if text not in messages]
    assert not missing, "texts without an Indonesian form in locales/id.toml:\n" + "\n".join(missing)
    wrong = [f"{text!r}: {sorted(placeholders(text))} but {sorted(placeholders(messages[text]))}"
             for text in list(texts) + DYNAMIC if placeholders(text) != placeholders(messages[text])]
    assert not wrong, "translations whose {placeholders} differ:\n" + "\n".join(wrong)


def test_the_catalogue_holds_no_text_the_code_no_longer_uses():
    texts, _ = source_texts()
    stale = [text for text in catalogue()["messages"] if text not in texts and text not in DYNAMIC]
    assert not stale, f"remove these from locales/id.toml: {stale}"


def test_every_markdown_column_has_its_indonesian_name():
    trees = [ast.parse(path.read_text(encoding="utf-8"))
             for folder in ("cli", "views") for path in sorted((PACKAGE / folder).glob("*.py"))]
    constants = {target.id: node.value for tree in trees for node in tree.body if isinstance(node, ast.Assign)
                 for target in node.targets if isinstance(target, ast.Name)}

    def names(node: ast.AST) -> set[str]:
        if isinstance(node, ast.Name) and node.id in constants:
            return names(constants[node.id])
        if isinstance(node, ast.List):
            return {e.value for e in node.elts if _is_text(e)}
        return set().union(*(names(child) for child in ast.iter_child_nodes(node)))

    fields = {"owner"}  # the column owned() adds with several stores
    for node in (node for tree in trees for node in ast.walk(tree)):
        if isinstance(node, ast.Call):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if called in ("show_rows", "show_agreements") and len(node.args) > 3:
                fields |= names(node.args[3])
            elif called == "md_columns" and node.args:
                fields |= names(node.args[0])
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id.lower().endswith("fields")
                                                for t in node.targets):
            fields |= names(node.value)
    assert {"id", "state", "days_left", "due", "agreement", "summary", "kind"} <= fields
    missing = sorted(fields - set(catalogue()["fields"]))
    assert not missing, f"Markdown columns without an Indonesian name in [fields]: {missing}"


def test_the_catalogue_says_how_to_write_dates():
    language = catalogue()["language"]
    assert language["dates"] == "long"
    assert len(language["months"]) == 12 and language["months"][7] == "Agustus"


# What a person reads goes through the catalogue: checked where messages are made.
# callee name -> the position of its message argument
MESSAGE_ARGUMENT = {
    "CoopError": 0, "UsageError": 0, "GitError": 0, "StoreInvalid": 0, "CommentsWouldBeLost": 0,
    "DateError": 0, "SectorError": 0, "Problem": 3, "CellProblem": 3, "report": 1, "problem": 2,
    "say": 0, "note": 0, "on_notice": 0, "_fail": 0,
}


# Messages made elsewhere, which the catalogue cannot hold: (file, start of the message expression).
EXEMPT = {
    ("__init__.py", "e.format_message()"),  # Click's own usage errors, in English in the Click that Typer vendors
    ("editing.py", "f'{copy}:"),  # a problem's place in the editor's copy, then its message (already translated)
}


def _returns_translated(function: ast.FunctionDef, functions: dict, seen: set) -> bool:
    returns = [n.value for n in ast.walk(function) if isinstance(n, ast.Return) and n.value is not None]
    return bool(returns) and all(_translated(r, functions, seen) for r in returns)


def _translated(node: ast.AST, functions: dict | None = None, seen: set | None = None) -> bool:
    """Whether an expression is a message from the catalogue, or holds no words of its own.
    `functions` (name -> definition, of the module) lets a call to a helper that returns such
    messages count as one."""
    functions, seen = functions or {}, seen if seen is not None else set()

    def ok(child: ast.AST) -> bool:
        return _translated(child, functions, seen)

    if isinstance(node, ast.Call):
        if _lookup_name(node):
            return True
        func = node.func
        if isinstance(func, ast.Name) and func.id == "str" and len(node.args) == 1 and isinstance(node.args[0], ast.Name):
            return True  # str(e): an error's message, passed on
        if isinstance(func, ast.Name) and func.id in ("shorten", "clean"):
            return all(ok(a) for a in node.args[:1])
        if isinstance(func, ast.Attribute) and func.attr in ("join", "upper", "lower", "capitalize", "strip"):
            return ok(func.value) and all(ok(a) for a in node.args)
        if isinstance(func, ast.Name) and func.id in functions:
            if func.id in seen:
                return True
            seen.add(func.id)
            return _returns_translated(functions[func.id], functions, seen)
        return False
    if isinstance(node, ast.Attribute):
        return node.attr == "message" or (isinstance(node.value, ast.Name) and node.value.id == "e")
    if isinstance(node, ast.Name):
        return True  # a variable: its value is checked where it is made
    if isinstance(node, ast.Constant):
        return not (isinstance(node.value, str) and re.search(r"[A-Za-z]{2}", node.value))
    if isinstance(node, ast.JoinedStr):
        return all(ok(v.value) if isinstance(v, ast.FormattedValue) else ok(v) for v in node.values)
    if isinstance(node, ast.BinOp):
        return ok(node.left) and ok(node.right)
    if isinstance(node, ast.IfExp):
        return ok(node.body) and ok(node.orelse)
    if isinstance(node, (ast.List, ast.Tuple)):
        return all(ok(e) for e in node.elts)
    if isinstance(node, ast.Slice):
        return True
    if isinstance(node, (ast.Subscript, ast.Dict)):
        return all(ok(v) for v in ast.iter_child_nodes(node) if not isinstance(v, ast.expr_context))
    return False


def _functions(tree: ast.Module) -> dict:
    return {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}


def test_no_error_or_message_bypasses_the_catalogue():
    bypass = []
    for path, tree in _sources():
        functions = _functions(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
                position = MESSAGE_ARGUMENT.get(name)
                if position is None or len(node.args) <= position:
                    continue
                message = node.args[position]
                if not _translated(message, functions) and \
                        not any(path.name == f and ast.unparse(message).startswith(s) for f, s in EXEMPT):
                    bypass.append(f"{path.name}:{node.lineno}: {name}({ast.unparse(message)[:80]})")
    assert not bypass, "messages that do not come from the catalogue:\n" + "\n".join(bypass)


def test_every_error_raised_by_the_core_comes_from_the_catalogue():
    """The check above, strictly for raises: a CoopError (or subclass) is given a t(...) result, a
    module's helper that returns one, or an error already translated."""
    errors = {"CoopError", "UsageError", "GitError", "StoreInvalid", "CommentsWouldBeLost"}
    found, bad = 0, []
    for path, tree in _sources():
        functions = _functions(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and isinstance(node.exc.func, ast.Name) \
                    and node.exc.func.id in errors:
                found += 1
                message = node.exc.args[0] if node.exc.args else None
                if message is None or isinstance(message, ast.Name) or not _translated(message, functions):
                    bad.append(f"{path.name}:{node.lineno}: {ast.unparse(node.exc)[:100]}")
    assert found > 100
    assert not bad, "raised errors whose message is not from the catalogue:\n" + "\n".join(bad)


def test_every_command_takes_lang():
    import inspect

    infos = app.registered_commands + [c for g in app.registered_groups for c in g.typer_instance.registered_commands]
    assert len(infos) > 20
    lacking = [info.callback.__name__ for info in infos if "lang" not in inspect.signature(info.callback).parameters]
    assert not lacking, f"commands without --lang: {lacking}"


def test_t_is_cheap_in_english_and_loads_no_catalogue():
    code = ("import sys; import coopctl.cli; from coopctl import i18n; "
            "print(i18n.language(), 'tomllib' in sys.modules, i18n._catalogue)")
    env = {k: v for k, v in os.environ.items() if k not in ("COOPCTL_LANG", "LC_ALL", "LC_MESSAGES")}
    env["LANG"] = "C.UTF-8"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["en", "False", "None"]


def test_a_third_language_is_a_file(tmp_path, monkeypatch):
    """A catalogue dropped into locales/ is a language: no code names Indonesian."""
    monkeypatch.setattr(i18n, "LOCALES", tmp_path)
    (tmp_path / "xx.toml").write_text('[language]\ndates = "long"\nmonths = ["m1","m2","m3","m4","m5","m6","m7",'
                                      '"m8","m9","m10","m11","m12"]\n[messages]\n"Saved: {change}" = "OK! {change}"\n'
                                      '"state|due" = "DUE"\n', encoding="utf-8")
    assert i18n.available() == ("en", "xx")
    i18n.set_language("xx")
    try:
        assert i18n.t("Saved: {change}", change="x") == "OK! x"
        assert i18n.state("due") == "DUE" and i18n.state("active") == "active"
        assert i18n.shown_date("2023-08-22") == "22 m8 2023"
    finally:
        i18n.set_language("en")


def test_long_dates_and_partial_dates():
    i18n.set_language("id")
    try:
        assert i18n.long_date("2023-08-22") == "22 Agustus 2023"
        assert i18n.long_date("2028-12") == "Desember 2028"
        assert i18n.long_date("2028") == "2028"
        assert i18n.shown_date("never") == "never" and i18n.shown_date(None) is None
    finally:
        i18n.set_language("en")
    assert i18n.shown_date("2023-08-22") == "2023-08-22"  # English tables keep ISO dates
    assert i18n.long_date("2023-08-22") == "22 August 2023"


def test_the_lang_setting_round_trips_and_is_checked():
    settings = Settings(owner="Biro Kerja Sama", lang="id")
    text = encode.dump_settings(settings)
    assert 'lang = "id"' in text
    problems = []
    assert read_settings(tomllib.loads(text), lambda path, message: problems.append(message), "x") == settings
    assert not problems
    read_settings({"owner": "x", "lang": "klingon"}, lambda path, message: problems.append((path, message)), "x")
    assert problems == [(("lang",), "'lang' is 'klingon'; use one of: en, id")]


# ---------------------------------------------------------------- the command line in Indonesian


def run(*args: str, env: dict | None = None):
    return runner.invoke(app, list(args), env=env)


@pytest.fixture
def locale(monkeypatch):
    """No language from the environment unless a test sets one."""
    for name in ("COOPCTL_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    yield monkeypatch
    i18n.set_language("en")


def set_store_lang(root: Path, lang: str) -> None:
    settings = root / "coopctl.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace("owner = ", f'lang = "{lang}"\nowner = ', 1), encoding="utf-8")


def test_renew_in_indonesian_has_its_headers_states_and_dates(example, locale):
    result = run("renew", "--lang", "id", "--as-of", ARTICLE_DAY, "--store", str(example), env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ID", "Mitra", "Status", "Berakhir", "Hari", "Tahapan", "berikutnya", "Perpanjangan",
                                "s.d.", "Persiapan", "dimulai"]
    # the end known only to the month, and assumed: never a made-up day
    assert "dalam perpanjangan!" in lines[1] and "~September 2022" in lines[1] and "5 September 2028" in lines[1]
    assert "aktif?" in result.stdout
    assert "! ada tahapan rencana perpanjangan yang terlambat (lihat coopctl plan ID)" in result.stdout
    assert "renewing" not in result.stdout and "2022-09-30" not in result.stdout


def test_list_in_indonesian_with_the_option_after_the_command(example, locale):
    result = run("list", "--lang", "id", "--as-of", ARTICLE_DAY, "--store", str(example), env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.stderr
    header = result.stdout.splitlines()[0]
    for word in ("Mitra", "Negara", "Jenis", "Bidang", "Masa berlaku", "Status", "Hari"):
        assert word in header
    assert "23 November 2022 s.d. tanpa batas" in result.stdout
    assert "~September 2017 s.d. ~September 2022" in result.stdout  # assumed, and known only to the month
    assert "* kurang aktif: masih berlaku" in result.stdout


def test_the_option_before_the_command_works_too(example, locale):
    result = run("--lang", "id", "list", "--as-of", ARTICLE_DAY, "--store", str(example))
    assert result.exit_code == 0, result.stderr
    assert "aktif" in result.stdout and "Masa berlaku" in result.stdout



@pytest.mark.parametrize("args", [["--lang", "id", "sector", "add"], ["sector", "--lang", "id", "add"],
                                  ["sector", "add", "--lang", "id"]])
def test_the_option_before_after_or_inside_the_sector_group(example, locale, args):
    result = run(*args, "osaka-sister-province", "perdagangan", "--dry-run", "--store", str(example))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("Simulasi: tidak ada perubahan yang disimpan: tambah bidang osaka-sister-province")


def test_state_names_in_indonesian_markdown_and_dates_written_out(example, locale):
    result = run("list", "--lang", "id", "--as-of", ARTICLE_DAY, "--format", "md", "--store", str(example))
    assert result.exit_code == 0, result.stderr
    header = result.stdout.splitlines()[0]
    assert header.startswith("| id | mitra | id mitra | negara | jenis | kategori | di bawah | judul | bidang |")
    wa = next(line for line in result.stdout.splitlines() if line.startswith("| western-australia-sister-state"))
    assert "| September 2017 | September 2022 | dalam perpanjangan | lewat 326 hari |" in wa
    assert "| September 2017 |" in wa  # the last activity, known only to the month, is not given a made-up day


@pytest.mark.parametrize("state, shown", [("active", "aktif"), ("due", "perlu diperpanjang"), ("renewing", "dalam perpanjangan"),
                                          ("lapsed", "masa berlaku habis"), ("terminated", "diakhiri"),
                                          ("upcoming", "akan berlaku"), ("proposed", "diusulkan"),
                                          ("intent", "pernyataan kehendak")])
def test_every_state_has_its_indonesian_name(state, shown, locale):
    i18n.set_language("id")
    assert i18n.state(state) == shown


def test_a_date_like_22_agustus_2023_in_the_plan(example, locale):
    result = run("plan", "western-australia-sister-state", "--as-of", "2023-08-22", "--lang", "id",
                 "--store", str(example), env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.stderr
    assert "dalam perpanjangan (berakhir ~September 2022, 326 hari yang lalu) per 22 Agustus" in result.stdout
    assert "30 September 2021  Persetujuan DPRD                                         selesai, terlambat 404 hari  8 November 2022" in result.stdout
    assert "Persetujuan DPRD" in result.stdout  # the regulation's name of the step


def test_machine_formats_stay_english_and_stable(example, locale):
    english = run("list", "--json", "--as-of", ARTICLE_DAY, "--store", str(example))
    indonesian = run("list", "--json", "--lang", "id", "--as-of", ARTICLE_DAY, "--store", str(example))
    assert indonesian.stdout == english.stdout
    assert json.loads(indonesian.stdout)[-1]["state"] == "renewing"
    csv_en = run("renew", "--format", "csv", "--as-of", ARTICLE_DAY, "--store", str(example))
    csv_id = run("renew", "--format", "csv", "--lang", "id", "--as-of", ARTICLE_DAY, "--store", str(example))
    assert csv_id.stdout == csv_en.stdout and ",renewing," in csv_id.stdout


def test_an_error_in_indonesian(example, locale):
    result = run("show", "osaka-sister-provinse", "--lang", "id", "--store", str(example))
    assert result.exit_code == 1
    assert result.stderr == ("coopctl: kesalahan: tidak ada mitra atau kerja sama 'osaka-sister-provinse'; "
                             "mungkin maksud Anda osaka-sister-province, gyeongnam-sister-province, "
                             "tianjin-sister-province?\n")
    bad_date = run("list", "--as-of", "31/2/2023", "--lang", "id", "--store", str(example))
    assert bad_date.exit_code == 2
    assert bad_date.stderr == "coopctl: kesalahan: --as-of: '31/2/2023' bukan tanggal yang ada di kalender\n"


def test_a_confirmation_in_indonesian(example, locale):
    result = run("terminate", "alexandria-loi", "--date", "2025-01-31", "--lang", "id", "--store", str(example))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "Tersimpan: akhiri alexandria-loi pada 31 Januari 2025\n"


def test_a_sector_label_in_indonesian(example, locale):
    result = run("report", "--sector", "vokasi", "--lang", "id", "--as-of", ARTICLE_DAY, "--store", str(example))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Bidang Pendidikan vokasi / kejuruan\n")
    assert "12 Desember 2017" in result.stdout


def test_a_check_problem_in_indonesian(example, locale):
    partner = example / "partners" / "osaka.toml"
    partner.write_text(partner.read_text(encoding="utf-8").replace('kind = "foreign-local-gov"', 'kind = "prefecture"'),
                       encoding="utf-8")
    result = run("check", "--lang", "id", "--store", str(example))
    assert result.exit_code == 1
    assert "'kind' bernilai 'prefecture'; gunakan salah satu dari: foreign-local-gov" in result.stdout
    assert result.stderr == f"1 masalah di {example}\n"


def test_an_unknown_language_is_a_usage_error(example, locale):
    result = run("list", "--lang", "fr", "--store", str(example))
    assert result.exit_code == 2
    assert result.stderr == "coopctl: error: --lang 'fr' is not a language coopctl has; use one of: en, id\n"
    locale.setenv("COOPCTL_LANG", "xx")
    assert run("list", "--store", str(example)).stderr.startswith("coopctl: error: COOPCTL_LANG 'xx' is not a language")


# Which setting wins: --lang, then COOPCTL_LANG, then the store's lang, then LANG / LC_ALL.

def _speaks(result) -> str:
    assert result.exit_code == 0, result.stderr
    header = result.stdout.splitlines()[0]
    return "id" if "Status" in header else "en" if "State" in header else "?"


@pytest.mark.parametrize("option, env, store_lang, expected", [
    (None, {}, None, "en"),
    ("id", {}, None, "id"),
    (None, {"COOPCTL_LANG": "id"}, None, "id"),
    ("en", {"COOPCTL_LANG": "id"}, None, "en"),
    (None, {}, "id", "id"),
    (None, {"COOPCTL_LANG": "en"}, "id", "en"),
    ("en", {}, "id", "en"),
    (None, {"LANG": "id_ID.UTF-8"}, None, "id"),
    (None, {"LC_ALL": "id_ID.UTF-8", "LANG": "en_US.UTF-8"}, None, "id"),
    (None, {"LC_ALL": "C", "LANG": "id_ID.UTF-8"}, None, "en"),
    (None, {"LANG": "id_ID.UTF-8"}, "en", "en"),
    (None, {"LANG": "en_US.UTF-8"}, "id", "id"),
    ("id", {"COOPCTL_LANG": "en", "LANG": "en_US.UTF-8"}, "en", "id"),
])
def test_which_language_wins(example, locale, option, env, store_lang, expected):
    if store_lang:
        set_store_lang(example, store_lang)
    for name, value in env.items():
        locale.setenv(name, value)
    args = ["list", "--as-of", ARTICLE_DAY, "--store", str(example)] + (["--lang", option] if option else [])
    assert _speaks(run(*args)) == expected


def test_the_store_setting_is_found_through_coopctl_store_too(example, locale):
    set_store_lang(example, "id")
    locale.setenv("COOPCTL_STORE", str(example))
    assert _speaks(run("list", "--as-of", ARTICLE_DAY)) == "id"
    assert run("check").stderr.startswith(f"{example}: OK (8 mitra, 10 kerja sama)")


def _coopctl(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("COOPCTL_LANG", "LC_ALL", "LC_MESSAGES", "LANG")}
    return subprocess.run([sys.executable, "-m", "coopctl", *args], env={**base, "COLUMNS": "100", **env},
                          capture_output=True, text=True, timeout=60)


def test_help_of_a_command_in_indonesian():
    result = _coopctl("list", "--help", "--lang", "id")
    assert result.returncode == 0, result.stderr
    assert "Satu baris per kerja sama: mitra, jenis, bidang, masa berlaku saat ini," in result.stdout
    assert "Opsi:" in result.stdout
    assert "Hanya mitra di negara ini (kode ISO atau nama" in result.stdout
    english = _coopctl("list", "--help")
    assert "One row per agreement" in english.stdout and "Options:" in english.stdout


def test_help_follows_the_locale_and_the_store_setting(example):
    assert "Simpan naskah kerja sama" in _coopctl("--help", LANG="id_ID.UTF-8").stdout
    set_store_lang(example, "id")
    assert "Catat perpanjangan kerja sama ini" in _coopctl("renew", "--help", COOPCTL_STORE=str(example)).stdout
    assert "Catat perpanjangan kerja sama ini" in _coopctl("renew", "--help", "--store", str(example)).stdout
    assert "Record a renewal of this agreement" in _coopctl("renew", "--help", "--store", str(example), "--lang", "en").stdout


def test_a_whole_command_in_indonesian_as_a_user_runs_it(tmp_path):
    store = tmp_path / "jatim"
    made = _coopctl("init", "--sample", "--store", str(store), "--lang", "id")
    assert made.returncode == 0 and made.stderr == f"Direktori data dibuat di {store} (8 berkas mitra)\n"
    result = _coopctl("renew", "--as-of", ARTICLE_DAY, "--store", str(store), COOPCTL_LANG="id", NO_COLOR="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1].split()[:6] == ["western-australia-sister-state", "Western", "Australia",
                                                         "dalam", "perpanjangan!", "Verifikasi"]

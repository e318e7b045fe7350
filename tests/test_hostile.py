"""Hostile and broken input: every reading command on every case of the corpus in tests/corpus/.

For a broken store: one clear line naming file:line:column where it applies (`check`: one line per
problem), a non-zero exit, never a traceback, never an escape sequence on the terminal, and no
write. For hostile but valid text: printed literally (no Rich markup, no ANSI, no bidi tricks),
aligned by display width, and kept byte for byte in JSON and on save.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from typer import testing as typer_testing
from typer.testing import CliRunner

from coopctl.storage import encode

from coopctl.cli import app
from coopctl.core.records import Settings
from coopctl.storage.loader import load, load_valid

CORPUS = Path(__file__).parent / "corpus"
_spec = importlib.util.spec_from_file_location("corpus_generate", CORPUS / "generate.py")
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)

runner = CliRunner()
# typer rebuilds the click command on every invoke (30 ms); this file invokes a thousand times, so build it once
_FAST = hasattr(typer_testing, "_get_command")
_command = typer_testing._get_command(app) if _FAST else None
GOOD = generate.good("contoh-pks")
# C0 and C1 controls (other than newline) and bidi overrides: none may reach the terminal
TERMINAL_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
READERS = [
    ["list"], ["list", "--format", "json"], ["list", "--format", "csv"], ["show", "contoh-pks"],
    ["renew"], ["renew", "--check"], ["report"], ["report", "--sector", "trade"],
]


def make_store(root: Path, files: dict[str, bytes | str] | None = None, settings: bytes | str | None = None) -> Path:
    (root / "partners").mkdir(parents=True)
    (root / "coopctl.toml").write_bytes(b'owner = "Test Bureau"\n' if settings is None else
                                         settings if isinstance(settings, bytes) else settings.encode())
    (root / "partners" / "contoh.toml").write_text(GOOD, encoding="utf-8")
    for name, content in (files or {}).items():
        (root / "partners" / name).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): (p.read_bytes() if p.is_file() and not p.is_symlink() else b"<special>")
            for p in sorted(root.rglob("*"))}


def invoke(args: list[str], root: Path):
    if _FAST:
        real, typer_testing._get_command = typer_testing._get_command, lambda _app: _command
    try:
        result = runner.invoke(app, [*args, "--store", str(root)])
    finally:
        if _FAST:
            typer_testing._get_command = real
    # a bug would surface as an exception other than the SystemExit of a clean exit
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream, args
        assert not TERMINAL_UNSAFE.search(stream), (args, stream[:300])
    return result


def assert_reading_fails_cleanly(root: Path, where: str) -> None:
    """Every reading command: exit 1 (2 for a --check mode, which follows grep), nothing on stdout, one line on
    stderr naming `where`; check: one line a problem."""
    before = snapshot(root)
    for args in READERS:
        result = invoke(args, root)
        assert result.exit_code == (2 if "--check" in args else 1), (args, result.stdout, result.stderr)
        assert result.stdout == "", args
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("coopctl: error: "), (args, result.stderr)
        assert where in lines[0], (args, where, lines[0])
        assert len(lines[0]) < 2500
    result = invoke(["check"], root)
    assert result.exit_code == 1
    problems = load(root).problems
    lines = result.stdout.splitlines()
    assert len(lines) == len(problems) >= 1
    assert all(re.match(r"^.+?(\.toml|/partners)(:\d+(:\d+)?)?: \S", line) for line in lines), lines
    assert any(where in line for line in lines), (where, lines)
    assert result.stderr.splitlines()[-1].endswith(f"in {root}")
    assert snapshot(root) == before, "a reading command wrote to the store"


# ---------------------------------------------------------------- the committed corpus

# case -> the location every command must name: (line, column), (line, None) or (None, None)
INVALID = {
    "activity-bad-currency": (20, 1), "agreement-id-backslash": (6, 1), "agreement-id-dash": (6, 1),
    "agreement-id-device": (6, 1), "agreement-id-duplicate": (6, 1), "agreement-id-escape": (6, 1),
    "agreement-id-hidden": (6, 1), "agreement-id-markup": (6, 1), "agreement-id-path": (6, 1),
    "agreements-is-a-string": (4, 1), "agreements-not-tables": (4, 15), "bare-word-value": (4, 9),
    "binary-garbage": (1, 1), "bom-then-broken": (4, 9), "conflict-markers": (4, 1), "date-as-integer": (12, 1),
    "date-as-string": (12, 1), "date-feb-30": (4, 9), "date-month-13": (12, 9), "date-partial-month-13": (12, 1),
    "date-with-time": (12, 1), "deep-nesting-arrays": (4, 111), "deep-nesting-dotted-key": (4, 1),
    "deep-nesting-inline-tables": (4, 609), "deep-nesting-table-header": (5, 1), "duplicate-key": (4, 19),
    "duplicate-table": (8, 10), "empty": (None, None), "end-before-start": (13, 1),
    "invalid-utf8-overlong": (4, 10), "invalid-utf8": (4, 13), "key-without-value": (4, 8),
    "kind-is-boolean": (3, 1), "lone-carriage-return": (1, 14), "name-empty": (1, 1), "name-is-a-number": (1, 1),
    "nul-byte-in-string": (4, 11), "nul-bytes-only": (1, 1), "only-a-comment": (None, None),
    "only-whitespace": (None, None), "pending-twice": (5, 1), "raw-escape-in-string": (4, 10),
    "sector-unknown": (9, 12), "sectors-as-string": (9, 1), "table-and-array-clash": (8, 13),
    "terms-missing": (5, 1), "unknown-key": (14, 1), "unterminated-array": (5, None),
    "unterminated-inline-table": (7, 42), "unterminated-literal-string": (3, None),
    "unterminated-multiline-string": (7, None), "unterminated-string": (1, 20), "unterminated-table-header": (5, 13),
}


def _where(name: str, line: int | None, column: int | None) -> str:
    return f"{name}:{line}:{column}: " if column else f"{name}:{line}: " if line else f"{name}: "


def test_the_corpus_and_the_table_agree():
    on_disk = {p.stem for p in (CORPUS / "invalid").glob("*.toml")}
    assert on_disk == set(INVALID) == set(generate.INVALID)
    assert {p.stem for p in (CORPUS / "valid").glob("*.toml")} == set(generate.VALID)


@pytest.mark.parametrize("case", sorted(INVALID))
def test_broken_partner_file(tmp_path, case):
    root = make_store(tmp_path / "s", {"rusak.toml": (CORPUS / "invalid" / f"{case}.toml").read_bytes()})
    line, column = INVALID[case]
    assert_reading_fails_cleanly(root, _where("partners/rusak.toml", line, column))


@pytest.mark.parametrize("case", sorted(generate.SETTINGS))
def test_broken_settings_file(tmp_path, case):
    root = make_store(tmp_path / "s", settings=(CORPUS / "settings" / f"{case}.toml").read_bytes())
    if case == "empty":  # an empty settings file is a valid one: every setting has a default
        assert invoke(["check"], root).exit_code == 0
        return
    where = {"notice-bad": "coopctl.toml:4:1: '18 months' is not a duration"}.get(case, "coopctl.toml:1:")
    assert_reading_fails_cleanly(root, where)


def test_messages_say_what_is_wrong_and_how_to_fix_it(tmp_path):
    cases = {
        "date-feb-30": "'2023-02-30' is not a date in the calendar",
        "date-month-13": "'2024-13-01' is not a date in the calendar",
        "date-as-string": "write it without quotes: start = 2024-03-01",
        "sectors-as-string": "'sectors' must be a list",
        "unterminated-string": "a string is not closed before the end of the line",
        "invalid-utf8": "not valid UTF-8 (byte 0xe9); save the file as UTF-8",
        "deep-nesting-arrays": "nested too deeply",
        "conflict-markers": "unresolved git conflict",
        "agreement-id-path": "must be 1-64 lowercase letters",
    }
    for case, fragment in cases.items():
        root = make_store(tmp_path / case, {"rusak.toml": (CORPUS / "invalid" / f"{case}.toml").read_bytes()})
        assert fragment in invoke(["list"], root).stderr, case


# ---------------------------------------------------------------- cases made at test time


def test_a_50_mb_file_is_refused_without_reading_it(tmp_path):
    root = make_store(tmp_path / "s")
    chunk = b'[[contacts]]\nname = "' + b"x" * 1000 + b'"\n'
    with open(root / "partners" / "huge.toml", "wb") as f:
        f.write(b'name = "x"\nkind = "third-party"\ncountry = "ID"\n')
        for _ in range(50 * 1024 * 1024 // len(chunk) + 1):
            f.write(chunk)
    assert (root / "partners" / "huge.toml").stat().st_size >= 50 * 1024 * 1024
    assert_reading_fails_cleanly(root, "partners/huge.toml: file is 50 MB")


def test_a_100000_character_id_gives_a_short_line(tmp_path):
    root = make_store(tmp_path / "s", {"rusak.toml": generate.RUNTIME_INVALID["agreement-id-long"]()})
    assert_reading_fails_cleanly(root, "partners/rusak.toml:6:1: agreement id 'aaaa")
    assert "(100000 characters)" in invoke(["list"], root).stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_special_files_are_problems_not_hangs(tmp_path):
    root = make_store(tmp_path / "s")
    os.mkfifo(root / "partners" / "pipe.toml")  # reading it would wait forever
    assert_reading_fails_cleanly(root, "partners/pipe.toml: not a regular file")
    os.unlink(root / "partners" / "pipe.toml")
    (root / "partners" / "folder.toml").mkdir()
    assert_reading_fails_cleanly(root, "partners/folder.toml: not a regular file")
    os.rmdir(root / "partners" / "folder.toml")
    os.symlink("/dev/zero", root / "partners" / "zero.toml")  # endless
    assert_reading_fails_cleanly(root, "partners/zero.toml: not a regular file")


@pytest.mark.parametrize("name", ["CON.toml", "-x.toml", "a b.toml", "Osaka.toml", "x" * 65 + ".toml",
                                  "é.toml", "x_y.toml"])
def test_file_names_that_are_not_partner_ids(tmp_path, name):
    root = make_store(tmp_path / "s", {name: GOOD.replace("contoh-pks", "other-pks")})
    assert_reading_fails_cleanly(root, "is not a partner id")


def test_a_file_name_that_is_not_utf8(tmp_path):
    root = make_store(tmp_path / "s")
    bad = os.fsencode(str(root / "partners")) + b"/\xff\xfe.toml"
    try:
        with open(bad, "wb") as f:
            f.write(GOOD.replace("contoh-pks", "other-pks").encode())
    except OSError:
        pytest.skip("this file system refuses file names that are not UTF-8")
    assert_reading_fails_cleanly(root, "is not a partner id")
    real = subprocess.run([sys.executable, "-m", "coopctl", "check", "--store", str(root)],
                          capture_output=True, timeout=60)
    assert real.returncode == 1 and b"Traceback" not in real.stderr and b"\xef\xbf\xbd" in real.stdout


def test_hidden_files_editor_backups_and_the_trash_are_not_records(tmp_path):
    root = make_store(tmp_path / "s", {".hidden.toml": "garbage [[", ".contoh.toml.x1y2z3a4.tmp": "half a fi",
                                       "contoh.toml~": "backup", "notes.txt": "x"})
    (root / "trash").mkdir()
    (root / "trash" / "20250101T000000Z.partner.contoh.toml").write_text("not even [[ TOML")
    (root / ".coopctl.lock").write_bytes(b"")
    assert invoke(["check"], root).exit_code == 0


def test_the_real_process_on_the_nastiest_files(tmp_path):
    """Through `python -m coopctl`, as a user runs it: the same one line, nothing else."""
    nasty = ["binary-garbage", "nul-bytes-only", "deep-nesting-arrays", "deep-nesting-inline-tables",
             "invalid-utf8", "raw-escape-in-string", "agreement-id-escape"]
    for case in nasty:
        root = make_store(tmp_path / case, {"rusak.toml": (CORPUS / "invalid" / f"{case}.toml").read_bytes()})
        for args in (["list"], ["check"]):
            result = subprocess.run([sys.executable, "-m", "coopctl", *args, "--store", str(root)],
                                    capture_output=True, timeout=60, env={**os.environ, "NO_COLOR": "1"})
            out, err = result.stdout.decode(), result.stderr.decode()
            assert result.returncode == 1, (case, args, err)
            assert "Traceback" not in err and not TERMINAL_UNSAFE.search(out + err), (case, args)
            assert "partners/rusak.toml:" in out + err


# ---------------------------------------------------------------- hostile text that is valid data

VALID_IDS = {case: re.search(r'^id = "([^"]+)"', text, re.M).group(1) for case, text in generate.VALID.items()}


@pytest.mark.parametrize("case", sorted(generate.VALID))
def test_hostile_text_is_printed_literally_and_kept_exactly(tmp_path, case):
    raw = (CORPUS / "valid" / f"{case}.toml").read_bytes()
    root = make_store(tmp_path / "s", {"rusak.toml": raw})
    before = snapshot(root)
    agreement_id = VALID_IDS[case]
    for args in READERS + [["show", agreement_id], ["show", "rusak"], ["check"], ["show", agreement_id, "--format", "md"]]:
        result = invoke(args + ["--as-of", "2025-01-01"] if args[0] != "check" else args, root)
        assert result.exit_code == 0, (args, result.stderr)
    assert snapshot(root) == before
    title = load_valid(root).store.find_agreement(agreement_id).title
    shown = json.loads(invoke(["show", agreement_id, "--format", "json"], root).stdout)
    assert shown["title"] == title  # JSON carries the data whole (escaped where it must be)


def test_markup_is_shown_as_written(tmp_path):
    root = make_store(tmp_path / "s", {"rusak.toml": generate.VALID["markup"]})
    out = invoke(["show", "markup-pks"], root).stdout
    assert "[bold red]x[/] [link=file:///etc/passwd]click[/link] :warning: [/]" in out
    listed = invoke(["list", "--as-of", "2025-01-01"], root)
    assert listed.exit_code == 0 and "markup-pks" in listed.stdout


def test_escape_sequences_never_reach_the_terminal_but_json_keeps_them(tmp_path):
    root = make_store(tmp_path / "s", {"rusak.toml": generate.VALID["ansi"]})
    out = invoke(["show", "ansi-pks"], root).stdout
    assert "\x1b" not in out and "\x9b" not in out and "\x07" not in out
    assert "[31mRED" in out  # what is left is harmless, visible text
    raw = invoke(["show", "ansi-pks", "--format", "json"], root).stdout
    assert "\\u001b[31mRED" in raw and "\\u009b2J" in raw and "\x9b" not in raw
    assert json.loads(raw)["title"].startswith("\x1b[31mRED\x1b[0m")
    bidi = make_store(tmp_path / "b", {"rusak.toml": generate.VALID["bidi"]})
    raw = invoke(["show", "bidi-pks", "--format", "json"], bidi).stdout
    assert "\u202e" not in raw and "\\u202e" in raw


def test_a_100000_character_name_is_shown_whole_and_listed_cut(tmp_path):
    root = make_store(tmp_path / "s", {"rusak.toml": generate.RUNTIME_VALID["long-name"]()})
    listed = invoke(["list", "--as-of", "2025-01-01"], root)
    assert listed.exit_code == 0
    assert max(cell_len(line) for line in listed.stdout.splitlines()) <= 100
    assert json.loads(invoke(["show", "long-pks", "--json"], root).stdout)["title"] == "T" * 100_000


# ---------------------------------------------------------------- alignment by display width


def _unicode_store(root: Path) -> Path:
    files = {f"u{i}.toml": generate.VALID[f"unicode-{case}"].replace('country = "ID"', f'country = "{cc}"')
             for i, (case, cc) in enumerate(zip(generate.UNICODE_NAMES, ["CN", "KR", "EG", "ES", "AU", "DE", "JP"]))}
    return make_store(root, files)


@pytest.mark.parametrize("columns", ["200", "100", "80"])
def test_wide_and_zero_width_characters_keep_columns_aligned(tmp_path, monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", columns)
    root = _unicode_store(tmp_path / "s")
    result = invoke(["list", "--as-of", "2025-01-01"], root)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    header = lines[0]
    cc_at = cell_len(header[: header.index("CC ")])
    assert all(cell_len(line) <= int(columns) for line in lines), result.stdout
    # a long name wraps onto a second line; each agreement's first line holds its country code
    rows = [line for line in lines[1:] if re.search(r"  (CN|KR|EG|ES|AU|DE|JP|ID)  ", line)]
    assert len(rows) == 8
    for line in rows:
        m = re.search(r"  (CN|KR|EG|ES|AU|DE|JP|ID)  ", line)
        assert cell_len(line[: m.start(1)]) == cc_at, (line, cell_len(line[: m.start(1)]), cc_at)
    assert any(name in result.stdout for name in ("天津市人民政府", "경상남도")) or columns == "80"


def test_wide_characters_in_show_do_not_break_the_layout(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    root = _unicode_store(tmp_path / "s")
    out = invoke(["show", "cjk-pks"], root).stdout
    assert "天津市人民政府" in out
    assert all(cell_len(line) <= 60 for line in out.splitlines())


# ---------------------------------------------------------------- hostile ids on the command line

NEW = ["--title", "T", "--type", "mou", "--start", "2024", "--country", "ID", "--kind", "third-party", "--no-input"]


def test_hostile_partner_names_never_leave_the_store(tmp_path):
    root = make_store(tmp_path / "s")
    for name, expected in [("../x", "x"), ("..\\y", "y"), (".hidden", "hidden"), ("a/../../b", "a-b")]:
        result = invoke(["add", name, *NEW, "--id", f"pks-{expected}"], root)
        assert result.exit_code == 0, (name, result.stderr)
        assert (root / "partners" / f"{expected}.toml").is_file(), name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s"]
    assert invoke(["check"], root).exit_code == 0


@pytest.mark.parametrize("name", ["CON", "con", "Nul", "lpt1", "COM9"])
def test_reserved_device_names_are_refused_as_partner_files(tmp_path, name):
    root = make_store(tmp_path / "s")
    before = snapshot(root)
    result = invoke(["add", name, *NEW], root)
    assert result.exit_code == 1
    assert "reserved device name on Windows" in result.stderr and result.stderr.count("\n") == 1
    assert snapshot(root) == before | {".coopctl.lock": b""}


@pytest.mark.parametrize("bad_id", ["../x", "CON", ".hidden", "x/y", "a\\b", "x" * 100_000, "\udcff", "[bold]x[/]"])
def test_hostile_ids_for_add_show_renew(tmp_path, bad_id):
    root = make_store(tmp_path / "s")
    before = snapshot(root)
    runs = [["add", "contoh", "--id", bad_id, "--title", "T", "--type", "mou", "--start", "2024", "--no-input"],
            ["show", bad_id], ["renew", bad_id, "--until", "2035", "--pending"], ["renew", bad_id, "--signed", "2024"],
            ["log", bad_id, "x", "--sector", "trade"], ["terminate", bad_id], ["delete", bad_id, "--yes"],
            ["edit", bad_id], ["restore", bad_id]]
    for args in runs:
        result = invoke(args, root)
        assert result.exit_code == 1, (args[0], result.stderr)
        assert result.stdout == ""
        line = result.stderr.strip()
        assert line.startswith("coopctl: error: ") and "\n" not in line and len(line) < 600, (args[0], line[:300])
    assert snapshot(root) == {k: v for k, v in snapshot(root).items()} and \
        {k: v for k, v in snapshot(root).items() if k != ".coopctl.lock"} == before


def test_an_id_that_looks_like_an_option_is_a_usage_error(tmp_path):
    root = make_store(tmp_path / "s")
    for args in (["show", "-x"], ["renew", "-x", "--until", "2035"], ["add", "-x", *NEW]):
        result = invoke(args, root)
        assert result.exit_code == 2 and "No such option: -x" in result.stderr
    result = runner.invoke(app, ["add", "--store", str(root), *NEW, "--", "-x"])  # after --, a name like any other
    assert result.exit_code == 0 and (root / "partners" / "x.toml").is_file(), result.stderr


def test_text_that_is_not_utf8_is_refused_before_anything_is_written(tmp_path):
    root = make_store(tmp_path / "s")
    before = snapshot(root)
    result = invoke(["add", "contoh", "--title", "bad \udcff byte", "--type", "mou", "--start", "2024", "--no-input"], root)
    assert result.exit_code == 1 and "not valid UTF-8" in result.stderr
    assert {k: v for k, v in snapshot(root).items() if k != ".coopctl.lock"} == before
    real = subprocess.run([os.fsencode(sys.executable), b"-m", b"coopctl", b"add", b"contoh", b"--title", b"caf\xe9",
                           b"--type", b"mou", b"--start", b"2024", b"--no-input", b"--store", os.fsencode(str(root))],
                          capture_output=True, timeout=60)
    assert real.returncode == 1 and b"not valid UTF-8" in real.stderr and b"Traceback" not in real.stderr


# ---------------------------------------------------------------- property: random valid stores round-trip

sys.path.insert(0, str(Path(__file__).parent))
from test_roundtrip import partners as partner_strategy  # noqa: E402

owners = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30).filter(lambda s: s.strip())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(owner=owners, drawn=st.lists(partner_strategy(), min_size=1, max_size=3))
def test_random_valid_stores_save_and_load_back_identical(tmp_path_factory, owner, drawn):
    """Any text (controls, markup, RTL, emoji, NUL) saved through the store's own writer loads back
    as the same records, and saving again gives the same bytes."""
    from coopctl.storage.files import atomic_write

    root = tmp_path_factory.mktemp("prop")
    (root / "partners").mkdir()
    atomic_write(root / "coopctl.toml", encode.dump_settings(Settings(owner=owner)).encode())
        # each partner its own id; procedures are not drawn here, so an agreement names none
    drawn = [partner._replace(id=f"p{i}", agreements=tuple(
        a._replace(id=f"p{i}-{a.id}", partner_id=f"p{i}", procedure=None) for a in partner.agreements))
        for i, partner in enumerate(drawn)]
    for partner in drawn:
        atomic_write(root / "partners" / f"{partner.id}.toml", encode.dump_partner(partner).encode("utf-8"))
    before = snapshot(root)
    loaded = load(root)
    assert loaded.problems == []
    assert loaded.store.settings.owner == owner
    assert [loaded.store.partners[p.id] for p in drawn] == drawn
    for partner in drawn:
        assert encode.dump_partner(loaded.store.partners[partner.id]).encode() == before[f"partners/{partner.id}.toml"]


# ---------------------------------------------------------------- hostile surroundings


def test_a_terminal_that_cannot_show_unicode_gets_question_marks_not_a_crash(tmp_path):
    root = _unicode_store(tmp_path / "s")
    result = subprocess.run([sys.executable, "-m", "coopctl", "list", "--store", str(root), "--as-of", "2025-01-01"],
                            capture_output=True, timeout=60, env={**os.environ, "PYTHONIOENCODING": "latin-1"})
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stderr and b"cjk-pks" in result.stdout and b"???" in result.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file descriptors")
def test_a_closed_stdout_is_not_a_crash(tmp_path):
    root = make_store(tmp_path / "s")
    for args in (["list"], ["list", "--json"], ["renew", "--check", "--as-of", "2030-01-01"]):
        result = subprocess.run([sys.executable, "-m", "coopctl", *args, "--store", str(root)], stdout=None,
                                stderr=subprocess.PIPE, timeout=60, preexec_fn=lambda: os.close(1))
        assert b"Traceback" not in result.stderr, args
        assert result.returncode == (1 if "--check" in args else 0), result.stderr


@pytest.mark.parametrize("columns", ["abc", "0", "-5", "99999999", ""])
def test_nonsense_terminal_widths(tmp_path, monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", columns)
    root = _unicode_store(tmp_path / "s")
    assert invoke(["list", "--as-of", "2025-01-01"], root).exit_code == 0

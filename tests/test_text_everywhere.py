"""Text is data everywhere (issue 14): hostile strings in every text field of a store go through every
command, in every format, to stdout and -o, and no control character, line or paragraph separator or bidi
override reaches the output; no CSV cell starts like a formula (full-width ones too); no Markdown carries
raw HTML. The strings are those of tests/test_hostile.py's corpus, and more.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
import tomli_w
from typer.testing import CliRunner

from coopctl.cli import app

runner = CliRunner()

HOSTILE = [
    "\x1b[31mRED\x1b[0m",  # CSI
    "\x1b]8;;file:///etc/passwd\x07link\x1b]8;;\x07",  # OSC hyperlink, BEL
    "\x9b2J",  # C1 CSI
    "back\x08space del\x7f nul\x00 vt\x0b ff\x0c",
    "line\u2028sep\u2029para\x85nel\rcr\nnl\ttab",
    "abc\u202edcba\u2066x\u2069 \u200fy \u061c",  # bidi overrides
    "<script>alert(1)</script> &amp; <b>",
    "[bold red]x[/] [link=file:///etc/passwd]click[/link] :warning: [/]",
]
# each partner's texts start like a formula, a different way each (full-width ones too)
STARTS = ["=1+1", "\uff1d1+1", "+cmd", "-2+3", "@SUM(A1)", "\uff0b1", "\uff0d1", "\uff20x"]
ALL = " ".join(HOSTILE)
# what may never be in the output: C0 controls but newline and tab (whitespace, which cannot act on a
# terminal: a note's lines and tabs stay in a CSV export, so that it imports back exactly; CR only before
# LF: CSV and iCalendar lines), C1, bidi overrides, line and paragraph separators
UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
                    "|\r(?!\n)")
FORMULA = ("=", "+", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20", "-")


def text(i: int) -> str:
    return f"{STARTS[i % len(STARTS)]} {ALL}"


def partner(i: int) -> dict:
    return {
        "name": text(i), "local_name": text(i + 1), "country": "JP", "kind": "foreign-local-gov",
        "notes": text(i + 2), "sources": [text(i + 3)],
        "contacts": [{"name": text(i + 4), "role": text(i + 5), "email": text(i + 6), "phone": text(i + 7)}],
        "agreements": [{
            "id": f"hostile-{i}", "title": text(i), "type": "mou",
            "sectors": [{"id": "trade", "since": date(2020, 1, 1), "basis": text(i + 1)}, "custom-x"],
            "unit": text(i + 2), "notes": text(i + 3), "sources": [text(i + 4)],
            "terms": [{"start": date(2020, 1, 1), "end": date(2025, 6, 30), "signed": date(2019, 12, 1),
                       "number": text(i + 5), "place": text(i + 6), "note": text(i + 7)},
                      {"start": date(2025, 7, 1), "end": date(2030, 6, 30), "pending": True, "note": text(i)}],
            "activities": [{"date": date(2023, 5, 1), "sector": "trade", "type": "visit-in", "summary": text(i + 1),
                            "source": text(i + 2), "value": 5, "currency": "IDR"}],
            "milestones": [{"id": "evaluation", "date": date(2024, 3, 1), "term_end": date(2025, 6, 30),
                            "ref": text(i + 3), "note": text(i + 4)}],
        }],
    }


@pytest.fixture
def store(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "s"
    (root / "partners").mkdir(parents=True)
    settings = {"owner": text(0), "sectors": [{"id": "custom-x", "label": text(1), "label_id": text(2)}]}
    (root / "coopctl.toml").write_text(tomli_w.dumps(settings), encoding="utf-8")
    for i in range(len(STARTS)):
        (root / "partners" / f"p{i}.toml").write_text(tomli_w.dumps(partner(i)), encoding="utf-8")
    # a prospect (no agreement) and a stalled letter of intent, for coverage's lists
    (root / "partners" / "prospect.toml").write_text(tomli_w.dumps(
        {"name": text(3), "country": "KR", "kind": "foreign-institution"}), encoding="utf-8")
    if shutil.which("git"):  # history reads git
        config = tmp_path / "gitconfig"
        config.write_text("[user]\n\tname = Test\n\temail = t@example.org\n[init]\n\tdefaultBranch = main\n")
        monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
        monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "init " + ALL.replace("\x00", "")]):
            subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)
    return root


def run(root: Path, *args: str):
    result = runner.invoke(app, [*args, "--store", str(root)])
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
    for name, stream in (("stdout", result.stdout), ("stderr", result.stderr)):
        bad = UNSAFE.search(stream)
        assert bad is None, (args, name, repr(stream[max(bad.start() - 40, 0):bad.end() + 40]))
        assert "Traceback" not in stream
    return result


FORMATS = ["table", "json", "csv", "md"]
LISTINGS = [["list"], ["renew"], ["show", "hostile-1"], ["show", "p2"], ["show", "prospect"], ["plan", "hostile-3"],
            ["report"], ["report", "--sector", "trade"], ["report", "--sector", "custom-x"], ["activities"],
            ["dormant"], ["coverage"], ["timeline"], ["history"], ["restore"]]


def check_cells(args: list[str], fmt: str, out: str) -> None:
    if fmt == "csv":
        for row in csv.reader(io.StringIO(out.lstrip("\ufeff"))):
            for cell in row:
                number = re.fullmatch(r"-?\d+", cell)
                assert number or not cell.startswith(FORMULA), (args, cell[:60])
    if fmt == "md":
        assert "<script" not in out and "<b>" not in out, args
    if fmt == "json" and out.strip():
        json.loads(out)  # still JSON, the data whole (escaped where it must be)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_listing_in_every_format(store, fmt):
    for args in LISTINGS:
        if args[0] == "history" and not (store / ".git").exists():
            continue
        result = run(store, *args, "--format", fmt, "--as-of", "2025-01-01")
        assert result.exit_code in (0, 1), (args, result.stderr)  # renew --check is not asked; 1 only for none
        assert result.exit_code == 0 or result.stdout == "", (args, result.stderr)
        check_cells(args, fmt, result.stdout)


def test_json_keeps_the_data_whole(store):
    shown = json.loads(run(store, "show", "hostile-0", "--format", "json", "--as-of", "2025-01-01").stdout)
    assert shown["title"] == text(0)


def test_exports_calendar_and_check(store, tmp_path):
    for args in (["export", "--format", "csv"], ["export", "--format", "csv", "--table", "activities"],
                 ["export", "--format", "csv", "--delimiter", ";"], ["export", "--format", "json"],
                 ["calendar", "--as-of", "2025-01-01"], ["check"], ["renew", "--check", "--as-of", "2025-01-01"]):
        result = run(store, *args)
        assert result.exit_code in (0, 1), (args, result.stderr)
        if args[:3] == ["export", "--format", "csv"]:
            delimiter = ";" if ";" in args else ","
            for row in csv.reader(io.StringIO(result.stdout.lstrip("\ufeff")), delimiter=delimiter):
                assert not any(c.startswith(FORMULA) and not re.fullmatch(r"-?\d+", c) for c in row), row
    for name in ("out.csv", "out.ics", "out.json"):  # -o: the same bytes as stdout
        args = ["calendar"] if name.endswith(".ics") else ["export"]
        assert run(store, *args, "-o", str(tmp_path / name), "--as-of", "2025-01-01").exit_code == 0
        written = (tmp_path / name).read_text(encoding="utf-8-sig")
        assert UNSAFE.search(written) is None, name


def test_changes_and_their_dry_runs(store, tmp_path):
    """What a change says (stderr), and what a dry run shows (a diff on stdout), with hostile input."""
    results = [
        run(store, "add", "p1", "--title", text(5), "--type", "mou", "--start", "2024", "--id", "added-1",
            "--dry-run"),
        run(store, "add", "p1", "--title", text(5), "--type", "mou", "--start", "2024", "--id", "added-1",
            "--unit", text(6)),
        run(store, "log", "hostile-2", text(7), "--sector", "trade", "--date", "2024-05-01", "--dry-run"),
        run(store, "log", "hostile-2", text(7), "--sector", "trade", "--date", "2024-05-01"),
        run(store, "milestone", "hostile-2", "draft", "--date", "2024-05-01", "--ref", text(1), "--note", text(2)),
        run(store, "terminate", "added-1", "--date", "2024-06-01", "--reason", text(3)),
        run(store, "sector", "add", "hostile-4", "tourism", "--basis", text(4), "--since", "2024"),
        run(store, "delete", "hostile-5", "--yes"),
        run(store, "restore", "hostile-5", "--dry-run"),
        run(store, "show", f"nope {ALL}"),  # an unknown id that is hostile itself: the error line is clean
    ]
    assert [r.exit_code for r in results] == [0, 0, 0, 0, 0, 0, 0, 0, 0, 1], [r.stderr for r in results]
    sheet = tmp_path / "in.csv"
    with open(sheet, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["partner", "country", "kind", "title", "type", "sectors", "start", "notes"])
        plain = ALL.replace("\x00", "")  # a NUL makes the file binary data, which import refuses as such
        w.writerow([f"New {plain}", "ID", "domestic-region", text(2).replace("\x00", ""), "pks", "trade",
                    "2024-01-01", text(3).replace("\x00", "")])
    assert run(store, "import", str(sheet), "--dry-run").exit_code == 0
    assert run(store, "import", str(sheet)).exit_code == 0


def test_show_at_a_colour_terminal(store, monkeypatch):
    """At a terminal Rich draws (and styles) the record: its own escapes only, never the store's."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    result = runner.invoke(app, ["show", "hostile-1", "--store", str(store), "--as-of", "2025-01-01"])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "\x1b[" in out  # Rich styled it: this is a terminal
    for unsafe in ("\u2028", "\u2029", "\x85", "\x1b]8", "\x9b", "\x07", "\x08", "\u202e", "\x1b[31mRED"):
        assert unsafe not in out, repr(unsafe)

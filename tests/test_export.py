"""coopctl export: an xlsx workbook that opens, CSV for Excel, JSON that holds the whole store, and
no formula from the data ever runs."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from coopctl.cli import app
from helpers import snapshot


runner = CliRunner()
ARTICLE_DAY = "2023-08-22"


def run(store: Path, *args: str):
    return runner.invoke(app, [*args, "--store", str(store)])


def test_the_xlsx_export_of_the_example_opens_as_a_workbook(example, tmp_path):
    path = tmp_path / "jatim.xlsx"
    result = run(example, "export", "-o", str(path), "--as-of", ARTICLE_DAY)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"Exported 10 agreements (15 terms) and 11 activities to {path}\n"
    book = load_workbook(path)
    assert book.sheetnames == ["agreements", "activities"]
    sheet = book["agreements"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["id", "partner", "partner_id", "local_name"] and "state" in header
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}16"
    rows = [dict(zip(header, [c.value for c in row])) for row in sheet.iter_rows(min_row=2)]
    wa = [r for r in rows if r["id"] == "western-australia-sister-state"]
    assert [r["start"] for r in wa] == [datetime(1990, 8, 21), datetime(2007, 9, 28), "2017-09", datetime(2023, 9, 6)]
    assert wa[-1]["end"] == datetime(2028, 9, 5) and wa[-1]["pending"] == "yes"
    assert wa[0]["state"] == "renewing" and wa[0]["days_left"] == -326
    assert sheet.cell(2, header.index("start") + 1).number_format == "yyyy-mm-dd"
    widths = {k: d.width for k, d in sheet.column_dimensions.items()}
    assert widths["A"] >= len("western-australia-sister-state") and widths[sheet.cell(1, header.index("note") + 1).column_letter] <= 62
    activities = book["activities"]
    assert activities.max_row == 12 and activities.freeze_panes == "A2"


def test_csv_export_is_utf8_with_a_bom_for_excel(example, tmp_path):
    path = tmp_path / "jatim.csv"
    assert run(example, "export", "-o", str(path)).exit_code == 0
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw[3:].decode("utf-8"), newline="")))
    assert len(rows) == 15
    alexandria = rows[0]
    assert alexandria["id"] == "alexandria-loi" and alexandria["sectors"] == "trade;economy;tourism;education"
    assert alexandria["note"].startswith("Signed during the governor's visit of 22-24 Nov 2022. No end")  # quoted: it has commas
    semicolons = run(example, "export", "--format", "csv", "--delimiter", ";").stdout
    assert semicolons.startswith("\ufeffid;partner;partner_id;")
    acts = run(example, "export", "--format", "csv", "--table", "activities").stdout
    assert acts.splitlines()[0] == "\ufeffagreement,partner,date,sector,type,summary,participants,value,currency,source"


def test_format_from_the_file_name_and_usage_errors(example, tmp_path):
    assert run(example, "export", "-o", str(tmp_path / "a.json")).exit_code == 0
    assert json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))["format"] == "coopctl-export"
    result = run(example, "export", "-o", str(tmp_path / "a.txt"))
    assert result.exit_code == 2
    assert result.stderr == "coopctl: error: give --format xlsx, csv or json, or an -o FILE ending in .xlsx, .csv or .json\n"
    assert run(example, "export", "--format", "json", "--table", "activities").exit_code == 2
    result = run(example, "export", "-o", str(tmp_path / "missing" / "a.csv"))
    assert result.exit_code == 1 and result.stderr.startswith("coopctl: error: could not write ")


def test_json_to_stdout_is_json_alone(example):
    result = run(example, "export", "--format", "json", "-o", "-")
    assert result.exit_code == 0 and result.stderr == ""
    data = json.loads(result.stdout)
    assert [p["id"] for p in data["partners"]] == ["alexandria", "dki-jakarta", "gyeongnam", "osaka", "samarkand", "tianjin",
                                                   "unicef", "western-australia"]


def hostile(example: Path) -> None:
    """A partner and an agreement whose texts a spreadsheet would run as formulas."""
    wa = example / "partners" / "western-australia.toml"
    text = wa.read_text(encoding="utf-8")
    text = text.replace('name = "Western Australia"', 'name = "=HYPERLINK(\\"http://evil.example\\",\\"click\\")"')
    text = text.replace('place = "Perth"', 'place = "+1+1"')
    text = text.replace('place = "Surabaya"', 'place = "@SUM(A1:A9)"')
    text = text.replace('summary = "MoU renewal reported', 'summary = "-2+3 MoU renewal reported')
    text = text.replace("note = \"First MoU.", "note = \"\\tFirst MoU.")
    wa.write_text(text, encoding="utf-8")


def test_formulas_from_the_data_never_run_in_csv(example):
    hostile(example)
    text = run(example, "export", "--format", "csv").stdout
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    cells = [c for row in rows for c in row]
    assert "'=HYPERLINK(\"http://evil.example\",\"click\")" in cells
    assert "'+1+1" in cells and "'@SUM(A1:A9)" in cells
    assert any(c.startswith("'\tFirst MoU.") for c in cells)
    assert not any(c.startswith(("=", "+", "@", "\t", "\r")) for c in cells)
    acts = run(example, "export", "--format", "csv", "--table", "activities").stdout
    assert "'-2+3 MoU renewal reported" in acts


def test_formulas_from_the_data_never_run_in_xlsx(example, tmp_path):
    hostile(example)
    path = tmp_path / "hostile.xlsx"
    assert run(example, "export", "-o", str(path)).exit_code == 0
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in xml and "<f " not in xml  # no formula anywhere
    book = load_workbook(path)
    sheet = book["agreements"]
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    evil = [c for c in cells if c.value.startswith("=HYPERLINK")]
    assert evil and all(c.data_type == "s" and c.quotePrefix for c in evil)
    assert any(c.value == "+1+1" and c.data_type == "s" for c in cells)  # the text is kept exactly


def test_xlsx_and_csv_exports_import_back_unchanged(example, tmp_path):
    hostile(example)
    before = snapshot(example, "*.toml")
    for name in ("back.xlsx", "back.csv"):
        assert run(example, "export", "-o", str(tmp_path / name)).exit_code == 0
        result = run(example, "import", str(tmp_path / name))
        assert result.exit_code == 0, result.stderr
        assert result.stderr.splitlines()[-1] == \
            f"Import {tmp_path / name}: nothing to change, the store already holds it (10 agreements unchanged)"
    assert snapshot(example, "*.toml") == before


def test_the_xlsx_export_imports_into_an_empty_store(example, tmp_path):
    path = tmp_path / "jatim.xlsx"
    assert run(example, "export", "-o", str(path)).exit_code == 0
    target = tmp_path / "other"
    assert runner.invoke(app, ["init", "--store", str(target)]).exit_code == 0
    result = run(target, "import", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-1] == f"Saved: import {path}: added 7 partners, 10 agreements and 15 terms"
    listed = json.loads(run(target, "list", "--json", "--as-of", ARTICLE_DAY).stdout)
    original = json.loads(run(example, "list", "--json", "--as-of", ARTICLE_DAY).stdout)
    keys = ("id", "partner", "country", "type", "title", "sectors", "start", "end", "state", "days_left")
    assert [{k: r[k] for k in keys} for r in listed] == [{k: r[k] for k in keys} for r in original]


def test_spreadsheet_libraries_are_not_imported_at_start_up():
    code = "import sys, coopctl.cli; print(sorted(m for m in ('openpyxl', 'icalendar') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"

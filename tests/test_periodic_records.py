"""The periodic report lists every record dated in the period whatever --as-of (issue 20): the 2023-09-06 WA
activity at --as-of 2023-08-22, and the documents filed in the period, in every format."""

from __future__ import annotations

import json

from test_archive import WA, a_pdf, run

AS_OF = "2023-08-22"


def report(store, *args):
    result = run(store, "report", "--period", "2023", "--as-of", AS_OF, *args)
    assert result.exit_code == 0, result.output
    return result


def test_the_report_of_2023_at_the_as_of_date_lists_the_activities_of_2023(example):
    data = json.loads(report(example, "--json").stdout)
    assert ("2023-09-06", WA) in [(a["date"], a["agreement"]) for a in data["activities"]]
    assert data["reported_to"] == AS_OF and data["to"] == "2023-12-31"
    # the states are those at the as-of date: WA's 2023-2028 term was not signed yet, so not in force or renewed
    assert WA not in [r["id"] for r in data["in_force"]] and WA not in [r["id"] for r in data["renewed"]]
    table = report(example).stdout
    assert "(states as at 2023-08-22, the as-of date; every record dated in the period is listed)" in table
    assert "2023-09-06" in table and "Dinner marking 33 years" in table


def test_documents_filed_in_the_period_in_every_format(example, tmp_path):
    assert run(example, "attach", WA, str(a_pdf(tmp_path, "naskah.pdf")), "--number", "120/2023",
               "--date", "2023-09-05").exit_code == 0
    assert run(example, "attach", WA, str(a_pdf(tmp_path, "lama.pdf", "old")), "--kind", "dprd-approval",
               "--date", "2022-11-08").exit_code == 0
    data = json.loads(report(example, "--json").stdout)
    assert [(d["date"], d["id"], d["kind"], d["number"], d["name"]) for d in data["documents"]] == [
        ("2023-09-05", WA, "signed-text", "120/2023", "naskah.pdf")]
    assert data["by_category"]["KSDPL"]["documents"] == 1
    table = report(example).stdout
    assert "Documents filed in the period" in table and "120/2023" in table and "lama.pdf" not in table
    assert "Documents filed          1" in table or "Documents filed" in table.split("In force during")[0]
    md = report(example, "--format", "md").stdout
    assert "## Documents filed in the period" in md and "naskah.pdf" in md
    assert "Dokumen yang diarsipkan dalam periode" in report(example, "--format", "md", "--lang", "id").stdout
    csv = report(example, "--format", "csv").stdout
    assert any(line.startswith("documents,1,") for line in csv.splitlines())
    page = tmp_path / "laporan.html"
    report(example, "--format", "html", "-o", str(page))
    assert "Documents filed in the period" in page.read_text(encoding="utf-8") and "120/2023" in page.read_text(
        encoding="utf-8")
    book = tmp_path / "laporan.xlsx"
    report(example, "--format", "xlsx", "-o", str(book))
    import openpyxl

    sheet = openpyxl.load_workbook(book)["Documents filed"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Category", "Date", "Agreement") and rows[1][2] == WA and "120/2023" in rows[1]
    public = json.loads(report(example, "--json", "--public").stdout)
    assert "documents" not in public


def test_the_html_report_counts_the_documents_on_file(example, tmp_path):
    import re

    assert run(example, "attach", WA, str(a_pdf(tmp_path))).exit_code == 0
    page = tmp_path / "report.html"
    result = run(example, "report", "--format", "html", "-o", str(page), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    row = next(r for r in re.findall(r"<tr>.*?</tr>", html, flags=re.S) if f"<small>{WA}</small>" in r
               and r.endswith("</td></tr>") and "<td class=\"num\">" in r)
    assert row.endswith('<td class="num">1</td></tr>')


def test_from_and_to_take_dates_relative_to_the_as_of_date(example):
    from typer.testing import CliRunner

    from coopctl.cli import app

    def period(*args: str) -> dict:
        result = CliRunner().invoke(app, ["report", *args, "--as-of", "2023-08-22", "--json", "--store", str(example)])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)["period"]

    assert period("--from", "-6m") == period("--from", "2023-02-22", "--to", "2023-08-22")
    assert period("--from", "-1y", "--to", "today") == period("--from", "2022-08-22", "--to", "2023-08-22")

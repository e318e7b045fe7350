"""`report --format xlsx -o laporan.xlsx` (issue 20): the summary sheet first, then agreements and activities."""

from __future__ import annotations

from datetime import datetime

from openpyxl import load_workbook
from typer.testing import CliRunner

from coopctl.cli import app

runner = CliRunner()


def workbook(example, tmp_path, *more: str):
    path = tmp_path / "laporan.xlsx"
    result = runner.invoke(app, ["report", "--store", str(example), "--as-of", "2023-08-22", "--format", "xlsx",
                                 "-o", str(path), *more])
    assert result.exit_code == 0, result.output
    return load_workbook(path)


def rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def test_the_summary_sheet_comes_first_with_the_counts_and_the_matrix(example, tmp_path):
    book = workbook(example, tmp_path)
    assert book.sheetnames == ["Summary", "Agreements", "Activities"]
    summary = rows(book["Summary"])
    assert summary[0][0] == "Pemerintah Provinsi Jawa Timur" and summary[1][0] == "As of 22 August 2023"
    assert book["Summary"].freeze_panes == "A3"
    first = [r[0] for r in summary]
    for title in ("Agreements by legal category (PP 28/2018)", "By country", "Agreements in force by sector",
                  "Sectors by country (agreements in force)"):
        assert title in first
    at = first.index("Agreements by legal category (PP 28/2018)")
    assert summary[at + 1][:4] == ("Category", "Name", "Agreements", "In force")
    assert summary[at + 2][0] == "KSDPL" and summary[at + 2][2:4] == (6, 5)
    country = summary[first.index("By country") + 1:]
    assert ("AU", 1, 1, 1) in [r[:4] for r in country]  # renewing counts as in force, as in `report`
    assert ("EG", 1, 1, 0) in [r[:4] for r in country]  # an LoI is not in force
    matrix_at = first.index("Sectors by country (agreements in force)")
    header = summary[matrix_at + 1]
    assert header[0] == "Sector" and "ID" in header and "JP" in header
    trade = next(r for r in summary[matrix_at + 2:] if r[0] == "Trade")
    assert trade[header.index("ID")] == 2


def test_the_agreements_and_activities_sheets_have_dates_filters_and_frozen_headers(example, tmp_path):
    book = workbook(example, tmp_path)
    agreements, activities = book["Agreements"], book["Activities"]
    table = rows(agreements)
    assert table[0][:5] == ("ID", "Partner", "Country", "Type", "Category")
    assert agreements.freeze_panes == "A2" and agreements.auto_filter.ref == f"A1:L{len(table)}"
    osaka = next(r for r in table if r[0] == "osaka-sister-province")
    assert osaka[8] == datetime(2014, 2, 19) and agreements.cell(row=table.index(osaka) + 1, column=9).is_date
    tianjin = next(r for r in table if r[0] == "tianjin-sister-province")
    assert tianjin[8] == "2003"  # a partial date stays the text the store writes
    assert agreements.column_dimensions["F"].width > 20
    acts = rows(activities)
    assert acts[0] == ("Date", "Agreement", "Partner", "Sector", "Type", "Summary", "Participants")
    assert activities.freeze_panes == "A2" and activities.auto_filter.ref.startswith("A1:G")
    dates = [r[0] for r in acts[1:]]
    assert datetime(2023, 9, 6) not in dates  # after the as-of date: it had not happened yet
    assert "2017-09" in dates


def test_the_workbook_speaks_indonesian(example, tmp_path):
    book = workbook(example, tmp_path, "--lang", "id")
    assert book.sheetnames == ["Ringkasan", "Kerja sama", "Kegiatan"]
    assert rows(book["Kerja sama"])[0][:3] == ("ID", "Mitra", "Negara")
    assert rows(book["Ringkasan"])[1][0] == "Per 22 Agustus 2023"


def test_xlsx_needs_a_file_and_one_store(example):
    for args in (["--format", "xlsx"], ["--format", "xlsx", "-o", "x.xlsx", "--sector", "trade"],
                 ["--format", "xlsx", "--period", "2023"], ["-o", "x.xlsx"]):
        result = runner.invoke(app, ["report", "--store", str(example), "--as-of", "2023-08-22", *args])
        assert result.exit_code == 2, (args, result.output)


def test_the_periodic_report_as_a_workbook(example, tmp_path):
    path = tmp_path / "pelaporan.xlsx"
    result = runner.invoke(app, ["report", "--store", str(example), "--period", "2023", "--as-of", "2024-01-15",
                                 "--format", "xlsx", "-o", str(path), "--lang", "id"])
    assert result.exit_code == 0, result.output
    book = load_workbook(path)
    assert book.sheetnames[:2] == ["Ringkasan", "Berlaku"] and "Kegiatan" in book.sheetnames
    summary = rows(book["Ringkasan"])
    assert summary[1][0] == "Laporan periodik 2023: 1 Januari 2023 s.d. 31 Desember 2023"
    assert summary[4] == ("Bagian", "KSDPL", "KSDLL", "KSDD", "KSDPK", "bukan kerja sama daerah", "Jumlah")
    assert summary[5] == ("Berlaku", 4, 0, 3, 0, 1, 8)
    activities = rows(book["Kegiatan"])
    assert activities[0][:3] == ("Kategori", "Tanggal", "Kerja sama")
    assert activities[1][:3] == ("KSDPL", datetime(2023, 9, 6), "western-australia-sister-state")
    in_force = book["Berlaku"]
    assert in_force.freeze_panes == "A2" and in_force.auto_filter.ref == "A1:G9"
    assert rows(in_force)[0][4:6] == ("Mulai", "Berakhir")


def test_several_stores_add_a_by_owner_table_and_an_owner_column(tmp_path, example):
    regency = tmp_path / "malang"
    assert runner.invoke(app, ["init", "--owner", "Pemerintah Kabupaten Malang", "--store", str(regency)]).exit_code == 0
    result = runner.invoke(app, ["add", "Kota Hue", "--title", "Sister city", "--type", "sister-city", "--start",
                                 "2019-01-01", "--end", "2023-12-31", "--country", "VN", "--kind", "foreign-local-gov",
                                 "--id", "hue-sister-city", "--sector", "tourism", "--store", str(regency)])
    assert result.exit_code == 0, result.output
    book = workbook(example, tmp_path, "--store", str(regency))
    summary = rows(book["Summary"])
    assert summary[0][0] == "Pemerintah Provinsi Jawa Timur, Pemerintah Kabupaten Malang"
    at = [r[0] for r in summary].index("By owner")
    assert summary[at + 1] == ("Owner", "Partners", "Agreements", "In force", "KSDPL", "KSDLL", "KSDD", "KSDPK", "none")
    assert summary[at + 3] == ("Pemerintah Kabupaten Malang", 1, 1, 1, 1, 0, 0, 0, 0)
    agreements = rows(book["Agreements"])
    assert agreements[0][:2] == ("Owner", "ID")
    assert ("Pemerintah Kabupaten Malang", "hue-sister-city") in [r[:2] for r in agreements]
    assert rows(book["Activities"])[0][0] == "Owner"

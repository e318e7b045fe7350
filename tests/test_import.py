"""coopctl import: real workbooks made with openpyxl, CSV as Indonesian Excel writes it, the JSON
export, and every kind of bad input, each with its file:row:column message and nothing written."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from coopctl.storage import loader as store_module
from coopctl.cli import app
from coopctl.core.dates import DateError
from coopctl.interop.cells import parse_cell_date
from helpers import snapshot


runner = CliRunner()


def run(store: Path, *args: str):
    return runner.invoke(app, [*args, "--store", str(store)])


def workbook(path: Path, rows: list[list], title: str = "Daftar", merge: list[str] = ()) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for cells in merge:
        sheet.merge_cells(cells)
    book.save(path)
    return path


def write_csv(path: Path, rows: list[list], delimiter: str = ",", bom: bool = True) -> Path:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8"))
    return path


def loaded(root: Path):
    result = store_module.load(root)
    assert result.problems == []
    return result.store


HEADERS_ID = ["No", "Mitra", "Negara", "Jenis Mitra", "Judul", "Jenis", "Bidang", "Tanggal Mulai",
              "Tanggal Berakhir", "Tanggal Tanda Tangan", "Nomor", "OPD", "Keterangan"]


def indonesian_workbook(path: Path) -> Path:
    """Like a bureau's own list: a title row, Indonesian headers, several date forms, empty rows."""
    return workbook(path, [
        ["DAFTAR KERJA SAMA PEMERINTAH PROVINSI JAWA TIMUR"],
        [],
        HEADERS_ID,
        [1, "Kota Surabaya", "ID", "KSDD", "PKS Pengelolaan Sampah", "PKS", "Lingkungan Hidup; UMKM",
         datetime(2023, 8, 22), "21/08/2026", "22 Agustus 2023", "100/123/2023", "DLH", "ditandatangani di Surabaya"],
        [2, "Kota Surabaya", "ID", "KSDD", "PKS Pengelolaan Sampah", "PKS", "lingkungan hidup",
         "22-08-2026", "Selasa, 21 Agustus 2029", None, None, "DLH", "perpanjangan"],
        [],
        [3, "Perth", "AU", "Pemerintah Daerah Luar Negeri", "MoU on education", "MoU", "pendidikan, vokasi",
         "2024-01-15", 2028, None, None, None, None],
        [4, "Osaka Prefecture", None, None, "MoU UMKM", "nota kesepahaman", "ukm",
         "Agustus 2023", "Agt 2028", "2023-08-22", None, None, "menyusul kunjungan gubernur"],
    ], merge=["A1:M1"])


# ---------------------------------------------------------------- a real workbook


def test_a_bureau_workbook_with_indonesian_headers_imports(example, tmp_path):
    book = indonesian_workbook(tmp_path / "kerja-sama.xlsx")
    result = run(example, "import", str(book))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-1] == f"Saved: import {book}: added 2 partners, 3 agreements and 4 terms"
    assert "column 'No'" not in result.stderr  # a row counter, ignored quietly
    store = loaded(example)
    surabaya = store.partners["kota-surabaya"]
    assert (surabaya.name, surabaya.country, surabaya.kind) == ("Kota Surabaya", "ID", "domestic-region")
    pks = surabaya.agreements[0]
    assert (pks.id, pks.type, pks.unit) == ("kota-surabaya-pks-2023", "pks", "DLH")
    assert pks.sector_ids() == ["environment", "msme"]
    first, second = pks.terms
    assert (str(first.start), str(first.end), str(first.signed)) == ("2023-08-22", "2026-08-21", "2023-08-22")
    assert (first.number, first.note) == ("100/123/2023", "ditandatangani di Surabaya")
    assert (str(second.start), str(second.end), second.signed) == ("2026-08-22", "2029-08-21", None)
    perth = store.partners["perth"]
    assert (perth.kind, perth.country) == ("foreign-local-gov", "AU")
    assert perth.agreements[0].sector_ids() == ["education", "vocational"]
    assert (str(perth.agreements[0].terms[0].start), str(perth.agreements[0].terms[0].end)) == ("2024-01-15", "2028")
    osaka = store.partners["osaka"]  # an existing partner, found by its name
    mou = osaka.agreements[-1]
    assert (mou.type, mou.sector_ids(), str(mou.terms[0].start), str(mou.terms[0].end)) == ("mou", ["msme"], "2023-08", "2028-08")
    assert run(example, "check").exit_code == 0


def test_importing_the_same_file_again_changes_nothing(example, tmp_path):
    book = indonesian_workbook(tmp_path / "kerja-sama.xlsx")
    assert run(example, "import", str(book)).exit_code == 0
    before = snapshot(example, "*.toml")
    again = run(example, "import", str(book))
    assert again.exit_code == 0, again.stderr
    assert again.stderr.splitlines()[-1] == f"Import {book}: nothing to change, the store already holds it (3 agreements unchanged)"
    assert snapshot(example, "*.toml") == before


def test_dry_run_lists_the_changes_and_writes_nothing(example, tmp_path):
    book = indonesian_workbook(tmp_path / "kerja-sama.xlsx")
    before = snapshot(example, "*.toml")
    result = run(example, "import", str(book), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "add partner kota-surabaya (Kota Surabaya)",
        "add partner perth (Perth)",
        "add agreement kota-surabaya-pks-2023 (Kota Surabaya): 2 terms",  # the partner by name
        "add agreement perth-mou-2024 (Perth): 1 term",
        "add agreement osaka-mou-2023 (Osaka Prefecture): 1 term",
    ]
    assert result.stderr.splitlines()[-1].startswith("Dry run, nothing written: import ")
    assert snapshot(example, "*.toml") == before


def test_csv_with_semicolons_and_a_bom_as_indonesian_excel_writes_it(empty_store, tmp_path):
    path = write_csv(tmp_path / "daftar.csv", [
        ["mitra", "negara", "jenis mitra", "judul", "jenis", "bidang", "mulai", "berakhir", "keterangan"],
        ["Kabupaten Malang", "ID", "ksdd", "PKS Pariwisata", "pks", "pariwisata;ekonomi kreatif", "01/02/2024", "31/01/2027",
         "catatan; dengan titik koma"],
    ], delimiter=";")
    result = run(empty_store, "import", str(path))
    assert result.exit_code == 0, result.stderr
    agreement = loaded(empty_store).partners["kabupaten-malang"].agreements[0]
    assert agreement.sector_ids() == ["tourism", "creative-economy"]
    assert (str(agreement.terms[0].start), agreement.terms[0].note) == ("2024-02-01", "catatan; dengan titik koma")


def test_csv_with_commas_and_no_bom(empty_store, tmp_path):
    path = write_csv(tmp_path / "list.csv", [
        ["Partner", "Country", "Kind", "Title", "Type", "Sectors", "Start", "End"],
        ["Universiti Malaya", "my", "foreign-institution", "MoU research", "mou", "science technology, education",
         "2022-03-01", "2027-02-28"],
    ], bom=False)
    assert run(empty_store, "import", str(path)).exit_code == 0
    partner = loaded(empty_store).partners["universiti-malaya"]
    assert partner.country == "MY"


def test_update_changes_existing_agreements_and_signs_a_pending_term(example, tmp_path):
    path = write_csv(tmp_path / "wa.csv", [
        ["id", "start", "end", "signed"],
        ["western-australia-sister-state", "2023-09-06", "2028-09-05", "2023-09-06"],
    ])
    refused = run(example, "import", str(path))
    assert refused.exit_code == 1
    assert refused.stderr.splitlines()[0] == (
        f"{path}:2: agreement western-australia-sister-state already exists and differs "
        "(term from 2023-09-06: signed (none) -> 2023-09-06, pending yes -> no); pass --update to update it")
    result = run(example, "import", str(path), "--update")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-1] == f"Saved: import {path}: updated 1 agreement and 1 term"
    wa = loaded(example).find_agreement("western-australia-sister-state")
    assert [t.pending for t in wa.terms] == [False] * 4
    assert str(wa.terms[-1].signed) == "2023-09-06"
    state = json.loads(run(example, "show", "western-australia-sister-state", "--json", "--as-of", "2024-01-01").stdout)
    assert state["state"] == "active"


def test_update_adds_a_new_term_and_a_sector_and_keeps_what_the_file_leaves_empty(example, tmp_path):
    path = write_csv(tmp_path / "osaka.csv", [
        ["partner", "title", "sectors", "start", "end", "number"],
        ["Osaka Prefecture", "Sister-province relationship East Java – Osaka Prefecture", "pariwisata", "2030-01-01", "2034-12-31", "7/2030"],
    ])
    before = loaded(example).find_agreement("osaka-sister-province")
    result = run(example, "import", str(path), "--update", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ("update agreement osaka-sister-province: sectors + tourism; new term 2030-01-01..2034-12-31\n")
    assert run(example, "import", str(path), "--update").exit_code == 0
    after = loaded(example).find_agreement("osaka-sister-province")
    assert after.terms[:-1] == before.terms and after.notes == before.notes and after.unit == before.unit
    assert (str(after.terms[-1].start), after.terms[-1].number) == ("2030-01-01", "7/2030")
    assert "tourism" in after.sector_ids()


def test_a_new_partner_without_kind_or_country_names_the_row_and_column(empty_store, tmp_path):
    book = workbook(tmp_path / "a.xlsx", [
        ["Mitra", "Negara", "Judul", "Jenis", "Tanggal Mulai"],
        ["Kota Busan", None, "MoU", "mou", "2024-01-01"],
    ])
    result = run(empty_store, "import", str(book))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{book}:2: 'Kota Busan' is a new partner and needs its kind ('kind' or 'jenis mitra'): one of "
        "foreign-local-gov, foreign-institution, international-org, domestic-region, third-party, central-gov; "
        "add a column headed 'kind' or 'jenis mitra'",
        f"{book}:2:B: 'Kota Busan' is a new partner and needs its country ('country' or 'negara'): an ISO code such as AU",
        f"coopctl: error: 2 problems in {book}; nothing was imported",
    ]


def test_a_misspelt_header_is_named_with_the_nearest(empty_store, tmp_path):
    book = workbook(tmp_path / "typo.xlsx", [
        ["Mitra", "Negara", "Jenis Mitra", "Judul", "Jenis", "Tangal Mulai", "Lampiran"],
        ["Kota Busan", "KR", "foreign-local-gov", "MoU", "mou", "2024-01-01", "scan.pdf"],
    ])
    result = run(empty_store, "import", str(book))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"coopctl: note: {book}:1:F: column 'Tangal Mulai' is not one coopctl reads; its values are kept in each "
        "agreement's extra table (did you mean 'tanggal mulai'?)",
        f"coopctl: note: {book}:1:G: column 'Lampiran' is not one coopctl reads; its values are kept in each "
        "agreement's extra table",
        f"{book}:1: no start date column: add a column headed 'start' or 'tanggal mulai'",
        f"coopctl: error: 1 problem in {book}; nothing was imported",
    ]


# ---------------------------------------------------------------- bad input: every case named, nothing written


def expect_refused(store: Path, path: Path, *expected: str) -> list[str]:
    """The import fails, prints each expected line (among its problems) and writes nothing."""
    before = snapshot(store, "*.toml")
    result = run(store, "import", str(path))
    assert result.exit_code == 1, result.stdout
    lines = result.stderr.splitlines()
    for line in expected:
        assert line in lines, "\n".join(lines)
    assert lines[-1].startswith("coopctl: error: ") and lines[-1].endswith("nothing was imported") or \
        lines[-1].startswith(f"coopctl: error: {path}")
    assert snapshot(store, "*.toml") == before
    return lines


GOOD_ROW = ["Kota Surabaya", "ID", "domestic-region", "PKS A", "pks", "umkm", "2023-08-22", "2026-08-21"]
HEADER = ["Mitra", "Negara", "Jenis Mitra", "Judul", "Jenis", "Bidang", "Tanggal Mulai", "Tanggal Berakhir"]


def test_merged_cells_are_refused(empty_store, tmp_path):
    book = workbook(tmp_path / "merged.xlsx", [
        HEADER, GOOD_ROW, ["Kota Malang", "ID", "domestic-region", "PKS B", "pks", "umkm", "2023-08-22", "2026-08-21"],
        [None, "ID", "domestic-region", "PKS C", "pks", "umkm", "2023-08-22", "2026-08-21"],
    ], merge=["A3:A4"])
    expect_refused(empty_store, book, f"{book}:3:A: cells A3:A4 are merged; unmerge them and write the value in every "
                                      "row (each row must stand on its own)")


def test_merged_header_cells_are_refused(empty_store, tmp_path):
    book = workbook(tmp_path / "header.xlsx", [
        ["Mitra", "Negara", "Jenis Mitra", "Judul", "Jenis", "Bidang", "Masa berlaku", None],
        GOOD_ROW,
    ], merge=["G1:H1"])
    expect_refused(empty_store, book, f"{book}:1:G: header cells G1:H1 are merged; give every column its own header in one row")


def test_empty_rows_are_skipped(empty_store, tmp_path):
    book = workbook(tmp_path / "gaps.xlsx", [
        [], HEADER, [], GOOD_ROW, [None, "  ", None], [],
        ["Kota Malang", "ID", "domestic-region", "PKS B", "pks", "umkm", "2023-08-22", "2026-08-21"], [],
    ])
    result = run(empty_store, "import", str(book))
    assert result.exit_code == 0, result.stderr
    assert sorted(loaded(empty_store).partners) == ["kota-malang", "kota-surabaya"]


def test_formulas_are_refused(empty_store, tmp_path):
    row = GOOD_ROW[:6] + ["=DATE(2023,8,22)", "2026-08-21"]
    book = workbook(tmp_path / "formula.xlsx", [HEADER + ["Sisa hari"], row + ["=H2-TODAY()"]])
    lines = expect_refused(empty_store, book, f"{book}:2:G: the cell holds a formula (=DATE(2023,8,22)); it must hold a "
                                              "value: copy the column and paste it back with 'Paste Values'")
    assert not any(":2:I:" in line for line in lines)  # a formula in a column coopctl does not read is left alone


def test_an_unknown_sector_names_the_nearest(empty_store, tmp_path):
    book = workbook(tmp_path / "sector.xlsx", [HEADER, GOOD_ROW[:5] + ["pendidikan; pariwisat"] + GOOD_ROW[6:]])
    expect_refused(empty_store, book, f"{book}:2:F: unknown sector 'pariwisat'; did you mean tourism (Pariwisata)?")


def test_dates_excel_stored_as_text(empty_store, tmp_path):
    book = workbook(tmp_path / "text-dates.xlsx", [
        HEADER,
        GOOD_ROW[:6] + ["22/08/2023", "21/08/2026"],  # text, day first: what the bureau means
        ["Kota Malang", "ID", "domestic-region", "PKS B", "pks", "umkm", "08/22/2023", "2026-08-21 00:00:00"],
        ["Kota Kediri", "ID", "domestic-region", "PKS C", "pks", "umkm", "22/08/23", 45160],
    ])
    expect_refused(
        empty_store, book,
        f"{book}:3:G: '08/22/2023' has no month 22: dates are read day first, so write it 22/08/2023 or 2023-08-22",
        f"{book}:4:G: '22/08/23' has a two-digit year; write the year in full (22/08/2023)",
        f"{book}:4:H: the number 45160 is not a date; if it is an Excel date (2023-08-22) stored as a plain number, "
        "format the cell as a date",
    )
    fixed = workbook(tmp_path / "fixed.xlsx", [HEADER, GOOD_ROW[:6] + ["22/08/2023", "2026-08-21 00:00:00"]])
    assert run(empty_store, "import", str(fixed)).exit_code == 0
    term = loaded(empty_store).partners["kota-surabaya"].agreements[0].terms[0]
    assert (str(term.start), str(term.end)) == ("2023-08-22", "2026-08-21")


def test_duplicate_rows_are_refused(empty_store, tmp_path):
    book = workbook(tmp_path / "dup.xlsx", [HEADER, GOOD_ROW, GOOD_ROW])
    expect_refused(empty_store, book, f"{book}:3: this row repeats row 2 exactly; delete one of them")
    two_terms_same_start = workbook(tmp_path / "dup2.xlsx", [HEADER, GOOD_ROW, GOOD_ROW[:7] + ["2027-01-01"]])
    expect_refused(empty_store, two_terms_same_start,
                   f"{two_terms_same_start}:3:G: a second term of PKS A starting 2023-08-22 (row 2 has one); one row per term")


def test_conflicting_values_for_one_agreement_are_refused(empty_store, tmp_path):
    book = workbook(tmp_path / "conflict.xlsx", [HEADER, GOOD_ROW, GOOD_ROW[:4] + ["mou"] + GOOD_ROW[5:6] + ["2026-08-22", "2029-08-21"]])
    expect_refused(empty_store, book, f"{book}:3:E: type is 'mou' here but 'pks' in row 2, for the same agreement")


@pytest.mark.parametrize("name, content, message", [
    ("report.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "is not a spreadsheet (a PDF document)"),
    ("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is not a spreadsheet (a PNG image)"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "is an old Excel 97-2003 workbook (.xls)"),
    ("program.csv", b"\x7fELF\x02\x01\x01\x00\x00\x00", "is not a spreadsheet (it holds binary data)"),
    ("empty.csv", b"", "the file is empty"),
])
def test_a_file_that_is_not_a_spreadsheet(empty_store, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    before = snapshot(empty_store, "*.toml")
    result = run(empty_store, "import", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"coopctl: error: {path}") and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and snapshot(empty_store, "*.toml") == before


def test_a_zip_that_is_not_a_workbook(empty_store, tmp_path):
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "not a workbook")
    result = run(empty_store, "import", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"coopctl: error: {path} is not a readable .xlsx workbook (")


def test_text_that_is_not_a_table(empty_store, tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("Dear colleague,\nplease find the list attached.\n", encoding="utf-8")
    expect_refused(empty_store, path, f"{path}: no header row found: the first 2 rows do not name two or more of the "
                                      "columns coopctl reads, such as partner/mitra, title/judul, type/jenis, "
                                      "start/tanggal mulai, end/tanggal berakhir")


def test_a_csv_that_is_not_utf8(empty_store, tmp_path):
    path = tmp_path / "ansi.csv"
    path.write_bytes(",".join(HEADER).encode() + b"\r\n" + ",".join(GOOD_ROW).replace("Surabaya", "Sura\xe9baya").encode("latin-1"))
    expect_refused(empty_store, path, f"{path}:2: the file is not UTF-8 text (byte 0xe9); save it from Excel as "
                                      "'CSV UTF-8 (Comma delimited)'")


def test_a_store_that_does_not_exist_is_named_before_the_file_is_read(tmp_path):
    result = run(tmp_path / "nowhere", "import", str(tmp_path / "missing.xlsx"))
    assert result.exit_code == 1
    assert "no store at" in result.stderr


def test_fifty_thousand_rows_import(empty_store, tmp_path):
    """A large sheet imports whole (how long it takes is measured in bench/, not here)."""
    from openpyxl import Workbook

    path = tmp_path / "big.xlsx"
    book = Workbook(write_only=True)
    sheet = book.create_sheet("perjanjian")
    sheet.append(["id", "mitra", "negara", "jenis mitra", "judul", "jenis", "bidang", "tanggal mulai", "tanggal berakhir"])
    for i in range(50_000):
        agreement, term = divmod(i, 5)
        sheet.append([f"mou-{agreement}", f"University {agreement % 200}", "JP", "foreign-institution", f"MoU {agreement}",
                      "mou", "pendidikan; riset" if agreement % 2 else "education", date(2000 + 5 * term, 1, 1),
                      f"31/12/{2004 + 5 * term}"])
    book.save(path)
    result = run(empty_store, "import", str(path))
    assert result.exit_code == 0, result.stderr[-2000:]
    assert result.stderr.splitlines()[-1] == f"Saved: import {path}: added 200 partners, 10000 agreements and 50000 terms"
    assert len(list((empty_store / "partners").glob("*.toml"))) == 200


def test_fifty_thousand_bad_rows_are_all_listed(empty_store, tmp_path):
    path = tmp_path / "big.csv"
    rows = [HEADER] + [[f"Kota {i}", "ID", "domestic-region", "PKS", "pks", "umkm", "31/02/2023", ""] for i in range(50_000)]
    write_csv(path, rows)
    result = run(empty_store, "import", str(path))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 50_001
    assert lines[0] == f"{path}:2:G: '31/02/2023' is not a date in the calendar"
    assert lines[-1] == f"coopctl: error: 50000 problems in {path}; nothing was imported"
    assert list((empty_store / "partners").glob("*.toml")) == []


# ---------------------------------------------------------------- the JSON export, back in


def test_json_export_into_an_empty_store_gives_an_identical_store(example, tmp_path):
    exported = run(example, "export", "--format", "json", "-o", "-")
    assert exported.exit_code == 0, exported.stderr
    path = tmp_path / "jatim.json"
    path.write_bytes(exported.stdout_bytes)
    target = tmp_path / "restored"
    assert runner.invoke(app, ["init", "--store", str(target)]).exit_code == 0
    result = run(target, "import", str(path))
    assert result.exit_code == 0, result.stderr
    original = snapshot(example, "*.toml")
    restored = snapshot(target, "*.toml")
    partners = {k: v for k, v in original.items() if k.startswith("partners/")}
    assert {k: v for k, v in restored.items() if k.startswith("partners/")} == partners  # byte for byte
    assert loaded(target).settings == loaded(example).settings
    assert loaded(target) == loaded(example)
    again = run(target, "import", str(path))
    assert again.stderr.splitlines()[-1] == f"Import {path}: nothing to change, the store already holds it (10 agreements unchanged)"
    assert snapshot(target, "*.toml") == restored


def test_json_export_holds_what_the_spreadsheets_leave_out(example, tmp_path):
    data = json.loads(run(example, "export", "--format", "json").stdout)
    assert data["format"] == "coopctl-export" and data["settings"]["owner"] == "Pemerintah Provinsi Jawa Timur"
    wa = next(p for p in data["partners"] if p["id"] == "western-australia")
    assert wa["local_name"] == "Australia Barat" and wa["since"] == "1990-08-21" and wa["sources"]
    agreement = wa["agreements"][0]
    assert agreement["terms"][2]["start"] == "2017-09" and agreement["terms"][3]["pending"] is True
    assert agreement["activities"][2]["participants"] == 130
    samarkand = next(p for p in data["partners"] if p["id"] == "samarkand")  # a prospect, no agreement
    assert samarkand["name"]


def test_a_changed_json_agreement_needs_update_and_is_then_replaced(example, tmp_path):
    data = json.loads(run(example, "export", "--format", "json").stdout)
    osaka = next(p for p in data["partners"] if p["id"] == "osaka")
    osaka["agreements"][0]["unit"] = "Biro Perekonomian"
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    refused = run(example, "import", str(path))
    assert refused.exit_code == 1
    assert f"{path}:$.partners[3].agreements[0]: agreement osaka-sister-province already exists and differs " \
           "(replaced by the file's version); pass --update to update it" in refused.stderr.splitlines()
    assert run(example, "import", str(path), "--update").exit_code == 0
    assert loaded(example).find_agreement("osaka-sister-province").unit == "Biro Perekonomian"


def test_bad_json_is_located(empty_store, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "coopctl-export",\n "version": 1, "partners": [}', encoding="utf-8")
    expect_refused(empty_store, broken, f"{broken}:2: not valid JSON: Expecting value (column 29)")
    listing = tmp_path / "list.json"
    listing.write_text("[]", encoding="utf-8")
    expect_refused(empty_store, listing, f"{listing}:$: this JSON is not a coopctl export (a JSON array; perhaps the "
                                         "output of 'coopctl list --json'); import reads the files that "
                                         "'coopctl export --format json' writes")
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"format": "coopctl-export", "version": 1, "partners": [
        {"id": "x", "name": "X", "kind": "foreign-local-gov", "country": "JP",
         "agreements": [{"id": "a", "title": "T", "type": "mou", "sectors": ["umkm"], "terms": [{"start": "2023-02-30"}]}]},
    ]}), encoding="utf-8")
    expect_refused(empty_store, wrong,
                   f"{wrong}:$.partners[0].agreements[0].sectors[0]: sector 'umkm' must be written by its id: 'msme'",
                   f"{wrong}:$.partners[0].agreements[0].terms[0].start: 'start': '2023-02-30' is not a date in the calendar")


# ---------------------------------------------------------------- dates in cells


@pytest.mark.parametrize("value, expected", [
    (datetime(2023, 8, 22, 0, 0), "2023-08-22"),
    (date(2023, 8, 22), "2023-08-22"),
    ("2023-08-22", "2023-08-22"),
    ("2023-8-2", "2023-08-02"),
    ("2023-08", "2023-08"),
    ("2023", "2023"),
    (2023, "2023"),
    (2023.0, "2023"),
    ("22/08/2023", "2023-08-22"),
    ("22-08-2023", "2023-08-22"),
    ("22.08.2023", "2023-08-22"),
    ("2/8/2023", "2023-08-02"),
    ("08/2023", "2023-08"),
    ("22 Agustus 2023", "2023-08-22"),
    ("22 agustus 2023", "2023-08-22"),
    ("Selasa, 22 Agustus 2023", "2023-08-22"),
    ("Jum'at, 1 Desember 2023", "2023-12-01"),
    ("1 Nopember 2023", "2023-11-01"),
    ("22 Agt 2023", "2023-08-22"),
    ("Agustus 2023", "2023-08"),
    ("22 August 2023", "2023-08-22"),
    ("August 22, 2023", "2023-08-22"),
    ("Mei 2024", "2024-05"),
    ("\u00a022  Agustus   2023 ", "2023-08-22"),
    ("2023-08-22 00:00:00", "2023-08-22"),
])
def test_cell_dates(value, expected):
    assert str(parse_cell_date(value)) == expected


@pytest.mark.parametrize("value", ["31/02/2023", "08/22/2023", "22/08/23", "kemarin", "22 Agustusan 2023", 45160, True, "2023-13"])
def test_cell_dates_refused(value):
    with pytest.raises(DateError):
        parse_cell_date(value)


# ---------------------------------------------------------------- any partner survives the JSON export


def test_a_sheet_with_only_a_header_says_so(empty_store, tmp_path):
    path = write_csv(tmp_path / "empty.csv", [HEADER, [], []])
    result = run(empty_store, "import", str(path))
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"coopctl: note: {path}: no rows under the header (row 1): nothing to import",
        f"Import {path}: nothing to change, the store already holds it",
    ]


from hypothesis import HealthCheck, given, settings  # noqa: E402

from test_roundtrip import partners  # noqa: E402  (the property test's generator of valid partners)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(partners())
def test_any_partner_survives_the_json_export(partner):
    from coopctl.core.records import Settings, Store
    from coopctl.core.sectors import Vocabulary
    from coopctl.interop.cells import JsonExport
    from coopctl.interop.exporting import json_bytes
    from coopctl.interop.importing import plan_import
    from coopctl.storage import encode

    # a procedure must be one of the settings' (checked on import); those are not drawn here
    partner = partner._replace(agreements=tuple(a._replace(procedure=None) for a in partner.agreements))
    data = json.loads(json_bytes(Store(Settings(owner="Biro"), {"p": partner})))
    plan = plan_import(JsonExport("p.json", data), Store(Settings(owner="other")), Vocabulary(), update=False)
    assert plan.partners["p"] == partner
    assert encode.dump_partner(plan.partners["p"]) == encode.dump_partner(partner)
    assert plan.settings.owner == "Biro"

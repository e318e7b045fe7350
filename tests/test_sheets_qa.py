"""Sheets as a bureau keeps them (the QA sweep of import, export and calendar): each test uses a sheet
like the one that showed a defect, built from the East Java records of research/domain.md."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from typer.testing import CliRunner

from coopctl.cli import app
from coopctl.storage import loader

runner = CliRunner()


def run(store: Path, *args: str):
    return runner.invoke(app, [*args, "--store", str(store)])


def write_csv(path: Path, rows: list[list], delimiter: str = ";") -> Path:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"))
    return path


def test_a_partner_written_in_its_own_script_beside_the_latin_name_is_the_store_partner(example, tmp_path):
    # names as a bureau writes them, the own script beside the Latin name without brackets
    sheet = write_csv(tmp_path / "kerja-sama.csv", [
        ["No", "Nama Mitra", "Negara", "Jenis Mitra", "Judul", "Jenis", "Tanggal Mulai", "Tanggal Berakhir"],
        ["1", "大阪府 Osaka Prefecture", "Jepang", "KSDPL", "MoU UMKM Osaka", "MoU", "19/02/2014", ""],
        ["2", "Osaka Prefecture / 大阪府", "Jepang", "KSDPL", "MoU Pelabuhan Osaka", "MoU", "1984", ""],
        ["3", "Tianjin 天津市", "Tiongkok", "KSDPL", "MoU Luban Workshop", "MoU", "12 Desember 2017", ""],
        ["4", "경상남도 Gyeongsangnam-do", "Korea Selatan", "KSDPL", "Naskah penguatan kerja sama", "MoU",
         "3/11/2016", ""],
        ["5", "الإسكندرية - Alexandria Governorate", "Mesir", "KSDPL", "LoI perdagangan", "LoI", "23/11/2022", ""],
    ])
    result = run(example, "import", str(sheet))
    assert result.exit_code == 0, result.output
    assert "added 5 agreements" in result.stderr and "partner" not in result.stderr.split("added", 1)[1]
    partners = loader.load(example).store.partners
    assert len(partners["osaka"].agreements) == 3
    assert [a.title for a in partners["tianjin"].agreements][-1] == "MoU Luban Workshop"
    assert [a.title for a in partners["gyeongnam"].agreements][-1] == "Naskah penguatan kerja sama"
    assert [a.title for a in partners["alexandria"].agreements][-1] == "LoI perdagangan"


def test_names_in_another_script_with_only_a_number_beside_them_are_not_one_partner():
    from coopctl.interop.inference import name_key, same_partner

    assert not same_partner(name_key("東京都 23区"), name_key("大阪府 23区"))
    assert same_partner(name_key("Tianjin 天津市"), name_key("Tianjin"))


def test_a_column_header_the_sheet_had_is_no_formula_in_the_csv_export_and_imports_back(empty_store, tmp_path):
    sheet = write_csv(tmp_path / "kerja-sama.csv", [
        ["Mitra", "Negara", "Jenis Mitra", "Judul", "Jenis", "Tanggal Mulai", "@Kontak", '=HYPERLINK("http://x","y")'],
        ["Kota Surabaya", "ID", "KSDD", "PKS Pengelolaan Sampah", "PKS", "22 Agustus 2023", "Bagian Kerja Sama", "z"],
    ])
    assert run(empty_store, "import", str(sheet)).exit_code == 0
    out = tmp_path / "export.csv"
    assert run(empty_store, "export", "-o", str(out), "--as-of", "2024-01-01").exit_code == 0
    header = next(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert header[-2:] == ["'@Kontak", "'=HYPERLINK(\"http://x\",\"y\")"]
    again = run(empty_store, "import", str(out))
    assert again.exit_code == 0, again.output
    assert "nothing to change" in again.stderr


def test_the_calendar_name_escapes_the_owners_commas_and_semicolons(example, tmp_path):
    store = tmp_path / "malang"
    owner = "Pemerintah Kabupaten Malang, Bagian Kerja Sama; Setda"
    assert run(store, "init", "--owner", owner).exit_code == 0
    result = run(store, "calendar", "--as-of", "2024-01-01")
    assert result.exit_code == 0, result.output
    unfolded = result.stdout_bytes.replace(b"\r\n ", b"").decode("utf-8")
    # RFC 5545 3.8.8.2: a non-standard property's value is TEXT, whose ',' and ';' are escaped (3.3.11)
    assert "X-WR-CALNAME:Pemerintah Kabupaten Malang\\, Bagian Kerja Sama\\; Setda: agreement renewals\r\n" in unfolded


def test_a_title_line_without_separators_above_a_semicolon_sheet_is_skipped(empty_store, tmp_path):
    # a sheet saved by hand: its title line has no ';' after it, the rows under it do
    sheet = tmp_path / "kerja-sama.csv"
    sheet.write_bytes("\ufeffDAFTAR KERJA SAMA PEMERINTAH PROVINSI JAWA TIMUR, 2024\r\n\r\n"
                      "No;Nama Mitra;Negara;Jenis Mitra;Judul;Jenis;Tanggal Mulai;Tanggal Berakhir\r\n"
                      "1;Kota Surabaya;ID;KSDD;PKS Pengelolaan Sampah;PKS;22 Agustus 2023;21/08/2026\r\n".encode())
    result = run(empty_store, "import", str(sheet))
    assert result.exit_code == 0, result.output
    assert "added 1 partner, 1 agreement and 1 term" in result.stderr


def test_a_row_with_values_only_in_columns_coopctl_keeps_aside_is_named_not_dropped_silently(empty_store, tmp_path):
    # a second line under Osaka's row holding only its name in its own script and the term's length
    sheet = write_csv(tmp_path / "kerja-sama.csv", [
        ["No", "Nama Mitra", "Negara", "Jenis Mitra", "Judul", "Jenis", "Tanggal Mulai", "Nama Asli", "Jangka Waktu (tahun)"],
        ["1", "Osaka Prefecture", "JP", "KSDPL", "MoU Sister Province", "MoU", "1984", "", ""],
        ["", "", "", "", "", "", "", "大阪府", "5"],
        ["2", "", "", "", "", "", "", "", ""],  # a numbered empty row of the template: skipped quietly
    ])
    result = run(empty_store, "import", str(sheet))
    assert result.exit_code == 0, result.output
    assert f"{sheet}:3: " in result.stderr and "'Nama Asli', 'Jangka Waktu (tahun)'" in result.stderr
    assert f"{sheet}:4:" not in result.stderr
    assert "added 1 partner, 1 agreement and 1 term" in result.stderr


def _agreements(store: Path) -> dict:
    return {a.id: a for p in loader.load(store).store.partners.values() for a in p.agreements}


def test_a_bureau_sheets_own_kategori_column_stays_its_own(empty_store, tmp_path):
    sheet = write_csv(tmp_path / "kerja-sama.csv", [
        ["Mitra", "Negara", "Jenis Mitra", "Judul", "Jenis", "Tanggal Mulai", "Kategori", "Induk"],
        ["Kota Surabaya", "ID", "KSDD", "PKS Pengelolaan Sampah", "PKS", "22/08/2023", "Dalam Negeri", "KB 2021"],
    ])
    result = run(empty_store, "import", str(sheet))
    assert result.exit_code == 0, result.output
    [agreement] = _agreements(empty_store).values()
    assert (agreement.category, agreement.under) == (None, None)
    assert dict(agreement.extra) == {"Kategori": ("Dalam Negeri",), "Induk": ("KB 2021",)}


def test_an_export_imported_into_an_empty_store_keeps_termination_parent_and_category(example, tmp_path):
    # the vocational MoU ended on purpose; the PKS are under the Kesepakatan Bersama; UNICEF's programme is no
    # regional cooperation (category none): none of it may come back changed from the sheet
    assert run(example, "terminate", "tianjin-vocational-mou-2016", "--date", "2020-01-01",
               "--reason", "programme closed").exit_code == 0
    before = _agreements(example)
    assert before["dki-jakarta-pks-trade-2021"].under == "dki-jakarta-kb-2021"
    assert before["unicef-cpap-2021-2025"].category == "none"
    for name, extra in (("jatim.xlsx", ()), ("jatim.csv", ("--delimiter", ";"))):
        sheet = tmp_path / name
        assert run(example, "export", "-o", str(sheet), *extra).exit_code == 0
        again = run(example, "import", str(sheet))
        assert "nothing to change" in again.stderr, again.output
        fresh = tmp_path / ("new-" + name.replace(".", "-"))
        assert run(fresh, "init").exit_code == 0
        result = run(fresh, "import", str(sheet))
        assert result.exit_code == 0, result.output
        after = _agreements(fresh)
        for agreement_id, agreement in before.items():
            got = after[agreement_id]
            assert (got.terminated, got.termination_reason, got.under, got.category) == \
                (agreement.terminated, agreement.termination_reason, agreement.under, agreement.category), agreement_id
        listed = run(fresh, "list", "--json", "--as-of", "2023-08-22").stdout
        assert '"id": "tianjin-vocational-mou-2016"' in listed and '"state": "terminated"' in listed


def test_under_must_name_an_agreement_of_the_store_or_the_sheet(example, tmp_path):
    sheet = write_csv(tmp_path / "pks.csv", [
        ["Mitra", "Judul", "Jenis", "Tanggal Mulai", "Tanggal Berakhir", "under", "category"],
        ["DKI Jakarta", "PKS Peternakan dan Kesehatan Hewan", "PKS", "31/01/2025", "03/06/2026", "dki-jakarta-kb-2021",
         "KSDD"],
        ["DKI Jakarta", "PKS Pangan", "PKS", "31/01/2025", "03/06/2026", "dki-jakarta-kb-2012", ""],
    ])
    result = run(example, "import", str(sheet))
    assert result.exit_code == 1
    assert f"{sheet}:3:F: under 'dki-jakarta-kb-2012': no agreement of the store or of this file has that id" \
        in result.stderr
    assert f"{sheet}:2" not in result.stderr
    sheet.write_bytes(sheet.read_bytes().replace(b"dki-jakarta-kb-2012", b"dki-jakarta-kb-2021"))
    assert run(example, "import", str(sheet)).exit_code == 0
    added = [a for a in _agreements(example).values() if a.title.startswith("PKS P")]
    # KSDD is what DKI Jakarta's kind gives: no override is kept
    assert [(a.under, a.category) for a in added] == [("dki-jakarta-kb-2021", None)] * 2


def test_a_dash_for_unknown_sectors_adds_no_sector(empty_store, tmp_path):
    # '-' where the bureau does not know the sectors: it wrote sectors = [""], a store `check` and `show` refuse
    sheet = write_csv(tmp_path / "kerja-sama.csv", [
        ["Mitra", "Negara", "Jenis Mitra", "Judul", "Jenis", "Tanggal Mulai", "Bidang"],
        ["Tianjin", "Tiongkok", "KSDPL", "Sister Province", "sister-province", "2013", "-"],
        ["Alexandria Governorate", "Mesir", "KSDPL", "Letter of Intent", "LoI", "23/11/2022", "perdagangan, –, ?"],
    ])
    result = run(empty_store, "import", str(sheet))
    assert result.exit_code == 0, result.output
    assert run(empty_store, "check").exit_code == 0
    agreements = _agreements(empty_store)
    assert {i: a.sector_ids() for i, a in agreements.items()} == {"tianjin-sister-province-2013": [],
                                                                   "alexandria-loi-2022": ["trade"]}
    assert run(empty_store, "show", "tianjin-sister-province-2013", "--as-of", "2024-01-01").exit_code == 0


def test_a_dash_in_the_pending_column_is_no(empty_store, tmp_path):
    sheet = write_csv(tmp_path / "kerja-sama.csv", [
        ["Mitra", "Negara", "Jenis Mitra", "Judul", "Jenis", "Tanggal Mulai", "Dalam Proses"],
        ["Tianjin", "CN", "KSDPL", "Sister Province", "sister-province", "2013", "-"],
        ["Samarkand", "Uzbekistan", "KSDPL", "Protokol kerja sama", "MoU", "04/2024", "ya"],
    ])
    result = run(empty_store, "import", str(sheet))
    assert result.exit_code == 0, result.output
    agreements = _agreements(empty_store)
    assert [t.pending for t in agreements["tianjin-sister-province-2013"].terms] == [False]
    assert [t.pending for t in agreements["samarkand-mou-2024"].terms] == [True]


def test_rows_under_merged_cells_all_go_to_the_rejects_file(empty_store, tmp_path):
    from datetime import datetime

    from openpyxl import Workbook, load_workbook

    # Western Australia's name, country and kind merged over its MoU row and its extension row
    book = Workbook()
    sheet = book.active
    sheet.title = "Data KSDPL"
    sheet.append(["REKAPITULASI KERJA SAMA LUAR NEGERI"])
    sheet.merge_cells("A1:G1")
    sheet.append([])
    sheet.append(["No", "Nama Mitra", "Negara", "Jenis Mitra", "Judul", "Tgl. Penandatanganan", "Tanggal Berakhir"])
    sheet.append([1, "Western Australia", "Australia", "KSDPL", "MoU Sister State", datetime(1990, 8, 21), None])
    sheet.append([2, None, None, None, "Perpanjangan MoU Sister State", datetime(2007, 9, 28), datetime(2012, 9, 27)])
    sheet.append([3, "Osaka Prefecture", "Jepang", "KSDPL", "MoU Sister Province", 1984, None])
    for cells in ("B4:B5", "C4:C5", "D4:D5"):
        sheet.merge_cells(cells)
    path = tmp_path / "kerja-sama.xlsx"
    book.save(path)
    rejects = tmp_path / "ditolak.xlsx"
    result = run(empty_store, "import", str(path), "--rejects", str(rejects))
    assert result.exit_code == 0, result.output
    assert "2 of 3 rows not imported" in result.stderr
    rows = list(load_workbook(rejects).worksheets[0].iter_rows(values_only=True))
    assert [r[:2] for r in rows[1:]] == [(1, "Western Australia"), (2, None)]
    assert all("B4:B5 are merged" in r[-1] for r in rows[1:])


def test_a_csv_of_a_byte_order_mark_and_empty_cells_says_it_holds_no_values(empty_store, tmp_path):
    # what Excel writes for a sheet whose cells are formatted but empty
    for content in (b"\xef\xbb\xbf", b"\xef\xbb\xbf;;;;;\r\n;;;;;\r\n"):
        sheet = tmp_path / "kosong.csv"
        sheet.write_bytes(content)
        result = run(empty_store, "import", str(sheet))
        assert result.exit_code == 1
        assert result.stderr.splitlines()[0] == f"{sheet}: no header row found: the file holds no values"


def test_a_sheet_saved_as_excels_unicode_text_is_named_as_not_utf8(empty_store, tmp_path):
    sheet = tmp_path / "kerja-sama.txt"
    text = "Mitra\tNegara\tJenis Mitra\tJudul\tJenis\tTanggal Mulai\r\nKota Surabaya\tID\tKSDD\tPKS Sampah\tPKS\t22/08/2023\r\n"
    sheet.write_bytes(text.encode("utf-16"))  # with its byte-order mark, as Excel writes it
    result = run(empty_store, "import", str(sheet))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (f"{sheet}:1: the file is not UTF-8 text (byte 0xff); save it from Excel "
                                             "as 'CSV UTF-8 (Comma delimited)'")


def test_rows_whose_titles_differ_only_in_spaces_are_one_agreement(example, tmp_path):
    # the title copied down the sheet, once with a non-breaking space and once with a doubled one
    sheet = write_csv(tmp_path / "kerja-sama.csv", [
        ["Mitra", "Negara", "Jenis Mitra", "Judul", "Jenis", "Tanggal Mulai", "Tanggal Berakhir"],
        ["Queensland", "AU", "KSDPL", "MoU Sister State Jawa Tengah - Queensland", "MoU", "09/07/2019", "08/07/2024"],
        ["Queensland", "AU", "KSDPL", "MoU Sister State\u00a0Jawa Tengah - Queensland", "MoU", "2014", "2019"],
        ["Queensland", "AU", "KSDPL", "MoU  Sister State Jawa Tengah - Queensland ", "MoU", "09/07/2024", "08/07/2029"],
        # the store's own title, written with a non-breaking space: a new term of it, nothing else changed
        ["Osaka Prefecture", "JP", "KSDPL", "Sister-province relationship East Java –\u00a0Osaka Prefecture",
         "sister-province", "2044", ""],
    ])
    result = run(example, "import", str(sheet))
    assert result.exit_code == 0, result.output
    assert "added 1 partner, 1 agreement and 4 terms; updated 1 agreement" in result.stderr
    agreements = _agreements(example)
    assert len(agreements["queensland-mou-2014"].terms) == 3
    assert agreements["osaka-sister-province"].title == "Sister-province relationship East Java – Osaka Prefecture"
    again = run(example, "import", str(sheet))
    assert "nothing to change" in again.stderr, again.output


def test_an_excel_date_serial_in_a_csv_cell_is_named_as_one(empty_store, tmp_path):
    # the signing date column was formatted 'General' before the sheet was saved as CSV
    sheet = write_csv(tmp_path / "kerja-sama.csv", [
        ["Mitra", "Negara", "Jenis Mitra", "Judul", "Jenis", "Tgl. Penandatanganan"],
        ["Alexandria Governorate", "Mesir", "KSDPL", "Letter of Intent", "LoI", "44888"],
    ])
    result = run(empty_store, "import", str(sheet))
    assert result.exit_code == 1
    assert f"{sheet}:2:F: the number 44888 is not a date; if it is an Excel date (2022-11-23) stored as a plain " \
        "number, format the cell as a date" in result.stderr


def test_a_date_cell_outside_the_dates_coopctl_keeps_is_a_problem_of_its_row(empty_store, tmp_path):
    from datetime import datetime

    from openpyxl import Workbook

    # 31/12/9999 written for "no end", as databases do; it failed at the write, naming a store file, not the row
    book = Workbook()
    sheet = book.active
    sheet.append(["Mitra", "Negara", "Jenis Mitra", "Judul", "Jenis", "Tanggal Mulai", "Tanggal Berakhir"])
    sheet.append(["Osaka Prefecture", "JP", "KSDPL", "MoU Sister Province", "MoU", datetime(2014, 2, 19),
                  datetime(9999, 12, 31)])
    sheet.append(["Tianjin", "CN", "KSDPL", "Sister Province", "MoU", datetime(1850, 1, 1), None])
    sheet.append(["Gyeongsangnam-do", "KR", "KSDPL", "Sister Province", "MoU", 9999, None])
    sheet.append(["Western Australia", "AU", "KSDPL", "Sister State", "MoU", datetime(1990, 8, 21), None])
    path = tmp_path / "kerja-sama.xlsx"
    book.save(path)
    rejects = tmp_path / "ditolak.xlsx"
    result = run(empty_store, "import", str(path), "--rejects", str(rejects))
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert f"{path}:2:G: '9999-12-31' is outside the dates coopctl keeps (1900-01-01 to 9998-12-31)" in lines
    assert f"{path}:3:F: '1850-01-01' is outside the dates coopctl keeps (1900-01-01 to 9998-12-31)" in lines
    assert f"{path}:4:F: '9999' is outside the dates coopctl keeps (1900-01-01 to 9998-12-31)" in lines
    assert "added 1 partner, 1 agreement and 1 term; 3 of 4 rows not imported" in result.stderr

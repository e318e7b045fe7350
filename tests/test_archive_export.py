"""Document records in exports (issue 16 item 7): JSON and xlsx carry them (not the bytes), import reads them
back into an empty store, CSV has a documents table, and `export --with-documents DIR` copies the files."""

from __future__ import annotations

import hashlib

import pytest
from test_archive import WA, a_pdf, js, run


@pytest.fixture
def kept(example, tmp_path):
    """The example with two documents attached: WA's signed text and an Osaka report."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    assert run(example, "attach", WA, str(a_pdf(inbox, "Naskah WA.pdf", "Sister State")), "--number", "120/2023",
               "--date", "2023-09-05").exit_code == 0
    assert run(example, "attach", "osaka-sister-province", str(a_pdf(inbox, "laporan.pdf", "MSME report")),
               "--kind", "report", "--title", "=cmd|' /C calc'!A0").exit_code == 0
    return example


def records(store):
    return sorted((r["id"], r["kind"], r["name"], r["sha256"], r["number"], r["date"], r["term"])
                  for r in js(store, "docs"))


@pytest.mark.parametrize("suffix", ["xlsx", "json"])
def test_a_round_trip_into_an_empty_store_keeps_the_document_records(kept, tmp_path, suffix):
    out = tmp_path / f"export.{suffix}"
    result = run(kept, "export", "-o", str(out))
    assert result.exit_code == 0, result.output
    fresh = tmp_path / "fresh"
    assert run(fresh, "init").exit_code == 0
    imported = run(fresh, "import", str(out))
    assert imported.exit_code == 0, imported.output
    assert len(records(kept)) == 2 and records(fresh) == records(kept)
    # the records came without the bytes: check says so, naming each missing file
    check = run(fresh, "check")
    assert check.exit_code == 1 and check.stdout.count("is missing from documents") == 2
    if suffix == "xlsx":
        assert "2 document records" in imported.stderr
        again = run(fresh, "import", str(out))
        assert again.exit_code == 0 and "nothing to change" in again.stderr


def test_the_xlsx_has_a_documents_sheet_and_csv_a_documents_table(kept, tmp_path):
    import openpyxl

    out = tmp_path / "export.xlsx"
    result = run(kept, "export", "-o", str(out))
    assert "2 document records" in result.stderr
    sheet = openpyxl.load_workbook(out)["documents"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("agreement", "kind", "name", "size", "sha256")
    assert {r[0] for r in rows[1:]} == {WA, "osaka-sister-province"}
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)  # a title never runs as a formula
    table = run(kept, "export", "--format", "csv", "--table", "documents")
    assert table.exit_code == 0 and table.stdout.lstrip("\ufeff").startswith("agreement,kind,name,size,sha256")
    assert "'=cmd" in table.stdout


def test_with_documents_copies_the_files_under_their_names(kept, tmp_path):
    out = tmp_path / "out" / "export.xlsx"
    out.parent.mkdir()
    folder = tmp_path / "out" / "dokumen"
    result = run(kept, "export", "-o", str(out), "--with-documents", str(folder))
    assert result.exit_code == 0, result.output
    assert f"Copied 2 documents to {folder}" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["Naskah WA.pdf", "laporan.pdf"]
    shas = {r["sha256"] for r in js(kept, "docs")}
    assert {hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()} == shas
    # again into the same folder: the names taken get the start of the hash, nothing is overwritten
    assert run(kept, "export", "-o", str(out), "--with-documents", str(folder)).exit_code == 0
    assert len(list(folder.iterdir())) == 4
    for args in (["--with-documents", str(folder)], ["--public", "--with-documents", str(folder), "-o", str(out)]):
        bad = run(kept, "export", "--format", "csv", *args)
        assert bad.exit_code == 2 and len(bad.stderr.strip().splitlines()) == 1


def test_a_bad_documents_sheet_is_refused_whole(kept, tmp_path):
    import openpyxl

    out = tmp_path / "export.xlsx"
    assert run(kept, "export", "-o", str(out)).exit_code == 0
    book = openpyxl.load_workbook(out)
    book["documents"]["E2"] = "not-a-hash"
    book["documents"]["A3"] = "no-such-agreement"
    book.save(out)
    fresh = tmp_path / "fresh"
    assert run(fresh, "init").exit_code == 0
    result = run(fresh, "import", str(out))
    assert result.exit_code == 1 and "not a SHA-256" in result.stderr and "Traceback" not in result.output
    assert js(fresh, "list") == []

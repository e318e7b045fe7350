"""A term's number, place, signatories and the partner's number (issue 16 item 5): from `add` and `renew`, in
`show` and in the exports, and back through import."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from coopctl.cli import app

runner = CliRunner()
AS_OF = "2029-02-01"
MOU = "osaka-mou-2024"


def run(store: Path, *args: str):
    return runner.invoke(app, [*args, "--store", str(store)])


def added(store: Path):
    result = run(store, "add", "osaka", "--title", "MoU on waste management", "--type", "mou", "--sector", "umkm",
                 "--start", "10/1/2024", "--end", "2029-01-09", "--signed", "2024-01-10", "--number", "120/1/013/2024",
                 "--place", "Surabaya", "--signatory", "Gubernur Jawa Timur", "--signatory", "Governor of Osaka",
                 "--partner-number", "OSK-2024-7")
    assert result.exit_code == 0, result.output
    return result


def test_add_and_renew_record_number_place_and_signatories(example):
    added(example)
    text = (example / "partners" / "osaka.toml").read_text(encoding="utf-8")
    assert ('number = "120/1/013/2024"\nplace = "Surabaya"\npartner_number = "OSK-2024-7"\n'
            'signatories = ["Gubernur Jawa Timur", "Governor of Osaka"]\n') in text
    pending = run(example, "renew", MOU, "--until", "2034-01-09", "--pending", "--recorded", "2028-01-01",
                  "--number", "7/2029")
    assert pending.exit_code == 0, pending.output
    signed = run(example, "renew", MOU, "--signed", "2029-01-01", "--place", "Osaka", "--signatory", "Gubernur Jawa Timur")
    assert signed.exit_code == 0, signed.output
    terms = json.loads(run(example, "show", MOU, "--json", "--as-of", AS_OF).stdout)["terms"]
    assert [(x["number"], x["place"], x["partner_number"], x["signatories"]) for x in terms] == [
        ("120/1/013/2024", "Surabaya", "OSK-2024-7", ["Gubernur Jawa Timur", "Governor of Osaka"]),
        ("7/2029", "Osaka", None, ["Gubernur Jawa Timur"])]
    shown = run(example, "show", MOU, "--as-of", AS_OF).stdout
    assert "Partner's number" in shown and "OSK-2024-7" in shown
    assert "Term from 2024-01-10 signed by: Gubernur Jawa Timur; Governor of Osaka" in shown
    ditampilkan = run(example, "show", MOU, "--as-of", AS_OF, "--lang", "id").stdout
    assert "Masa berlaku sejak 10 Januari 2024 ditandatangani oleh: Gubernur Jawa Timur; Governor of Osaka" in ditampilkan \
        or "Masa berlaku sejak 2024-01-10 ditandatangani oleh" in ditampilkan
    assert run(example, "check").exit_code == 0


def test_empty_values_and_options_without_an_id_are_usage_errors(example):
    before = (example / "partners" / "osaka.toml").read_bytes()
    for args in (["renew", "osaka-sister-province", "--until", "2030", "--pending", "--signatory", " "],
                 ["add", "osaka", "--title", "X", "--type", "mou", "--start", "2024", "--partner-number", ""],
                 ["renew", "--number", "5"]):
        result = run(example, *args)
        assert result.exit_code == 2, result.output
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert "--signatory: an empty value" in run(example, "renew", "osaka-sister-province", "--until", "2030",
                                                 "--pending", "--signatory", "").stderr
    assert (example / "partners" / "osaka.toml").read_bytes() == before


def test_exports_carry_them_and_import_reads_them_back(example, tmp_path):
    added(example)
    for suffix in ("csv", "xlsx"):
        out = tmp_path / f"export.{suffix}"
        assert run(example, "export", "-o", str(out)).exit_code == 0
        fresh = tmp_path / f"fresh-{suffix}"
        assert run(fresh, "init").exit_code == 0
        result = run(fresh, "import", str(out))
        assert result.exit_code == 0, result.output
        [term] = json.loads(run(fresh, "show", MOU, "--json", "--as-of", AS_OF).stdout)["terms"]
        assert (term["number"], term["place"], term["partner_number"], term["signatories"]) == (
            "120/1/013/2024", "Surabaya", "OSK-2024-7", ["Gubernur Jawa Timur", "Governor of Osaka"]), suffix
    csv_text = (tmp_path / "export.csv").read_text(encoding="utf-8-sig")
    assert csv_text.splitlines()[0].split(",")[16:20] == ["number", "place", "partner_number", "signatories"]


def test_a_bureau_sheet_with_signatories_and_the_partner_number(empty_store, tmp_path):
    sheet = tmp_path / "a.csv"
    sheet.write_text("mitra,negara,judul,tanggal mulai,Penandatangan,Nomor Mitra\n"
                     'Seattle,US,Sister city agreement,1992,"Gubernur Jawa Timur\nMayor Norman Rice",SEA-1992-3\n',
                     encoding="utf-8")
    result = run(empty_store, "import", str(sheet))
    assert result.exit_code == 0, result.output
    [term] = json.loads(run(empty_store, "show", "seattle-sister-city-1992", "--json",
                            "--as-of", AS_OF).stdout)["terms"]
    assert (term["signatories"], term["partner_number"]) == (["Gubernur Jawa Timur", "Mayor Norman Rice"], "SEA-1992-3")

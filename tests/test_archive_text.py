"""The archive's text layers (issue 16 item 6): `attach` extracts a PDF's text once, `search` finds its words."""

from __future__ import annotations

from test_archive import WA, a_pdf, js, run, stored


def layers(store):
    return sorted((store / "documents").rglob("*.pdf.txt")) if (store / "documents").exists() else []


def test_search_finds_the_words_of_a_pdf_and_says_where(example, tmp_path):
    pdf = a_pdf(tmp_path, "mou.pdf", "Kerja sama bidang pengelolaan sampah and Waste Management, Surabaya 2024")
    result = run(example, "attach", WA, str(pdf), "--kind", "report")
    assert result.exit_code == 0, result.output
    assert len(result.stderr.strip().splitlines()) == 1  # no warning for a PDF that reads
    [path] = stored(example)
    [layer] = layers(example)
    assert layer == path.with_name(path.name + ".txt")
    assert "Waste Management" in layer.read_text(encoding="utf-8")
    # case, accents and punctuation aside; the hit names the document and quotes the words around the match
    for query in ("waste management", "WASTE-management!", "wäste"):
        hits = [h for h in js(example, "search", query) if h["where"].startswith("document text:")]
        assert [(h["id"], h["where"]) for h in hits] == [(WA, f"document text:{path.name[:12]}")], query
        assert "Waste Management" in hits[0]["text"]
    [hit] = [h for h in js(example, "search", "sampah surabaya") if h["where"].startswith("document text:")]
    assert hit["text"].startswith("Kerja sama") or hit["text"].startswith("…")
    table = run(example, "search", "waste", "--as-of", "2024-01-01")
    assert "document text:" in table.stdout and "Waste Management" in table.stdout
    assert run(example, "check").exit_code == 0  # the text layer is no orphan
    assert js(example, "search", "words-not-in-the-pdf") == []


def test_a_scan_without_a_text_layer_is_found_by_its_details(example, tmp_path):
    scan = tmp_path / "scan.pdf"
    a_pdf(tmp_path, "scan.pdf", "")  # a page with no words: what a scanner makes
    result = run(example, "attach", WA, str(scan), "--title", "Waste Management MoU (scan)")
    assert result.exit_code == 0, result.output
    assert layers(example) == []
    hits = js(example, "search", "waste")
    assert [h["where"] for h in hits if h["id"] == WA] == [f"document:{stored(example)[0].name[:12]}"]


def test_a_pdf_that_pypdf_cannot_read_is_kept_with_one_warning(example, tmp_path):
    broken = tmp_path / "rusak.pdf"
    broken.write_bytes(b"%PDF-1.4\nthis is no PDF body at all, and no trailer\n")
    result = run(example, "attach", WA, str(broken), "--title", "Naskah rusak")
    assert result.exit_code == 0, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and "its text layer could not be read" in lines[0] and "rusak.pdf" in lines[0]
    assert "Traceback" not in result.output and lines[1].startswith("Saved: attached rusak.pdf")
    assert len(stored(example)) == 1 and layers(example) == []
    assert [h["where"][:9] for h in js(example, "search", "naskah rusak")] == ["document:"]
    assert run(example, "check").exit_code == 0


def test_a_text_layer_that_raises_inside_pypdf_is_one_warning(example, tmp_path, monkeypatch):
    import pypdf

    def explode(self, *args, **kwargs):
        raise KeyError("/Font")

    monkeypatch.setattr(pypdf.PageObject, "extract_text", explode)
    result = run(example, "attach", WA, str(a_pdf(tmp_path, words="waste")), "--lang", "id")
    assert result.exit_code == 0, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and "lapisan teksnya tidak dapat dibaca" in lines[0] and "Traceback" not in result.output
    assert layers(example) == [] and len(stored(example)) == 1


def test_detach_takes_the_text_layer_along_and_an_orphan_layer_is_reported(example, tmp_path):
    assert run(example, "attach", WA, str(a_pdf(tmp_path, words="waste"))).exit_code == 0
    [path] = stored(example)
    assert run(example, "detach", WA, path.name[:8]).exit_code == 0
    assert layers(example) == [] and stored(example) == []
    left = example / "documents" / "cd" / ("cd" + "1" * 62 + ".pdf.txt")
    left.parent.mkdir(exist_ok=True)
    left.write_text("left behind", encoding="utf-8")
    check = run(example, "check")
    assert check.exit_code == 1 and str(left) in check.stdout and "an orphan" in check.stdout
    assert run(example, "check", "--fix-orphans").exit_code == 0 and not left.exists()


def test_a_pdf_that_is_not_a_pdf_is_kept_as_it_is_with_one_warning(example, tmp_path):
    fake = tmp_path / "naskah.pdf"
    fake.write_bytes(b"<html>Error 404: the download failed</html>")
    result = run(example, "attach", WA, str(fake), "--kind", "other", "--title", "Naskah yang gagal diunduh")
    assert result.exit_code == 0, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and "naskah.pdf is named as a PDF but is not one" in lines[0]
    assert "Traceback" not in result.output
    [path] = stored(example)
    assert "." not in path.name and layers(example) == []  # not stored as a .pdf, and no text layer read
    [row] = js(example, "docs")
    assert (row["media_type"], row["file"]) == (None, f"documents/{path.name[:2]}/{path.name}")
    assert [h["where"][:9] for h in js(example, "search", "gagal diunduh")] == ["document:"]
    assert run(example, "check").exit_code == 0

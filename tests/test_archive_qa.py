"""Defects the QA sweep of the archive found: each test failed before its fix."""

from __future__ import annotations

from pathlib import Path

from test_archive import WA, a_pdf, run


def test_a_documents_kind_is_not_called_a_partners_kind_in_indonesian(example, tmp_path):
    """`docs`, `show` and the periodic report named the document's kind column "Jenis mitra" (a partner's kind),
    and the periodic report showed the kind's id (signed-text) where `show` gives its Indonesian name."""
    pdf = a_pdf(tmp_path, "naskah.pdf")
    assert run(example, "attach", WA, str(pdf), "--date", "2023-03-05", "--number", "120/2023").exit_code == 0
    docs = run(example, "docs", "--lang", "id")
    shown = run(example, "show", WA, "--lang", "id", "--as-of", "2024-01-01")
    periodic = run(example, "report", "--period", "2023-S1", "--lang", "id", "--as-of", "2024-01-01")
    for result in (docs, shown, periodic):
        assert result.exit_code == 0, result.output
        assert "Jenis dokumen" in result.stdout
        assert "Jenis mitra" not in result.stdout.split("Dokumen")[-1]
    filed = periodic.stdout.split("Dokumen yang diarsipkan dalam periode")[1]
    assert "Naskah yang" in filed and "signed-text" not in filed
    english = run(example, "report", "--period", "2023-S1", "--as-of", "2024-01-01")
    assert "Kind         Number" in english.stdout and "signed-text" in english.stdout


class _Terminal:
    """A stdout that is a terminal, keeping what is written."""

    def __init__(self):
        self.written = ""

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.written += text
        return len(text)


def test_open_at_a_terminal_without_a_display_prints_where_the_file_is(example, tmp_path, monkeypatch):
    """At a terminal with xdg-open installed but no display (a server over ssh), `open` started xdg-open, which
    failed unseen: nothing was printed, exit 0. It prints where the file is kept, as with no viewer."""
    import shutil
    import subprocess
    import types

    import coopctl.cli.archive as cli_archive

    assert run(example, "attach", WA, str(a_pdf(tmp_path))).exit_code == 0
    started = []
    terminal = _Terminal()
    monkeypatch.setattr(cli_archive, "sys", types.SimpleNamespace(platform="linux", stdout=terminal))
    monkeypatch.setattr(shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: started.append(a))
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    result = run(example, "open", WA)
    assert result.exit_code == 0, result.output
    assert started == []
    assert terminal.written.strip().endswith(".pdf") and Path(terminal.written.strip()).is_file()
    monkeypatch.setenv("DISPLAY", ":0")
    assert run(example, "open", WA).exit_code == 0
    assert started and started[0][0][0] == "xdg-open"


def test_search_shows_a_partners_long_notes_as_the_words_around_the_match(example):
    """A partner's notes that matched were shown whole (13 lines for DKI Jakarta's), where an agreement's are
    shown as the words around the match, as the README says of a long text."""
    result = run(example, "search", "Bidakara", "--format", "json")
    assert result.exit_code == 0, result.output
    import json

    row = next(r for r in json.loads(result.stdout) if r["id"] == "dki-jakarta")
    assert row["where"] == "notes"
    assert "Bidakara" in row["text"] and row["text"].startswith("…") and row["text"].endswith("…")
    assert len(row["text"]) < 120


def test_search_finds_a_word_hyphenated_across_two_lines_of_a_pdf(example, tmp_path):
    """A word the PDF splits at a line's end ("lanjut-" / "an") was not found by "lanjutan"."""
    import json

    # two lines: the second line's text object starts 14 points lower
    pdf = a_pdf(tmp_path, "notulen.pdf", "Kerjasama bidang pendidikan lanjut-) Tj 0 -14 Td (an dibahas dengan DPRD.")
    attached = run(example, "attach", WA, str(pdf), "--kind", "minutes")
    assert attached.exit_code == 0, attached.output
    layer = next((example / "documents").rglob("*.pdf.txt")).read_text(encoding="utf-8")
    assert "lanjut-\nan" in layer  # what pypdf gives: the split is in the text layer
    result = run(example, "search", "LANJUTAN dibahas", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["where"].split(":")[0] for r in rows] == ["document text"]
    assert "lanjutan dibahas" in rows[0]["text"]
    assert run(example, "search", "pendidikan", "--format", "json").stdout.count("document text") == 1


def test_one_file_kept_as_two_kinds_can_be_detached_one_record_at_a_time(example, tmp_path):
    """The same file attached as the draft and as the signed text could not be detached at all: every prefix named
    both records, and the error asked for more of the SHA-256, which both share. `--kind` says which."""
    pdf = a_pdf(tmp_path)
    assert run(example, "attach", WA, str(pdf)).exit_code == 0
    assert run(example, "attach", WA, str(pdf), "--kind", "draft").exit_code == 0
    sha = next(p for p in (example / "documents").rglob("*.pdf")).name[:64]
    both = run(example, "detach", WA, sha)
    assert both.exit_code == 1
    assert "2 times (signed-text, draft); say which with --kind" in both.stderr
    draft = run(example, "detach", WA, sha[:6], "--kind", "draft")
    assert draft.exit_code == 0, draft.output
    kept = [(d["kind"], d["sha256"]) for d in __import__("json").loads(run(example, "docs", "--json").stdout)]
    assert kept == [("signed-text", sha)]
    assert any((example / "documents").rglob(f"{sha}.pdf"))  # the signed text still names the file
    wrong = run(example, "detach", WA, sha[:6], "--kind", "draft")
    assert wrong.exit_code == 1 and "(signed-text)" in wrong.stderr


def test_a_pdf_locked_by_a_password_is_said_so_in_indonesian(example, tmp_path):
    """A password-protected PDF's warning gave pypdf's English reason ("File has not been decrypted") under
    --lang id."""
    import pypdf

    writer = pypdf.PdfWriter(clone_from=str(a_pdf(tmp_path, "terbuka.pdf")))
    writer.encrypt(user_password="rahasia", owner_password="pemilik")
    locked = tmp_path / "terkunci.pdf"
    writer.write(str(locked))
    result = run(example, "attach", WA, str(locked), "--lang", "id")
    assert result.exit_code == 0, result.output
    assert "terkunci.pdf: lapisan teksnya tidak dapat dibaca (berkas itu dilindungi kata sandi)" in result.stderr
    assert "decrypted" not in result.stderr
    assert run(example, "search", "terkunci").stdout.count("terkunci.pdf") == 1  # found by its details


def test_open_help_in_indonesian_says_it_prints_where_the_file_is(example):
    """The Indonesian help said `open` prints where the store (direktori data) is; it prints the file's place."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("COOPCTL_LANG", "LC_ALL", "LC_MESSAGES", "LANG")}
    result = subprocess.run([sys.executable, "-m", "coopctl", "open", "--help", "--lang", "id"], capture_output=True,
                            text=True, timeout=60, env=env | {"COLUMNS": "100"})
    assert result.returncode == 0, result.stderr
    said = " ".join(result.stdout.split())
    assert "cetak lokasi berkasnya" in said and "direktori datanya" not in said


def test_undo_of_an_attach_keeps_no_copy_of_the_file(example, tmp_path, monkeypatch):
    """undo of an attach put the copy back under its temporary name (`documents/.incoming.XXXXXXXX.tmp`), which
    `check` then reported as "an unfinished copy left by an interrupted coopctl" (exit 1); and the undo kept the
    file's bytes, so an attach above undo's limit (32 MB) could not be undone at all."""
    from coopctl.storage import undo

    monkeypatch.setattr(undo, "LIMIT", 32 * 1024)  # the limit, scaled down: the photo is above it
    photo = tmp_path / "foto penandatanganan.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 256)
    pdf = a_pdf(tmp_path)
    for source in (pdf, photo):
        attached = run(example, "attach", WA, str(source), "--kind", "other")
        assert attached.exit_code == 0, attached.output
        undone = run(example, "undo")
        assert undone.exit_code == 0, undone.output
        assert [p for p in (example / "documents").rglob("*") if p.is_file()] == []
        check = run(example, "check")
        assert check.exit_code == 0, check.output
    assert run(example, "attach", WA, str(pdf)).exit_code == 0  # and attached again, it is there with its text
    assert "document text" in run(example, "search", "sister state").stdout


def test_detach_of_a_document_whose_file_was_removed_by_hand_leaves_no_orphan(example, tmp_path):
    """With the stored PDF deleted by hand, detach removed the record but left the PDF's text layer, which `check`
    then reported as an orphan."""
    assert run(example, "attach", WA, str(a_pdf(tmp_path))).exit_code == 0
    stored = next(p for p in (example / "documents").rglob("*.pdf"))
    stored.unlink()
    assert run(example, "check").exit_code == 1  # the missing file, until the record goes
    detached = run(example, "detach", WA, stored.name[:8])
    assert detached.exit_code == 0, detached.output
    check = run(example, "check")
    assert check.exit_code == 0, check.output
    assert [p for p in (example / "documents").rglob("*") if p.is_file()] == []


def test_check_names_a_missing_document_by_the_name_it_is_kept_under(example, tmp_path):
    """A stored PDF or photo removed by hand was reported as `documents/ab/<sha256>`, without its extension: a
    name it never had, and not where a copy put back by hand is kept."""
    assert run(example, "attach", WA, str(a_pdf(tmp_path))).exit_code == 0
    photo = tmp_path / "foto.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + b"JFIF" * 100)
    assert run(example, "attach", WA, str(photo), "--kind", "other").exit_code == 0
    kept = sorted(p for p in (example / "documents").rglob("*") if p.is_file() and not p.name.endswith(".txt"))
    for path in kept:
        path.unlink()
    check = run(example, "check")
    assert check.exit_code == 1
    named = sorted(line.split(": ")[0] for line in check.stdout.splitlines() if "is missing from" in line)
    assert named == sorted(str(p) for p in kept)


def test_search_says_where_it_matched_in_indonesian(example, tmp_path):
    """Under --lang id, search's table said where each word matched in English (title, notes, activity,
    document text:SHA); JSON and CSV keep those ids."""
    import json

    assert run(example, "attach", WA, str(a_pdf(tmp_path, words="Sister State Relations"))).exit_code == 0
    table = run(example, "search", "state relations", "--lang", "id", "--wide")
    assert table.exit_code == 0, table.output
    wheres = [line.split()[1] for line in table.stdout.splitlines()[1:] if line.startswith(WA)]
    assert wheres[:3] == ["judul", "catatan", "kegiatan"] and wheres[3].startswith("teks")
    assert "dokumen:" in table.stdout
    for english in ("title", "notes", "activity", "document"):
        assert f" {english} " not in table.stdout
    rows = json.loads(run(example, "search", "state relations", "--lang", "id", "--json").stdout)
    assert [r["where"].split(":")[0] for r in rows] == ["title", "notes", "activity", "document text"]


def test_search_finds_a_word_split_by_a_soft_hyphen(example, tmp_path):
    """A line-end hyphen encoded as WinAnsi's soft hyphen (0xAD, U+00AD in the text layer, as word processors
    write them) split the word as a plain hyphen did."""
    import json
    import re

    pdf = a_pdf(tmp_path, "lunak.pdf", r"Kerjasama bidang pendidikan lanjut\255) Tj 0 -14 Td (an dibahas.")
    data = pdf.read_bytes().replace(b"/BaseFont /Helvetica >>", b"/BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    data = re.sub(rb"startxref\n\d+", b"startxref\n%d" % data.index(b"xref\n"), data)  # the font grew: xref moved
    pdf.write_bytes(data)
    assert run(example, "attach", WA, str(pdf), "--kind", "minutes").exit_code == 0
    assert "lanjut\u00ad\nan" in next((example / "documents").rglob("*.pdf.txt")).read_text(encoding="utf-8")
    rows = json.loads(run(example, "search", "lanjutan", "--format", "json").stdout)
    assert [r["where"].split(":")[0] for r in rows] == ["document text"] and "lanjutan dibahas" in rows[0]["text"]


def test_amend_of_a_terms_start_keeps_its_documents_with_it(example, tmp_path):
    """amend --start left the term's signed text naming the old start: `docs --missing` then listed the term's
    signed text as missing although it was attached, and the document belonged to no term."""
    import json

    unicef = "unicef-cpap-2021-2025"
    assert run(example, "attach", unicef, str(a_pdf(tmp_path))).exit_code == 0
    assert json.loads(run(example, "docs", "--missing", unicef, "--json").stdout) == []
    amended = run(example, "amend", unicef, "--start", "2021-01-15")
    assert amended.exit_code == 0, amended.output
    assert json.loads(run(example, "docs", "--missing", unicef, "--json").stdout) == []
    assert [d["term"] for d in json.loads(run(example, "docs", unicef, "--json").stdout)] == ["2021-01-15"]


def test_a_deleted_agreements_documents_are_kept_for_its_restore_not_orphans(example, tmp_path):
    """After `delete` of an agreement with a document, check reported the document's file (and its text layer) as
    orphans (exit 1), and `check --fix-orphans`, as check advised, moved them to the trash: `restore` of the
    agreement then brought back a record whose file was gone."""
    loi = "alexandria-loi"
    assert run(example, "attach", loi, str(a_pdf(tmp_path))).exit_code == 0
    assert run(example, "delete", loi, "--yes").exit_code == 0
    check = run(example, "check", "--fix-orphans")
    assert check.exit_code == 0, check.output
    assert "orphan" not in check.output
    assert run(example, "restore", loi).exit_code == 0
    after = run(example, "check")
    assert after.exit_code == 0, after.output
    assert "document text" in run(example, "search", "sister state").stdout
    for entry in (example / "trash").iterdir():  # once the trash is emptied, nothing can bring them back
        entry.unlink()
    assert run(example, "delete", loi, "--yes").exit_code == 0
    for entry in (example / "trash").iterdir():
        entry.unlink()
    assert run(example, "check").stdout.count("an orphan") == 2


def test_export_with_documents_does_not_hand_out_a_file_changed_in_the_store(example, tmp_path):
    """export --with-documents copied a stored file whose bytes had changed since it was attached (a byte
    changed by hand, a damaged disk) as if it were the document, without a word."""
    assert run(example, "attach", WA, str(a_pdf(tmp_path))).exit_code == 0
    assert run(example, "attach", WA, str(a_pdf(tmp_path, "lain.pdf", "Another text")), "--kind", "other").exit_code == 0
    damaged = sorted((example / "documents").rglob("*.pdf"))[0]
    data = bytearray(damaged.read_bytes())
    data[20] ^= 1
    damaged.write_bytes(bytes(data))
    out = tmp_path / "dokumen"
    result = run(example, "export", "-o", str(tmp_path / "k.json"), "--with-documents", str(out))
    assert result.exit_code == 0, result.output
    assert f"({damaged.name[:12]}) has changed in the store since it was attached" in result.stderr
    assert "Copied 1 document to" in result.stderr + result.stdout
    copied = list(out.iterdir())
    assert len(copied) == 1 and copied[0].read_bytes() != bytes(data)

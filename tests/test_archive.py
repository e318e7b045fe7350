"""The archive of documents: attach, docs, docs --missing, check proving the archive, detach, search, git."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coopctl.cli import app

runner = CliRunner()
WA = "western-australia-sister-state"
AS_OF = "2024-01-01"


def run(store: Path, *args: str):
    return runner.invoke(app, [*args, "--store", str(store)])


def js(store: Path, *args: str):
    result = run(store, *args, "--json", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def a_pdf(folder: Path, name: str = "naskah.pdf", words: str = "Sister State Agreement") -> Path:
    """A small PDF with a text layer of `words` (one line, in Helvetica), written by the test."""
    stream = f"BT /F1 12 Tf 72 720 Td ({words}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
               b" /Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path = folder / name
    path.write_bytes(bytes(out))
    return path


def stored(store: Path) -> list[Path]:
    """The stored documents (not their text layers)."""
    return sorted(p for p in (store / "documents").rglob("*") if p.is_file() and not p.name.endswith(".pdf.txt")) \
        if (store / "documents").exists() else []


def missing_terms(store: Path) -> list[tuple]:
    return [(r["id"], r["missing"], r["term"]) for r in js(store, "docs", "--missing")]


def test_attach_keeps_the_file_by_its_hash_and_records_it(example, tmp_path):
    pdf = a_pdf(tmp_path)
    assert (WA, "signed-text", "2017-09") in missing_terms(example)
    result = run(example, "attach", WA, str(pdf), "--number", "120/2023", "--date", "2023-09-05")
    assert result.exit_code == 0, result.output
    assert "Saved: attached naskah.pdf (signed-text," in result.stderr
    import hashlib

    sha = hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert stored(example) == [example / "documents" / sha[:2] / f"{sha}.pdf"]
    text = (example / "partners" / "western-australia.toml").read_text(encoding="utf-8")
    assert text.endswith(f'[[agreements.documents]]\nkind = "signed-text"\nname = "naskah.pdf"\nsize = {pdf.stat().st_size}\n'
                         f'sha256 = "{sha}"\nmedia_type = "application/pdf"\nnumber = "120/2023"\ndate = 2023-09-05\n'
                         f'term_start = "2017-09"\n')
    [row] = js(example, "docs")
    assert (row["id"], row["kind"], row["number"], row["date"], row["term"], row["file"]) == (
        WA, "signed-text", "120/2023", "2023-09-05", "2017-09", f"documents/{sha[:2]}/{sha}.pdf")
    assert (WA, "signed-text", "2017-09") not in missing_terms(example)
    assert (WA, "signed-text", "2007-09-28") in missing_terms(example)
    assert js(example, "show", WA)["documents"][0]["sha256"] == sha
    shown = run(example, "show", WA, "--as-of", AS_OF)
    assert "Documents (see coopctl docs)" in shown.stdout and sha[:12] in shown.stdout
    check = run(example, "check")
    assert check.exit_code == 0, check.output
    # the same file is kept once; the same record twice is refused
    again = run(example, "attach", WA, str(pdf))
    assert again.exit_code == 1 and "already holds this file" in again.stderr
    other = run(example, "attach", "osaka-sister-province", str(pdf), "--kind", "other")
    assert other.exit_code == 0, other.output
    assert len(stored(example)) == 1
    assert run(example, "open", WA).stdout.strip() == str(example / "documents" / sha[:2] / f"{sha}.pdf")


def test_check_names_a_changed_byte_and_the_record(example, tmp_path):
    assert run(example, "attach", WA, str(a_pdf(tmp_path))).exit_code == 0
    [path] = stored(example)
    data = bytearray(path.read_bytes())
    data[20] ^= 1
    path.write_bytes(bytes(data))
    result = run(example, "check")
    assert result.exit_code == 1
    assert str(path) in result.stdout and "the stored file has changed" in result.stdout
    line = (example / "partners" / "western-australia.toml").read_text(encoding="utf-8").split("\n").index(
        f'sha256 = "{path.name[:-4]}"') + 1
    assert f"partners/western-australia.toml:{line}" in result.stdout


def test_a_missing_document_and_an_orphan_are_problems_and_fix_orphans_moves_it_to_the_trash(example, tmp_path):
    assert run(example, "attach", WA, str(a_pdf(tmp_path))).exit_code == 0
    [path] = stored(example)
    orphan = example / "documents" / "ab" / ("ab" + "0" * 62 + ".pdf")
    orphan.parent.mkdir()
    orphan.write_bytes(b"%PDF-1.4 left behind")
    result = run(example, "check")
    assert result.exit_code == 1 and "an orphan" in result.stdout and str(orphan) in result.stdout
    fixed = run(example, "check", "--fix-orphans")
    assert fixed.exit_code == 0, fixed.output
    assert not orphan.exists() and [p.name for p in (example / "trash").iterdir()][0].endswith(orphan.name)
    path.unlink()
    gone = run(example, "check")
    assert gone.exit_code == 1 and "is missing from documents" in gone.stdout


def written(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("make, code, message", [
    (lambda d: d, 2, "is a directory"),
    (lambda d: d / "nowhere.pdf", 2, "no such file"),
    (lambda d: written(d / "empty.pdf", b""), 2, "is empty"),
], ids=["directory", "vanished", "empty"])
def test_bad_files_are_refused_in_one_line_and_nothing_is_written(example, tmp_path, make, code, message):
    folder = tmp_path / "in"
    folder.mkdir()
    before = (example / "partners" / "western-australia.toml").read_bytes()
    result = run(example, "attach", WA, str(make(folder)))
    assert result.exit_code == code, result.output
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert (example / "partners" / "western-australia.toml").read_bytes() == before
    assert stored(example) == [] and list((example / "documents").glob(".*")) == []


def test_a_file_that_changes_while_it_is_copied_is_refused(example, tmp_path, monkeypatch):
    from coopctl.storage import archive

    real, calls = archive._stat, []

    def changing(source):
        calls.append(source)
        result = real(source)
        if len(calls) > 1:
            source.write_bytes(source.read_bytes() + b"more")
            return real(source)
        return result

    monkeypatch.setattr(archive, "_stat", changing)
    result = run(example, "attach", WA, str(a_pdf(tmp_path)))
    assert result.exit_code == 1 and "changed while it was copied" in result.stderr
    assert not (example / "documents").exists() or list((example / "documents").iterdir()) == []


def test_a_name_with_control_characters_and_a_path_is_cleaned(example, tmp_path):
    pdf = a_pdf(tmp_path, "na\u202eskah\x07.pdf")
    assert run(example, "attach", WA, str(pdf), "--dry-run").exit_code == 0
    assert stored(example) == []
    assert run(example, "attach", WA, str(pdf)).exit_code == 0
    [row] = js(example, "docs", WA)
    assert row["name"] == "naskah.pdf"


def test_a_copy_killed_half_way_is_removed_by_the_next_writer(example, tmp_path):
    (example / "documents").mkdir()
    left = example / "documents" / ".incoming.0123abcd.tmp"
    left.write_bytes(b"%PDF-half")
    result = run(example, "attach", WA, str(a_pdf(tmp_path)))
    assert result.exit_code == 0 and not left.exists()
    assert "removed 1 unfinished temporary file" in result.stderr


def test_detach_moves_the_file_to_the_trash(example, tmp_path):
    assert run(example, "attach", WA, str(a_pdf(tmp_path))).exit_code == 0
    [path] = stored(example)
    result = run(example, "detach", WA, path.name[:6])
    assert result.exit_code == 0, result.output
    assert stored(example) == [] and js(example, "docs") == []
    assert any(p.name.endswith(f"document.{path.name}") for p in (example / "trash").iterdir())
    assert run(example, "check").exit_code == 0


def test_search_finds_document_titles_and_agreement_words(example, tmp_path):
    assert run(example, "attach", WA, str(a_pdf(tmp_path)), "--title", "Pengelolaan Sampah (Waste Management)",
               "--kind", "report").exit_code == 0
    hits = js(example, "search", "waste")
    assert any(h["id"] == WA and h["where"].startswith("document:") for h in hits)
    assert any(h["id"] == WA for h in js(example, "search", "WESTERN australia"))
    assert js(example, "search", "nothing-like-this-anywhere") == []


def test_search_finds_words_in_their_own_script(example):
    """`search 大阪府` said 'give a word to search for': words were folded to Latin letters, leaving nothing."""
    result = run(example, "add", "大阪府", "--title", "協力 覚書", "--type", "mou", "--start", "2024", "--country", "JP",
                 "--kind", "foreign-local-gov", "--partner-id", "osaka-fu")
    assert result.exit_code == 0, result.stderr
    assert [(h["id"], h["where"]) for h in js(example, "search", "大阪府")] == [("osaka-fu", "name")]
    assert [(h["id"], h["where"]) for h in js(example, "search", "覚書")] == [("osaka-fu-mou-2024", "title")]
    assert js(example, "search", "東京") == []


@pytest.mark.parametrize("query", ["", "  ", ".*[", "!!!"])
def test_search_for_no_word_is_a_usage_error(example, query):
    """A query with no letter or digit is the person's mistake (exit 2), not a problem of the store (it exited 1)."""
    result = run(example, "search", query)
    assert result.exit_code == 2
    assert result.stderr == "coopctl: error: give a word to search for\n"


def test_attach_in_indonesian(example, tmp_path):
    result = run(example, "attach", WA, str(a_pdf(tmp_path)), "--lang", "id")
    assert result.exit_code == 0, result.output
    assert "melampirkan naskah.pdf" in result.stderr
    bad = run(example, "attach", WA, str(tmp_path), "--lang", "id")
    assert bad.exit_code == 2 and "adalah direktori" in bad.stderr
    listed = run(example, "docs", "--missing", "--lang", "id", "--as-of", AS_OF)
    assert "Kurang" in listed.stdout and "2017-09" not in [line.split()[2] for line in listed.stdout.splitlines()[1:]
                                                         if line.startswith(WA)]
    [path] = stored(example)
    path.write_bytes(path.read_bytes() + b"x")
    check = run(example, "check", "--lang", "id")
    assert check.exit_code == 1 and "berkas tersimpan telah berubah" in check.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_git_backed_store_commits_the_document_with_its_record(tmp_path, monkeypatch):
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\tname = Test Clerk\n\temail = clerk@example.org\n[init]\n\tdefaultBranch = main\n",
                      encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    store = tmp_path / "store"
    assert run(store, "init", "--sample", "--git").exit_code == 0
    result = run(store, "attach", WA, str(a_pdf(tmp_path)))
    assert result.exit_code == 0, result.output
    [path] = stored(store)
    files = subprocess.run(["git", "-C", str(store), "show", "--name-only", "--format=%s", "HEAD"],
                           capture_output=True, text=True, check=True).stdout.split()
    assert "attached" in files[0]
    assert set(files) >= {"partners/western-australia.toml", str(path.relative_to(store))}
    status = subprocess.run(["git", "-C", str(store), "status", "--porcelain"], capture_output=True, text=True,
                            check=True).stdout
    assert status == ""


def test_milestone_doc_keeps_the_letter_with_the_step(example, tmp_path):
    before = [r for r in missing_terms(example) if r[1] == "dprd-approval"]
    assert before == [(WA, "dprd-approval", "2022-09")]
    result = run(example, "milestone", WA, "dprd-approval", "--date", "2022-11-08", "--doc", str(a_pdf(tmp_path)),
                 "--number", "161.4/123/2022", "--again")
    assert result.exit_code == 0, result.output
    [row] = js(example, "docs", WA)
    assert (row["kind"], row["step"], row["number"], row["date"]) == ("dprd-approval", "dprd-approval",
                                                                    "161.4/123/2022", "2022-11-08")
    assert [r for r in missing_terms(example) if r[1] == "dprd-approval"] == []
    bad = run(example, "milestone", WA, "rks", "--number", "1")
    assert bad.exit_code == 2 and "--number goes with --doc" in bad.stderr

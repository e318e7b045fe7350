"""A detached document comes back with `coopctl restore` (issue 16 item 3): its record and its file."""

from __future__ import annotations

import json

from test_archive import WA, a_pdf, js, run, stored


def test_restore_brings_a_detached_document_back_record_and_file(example, tmp_path):
    assert run(example, "attach", WA, str(a_pdf(tmp_path, words="Waste Management")), "--number", "120/2023",
               "--date", "2023-09-05").exit_code == 0
    [before] = js(example, "docs")
    [path] = stored(example)
    assert run(example, "detach", WA, path.name[:8]).exit_code == 0
    assert js(example, "docs") == [] and stored(example) == []
    listed = json.loads(run(example, "restore", "--json").stdout)
    [entry] = [e for e in listed if e["record"] == "document"]
    assert (entry["id"], entry["agreement"], entry["partner_id"]) == (path.name[:12], WA, "western-australia")
    table = run(example, "restore")
    assert "document" in table.stdout and path.name[:12] in table.stdout
    assert run(example, "restore", path.name[:6], "--dry-run").exit_code == 0 and js(example, "docs") == []
    result = run(example, "restore", path.name[:8])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"Saved: restore document naskah.pdf ({path.name[:12]}) to {WA}")
    assert js(example, "docs") == [before] and stored(example) == [path]
    assert [h["where"][:14] for h in js(example, "search", "waste management")] == ["document text:"]
    assert run(example, "check").exit_code == 0
    assert not [p for p in (example / "trash").iterdir() if ".document." in p.name]
    # once restored, the record is no longer in the trash
    again = run(example, "restore", path.name[:8])
    assert again.exit_code == 1 and "nothing in the trash" in again.stderr or "the trash is empty" in again.stderr


def test_a_document_whose_agreement_is_gone_or_whose_file_changed_is_not_restored(example, tmp_path):
    assert run(example, "attach", WA, str(a_pdf(tmp_path))).exit_code == 0
    [path] = stored(example)
    assert run(example, "detach", WA, path.name[:8]).exit_code == 0
    [trashed] = [p for p in (example / "trash").iterdir() if p.name.endswith(".pdf")]
    trashed.write_bytes(trashed.read_bytes() + b"changed")
    changed = run(example, "restore", path.name[:8])
    assert changed.exit_code == 1 and "has changed since it was detached" in changed.stderr
    assert js(example, "docs") == []
    assert run(example, "delete", WA, "--yes").exit_code == 0
    gone = run(example, "restore", path.name[:8], "--lang", "id")
    assert gone.exit_code == 1 and "tidak ada lagi di direktori data" in gone.stderr
    assert len(gone.stderr.strip().splitlines()) == 1 and "Traceback" not in gone.output


def dprd_missing(store):
    return [(r["id"], r["missing"], r["date"]) for r in js(store, "docs", "--missing") if r["missing"] == "dprd-approval"]


def test_docs_missing_matches_a_letter_to_its_milestone_by_the_document_not_the_step_alone(example, tmp_path):
    assert dprd_missing(example) == [(WA, "dprd-approval", "2022-11-08")]
    # a DPRD approval of an earlier renewal (dated 2017) is not the letter of the 2022 milestone
    old = a_pdf(tmp_path, "dprd-2017.pdf", "Persetujuan DPRD 2017")
    assert run(example, "attach", WA, str(old), "--kind", "dprd-approval", "--date", "2017-03-02").exit_code == 0
    assert dprd_missing(example) == [(WA, "dprd-approval", "2022-11-08")]
    # a letter of that kind dated near the milestone is its letter
    near = a_pdf(tmp_path, "dprd-2022.pdf", "Persetujuan DPRD 2022")
    assert run(example, "attach", WA, str(near), "--kind", "dprd-approval", "--date", "2022-11-21").exit_code == 0
    assert dprd_missing(example) == []


def test_a_letter_attached_with_the_milestone_documents_it(example, tmp_path):
    letter = a_pdf(tmp_path, "surat.pdf", "Surat")
    result = run(example, "milestone", WA, "dprd-approval", "--date", "2022-11-08", "--doc", str(letter), "--again")
    assert result.exit_code == 0, result.output
    assert dprd_missing(example) == []
    # the same step done again for a later renewal needs its own letter
    again = run(example, "milestone", WA, "dprd-approval", "--date", "2024-05-04", "--again")
    assert again.exit_code == 0, again.output
    assert dprd_missing(example) == [(WA, "dprd-approval", "2024-05-04")]

"""The store on disk: load, validate with file:line, atomic save, lock, comment refusal."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from coopctl.storage import encode

from coopctl.core.dates import PartialDate
from coopctl.core.errors import CoopError, StoreInvalid
from coopctl.app.operations import NewAgreement, add_agreement, record_renewal
from coopctl.storage.transaction import CommentsWouldBeLost, transaction
from coopctl.storage.loader import load, load_valid
from helpers import GOOD, snapshot, write_partner




def test_the_example_loads_without_problems(example):
    loaded = load(example)
    assert loaded.problems == []
    assert "western-australia" in loaded.store.partners


def test_saving_unchanged_data_reproduces_every_file_byte_for_byte(example):
    loaded = load_valid(example)
    for partner_id, partner in loaded.store.partners.items():
        assert encode.dump_partner(partner) == loaded.files[partner_id].text, partner_id
    settings_text = (example / "coopctl.toml").read_text(encoding="utf-8")
    assert encode.dump_settings(loaded.store.settings) == settings_text


def test_a_change_rewrites_only_its_partner_file(example):
    before = snapshot(example)
    with transaction(example) as tx:
        record_renewal(tx, "unicef-cpap-2021-2025", PartialDate(2030), pending=True)
        tx.commit()
    after = snapshot(example)
    changed = sorted(k for k in before if before[k] != after.get(k))
    assert changed == ["partners/unicef.toml"]
    assert set(after) - set(before) <= {".coopctl.lock", ".coopctl/last-change.json"}  # the lock, the undo record


def test_dry_run_plans_without_writing(example):
    before = snapshot(example)
    with transaction(example) as tx:
        record_renewal(tx, "unicef-cpap-2021-2025", PartialDate(2030), pending=True)
        planned = tx.planned()
    assert list(planned) == ["partners/unicef.toml"]
    assert 'end = "2030"' in planned["partners/unicef.toml"]
    after = snapshot(example)
    after.pop(".coopctl.lock", None)
    assert after == before


def test_a_file_with_comments_is_not_rewritten_without_force(empty_store):
    path = write_partner(empty_store, "contoh", GOOD.replace('country = "ID"', 'country = "ID"  # checked 2024'))
    original = path.read_bytes()
    new = NewAgreement(partner="contoh", title="Second", type="mou", start=PartialDate(2024), sectors=[])
    with pytest.raises(CommentsWouldBeLost, match=r"partners/contoh.toml:2: .*comments.*notes.*--force"):
        with transaction(empty_store) as tx:
            add_agreement(tx, new)
            tx.commit()
    assert path.read_bytes() == original
    with transaction(empty_store, force=True) as tx:
        add_agreement(tx, new)
        tx.commit()
    assert "#" not in path.read_text(encoding="utf-8")
    assert "Second" in path.read_text(encoding="utf-8")


def test_a_hash_inside_a_string_is_not_a_comment(empty_store):
    path = write_partner(empty_store, "contoh", GOOD.replace('"PKS perdagangan"', '"PKS #1 perdagangan"'))
    with transaction(empty_store) as tx:  # no --force needed: the file has no comment to lose
        add_agreement(tx, NewAgreement(partner="contoh", title="Second", type="mou", start=PartialDate(2024), sectors=[]))
        tx.commit()
    text = path.read_text(encoding="utf-8")
    assert 'title = "PKS #1 perdagangan"' in text and 'title = "Second"' in text


def test_a_store_that_failed_to_load_is_never_written(empty_store):
    write_partner(empty_store, "contoh", GOOD)
    bad = write_partner(empty_store, "rusak", 'name = "Rusak"\nkind = "third-party"\ncountry = "ID"\nsince = 2023-02-30\n')
    before = snapshot(empty_store)
    with pytest.raises(StoreInvalid, match=r"partners/rusak.toml:4:\d+: invalid TOML"):
        with transaction(empty_store) as tx:
            tx.commit()
    assert snapshot(empty_store) == before | {".coopctl.lock": b""}
    assert bad.exists()


@pytest.mark.parametrize("text, line, message", [
    ('name = "x\nkind = "third-party"\n', 1, "invalid TOML"),
    ('name = "x"\nname = "y"\n', 2, "invalid TOML"),
    ('name = "x"\nkind = "third-party"\ncountry = "ID"\nsince = 2023-02-30\n', 4, "invalid TOML"),
])
def test_malformed_toml_gives_file_line_column(empty_store, text, line, message):
    write_partner(empty_store, "x", text)
    problems = load(empty_store).problems
    assert len(problems) == 1
    p = problems[0]
    assert (p.file, p.line) == ("partners/x.toml", line)
    assert p.column is not None
    assert message in p.message


@pytest.mark.parametrize("text, english, indonesian", [
    ('name = "x"\nnotes = "C:\\docs"\n', "Unescaped '\\' in a string", "ada '\\' tanpa escape di dalam teks"),
    ('name = "x\x00"\n', "Illegal character '\\x00'", "karakter '\\x00' tidak boleh ada di sini"),
    ('[contacts]\n[contacts]\n', "Cannot declare ('contacts',) twice", "('contacts',) tidak dapat dideklarasikan dua kali"),
    ('name = { a = 1, a = 2 }\n', "Duplicate inline table key 'a'", "kunci 'a' ditulis dua kali dalam tabel sebaris"),
    ('name = "a" "b"\n', "Expected newline or end of document after a statement",
     "seharusnya baris baru atau akhir berkas setelah satu pernyataan"),
])
def test_toml_mistakes_that_name_what_they_found_read_in_indonesian(empty_store, text, english, indonesian):
    """Hand edits that tomllib words with what it found (a Windows path, a table twice) were left in English."""
    from coopctl import i18n

    write_partner(empty_store, "x", text)
    assert load(empty_store).problems[0].message == f"invalid TOML: {english}"
    i18n.set_language("id")
    try:
        message = load(empty_store).problems[0].message
    finally:
        i18n.set_language(i18n.ENGLISH)
    assert message.startswith(f"TOML tidak valid: {indonesian}"), message


@pytest.mark.parametrize("edit, line, fragment", [
    (lambda t: t.replace("end = 2029-02-28", "end = 2023-02-28"), 13, "ends (2023-02-28) before it starts"),
    (lambda t: t.replace('id = "contoh-pks"', 'id = "../x"'), 6, "must be 1-64 lowercase"),
    (lambda t: t.replace('sectors = ["trade"]', 'sectors = ["trade", "vokational"]'), 9, "unknown sector 'vokational'; did you mean vocational"),
    (lambda t: t.replace('sectors = ["trade"]', 'sectors = "trade"'), 9, "'sectors' must be a list"),
    (lambda t: t.replace("start = 2024-03-01", 'start = "2024-03-01"'), 12, "without quotes"),
    (lambda t: t.replace('country = "ID"', 'country = "IDN"'), 2, "not an ISO 3166-1"),
    # one problem, where it is: not also "missing required key 'country'" with no line
    (lambda t: t.replace('country = "ID"', 'country = 62'), 2, "'country' must be a string, not an integer"),
    (lambda t: t.replace('type = "pks"', 'type = "contract"'), 8, "use one of"),
    (lambda t: t + 'colour = "red"\n', 14, "unknown key 'colour'"),
])
def test_invalid_values_are_located(empty_store, edit, line, fragment):
    write_partner(empty_store, "contoh", edit(GOOD))
    problems = load(empty_store).problems
    assert [(p.file, p.line) for p in problems] == [("partners/contoh.toml", line)], problems
    assert fragment in problems[0].message


def test_duplicate_agreement_ids_across_files(empty_store):
    write_partner(empty_store, "contoh", GOOD)
    write_partner(empty_store, "lain", GOOD.replace("Kota Contoh", "Kota Lain"))
    problems = load(empty_store).problems
    assert [(p.file, p.line) for p in problems] == [("partners/lain.toml", 6)]
    assert "already used in partners/contoh.toml" in problems[0].message


def test_an_agreement_id_that_is_a_partners_id_is_a_problem(empty_store):
    """`show ID` could show only one of the two (the agreement): a hand edit that makes them equal is refused."""
    write_partner(empty_store, "contoh", GOOD)
    write_partner(empty_store, "contoh-pks", GOOD.replace("Kota Contoh", "Kota Lain").replace("contoh-pks", "lain-pks"))
    problems = load(empty_store).problems
    assert [(p.file, p.line) for p in problems] == [("partners/contoh.toml", 6)]
    assert "agreement id 'contoh-pks' is also the id of the partner in partners/contoh-pks.toml" in problems[0].message


def test_add_refuses_a_partner_or_agreement_id_the_other_kind_of_record_has(example):
    from coopctl.core.errors import UsageError

    for new, field in ((NewAgreement(partner="OSAKA-SISTER-PROVINCE", title="X", type="mou", sectors=[], start=PartialDate(2024),
                                     country="JP", kind="foreign-local-gov"), "partner_id"),
                       (NewAgreement(partner="osaka", title="X", type="mou", sectors=[], start=PartialDate(2024), id="tianjin"),
                        "id")):
        with pytest.raises(UsageError) as refused, transaction(example) as tx:
            add_agreement(tx, new)
        assert refused.value.field == field
    assert load(example).problems == []  # nothing was written


def test_check_lists_every_problem_not_just_the_first(empty_store):
    write_partner(empty_store, "a", "name = \n")
    write_partner(empty_store, "b", GOOD.replace("end = 2029-02-28", "end = 2020-01-01"))
    write_partner(empty_store, "Bad Name", GOOD)
    files = [p.file for p in load(empty_store).problems]
    assert files == ["partners/Bad Name.toml", "partners/a.toml", "partners/b.toml"]


def test_invalid_utf8_and_bom(empty_store):
    (empty_store / "partners" / "x.toml").write_bytes(b'name = "Osaka"\nnotes = "\xff"\n')
    p = load(empty_store).problems[0]
    assert (p.line, p.column) == (2, 10) and "UTF-8" in p.message
    (empty_store / "partners" / "x.toml").write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert load(empty_store).problems == []


def test_deep_nesting_is_a_problem_not_a_crash(empty_store):
    write_partner(empty_store, "x", "a = " + "[" * 5000 + "]" * 5000 + "\n")
    assert "invalid TOML" in load(empty_store).problems[0].message


def test_no_store_says_how_to_make_one(tmp_path):
    with pytest.raises(CoopError, match="coopctl init"):
        load(tmp_path / "nothing")


@pytest.mark.parametrize("damage", ["missing", "a directory"])
def test_a_store_without_its_settings_file_is_not_told_to_run_init(empty_store, damage):
    """'coopctl init' refuses a folder that is not empty, so a store that lost coopctl.toml is told what is missing."""
    write_partner(empty_store, "contoh", GOOD)
    (empty_store / "coopctl.toml").unlink()
    if damage == "a directory":
        (empty_store / "coopctl.toml").mkdir()
    with pytest.raises(CoopError) as raised:
        load(empty_store)
    assert str(raised.value) == (f"{empty_store} holds a store whose settings file coopctl.toml is missing or not a "
                                 "plain file; put it back (an empty coopctl.toml will do)")


WRITER = """
import sys
from coopctl.core.dates import PartialDate
from coopctl.app.operations import NewAgreement, add_agreement
from coopctl.storage.transaction import transaction
root, who, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
for i in range(n):
    with transaction(__import__("pathlib").Path(root)) as tx:
        add_agreement(tx, NewAgreement(partner="contoh", title=f"{who} {i}", type="mou",
                                       start=PartialDate(2024), sectors=["trade"], id=f"{who}-{i}"))
        tx.commit()
"""


def test_concurrent_writers_all_land(empty_store):
    write_partner(empty_store, "contoh", GOOD)
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(empty_store), f"w{k}", "10"])
             for k in range(6)]
    assert [p.wait(timeout=120) for p in procs] == [0] * 6
    loaded = load_valid(empty_store)
    ids = {a.id for a in loaded.store.agreements()}
    assert len(ids) == 1 + 6 * 10
    assert not [f for f in os.listdir(empty_store / "partners") if f.endswith(".tmp")]


def test_a_file_named_partners_is_a_problem_not_an_empty_store(empty_store):
    """`partners` must be a folder: a file of that name is not a store with no partners ('check' said OK and
    'add' failed with 'File exists')."""
    (empty_store / "partners").rmdir()
    (empty_store / "partners").write_text("x\n", encoding="utf-8")
    problems = load(empty_store).problems
    assert [(p.file, p.line, p.message) for p in problems] == [
        ("partners", None, "not a directory; the partner files go in a folder named partners")]

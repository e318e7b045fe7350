"""The Indonesian catalogue keeps to its glossary (coopctl/locales/GLOSSARY.md): no word the glossary says
to avoid, and every term the glossary ties to a catalogue key is that key's translation."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

LOCALES = Path(__file__).resolve().parent.parent / "coopctl" / "locales"


def glossary() -> list[dict[str, str]]:
    """The rows of the glossary's table, as {english, indonesian, avoid, key}."""
    rows, header = [], None
    for line in (LOCALES / "GLOSSARY.md").read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            continue
        cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if header is None:
            header = cells
        elif not all(set(c) <= {"-", " "} for c in cells):
            rows.append(dict(zip(header, cells)))
    return rows


def catalogue_values() -> dict[str, str]:
    with open(LOCALES / "id.toml", "rb") as f:
        data = tomllib.load(f)
    return {**{f"[fields] {k}": v for k, v in data["fields"].items()}, **data["messages"]}


def test_the_glossary_is_a_table_with_the_columns_the_test_reads():
    rows = glossary()
    assert len(rows) >= 30
    assert set(rows[0]) == {"english", "indonesian", "avoid", "key"}
    assert all(row["english"] and row["indonesian"] for row in rows)


def test_no_catalogue_value_uses_a_word_the_glossary_says_to_avoid():
    rows = glossary()
    terms = sorted((row["indonesian"] for row in rows), key=len, reverse=True)
    avoid = [w.strip() for row in rows for w in row["avoid"].split(";") if w.strip()]
    assert {"perjanjian", "kedaluwarsa", "jatuh tempo", "tertunda", "penyimpanan", "kerjasama"} <= set(avoid)
    found = []
    for key, value in catalogue_values().items():
        text = value
        for term in terms:  # the glossary's own terms may stand: "Perjanjian Kerja Sama" is the PKS
            if len(term.split()) > 1:
                text = re.sub(re.escape(term), " ", text)
        for word in avoid:
            if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE):
                found.append(f"{key!r} uses '{word}': {value!r}")
    assert not found, "\n".join(found)


def test_every_key_the_glossary_names_has_the_glossary_term():
    values = catalogue_values()
    tied = [row for row in glossary() if row["key"]]
    assert len(tied) >= 15
    for row in tied:
        assert row["key"] in values, row
        assert values[row["key"]] == row["indonesian"], row


def test_kerja_sama_is_two_words_in_every_form():
    for key, value in catalogue_values().items():
        assert not re.search(r"kerjasama", value, re.IGNORECASE), key

"""JSON output: orjson when it can, the standard library otherwise, and always the standard library's text."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopctl.core.text import json_safe
from coopctl.views.formats import json_bytes

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300)
@given(json_values)
def test_json_text_is_the_standard_librarys_text(value):
    """Lone surrogates, integers beyond 64 bits, control and non-ASCII characters included."""
    assert json_bytes(value) == json_safe(json.dumps(value, ensure_ascii=False, indent=2)).encode()


def test_a_listing_row_is_indented_as_before():
    row = {"id": "x", "sectors": ["trade", "tourism"], "pending": None, "overdue_milestones": [],
           "next_milestone": {"name": "signing", "date": "2023-08-05"}, "title": "East Java – Osaka"}
    assert json_bytes([row]) == json.dumps([row], ensure_ascii=False, indent=2).encode()


def test_what_is_not_json_data_is_refused_as_the_standard_library_refuses_it():
    with pytest.raises(TypeError):
        json_bytes({"day": date(2023, 8, 22)})


@settings(max_examples=500)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",))))
def test_utf8_escaping_is_the_text_escaping(text):
    from coopctl.core.text import json_safe, json_safe_utf8

    assert json_safe_utf8(text.encode()) == json_safe(text).encode()


@pytest.mark.parametrize("char", ["\x7f", "\x85", "\x9f", "\u061c", "\u200e", "\u200f", "\u2028", "\u2029",
                                  "\u202a", "\u202e", "\u2066", "\u2069"])
def test_every_unsafe_character_is_escaped_in_utf8(char):
    from coopctl.core.text import json_safe_utf8

    assert json_safe_utf8(f"a – {char} b".encode()) == f"a – \\u{ord(char):04x} b".encode()


@settings(max_examples=60, deadline=None)
@given(st.lists(json_values, min_size=0, max_size=9), st.integers(1, 4), st.sampled_from(["utf-8", "latin-1"]))
def test_a_long_list_written_in_parts_is_the_text_of_the_whole(items, part, encoding):
    """`write_json` makes a list longer than a part one part at a time: the text is the whole list's, on a UTF-8
    stdout and on one it must encode for (lone surrogates in a part, which orjson declines, included)."""
    import io
    import sys

    from coopctl.views import formats

    buffer = io.BytesIO()
    out = io.TextIOWrapper(buffer, encoding=encoding, errors="backslashreplace")
    saved, formats.JSON_PART = formats.JSON_PART, part
    stdout, sys.stdout = sys.stdout, out
    try:
        formats.write_json(items)
        out.flush()
    finally:
        sys.stdout, formats.JSON_PART = stdout, saved
    whole = json_safe(json.dumps(items, ensure_ascii=False, indent=2)) + "\n"
    assert buffer.getvalue() == whole.encode(encoding, "backslashreplace")

"""Text made safe for a terminal: the quick path for printable text changes nothing it should not."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from coopctl.core.text import clean, md_text

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def reference(text: str, single_line: bool = True) -> str:
    text = text.replace("\r\n", "\n")
    for old in ("\r", "\x85", "\u2028", "\u2029"):
        text = text.replace(old, "\n")
    if single_line:
        text = text.replace("\n", " ").replace("\t", " ")
    return _CONTROL.sub("", _SURROGATE.sub("\ufffd", text))


@settings(max_examples=1000)
@given(st.text(), st.booleans())
def test_clean_is_the_full_rule_for_every_text(text, single_line):
    assert clean(text, single_line) == reference(text, single_line)


def test_what_clean_removes():
    assert clean("a\u202eb\x1bc\nd\u2028e\udcff") == "abc d e\ufffd"
    assert clean("Jawa Timur – 大阪") == "Jawa Timur – 大阪"


def test_line_and_paragraph_separators_never_pass():
    assert clean("a\u2028b\u2029c\x85d\re") == "a b c d e"
    assert clean("a\u2028b\r\nc\rd", single_line=False) == "a\nb\nc\nd"


def test_formula_starts_are_neutralised_full_width_ones_too():
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\uff1d1+1", "\uff0b1", "\uff0d1", "\uff20x"):
        assert clean(text, formulas=True) == "'" + text
    assert clean("\x1b=1+1", formulas=True) == "'=1+1"  # cleaned first: what is left is what a spreadsheet sees
    assert clean("\t=1", formulas=True) == " =1"  # a tab is a space in a cell: no longer a formula
    assert clean("a=1", formulas=True) == "a=1" and clean("=1") == "=1"


def test_markdown_text_escapes_html_and_pipes():
    assert md_text("<script>alert(1)</script> & | \\ \x1b[31m") == \
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; \\| \\\\ [31m"

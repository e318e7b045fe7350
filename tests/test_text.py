"""Text made safe for a terminal: the quick path for printable text changes nothing it should not."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from coopctl.core.text import clean

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def reference(text: str, single_line: bool = True) -> str:
    if single_line:
        for old in ("\r\n", "\n", "\t", "\u2028", "\u2029"):
            text = text.replace(old, " ")
    return _CONTROL.sub("", _SURROGATE.sub("\ufffd", text))


@settings(max_examples=1000)
@given(st.text(), st.booleans())
def test_clean_is_the_full_rule_for_every_text(text, single_line):
    assert clean(text, single_line) == reference(text, single_line)


def test_what_clean_removes():
    assert clean("a\u202eb\x1bc\nd\u2028e\udcff") == "abc d e\ufffd"
    assert clean("Jawa Timur – 大阪") == "Jawa Timur – 大阪"

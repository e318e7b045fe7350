"""coopctl.storage.toml_fast.loads gives exactly what tomllib.loads gives, or None.

It must accept every file coopctl writes, never return a value different from
tomllib's (types included: a date is not a string, True is not 1), and return
None for every text tomllib rejects.
"""

from __future__ import annotations

import sys
import tomllib
from datetime import date
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coopctl.storage.toml_fast import loads

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import generate  # noqa: E402



def examples(n: int) -> settings:
    return settings(max_examples=n, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def same(a, b, ordered: bool = True) -> bool:
    """Equal, and of the same types all the way down (`True == 1` does not count); with
    `ordered`, tables also list their keys in the same order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return (list(a) == list(b) if ordered else a.keys() == b.keys()) and all(same(a[k], b[k], ordered) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y, ordered) for x, y in zip(a, b))
    return a == b


def agrees(text: str) -> object:
    """Check `loads(text)` against tomllib; return its result."""
    result = loads(text)
    try:
        expected = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError):
        assert result is None, f"tomllib rejects {text!r}, fasttoml gave {result!r}"
        return None
    assert result is None or same(result, expected), f"{text!r}: {result!r} != {expected!r}"
    return result


def accepted(text: str) -> dict:
    result = agrees(text)
    assert result is not None, f"fasttoml fell back on {text!r}"
    return result


# ---------------------------------------------------------------- real files


def test_every_file_of_the_example_store_is_read_the_same():
    files = sorted((ROOT / "data").rglob("*.toml"))
    assert len(files) >= 5
    for path in files:
        accepted(path.read_text(encoding="utf-8"))


def test_every_file_of_a_generated_store_is_read_the_same(tmp_path):
    generate.generate(300, tmp_path / "s", seed=3)
    files = sorted((tmp_path / "s").rglob("*.toml"))
    assert len(files) > 50
    for path in files:
        accepted(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- explicit cases


def test_types_are_tomllibs():
    data = accepted('s = "x"\ni = 7\nb = true\nd = 2023-08-22\nl = \'lit\'\na = [1, "x", false, 2023-01-02]\n')
    assert same(data, {"s": "x", "i": 7, "b": True, "d": date(2023, 8, 22), "l": "lit",
                       "a": [1, "x", False, date(2023, 1, 2)]})
    assert data["b"] is True and type(data["i"]) is int and type(data["d"]) is date


def test_the_canonical_layout():
    text = (
        'name = "Osaka"\nsince = 2014-02-19\nsources = [\n    "https://a.example/1",\n    "https://a.example/2",\n]\n'
        '\n[[agreements]]\nid = "osaka-mou"\nsectors = ["culture", { id = "msme", since = 2014-02-19, basis = "b" }]\n'
        '\n[[agreements.terms]]\nstart = 2014-02-19\nend = "2019"\n'
        '\n[[agreements.terms]]\nstart = 2019-02-19\n'
        '\n[[agreements]]\nid = "osaka-loi"\nsectors = [\n    "culture",\n    { id = "msme", since = 2014-02-19 },\n]\n'
        '\n[[agreements.activities]]\ndate = 2020-01-01\nparticipants = 12\nvalue = 4868000000\n'
    )
    data = accepted(text)
    assert [len(a.get("terms", [])) for a in data["agreements"]] == [2, 0]


def test_settings_with_nested_tables_and_inline_tables():
    data = accepted(
        'owner = "x"\nreview_months = 60\n\n[notice]\nforeign = "18m"\n\n[procedures.foreign]\nevaluation = "15m"\n'
        'signing = { before = "1m", label = "Penandatanganan" }\n\n[procedures.domestic]\ndraft = "4m"\n'
        '\n[[sectors]]\nid = "a"\naliases = ["b", "c"]\n\n[[sectors]]\nid = "d"\n'
    )
    assert data["procedures"]["foreign"]["signing"] == {"before": "1m", "label": "Penandatanganan"}


def test_comments_blank_lines_spaces_and_crlf():
    accepted("# head\n\n  a = 1   # trailing\n\t\nb=\"x\"#c\n[ t . u ]  # c\n[[ v ]]\nc = [ # c\n  1, # d\n\n  2,\n]\n")
    accepted('a = "x"\r\nb = [\r\n  1,\r\n]\r\n[t]\r\nc = 2\r\n')
    assert loads("") == {} and loads("\n\n# only a comment") == {}
    assert loads("a = 1") == {"a": 1}  # no final newline


@pytest.mark.parametrize("body, value", [
    (r'"a\"b"', 'a"b'), (r'"\\"', "\\"), (r'"\b\t\n\f\r"', "\b\t\n\f\r"), (r'"\u00e9\u00E9"', "éé"),
    (r'"\U0001F600"', "\U0001F600"), ('"é\U0001F600\t"', "é\U0001F600\t"), (r'"\\u0041"', "\\u0041"),
    (r'"\\\""', '\\"'), ('""', ""), ("''", ""), (r"'a\b'", "a\\b"),
])
def test_escapes(body, value):
    assert accepted(f"a = {body}\n") == {"a": value}


@pytest.mark.parametrize("body", [
    r'"\x41"', r'"\e"', r'"\a"', r'"\uD800"', r'"\U00110000"', r'"\u00e"', '"a\x01"', '"a\x7f"', '"a\rb"',
    '"a', "'a", r'"a\"', '"a"b"',
])
def test_bad_strings_give_none(body):
    assert agrees(f"a = {body}\n") is None


@pytest.mark.parametrize("text", [
    "a = 1\na = 2\n",                           # duplicate key
    "[t]\na = 1\na = \"x\"\n",
    "[t]\n[t]\n",                                # table declared twice
    "[[t]]\n[t]\n",                              # [x] after [[x]]
    "[t]\n[[t]]\n",
    "a = 1\n[a]\n",                              # a value reopened as a table
    "a = [1]\n[[a]]\n",
    "a = { b = 1 }\n[a.c]\n",
    "[a.b]\n[a]\nb = 1\n",                       # a key over a table
    "[[agreements.terms]]\n[[agreements]]\n",
    "d = 2023-02-30\n", "d = 0000-01-01\n", "d = 2023-13-01\n",
    "i = 012\n", "i = 00\n", "i = 1__0\n", "i = _1\n", "i = 1_\n", "i = +\n",
    "a = { b = 1, b = 2 }\n", "a = [1,,2]\n", "a = [,]\n", "a = [1\n", "a = {b = 1,}\n",
    "a = 1 b = 2\n", "a =\n", "= 1\n", "\ufeffa = 1\n", "a = 1\rb = 2\n", "[a\n", "[a]]\n", "[[a]\n", "[[a] ]\n",
])
def test_invalid_toml_gives_none(text):
    with pytest.raises(tomllib.TOMLDecodeError):
        tomllib.loads(text)
    assert loads(text) is None


def test_array_of_tables_before_its_parent_is_read_as_tomllib_reads_it():
    text = "[[agreements.terms]]\nstart = 2020-01-01\n"
    assert accepted(text) == {"agreements": {"terms": [{"start": date(2020, 1, 1)}]}}


def test_array_of_tables_goes_to_the_last_element():
    data = accepted("[[a]]\nx = 1\n[[a.b]]\ny = 1\n[[a]]\n[[a.b]]\ny = 2\n[[a.b]]\ny = 3\n[a.c]\nz = 1\n")
    assert data == {"a": [{"x": 1, "b": [{"y": 1}]}, {"b": [{"y": 2}, {"y": 3}], "c": {"z": 1}}]}


@pytest.mark.parametrize("text", [
    "a = 1.5\n", "a = 1e3\n", "a = inf\n", "a = 0x10\n", "a = 2023-01-01T10:00:00\n", "a = 2023-01-01 10:00:00\n",
    "a = 10:00:00\n", 'a = """x"""\n', "a = '''x'''\n", "a.b = 1\n", '"a" = 1\n', "[\"a\"]\n", "a = [[1]]\n",
    "a = { b = { c = 1 } }\n", "a = { b = [1] }\n",
])
def test_valid_toml_outside_the_subset_falls_back(text):
    tomllib.loads(text)
    assert loads(text) is None


def test_not_a_string_gives_none():
    assert loads(b"a = 1") is None  # type: ignore[arg-type]


# ---------------------------------------------------------------- properties

BARE = "abcxyzABCXYZ0189_-"
bare_keys = st.text(BARE, min_size=1, max_size=8)
odd_chars = st.sampled_from('"\\\'\x00\x01\x08\x1f\x7f\t\n\r\f\b#[]{}=,. \u2028\U0001F600\U0010FFFF')
strings = st.text(st.characters() | odd_chars, max_size=20)
scalars = strings | st.integers(-(2**70), 2**70) | st.booleans() | st.dates()
long_strings = st.text(st.characters() | odd_chars, min_size=60, max_size=120)
inline_tables = st.dictionaries(bare_keys, scalars, max_size=3)
flat_tables = st.dictionaries(bare_keys, scalars | long_strings, max_size=3)  # long ones become [[key]] sections
values = (
    scalars
    | st.lists(scalars, max_size=4)
    | st.lists(flat_tables, min_size=1, max_size=3)
    | st.lists(scalars | inline_tables, max_size=4)
)
documents = st.recursive(
    st.dictionaries(bare_keys, values, max_size=5),
    lambda tables: st.dictionaries(bare_keys, values | tables, max_size=4),
    max_leaves=12,
)


@examples(300)
@given(documents)
def test_whatever_tomli_w_writes_from_supported_values_is_read_the_same(data):
    text = tomli_w.dumps(data)
    assert same(accepted(text), data, ordered=False)


any_keys = bare_keys | st.text(max_size=4)
any_values = st.recursive(
    scalars | st.floats(allow_nan=False),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(any_keys, children, max_size=3),
    max_leaves=8,
)


@examples(300)
@given(st.dictionaries(any_keys, any_values, max_size=5))
def test_whatever_tomli_w_writes_is_read_the_same_or_left_to_tomllib(data):
    agrees(tomli_w.dumps(data))


SEEDS = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "data").rglob("*.toml"))] + [
    'a = "x\\"y\\u00e9"\nb = [1, 2]\n\n[t]\nc = { d = 1, e = "f" }\n\n[[t.u]]\nd = 2023-01-01\n',
    "[[a]]\nb = true\n[[a.c]]\nd = 'x'\n[[a]]\n[a.e]\nf = [\n  { g = 1 },  # h\n]\n",
]
PIECES = list("[]{}=\"'\\,#.\n abc019-_\t\r\x00\x7f+") + [
    "é", "\U0001F600", "true", "false", "2023-01-01", "2023-02-30", "\\u00e9", "\\uD800", "\\n", "\\x",
    "[[", "]]", "a.b", "012", "1_000", "1.5", "'''", '"""', "a = ", "\n[a]\n", "\n[[a]]\n", "\n[[a.b]]\n", "\r\n",
]


@examples(2000)
@given(st.data())
def test_a_mutated_file_is_read_the_same_or_left_to_tomllib(data):
    text = data.draw(st.sampled_from(SEEDS))
    for _ in range(data.draw(st.integers(1, 3))):
        pos = data.draw(st.integers(0, len(text)))
        piece = data.draw(st.sampled_from(PIECES))
        text = data.draw(st.sampled_from([
            text[:pos] + piece + text[pos:], text[:pos] + text[pos + 1:], text[:pos] + piece + text[pos + 1:],
        ]))
    agrees(text)


@examples(2000)
@given(st.lists(st.sampled_from(PIECES), max_size=25).map("".join), st.booleans())
def test_random_short_text_is_read_the_same_or_left_to_tomllib(text, as_value):
    agrees("a = " + text if as_value else text)

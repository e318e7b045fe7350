"""Write the broken-store corpus used by tests/test_hostile.py.

Run `python tests/corpus/generate.py` to rebuild it; the files are committed so
that a failing case can be opened and read. Cases too big or too strange for
a repository (a 50 MB file, a named pipe, a file name that is not UTF-8) are
made at test time instead.

    invalid/   partner files that make a store invalid: every reading command must
               fail with one located line, `check` with one line per problem
    valid/     partner files that load, holding hostile text: every command must
               print it literally (no markup, no escape sequences) and align it
    settings/  broken coopctl.toml files
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent

HEAD = 'name = "Kota Contoh"\ncountry = "ID"\nkind = "domestic-region"\n'
AGREEMENT = '\n[[agreements]]\nid = "{id}"\ntitle = "{title}"\ntype = "pks"\nsectors = ["trade"]\n\n[[agreements.terms]]\nstart = 2024-03-01\nend = 2029-02-28\n'


def good(agreement_id: str = "rusak-pks", title: str = "PKS perdagangan") -> str:
    return HEAD + AGREEMENT.format(id=agreement_id, title=title)


INVALID: dict[str, bytes | str] = {
    # malformed TOML
    "unterminated-string": 'name = "Kota Contoh\ncountry = "ID"\nkind = "domestic-region"\n',
    "unterminated-multiline-string": HEAD + 'notes = """started, never finished\n\nmore text\n',
    "unterminated-literal-string": "name = 'Kota Contoh\ncountry = \"ID\"\n",
    "unterminated-array": HEAD + 'sources = ["https://a.example", "https://b.example"\n',
    "unterminated-inline-table": HEAD + '\n[[agreements]]\nid = "x"\nsectors = [{ id = "trade", since = "2020"\n',
    "unterminated-table-header": HEAD + "\n[[agreements]\nid = \"x\"\n",
    "duplicate-key": HEAD + 'name = "Kota Lain"\n',
    "duplicate-table": HEAD + "\n[contacts]\nname = \"a\"\n\n[contacts]\nname = \"b\"\n",
    "table-and-array-clash": HEAD + "\n[agreements]\nid = \"x\"\n\n[[agreements]]\nid = \"y\"\n",
    "key-without-value": HEAD + "notes =\n",
    "bare-word-value": HEAD + "notes = hello\n",
    "lone-carriage-return": 'name = "Kota"\rcountry = "ID"\n',
    "binary-garbage": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
    "invalid-utf8": HEAD.encode() + b'notes = "caf\xe9 au lait"\n',
    "invalid-utf8-overlong": HEAD.encode() + b'notes = "\xc0\xaf"\n',
    "bom-then-broken": b"\xef\xbb\xbf" + HEAD.encode() + b"since = 2023-02-30\n",
    "nul-byte-in-string": HEAD.encode() + b'notes = "a\x00b"\n',
    "nul-bytes-only": b"\x00" * 512,
    "raw-escape-in-string": HEAD.encode() + b'notes = "\x1b[31mred\x1b[0m"\n',
    "deep-nesting-arrays": HEAD + "sources = " + "[" * 5000 + "]" * 5000 + "\n",
    "deep-nesting-inline-tables": HEAD + "notes = " + "{ a = " * 3000 + "1" + " }" * 3000 + "\n",
    "deep-nesting-table-header": HEAD + "\n[" + ".".join(["a"] * 3000) + "]\nb = 1\n",
    "deep-nesting-dotted-key": HEAD + ".".join(["k"] * 3000) + " = 1\n",
    "conflict-markers": HEAD + "<<<<<<< HEAD\nnotes = \"mine\"\n=======\nnotes = \"theirs\"\n>>>>>>> origin/main\n",
    # bad values
    "date-feb-30": HEAD + "since = 2023-02-30\n",
    "date-month-13": good().replace("start = 2024-03-01", "start = 2024-13-01"),
    "date-as-string": good().replace("start = 2024-03-01", 'start = "2024-03-01"'),
    "date-partial-month-13": good().replace("start = 2024-03-01", 'start = "2024-13"'),
    "date-with-time": good().replace("start = 2024-03-01", "start = 2024-03-01T10:00:00"),
    "date-as-integer": good().replace("start = 2024-03-01", "start = 2024"),
    "end-before-start": good().replace("end = 2029-02-28", "end = 2020-01-01"),
    "sectors-as-string": good().replace('sectors = ["trade"]', 'sectors = "trade"'),
    "sector-unknown": good().replace('sectors = ["trade"]', 'sectors = ["vokational"]'),
    "name-is-a-number": good().replace('name = "Kota Contoh"', "name = 42"),
    "name-empty": good().replace('name = "Kota Contoh"', 'name = "   "'),
    "kind-is-boolean": good().replace('kind = "domestic-region"', "kind = true"),
    "agreements-is-a-string": HEAD + 'agreements = "none"\n',
    "agreements-not-tables": HEAD + 'agreements = ["a", "b"]\n',
    "terms-missing": HEAD + '\n[[agreements]]\nid = "x"\ntitle = "t"\ntype = "mou"\n',
    "unknown-key": good() + 'colour = "red"\n',
    "empty": "",
    "only-whitespace": " \n\t\n\n",
    "only-a-comment": "# nothing here yet\n",
    "pending-twice": good() + "\n[[agreements.terms]]\nstart = 2029-03-01\npending = true\n\n[[agreements.terms]]\nstart = 2030-03-01\npending = true\n",
    "activity-bad-currency": good() + '\n[[agreements.activities]]\ndate = 2024-05-01\nsector = "trade"\nsummary = "x"\nvalue = 5\ncurrency = "rupiah"\n',
    # hostile ids inside a file
    "agreement-id-path": good(agreement_id="../../etc/passwd"),
    "agreement-id-backslash": good(agreement_id="..\\\\x"),
    "agreement-id-device": good(agreement_id="CON"),
    "agreement-id-hidden": good(agreement_id=".hidden"),
    "agreement-id-dash": good(agreement_id="-x"),
    "agreement-id-duplicate": good(agreement_id="contoh-pks"),
    "agreement-id-markup": good(agreement_id="[bold red]x[/]"),
    "agreement-id-escape": good(agreement_id="\\u001b]8;;file:///etc/passwd\\u0007x"),
}

VALID: dict[str, str] = {
    "markup": good("markup-pks", "[bold red]x[/] [link=file:///etc/passwd]click[/link] :warning: [/]"),
    "ansi": good("ansi-pks", "\\u001b[31mRED\\u001b[0m \\u001b]8;;file:///etc/passwd\\u0007link\\u001b]8;;\\u0007 \\u009b2J"),
    "bidi": good("bidi-pks", "abc\\u202edcba\\u2066x\\u2069 \\u200fy"),
    "controls": good("controls-pks", "bell\\u0007 backspace\\u0008 cr\\r tab\\t nl\\n del\\u007f"),
    "bom": "\ufeff" + good("bom-pks"),
    "crlf": good("crlf-pks").replace("\n", "\r\n"),
    "comments": "# a file written by hand\n" + good("comments-pks").replace('country = "ID"', 'country = "ID"  # checked'),
}

# written as partners/<case>.toml next to a good partner file; each is one name in one script
UNICODE_NAMES = {
    "cjk": "天津市人民政府",
    "korean": "경상남도",
    "arabic": "محافظة الإسكندرية",
    "combining": "Ca\u0301diz Me\u0301xico",
    "emoji": "Kota 🌏🤝 Partner",
    "zero-width": "Zero\u200bWidth\u200dJoin\u2060er",
    "mixed": "大阪府 Osaka-fu 오사카",
}
for case, name in UNICODE_NAMES.items():
    VALID[f"unicode-{case}"] = good(f"{case}-pks", f"{name} MoU").replace('"Kota Contoh"', f'"{name}"')

# too big to commit: made at test time by tests/test_hostile.py
RUNTIME_INVALID = {"agreement-id-long": lambda: good(agreement_id="a" * 100_000)}
RUNTIME_VALID = {"long-name": lambda: good("long-pks", "T" * 100_000).replace('"Kota Contoh"', '"' + "N" * 100_000 + '"')}

SETTINGS: dict[str, bytes | str] = {
    "unterminated": 'owner = "Biro\n',
    "owner-not-text": "owner = 1\n",
    "notice-bad": 'owner = "x"\n\n[notice]\nforeign = "18 months"\n',
    "invalid-utf8": b'owner = "\xff"\n',
    "nul-bytes-only": b"\x00" * 64,
    "empty": "",
}


def main() -> None:
    for folder, cases in (("invalid", INVALID), ("valid", VALID), ("settings", SETTINGS)):
        target = HERE / folder
        target.mkdir(exist_ok=True)
        for old in target.glob("*.toml"):
            old.unlink()
        for case, content in cases.items():
            data = content if isinstance(content, bytes) else content.encode("utf-8")
            (target / f"{case}.toml").write_bytes(data)


if __name__ == "__main__":
    main()

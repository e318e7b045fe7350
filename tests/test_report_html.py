"""The printable report (`report --format html`), the SVG timeline and the public view (issue 20)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from typer.testing import CliRunner

from coopctl.cli import app
from helpers import make_store

runner = CliRunner()
AS_OF = "2023-08-22"
HOSTILE = ('<script>alert(1)</script>', '"><img src=x onerror=alert(1)>')


def run(*args: str):
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


def hostile_store(tmp_path):
    """A store whose partners and titles are markup."""
    root = make_store(tmp_path)
    for n, name in enumerate(HOSTILE):
        text = json.dumps(name)
        (root / "partners" / f"h{n}.toml").write_text(
            f'name = {text}\ncountry = "ID"\nkind = "domestic-region"\nnotes = {text}\n\n[[agreements]]\n'
            f'id = "h{n}-pks"\ntitle = {text}\ntype = "pks"\nsectors = ["trade"]\n\n[[agreements.terms]]\n'
            f'start = 2021-03-01\nend = 2026-02-28\n', encoding="utf-8")
    return root


class Elements(HTMLParser):
    """The tags of a page and their attributes, as a browser's parser sees them."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def elements(page: str) -> list[tuple[str, dict]]:
    parser = Elements()
    parser.feed(page)
    return parser.tags


def test_the_html_report_of_the_example(example, tmp_path):
    out = tmp_path / "laporan.html"
    result = run("report", "--format", "html", "-o", str(out), "--store", str(example), "--as-of", AS_OF)
    assert "Wrote the report to" in result.output
    page = out.read_text(encoding="utf-8")
    # self-contained: no script, nothing fetched, a policy that forbids both
    tags = elements(page)
    assert not [t for t, _ in tags if t in ("script", "link", "img", "iframe", "object")]
    assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', page)
    assert "script-src 'none'" in page and "default-src 'none'" in page
    assert "@media print" in page and "break-before: page" in page
    # the numbers by legal category
    assert "KSDPL" in page and "KSDD" in page
    # Western Australia needs attention, with its next step
    attention = page[page.index('id="needs-attention"'):page.index("</table>", page.index('id="needs-attention"'))]
    assert "Western Australia" in attention and "Verification by the Ministry of Home Affairs" in attention
    # the WA bar: the 2022-2023 lapse and the pending 2023-2028 term; the LoI as intent; today's line
    bars = {a["data-agreement"]: a for t, a in tags if t == "g" and "data-agreement" in a}
    assert bars["western-australia-sister-state"]["data-state"] == "renewing"
    wa = page[page.index('data-agreement="western-australia-sister-state"'):]
    wa = wa[:wa.index("</g>")]
    assert re.search(r'class="lapse"[^>]*><title>lapse: 2022-10 – 2023-08-22</title>', wa)
    assert re.search(r'class="pending"[^>]*><title>pending term: 2023-09-06 – 2028-09-05~</title>', wa)
    assert 'class="unknown"' in wa
    loi = page[page.index('data-agreement="alexandria-loi"'):]
    assert 'class="intent"' in loi[:loi.index("</g>")]
    assert 'class="today"' in page and "as of 2023-08-22" in page
    # the matrix, the uncovered sectors, the agreements, the dormant list and the activities
    for section in ('id="coverage"', "Sectors no agreement in force covers", 'id="agreements"', "Dormant agreements",
                    "Activities of the last 12 months"):
        assert section in page
    assert page.count("<tr>") > 30


def test_the_html_report_in_indonesian(example, tmp_path):
    out = tmp_path / "laporan.html"
    run("report", "--format", "html", "-o", str(out), "--store", str(example), "--as-of", AS_OF, "--lang", "id")
    page = out.read_text(encoding="utf-8")
    assert '<html lang="id">' in page
    assert "Laporan kerja sama" in page and "Perlu perhatian" in page and "Linimasa" in page
    assert "Kerja Sama Daerah dengan Pemerintah Daerah di Luar Negeri" in page
    assert "Verifikasi oleh Kementerian Dalam Negeri" in page
    assert "22 Agustus 2023" in page


def test_hostile_names_are_text(tmp_path):
    root = hostile_store(tmp_path)
    result = run("report", "--format", "html", "--store", str(root), "--as-of", AS_OF)
    page = result.stdout
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert not [t for t, _ in elements(page) if t in ("script", "img")]
    assert not [a for _, a in elements(page) if any(k.startswith("on") for k in a)]
    svg = run("timeline", "--format", "svg", "--store", str(root), "--as-of", AS_OF).stdout
    tree = ET.fromstring(svg.encode("utf-8"))
    assert not [e for e in tree.iter() if e.tag.rsplit("}", 1)[-1] in ("script", "img", "foreignObject")]
    assert HOSTILE[0] in "".join(tree.itertext())


def test_timeline_svg_alone(example, tmp_path):
    out = tmp_path / "timeline.svg"
    result = run("timeline", "--format", "svg", "-o", str(out), "--store", str(example), "--as-of", AS_OF)
    assert "Wrote the timeline to" in result.output
    tree = ET.parse(out).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    assert tree.tag == f"{ns}svg"
    bars = [g for g in tree.iter(f"{ns}g") if g.get("data-agreement")]
    assert len(bars) == 10
    kinds = {r.get("class") for g in bars for r in g.iter(f"{ns}rect")}
    assert {"term", "assumed", "pending", "intent", "lapse", "unknown"} <= kinds
    # --from/--to narrow the years; -o with another format is a usage error
    narrow = run("timeline", "--format", "svg", "--from", "2020", "--to", "2030", "--store", str(example),
                 "--as-of", AS_OF).stdout
    assert ">2020<" in narrow and ">1990<" not in narrow
    text = out.with_suffix(".txt")  # -o takes any format; a file named .svg needs --format svg
    table = runner.invoke(app, ["timeline", "-o", str(text), "--store", str(example), "--as-of", AS_OF])
    assert table.exit_code == 0 and table.stdout == "" and "western-australia" in text.read_text()
    wrong = runner.invoke(app, ["timeline", "-o", str(out), "--store", str(example), "--as-of", AS_OF])
    assert wrong.exit_code == 2 and "give --format svg" in wrong.stderr


def test_report_usage_errors(example):
    wrong = runner.invoke(app, ["report", "--format", "html", "--sector", "trade", "--store", str(example)])
    assert wrong.exit_code == 2 and "--sector cannot be combined" in wrong.output
    wrong = runner.invoke(app, ["report", "--format", "xlsx", "--store", str(example)])
    assert wrong.exit_code == 2 and "--format xlsx writes a file" in wrong.output


def test_a_roll_up_report_has_a_section_by_owner(example, tmp_path):
    other = make_store(tmp_path)
    (other / "partners" / "h.toml").write_text(
        'name = "Kota Contoh"\ncountry = "ID"\nkind = "domestic-region"\n\n[[agreements]]\nid = "contoh-pks"\n'
        'title = "PKS perdagangan"\ntype = "pks"\nsectors = ["trade"]\n\n[[agreements.terms]]\n'
        'start = 2021-03-01\nend = 2026-02-28\n', encoding="utf-8")
    page = run("report", "--format", "html", "--store", str(example), "--store", str(other),
               "--as-of", AS_OF).stdout
    section = page[page.index("By owner"):]
    assert "Pemerintah Provinsi Jawa Timur" in section and "Test Bureau" in section
    assert 'data-agreement="contoh-pks"' in page


def notes_of(root) -> list[str]:
    import tomllib

    found = []
    for path in (root / "partners").glob("*.toml"):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        found += [data.get("notes")] + [a.get("notes") for a in data.get("agreements", [])]
        found += [term.get("note") for a in data.get("agreements", []) for term in a.get("terms", [])]
    return [n for n in found if n]


def test_public_output_holds_no_note(example, tmp_path):
    notes = notes_of(example)
    assert len(notes) > 5
    page = run("report", "--format", "html", "--public", "--store", str(example), "--as-of", AS_OF).stdout
    listed = run("list", "--public", "--json", "--store", str(example), "--as-of", AS_OF).stdout
    shown = run("list", "--public", "--store", str(example), "--as-of", AS_OF).stdout
    summary = run("report", "--public", "--json", "--store", str(example), "--as-of", AS_OF).stdout
    run("export", "--public", "-o", str(tmp_path / "public.csv"), "--store", str(example), "--as-of", AS_OF)
    exported = (tmp_path / "public.csv").read_text(encoding="utf-8-sig")
    for text in (page, listed, shown, summary, exported):
        for note in notes:
            assert note[:40] not in text
    assert "Public version" in page and "Needs attention" not in page and "Verification by" not in page
    assert all(set(r) <= {"id", "partner", "partner_id", "country", "kind", "type", "category", "title", "sectors",
                          "start", "end", "end_day", "state", "days_left", "number", "place", "assumed", "owner"}
               for r in json.loads(listed))
    assert json.loads(summary)["needs_attention"] == []
    assert exported.splitlines()[0].split(",")[-1] == "state" and ",note," not in exported.splitlines()[0]
    wrong = runner.invoke(app, ["export", "--public", "--format", "json", "--store", str(example)])
    assert wrong.exit_code == 2

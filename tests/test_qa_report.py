"""What the head of the bureau reads (renew, plan, show, report and their HTML and Markdown), checked against the
example store: defects found by the QA sweep of December 2026, each pinned by the output that showed it."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from coopctl.cli import app
from coopctl.storage.location import example_path

runner = CliRunner()


@pytest.fixture
def jatim(tmp_path):
    root = tmp_path / "jatim"
    shutil.copytree(example_path(), root)
    return root


def run(store, *args: str) -> str:
    result = runner.invoke(app, [*args, "--store", str(store)])
    assert result.exit_code == 0, result.output
    return result.stdout


# Western Australia's last signed term is "~2017-09".."~2022-09": its end is a month, and assumed.


def test_report_needs_attention_shows_the_end_as_written_and_marked(jatim):
    table = run(jatim, "report", "--as-of", "2023-08-22")
    attention = table.split("Needs attention")[1]
    assert "~2022-09 " in attention and "2022-09-30" not in attention  # was "2022-09-30": a made-up day
    assert "~ assumed: no source gives this date" in attention


def test_report_markdown_and_html_show_the_end_as_written_and_marked(jatim):
    md = run(jatim, "report", "--as-of", "2023-08-22", "--format", "md", "--lang", "id")
    attention = md.split("## Perlu perhatian")[1].split("##")[0]
    assert "| ~September 2022 |" in attention and "30 September 2022" not in attention
    assert "~ asumsi: tidak ada sumber yang menyebutkan tanggal ini" in md
    page = run(jatim, "report", "--as-of", "2023-08-22", "--format", "html")
    attention = page.split('id="needs-attention"')[1].split("</table>")[0]
    assert "<td>~September 2022</td>" in attention and "30 September 2022" not in attention


def test_report_html_in_indonesian_names_the_category_and_the_activity_type(jatim):
    page = run(jatim, "report", "--as-of", "2025-03-01", "--format", "html", "--lang", "id")
    agreements = page.split('id="agreements"')[1].split("</table>")[0]
    unicef = agreements.split("unicef-cpap-2021-2025")[1].split("</tr>")[0]
    assert ">bukan kerja sama daerah</td>" in unicef and ">none</td>" not in unicef  # was "none"
    activities = page.split('id="activity"')[1]
    assert "<td>Pertemuan</td>" in activities and "<td>meeting</td>" not in activities  # was "meeting"


@pytest.mark.parametrize("lang, nothing", [("en", "<p>None.</p>"), ("id", "<p>Tidak ada.</p>")])
def test_periodic_html_says_none_in_the_reader_language(jatim, lang, nothing):
    # the template's variable was called `none`, which Jinja reads as its literal None: "<p>None</p>" in any language
    page = run(jatim, "report", "--period", "2023", "--as-of", "2024-01-15", "--format", "html", "--lang", lang)
    assert nothing in page and "<p>None</p>" not in page


def test_periodic_report_heads_the_central_category_in_indonesian(jatim):
    table = run(jatim, "report", "--period", "2023", "--as-of", "2024-01-15", "--lang", "id", "--wide")
    header = next(line for line in table.splitlines() if line.startswith("Bagian"))
    assert "bukan kerja sama daerah" in header and " none " not in header  # was "none"
    page = run(jatim, "report", "--period", "2023", "--as-of", "2024-01-15", "--format", "html", "--lang", "id")
    assert '<th class="num">bukan kerja sama daerah</th>' in page and '<th class="num">none</th>' not in page


def test_plan_state_after_the_signing_counts_to_the_new_term_end(jatim):
    runner.invoke(app, ["renew", "western-australia-sister-state", "--signed", "5/9/2023", "--store", str(jatim)])
    # the plan stays on the signed renewal until its report is done; its state line speaks of the term in force
    text = run(jatim, "plan", "western-australia-sister-state", "--as-of", "2023-09-06")
    state = next(line for line in text.splitlines() if line.startswith("State"))
    assert state == "State      active (1826 days left, to ~2028-09-05) on 2023-09-06"  # was "to ~2022-09"
    assert "Plan for   the renewal of the term ~2017-09..~2022-09" in text
    lapsed = run(jatim, "plan", "western-australia-sister-state", "--as-of", "2022-10-15")
    assert "State      lapsed (ended ~2022-09, 15 days ago) on 2022-10-15" in lapsed


def test_plan_of_an_open_ended_agreement_marks_an_assumed_start(jatim):
    text = run(jatim, "plan", "gyeongnam-sister-province", "--as-of", "2023-08-22")
    assert "Open-ended since ~2016-11-03: reviewed instead of renewed" in text  # was "since 2016-11-03"
    assert "~ assumed: no source gives this date" in text
    sourced = run(jatim, "plan", "tianjin-vocational-mou-2016", "--as-of", "2023-08-22")
    assert "Open-ended since 2016:" in sourced and "~" not in sourced


def test_periodic_report_marks_assumed_term_dates(jatim):
    table = run(jatim, "report", "--period", "2023", "--as-of", "2024-01-15", "--lang", "id", "--wide")
    gyeongnam = next(line for line in table.splitlines() if line.startswith("KSDPL") and "gyeongnam" in line)
    assert "~3 November 2016 s.d. tanpa batas" in gyeongnam  # was "3 November 2016": an assumed day unmarked
    assert table.rstrip().endswith("~ asumsi: tidak ada sumber yang menyebutkan tanggal ini")
    renewed = run(jatim, "report", "--period", "2017", "--as-of", "2018-01-15", "--format", "md")
    assert "| KSDPL | western-australia-sister-state | Western Australia | ~2017-09 | ~2022-09 |" in renewed
    page = run(jatim, "report", "--period", "2023", "--as-of", "2024-01-15", "--format", "html")
    assert "~2016-11-03..open" in page and '<p class="meta">~ assumed: no source gives this date</p>' in page


def test_renew_within_does_not_move_the_steps_of_a_first_agreement(jatim):
    import json

    def next_steps(*more):
        rows = json.loads(run(jatim, "renew", "--as-of", "2023-08-22", "--json", *more))
        return {r["id"]: r["next_milestone"] for r in rows if r["state"] in ("intent", "proposed")}

    # the LoI of 2022-11-23: its RKS is due 2 months later whatever window renew lists by
    assert next_steps()["alexandria-loi"]["date"] == "2023-01-23"
    assert next_steps("--within", "90d")["alexandria-loi"]["date"] == "2023-01-23"  # was 2021-10-21: before the LoI


def test_markdown_in_indonesian_names_the_assumed_fields_in_indonesian(jatim):
    md = run(jatim, "renew", "--as-of", "2023-08-22", "--format", "md", "--lang", "id")
    western = next(line for line in md.splitlines() if line.startswith("| western-australia-sister-state"))
    assert "| mulai, berakhir |" in western and "start, end" not in western  # was "start, end"
    english = run(jatim, "renew", "--as-of", "2023-08-22", "--format", "md")
    assert "| start, end |" in english


def test_report_html_shows_no_made_up_term_for_a_proposal(jatim):
    runner.invoke(app, ["add", "Perth Uni", "--country", "AU", "--kind", "foreign-institution", "--title", "MoU research",
                        "--type", "mou", "--sector", "education", "--pending", "--recorded", "2024-01-15", "--start",
                        "2025-01-01", "--end", "2029-12-31", "--no-input", "--id", "perth", "--store", str(jatim)])
    page = run(jatim, "report", "--as-of", "2024-08-22", "--format", "html", "--lang", "id")
    perth = page.split('id="agreements"')[1].split("<small>perth</small>")[1].split("</tr>")[0]
    assert "tanpa batas" not in perth and "?" not in perth  # was "? s.d. tanpa batas": no term is signed yet
    assert "<td>-</td>" in perth


def test_timeline_at_a_date_before_a_signing_draws_the_term_as_pending_and_the_lapse(jatim):
    import json

    before = json.loads(run(jatim, "timeline", "--as-of", "2023-08-22", "--json"))
    runner.invoke(app, ["renew", "western-australia-sister-state", "--signed", "5/9/2023", "--store", str(jatim)])
    after = json.loads(run(jatim, "timeline", "--as-of", "2023-08-22", "--json"))
    western = next(r for r in after if r["id"] == "western-australia-sister-state")
    # the past stays true: on 2023-08-22 the 2023-2028 term was not signed yet, and nothing was in force
    assert western["terms"][-1]["pending"] is True  # was False: drawn as a signed term
    assert western["gaps"][-1] == {"start": "2022-10", "end": "2023-08-22", "kind": "lapse",
                                   "first_day": "2022-10-01", "last_day": "2023-08-22"}  # was "unknown" to 2023-09-05
    assert western == next(r for r in before if r["id"] == "western-australia-sister-state")
    bars = run(jatim, "timeline", "--as-of", "2023-08-22", "--from", "2000")
    line = next(x for x in bars.splitlines() if x.startswith("western-australia"))
    assert "·│░" in line  # the lapse of 11 months shows beside the term that ended in the same cell


def test_report_ending_in_12_months_shows_the_end_as_written(jatim):
    table = run(jatim, "report", "--as-of", "2025-03-01")
    assert "Ending in 12 months  unicef-cpap-2021-2025 (2025)" in table  # was "(2025-12-31)": a made-up day
    md = run(jatim, "report", "--as-of", "2021-10-01", "--format", "md", "--lang", "id")
    ending = md.split("## Masa berlaku yang berakhir dalam 12 bulan ke depan")[1].split("##")[0]
    assert "| ~September 2022 |" in ending and "30 September 2022" not in ending


def test_plan_next_line_marks_a_due_day_whose_offset_is_assumed(jatim):
    text = run(jatim, "plan", "dki-jakarta-kb-2021", "--as-of", "2025-03-01")
    assert "~2025-12-03  evaluation" in text
    assert "Next: evaluation (Evaluation of the current term), due ~2025-12-03." in text  # was "due 2025-12-03"
    foreign = run(jatim, "plan", "alexandria-loi", "--as-of", "2023-08-22", "--lang", "id")
    assert "Berikutnya: Penyusunan Rencana Kerja Sama (RKS), tenggat 23 Januari 2023 (terlambat)." in foreign


def test_show_does_not_call_a_term_that_ran_out_in_force(jatim):
    text = run(jatim, "show", "western-australia-sister-state", "--as-of", "2023-08-22", "--lang", "id")
    row = next(line for line in text.splitlines() if line.startswith("~September 2017"))
    assert row.split()[-1] == "terakhir"  # was "berlaku" (in force) for the term that ended in September 2022
    english = run(jatim, "show", "western-australia-sister-state", "--as-of", "2021-08-22")
    assert next(line for line in english.splitlines() if line.startswith("~2017-09")).split()[2] == "current"


def test_timeline_before_a_termination_draws_the_term_whole(jatim):
    import json

    runner.invoke(app, ["terminate", "alexandria-loi", "--date", "2025-01-31", "--store", str(jatim)])
    rows = json.loads(run(jatim, "timeline", "--as-of", "2023-08-22", "--json"))
    assert next(r for r in rows if r["id"] == "alexandria-loi")["terminated"] is None  # was "2025-01-31"
    rows = json.loads(run(jatim, "timeline", "--as-of", "2025-02-01", "--json"))
    assert next(r for r in rows if r["id"] == "alexandria-loi")["terminated"] == "2025-01-31"


@pytest.mark.parametrize("lang, word", [("en", "Example:"), ("id", "Contoh:")])
@pytest.mark.parametrize("command", ["report", "timeline"])
def test_help_keeps_each_example_on_its_own_line(command, lang, word):
    import os
    import subprocess
    import sys

    # in a process of its own: the help is translated as the commands are made
    env = {k: v for k, v in os.environ.items() if k not in ("COOPCTL_LANG", "LC_ALL", "LC_MESSAGES", "LANG")}
    result = subprocess.run([sys.executable, "-m", "coopctl", command, "--help", "--lang", lang],
                            env={**env, "COLUMNS": "100"}, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    examples = [line for line in result.stdout.splitlines() if word in line]
    assert len(examples) >= 2 and all(line.strip().startswith(word) and line.count(word) == 1 for line in examples)


def test_report_html_splits_a_matrix_wider_than_a_page(jatim):
    import json
    import re

    one = run(jatim, "report", "--as-of", "2024-08-22", "--format", "html")  # the example's 26 sectors: one table
    assert one.count('<table class="matrix">') == 1
    every = [s["id"] for s in json.loads(run(jatim, "sectors", "--json"))]
    args = [arg for sector in every for arg in ("--sector", sector)]
    runner.invoke(app, ["add", "Kabupaten Banyuwangi", "--country", "ID", "--kind", "domestic-region", "--title",
                        "KB segala bidang", "--type", "kb", *args, "--start", "2022-01-01", "--end", "2026-12-31",
                        "--no-input", "--store", str(jatim)])
    page = run(jatim, "report", "--as-of", "2024-08-22", "--format", "html")
    tables = re.findall(r'<table class="matrix">.*?</table>', page, re.S)
    # 43 sector columns ran off the printed A4 page in one table; now no table holds more than 30
    headers = [re.findall(r'<th class="sector" title="([^"]+)"', table) for table in tables]
    assert len(tables) == 2 and all(len(h) <= 30 for h in headers)
    assert sorted(sum(headers, [])) == sorted(every)


def test_public_report_leaves_out_what_it_withholds_instead_of_saying_none(jatim):
    table = run(jatim, "report", "--as-of", "2023-08-22", "--public")
    # the bureau's internal lists are emptied for the public: they were printed as "none", which is not true
    for withheld in ("Needs attention", "Dormant", "Stalled LoIs", "No agreement yet"):
        assert withheld not in table
    assert "Public version: without notes, contacts, internal steps and document files." in table
    md = run(jatim, "report", "--as-of", "2023-08-22", "--public", "--format", "md", "--lang", "id")
    assert "## Perlu perhatian" not in md and "Kerja sama yang kurang aktif" not in md
    assert "Versi publik: tanpa catatan, kontak, langkah internal dan berkas dokumen." in md
    inside = run(jatim, "report", "--as-of", "2023-08-22")
    assert "Dormant              9: " in inside and "Needs attention" in inside


def test_next_step_due_day_of_an_assumed_offset_is_marked_in_listings_and_html(jatim):
    import json

    table = run(jatim, "renew", "--as-of", "2025-07-01", "--wide")
    unicef = next(line for line in table.splitlines() if line.startswith("unicef-cpap-2021-2025"))
    assert "evaluation ~2025-06-30" in unicef  # was "evaluation 2025-06-30": the central offset is assumed
    assert "~ assumed: no source gives this date" in table
    rows = json.loads(run(jatim, "renew", "--as-of", "2025-07-01", "--json"))
    assert next(r for r in rows if r["id"] == "unicef-cpap-2021-2025")["next_milestone"]["assumed"] is True
    assert next(r for r in rows if r["id"] == "alexandria-loi")["next_milestone"]["assumed"] is False
    page = run(jatim, "report", "--as-of", "2025-07-01", "--format", "html")
    assert "Evaluation of the current term (due ~30 June 2025)" in page


def test_indonesian_sector_lists_are_separated_by_semicolons(jatim):
    # "Koperasi, usaha kecil, dan menengah" is one label: comma-separated, it read as three sectors
    shown = run(jatim, "show", "dki-jakarta-kb-2021", "--as-of", "2025-03-01", "--lang", "id")
    assert "Perdagangan; Koperasi, usaha kecil, dan menengah;" in " ".join(shown.split())
    page = run(jatim, "report", "--as-of", "2025-03-01", "--format", "html", "--lang", "id")
    assert "Perdagangan; Koperasi, usaha kecil, dan menengah; Pertanian" in page
    report = run(jatim, "report", "--as-of", "2023-08-22", "--lang", "id")
    assert "Pendidikan 5; Perdagangan 5;" in report
    english = run(jatim, "show", "dki-jakarta-kb-2021", "--as-of", "2025-03-01")
    assert "trade, msme, agriculture" in " ".join(english.split())


def test_show_lists_a_partners_contacts(jatim):
    path = jatim / "partners" / "osaka.toml"
    text = path.read_text(encoding="utf-8")
    at = text.index("[[agreements]]")
    path.write_text(text[:at] + '[[contacts]]\nname = "Tanaka Hiroshi"\nrole = "International Affairs Division"\n'
                    'email = "tanaka@example.jp"\n\n[[contacts]]\nname = "Sato Yuki"\n\n' + text[at:], encoding="utf-8")
    shown = run(jatim, "show", "osaka", "--as-of", "2023-08-22", "--lang", "id")
    # stored and in JSON, but the person reading show never saw them
    assert "Kontak       Tanaka Hiroshi (International Affairs Division, tanaka@example.jp); Sato Yuki" in shown
    md = run(jatim, "show", "osaka", "--as-of", "2023-08-22", "--format", "md")
    assert "| Contacts | Tanaka Hiroshi (International Affairs Division, tanaka@example.jp); Sato Yuki |" in md


def test_renew_marks_an_assumed_end_of_the_pending_term(jatim):
    table = run(jatim, "renew", "--as-of", "2023-08-22", "--wide")
    western = next(line for line in table.splitlines() if line.startswith("western-australia-sister-state"))
    assert "~2028-09-05" in western  # was "2028-09-05": the pending 2023-2028 term's days are assumed


def test_periodic_lapsed_end_as_written_and_not_called_terminated(jatim):
    md = run(jatim, "report", "--period", "2022", "--as-of", "2023-01-15", "--format", "md", "--lang", "id")
    lapsed = md.split("## Masa berlaku habis")[1].split("##")[0]
    # "Diakhiri pada" (terminated on) headed the lapses, and the end was the made-up day 30 September 2022
    assert "| Berakhir pada |" in lapsed and "Diakhiri" not in lapsed
    assert "| ~September 2022 |" in lapsed
    renewed = run(jatim, "report", "--period", "2017", "--as-of", "2018-01-15", "--lang", "id")
    assert "~September 2017  ~September 2022" in renewed
    import json

    data = json.loads(run(jatim, "report", "--period", "2022", "--as-of", "2023-01-15", "--json"))
    assert data["lapsed"][0]["end"] == "2022-09-30" and data["lapsed"][0]["ended"] == "2022-09"


def test_report_html_separates_uncovered_sectors_by_semicolons_in_indonesian(jatim):
    page = run(jatim, "report", "--as-of", "2023-08-22", "--format", "html", "--lang", "id")
    assert "Ketenteraman, ketertiban umum, dan pelindungan masyarakat; Penanggulangan bencana" in page
    english = run(jatim, "report", "--as-of", "2023-08-22", "--format", "html")
    assert "Public order &amp; community protection, Disaster management" in english


def test_indonesian_listings_separate_sector_labels_by_semicolons(jatim):
    md = run(jatim, "list", "--as-of", "2025-03-01", "--format", "md", "--lang", "id")
    kb = next(line for line in md.splitlines() if line.startswith("| dki-jakarta-kb-2021"))
    assert "Perdagangan; Koperasi, usaha kecil, dan menengah; Pertanian" in kb  # was ", " between labels too
    table = run(jatim, "list", "--as-of", "2025-03-01", "--lang", "id", "--columns", "id,sectors")
    assert "Pangan; Pertanian" in table


def test_show_markdown_in_indonesian_does_not_head_the_state_term_as_in_force(jatim):
    md = run(jatim, "show", "western-australia-sister-state", "--as-of", "2023-08-22", "--format", "md", "--lang", "id")
    terms = md.split("### Masa berlaku")[1]
    header = terms.strip().splitlines()[0]
    # "berlaku: ya" stood beside the term that ran out in September 2022
    assert "| terkini |" in header and "| berlaku |" not in header

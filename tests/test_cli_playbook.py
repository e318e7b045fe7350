"""`plan`, `milestone` and the renewal list's milestones, through the CLI: on the example and on stores built with it."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coopctl.storage import encode

from helpers import read_partner
from coopctl.cli import app
from coopctl.core.sectors import Vocabulary

runner = CliRunner()
WA = "western-australia-sister-state"


def run(store: Path, *args: str, env: dict | None = None):
    return runner.invoke(app, list(args) + ["--store", str(store)], env=env)


def js(store: Path, *args: str):
    result = run(store, *args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def steps(plan: dict) -> dict[str, str]:
    return {m["name"]: m["status"] for m in plan["milestones"]}


# ---------------------------------------------------------------- the Western Australia case


FOREIGN_ORDER = ["evaluation", "rks", "dprd-letter", "dprd-approval", "verification", "draft", "negotiation",
                 "ministry-approval", "full-powers", "signing", "reporting"]


def test_wa_in_june_2022_follows_the_regulations_order_with_dprd_approval_12_months_before_the_end(example):
    plan = js(example, "plan", WA, "--as-of", "2022-06-01")
    # nothing of the renewal had happened yet by then (the DPRD approval came on 2022-11-08): simply due
    assert (plan["term_end"], plan["term_end_text"], plan["procedure"], plan["category"], plan["state"], plan["kind"]) == (
        "2022-09-30", "2022-09", "foreign", "KSDPL", "due", "renewal")
    assert [m["name"] for m in plan["milestones"]] == FOREIGN_ORDER
    dprd = next(m for m in plan["milestones"] if m["name"] == "dprd-approval")
    assert (dprd["due"], dprd["status"]) == ("2021-09-30", "overdue")  # 12 months before 2022-09-30
    assert plan["next_milestone"] == {"name": "evaluation", "label": "Evaluation of the current term", "label_id": "Evaluasi pelaksanaan kerja sama",
                                      "date": "2021-03-30", "assumed": False}
    table = run(example, "plan", WA, "--as-of", "2022-06-01").stdout
    assert "2021-07-30  dprd-letter        overdue 306 days" in table
    assert "2021-09-30  dprd-approval      overdue 244 days" in table
    assert "Plan for   the renewal of the term ~2017-09..~2022-09, by the 'foreign' procedure (KSDPL)" in table


def test_wa_on_the_article_day_is_renewing_with_dprd_approval_done(example):
    plan = js(example, "plan", WA, "--as-of", "2023-08-22")
    assert plan["state"] == "renewing"
    dprd = next(m for m in plan["milestones"] if m["name"] == "dprd-approval")
    assert (dprd["status"], dprd["done"], dprd["ref"], dprd["days_late"]) == ("done", "2022-11-08", None, 404)
    assert "invitation letter 005/4997/050/2022" in dprd["note"]  # code 005: an invitation, not the approval
    assert steps(plan) == {"evaluation": "done", "rks": "done", "dprd-letter": "done", "dprd-approval": "done",
                           "verification": "overdue", "draft": "overdue", "negotiation": "overdue",
                           "ministry-approval": "overdue", "full-powers": "overdue", "signing": "overdue",
                           "reporting": "open"}  # reporting follows the signing: not late before it
    table = run(example, "plan", WA, "--as-of", "2023-08-22").stdout
    assert "2021-09-30  dprd-approval      done 404 days late  2022-11-08" in table
    assert "2021-03-30  evaluation         done (implied)" in table
    assert "Next: verification (Verification by the Ministry of Home Affairs), due 2021-11-30 (overdue)." in table
    assert "State      renewing (ended ~2022-09, 326 days ago) on 2023-08-22" in table


def test_wa_renewal_row_names_the_next_milestone(example):
    rows = js(example, "renew", "--as-of", "2023-08-22")
    wa = rows[0]
    assert wa["id"] == WA and wa["state"] == "renewing"
    assert wa["next_milestone"] == {"name": "verification", "label": "Verification by the Ministry of Home Affairs", "label_id": "Verifikasi oleh Kementerian Dalam Negeri",
                                    "date": "2021-11-30", "assumed": False}
    assert [m["name"] for m in wa["overdue_milestones"]] == FOREIGN_ORDER[4:-1]
    assert wa["review_due"] is False


def wa_states(example, *days):
    return [(row["state"], row["days_left"]) for day in days
            for row in js(example, "list", "--partner", "western-australia", "--as-of", day)]


def test_the_wa_history_stays_true_after_recording_the_signing(example):
    days = ("2022-10-15", "2022-11-07", "2022-11-08", "2023-01-01", "2023-08-22")
    before = wa_states(example, *days)
    assert before == [("lapsed", -15), ("lapsed", -38), ("renewing", -39), ("renewing", -93), ("renewing", -326)]
    result = run(example, "renew", WA, "--signed", "2023-09-05")
    assert result.exit_code == 0, result.stderr
    assert wa_states(example, *days) == before  # the past does not change when a signing is recorded
    # signed, in force from the next day: the days count to the new term's end
    assert wa_states(example, "2023-09-05", "2023-09-06") == [("upcoming", 1827), ("active", 1826)]


def test_wa_plan_after_the_signing_keeps_the_report_in_view_then_moves_to_the_new_term(example):
    assert run(example, "renew", WA, "--signed", "5/9/2023").exit_code == 0
    report = js(example, "plan", WA, "--as-of", "2023-09-10")
    assert (report["state"], report["term_end"], report["renewed"]) == ("active", "2022-09-30", True)
    assert report["next_milestone"] == {"name": "reporting", "label": "Report on the signed agreement", "label_id": "Pelaporan",
                                        "date": "2023-10-05", "assumed": False}  # a month after the signing
    assert next(m for m in report["milestones"] if m["name"] == "signing")["done"] == "2023-09-05"
    new = js(example, "plan", WA, "--as-of", "2024-01-03")  # 90 days after the report fell due
    assert new["term_end"] == "2022-09-30"
    assert new["overdue_milestones"] == [{"name": "reporting", "label": "Report on the signed agreement",
                                          "label_id": "Pelaporan", "date": "2023-10-05", "assumed": False}]
    new = js(example, "plan", WA, "--as-of", "2024-01-04")
    assert (new["state"], new["term_end"], new["overdue_milestones"]) == ("active", "2028-09-05", [])
    assert new["next_milestone"] == {"name": "evaluation", "label": "Evaluation of the current term", "label_id": "Evaluasi pelaksanaan kerja sama",
                                     "date": "2027-03-05", "assumed": False}
    assert WA not in [r["id"] for r in js(example, "renew", "--as-of", "2024-01-04")]


def test_plan_in_csv_and_markdown(example):
    csv_out = run(example, "plan", WA, "--as-of", "2023-08-22", "--format", "csv").stdout
    assert csv_out.splitlines()[0] == ("name,label,due,status,done,ref,note,implied,days_late,days_left,conditional,"
                                       "assumed")
    assert csv_out.splitlines()[4].startswith("dprd-approval,DPRD approval,2021-09-30,done,2022-11-08,,")
    md = run(example, "plan", WA, "--as-of", "2023-08-22", "--format", "md").stdout
    assert md.startswith(f"## Plan: {WA}\n")
    assert "| verification | Verification by the Ministry of Home Affairs | 2021-11-30 | overdue |" in md


# ---------------------------------------------------------------- first agreements: the LoI and a proposal


def test_alexandria_is_an_intent_with_a_plan_towards_an_mou(example):
    row = next(r for r in js(example, "list", "--as-of", "2023-08-22") if r["id"] == "alexandria-loi")
    assert (row["state"], row["intent_since"], row["intent_months"]) == ("intent", "2022-11-23", 8)
    plan = js(example, "plan", "alexandria-loi", "--as-of", "2023-08-22")
    assert (plan["kind"], plan["origin"], plan["procedure"]) == ("first", "2022-11-23", "foreign")
    assert [m["name"] for m in plan["milestones"]] == FOREIGN_ORDER[1:]  # nothing to evaluate yet
    assert plan["next_milestone"] == {"name": "rks", "label": "Cooperation work plan (RKS)", "label_id": "Penyusunan Rencana Kerja Sama (RKS)", "date": "2023-01-23",
                                      "assumed": False}
    coverage = js(example, "coverage", "--as-of", "2023-08-22")
    assert "alexandria" in [p["id"] for p in coverage["prospects"]]
    assert "alexandria" not in [row["partner_id"] for row in coverage["matrix"]]  # an intent covers no sector
    # a step towards the MoU is recorded without a term end
    result = run(example, "milestone", "alexandria-loi", "rks", "--date", "2023-09-01")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "Saved: milestone alexandria-loi: rks done 2023-09-01 towards the first agreement\n"
    assert steps(js(example, "plan", "alexandria-loi", "--as-of", "2023-09-02"))["rks"] == "done"


def test_a_proposal_has_a_plan_from_the_day_it_was_recorded(empty_store):
    assert run(empty_store, "add", "Samarkand Region", "--title", "Sister province MoU", "--type", "MoU", "--sector",
               "trade", "--start", "2026", "--pending", "--recorded", "2024-04-04", "--country", "UZ", "--kind",
               "foreign-local-gov", "--id", "samarkand-mou").exit_code == 0
    text = (empty_store / "partners" / "samarkand-region.toml").read_text(encoding="utf-8")
    assert "pending = true\nrecorded = 2024-04-04\n" in text
    assert js(empty_store, "list", "--as-of", "2024-04-03")[0]["state"] == "upcoming"  # not known yet
    row = js(empty_store, "list", "--as-of", "2024-06-01")[0]
    assert (row["state"], row["next_milestone"]["name"]) == ("proposed", "rks")
    plan = js(empty_store, "plan", "samarkand-mou", "--as-of", "2024-06-01")
    assert (plan["kind"], plan["origin"]) == ("first", "2024-04-04")
    assert plan["milestones"][0] == {"name": "rks", "label": "Cooperation work plan (RKS)", "label_id": "Penyusunan Rencana Kerja Sama (RKS)", "due": "2024-06-04",
                                     "status": "due soon", "done": None, "ref": None, "note": None, "implied": False,
                                     "days_late": None, "days_left": 3, "conditional": False, "assumed": False}
    assert "samarkand-mou" in [r["id"] for r in js(empty_store, "renew", "--as-of", "2024-07-01")]


def test_the_example_file_stays_canonical(example):
    path = example / "partners" / "western-australia.toml"
    text = path.read_text(encoding="utf-8")
    problems = []
    partner = read_partner("western-australia", tomllib.loads(text), lambda p, m: problems.append(m), Vocabulary())
    assert problems == [] and encode.dump_partner(partner) == text
    assert run(example, "check").exit_code == 0


# ---------------------------------------------------------------- open-ended agreements: review due


def test_open_ended_agreements_are_flagged_review_due(example):
    plan = js(example, "plan", "osaka-sister-province", "--as-of", "2023-08-22")
    assert (plan["open_ended"], plan["review_due"], plan["review_by"], plan["milestones"]) == (True, True, "2019-02-19", [])
    rows = {r["id"]: r for r in js(example, "list", "--as-of", "2023-08-22")}
    assert rows["osaka-sister-province"]["review_due"] is True
    assert rows["alexandria-loi"]["review_due"] is False  # open-ended, but signed in 2022
    assert rows[WA]["review_due"] is False  # has an end: renewed, not reviewed
    renew = js(example, "renew", "--as-of", "2023-08-22")
    assert "osaka-sister-province" in [r["id"] for r in renew]
    assert renew[-1]["review_due"]  # reviews come after renewals
    table = run(example, "plan", "osaka-sister-province", "--as-of", "2023-08-22").stdout
    assert "Review due: no evaluation logged; the review was due by 2019-02-19." in table


def test_logging_an_evaluation_clears_review_due(example):
    assert run(example, "log", "osaka-sister-province", "Joint evaluation of the relationship", "--date", "2023-08-01",
               "--sector", "economy", "--type", "evaluation").exit_code == 0
    plan = js(example, "plan", "osaka-sister-province", "--as-of", "2023-08-22")
    assert (plan["review_due"], plan["last_evaluation"], plan["review_by"]) == (False, "2023-08-01", "2028-08-01")
    assert "osaka-sister-province" not in [r["id"] for r in js(example, "renew", "--as-of", "2023-08-22")]


def test_review_flag_is_visible_in_the_list_and_renew_tables_at_80_columns(example):
    env = {"COLUMNS": "80", "NO_COLOR": "1"}
    for command in ("list", "renew"):
        out = run(example, command, "--as-of", "2023-08-22", env=env).stdout
        lines = out.splitlines()
        assert all(len(line) <= 80 for line in lines), out
        osaka = next(line for line in lines if line.startswith("osaka-sister-province"))
        assert "active*?" in osaka or "active?" in osaka
        wa = next(line for line in lines if line.startswith(WA))
        assert "renewing!" in wa or "renewing*!" in wa
        assert "? review due: open-ended, no recent evaluation activity (see coopctl plan ID)" in lines
        assert "! a milestone of the renewal plan is overdue (see coopctl plan ID)" in lines


# ---------------------------------------------------------------- recording milestones


def test_milestone_records_and_the_plan_shows_it(example):
    result = run(example, "milestone", WA, "ministry-approval", "--date", "15/8/2023", "--ref", "100.2.3/123/OTDA")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (f"Saved: milestone {WA}: ministry-approval done 2023-08-15 (100.2.3/123/OTDA) "
                             "for the term ending 2022-09\n")
    plan = js(example, "plan", WA, "--as-of", "2023-08-22")
    assert steps(plan)["ministry-approval"] == "done" and steps(plan)["negotiation"] == "done"  # implied
    assert plan["next_milestone"]["name"] == "full-powers"
    text = (example / "partners" / "western-australia.toml").read_text(encoding="utf-8")
    assert ('[[agreements.milestones]]\nid = "ministry-approval"\ndate = 2023-08-15\nterm_end = "2022-09"\n'
            'ref = "100.2.3/123/OTDA"\n') in text
    shown = js(example, "show", WA)
    assert [m["id"] for m in shown["milestones"]] == ["dprd-approval", "ministry-approval"]


def test_a_step_may_be_named_in_indonesian(example):
    result = run(example, "milestone", WA, "Persetujuan Menteri Dalam Negeri", "--date", "2023-08-15")
    assert result.exit_code == 0, result.stderr
    assert "ministry-approval done 2023-08-15" in result.stderr


def test_milestone_dry_run_writes_nothing(example):
    before = (example / "partners" / "western-australia.toml").read_bytes()
    result = run(example, "milestone", WA, "signing", "--date", "2023-09-06", "--dry-run")
    assert result.exit_code == 0
    assert "+id = \"signing\"" in result.stdout
    assert result.stderr == f"Dry run, nothing written: milestone {WA}: signing done 2023-09-06 for the term ending 2022-09\n"
    assert (example / "partners" / "western-australia.toml").read_bytes() == before


def test_undo_is_another_record_and_history_stays(example):
    assert run(example, "milestone", WA, "ministry-approval", "--date", "2023-08-01").exit_code == 0
    result = run(example, "milestone", WA, "ministry-approval", "--date", "2023-08-02", "--undo", "--note", "wrong letter")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"Saved: milestone {WA}: ministry-approval not done after all (2023-08-02), for the term ending 2022-09\n"
    assert steps(js(example, "plan", WA, "--as-of", "2023-08-22"))["ministry-approval"] == "overdue"
    assert steps(js(example, "plan", WA, "--as-of", "2023-08-01"))["ministry-approval"] == "done"  # as it stood then
    again = run(example, "milestone", WA, "ministry-approval", "--date", "2023-08-10")
    assert again.exit_code == 0 and "again" not in again.stderr
    again = run(example, "milestone", WA, "ministry-approval", "--date", "2023-08-11")
    assert again.stderr.endswith("for the term ending 2022-09, again (was 2023-08-10)\n")
    text = (example / "partners" / "western-australia.toml").read_text(encoding="utf-8")
    assert text.count('id = "ministry-approval"') == 4 and "undone = true" in text


@pytest.mark.parametrize("args, message", [
    (["milestone", WA, "dprd-aproval"], "'dprd-aproval' is not a step of the 'foreign' procedure that "
                                        f"{WA} follows (steps: {', '.join(FOREIGN_ORDER)}); did you mean "
                                        "dprd-approval?\n"),
    (["milestone", WA, "signing", "--date", "2999-01-01"], "the date 2999-01-01 is in the future"),
    (["milestone", "osaka-sister-province", "evaluation", "--date", "2023-01-01"],
     "osaka-sister-province is open-ended (from 2014-02-19): it is reviewed, not renewed"),
    (["milestone", WA, "signing", "--undo", "--date", "2023-01-01"],
     f"signing is not recorded for {WA} for the term ending 2022-09; nothing to undo"),
    (["milestone", WA, "dprd-approval", "--not-needed"],
     "dprd-approval is not a conditional step of the 'foreign' procedure: it cannot be marked not needed"),
    (["milestone", "nope", "signing"], "no agreement 'nope'"),
])
def test_milestone_refuses_what_cannot_be_right(example, args, message):
    result = run(example, *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("args", [
    ["--reason", "x"], ["--not-needed", "--undo"], ["--not-needed", "--reason", "x", "--note", "y"],
])
def test_not_needed_options_that_do_not_go_together(example, args):
    result = run(example, "milestone", "dki-jakarta-kb-2021", "dprd-approval", "--date", "2025-01-01", *args)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1


def test_plan_of_an_unknown_agreement(example):
    result = run(example, "plan", "western-australia-sister")
    assert result.exit_code == 0  # a unique prefix
    result = run(example, "plan", "western-australia-sister-states")
    assert result.exit_code == 1
    assert result.stderr.startswith("coopctl: error: no agreement 'western-australia-sister-states'; did you mean "
                                    "western-australia-sister-state?")


# ---------------------------------------------------------------- a store built through the CLI


@pytest.fixture
def built(tmp_path) -> Path:
    """Foreign and domestic agreements in every renewal situation: an MoU, a Kesepakatan Bersama with a PKS under
    it, and a letter of intent, all added with coopctl itself."""
    store = tmp_path / "biro"
    assert run(store, "init", "--owner", "Biro Kerja Sama").exit_code == 0
    assert "procedures" not in (store / "coopctl.toml").read_text(encoding="utf-8")  # the built-in ones apply
    adds = [
        ["Prefecture A", "--id", "a-due", "--title", "MoU", "--type", "mou", "--sector", "trade", "--start", "2020-01-01",
         "--end", "2024-12-31", "--country", "JP", "--kind", "foreign-local-gov"],
        ["Kota B", "--id", "b-lapsed", "--title", "Kesepakatan Bersama", "--type", "KB", "--sector", "trade",
         "--start", "2019-01-01", "--end", "2023-12-31", "--country", "ID", "--kind", "domestic-region"],
        ["Kota B", "--id", "b-due", "--title", "PKS", "--type", "Perjanjian Kerja Sama", "--under", "b-lapsed",
         "--sector", "tourism", "--start", "2020-01-01", "--end", "2024-08-31"],
        ["Prefecture A", "--id", "a-later", "--title", "LoI", "--type", "loi", "--sector", "trade", "--start", "2023-01-01",
         "--end", "2027-12-31"],
    ]
    for args in adds:
        result = run(store, "add", *args)
        assert result.exit_code == 0, result.stderr
    return store


def test_renew_orders_overdue_milestones_then_lapsed_then_due_soonest(built):
    rows = js(built, "renew", "--as-of", "2024-06-16")
    assert [(r["id"], r["state"]) for r in rows] == [("a-later", "intent"), ("b-lapsed", "lapsed"), ("a-due", "due"),
                                                     ("b-due", "due")]
    a = rows[2]
    assert [m["name"] for m in a["overdue_milestones"]] == ["evaluation", "rks", "dprd-letter", "dprd-approval",
                                                           "verification", "draft", "negotiation"]
    assert a["next_milestone"] == {"name": "evaluation", "label": "Evaluation of the current term", "label_id": "Evaluasi pelaksanaan kerja sama", "date": "2023-06-30",
                                   "assumed": False}
    table = run(built, "renew", "--as-of", "2024-06-16", env={"COLUMNS": "120", "NO_COLOR": "1"}).stdout
    assert table.splitlines()[3].split() == ["a-due", "Prefecture", "A", "due!", "2024-12-31", "198",
                                             "evaluation", "2023-06-30", "2023-06-30"]
    csv_lines = run(built, "renew", "--as-of", "2024-06-16", "--format", "csv").stdout.splitlines()
    assert csv_lines[0].endswith(",window_opens,next_step,next_step_due,overdue_steps")
    assert csv_lines[3].endswith(",2023-06-30,evaluation,2023-06-30,"
                                 "evaluation;rks;dprd-letter;dprd-approval;verification;draft;negotiation")


def test_a_pks_under_its_kb_goes_through_the_rest_of_the_domestic_procedure(built):
    plan = js(built, "plan", "b-due", "--as-of", "2024-06-16")
    assert (plan["procedure"], plan["category"]) == ("domestic", "KSDD")
    # the offer and the KB's signing are the KB's own steps
    assert [(m["name"], m["due"], m["conditional"], m["assumed"]) for m in plan["milestones"]] == [
        ("evaluation", "2024-02-29", False, True), ("dprd-approval", "2024-05-31", True, True),
        ("pks-draft", "2024-06-30", False, True), ("pks-signed", "2024-07-31", False, True),
        ("administration", "2024-09-30", False, True), ("reporting", "2024-10-31", False, True)]
    kb = js(built, "plan", "b-lapsed", "--as-of", "2024-06-16")
    assert [m["name"] for m in kb["milestones"]][:4] == ["evaluation", "offer", "kb-signed", "dprd-approval"]
    table = run(built, "plan", "b-due", "--as-of", "2024-06-16").stdout
    assert "~2024-05-31  dprd-approval   overdue 16 days (conditional)" in table
    assert "~ assumed: no source gives this step's offset" in table


def test_a_conditional_step_marked_not_needed_no_longer_makes_the_plan_overdue(built):
    for step, when in (("evaluation", "2024-02-01"),):
        assert run(built, "milestone", "b-due", step, "--date", when).exit_code == 0
    assert [m["name"] for m in js(built, "plan", "b-due", "--as-of", "2024-06-16")["overdue_milestones"]] == [
        "dprd-approval"]
    result = run(built, "milestone", "b-due", "dprd-approval", "--not-needed", "--date", "2024-06-10",
                 "--reason", "budgeted in the 2024 APBD; no burden on the public")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ("Saved: milestone b-due: dprd-approval not needed (2024-06-10): budgeted in the 2024 "
                             "APBD; no burden on the public, for the term ending 2024-08-31\n")
    plan = js(built, "plan", "b-due", "--as-of", "2024-06-16")
    assert plan["overdue_milestones"] == [] and steps(plan)["dprd-approval"] == "not needed"
    assert plan["next_milestone"]["name"] == "pks-draft"
    assert "b-due" not in [r["id"] for r in js(built, "renew", "--as-of", "2024-06-16") if r["overdue_milestones"]]
    text = (built / "partners" / "kota-b.toml").read_text(encoding="utf-8")
    assert 'id = "dprd-approval"\ndate = 2024-06-10\nterm_end = 2024-08-31\nnote = "budgeted' in text
    assert "not_needed = true" in text


def test_check_warns_about_the_hierarchy_and_exits_0_on_warnings_alone(built):
    result = run(built, "check", "--as-of", "2024-06-16")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and all("/partners/kota-b.toml:" in line and ": warning: " in line for line in lines)
    assert lines[0].endswith("b-due is in force on 2024-06-16 under b-lapsed, which is lapsed then")
    assert lines[1].endswith("b-due runs to 2024-08-31, past the end of b-lapsed it is under (2023-12-31); renew "
                             "b-lapsed, or record the end of b-due")
    assert result.stderr.endswith(": OK (2 partners, 4 agreements), 2 warnings\n")
    # before the KB lapsed, only the longer term is worth a word
    assert len(run(built, "check", "--as-of", "2023-06-01").stdout.splitlines()) == 1
    # renewing the KB lists what depends on it, and clears both warnings
    renewed = run(built, "renew", "b-lapsed", "--until", "2028-12-31", "--signed", "2023-12-20")
    assert renewed.exit_code == 0, renewed.stderr
    assert renewed.stderr == ("Saved: renew b-lapsed: signed term 2024-01-01..2028-12-31; under it: b-due (they "
                              "depend on it: renew or end them too)\n")
    clean = run(built, "check", "--as-of", "2024-06-16")
    assert (clean.stdout, clean.exit_code) == ("", 0)


def test_a_domestic_pks_without_a_kb_is_a_warning(built):
    assert run(built, "add", "Kota B", "--id", "b-alone", "--title", "PKS", "--type", "PKS", "--sector", "trade",
               "--start", "2024-01-01", "--end", "2025-12-31").exit_code == 0
    out = run(built, "check", "--as-of", "2023-06-01").stdout
    assert "PKS b-alone is not under a Kesepakatan Bersama (KB); record the KB it implements" in out


def test_show_gives_the_tree_both_ways(built):
    kb = js(built, "show", "b-lapsed", "--as-of", "2024-06-16")
    assert (kb["type"], kb["parent"], [c["id"] for c in kb["children"]]) == ("kb", None, ["b-due"])
    pks = js(built, "show", "b-due", "--as-of", "2024-06-16")
    assert (pks["under"], pks["parent"]["id"], pks["children"]) == ("b-lapsed", "b-lapsed", [])
    table = run(built, "show", "b-lapsed", "--as-of", "2024-06-16").stdout
    assert "Under it   b-due (pks, due)" in table
    assert "Under      b-lapsed (kb)" in run(built, "show", "b-due", "--as-of", "2024-06-16").stdout


def test_add_refuses_an_unknown_parent_type_or_category(built):
    result = run(built, "add", "Kota B", "--id", "x", "--title", "PKS", "--type", "pks", "--under", "b-lapsd",
                 "--sector", "trade", "--start", "2024")
    assert result.exit_code == 1 and "--under: no agreement 'b-lapsd'; did you mean b-lapsed" in result.stderr
    result = run(built, "add", "Kota B", "--id", "x", "--title", "X", "--type", "memo", "--start", "2024")
    assert result.exit_code == 2 and "'memo' is not a document type" in result.stderr
    result = run(built, "add", "Kota B", "--id", "x", "--title", "X", "--type", "NK", "--category", "KSX",
                 "--sector", "trade", "--start", "2024")
    assert result.exit_code == 2 and "'KSX' is not a legal category" in result.stderr


def test_list_filters_and_groups_by_category(built):
    rows = js(built, "list", "--category", "ksdd", "--as-of", "2024-06-16")
    assert [(r["id"], r["category"]) for r in rows] == [("b-due", "KSDD"), ("b-lapsed", "KSDD")]
    report = js(built, "report", "--as-of", "2024-06-16")
    assert report["by_category"] == {
        "KSDPL": {"agreements": 2, "in_force": 1, "ids": ["a-due", "a-later"]},
        "KSDD": {"agreements": 2, "in_force": 1, "ids": ["b-lapsed", "b-due"]}}


def test_recording_steps_clears_the_flag_and_check(built):
    assert run(built, "renew", "--check", "--as-of", "2022-01-01").exit_code == 0
    for step, when in (("evaluation", "2023-09-01"), ("dprd-letter", "2024-02-01"), ("negotiation", "2024-06-10")):
        assert run(built, "milestone", "a-due", step, "--date", when).exit_code == 0
    row = next(r for r in js(built, "renew", "--as-of", "2024-06-16") if r["id"] == "a-due")
    assert row["overdue_milestones"] == []
    assert row["next_milestone"]["name"] == "ministry-approval"
    plan = js(built, "plan", "a-due", "--as-of", "2024-06-16")
    assert steps(plan)["draft"] == "done" and next(m for m in plan["milestones"] if m["name"] == "draft")["implied"]
    # the ministry approval falls due on 2024-09-30: due soon from 30 days before, overdue the day after
    assert steps(js(built, "plan", "a-due", "--as-of", "2024-08-31"))["ministry-approval"] == "due soon"
    assert steps(js(built, "plan", "a-due", "--as-of", "2024-09-30"))["ministry-approval"] == "due soon"
    assert steps(js(built, "plan", "a-due", "--as-of", "2024-10-01"))["ministry-approval"] == "overdue"


def test_a_store_changes_an_offset_and_an_agreement_can_follow_another_procedure(built):
    path = built / "coopctl.toml"
    path.write_text(path.read_text(encoding="utf-8") + '\n[procedures.foreign]\nevaluation = "24m"\nsigning = "1m"\n'
                    '\n[procedures.loi]\nsigning = { before = "2m", label = "Tanda tangan MoU" }\n', encoding="utf-8")
    rows = js(built, "renew", "--as-of", "2023-01-01")
    due = next(r for r in rows if r["id"] == "a-due")
    assert due["state"] == "active" and [m["name"] for m in due["overdue_milestones"]] == ["evaluation"]
    partner = built / "partners" / "prefecture-a.toml"
    text = partner.read_text(encoding="utf-8")
    partner.write_text(text.replace('id = "a-later"\ntitle = "LoI"\ntype = "loi"\n',
                                    'id = "a-later"\ntitle = "LoI"\ntype = "loi"\nprocedure = "loi"\n'), encoding="utf-8")
    assert run(built, "check").exit_code == 0
    plan = js(built, "plan", "a-later", "--as-of", "2023-06-01")
    assert (plan["procedure"], plan["kind"]) == ("loi", "first")
    first = plan["milestones"][0]
    # towards the MoU: as if it had to be in force 18 months after the LoI (2024-07-01)
    assert (first["name"], first["label"], first["due"], first["status"]) == ("signing", "Tanda tangan MoU", "2024-05-01", "open")
    # a procedure the settings do not define is reported by check, at its line
    partner.write_text(partner.read_text(encoding="utf-8").replace('procedure = "loi"', 'procedure = "fast"'), encoding="utf-8")
    result = run(built, "check")
    assert result.exit_code == 1
    assert "prefecture-a.toml:" in result.stdout
    assert ("procedure 'fast' is not in the settings (known: foreign, domestic, central, loi); add [procedures.fast] "
            "to coopctl.toml") in result.stdout


def test_a_milestone_no_procedure_knows_is_a_warning(built):
    partner = built / "partners" / "prefecture-a.toml"
    partner.write_text(partner.read_text(encoding="utf-8") + '\n[[agreements.milestones]]\nid = "legal-review"\n'
                       'date = 2024-01-01\nterm_end = 2027-12-31\n', encoding="utf-8")
    result = run(built, "check", "--as-of", "2024-01-02")
    assert result.exit_code == 0
    assert ("warning: milestone 'legal-review' is not a step of the 'foreign' procedure that a-later follows "
            "(steps: ") in result.stdout


def test_milestone_refuses_a_terminated_agreement_and_an_agreement_without_terms(built):
    assert run(built, "terminate", "b-due", "--date", "2024-01-01").exit_code == 0
    result = run(built, "milestone", "b-due", "pks-signed", "--date", "2023-12-01")
    assert result.exit_code == 1 and "was terminated" in result.stderr


def test_renewed_early_and_terminated_plans(built):
    assert run(built, "renew", "a-due", "--until", "2029-12-31", "--signed", "2024-06-01").exit_code == 0
    plan = js(built, "plan", "a-due", "--as-of", "2024-06-16")
    assert plan["renewed"] and plan["term_end"] == "2024-12-31" and plan["overdue_milestones"] == []
    assert next(m for m in plan["milestones"] if m["name"] == "signing")["done"] == "2024-06-01"
    assert plan["next_milestone"]["name"] == "reporting"  # due a month after the end
    assert "Next: reporting (Report on the signed agreement), due 2025-01-31." in run(
        built, "plan", "a-due", "--as-of", "2024-06-16").stdout
    assert run(built, "milestone", "a-due", "reporting", "--date", "2024-06-20").exit_code == 0
    assert "Renewed: the next term is signed." in run(built, "plan", "a-due", "--as-of", "2024-06-21").stdout
    assert "a-due" not in [r["id"] for r in js(built, "renew", "--as-of", "2024-06-21")]
    assert run(built, "terminate", "a-later", "--date", "2027-01-01").exit_code == 0
    ended = js(built, "plan", "a-later", "--as-of", "2027-06-01")
    assert ended["state"] == "terminated" and set(steps(ended).values()) == {"not needed"}
    assert "Terminated: nothing left to renew." in run(built, "plan", "a-later", "--as-of", "2027-06-01").stdout


def test_plan_before_the_first_terms_signing_says_the_term_is_signed_later(tmp_path):
    """At a date before its signing, a recorded term is not in force yet and nothing of its process is known: the
    plan said 'No term on record', as if none had been recorded."""
    store = tmp_path / "s"
    for step in (["init"], ["add", "Kota Malang", "--title", "Pendidikan", "--type", "mou", "--start", "2027-01-01",
                            "--end", "2031-12-31", "--signed", "2026-12-20", "--country", "ID", "--kind",
                            "domestic-region", "--id", "malang-mou", "--no-input"]):
        assert run(store, *step).exit_code == 0
    before = run(store, "plan", "malang-mou", "--as-of", "2026-12-07", env={"COLUMNS": "80", "NO_COLOR": "1"})
    assert before.exit_code == 0, before.stderr
    assert before.stdout.splitlines() == [
        "Agreement  Pendidikan (malang-mou)",
        "State      upcoming on 2026-12-07",
        "",
        "No term was signed by 2026-12-07: the term 2027-01-01..2031-12-31 is signed",
        "  later, and no step of its process is recorded by then.",
    ]
    after = run(store, "plan", "malang-mou", "--as-of", "2026-12-21", env={"COLUMNS": "80", "NO_COLOR": "1"})
    assert "Plan for   the renewal of the term 2027-01-01..2031-12-31" in after.stdout


def test_an_loi_one_month_old_says_1_month_ago(example):
    """show alexandria-loi --as-of 2023-01-01 said 'intent (letter of intent of 2022-11-23, 1 months ago)'."""
    one = run(example, "show", "alexandria-loi", "--as-of", "2023-01-01")
    assert one.exit_code == 0, one.stderr
    assert "intent (letter of intent of 2022-11-23, 1 month ago)" in one.stdout
    many = run(example, "show", "alexandria-loi", "--as-of", "2023-08-22")
    assert "intent (letter of intent of 2022-11-23, 8 months ago)" in many.stdout
    indonesian = run(example, "show", "alexandria-loi", "--as-of", "2023-01-01", "--lang", "id")
    assert "23 November 2022, 1 bulan yang lalu)" in " ".join(indonesian.stdout.split())


def test_a_terminated_agreement_says_what_it_refuses(example):
    """terminate again, sector add and milestone on a terminated agreement all said 'it takes no new terms'."""
    ended = run(example, "terminate", "tianjin-vocational-mou-2016", "--date", "2025-01-01")
    assert ended.exit_code == 0, ended.stderr
    before = (example / "partners" / "tianjin.toml").read_bytes()
    cases = [
        (("terminate", "tianjin-vocational-mou-2016", "--date", "2025-02-01"),
         "coopctl: error: tianjin-vocational-mou-2016 is terminated already, on 2025-01-01; nothing was changed\n"),
        (("sector", "add", "tianjin-vocational-mou-2016", "education", "--since", "2024-01-01"),
         "coopctl: error: tianjin-vocational-mou-2016 was terminated on 2025-01-01; its history stays, but it takes "
         "no new sectors\n"),
        (("milestone", "tianjin-vocational-mou-2016", "evaluation", "--date", "2024-06-01"),
         "coopctl: error: tianjin-vocational-mou-2016 was terminated on 2025-01-01; its history stays, but it takes "
         "no new steps of its procedure\n"),
        (("renew", "tianjin-vocational-mou-2016", "--until", "2030", "--signed", "2025-01-01"),
         "coopctl: error: tianjin-vocational-mou-2016 was terminated on 2025-01-01; its history stays, but it takes "
         "no new terms\n"),
    ]
    for args, message in cases:
        result = run(example, *args)
        assert (result.exit_code, result.stderr) == (1, message)
    again = run(example, "terminate", "tianjin-vocational-mou-2016", "--lang", "id")
    assert again.stderr == ("coopctl: kesalahan: tianjin-vocational-mou-2016 sudah diakhiri, pada 1 Januari 2025; "
                            "tidak ada yang diubah\n")
    assert (example / "partners" / "tianjin.toml").read_bytes() == before


def test_a_term_cannot_be_moved_or_added_before_the_one_it_follows(example):
    """amend --start 2016-01-01 put WA's 2023-2028 term before its 2017-2022 one, and renew --from 2015 added a
    term before Tianjin's open-ended 2016 one; check accepted both, and show listed the terms out of order."""
    before = {p.name: p.read_bytes() for p in (example / "partners").iterdir()}
    moved = run(example, "amend", WA, "--start", "2016-01-01")
    assert moved.exit_code == 1
    assert moved.stderr == ("coopctl: error: the start 2016-01-01 falls inside or before the term it follows "
                            "(2017-09..2022-09); a term starts after the one before it ends\n")
    inside = run(example, "amend", WA, "--start", "2022-09-15")
    assert inside.exit_code == 1 and "falls inside or before the term it follows" in inside.stderr
    earlier = run(example, "renew", "tianjin-vocational-mou-2016", "--from", "2015-01-01", "--until", "2020",
                  "--signed", "2015-01-01")
    assert earlier.exit_code == 1
    assert earlier.stderr == ("coopctl: error: --from: the new term would start 2015-01-01, not after the current "
                              "term's start (2016-01-01); a new term follows the one before it\n")
    assert {p.name: p.read_bytes() for p in (example / "partners").iterdir()} == before
    # a start after the term before it is a correction like any other
    assert run(example, "amend", WA, "--start", "2023-09-05").exit_code == 0
    assert run(example, "renew", "tianjin-vocational-mou-2016", "--from", "2021-01-01", "--until", "2025",
               "--signed", "2021-01-01").exit_code == 0

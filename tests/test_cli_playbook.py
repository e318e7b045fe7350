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


def test_wa_in_june_2022_has_its_dprd_steps_overdue(example):
    plan = js(example, "plan", WA, "--as-of", "2022-06-01")
    assert (plan["term_end"], plan["procedure"], plan["state"]) == ("2022-09-30", "foreign", "renewing")
    assert steps(plan) == {"evaluation": "overdue", "draft": "overdue", "dprd-letter": "overdue",
                           "dprd-approval": "overdue", "ministry-approval": "overdue", "signing": "open"}
    assert plan["next_milestone"] == {"name": "evaluation", "label": "Evaluasi pelaksanaan kerja sama", "date": "2021-06-30"}
    table = run(example, "plan", WA, "--as-of", "2022-06-01").stdout
    assert "2021-11-30  dprd-letter        overdue 183 days" in table
    assert "2022-01-30  dprd-approval      overdue 122 days" in table
    assert "Renewal of  the term 2017-09..2022-09-30" in table


def test_wa_on_the_article_day_is_renewing_with_dprd_approval_done(example):
    plan = js(example, "plan", WA, "--as-of", "2023-08-22")
    assert plan["state"] == "renewing"
    dprd = next(m for m in plan["milestones"] if m["name"] == "dprd-approval")
    assert (dprd["status"], dprd["done"], dprd["ref"], dprd["days_late"]) == ("done", "2022-11-08", "005/4997/050/2022", 282)
    assert steps(plan) == {"evaluation": "done", "draft": "done", "dprd-letter": "done", "dprd-approval": "done",
                           "ministry-approval": "overdue", "signing": "overdue"}
    assert [m["name"] for m in plan["overdue_milestones"]] == ["ministry-approval", "signing"]
    table = run(example, "plan", WA, "--as-of", "2023-08-22").stdout
    assert "2022-01-30  dprd-approval      done 282 days late  2022-11-08  005/4997/050/2022" in table
    assert "2021-06-30  evaluation         done (implied)" in table
    assert "Next: ministry-approval (Persetujuan Menteri), due 2022-05-30 (overdue)." in table


def test_wa_renewal_row_names_the_next_milestone(example):
    rows = js(example, "renew", "--as-of", "2023-08-22")
    wa = rows[0]
    assert wa["id"] == WA and wa["state"] == "renewing"
    assert wa["next_milestone"] == {"name": "ministry-approval", "label": "Persetujuan Menteri", "date": "2022-05-30"}
    assert [m["name"] for m in wa["overdue_milestones"]] == ["ministry-approval", "signing"]
    assert wa["review_due"] is False


def test_wa_plan_after_the_signing_is_for_the_new_term(example):
    assert run(example, "renew", WA, "--signed", "6/9/2023").exit_code == 0
    new = js(example, "plan", WA, "--as-of", "2023-09-10")
    assert (new["state"], new["term_end"], new["overdue_milestones"]) == ("active", "2028-09-05", [])
    assert new["next_milestone"] == {"name": "evaluation", "label": "Evaluasi pelaksanaan kerja sama", "date": "2027-06-05"}
    # as rules.status gives: before its start the signed term is upcoming, and the plan is already for its end
    assert js(example, "plan", WA, "--as-of", "2023-08-22")["term_end"] == "2028-09-05"
    assert WA not in [r["id"] for r in js(example, "renew", "--as-of", "2023-09-10")]


def test_plan_in_csv_and_markdown(example):
    csv_out = run(example, "plan", WA, "--as-of", "2023-08-22", "--format", "csv").stdout
    assert csv_out.splitlines()[0] == "name,label,due,status,done,ref,note,implied,days_late,days_left"
    assert csv_out.splitlines()[4].startswith("dprd-approval,Persetujuan DPRD,2022-01-30,done,2022-11-08,005/4997/050/2022,")
    md = run(example, "plan", WA, "--as-of", "2023-08-22", "--format", "md").stdout
    assert md.startswith(f"## Renewal plan: {WA}\n")
    assert "| ministry-approval | Persetujuan Menteri | 2022-05-30 | overdue |" in md


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
    assert steps(plan)["ministry-approval"] == "done"
    assert plan["next_milestone"]["name"] == "signing"
    text = (example / "partners" / "western-australia.toml").read_text(encoding="utf-8")
    assert ('[[agreements.milestones]]\nid = "ministry-approval"\ndate = 2023-08-15\nterm_end = "2022-09"\n'
            'ref = "100.2.3/123/OTDA"\n') in text
    shown = js(example, "show", WA)
    assert [m["id"] for m in shown["milestones"]] == ["dprd-approval", "ministry-approval"]


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
                                        f"{WA} follows (steps: evaluation, draft, dprd-letter, dprd-approval, "
                                        "ministry-approval, signing); did you mean dprd-approval?\n"),
    (["milestone", WA, "signing", "--date", "2999-01-01"], "the date 2999-01-01 is in the future"),
    (["milestone", WA, "signing", "--date", "1990-01-01"], f"no term of {WA} had started by 1990-01-01"),
    (["milestone", "osaka-sister-province", "evaluation", "--date", "2023-01-01"],
     "osaka-sister-province is open-ended (from 2014-02-19): it is reviewed, not renewed"),
    (["milestone", WA, "signing", "--undo", "--date", "2023-01-01"], "signing is not recorded as done"),
    (["milestone", "nope", "signing"], "no agreement 'nope'"),
])
def test_milestone_refuses_what_cannot_be_right(example, args, message):
    result = run(example, *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert result.stderr.count("\n") == 1


def test_plan_of_an_unknown_agreement(example):
    result = run(example, "plan", "western-australia")
    assert result.exit_code == 1
    assert result.stderr.startswith("coopctl: error: no agreement 'western-australia'; did you mean western-australia-sister-state?")


# ---------------------------------------------------------------- a store built through the CLI


@pytest.fixture
def built(tmp_path) -> Path:
    """Foreign and domestic agreements in every renewal situation; domestic renewals have no steps here."""
    store = tmp_path / "biro"
    assert run(store, "init", "--owner", "Biro Kerja Sama").exit_code == 0
    settings = (store / "coopctl.toml").read_text(encoding="utf-8")
    assert "[procedures.foreign]\nevaluation = \"15m\"" in settings  # init writes the defaults out, to be edited
    start = settings.index("[procedures.domestic]")
    (store / "coopctl.toml").write_text(settings[:start] + "[procedures.domestic]\n", encoding="utf-8")
    adds = [
        ["Prefecture A", "--id", "a-due", "--title", "MoU", "--type", "mou", "--sector", "trade", "--start", "2020-01-01",
         "--end", "2024-12-31", "--country", "JP", "--kind", "foreign-local-gov"],
        ["Kota B", "--id", "b-lapsed", "--title", "KSDD", "--type", "pks", "--sector", "trade", "--start", "2019-01-01",
         "--end", "2023-12-31", "--country", "ID", "--kind", "domestic-region"],
        ["Kota B", "--id", "b-due", "--title", "PKS", "--type", "pks", "--sector", "tourism", "--start", "2020-01-01",
         "--end", "2024-08-31"],
        ["Prefecture A", "--id", "a-later", "--title", "LoI", "--type", "loi", "--sector", "trade", "--start", "2023-01-01",
         "--end", "2027-12-31"],
    ]
    for args in adds:
        result = run(store, "add", *args)
        assert result.exit_code == 0, result.stderr
    return store


def test_renew_orders_overdue_milestones_then_lapsed_then_due_soonest(built):
    rows = js(built, "renew", "--as-of", "2024-06-16")
    assert [(r["id"], r["state"]) for r in rows] == [("a-due", "due"), ("b-lapsed", "lapsed"), ("b-due", "due")]
    a = rows[0]
    assert [m["name"] for m in a["overdue_milestones"]] == ["evaluation", "draft", "dprd-letter", "dprd-approval"]
    assert a["next_milestone"] == {"name": "evaluation", "label": "Evaluasi pelaksanaan kerja sama", "date": "2023-09-30"}
    assert rows[1]["next_milestone"] is None and rows[1]["overdue_milestones"] == []
    table = run(built, "renew", "--as-of", "2024-06-16", env={"COLUMNS": "120", "NO_COLOR": "1"}).stdout
    assert table.splitlines()[1].split() == ["a-due", "Prefecture", "A", "due!", "2024-12-31", "198",
                                             "evaluation", "2023-09-30", "2023-06-30"]
    csv_lines = run(built, "renew", "--as-of", "2024-06-16", "--format", "csv").stdout.splitlines()
    assert csv_lines[0].endswith(",window_opens,next_step,next_step_due,overdue_steps")
    assert csv_lines[1].endswith(",2023-06-30,evaluation,2023-09-30,evaluation;draft;dprd-letter;dprd-approval")


def test_recording_steps_clears_the_flag_and_check(built):
    assert run(built, "renew", "--check", "--as-of", "2023-01-01").exit_code == 0
    for step, when in (("evaluation", "2023-09-01"), ("dprd-letter", "2024-02-01"), ("dprd-approval", "2024-04-30")):
        assert run(built, "milestone", "a-due", step, "--date", when).exit_code == 0
    row = next(r for r in js(built, "renew", "--as-of", "2024-04-30") if r["id"] == "a-due")
    assert row["overdue_milestones"] == []
    assert row["next_milestone"]["name"] == "ministry-approval"
    plan = js(built, "plan", "a-due", "--as-of", "2024-04-30")
    assert steps(plan)["draft"] == "done" and next(m for m in plan["milestones"] if m["name"] == "draft")["implied"]
    # the ministry approval falls due on 2024-08-31: due soon from 30 days before, overdue the day after
    assert steps(js(built, "plan", "a-due", "--as-of", "2024-08-01"))["ministry-approval"] == "due soon"
    assert steps(js(built, "plan", "a-due", "--as-of", "2024-08-31"))["ministry-approval"] == "due soon"
    late = run(built, "renew", "--check", "--as-of", "2024-09-01")
    assert late.exit_code == 1 and late.stderr == "3 agreements due or lapsed; 1 with an overdue milestone\n"


def test_an_overdue_milestone_alone_fails_the_check(built):
    # a-later is active (its 18-month window opens 2026-06-30), but a store whose procedure asks for the
    # evaluation 24 months ahead makes it overdue on 2026-01-01
    path = built / "coopctl.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('evaluation = "15m"', 'evaluation = "24m"'), encoding="utf-8")
    rows = js(built, "renew", "--as-of", "2026-01-01")
    later = next(r for r in rows if r["id"] == "a-later")
    assert later["state"] == "active" and [m["name"] for m in later["overdue_milestones"]] == ["evaluation"]
    assert run(built, "plan", "a-later", "--as-of", "2026-01-01", "--json").exit_code == 0


def test_an_agreement_can_follow_another_procedure(built):
    path = built / "coopctl.toml"
    path.write_text(path.read_text(encoding="utf-8") + '\n[procedures.loi]\nsigning = { before = "2m", label = "Tanda tangan MoU" }\n',
                    encoding="utf-8")
    partner = built / "partners" / "prefecture-a.toml"
    text = partner.read_text(encoding="utf-8")
    partner.write_text(text.replace('id = "a-later"\ntitle = "LoI"\ntype = "loi"\n',
                                    'id = "a-later"\ntitle = "LoI"\ntype = "loi"\nprocedure = "loi"\n'), encoding="utf-8")
    assert run(built, "check").exit_code == 0
    plan = js(built, "plan", "a-later", "--as-of", "2027-01-01")
    assert plan["procedure"] == "loi"
    first = plan["milestones"][0]
    assert (first["name"], first["label"], first["due"], first["status"]) == ("signing", "Tanda tangan MoU", "2027-10-31", "open")
    # a procedure the settings do not define is reported by check, at its line
    partner.write_text(partner.read_text(encoding="utf-8").replace('procedure = "loi"', 'procedure = "fast"'), encoding="utf-8")
    result = run(built, "check")
    assert result.exit_code == 1
    assert "prefecture-a.toml:" in result.stdout
    assert "procedure 'fast' is not in the settings (known: foreign, domestic, loi); add [procedures.fast] to coopctl.toml" in result.stdout


def test_milestone_refuses_a_terminated_agreement_and_a_store_without_signed_terms(built):
    assert run(built, "terminate", "b-due", "--date", "2024-01-01").exit_code == 0
    result = run(built, "milestone", "b-due", "signing", "--date", "2023-12-01")
    assert result.exit_code == 1 and "was terminated" in result.stderr
    assert run(built, "add", "Prefecture A", "--id", "a-new", "--title", "New", "--type", "mou", "--sector", "trade",
               "--start", "2030-01-01", "--pending").exit_code == 0
    result = run(built, "milestone", "a-new", "evaluation", "--date", "2024-01-01")
    assert result.exit_code == 1 and "has no signed term yet" in result.stderr
    assert "No signed term yet" in run(built, "plan", "a-new").stdout


def test_renewed_early_and_terminated_plans(built):
    assert run(built, "renew", "a-due", "--until", "2029-12-31", "--signed", "2024-06-01").exit_code == 0
    plan = js(built, "plan", "a-due", "--as-of", "2024-06-16")
    assert plan["renewed"] and plan["term_end"] == "2024-12-31" and plan["overdue_milestones"] == []
    assert next(m for m in plan["milestones"] if m["name"] == "signing")["done"] == "2024-06-01"
    assert "Renewed: the next term is signed." in run(built, "plan", "a-due", "--as-of", "2024-06-16").stdout
    assert "a-due" not in [r["id"] for r in js(built, "renew", "--as-of", "2024-06-16")]
    assert run(built, "terminate", "a-later", "--date", "2027-01-01").exit_code == 0
    ended = js(built, "plan", "a-later", "--as-of", "2027-06-01")
    assert ended["state"] == "terminated" and set(steps(ended).values()) == {"not needed"}
    assert "Terminated: nothing left to renew." in run(built, "plan", "a-later", "--as-of", "2027-06-01").stdout

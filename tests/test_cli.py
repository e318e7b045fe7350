"""The command line through Typer's CliRunner, on a copy of the bundled example."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coopctl.cli import app
from helpers import snapshot


runner = CliRunner()
ARTICLE_DAY = "2023-08-22"


def run(*args: str, store: Path | None = None):
    argv = list(args) + (["--store", str(store)] if store is not None else [])
    return runner.invoke(app, argv)


# ---------------------------------------------------------------- reading the example


def test_list_table_on_the_example(example):
    result = run("list", "--as-of", ARTICLE_DAY, store=example)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == """\
ID                              Partner                CC  Term                     State       Days
alexandria-loi                  Alexandria             EG  2022-11-23..open         intent!
                                Governorate
dki-jakarta-kb-2021             DKI Jakarta            ID  2021-06-03..2026-06-03   active*     1016
dki-jakarta-pks-food-2021       DKI Jakarta            ID  2021-06-03..~2026-06-03  active*     1016
dki-jakarta-pks-trade-2021      DKI Jakarta            ID  2021-06-03..~2026-06-03  active*     1016
gyeongnam-sister-province       Gyeongsangnam-do       KR  ~2016-11-03..open        active*?
osaka-sister-province           Osaka Prefecture       JP  ~2014-02-19..open        active*?
tianjin-sister-province         Tianjin                CN  ~2003..open              active*?
tianjin-vocational-mou-2016     Tianjin                CN  2016..open               active*?
unicef-cpap-2021-2025           UNICEF                     2021..2025               active*      862
western-australia-sister-state  Western Australia      AU  ~2017-09..~2022-09       renewing*!  -326
Not shown at this width: Category, Sectors, Type (--wide shows every column; --columns chooses)
* dormant: in force, but no activity recorded recently (see coopctl dormant)
~ assumed: no source gives this date (see coopctl show ID)
! a milestone of the renewal plan is overdue (see coopctl plan ID)
? review due: open-ended, no recent evaluation activity (see coopctl plan ID)
"""


def test_renew_table_on_the_article_day(example):
    """At 100 columns the next milestone wraps (its date under its step), never cut."""
    result = run("renew", "--as-of", ARTICLE_DAY, store=example)
    assert result.exit_code == 0
    assert result.stdout == """\
ID                              Partner              State      Ends      Days  Next milestone
western-australia-sister-state  Western Australia    renewing!  ~2022-09  -326  verification
                                                                                2021-11-30
alexandria-loi                  Alexandria           intent!                    rks 2023-01-23
                                Governorate
gyeongnam-sister-province       Gyeongsangnam-do     active?                    review due
osaka-sister-province           Osaka Prefecture     active?                    review due
tianjin-sister-province         Tianjin              active?                    review due
tianjin-vocational-mou-2016     Tianjin              active?                    review due
Not shown at this width: Window opened, Pending to (--wide shows every column; --columns chooses)
! a milestone of the renewal plan is overdue (see coopctl plan ID)
? review due: open-ended, no recent evaluation activity (see coopctl plan ID)
"""


def test_renew_json_shows_western_australia_renewing(example):
    result = run("renew", "--as-of", ARTICLE_DAY, "--format", "json", store=example)
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows if not r["review_due"]] == ["western-australia-sister-state", "alexandria-loi"]
    wa = rows[0]
    assert wa["state"] == "renewing"
    assert wa["pending"] == {"start": "2023-09-06", "end": "2028-09-05", "assumed": ["start", "end"]}
    assert (wa["partner"], wa["partner_id"], wa["country"], wa["type"]) == (
        "Western Australia", "western-australia", "AU", "sister-province")
    assert (wa["start"], wa["end"], wa["days_left"]) == ("2017-09", "2022-09", -326)
    assert (wa["category"], wa["assumed"]) == ("KSDPL", ["start", "end"])
    loi = rows[1]
    assert (loi["state"], loi["intent_since"], loi["intent_months"], loi["days_left"]) == ("intent", "2022-11-23", 8, None)
    assert loi["next_milestone"]["name"] == "rks"
    assert result.stderr == ""


def test_list_json_has_the_contract_fields(example):
    rows = json.loads(run("list", "--json", "--as-of", ARTICLE_DAY, store=example).stdout)
    required = {"id", "partner", "partner_id", "country", "type", "title", "sectors", "start", "end", "state", "days_left"}
    assert all(required <= set(r) for r in rows)
    unicef = next(r for r in rows if r["id"] == "unicef-cpap-2021-2025")
    assert (unicef["start"], unicef["end"], unicef["end_day"], unicef["country"]) == ("2021", "2025", "2025-12-31", None)
    osaka = next(r for r in rows if r["id"] == "osaka-sister-province")
    assert (osaka["end"], osaka["days_left"], osaka["state"]) == (None, None, "active")


@pytest.mark.parametrize("as_of, expected", [
    ("2024-06-29", None),
    ("2024-06-30", "due"),   # 18 months before 2025-12-31
    ("2025-12-31", "due"),
    ("2026-01-01", "lapsed"),
])
def test_unicef_programme_comes_due_at_its_window(example, as_of, expected):
    result = run("renew", "--as-of", as_of, "--json", store=example)
    states = {r["id"]: r["state"] for r in json.loads(result.stdout)}
    assert states.get("unicef-cpap-2021-2025") == expected


def test_unicef_is_a_central_programme_with_an_evaluation_and_no_dprd_step(example):
    plan = json.loads(run("plan", "unicef-cpap-2021-2025", "--json", "--as-of", "2025-08-01", store=example).stdout)
    assert (plan["category"], plan["procedure"]) == ("none", "central")
    assert [(m["name"], m["due"], m["status"], m["assumed"]) for m in plan["milestones"]] == [
        ("evaluation", "2025-06-30", "overdue", True)]


def test_renew_check_exits_1_when_due_or_lapsed(example):
    assert run("renew", "--check", "--as-of", "2020-01-01", store=example).exit_code == 0  # nothing due yet
    result = run("renew", "--check", "--as-of", "2026-01-01", store=example)
    assert result.exit_code == 1
    assert "lapsed" in result.stdout
    # UNICEF lapsed and the three DKI Jakarta documents are due; those four, Western Australia and the Alexandria
    # LoI's way to an MoU have overdue milestones
    assert result.stderr == "4 agreements due or lapsed; 6 with an overdue milestone\n"


def test_renew_check_exits_1_for_an_overdue_milestone_alone(example):
    # on the article day Western Australia is only renewing, but its verification is overdue, and so is the RKS
    # of Alexandria's way from the LoI to an MoU
    result = run("renew", "--check", "--as-of", ARTICLE_DAY, store=example)
    assert result.exit_code == 1
    assert result.stderr == "2 agreements with an overdue milestone\n"


def test_renew_within_overrides_the_window(example):
    rows = json.loads(run("renew", "--within", "90d", "--json", "--as-of", "2025-08-22", store=example).stdout)
    assert [r["id"] for r in rows if r["state"] not in ("active", "intent")] == ["western-australia-sister-state"]
    # UNICEF is not due within 90 days, but stays listed: its evaluation (due 2025-06-30) is overdue
    unicef = next(r for r in rows if r["id"] == "unicef-cpap-2021-2025")
    assert unicef["overdue_milestones"][0] == {"name": "evaluation", "label": "Evaluation of the current term", "label_id": "Evaluasi pelaksanaan kerja sama",
                                               "date": "2025-06-30", "assumed": True}
    rows = json.loads(run("renew", "--within", "6m", "--json", "--as-of", "2025-08-22", store=example).stdout)
    assert "unicef-cpap-2021-2025" in [r["id"] for r in rows]


def test_report_sector_vocational_lists_tianjin(example):
    result = run("report", "--sector", "vocational", "--as-of", ARTICLE_DAY, "--json", store=example)
    data = json.loads(result.stdout)
    assert data["sector"] == "vocational"
    assert {p["id"] for p in data["partners"]} == {"tianjin"}
    assert {"id", "name", "country"} <= set(data["partners"][0])
    assert "2017-12-12" in [a["date"] for a in data["activities"]]


@pytest.mark.parametrize("name", ["umkm", "UKM", "msme", "Koperasi, usaha kecil, dan menengah"])
def test_report_sector_msme_in_either_language_lists_osaka(example, name):
    data = json.loads(run("report", "--sector", name, "--as-of", ARTICLE_DAY, "--json", store=example).stdout)
    assert data["sector"] == "msme"
    assert [p["id"] for p in data["partners"]] == ["dki-jakarta", "osaka"]
    osaka = next(a for a in data["agreements"] if a["partner_id"] == "osaka")
    assert osaka["sector_since"] == "2014-02-19"


def test_report_sector_table(example):
    result = run("report", "--sector", "vokasi", "--as-of", ARTICLE_DAY, store=example)
    assert result.exit_code == 0
    assert result.stdout.startswith("Sector vocational: Vocational education & training / Pendidikan vokasi")
    assert "tianjin-vocational-mou-2016" in result.stdout


def test_portfolio_report(example):
    data = json.loads(run("report", "--json", "--as-of", ARTICLE_DAY, store=example).stdout)
    assert data["owner"] == "Pemerintah Provinsi Jawa Timur"
    assert data["by_state"]["renewing"] == 1
    assert data["partners_without_agreement"] == ["samarkand"]
    table = run("report", "--as-of", ARTICLE_DAY, store=example).stdout
    assert "Owner                Pemerintah Provinsi Jawa Timur" in table
    md = run("report", "--format", "md", "--as-of", ARTICLE_DAY, store=example).stdout
    assert md.startswith("# Cooperation portfolio: Pemerintah Provinsi Jawa Timur\n")


def test_report_country_filter(example):
    data = json.loads(run("report", "--country", "cn", "--json", "--as-of", ARTICLE_DAY, store=example).stdout)
    assert (data["partners"], data["agreements"]) == (1, 2)


def test_show_agreement(example):
    result = run("show", "western-australia-sister-state", "--as-of", ARTICLE_DAY, store=example)
    assert result.exit_code == 0
    assert "renewing (ended ~2022-09, 326 days ago)" in result.stdout
    assert "pending" in result.stdout
    data = json.loads(run("show", "western-australia-sister-state", "--json", "--as-of", ARTICLE_DAY, store=example).stdout)
    assert [t["pending"] for t in data["terms"]] == [False, False, False, True]
    assert [t["current"] for t in data["terms"]] == [False, False, True, False]
    assert data["terms"][0]["runs_to"] == "2007-09-27"


def test_show_partner_by_name_and_prospect(example):
    data = json.loads(run("show", "Osaka Prefecture", "--json", store=example).stdout)
    assert data["id"] == "osaka" and data["agreements"][0]["id"] == "osaka-sister-province"
    assert "No agreement yet" in run("show", "samarkand", store=example).stdout


def test_list_filters(example):
    def ids(*args):
        return [r["id"] for r in json.loads(run("list", "--json", "--as-of", ARTICLE_DAY, *args, store=example).stdout)]

    assert ids("--country", "JP") == ["osaka-sister-province"]
    assert ids("--state", "renewing") == ["western-australia-sister-state"]
    assert ids("--partner", "tianjin") == ["tianjin-sister-province", "tianjin-vocational-mou-2016"]
    assert ids("--sector", "Pendidikan Vokasi") == ["tianjin-sister-province", "tianjin-vocational-mou-2016"]


def test_csv_and_md_formats(example):
    csv_out = run("list", "--format", "csv", "--as-of", ARTICLE_DAY, store=example).stdout
    assert csv_out.splitlines()[0] == ("id,partner,partner_id,country,type,category,under,title,sectors,unit,start,end,"
                                       "state,days_left,dormant,last_activity,review_due,assumed")
    assert ",renewing,-326,yes,2017-09,no,start;end" in csv_out  # a month-only activity stays a month
    assert ",pks,KSDD,dki-jakarta-kb-2021," in csv_out
    md = run("list", "--format", "md", "--as-of", ARTICLE_DAY, store=example).stdout
    assert md.splitlines()[1] == "|---" * 18 + "|"


def test_check_passes_on_the_example(example):
    result = run("check", store=example)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == f"{example}: OK (8 partners, 10 agreements)\n"


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("args, message, code", [
    (["list", "--sector", "vokational"], "unknown sector 'vokational'; did you mean vocational", 2),
    (["list", "--state", "expired"], "no state 'expired'; use one of", 2),
    (["list", "--state", "lapse"], "no state 'lapse'; use one of: upcoming, proposed, intent, active, due, renewing, "
                                   "lapsed, terminated; did you mean lapsed?", 2),
    (["list", "--type", "mouu"], "'mouu' is not a document type; use one of: kb, pks, mou", 2),
    (["list", "--country", "Australi"], "country 'Australi' is not an ISO 3166-1 alpha-2 code", 2),
    (["report", "--country", "Jepan"], "did you mean Jepang (JP), Japan (JP)?", 2),
    (["activities", "--partner", "Osak"], "no partner 'Osak'; did you mean osaka", 2),
    (["timeline", "--partner", "Osak"], "no partner 'Osak'; did you mean osaka", 2),
    (["report", "--sector", "pariwisat"], "unknown sector 'pariwisat'; did you mean tourism (Pariwisata)?", 2),
    (["show", "osaka-sister-provinse"], "did you mean osaka-sister-province", 1),
    (["renew", "wa", "--until", "2030", "--pending"], "no agreement 'wa'", 1),
    (["list", "--partner", "Osak"], "no partner 'Osak'; did you mean osaka", 2),
])
def test_unknown_names_get_the_nearest_matches(example, args, message, code):
    result = run(*args, store=example)
    assert result.exit_code == code, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith("coopctl: error: ") and message in result.stderr
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("command", [["sectors"], ["types"], ["kinds"], ["docs"], ["restore"], ["list"]])
def test_a_bad_as_of_is_refused_by_every_listing(example, command):
    """A listing whose rows do not depend on the day still refuses a date that is not one (cron scripts pass
    the same --as-of to every command, and a typo must not pass silently with exit 0)."""
    result = run(*command, "--as-of", "besok-lusa", store=example)
    assert result.exit_code == 2, result.stdout
    assert result.stdout == ""
    assert result.stderr.startswith("coopctl: error: --as-of: 'besok-lusa' is not a date")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("args, message", [
    (["list", "--as-of", "2023-02-30"], "--as-of: '2023-02-30' is not a date in the calendar"),
    (["add", "osaka", "--title", "x", "--type", "mou", "--start", "2023", "--end", "1/13/2023"], "--end:"),
    (["add", "osaka", "--type", "mou", "--start", "2023", "--no-input"], "missing --title"),
    (["add", "Kota Baru", "--title", "x", "--type", "mou", "--start", "2023"], "'Kota Baru' is not a partner yet; to create it give its country and kind"),
    (["renew", "osaka-sister-province"], "give --until DATE"),
    # an empty value from a script's unset variable is refused, not stored as unit = "" or taken as not given
    (["add", "osaka", "--title", "x", "--type", "mou", "--start", "2023", "--unit", " "],
     "--unit: an empty value: give the text, or leave the option out"),
    (["add", "Kota Baru", "--title", "x", "--type", "mou", "--start", "2023", "--country", "ID", "--kind", "KSDD",
      "--partner-id", ""], "partner id '' must be 1-64 lowercase letters, digits and '-' (a slug), such as 'kota-baru'"),
    # what is said of a new partner is not dropped unseen when the partner exists and is otherwise
    (["add", "osaka", "--title", "x", "--type", "mou", "--start", "2023", "--country", "US"],
     "'osaka' is the existing partner osaka, whose country is JP; leave out the country, or name a new partner"),
    (["add", "Osaka Prefecture", "--title", "x", "--type", "mou", "--start", "2023", "--kind", "pihak ketiga"],
     "'Osaka Prefecture' is the existing partner osaka, of kind foreign-local-gov; leave out the kind, or name a new "
     "partner"),
])
def test_usage_errors_exit_2(example, args, message):
    before = snapshot(example, "*.toml")
    result = run(*args, store=example)
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr
    assert snapshot(example, "*.toml") == before


@pytest.mark.parametrize("args, message", [
    (["add", "osaka", "--title", "x", "--type", "mou", "--start", "2023", "--end", "2022"], "the end (2022) is before the start (2023)"),
    (["add", "osaka", "--title", "x", "--type", "mou", "--start", "2023", "--id", "../x"], "must be 1-64 lowercase"),
    (["add", "osaka", "--title", "x", "--type", "mou", "--start", "2023", "--id", "osaka-sister-province"], "already used"),
    (["renew", "western-australia-sister-state", "--until", "2033", "--pending"], "already has a pending term"),
    (["renew", "unicef-cpap-2021-2025", "--until", "2030", "--from", "2025-06", "--pending"], "inside the current term"),
])
def test_data_errors_exit_1_and_write_nothing(example, args, message):
    before = snapshot(example, "*.toml")
    result = run(*args, store=example)
    assert result.exit_code == 1, result.stderr
    assert message in result.stderr
    assert snapshot(example, "*.toml") == before


def test_check_reports_file_and_line(example):
    path = example / "partners" / "alexandria.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('type = "loi"', 'type = "letter"'), encoding="utf-8")
    (example / "partners" / "broken.toml").write_text('name = "x\n', encoding="utf-8")
    result = run("check", store=example)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert re.match(rf"^{re.escape(str(example))}/partners/alexandria.toml:\d+:1: 'type' is 'letter'; use one of", lines[0])
    assert re.match(rf"^{re.escape(str(example))}/partners/broken.toml:1:\d+: invalid TOML", lines[1])
    # reading commands refuse a broken store with the first problem and a count
    listed = run("list", store=example)
    assert listed.exit_code == 1
    assert "(and 1 more problem: run 'coopctl check')" in listed.stderr


def test_no_store(tmp_path):
    result = run("list", store=tmp_path / "missing")
    assert result.exit_code == 1
    assert "coopctl init" in result.stderr


def test_markup_and_control_characters_are_text(empty_store):
    name = "[bold red]Evil[/] \x1b[31mRed\x1b[0m [link=file:///etc/passwd]x[/link]"
    result = run("add", name, "--title", "T", "--type", "mou", "--start", "2024", "--country", "ID",
                 "--kind", "third-party", "--id", "evil-mou", store=empty_store)
    assert result.exit_code == 0, result.stderr
    shown = run("list", "--as-of", "2024-06-01", store=empty_store)
    assert "[bold red]Evil[/]" in shown.stdout or "[bold red]Evil[/…" in shown.stdout
    assert "\x1b" not in shown.stdout and "\x1b" not in shown.stderr
    data = json.loads(run("list", "--json", "--as-of", "2024-06-01", store=empty_store).stdout)
    assert data[0]["partner"] == name  # JSON keeps the data exactly


def test_csv_neutralises_formulas(empty_store):
    run("add", "=HYPERLINK(\"http://x\")", "--title", "@SUM(A1)", "--type", "mou", "--start", "2024",
        "--country", "ID", "--kind", "third-party", "--id", "formula", store=empty_store)
    out = run("list", "--format", "csv", "--as-of", "2024-06-01", store=empty_store).stdout
    row = out.splitlines()[1]
    assert "'=HYPERLINK" in row and "'@SUM(A1)" in row


# ---------------------------------------------------------------- writing


def test_add_creates_partner_and_agreement_then_check_passes(empty_store):
    result = run("add", "Kota Surabaya", "--title", "PKS Perdagangan 2024", "--type", "pks",
                 "--sector", "perdagangan", "--sector", "UMKM", "--start", "1/3/2024", "--end", "28/2/2029",
                 "--country", "id", "--kind", "domestic-region", store=empty_store)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ("Saved: add kota-surabaya-pks-2024 (pks) for Kota Surabaya and new partner "
                             "kota-surabaya: term 2024-03-01..2029-02-28\n")
    text = (empty_store / "partners" / "kota-surabaya.toml").read_text(encoding="utf-8")
    assert text == """\
name = "Kota Surabaya"
country = "ID"
kind = "domestic-region"

[[agreements]]
id = "kota-surabaya-pks-2024"
title = "PKS Perdagangan 2024"
type = "pks"
sectors = ["trade", "msme"]

[[agreements.terms]]
start = 2024-03-01
end = 2029-02-28
"""
    assert run("check", store=empty_store).exit_code == 0
    rows = json.loads(run("list", "--json", "--as-of", "2028-08-28", store=empty_store).stdout)
    assert rows[0]["state"] == "due"  # domestic: 6 months before 2029-02-28
    rows = json.loads(run("list", "--json", "--as-of", "2028-08-27", store=empty_store).stdout)
    assert rows[0]["state"] == "active"


def test_dry_run_shows_the_change_and_writes_nothing(example):
    before = snapshot(example, "*.toml")
    result = run("renew", "unicef-cpap-2021-2025", "--until", "2030", "--pending", "--dry-run", store=example)
    assert result.exit_code == 0
    assert "+pending = true" in result.stdout
    assert result.stderr == "Dry run, nothing written: renew unicef-cpap-2021-2025: pending term 2026-01-01..2030\n"
    assert snapshot(example, "*.toml") == before


def test_renewal_lifecycle(example):
    assert run("renew", "unicef-cpap-2021-2025", "--until", "2030", "--pending", "--recorded", "2025-11-03",
               store=example).exit_code == 0
    state = lambda day: json.loads(run("list", "--json", "--as-of", day, store=example).stdout)
    unicef = lambda day: next(r for r in state(day) if r["id"] == "unicef-cpap-2021-2025")
    assert unicef("2025-11-02")["state"] == "due"  # the renewal was not known to be under way yet
    assert unicef("2025-11-03")["state"] == "renewing"
    assert unicef("2026-02-01")["state"] == "renewing"
    result = run("renew", "unicef-cpap-2021-2025", "--signed", "15/12/2025", store=example)
    assert result.exit_code == 0
    assert result.stderr == "Saved: renew unicef-cpap-2021-2025: term 2026-01-01..2030 signed 2025-12-15\n"
    assert unicef("2026-02-01")["state"] == "active"
    assert unicef("2026-02-01")["end_day"] == "2030-12-31"
    assert unicef("2025-11-10")["state"] == "renewing"  # the past stays as it was: signed only on 2025-12-15
    assert run("terminate", "unicef-cpap-2021-2025", "--date", "2027-01-01", "--reason", "programme closed",
               store=example).exit_code == 0
    assert unicef("2027-01-01")["state"] == "terminated"
    assert unicef("2026-12-31")["state"] == "active"
    assert run("renew", "unicef-cpap-2021-2025", "--until", "2035", "--pending", store=example).exit_code == 1


def test_renew_signed_term_follows_the_last_end(example):
    result = run("renew", "tianjin-sister-province", "--from", "2024-01-01", "--until", "2028-12-31",
                 "--signed", "2023-12-01", store=example)
    assert result.exit_code == 0, result.stderr
    data = json.loads(run("show", "tianjin-sister-province", "--json", "--as-of", "2024-06-01", store=example).stdout)
    assert data["terms"][-1] == {"start": "2024-01-01", "end": "2028-12-31", "runs_to": "2028-12-31",
                                 "signed": "2023-12-01", "pending": False, "current": True,
                                 "number": None, "place": None, "note": None, "assumed": [], "lapse_before": False,
                                 "recorded": None, "partner_number": None, "signatories": []}
    assert data["terms"][0]["runs_to"] == "2023-12-31"


def test_init_refuses_an_existing_store_and_sets_owner(tmp_path, example):
    assert run("init", store=example).exit_code == 1
    new = tmp_path / "new"
    result = run("init", "--owner", "Pemerintah Kota Surabaya", store=new)
    assert result.exit_code == 0
    assert (new / "coopctl.toml").read_text(encoding="utf-8").startswith('owner = "Pemerintah Kota Surabaya"\n')
    sample = tmp_path / "sample"
    assert run("init", "--sample", store=sample).exit_code == 0
    assert snapshot(sample, "*.toml") == snapshot(example, "*.toml")


def test_store_from_environment(example, monkeypatch):
    monkeypatch.setenv("COOPCTL_STORE", str(example))
    assert run("check").exit_code == 0


def test_every_command_has_help_with_an_example():
    for name in ["init", "list", "show", "add", "renew", "terminate", "report", "check"]:
        result = run(name, "--help")
        assert result.exit_code == 0
        assert "Example" in result.stdout, name

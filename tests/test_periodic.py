"""The periodic report (`report --period`, `--from`/`--to`; issue 20): the period's boundaries, partial dates,
the rules at the period's dates, and the report of the example."""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from coopctl.app import periodic
from coopctl.app.queries import Snapshot
from coopctl.cli import app
from coopctl.core.dates import parse_stored
from coopctl.core.errors import UsageError
from coopctl.core.records import Activity, Agreement, Milestone, Partner, Settings, Store, Term

runner = CliRunner()
D = parse_stored


def term(start: str, end: str | None = None, signed: str | None = None, pending: bool = False) -> Term:
    return Term(D(start), D(end) if end else None, D(signed) if signed else None, pending)


def store_of(*agreements: Agreement, kind: str = "domestic-region") -> Store:
    partner = Partner("kota", "Kota Contoh", kind, "ID", agreements=agreements)
    return Store(Settings(owner="Test Bureau"), {"kota": partner})


def agreement(*terms: Term, **more) -> Agreement:
    return Agreement(more.pop("id", "pks"), "kota", "PKS", more.pop("type", "pks"), terms=terms, **more)


def report(store: Store, text: str, as_of: date = date(2030, 1, 1)) -> dict:
    asked = periodic.period(text, None, None, as_of)
    return periodic.periodic_report(Snapshot(store, periodic.reported_to(asked, as_of)), asked)


def ids(data: dict, section: str) -> list[str]:
    return [r.get("agreement") or r["id"] for r in data[section]]


# ---------------------------------------------------------------- the period asked for


@pytest.mark.parametrize("text, first, last", [
    ("2025", "2025-01-01", "2025-12-31"),
    ("2025-S1", "2025-01-01", "2025-06-30"),
    ("2025-s2", "2025-07-01", "2025-12-31"),
    ("2025-Q1", "2025-01-01", "2025-03-31"),
    ("2025-Q3", "2025-07-01", "2025-09-30"),
    ("2025-Q4", "2025-10-01", "2025-12-31"),
    ("2024-02", "2024-02-01", "2024-02-29"),
])
def test_named_periods(text, first, last):
    asked = periodic.period(text, None, None, date(2030, 1, 1))
    assert (asked.first.isoformat(), asked.last.isoformat()) == (first, last)


@pytest.mark.parametrize("text", ["2025-S3", "2025-Q5", "2025-Q0", "25", "2025-H1", "2025-13", "last year"])
def test_a_period_that_is_not_one_is_a_usage_error(text):
    with pytest.raises(UsageError) as e:
        periodic.period(text, None, None, date(2030, 1, 1))
    assert e.value.field == "period"


def test_from_and_to_take_the_first_and_last_days_of_partial_dates():
    asked = periodic.period(None, "2025-03", "2025-05", date(2030, 1, 1))
    assert (asked.first, asked.last) == (date(2025, 3, 1), date(2025, 5, 31))
    assert periodic.period(None, "1/3/2025", None, date(2025, 4, 9)).last == date(2025, 4, 9)  # to: the as-of date
    with pytest.raises(UsageError):
        periodic.period(None, "2025-05", "2025-03", date(2030, 1, 1))
    with pytest.raises(UsageError):
        periodic.period(None, None, "2025-03", date(2030, 1, 1))
    with pytest.raises(UsageError):
        periodic.period("2025", "2025-01", None, date(2030, 1, 1))


def test_a_partial_date_is_in_the_period_if_any_of_its_days_is():
    first, last = date(2025, 7, 1), date(2025, 9, 30)
    assert periodic.touches(D("2025"), first, last)
    assert periodic.touches(D("2025-09"), first, last)
    assert not periodic.touches(D("2025-06"), first, last)
    assert not periodic.touches(D("2025-10-01"), first, last)
    assert periodic.touches(D("2025-07-01"), first, last) and periodic.touches(D("2025-09-30"), first, last)
    assert not periodic.touches(None, first, last)


# ---------------------------------------------------------------- the boundaries


def test_a_term_ending_on_the_periods_last_day_is_in_force_and_lapses_in_it():
    store = store_of(agreement(term("2021-01-01", "2025-12-31")))
    data = report(store, "2025")
    assert ids(data, "in_force") == ["pks"] and ids(data, "lapsed") == ["pks"]
    assert data["lapsed"][0]["end"] == "2025-12-31"
    later = report(store, "2026")
    assert ids(later, "in_force") == [] and ids(later, "lapsed") == []


def test_a_term_ending_the_day_before_the_period_is_neither_in_force_nor_lapsed_in_it():
    store = store_of(agreement(term("2021-01-01", "2024-12-31")))
    data = report(store, "2025")
    assert ids(data, "in_force") == [] and ids(data, "lapsed") == []
    assert ids(report(store, "2024-Q4"), "lapsed") == ["pks"]


def test_a_term_starting_on_the_periods_first_day_is_new_in_it_and_not_before():
    store = store_of(agreement(term("2025-01-01", "2029-12-31")))
    data = report(store, "2025")
    assert ids(data, "new") == ["pks"] and ids(data, "in_force") == ["pks"]
    before = report(store, "2024")
    assert ids(before, "new") == [] and ids(before, "in_force") == []


def test_a_term_starting_the_day_after_the_period_is_not_in_it():
    store = store_of(agreement(term("2025-07-01", "2029-12-31")))
    data = report(store, "2025-S1")
    assert ids(data, "new") == [] and ids(data, "in_force") == []
    assert ids(report(store, "2025-S2"), "new") == ["pks"]


def test_partial_dates_of_terms():
    store = store_of(agreement(term("2025-06", "2025-07")))
    first_half, second_half = report(store, "2025-S1"), report(store, "2025-S2")
    assert ids(first_half, "new") == ["pks"] and ids(first_half, "in_force") == ["pks"]
    assert ids(first_half, "lapsed") == []
    assert ids(second_half, "lapsed") == ["pks"] and second_half["lapsed"][0]["end"] == "2025-07-31"
    assert ids(second_half, "new") == []


def test_a_renewal_signed_or_started_in_the_period_and_nothing_lapses():
    store = store_of(agreement(term("2020-03-01", "2025-02-28"), term("2025-03-01", "2030-02-28", "2025-02-10")))
    data = report(store, "2025")
    assert ids(data, "renewed") == ["pks"] and ids(data, "lapsed") == [] and ids(data, "new") == []
    signed_before = report(store, "2025-02")  # signed in February, starts in March
    assert ids(signed_before, "renewed") == ["pks"]


def test_a_term_signed_after_the_period_was_not_signed_in_it():
    # signed in January 2026, valid from December 2025: in 2025 it was not signed yet, so the old term lapsed
    store = store_of(agreement(term("2020-12-01", "2025-11-30"), term("2025-12-01", "2030-11-30", "2026-01-05")))
    data = report(store, "2025")
    assert ids(data, "renewed") == [] and ids(data, "lapsed") == ["pks"]
    assert data["in_force"][0]["start"] == "2020-12-01"
    later = report(store, "2026")
    assert ids(later, "renewed") == ["pks"] and ids(later, "in_force") == ["pks"]


def test_a_pending_term_is_not_a_renewal():
    store = store_of(agreement(term("2020-01-01", "2025-06-30"), term("2025-07-01", "2030-06-30", pending=True)))
    data = report(store, "2025")
    assert ids(data, "renewed") == [] and ids(data, "lapsed") == ["pks"]


def test_terminated_in_the_period():
    store = store_of(agreement(term("2020-01-01", "2029-12-31"), terminated=D("2025-05-10")))
    data = report(store, "2025-Q2")
    assert ids(data, "terminated") == ["pks"] and ids(data, "in_force") == ["pks"] and ids(data, "lapsed") == []
    after = report(store, "2025-Q3")
    assert ids(after, "terminated") == [] and ids(after, "in_force") == []


def test_a_letter_of_intent_is_not_in_force():
    store = store_of(agreement(term("2025-02-01", signed="2025-02-01"), type="loi"), kind="foreign-local-gov")
    data = report(store, "2025")
    assert ids(data, "in_force") == [] and ids(data, "new") == ["pks"]


def test_activities_steps_and_evaluations():
    acts = (Activity(D("2025"), "trade", "a year"), Activity(D("2025-06"), "trade", "June"),
            Activity(D("2025-07-01"), "trade", "first day", type="evaluation"),
            Activity(D("2025-09-30"), "trade", "last day"), Activity(D("2025-10-01"), "trade", "day after"))
    steps = (Milestone("offer", D("2025-08-01")), Milestone("kb-signed", D("2025-08-02")),
             Milestone("kb-signed", D("2025-08-03"), undone=True), Milestone("evaluation", D("2025-07")))
    store = store_of(agreement(term("2021-01-01", "2026-03-31"), activities=acts, milestones=steps))
    data = report(store, "2025-Q3")
    assert [a["summary"] for a in data["activities"]] == ["a year", "first day", "last day"]
    assert [(m["step"], m["date"]) for m in data["milestones"]] == [("evaluation", "2025-07"), ("offer", "2025-08-01")]
    assert [(e["source"], e["date"]) for e in data["evaluations_done"]] == [("step", "2025-07"),
                                                                            ("activity", "2025-07-01")]
    # the domestic procedure's evaluation is due 6 months before the end (2025-09-30)
    assert [e["due"] for e in data["evaluations_due"]] == ["2025-09-30"]
    assert data["by_category"]["KSDD"]["activities"] == 3
    public = periodic.periodic_report(Snapshot(store, date(2025, 9, 30)), periodic.period("2025-Q3", None, None,
                                                                                           date(2030, 1, 1)), True)
    assert not {"activities", "milestones", "evaluations_due", "evaluations_done"} & set(public)
    assert set(public["by_category"]["KSDD"]) == {"in_force", "new", "renewed", "lapsed", "terminated"}


def test_a_period_lists_every_record_dated_in_it_and_its_states_at_the_as_of_date():
    acts = (Activity(D("2025-03-01"), "trade", "before"), Activity(D("2025-05-01"), "trade", "after"))
    store = store_of(agreement(term("2021-01-01", "2025-06-30"), activities=acts))
    data = report(store, "2025", as_of=date(2025, 4, 1))
    assert data["reported_to"] == "2025-04-01" and [a["summary"] for a in data["activities"]] == ["before", "after"]
    assert data["lapsed"] == []  # the end of June had not come by the as-of date: no lapse is foreseen
    assert [r["state"] for r in data["in_force"]] == ["due"]
    with pytest.raises(UsageError):
        report(store, "2026", as_of=date(2025, 4, 1))


# ---------------------------------------------------------------- the command, on the example


def cli(*args: str):
    return runner.invoke(app, ["report", *args])


def test_the_periodic_report_of_2023_on_the_example(example):
    result = cli("--store", str(example), "--period", "2023", "--as-of", "2024-01-15")
    assert result.exit_code == 0, result.output
    assert result.output == EXAMPLE_2023


def test_the_periodic_report_as_json_lists_the_activities_of_each_year(example):
    def activities(period: str) -> list[tuple[str, str]]:
        result = cli("--store", str(example), "--period", period, "--as-of", "2026-01-15", "--json")
        assert result.exit_code == 0, result.output
        return [(a["date"], a["agreement"]) for a in json.loads(result.output)["activities"]]

    assert activities("2023") == [("2023-09-06", "western-australia-sister-state")]
    assert activities("2021") and all(d.startswith("2021") for d, _ in activities("2021"))
    assert all(a.startswith("dki-jakarta") for _, a in activities("2021"))
    assert any(a.startswith("dki-jakarta") for _, a in activities("2025"))


def test_the_periodic_report_of_2022_has_the_wa_lapse_and_the_dprd_approval(example):
    result = cli("--store", str(example), "--period", "2022", "--as-of", "2023-08-22", "--json")
    data = json.loads(result.output)
    assert [r["id"] for r in data["lapsed"]] == ["western-australia-sister-state"]
    assert data["lapsed"][0]["end"] == "2022-09-30"
    assert [(m["id"], m["step"]) for m in data["milestones"]] == [("western-australia-sister-state", "dprd-approval")]
    assert "western-australia-sister-state" in [r["id"] for r in data["in_force"]]


def test_the_periodic_report_up_to_the_as_of_date_in_markdown_and_indonesian(example):
    result = cli("--store", str(example), "--period", "2023", "--as-of", "2023-08-22", "--format", "md",
                 "--lang", "id")
    assert result.exit_code == 0, result.output
    assert "Laporan periodik 2023" in result.output and "(status per 22 Agustus 2023, tanggal acuan;" in result.output
    assert "## Menurut kategori hukum" in result.output


def test_the_periodic_report_as_a_page_escapes_the_store(tmp_path):
    from helpers import make_store

    root = make_store(tmp_path)
    name = '<script>alert(1)</script>'
    (root / "partners" / "h.toml").write_text(
        f'name = {json.dumps(name)}\ncountry = "ID"\nkind = "domestic-region"\n\n[[agreements]]\nid = "h-pks"\n'
        f'title = "x"\ntype = "pks"\nsectors = ["trade"]\n\n[[agreements.terms]]\nstart = 2021-03-01\n'
        f'end = 2026-02-28\n\n[[agreements.activities]]\ndate = \"2023-05\"\nsector = "trade"\n'
        f'summary = {json.dumps(name)}\n', encoding="utf-8")
    page = tmp_path / "p.html"
    result = cli("--store", str(root), "--period", "2023", "--as-of", "2024-01-15", "--format", "html", "-o", str(page),
                 "--lang", "id")
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<html lang="id">' in html and "Berlaku dalam periode" in html and "h-pks" in html
    assert "http" not in html.replace('http-equiv', '')  # nothing fetched


def test_the_public_periodic_report_has_no_activities_or_steps(example):
    for fmt in ("table", "md", "json", "csv"):
        result = cli("--store", str(example), "--period", "2022", "--as-of", "2024-01-15", "--public", "--format", fmt)
        assert result.exit_code == 0, result.output
        assert "dprd-approval" not in result.output and "Steps done" not in result.output
        assert "western-australia-sister-state" in result.output or fmt == "csv"


def test_from_and_to_on_the_example(example):
    result = cli("--store", str(example), "--from", "2021-06", "--to", "2021-06", "--as-of", "2024-01-15",
                 "--format", "md")
    assert result.exit_code == 0, result.output
    assert "Periodic report: 2021-06-01 to 2021-06-30\n" in result.output
    assert "| KSDD | dki-jakarta-kb-2021 | DKI Jakarta | 2021-06-03 |   |" in result.output  # new, by its start


@pytest.mark.parametrize("args", [
    ["--period", "2023-S3"], ["--period", "2023", "--from", "2023-01"], ["--to", "2023-05"],
    ["--period", "2023", "--sector", "trade"], ["--period", "2023", "-o", "x.html"],
    ["--period", "2030"],
])
def test_bad_periodic_options_are_usage_errors(example, args):
    result = cli("--store", str(example), "--as-of", "2024-01-15", *args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


EXAMPLE_2023 = """\
Pemerintah Provinsi Jawa Timur
Periodic report 2023: 2023-01-01 to 2023-12-31

By legal category
Section           KSDPL  KSDLL  KSDD  KSDPK  none  Total
In force              4      0     3      0     1      8
New                   0      0     0      0     0      0
Renewed               0      0     0      0     0      0
Lapsed                0      0     0      0     0      0
Terminated            0      0     0      0     0      0
Activities            1      0     0      0     0      1
Steps done            0      0     0      0     0      0
Evaluations due       0      0     0      0     0      0
Evaluations done      0      0     0      0     0      0
Documents filed       0      0     0      0     0      0

In force during the period
Category  Agreement                    Partner        Type           Term                     State
KSDPL     gyeongnam-sister-province    Gyeongsangna…  sister-provi…  ~2016-11-03..open        active
KSDPL     osaka-sister-province        Osaka Prefec…  sister-provi…  ~2014-02-19..open        active
KSDPL     tianjin-sister-province      Tianjin        sister-provi…  ~2003..open              active
KSDPL     tianjin-vocational-mou-2016  Tianjin        mou            2016..open               active
KSDD      dki-jakarta-kb-2021          DKI Jakarta    kb             2021-06-03..2026-06-03   active
KSDD      dki-jakarta-pks-food-2021    DKI Jakarta    pks            2021-06-03..~2026-06-03  active
KSDD      dki-jakarta-pks-trade-2021   DKI Jakarta    pks            2021-06-03..~2026-06-03  active
none      unicef-cpap-2021-2025        UNICEF         programme      2021..2025               active

New agreements: none

Renewed: none

Lapsed (the last term ended, nothing followed): none

Terminated: none

Activities
Category  Date        Agreement                       Type   Summary
KSDPL     2023-09-06  western-australia-sister-state  event  Dinner marking 33 years of the
                                                             relationship during Premier Roger
                                                             Cook's roadshow, as the 2023-2028
                                                             extension was reported done. Filed
                                                             under trade: the sources name no
                                                             sector.

Steps done: none

Evaluations due: none

Evaluations done: none

Documents filed in the period: none

~ assumed: no source gives this date
"""

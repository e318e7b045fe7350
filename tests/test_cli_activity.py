"""Activation, extensification, expansion on a store built only through the CLI."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from coopctl.cli import app

runner = CliRunner()


def run(store, *args):
    return runner.invoke(app, [*args, "--store", str(store)])


def js(store, *args):
    result = run(store, *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def built(tmp_path):
    """Two partners, three agreements and a few activities, all added with coopctl itself."""
    store = tmp_path / "s"
    steps = [
        ["init", "--owner", "Biro Kerja Sama"],
        ["add", "Prefecture A", "--title", "Sister province", "--type", "sister-province", "--sector", "culture",
         "--sector", "pendidikan", "--start", "2010-01-01", "--country", "JP", "--kind", "foreign-local-gov", "--id", "a-sister"],
        ["add", "Prefecture A", "--title", "MoU trade", "--type", "mou", "--sector", "trade", "--start", "1/1/2020",
         "--end", "31/12/2024", "--id", "a-trade"],
        ["add", "Region B", "--title", "Letter of intent", "--type", "loi", "--sector", "tourism", "--start", "2022-11-23",
         "--signed", "2022-11-23", "--country", "EG", "--kind", "foreign-local-gov", "--id", "b-loi"],
        ["add", "City C", "--title", "Future MoU", "--type", "mou", "--start", "2030", "--country", "UZ",
         "--kind", "foreign-local-gov", "--id", "c-mou", "--pending", "--recorded", "2023-05-02"],
        ["log", "a-sister", "Cultural festival", "--date", "15/6/2023", "--sector", "kebudayaan", "--type", "event",
         "--participants", "300"],
        ["log", "a-trade", "Trade mission to Osaka", "--date", "2023-01-10", "--sector", "perdagangan",
         "--type", "trade-mission", "--value", "150000000", "--currency", "idr"],
        ["sector", "add", "a-sister", "umkm", "--since", "2024-02-01", "--basis", "addendum no. 1"],
    ]
    for step in steps:
        result = run(store, *step)
        assert result.exit_code == 0, (step, result.stderr)
    return store


def test_log_requires_one_of_the_agreements_sectors(built):
    result = run(built, "log", "a-trade", "Visit", "--date", "2023-02-01", "--sector", "culture")
    assert result.exit_code == 1
    assert "sector 'culture' is not one of a-trade's sectors (trade)" in result.stderr
    assert "coopctl sector add a-trade culture" in result.stderr


def test_log_validates_its_options(built):
    assert run(built, "log", "a-trade", "x", "--sector", "trade", "--type", "party").exit_code == 2
    assert run(built, "log", "a-trade", "x", "--sector", "trade", "--value", "5").exit_code == 2
    assert run(built, "log", "nope", "x", "--sector", "trade").exit_code == 1


@pytest.mark.parametrize("option", ["--value", "--participants"])
def test_log_refuses_a_number_no_store_file_can_hold(built, option):
    """It exited 1 with "partners/prefecture-a.toml: 'value' is too large", naming a file and not the option."""
    currency = ["--currency", "IDR"] if option == "--value" else []
    result = run(built, "log", "a-trade", "x", "--sector", "trade", *currency, option, "9" * 25)
    assert result.exit_code == 2
    assert result.stderr == f"coopctl: error: {option}: the number is too large: at most {2**63 - 1}\n"


def test_activities_newest_first_and_filtered(built):
    rows = js(built, "activities")
    assert [(r["date"], r["agreement"], r["type"]) for r in rows] == [
        ("2023-06-15", "a-sister", "event"), ("2023-01-10", "a-trade", "trade-mission")]
    assert rows[1]["value"] == 150000000 and rows[1]["currency"] == "IDR"
    assert [r["agreement"] for r in js(built, "activities", "--sector", "trade")] == ["a-trade"]
    assert [r["agreement"] for r in js(built, "activities", "--since", "2023-02")] == ["a-sister"]
    assert [r["agreement"] for r in js(built, "activities", "--until", "2023-01")] == ["a-trade"]
    assert js(built, "activities", "--partner", "Region B") == []
    table = run(built, "activities").stdout
    assert table.splitlines()[0].split() == ["Date", "Agreement", "Sector", "Type", "Summary"]
    csv_out = run(built, "activities", "--format", "csv").stdout
    assert csv_out.splitlines()[0].startswith("date,agreement,partner,partner_id,sector,type,summary")


@pytest.mark.parametrize("as_of, dormant", [
    ("2024-01-10", []),                           # a-trade's mission was exactly 12 months ago
    ("2024-01-11", ["a-trade"]),
    ("2024-06-15", ["a-trade"]),
    ("2024-06-16", ["a-trade", "a-sister"]),
    ("2025-01-01", ["a-sister"]),                 # a-trade lapsed: no longer in force
])
def test_dormant_at_several_dates(built, as_of, dormant):
    """b-loi is a letter of intent: an intent, not cooperation in force, so never dormant."""
    rows = js(built, "dormant", "--as-of", as_of)
    assert [r["id"] for r in rows] == dormant


def test_dormant_check_and_months(built):
    assert run(built, "dormant", "--check", "--as-of", "2024-01-10").exit_code == 0
    assert run(built, "dormant", "--check", "--as-of", "2024-01-11").exit_code == 1
    result = run(built, "dormant", "--months", "24", "--as-of", "2024-06-16")
    assert result.exit_code == 0
    assert result.stdout == "no dormant agreement\n"  # both were active within 24 months (12: both dormant)
    rows = js(built, "list", "--as-of", "2024-06-16")
    sister = next(r for r in rows if r["id"] == "a-sister")
    assert (sister["dormant"], sister["last_activity"]) == (True, "2023-06-15")


def test_sector_history_through_the_cli(built):
    report = js(built, "report", "--sector", "msme", "--as-of", "2024-03-01")
    assert [(a["id"], a["sector_since"]) for a in report["agreements"]] == [("a-sister", "2024-02-01")]
    assert js(built, "report", "--sector", "msme", "--as-of", "2024-01-31")["agreements"] == []
    assert run(built, "sector", "remove", "a-sister", "culture", "--until", "2024-12-31").exit_code == 0
    assert js(built, "report", "--sector", "culture", "--as-of", "2025-01-01")["agreements"] == []
    assert [a["id"] for a in js(built, "report", "--sector", "culture", "--as-of", "2024-12-31")["agreements"]] == ["a-sister"]
    shown = js(built, "show", "a-sister")
    assert {"id": "culture", "since": None, "until": "2024-12-31", "basis": None} in shown["sectors"]
    assert {"id": "msme", "since": "2024-02-01", "until": None, "basis": "addendum no. 1"} in shown["sectors"]
    # added again later: the history keeps both periods
    assert run(built, "sector", "add", "a-sister", "culture", "--since", "2026-01-01").exit_code == 0
    assert run(built, "check").exit_code == 0
    assert run(built, "sector", "add", "a-sister", "budaya").exit_code == 1  # already covered
    assert run(built, "sector", "remove", "a-sister", "energy").exit_code == 1


def test_a_sector_cannot_end_before_the_agreement_starts(built):
    """`sector remove --until 1900-01-01` (a typo) was saved, though the agreement starts in 2010."""
    before = (built / "partners" / "prefecture-a.toml").read_bytes()
    result = run(built, "sector", "remove", "a-sister", "culture", "--until", "1900-01-01")
    assert result.exit_code == 1
    assert result.stderr == ("coopctl: error: --until: the date 1900-01-01 is before the agreement's first term starts "
                             "(2010-01-01)\n")
    assert (built / "partners" / "prefecture-a.toml").read_bytes() == before


def test_activities_with_since_after_until_is_a_usage_error(built):
    """Swapped dates said 'no activities match' with exit 0, where report and timeline refuse them."""
    result = run(built, "activities", "--since", "2025", "--until", "2020")
    assert result.exit_code == 2
    assert result.stderr == "coopctl: error: --until: the period ends (2020) before it starts (2025)\n"
    assert run(built, "activities", "--since", "2023-06-15", "--until", "2023-06-15").exit_code == 0


def test_coverage_stalled_and_prospects(built):
    early = js(built, "coverage", "--as-of", "2023-08-22")
    assert early["stalled"] == []
    # an LoI and a proposal are prospects, not partners in force
    assert [p["id"] for p in early["prospects"]] == ["city-c", "region-b"]
    before = js(built, "coverage", "--as-of", "2023-05-01")  # the day before city-c's proposal was recorded
    assert [p["id"] for p in before["prospects"]] == ["region-b"]
    late = js(built, "coverage", "--as-of", "2025-01-01")
    assert [(s["id"], s["loi_date"], s["last_step"], s["months"]) for s in late["stalled"]] == [
        ("region-b", "2022-11-23", "2022-11-23", 25)]
    assert late["sectors"] == ["culture", "education", "msme"]
    matrix = {row["partner_id"]: sorted(row["sectors"]) for row in late["matrix"]}
    assert matrix == {"prefecture-a": ["culture", "education", "msme"]}  # an LoI covers no sector yet
    assert {"trade", "tourism"} <= {s["id"] for s in late["uncovered"]}
    assert late["by_country"] == {"EG": ["region-b"], "JP": ["prefecture-a"], "UZ": ["city-c"]}
    table = run(built, "coverage", "--as-of", "2025-01-01").stdout
    assert "Stalled (only an LoI, no step for over 24 months): region-b (LoI 2022-11-23, 25 months)" in table
    csv_out = run(built, "coverage", "--as-of", "2025-01-01", "--format", "csv").stdout
    assert csv_out.splitlines()[0] == "partner,partner_id,country,culture,education,msme"
    md = run(built, "coverage", "--as-of", "2025-01-01", "--format", "md").stdout
    assert md.startswith("# Coverage as of 2025-01-01")


def test_an_mou_proposed_later_leaves_the_earlier_stalled_loi_and_prospect_as_they_were(example):
    """Alexandria's LoI (2022-11-23) was stalled and Alexandria a prospect on 2024-12-01; recording in 2025 the MoU
    that follows it made coverage at 2024-12-01 say 'Stalled: none' and drop the prospect: the past rewritten."""
    before = js(example, "coverage", "--as-of", "2024-12-01")
    assert [s["id"] for s in before["stalled"]] == ["alexandria"]
    added = run(example, "add", "alexandria", "--title", "MoU on sister-province cooperation", "--type", "mou",
                "--sector", "trade", "--start", "2025-06-01", "--end", "2030-05-31", "--pending",
                "--recorded", "2025-03-01", "--no-input")
    assert added.exit_code == 0, added.stderr
    after = js(example, "coverage", "--as-of", "2024-12-01")
    assert after["stalled"] == before["stalled"] and after["prospects"] == before["prospects"]
    assert "alexandria" in [p["id"] for p in after["prospects"]]
    # once the proposal is recorded, the partner has more than an LoI under way
    proposed = js(example, "coverage", "--as-of", "2025-03-01")
    assert proposed["stalled"] == []


def test_prospect_is_a_partner_without_agreement(tmp_path):
    store = tmp_path / "s"
    run(store, "init")
    (store / "partners" / "samarkand.toml").write_text('name = "Samarkand"\ncountry = "UZ"\nkind = "foreign-local-gov"\n',
                                                        encoding="utf-8")
    assert [p["id"] for p in js(store, "coverage", "--as-of", "2024-01-01")["prospects"]] == ["samarkand"]


def test_portfolio_report_in_every_format(built):
    data = js(built, "report", "--as-of", "2024-06-16")
    assert data["owner"] == "Biro Kerja Sama"
    assert [r["id"] for r in data["ending_within_12_months"]] == ["a-trade"]
    assert [r["id"] for r in data["dormant"]] == ["a-trade", "a-sister"]
    assert (data["by_state"]["proposed"], data["by_state"]["intent"], data["by_state"]["renewing"]) == (1, 1, 0)
    table = run(built, "report", "--as-of", "2024-06-16").stdout
    assert "Ending in 12 months  a-trade (2024-12-31)" in table
    md = run(built, "report", "--as-of", "2024-06-16", "--format", "md").stdout
    assert "As of 16 June 2024: 3 partners, 4 agreements." in md
    assert "| Prefecture A | MoU trade | 31 December 2024 |" in md
    assert run(built, "report", "--as-of", "2024-06-16", "--format", "csv").stdout.startswith("group,value,count\n")


def test_timeline(built):
    rows = js(built, "timeline", "--as-of", "2025-06-01")
    trade = next(r for r in rows if r["id"] == "a-trade")
    assert trade["terms"] == [{"start": "2020-01-01", "end": "2024-12-31", "pending": False, "first_day": "2020-01-01",
                               "last_day": "2024-12-31", "assumed": []}]
    assert trade["gaps"] == [{"start": "2025-01-01", "end": "2025-06-01", "kind": "lapse", "first_day": "2025-01-01",
                              "last_day": "2025-06-01"}]
    future = next(r for r in rows if r["id"] == "c-mou")
    assert future["terms"] == [{"start": "2030", "end": None, "pending": True, "first_day": "2030-01-01",
                                "last_day": None, "assumed": []}]
    out = runner.invoke(app, ["timeline", "--from", "2019", "--to", "2031", "--as-of", "2025-06-01", "--store", str(built)],
                        env={"COLUMNS": "80", "NO_COLOR": "1"}).stdout
    lines = out.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert lines[0].strip().startswith("2019")
    trade_line = next(line for line in lines if line.startswith("a-trade"))
    assert "█" in trade_line and "·" in trade_line and "│" in trade_line
    assert "░" in next(line for line in lines if line.startswith("c-mou"))
    assert lines[-1] == "█ signed term  ░ pending  · lapse  │ 2025-06-01"
    csv_out = run(built, "timeline", "--as-of", "2025-06-01", "--format", "csv").stdout
    assert "a-trade,Prefecture A,lapse,2025-01-01,2025-06-01" in csv_out


def test_timeline_of_terms_that_all_start_after_the_as_of_year(tmp_path):
    """The years run from the first start on, as the SVG's do: the bar was one cell under no axis when the last
    year came before the first."""
    store = tmp_path / "s"
    for step in (["init"], ["add", "Kota Malang", "--title", "Pendidikan", "--type", "mou", "--start", "2030-01-01",
                            "--country", "ID", "--kind", "domestic-region", "--id", "malang-mou", "--no-input"]):
        assert run(store, *step).exit_code == 0
    out = runner.invoke(app, ["timeline", "--as-of", "2026-12-07", "--store", str(store)],
                        env={"COLUMNS": "40", "NO_COLOR": "1"}).stdout
    assert out.splitlines() == [
        " " * 11 + "2030".ljust(29),
        "malang-mou " + "█" * 29,
        "",
        "█ signed term  ░ pending  · lapse  │ 2026-12-07",
    ]


def test_timeline_at_an_absurd_width_draws_a_cell_a_day_at_most(built):
    """COLUMNS=99999999999 (a script's typo) ended in 'internal error: MemoryError' instead of a timeline."""
    out = runner.invoke(app, ["timeline", "--from", "2024", "--to", "2025", "--as-of", "2025-06-01", "--store",
                              str(built)], env={"COLUMNS": "99999999999", "NO_COLOR": "1"})
    assert out.exit_code == 0, out.stderr
    trade_line = next(line for line in out.stdout.splitlines() if line.startswith("a-trade"))
    assert len(trade_line.split(" ", 1)[1].strip(" ")) <= 731  # 2024 and 2025: 731 days

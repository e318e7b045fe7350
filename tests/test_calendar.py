"""coopctl calendar: an RFC 5545 feed that icalendar parses back, with the Western Australia 2028 end."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from icalendar import Calendar
from typer.testing import CliRunner

from coopctl.cli import app

runner = CliRunner()
ARTICLE_DAY = "2023-08-22"


def run(store: Path, *args: str):
    return runner.invoke(app, [*args, "--store", str(store)])


def feed(store: Path, *args: str) -> tuple[bytes, list]:
    result = run(store, "calendar", *args)
    assert result.exit_code == 0, result.stderr
    data = result.stdout_bytes
    return data, list(Calendar.from_ical(data).walk("VEVENT"))


def by_uid(events: list) -> dict:
    return {str(e["UID"]): e for e in events}


def test_the_feed_parses_and_holds_the_western_australia_2028_end(example, tmp_path):
    path = tmp_path / "renewals.ics"
    result = run(example, "calendar", "-o", str(path), "--as-of", ARTICLE_DAY)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"Wrote 54 events for 6 agreements to {path}\n"
    calendar = Calendar.from_ical(path.read_bytes())
    assert str(calendar["VERSION"]) == "2.0" and "coopctl" in str(calendar["PRODID"])
    events = list(calendar.walk("VEVENT"))
    ends_2028 = [e for e in events if e.decoded("DTSTART") == date(2028, 9, 5)]
    assert len(ends_2028) == 1
    end = ends_2028[0]
    assert str(end["SUMMARY"]) == ("Ends (pending signature): Western Australia – "
                                   "Sister-state relationship East Java – Western Australia")
    assert end.decoded("DTEND") == date(2028, 9, 6)  # all-day: the next day
    assert end["DTSTART"].params.get("VALUE") == "DATE" or type(end.decoded("DTSTART")) is date
    assert str(end["STATUS"]) == "TENTATIVE"
    alarms = list(end.walk("VALARM"))
    assert [a.decoded("TRIGGER") for a in alarms] == [timedelta(days=-30), timedelta(hours=9)]
    assert all(str(a["ACTION"]) == "DISPLAY" and str(a["DESCRIPTION"]) for a in alarms)
    window = by_uid(events)["western-australia-sister-state.2023-09-06.window@pemerintah-provinsi-jawa-timur.coopctl"]
    assert window.decoded("DTSTART") == date(2027, 3, 5)  # 18 months before the end
    assert "western-australia-sister-state" in str(end["DESCRIPTION"])
    for event in events:
        assert {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"} <= set(event.keys())
    assert len({str(e["UID"]) for e in events}) == len(events)


def test_the_last_signed_term_and_the_unicef_end(example):
    _, events = feed(example, "--as-of", ARTICLE_DAY)
    summaries = {str(e["SUMMARY"]): e.decoded("DTSTART") for e in events}
    assert summaries["Ends: Western Australia – Sister-state relationship East Java – Western Australia"] == date(2022, 9, 30)
    assert summaries["Ends: UNICEF – RI–UNICEF Country Programme Action Plan 2021–2025 (East Java)"] == date(2025, 12, 31)
    # open-ended agreements (Osaka, Tianjin, Gyeongnam, Alexandria) have no end, so no event
    assert not any("Osaka" in s or "Tianjin" in s for s in summaries)


def test_uids_are_stable_and_an_event_is_updated_when_the_term_is_signed(example):
    data1, before = feed(example, "--as-of", ARTICLE_DAY)
    data2, _ = feed(example, "--as-of", ARTICLE_DAY)
    assert data1 == data2
    assert run(example, "renew", "western-australia-sister-state", "--signed", "2023-09-06").exit_code == 0
    _, after = feed(example, "--as-of", ARTICLE_DAY)
    uid = "western-australia-sister-state.2023-09-06.end@pemerintah-provinsi-jawa-timur.coopctl"
    assert str(by_uid(before)[uid]["SUMMARY"]).startswith("Ends (pending signature): ")
    assert str(by_uid(after)[uid]["SUMMARY"]).startswith("Ends: Western Australia")
    assert str(by_uid(after)[uid]["STATUS"]) == "CONFIRMED"


def test_within_limits_the_horizon(example):
    _, events = feed(example, "--as-of", "2027-01-01", "--within", "24m")
    wa = [e for e in events if "Western Australia" in str(e["SUMMARY"])]
    assert sorted((e.decoded("DTSTART"), str(e["SUMMARY"]).split(":")[0]) for e in wa) == [
        (date(2027, 3, 5), "Renewal window opens (pending signature)"),
        (date(2028, 9, 5), "Ends (pending signature)"),
    ]
    _, soon = feed(example, "--as-of", "2023-08-22", "--within", "90d")
    # only the steps of Alexandria's way to an MoU fall in the next 90 days
    assert [(e.decoded("DTSTART"), str(e["SUMMARY"]).split(":")[0]) for e in soon] == [
        (date(2023, 8, 23), "Draft text due"), (date(2023, 10, 23), "Negotiation with the partner (interministerial "
                                                                     "meeting, Foreign Ministry's consideration) due")]


def test_each_step_of_a_plan_is_an_event_and_a_step_done_is_cancelled(example):
    _, events = feed(example, "--as-of", "2022-06-01")
    uid = "western-australia-sister-state.2022-09-30.step-dprd-letter@pemerintah-provinsi-jawa-timur.coopctl"
    letter = by_uid(events)[uid]
    assert letter.decoded("DTSTART") == date(2021, 7, 30)  # 14 months before the end
    assert str(letter["SUMMARY"]) == ("Letter to the DPRD due: Western Australia – Sister-state relationship East Java – "
                                      "Western Australia")
    assert str(letter["STATUS"]) == "CONFIRMED"
    assert [a.decoded("TRIGGER") for a in letter.walk("VALARM")] == [timedelta(days=-7), timedelta(hours=9)]
    assert "coopctl milestone western-australia-sister-state dprd-letter --date DATE" in str(letter["DESCRIPTION"])
    # once the DPRD approved (2022-11-08), the letter before it is done: the next feed cancels its event
    _, later = feed(example, "--as-of", "2022-11-08")
    assert str(by_uid(later)[uid]["STATUS"]) == "CANCELLED" and not list(by_uid(later)[uid].walk("VALARM"))
    assert str(by_uid(later)[uid.replace("dprd-letter", "verification")]["STATUS"]) == "CONFIRMED"
    # a first agreement's steps are named after the way there
    _, article = feed(example, "--as-of", ARTICLE_DAY)
    assert "alexandria-loi.first.step-rks@pemerintah-provinsi-jawa-timur.coopctl" in by_uid(article)


def test_text_is_escaped(example):
    partner = example / "partners" / "unicef.toml"
    text = partner.read_text(encoding="utf-8").replace('name = "UNICEF"', 'name = "UNICEF, Jakarta; \\"office\\"\\nsecond line"')
    partner.write_text(text, encoding="utf-8")
    data, events = feed(example, "--as-of", ARTICLE_DAY)
    assert b"UNICEF\\, Jakarta\\; \"office\" second line" in data.replace(b"\r\n ", b"")
    summary = next(str(e["SUMMARY"]) for e in events if "UNICEF" in str(e["SUMMARY"]) and "Ends" in str(e["SUMMARY"]))
    assert summary.startswith('Ends: UNICEF, Jakarta; "office" second line – ')
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))  # folded
    assert data.endswith(b"END:VCALENDAR\r\n")


def test_terminated_agreements_have_no_events(example):
    assert run(example, "terminate", "unicef-cpap-2021-2025", "--date", "2024-01-01").exit_code == 0
    _, events = feed(example, "--as-of", ARTICLE_DAY)
    assert not any("UNICEF" in str(e["SUMMARY"]) for e in events)

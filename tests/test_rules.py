"""Renewal states at every boundary, as PRODUCT.md's table defines them."""

from datetime import date, timedelta

import pytest

from coopctl.core.dates import Duration, PartialDate, parse_stored
from coopctl.core.records import Agreement, Settings, Term
from coopctl.core.rules import status

SETTINGS = Settings(owner="Test")


def pd(text: str) -> PartialDate:
    return parse_stored(text)


def agreement(*terms: Term, notice: str | None = None, terminated: str | None = None) -> Agreement:
    return Agreement(
        id="a", partner_id="p", title="T", type="mou", terms=list(terms),
        notice=Duration(int(notice[:-1]), notice[-1]) if notice else None,
        terminated=pd(terminated) if terminated else None,
    )


def state(a: Agreement, day: date, kind: str = "foreign-local-gov") -> str:
    return status(a, kind, SETTINGS, day).state


# A domestic agreement ending 2025-12-31 with the default 6-month notice:
# the window opens 2025-06-30.
DOMESTIC = agreement(Term(pd("2021-01-01"), pd("2025-12-31")))


@pytest.mark.parametrize("day, expected", [
    (date(2025, 6, 29), "active"),   # the day before the window
    (date(2025, 6, 30), "due"),      # its first day
    (date(2025, 12, 31), "due"),     # the end day
    (date(2026, 1, 1), "lapsed"),    # the day after
    (date(2020, 12, 31), "upcoming"),
    (date(2021, 1, 1), "active"),
])
def test_domestic_window_boundaries(day, expected):
    assert state(DOMESTIC, day, "domestic-region") == expected


def test_foreign_default_notice_is_18_months():
    a = agreement(Term(pd("2023-09-06"), pd("2028-09-05")))
    assert state(a, date(2027, 3, 4)) == "active"
    assert state(a, date(2027, 3, 5)) == "due"


def test_agreement_notice_overrides_store_default():
    a = agreement(Term(pd("2021-01-01"), pd("2025-12-31")), notice="180d")
    opens = date(2025, 12, 31) - timedelta(days=180)
    assert state(a, opens - timedelta(days=1)) == "active"
    assert state(a, opens) == "due"


def test_store_settings_change_the_default():
    settings = Settings(owner="X", notice={"foreign": Duration(3, "m"), "domestic": Duration(1, "m")})
    a = agreement(Term(pd("2021-01-01"), pd("2025-12-31")))
    assert status(a, "foreign-institution", settings, date(2025, 9, 30)).state == "due"
    assert status(a, "foreign-institution", settings, date(2025, 9, 29)).state == "active"


def test_days_left_counts_to_the_end_day():
    s = status(DOMESTIC, "domestic-region", SETTINGS, date(2025, 12, 31))
    assert s.days_left == 0
    assert status(DOMESTIC, "domestic-region", SETTINGS, date(2026, 1, 2)).days_left == -2
    assert status(DOMESTIC, "domestic-region", SETTINGS, date(2025, 12, 1)).days_left == 30


def test_partial_end_runs_to_the_last_day_of_the_year():
    a = agreement(Term(pd("2021"), pd("2025")))
    s = status(a, "international-org", SETTINGS, date(2025, 12, 31))
    assert (s.state, s.days_left, s.end_day) == ("due", 0, date(2025, 12, 31))
    assert state(a, date(2026, 1, 1), "international-org") == "lapsed"
    assert state(a, date(2024, 6, 29), "international-org") == "active"
    assert state(a, date(2024, 6, 30), "international-org") == "due"  # 18 months before 2025-12-31


def test_partial_start_means_its_first_day():
    a = agreement(Term(pd("2024-03"), pd("2029-02")))
    assert state(a, date(2024, 2, 29)) == "upcoming"
    assert state(a, date(2024, 3, 1)) == "active"


def test_open_ended_term_is_never_due():
    a = agreement(Term(pd("1984")), Term(pd("2014-02-19")))
    s = status(a, "foreign-local-gov", SETTINGS, date(2090, 1, 1))
    assert (s.state, s.days_left, s.end_day) == ("active", None, None)
    assert s.term.start == pd("2014-02-19")


def test_a_term_without_end_runs_until_the_next_term():
    a = agreement(Term(pd("1984")), Term(pd("2014-02-19")))
    s = status(a, "foreign-local-gov", SETTINGS, date(2000, 1, 1))
    assert s.term.start == pd("1984")
    assert s.end_day == date(2014, 2, 18)


def test_pending_term_means_renewing_even_after_the_old_term_ended():
    a = agreement(Term(pd("2017-09"), pd("2022-09")), Term(pd("2023-09-06"), pd("2028-09-05"), pending=True))
    s = status(a, "foreign-local-gov", SETTINGS, date(2023, 8, 22))
    assert s.state == "renewing"
    assert s.days_left == (date(2022, 9, 30) - date(2023, 8, 22)).days
    assert state(a, date(2022, 1, 1)) == "renewing"


def test_signed_renewal_ahead_of_a_gap_is_upcoming():
    a = agreement(Term(pd("2017-01-01"), pd("2021-12-31")), Term(pd("2022-06-01"), pd("2027-05-31")))
    assert state(a, date(2022, 3, 1)) == "upcoming"
    assert state(a, date(2022, 6, 1)) == "active"


def test_renewal_signed_ahead_without_gap_keeps_it_active():
    a = agreement(Term(pd("2019-01-01"), pd("2023-12-31")), Term(pd("2024-01-01"), pd("2028-12-31")))
    s = status(a, "foreign-local-gov", SETTINGS, date(2023, 12, 1))
    assert s.state == "active"
    assert s.end_day == date(2023, 12, 31)  # the term in force


def test_terminated_wins_from_its_date_on():
    a = agreement(Term(pd("2021-01-01"), pd("2025-12-31")), terminated="2024-05-01")
    assert state(a, date(2024, 4, 30)) == "active"
    assert state(a, date(2024, 5, 1)) == "terminated"
    assert state(a, date(2030, 1, 1)) == "terminated"


def test_terminated_beats_pending():
    a = agreement(Term(pd("2021-01-01"), pd("2025-12-31")), Term(pd("2026-01-01"), pd("2030-12-31"), pending=True),
                  terminated="2025-06-01")
    assert state(a, date(2025, 7, 1)) == "terminated"


def test_window_falls_to_month_end():
    # 6 months before 2025-12-31 is 2025-06-30 (PRODUCT.md)
    s = status(DOMESTIC, "third-party", SETTINGS, date(2025, 1, 1))
    assert s.window_opens == date(2025, 6, 30)

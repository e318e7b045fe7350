"""Renewal states at every boundary, as PRODUCT.md's table defines them."""

from datetime import date, timedelta

import pytest

from coopctl.core.dates import Duration, PartialDate, parse_stored
from coopctl.core.records import Agreement, Milestone, Settings, Term
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
    # recorded before coopctl kept the day, with no step recorded: the store gives no later day
    assert state(a, date(2022, 1, 1)) == "renewing"


# ---------------------------------------------------------------- the past stays true (issue 15, item 6)

WA_TERMS = (Term(pd("2017-09"), pd("2022-09")),)
DPRD = Milestone("dprd-approval", pd("2022-11-08"), pd("2022-09"))


def wa(next_term: Term, *milestones: Milestone) -> Agreement:
    return Agreement(id="wa", partner_id="p", title="T", type="sister-province", terms=WA_TERMS + (next_term,),
                     milestones=milestones)


@pytest.mark.parametrize("next_term", [
    Term(pd("2023-09-06"), pd("2028-09-05"), pending=True, recorded=pd("2023-08-22")),  # as the article left it
    Term(pd("2023-09-06"), pd("2028-09-05"), signed=pd("2023-09-05")),                  # the signing recorded
], ids=["pending", "signed"])
@pytest.mark.parametrize("day, expected, days_left", [
    (date(2022, 10, 15), "lapsed", -15),      # ended, and no step of the renewal done yet
    (date(2022, 11, 7), "lapsed", -38),       # the day before the DPRD approval
    (date(2022, 11, 8), "renewing", -39),     # the DPRD approval shows the renewal under way
    (date(2023, 1, 1), "renewing", -93),
    (date(2023, 8, 22), "renewing", -326),    # the README's headline
])
def test_the_answer_at_a_date_does_not_depend_on_whether_the_signing_is_recorded(next_term, day, expected, days_left):
    s = status(wa(next_term, DPRD), "foreign-local-gov", SETTINGS, day)
    assert (s.state, s.days_left) == (expected, days_left)


def test_after_the_signing_the_new_term_decides():
    signed = wa(Term(pd("2023-09-06"), pd("2028-09-05"), signed=pd("2023-09-05")), DPRD)
    assert state(signed, date(2023, 9, 5)) == "upcoming"  # signed, not in force until the next day
    assert state(signed, date(2023, 9, 6)) == "active"


def test_a_pending_term_is_under_way_from_the_day_it_was_recorded():
    a = wa(Term(pd("2023-09-06"), pd("2028-09-05"), pending=True, recorded=pd("2023-08-22")))
    assert state(a, date(2023, 8, 21)) == "lapsed"
    assert state(a, date(2023, 8, 22)) == "renewing"
    assert status(a, "foreign-local-gov", SETTINGS, date(2023, 8, 22)).started == date(2023, 8, 22)


def test_a_step_undone_or_done_later_does_not_start_the_renewal():
    later = wa(Term(pd("2023-09-06"), pd("2028-09-05"), pending=True, recorded=pd("2023-08-22")), DPRD)
    assert status(later, "foreign-local-gov", SETTINGS, date(2022, 11, 8)).started == date(2022, 11, 8)
    undone = wa(Term(pd("2023-09-06"), pd("2028-09-05"), pending=True, recorded=pd("2023-08-22")),
                DPRD._replace(undone=True))
    assert state(undone, date(2023, 1, 1)) == "lapsed"


def test_a_term_signed_ahead_of_its_start_without_steps_leaves_the_earlier_term_in_charge():
    # a renewal signed on 2025-06-15 with no step recorded: before the signing, the old term was simply due
    a = agreement(Term(pd("2021-01-01"), pd("2025-12-31")),
                  Term(pd("2026-01-01"), pd("2030-12-31"), signed=pd("2025-06-15")))
    assert state(a, date(2025, 6, 14)) == "due"
    assert state(a, date(2025, 6, 15)) == "active"


# ---------------------------------------------------------------- first agreements: proposed and intent


def test_a_proposal_with_no_signed_term_is_proposed():
    a = agreement(Term(pd("2025-01-01"), pd("2029-12-31"), pending=True, recorded=pd("2024-02-01")))
    s = status(a, "foreign-local-gov", SETTINGS, date(2024, 6, 1))
    assert (s.state, s.index, s.pending.recorded) == ("proposed", None, pd("2024-02-01"))


def test_a_letter_of_intent_is_its_own_state_not_active():
    loi = Agreement(id="l", partner_id="p", title="T", type="loi", terms=(Term(pd("2022-11-23"), signed=pd("2022-11-23")),))
    assert state(loi, date(2022, 11, 22)) == "upcoming"
    assert state(loi, date(2022, 11, 23)) == "intent"
    assert state(loi, date(2030, 1, 1)) == "intent"
    assert state(loi._replace(terminated=pd("2024-01-01")), date(2024, 1, 1)) == "terminated"


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


def test_a_terminated_agreement_has_no_days_left():
    """Its term's end says nothing once it is ended on purpose: plan and show said 'terminated (275 days left,
    to ~2026-06-03)', list its Days and JSON its days_left."""
    a = agreement(Term(pd("2021-01-01"), pd("2025-12-31")), terminated="2024-05-01")
    before, on, after = (status(a, "domestic-region", SETTINGS, day) for day in
                         (date(2024, 4, 30), date(2024, 5, 1), date(2026, 2, 1)))
    assert (before.state, before.days_left) == ("active", 610)
    assert (on.state, on.days_left, on.end_day) == ("terminated", None, date(2025, 12, 31))
    assert (after.state, after.days_left) == ("terminated", None)


def test_terminated_beats_pending():
    a = agreement(Term(pd("2021-01-01"), pd("2025-12-31")), Term(pd("2026-01-01"), pd("2030-12-31"), pending=True),
                  terminated="2025-06-01")
    assert state(a, date(2025, 7, 1)) == "terminated"


def test_window_falls_to_month_end():
    # 6 months before 2025-12-31 is 2025-06-30 (PRODUCT.md)
    s = status(DOMESTIC, "third-party", SETTINGS, date(2025, 1, 1))
    assert s.window_opens == date(2025, 6, 30)

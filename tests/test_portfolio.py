"""Dormancy, sector history, stalled LoIs, prospects and gaps at their boundaries."""

from datetime import date

from coopctl.core.dates import parse_stored
from coopctl.core.records import Activity, Agreement, AgreementSector, Partner, Term
from coopctl.core.portfolio import dormancy, gaps, months_between, sector_entries_at, stalled_since


def pd(text):
    return parse_stored(text)


def agreement(*activities: str, type_: str = "mou", terms=None) -> Agreement:
    return Agreement(
        id="a", partner_id="p", title="T", type=type_, sectors=[AgreementSector("trade")],
        terms=terms or [Term(pd("2020-01-01"))],
        activities=[Activity(pd(d), "trade", "x") for d in activities],
    )


AS_OF = date(2024, 6, 15)


def test_exactly_n_months_silent_is_not_yet_dormant():
    assert dormancy(agreement("2023-06-15"), "active", AS_OF, 12).dormant is False
    assert dormancy(agreement("2023-06-14"), "active", AS_OF, 12).dormant is True


def test_activity_on_the_as_of_date_counts_and_later_ones_do_not():
    assert dormancy(agreement("2024-06-15"), "active", AS_OF, 12).dormant is False
    d = dormancy(agreement("2024-06-16"), "active", AS_OF, 12)
    assert (d.dormant, d.last_activity) == (True, None)


def test_never_any_activity():
    d = dormancy(agreement(), "due", AS_OF, 12)
    assert (d.dormant, d.last_activity, d.months_silent) == (True, None, None)


def test_only_agreements_in_force_are_dormant():
    for state in ("lapsed", "terminated", "upcoming"):
        assert dormancy(agreement(), state, AS_OF, 12).dormant is False
    for state in ("active", "due", "renewing"):
        assert dormancy(agreement(), state, AS_OF, 12).dormant is True


def test_a_partial_activity_date_counts_to_its_last_day():
    d = dormancy(agreement("2023-06"), "active", AS_OF, 12)
    assert (d.last_activity, d.dormant) == (date(2023, 6, 30), False)
    assert dormancy(agreement("2023-05"), "active", AS_OF, 12).dormant is True


def test_months_between():
    assert months_between(date(2023, 6, 15), date(2024, 6, 15)) == 12
    assert months_between(date(2023, 6, 16), date(2024, 6, 15)) == 11
    assert months_between(date(2024, 1, 31), date(2024, 2, 29)) == 1


def test_sector_history():
    a = agreement()._replace(sectors=(AgreementSector("trade"), AgreementSector("msme", since=pd("2014-02-19")),
                                      AgreementSector("energy", until=pd("2022-09-30"))))
    assert [s.id for s in sector_entries_at(a, date(2014, 2, 18))] == ["trade", "energy"]
    assert [s.id for s in sector_entries_at(a, date(2014, 2, 19))] == ["trade", "msme", "energy"]
    assert [s.id for s in sector_entries_at(a, date(2022, 10, 1))] == ["trade", "msme"]


def loi_partner(signed: str) -> Partner:
    return Partner(id="alexandria", name="Alexandria", kind="foreign-local-gov", country="EG",
                   agreements=[agreement(type_="loi", terms=[Term(pd(signed), signed=pd(signed))])])


def test_an_loi_exactly_24_months_old_is_not_yet_stalled():
    partner = loi_partner("2022-11-23")
    assert stalled_since(partner, date(2024, 11, 23), 24) is None
    assert stalled_since(partner, date(2024, 11, 24), 24) == date(2022, 11, 23)


def test_alexandria_is_stalled_in_2025_not_on_the_article_day():
    partner = loi_partner("2022-11-23")
    assert stalled_since(partner, date(2023, 8, 22), 24) is None
    assert stalled_since(partner, date(2025, 1, 1), 24) == date(2022, 11, 23)


def test_a_partner_with_an_mou_is_not_stalled():
    partner = loi_partner("2020-01-01")
    partner.agreements.append(agreement())
    assert stalled_since(partner, date(2025, 1, 1), 24) is None


def test_gaps_between_terms_and_an_open_lapse():
    a = agreement(terms=[Term(pd("2007-09-28"), pd("2012-09-27")), Term(pd("2017-09"), pd("2022-09"))])
    found = [(g.start, g.end, g.kind, g.start_text, g.end_text) for g in gaps(a, date(2023, 8, 22))]
    assert found == [(date(2012, 9, 28), date(2017, 8, 31), "unknown", "2012-09-28", "2017-08"),
                     (date(2022, 10, 1), date(2023, 8, 22), "lapse", "2022-10", "2023-08-22")]
    contiguous = agreement(terms=[Term(pd("2019-01-01"), pd("2023-12-31")), Term(pd("2024-01-01"), pd("2028-12-31"))])
    assert gaps(contiguous, date(2025, 1, 1)) == []


def test_a_gap_is_a_lapse_only_when_the_store_says_so():
    recorded = agreement(terms=[Term(pd("2017-09"), pd("2022-09")), Term(pd("2023-09-06"), pd("2028-09-05"), lapse_before=True)])
    assert [(g.kind, g.start_text, g.end_text) for g in gaps(recorded, date(2024, 1, 1))] == [
        ("lapse", "2022-10", "2023-09-05")]
    silent = agreement(terms=[Term(pd("2003"), pd("2007")), Term(pd("2013"))])
    assert [(g.kind, g.start_text, g.end_text) for g in gaps(silent, date(2024, 1, 1))] == [("unknown", "2008", "2012")]
    # the day after a term ending in December is in the next year
    december = agreement(terms=[Term(pd("2020-01"), pd("2020-12")), Term(pd("2021-03"))])
    assert [(g.start_text, g.end_text) for g in gaps(december, date(2024, 1, 1))] == [("2021-01", "2021-02")]

import calendar
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopctl.core.dates import DateError, Duration, PartialDate, add_months, parse_day, parse_duration, parse_input, parse_stored


@pytest.mark.parametrize("text, first, last", [
    ("1984", date(1984, 1, 1), date(1984, 12, 31)),
    ("1984-06", date(1984, 6, 1), date(1984, 6, 30)),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ("2023-02", date(2023, 2, 1), date(2023, 2, 28)),
    ("1984-06-12", date(1984, 6, 12), date(1984, 6, 12)),
])
def test_partial_dates_mean_first_day_as_start_and_last_day_as_end(text, first, last):
    value = parse_stored(text)
    assert value.first_day() == first
    assert value.last_day() == last
    assert str(value) == text


@pytest.mark.parametrize("text, expected", [
    ("22/8/2023", PartialDate(2023, 8, 22)),
    ("22/08/2023", PartialDate(2023, 8, 22)),
    ("1.2.2024", PartialDate(2024, 2, 1)),
    ("2023-08-22", PartialDate(2023, 8, 22)),
    (" 2028 ", PartialDate(2028)),
    ("2023-8-1", PartialDate(2023, 8, 1)),
    ("2023-08", PartialDate(2023, 8)),
    ("22-08-2023", PartialDate(2023, 8, 22)),
    ("22.08.2023", PartialDate(2023, 8, 22)),
    ("08/2023", PartialDate(2023, 8)),
    ("22 Agustus 2023", PartialDate(2023, 8, 22)),
    ("22 agt 2023", PartialDate(2023, 8, 22)),
    ("22 Aug 2023", PartialDate(2023, 8, 22)),
    ("August 22, 2023", PartialDate(2023, 8, 22)),
    ("Selasa, 22 Agustus 2023", PartialDate(2023, 8, 22)),
    ("Agustus 2023", PartialDate(2023, 8)),
    ("1 Januari 2024", PartialDate(2024, 1, 1)),
    ("31 Desember 2099", PartialDate(2099, 12, 31)),
])
def test_command_line_dates_are_day_first_or_iso(text, expected):
    assert parse_input(text) == expected


@pytest.mark.parametrize("text", ["2023-02-30", "31/4/2023", "2023-13", "8/22/2023", "22-8-23", "yesterday", "", "0999", "08/22/2023",
                                  "22/08/23", "22 Agustos 2023", "2023/08/22"])
def test_impossible_or_ambiguous_dates_are_refused(text):
    with pytest.raises(DateError):
        parse_input(text)


@pytest.mark.parametrize("text, message", [
    ("2023\u201008\u201022", "'2023\u201008\u201022' has a dash other than '-' (as a word processor writes it); type the "
                               "date with '-'"),
    ("22\u201308\u20132023", "'22\u201308\u20132023' has a dash other than '-' (as a word processor writes it); type the "
                               "date with '-'"),
    ("\u0662\u0660\u0662\u0663", "'\u0662\u0660\u0662\u0663' has digits other than 0-9; type the date with the digits 0-9"),
])
def test_a_date_with_other_dashes_or_digits_says_which(text, message):
    """A date copied from a word processor (2023–08–22) was told it 'has digits other than 0-9'."""
    with pytest.raises(DateError) as raised:
        parse_input(text)
    assert str(raised.value) == message


def test_as_of_must_be_a_whole_day():
    assert parse_day("22/8/2023") == date(2023, 8, 22)
    with pytest.raises(DateError, match="whole date"):
        parse_day("2023-08")


@pytest.mark.parametrize("text, expected", [
    ("180d", Duration(180, "d")), ("6m", Duration(6, "m")), ("18m", Duration(18, "m")),
    ("5y", Duration(60, "m")), ("6M", Duration(6, "m")),
])
def test_durations(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["6", "m", "6w", "-6m", "1.5y", "six months"])
def test_bad_durations(text):
    with pytest.raises(DateError):
        parse_duration(text)


def test_duration_text_round_trips():
    assert str(parse_duration("5y")) == "5y"
    assert str(parse_duration("18m")) == "18m"
    assert str(parse_duration("180d")) == "180d"


@pytest.mark.parametrize("day, months, expected", [
    (date(2025, 12, 31), -6, date(2025, 6, 30)),  # PRODUCT.md's example
    (date(2025, 3, 31), -1, date(2025, 2, 28)),
    (date(2024, 3, 31), -1, date(2024, 2, 29)),
    (date(2028, 9, 5), -18, date(2027, 3, 5)),
    (date(2023, 1, 15), 12, date(2024, 1, 15)),
])
def test_month_arithmetic_clamps_to_month_end(day, months, expected):
    assert add_months(day, months) == expected


def test_days_duration_is_plain_day_count():
    assert Duration(180, "d").before(date(2025, 12, 31)) == date(2025, 7, 4)


@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9000, 12, 31)), st.integers(-1200, 1200))
def test_add_months_is_calendar_month_arithmetic(day, months):
    """The month-length table agrees with the calendar module on every day, leap years included."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    expected = date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
    assert add_months(day, months) == expected


@given(st.integers(1000, 9999), st.integers(1, 12))
def test_last_day_of_a_month(year, month):
    assert PartialDate(year, month).last_day() == date(year, month, calendar.monthrange(year, month)[1])


@pytest.mark.parametrize("text, expected", [
    ("today", date(2024, 8, 31)),
    ("hari ini", date(2024, 8, 31)),
    ("+6m", date(2025, 2, 28)),  # a month-end that does not exist falls to the month's last day
    ("-1y", date(2023, 8, 31)),
    ("+90d", date(2024, 11, 29)),
    ("- 18m", date(2023, 2, 28)),
])
def test_relative_days_count_from_the_given_today(text, expected):
    from coopctl.core.dates import parse_day, relative_day

    assert relative_day(text, date(2024, 8, 31)) == expected
    assert parse_day(text, date(2024, 8, 31)) == expected


def test_relative_days_need_a_today_and_a_valid_duration():
    from coopctl.core.dates import parse_day, relative_day

    with pytest.raises(DateError):
        parse_day("+6m")  # without a base day there is nothing to count from
    with pytest.raises(DateError):
        relative_day("+0d", date(2024, 1, 1))
    assert relative_day("2024-01-01", date(2024, 1, 1)) is None


@pytest.mark.parametrize("text, message", [
    ("+999y", "'+999y' is too long: a duration is at most 20 years (20y, 240m or 7305d)"),
    ("-0d", "'-0d' is not a duration: it must be at least 1 day (such as 1d, 6m or 5y)"),
])
def test_a_relative_day_out_of_range_is_quoted_as_typed(text, message):
    """`--as-of +999y` was told "'999y' is too long": not what the person wrote."""
    from coopctl.core.dates import relative_day

    with pytest.raises(DateError) as raised:
        relative_day(text, date(2024, 1, 1))
    assert str(raised.value) == message


def test_the_parser_of_cells_is_the_parser_of_options():
    from coopctl.interop.cells import parse_cell_date

    for text in ("22 Agustus 2023", "22-08-2023", "2023-8-1", "08/2023", "Agt 2028"):
        assert parse_cell_date(text) == parse_input(text)

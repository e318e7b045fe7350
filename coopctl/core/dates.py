"""Partial dates, durations and the date forms people type.

Real records give `1984`, `1984-06` or `1984-06-12`. A partial date used as
a start means its first day, used as an end its last day. Durations are
`180d`, `6m`, `18m`, `5y`, with calendar arithmetic for months and years.

Every value has bounds, checked where it enters (the command line, a store file,
an import): dates from 1900-01-01 to 9998-12-31, far enough from the calendar's
edge that a day after an end still exists; durations from 1 day to 20 years.
Arithmetic that would still leave the calendar (20 years after 9998) stops at its
edge instead of failing.
"""

from datetime import date, timedelta
from typing import NamedTuple

from coopctl.core.patterns import pattern
from coopctl.i18n import t

# ASCII digits only: \d would also take full-width (２０２３) and Arabic-Indic (٢٠٢٣) digits
_ISO = pattern(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")
_DURATION = pattern(r"^([0-9]{1,5})\s*([dmy])$")

MIN_YEAR, MAX_YEAR = 1900, 9998
MIN_DAY, MAX_DAY = date(MIN_YEAR, 1, 1), date(MAX_YEAR, 12, 31)
MAX_MONTHS = 240  # 20 years: the longest notice window, review period or step of a procedure
MAX_DAYS = 7305  # 20 years of days

class DateError(ValueError):
    """A date or duration that cannot be read; the message says why."""


class PartialDate:
    """A calendar date known to the day, the month or only the year; immutable.

    Its first and last days are worked out once, when it is made (readers share one object per
    date, and the rules ask for these days millions of times in a large store). Dates order by
    their first day, then their last: 2023-01 before 2023 (both start on 1 January; the month ends
    first), 2023 before 2023-05."""

    __slots__ = ("year", "month", "day", "first", "last", "text")

    def __init__(self, year: int, month: int | None = None, day: int | None = None):
        if day is not None and month is not None:  # most dates: known to the day
            first = last = date(year, month, day)
            text = "%04d-%02d-%02d" % (year, month, day)
        else:
            first = date(year, month or 1, day or 1)
            if day is not None:
                last = first
            elif month is not None:
                last = date(year, month, days_in_month(year, month))
            else:
                last = date(year, 12, 31)
            text = "%04d" % year if month is None else "%04d-%02d" % (year, month)
        # the slots set directly (`__setattr__` refuses): a large store makes thousands of dates as it loads
        _set_year(self, year)
        _set_month(self, month)
        _set_day(self, day)
        _set_first(self, first)
        _set_last(self, last)
        _set_text(self, text)  # as the store writes it: 2023, 2023-08 or 2023-08-22

    def __setattr__(self, name: str, value) -> None:
        raise AttributeError(f"a PartialDate cannot be changed (tried to set {name})")

    __delattr__ = __setattr__

    def __reduce__(self):
        return PartialDate, (self.year, self.month, self.day)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not PartialDate:
            return NotImplemented
        return (self.year, self.month, self.day) == (other.year, other.month, other.day)  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((self.year, self.month, self.day))

    def __lt__(self, other: "PartialDate") -> bool:
        return (self.first, self.last) < (other.first, other.last)

    def __le__(self, other: "PartialDate") -> bool:
        return (self.first, self.last) <= (other.first, other.last)

    def __gt__(self, other: "PartialDate") -> bool:
        return (self.first, self.last) > (other.first, other.last)

    def __ge__(self, other: "PartialDate") -> bool:
        return (self.first, self.last) >= (other.first, other.last)

    def __repr__(self) -> str:
        return f"PartialDate(year={self.year!r}, month={self.month!r}, day={self.day!r})"

    @property
    def precision(self) -> str:
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    def first_day(self) -> date:
        return self.first

    def last_day(self) -> date:
        return self.last

    def to_date(self) -> date | None:
        """The exact date, or None when only the month or year is known."""
        return self.first if self.day is not None else None

    def __str__(self) -> str:
        return self.text

    @classmethod
    def from_date(cls, value: date) -> "PartialDate":
        return cls(value.year, value.month, value.day)


_set_year, _set_month, _set_day, _set_first, _set_last, _set_text = (
    PartialDate.__dict__[name].__set__ for name in PartialDate.__slots__)


def following(value: PartialDate) -> PartialDate:
    """The day, month or year after `value`, at its precision: after `2022-09` comes `2022-10`."""
    if value.day is not None:
        return PartialDate.from_date(value.first + timedelta(days=1))
    if value.month is not None:
        return PartialDate(value.year + value.month // 12, value.month % 12 + 1)
    return PartialDate(value.year + 1)


def preceding(value: PartialDate) -> PartialDate:
    """The day, month or year before `value`, at its precision: before `2017-09` comes `2017-08`."""
    if value.day is not None:
        return PartialDate.from_date(value.first - timedelta(days=1))
    if value.month is not None:
        return PartialDate(value.year - (value.month == 1), (value.month - 2) % 12 + 1)
    return PartialDate(value.year - 1)


# In place of a required date that is missing or wrong in a file (a problem is reported, and a store with
# problems is never worked on): every entry of a file stays in its place, so later problems name the right line.
UNKNOWN_DAY = PartialDate(1)


def _build(year: int, month: int | None, day: int | None, text: str) -> PartialDate:
    if year < 1000:
        raise DateError(t("'{text}' has no four-digit year (YYYY, YYYY-MM, YYYY-MM-DD or day-first DD/MM/YYYY)", text=text))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateError(out_of_range(text))
    if month is not None and not 1 <= month <= 12:
        raise DateError(t("'{text}' has no month {month} (YYYY, YYYY-MM, YYYY-MM-DD or day-first DD/MM/YYYY)",
                          text=text, month=month))
    if day is not None:
        try:
            date(year, month, day)  # type: ignore[arg-type]
        except ValueError:
            raise DateError(t("'{text}' is not a date in the calendar", text=text)) from None
    return PartialDate(year, month, day)


def out_of_range(text: str) -> str:
    return t("'{text}' is outside the dates coopctl keeps ({first} to {last})", text=text, first=MIN_DAY, last=MAX_DAY)


def in_range(value: PartialDate) -> bool:
    return MIN_YEAR <= value.year <= MAX_YEAR


def _not_ascii(text: str) -> None:
    """Refuse digits other than 0-9 (full-width, Arabic-Indic...), and dashes other than '-' (a date copied from a
    word processor: 2023–08–22), saying so."""
    if text.isascii():
        return
    if any(c.isdigit() and not c.isascii() for c in text):
        raise DateError(t("'{text}' has digits other than 0-9; type the date with the digits 0-9", text=text))
    if any(c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d" for c in text):
        raise DateError(t("'{text}' has a dash other than '-' (as a word processor writes it); type the date with '-'",
                          text=text))


def parse_stored(text: str) -> PartialDate:
    """Read the ISO forms the store holds: YYYY, YYYY-MM, YYYY-MM-DD."""
    m = _ISO().match(text)
    if not m:
        _not_ascii(text)
        raise DateError(t("'{text}' is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)", text=text))
    year, month, day = m.groups()
    return _build(int(year), int(month) if month else None, int(day) if day else None, text)


# Month names as people write them, in Indonesian and English, full and short (Agt, Okt, Nop, Sept).
MONTHS = {
    **{m: i + 1 for i, m in enumerate(("januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus",
                                       "september", "oktober", "november", "desember"))},
    **{m: i + 1 for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                       "september", "october", "november", "december"))},
    "jan": 1, "feb": 2, "peb": 2, "pebruari": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7,
    "aug": 8, "agu": 8, "agt": 8, "ags": 8, "agus": 8, "sep": 9, "sept": 9, "okt": 10, "oct": 10,
    "nov": 11, "nop": 11, "nopember": 11, "des": 12, "dec": 12,
}
WEEKDAYS = {"senin", "selasa", "rabu", "kamis", "jumat", "jum-at", "sabtu", "minggu", "ahad",
            "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

_LOOSE_ISO = pattern(r"^([0-9]{4})(?:-([0-9]{1,2})(?:-([0-9]{1,2}))?)?$")
_NUMERIC = pattern(r"^([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{2}|[0-9]{4})$")
_MONTH_YEAR = pattern(r"^([0-9]{1,2})[/.-]([0-9]{4})$")
_NAMED = pattern(r"^(?:([0-9]{1,2})\s+)?([^\W\d_]+)\.?\s+([0-9]{4})$")
_NAMED_US = pattern(r"^([^\W\d_]+)\.?\s+([0-9]{1,2}),?\s+([0-9]{4})$")
_WEEKDAY = pattern(r"^([^\W\d_']+(?:'[^\W\d_]+)?)\s*,\s*")
_RELATIVE = pattern(r"^([+-])\s*([0-9]{1,5})\s*([dmy])$")
TODAY_WORDS = ("today", "hari ini", "hari-ini", "now")


class NotADate(DateError):
    """Text in none of the forms of a date (as opposed to a date in a known form that does not exist)."""


def _day_first(year: int, month: int, day: int, text: str) -> PartialDate:
    """A numeric day-first date; a month above 12 that would be a day says the dates are read day first."""
    if not 1 <= month <= 12 and 1 <= day <= 12 and 1 <= month <= 31 and MIN_YEAR <= year <= MAX_YEAR:
        raise DateError(t("'{text}' has no month {month}: dates are read day first, so write it "
                          "{month:02d}/{day:02d}/{year} or {year}-{day:02d}-{month:02d}", text=text, day=day,
                          month=month, year=year))
    return _build(year, month, day, text)


def parse_input(text: str, today: date | None = None) -> PartialDate:
    """Read a date a person typed (an option, a prompt, a spreadsheet cell): the one parser for them all.

    ISO and partial (2023-08-22, 2023-8-22, 2023-08, 2023); day first with `/`, `-` or `.` (22/8/2023,
    22-08-2023, 22.08.2023, 08/2023); with the month's name in Indonesian or English, a weekday in front
    allowed (22 Agustus 2023, Selasa, 22 Agustus 2023, Agt 2023, 22 Aug 2023, August 22, 2023). With `today`,
    also relative to it (`today`, `+6m`, `-1y`: `relative_day`)."""
    if today is not None:
        moved = relative_day(text, today)
        if moved is not None:
            return PartialDate.from_date(moved)
    text = " ".join(text.replace("\u00a0", " ").split())
    m = _LOOSE_ISO().match(text)
    if m:
        year, month, day = m.groups()
        if (month and len(month) == 2 or not month) and (day is None or len(day) == 2):
            return parse_stored(text)
        return _build(int(year), int(month) if month else None, int(day) if day else None, text)
    m = _NUMERIC().match(text)
    if m:
        day, _, month, year = m.groups()
        if len(year) == 2:
            raise DateError(t("'{text}' has a two-digit year; write the year in full (22/08/2023)", text=text))
        return _day_first(int(year), int(month), int(day), text)
    m = _MONTH_YEAR().match(text)
    if m:
        return _build(int(m.group(2)), int(m.group(1)), None, text)
    lowered = text.casefold()
    w = _WEEKDAY().match(lowered)
    if w and w.group(1).replace("'", "-") in WEEKDAYS:
        lowered = lowered[w.end():]
    m = _NAMED().match(lowered)
    if m and m.group(2) in MONTHS:
        return _build(int(m.group(3)), MONTHS[m.group(2)], int(m.group(1)) if m.group(1) else None, text)
    m = _NAMED_US().match(lowered)
    if m and m.group(1) in MONTHS:
        return _build(int(m.group(3)), MONTHS[m.group(1)], int(m.group(2)), text)
    _not_ascii(text)
    raise NotADate(t("'{text}' is not a date (use YYYY, YYYY-MM, YYYY-MM-DD, day-first DD/MM/YYYY or 22 Agustus 2023)",
                     text=text))


def relative_day(text: str, today: date) -> date | None:
    """`today`, `+6m`, `-1y`, `+90d` from `today` (calendar arithmetic); None for any other text."""
    folded = " ".join(text.casefold().split())
    if folded in TODAY_WORDS:
        return today
    m = _RELATIVE().match(folded)
    if not m:
        return None
    sign, amount, unit = m.groups()
    step = parse_duration(amount + unit, typed=text)
    return step.after(today) if sign == "+" else step.before(today)


def parse_day(text: str, today: date | None = None) -> date:
    """A date that must be exact to the day, such as --as-of; with `today`, also relative to it (`today`,
    `+6m`, `-1y`)."""
    value = parse_input(text, today)
    exact = value.to_date()
    if exact is None:
        raise DateError(t("'{text}' must be a whole date here (YYYY-MM-DD or DD/MM/YYYY)", text=text))
    return exact


class Duration(NamedTuple):
    """A span such as `180d`, `6m` or `5y`; years are kept as 12 months."""

    amount: int
    unit: str  # "d" or "m"

    def __str__(self) -> str:
        if self.unit == "m" and self.amount % 12 == 0 and self.amount:
            return f"{self.amount // 12}y"
        return f"{self.amount}{self.unit}"

    def before(self, day: date) -> date:
        """The day this long before `day`, by calendar arithmetic (at most back to the calendar's first day)."""
        if self.unit == "d":
            return day - timedelta(days=self.amount) if day.toordinal() > self.amount else date.min
        return add_months(day, -self.amount)

    def after(self, day: date) -> date:
        """The day this long after `day` (at most the calendar's last day)."""
        if self.unit == "d":
            return day + timedelta(days=self.amount) if date.max.toordinal() - day.toordinal() >= self.amount \
                else date.max
        return add_months(day, self.amount)


def parse_duration(text: str, typed: str | None = None) -> Duration:
    """`180d`, `6m`, `18m` or `5y`: from 1 day to 20 years. `typed`: what the person wrote, as an error quotes it
    (`+999y` for --as-of, whose duration is `999y`)."""
    m = _DURATION().match(text.strip().lower())
    if not m:
        _not_ascii(text)
        raise DateError(t("'{text}' is not a duration (use for example 180d, 6m, 18m or 5y)", text=typed or text))
    amount, unit = int(m.group(1)), m.group(2)
    value = Duration(amount * 12, "m") if unit == "y" else Duration(amount, unit)
    if value.amount < 1:
        raise DateError(t("'{text}' is not a duration: it must be at least 1 day (such as 1d, 6m or 5y)",
                          text=typed or text))
    if value.amount > (MAX_DAYS if value.unit == "d" else MAX_MONTHS):
        raise DateError(t("'{text}' is too long: a duration is at most 20 years (20y, 240m or 7305d)",
                          text=typed or text))
    return value


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def days_in_month(year: int, month: int) -> int:
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):  # calendar.isleap, without a call
        return 29
    return _MONTH_DAYS[month - 1]


def add_months(day: date, months: int) -> date:
    """Calendar month arithmetic; a month-end that does not exist falls to the month's last day. A result
    beyond the calendar's edge (20 years after 9998-12-31) stops at the edge: every date it is compared
    with lies inside."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        return date.min if year < 1 else date.max
    if day.day <= 28:
        return date(year, month + 1, day.day)
    return date(year, month + 1, min(day.day, days_in_month(year, month + 1)))

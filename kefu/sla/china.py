"""The built-in "China mainland" business calendar (pure Python, no Django).

Official public holidays and make-up working days (调休) come from the
``chinese-calendar`` package (import name ``chinese_calendar``), which ships
the State Council's yearly notices. Outside the years it covers nothing is
guessed: the calendar raises ``CalendarOutOfRange`` naming the covered range
(upgrade the package, or add the dates by hand, when a new notice is out).

Working hours default to 09:00-12:00 and 13:30-18:00, Monday to Friday, in
Asia/Shanghai; a make-up Saturday or Sunday is worked with the weekday hours.
Admins add their own dates on top (a company holiday, a worked weekend): those
win over the official data, and may lie outside the covered years.

Note on the last covered year: a make-up day for the next New Year can fall in
late December (2018-12-29 was one); such a day is only known once the next
year's notice is out, so keep the package current.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo

import chinese_calendar

from kefu.sla.calendar import Calendar, CalendarOutOfRange, HoursLike, parse_hours

__all__ = [
    "CHINA_NAME",
    "CHINA_TZ",
    "DEFAULT_HOURS",
    "HolidayInfo",
    "china_calendar",
    "china_coverage",
    "china_mainland",
    "holiday_info",
    "holiday_name",
    "is_makeup_workday",
    "is_public_holiday",
    "is_workday",
]

CHINA_TZ = "Asia/Shanghai"
CHINA_NAME = "China mainland"
DEFAULT_HOURS: tuple[str, ...] = ("09:00-12:00", "13:30-18:00")
_OUT_OF_RANGE_HINT = (
    f"official holidays known from chinese-calendar {chinese_calendar.__version__}; "
    "upgrade it or add the dates to the calendar by hand"
)
_SHANGHAI = ZoneInfo(CHINA_TZ)

# chinese_calendar gives English names ("National Day"); its Holiday enum knows
# the Chinese ones ("国庆节").
_CHINESE_NAMES: dict[str, str] = {h.value: h.chinese for h in chinese_calendar.Holiday}


@cache
def china_coverage() -> tuple[date, date]:
    """The first and last date the package's holiday tables cover (whole years)."""
    years = [day.year for day in chinese_calendar.holidays]
    return date(min(years), 1, 1), date(max(years), 12, 31)


def _official_days_off() -> list[date]:
    return list(chinese_calendar.holidays)


def _official_makeup_days() -> list[date]:
    return list(chinese_calendar.workdays)


def china_calendar(
    *,
    hours: HoursLike = DEFAULT_HOURS,
    extra_holidays: Iterable[date] = (),
    extra_workdays: Mapping[date, HoursLike | None] | Iterable[date] = (),
    name: str = CHINA_NAME,
) -> Calendar:
    """A China mainland calendar with the given weekday ``hours`` and the admins' own dates.

    ``extra_holidays`` are days off; ``extra_workdays`` are worked days, either
    dates (worked with ``hours``) or date -> hours. Both override the official
    data. A date in both lists is an error.
    """
    weekday_hours = parse_hours(hours)
    if not weekday_hours:
        raise ValueError("the weekday working hours cannot be empty")
    extra_off = set(extra_holidays)
    extra_work: dict[date, HoursLike | None] = (
        dict(extra_workdays.items())
        if isinstance(extra_workdays, Mapping)
        else dict.fromkeys(extra_workdays)
    )
    both = extra_off & set(extra_work)
    if both:
        days = ", ".join(day.isoformat() for day in sorted(both))
        raise ValueError(f"dates both extra holidays and extra working days: {days}")
    official = Calendar(
        tz=_SHANGHAI,
        weekly=[weekday_hours] * 5 + [(), ()],
        holidays=_official_days_off(),
        workdays=_official_makeup_days(),  # worked with the weekday hours
        workday_hours=weekday_hours,
        coverage=china_coverage(),
        name=name,
        out_of_range_hint=_OUT_OF_RANGE_HINT,
    )
    if not extra_off and not extra_work:
        return official
    return official.with_overrides(holidays=extra_off, workdays=extra_work)


@cache
def china_mainland() -> Calendar:
    """The shared built-in calendar with default hours (cached: it caches its day spans)."""
    return china_calendar()


# ------------------------------------------------------------------ day facts


@dataclass(frozen=True, slots=True)
class HolidayInfo:
    """What the official calendar says about a date that a holiday notice mentions."""

    day: date
    name: str  # English, as chinese_calendar gives it: "National Day"
    name_zh: str  # "国庆节"
    day_off: bool  # True: a public holiday (or a weekend inside one); False: a make-up working day


def _local_date(day: date | datetime) -> date:
    """A date, or the Shanghai date of an aware datetime (naive datetimes: their own date)."""
    if isinstance(day, datetime):
        if day.tzinfo is not None and day.utcoffset() is not None:
            return day.astimezone(_SHANGHAI).date()
        return day.date()
    return day


def _checked(day: date | datetime) -> date:
    local = _local_date(day)
    first, last = china_coverage()
    if not first <= local <= last:
        raise CalendarOutOfRange(CHINA_NAME, local, first, last, hint=_OUT_OF_RANGE_HINT)
    return local


def holiday_info(day: date | datetime) -> HolidayInfo | None:
    """The holiday a date belongs to (a day off or its make-up working day), or None."""
    local = _checked(day)
    name = chinese_calendar.workdays.get(local)
    day_off = False
    if name is None:
        name = chinese_calendar.holidays.get(local)
        day_off = True
    if name is None:
        return None
    return HolidayInfo(
        day=local, name=name, name_zh=_CHINESE_NAMES.get(name, name), day_off=day_off
    )


def is_public_holiday(day: date | datetime) -> bool:
    """True on an official day off for a holiday (including weekends inside the break)."""
    info = holiday_info(day)
    return info is not None and info.day_off


def holiday_name(day: date | datetime, *, chinese: bool = False) -> str | None:
    """The name of the holiday a date is off for ("National Day" / "国庆节"), else None.

    Make-up working days have no name here (they are working days); see ``holiday_info``.
    """
    info = holiday_info(day)
    if info is None or not info.day_off:
        return None
    return info.name_zh if chinese else info.name


def is_makeup_workday(day: date | datetime) -> bool:
    """True on a Saturday or Sunday worked to make up for a holiday (调休上班)."""
    info = holiday_info(day)
    return info is not None and not info.day_off


def is_workday(day: date | datetime) -> bool:
    """True when people work that day by the official calendar (admins' dates not included)."""
    local = _checked(day)
    info = holiday_info(local)
    if info is not None:
        return not info.day_off
    return local.weekday() < 5

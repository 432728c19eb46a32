"""The built-in China mainland calendar: official holidays, make-up days, admins' dates.

Hand-checked against the State Council notices as shipped in chinese-calendar 1.11:

* 国庆 2025: Wed 1 - Wed 8 October off (6 October is 中秋, Mid-autumn Festival);
  make-up working days Sun 28 September and Sat 11 October.
* 春节 2026: Sun 15 - Mon 23 February off; make-up working days Sat 14 February
  and Sat 28 February.
* 元旦 2026: Thu 1 - Sat 3 January off; make-up working day Sun 4 January.

Working hours 09:00-12:00 and 13:30-18:00 (7.5 h, 450 minutes a day).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from kefu.sla.calendar import (
    CalendarOutOfRange,
    add_business_minutes,
    business_minutes_between,
    is_working_time,
    next_working_instant,
)
from kefu.sla.china import (
    CHINA_NAME,
    HolidayInfo,
    china_calendar,
    china_coverage,
    china_mainland,
    holiday_info,
    holiday_name,
    is_makeup_workday,
    is_public_holiday,
    is_workday,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = 450  # business minutes in a default working day
CAL = china_mainland()


def sh(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def test_the_calendar_follows_the_package_data_on_every_covered_day():
    first, last = china_coverage()
    assert first == date(2004, 1, 1)
    assert last >= date(2026, 12, 31)  # chinese-calendar 1.11 knows 2026
    assert CAL.tz.key == "Asia/Shanghai" and CAL.name == CHINA_NAME
    day = first
    while day <= last:
        assert bool(CAL.hours_on(day)) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


def test_default_hours_on_weekdays_and_make_up_days():
    office = ((540, 720), (810, 1080))
    assert CAL.hours_on(date(2025, 9, 26)) == office  # a Friday
    assert CAL.hours_on(date(2025, 9, 27)) == ()  # an ordinary Saturday
    assert CAL.hours_on(date(2025, 9, 28)) == office  # make-up Sunday
    assert CAL.hours_on(date(2025, 10, 6)) == ()  # 中秋, inside the 国庆 break
    assert china_mainland() is CAL


# ------------------------------------------------------------------ 国庆 2025


def test_national_day_2025_days_off_and_make_up_days():
    for day in range(1, 9):
        assert CAL.hours_on(date(2025, 10, day)) == (), day
    assert CAL.hours_on(date(2025, 9, 28))  # Sunday, worked
    assert CAL.hours_on(date(2025, 10, 11))  # Saturday, worked
    assert CAL.hours_on(date(2025, 10, 12)) == ()  # an ordinary Sunday again


def test_ticket_before_national_day_is_due_after_the_break():
    arrived = sh(2025, 9, 30, 17, 0)
    # one hour on 30 September, then 09:00-12:00 on Thursday 9 October
    assert add_business_minutes(CAL, arrived, 4 * 60) == sh(2025, 10, 9, 12, 0)
    assert add_business_minutes(CAL, arrived, 4 * 60 + 1) == sh(2025, 10, 9, 13, 31)
    assert business_minutes_between(CAL, arrived, sh(2025, 10, 9, 12, 0)) == 240
    assert not is_working_time(CAL, sh(2025, 10, 8, 10, 0))
    assert next_working_instant(CAL, sh(2025, 10, 1, 8, 0)) == sh(2025, 10, 9, 9, 0)


def test_national_day_make_up_days_count():
    # Saturday morning: the next working time is the make-up Sunday
    assert add_business_minutes(CAL, sh(2025, 9, 27, 10, 0), 60) == sh(2025, 9, 28, 10, 0)
    # Friday 10 October late: due on the make-up Saturday
    assert add_business_minutes(CAL, sh(2025, 10, 10, 17, 30), 60) == sh(2025, 10, 11, 9, 30)
    # Fri 26 Sep, Sun 28, Mon 29, Tue 30 Sep, Thu 9, Fri 10, Sat 11 Oct
    assert business_minutes_between(CAL, sh(2025, 9, 26), sh(2025, 10, 13)) == 7 * DAY


# ------------------------------------------------------------------ 春节 2026


def test_spring_festival_2026():
    for day in range(15, 24):
        assert CAL.hours_on(date(2026, 2, day)) == (), day
    assert CAL.hours_on(date(2026, 2, 14))  # Saturday, worked
    assert CAL.hours_on(date(2026, 2, 28))  # Saturday, worked
    # Friday 13 February 16:00, four business hours: two on Friday, two on Saturday
    assert add_business_minutes(CAL, sh(2026, 2, 13, 16, 0), 240) == sh(2026, 2, 14, 11, 0)
    # the last hour before the break ends at 18:00 on the make-up Saturday ...
    assert add_business_minutes(CAL, sh(2026, 2, 14, 17, 0), 60) == sh(2026, 2, 14, 18, 0)
    # ... and the next minute is on Tuesday 24 February
    assert add_business_minutes(CAL, sh(2026, 2, 14, 17, 0), 61) == sh(2026, 2, 24, 9, 1)
    # Sat 14, Tue 24 - Fri 27, Sat 28 February
    assert business_minutes_between(CAL, sh(2026, 2, 14), sh(2026, 3, 1)) == 6 * DAY


def test_new_year_2026_make_up_sunday():
    assert add_business_minutes(CAL, sh(2025, 12, 31, 17, 0), 120) == sh(2026, 1, 4, 10, 0)


# ------------------------------------------------------------------ out of range


def test_dates_outside_the_package_data_raise_with_the_covered_range():
    first, last = china_coverage()
    with pytest.raises(CalendarOutOfRange) as info:
        add_business_minutes(CAL, sh(last.year, 12, 31, 17, 0), 120)
    err = info.value
    assert err.day == date(last.year + 1, 1, 1)
    assert (err.first, err.last) == (first, last)
    assert f"{first.isoformat()} to {last.isoformat()}" in str(err)
    assert "chinese-calendar" in str(err)
    with pytest.raises(CalendarOutOfRange):
        business_minutes_between(CAL, sh(last.year, 12, 1), sh(last.year + 1, 1, 5))
    with pytest.raises(CalendarOutOfRange):
        is_working_time(CAL, sh(last.year + 1, 3, 1, 10, 0))
    with pytest.raises(CalendarOutOfRange):
        add_business_minutes(CAL, sh(2003, 12, 31, 10, 0), 10)
    for outside in (first - timedelta(days=1), last + timedelta(days=1)):
        with pytest.raises(CalendarOutOfRange):
            holiday_info(outside)
        with pytest.raises(CalendarOutOfRange):
            is_workday(outside)
    # the last covered day itself is fine
    assert add_business_minutes(CAL, sh(last.year, 12, 31, 9, 0), 60) == sh(
        last.year, 12, 31, 10, 0
    )


# ------------------------------------------------------------------ admins' own dates


def test_admins_add_days_off_and_working_days_on_top():
    cal = china_calendar(
        extra_holidays=[date(2025, 9, 29), date(2025, 9, 28)],  # 28: overrides a make-up day
        extra_workdays={date(2025, 10, 8): None, date(2025, 10, 12): ["10:00-12:00"]},
    )
    assert cal.hours_on(date(2025, 9, 28)) == ()
    assert cal.hours_on(date(2025, 9, 29)) == ()
    assert cal.hours_on(date(2025, 10, 8)) == ((540, 720), (810, 1080))
    assert cal.hours_on(date(2025, 10, 12)) == ((600, 720),)
    assert add_business_minutes(cal, sh(2025, 9, 30, 17, 0), 240) == sh(2025, 10, 8, 12, 0)
    # the shared calendar is untouched
    assert CAL.hours_on(date(2025, 9, 28)) and CAL.hours_on(date(2025, 10, 8)) == ()


def test_admin_dates_outside_the_package_range_count_but_others_still_raise():
    last = china_coverage()[1]
    extra = last + timedelta(days=2)
    cal = china_calendar(extra_workdays=[extra])
    assert is_working_time(cal, sh(extra.year, extra.month, extra.day, 10, 0))
    with pytest.raises(CalendarOutOfRange):
        is_working_time(cal, sh(extra.year, extra.month, extra.day + 1, 10, 0))


def test_custom_hours_apply_to_make_up_days_and_conflicting_dates_are_refused():
    cal = china_calendar(hours=["08:30-17:30"])
    assert cal.hours_on(date(2025, 9, 28)) == ((510, 1050),)
    assert cal.hours_on(date(2025, 9, 29)) == ((510, 1050),)
    assert cal.hours_on(date(2025, 9, 27)) == ()
    with pytest.raises(ValueError, match="both"):
        china_calendar(extra_holidays=[date(2025, 5, 6)], extra_workdays=[date(2025, 5, 6)])
    with pytest.raises(ValueError):
        china_calendar(hours=[])


# ------------------------------------------------------------------ day facts


def test_holiday_names_in_english_and_chinese():
    assert holiday_name(date(2025, 10, 1)) == "National Day"
    assert holiday_name(date(2025, 10, 1), chinese=True) == "国庆节"
    assert holiday_name(date(2025, 10, 6)) == "Mid-autumn Festival"
    assert holiday_name(date(2025, 10, 6), chinese=True) == "中秋"
    assert holiday_name(date(2026, 2, 17), chinese=True) == "春节"
    assert holiday_name(date(2026, 1, 1)) == "New Year's Day"
    assert holiday_name(date(2025, 9, 28)) is None  # a make-up day is a working day
    assert holiday_name(date(2025, 9, 27)) is None  # an ordinary Saturday


def test_day_facts_for_holidays_make_up_days_and_plain_days():
    assert holiday_info(date(2025, 9, 28)) == HolidayInfo(
        day=date(2025, 9, 28), name="National Day", name_zh="国庆节", day_off=False
    )
    assert holiday_info(date(2025, 10, 4)) == HolidayInfo(
        day=date(2025, 10, 4), name="National Day", name_zh="国庆节", day_off=True
    )
    assert holiday_info(date(2025, 9, 20)) is None
    assert is_public_holiday(date(2025, 10, 4))  # a Saturday inside the break
    assert not is_public_holiday(date(2025, 9, 20))  # an ordinary Saturday
    assert not is_public_holiday(date(2025, 9, 28))
    assert is_makeup_workday(date(2025, 9, 28)) and is_makeup_workday(date(2026, 2, 28))
    assert not is_makeup_workday(date(2025, 9, 29))
    assert is_workday(date(2025, 9, 28)) and is_workday(date(2025, 9, 29))
    assert not is_workday(date(2025, 9, 20)) and not is_workday(date(2025, 10, 6))


def test_datetimes_are_read_in_shanghai_time():
    # 17:00 UTC on 30 September is 01:00 on 1 October in Shanghai
    assert holiday_name(datetime(2025, 9, 30, 17, 0, tzinfo=UTC)) == "National Day"
    assert holiday_name(datetime(2025, 9, 30, 17, 0)) is None  # naive: its own date

"""Business-time arithmetic: hand-checked cases, a brute-force reference, and the algebra.

No database: these tests only need the pure-Python ``kefu.sla.calendar`` module.
"""

from __future__ import annotations

import pickle
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kefu.sla.calendar import (
    Calendar,
    CalendarOutOfRange,
    add_business_minutes,
    add_business_time,
    business_minutes_between,
    business_time_between,
    format_hours,
    is_working_time,
    next_working_instant,
    parse_hours,
    parse_weekly,
)
from kefu.sla.china import china_mainland

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
US = timedelta(microseconds=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# The function-scoped fixture is the project's autouse network guard; it needs no
# reset between examples.
PROPERTY = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

OFFICE = Calendar(
    tz="Asia/Shanghai",
    weekly={day: ["09:00-12:00", "13:30-18:00"] for day in ("mon", "tue", "wed", "thu", "fri")},
    name="office",
)


def sh(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0, us: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, us, tzinfo=SHANGHAI)


def utc(value: datetime) -> datetime:
    """Expectations written in a DST zone are compared in UTC: for a time in a fold,
    == across zones is always False (PEP 495)."""
    return value.astimezone(UTC)


# ------------------------------------------------------------------ parsing


def test_parse_hours_sorts_merges_and_accepts_midnight_end():
    assert parse_hours(["13:00-14:00", "09:00-12:00", "12:00-13:00"]) == ((540, 840),)
    assert parse_hours(["22:00-24:00"]) == ((1320, 1440),)
    assert parse_hours([(0, 60)]) == ((0, 60),)
    assert format_hours(parse_hours(["9:00-12:00", "13:30-18:00"])) == [
        "09:00-12:00",
        "13:30-18:00",
    ]


@pytest.mark.parametrize(
    "value",
    [
        ["09:00-08:00"],
        ["09:00-09:00"],
        ["09:00-12:00", "11:00-13:00"],
        ["25:00-26:00"],
        ["09:60-10:00"],
        ["24:30-24:45"],
        ["9-10"],
        "09:00-18:00",
    ],
)
def test_parse_hours_rejects_bad_input(value):
    with pytest.raises(ValueError):
        parse_hours(value)


def test_parse_weekly_needs_known_days_and_some_hours():
    week = parse_weekly({"mon": ["09:00-18:00"]})
    assert week[0] == ((540, 1080),) and week[1:] == ((),) * 6
    with pytest.raises(ValueError, match="unknown weekday"):
        parse_weekly({"monday": ["09:00-18:00"]})
    with pytest.raises(ValueError, match="at least one weekday"):
        parse_weekly({"mon": []})
    with pytest.raises(ValueError):
        parse_weekly([["09:00-18:00"]] * 6)


def test_calendar_rejects_unknown_zone_and_backwards_coverage():
    with pytest.raises(ValueError, match="time zone"):
        Calendar(tz="Mars/Olympus", weekly={"mon": ["09:00-18:00"]})
    with pytest.raises(ValueError, match="covered date range"):
        Calendar(
            tz="UTC", weekly={"mon": ["09:00-18:00"]}, coverage=(date(2025, 2, 1), date(2025, 1, 1))
        )


# ------------------------------------------------------------------ hand-checked cases


def test_add_lands_on_interval_end_and_skips_lunch_nights_and_weekends():
    wed_17 = sh(2025, 3, 5, 17, 0)
    assert add_business_minutes(OFFICE, wed_17, 60) == sh(2025, 3, 5, 18, 0)
    assert add_business_minutes(OFFICE, wed_17, 61) == sh(2025, 3, 6, 9, 1)
    assert add_business_minutes(OFFICE, sh(2025, 3, 5, 11, 30), 60) == sh(2025, 3, 5, 14, 0)
    fri_17 = sh(2025, 3, 7, 17, 0)
    assert add_business_minutes(OFFICE, fri_17, 120) == sh(2025, 3, 10, 10, 0)
    # 0 minutes: the next working instant; from inside working time, the instant itself
    assert add_business_minutes(OFFICE, sh(2025, 3, 8, 12, 0), 0) == sh(2025, 3, 10, 9, 0)
    assert add_business_minutes(OFFICE, sh(2025, 3, 10, 9, 5), 0) == sh(2025, 3, 10, 9, 5)
    # a week and more is skipped in one step; the answer is the same as day by day
    assert add_business_minutes(OFFICE, fri_17, 5 * 450 + 120) == sh(2025, 3, 17, 10, 0)
    assert add_business_minutes(OFFICE, fri_17, 5 * 450 + 60) == sh(2025, 3, 14, 18, 0)
    assert add_business_minutes(OFFICE, fri_17, 5 * 450) == sh(2025, 3, 14, 17, 0)
    assert add_business_time(OFFICE, fri_17, timedelta(seconds=90)) == sh(2025, 3, 7, 17, 1, 30)


def test_results_are_utc_and_any_aware_input_is_accepted():
    start = datetime(2025, 3, 5, 9, 0, tzinfo=ZoneInfo("UTC"))  # 17:00 in Shanghai
    result = add_business_minutes(OFFICE, start, 30)
    assert result == sh(2025, 3, 5, 17, 30) and result.tzinfo is UTC
    assert next_working_instant(OFFICE, sh(2025, 3, 5, 17, 0)).tzinfo is UTC
    with pytest.raises(ValueError, match="aware"):
        add_business_minutes(OFFICE, datetime(2025, 3, 5, 9, 0), 30)
    with pytest.raises(ValueError, match="negative"):
        add_business_minutes(OFFICE, start, -1)


def test_between_is_half_open_signed_and_truncated():
    assert business_minutes_between(OFFICE, sh(2025, 3, 7, 17, 0), sh(2025, 3, 10, 10, 0)) == 120
    assert business_minutes_between(OFFICE, sh(2025, 3, 10, 10, 0), sh(2025, 3, 7, 17, 0)) == -120
    assert business_minutes_between(OFFICE, sh(2025, 3, 8, 0, 0), sh(2025, 3, 9, 23, 59)) == 0
    a, b = sh(2025, 3, 10, 9, 0), sh(2025, 3, 10, 9, 1, 59)
    assert business_minutes_between(OFFICE, a, b) == 1
    assert business_minutes_between(OFFICE, b, a) == -1
    assert business_time_between(OFFICE, a, b) == timedelta(seconds=119)
    # a whole week of the office: 5 x 7.5 h
    assert business_minutes_between(OFFICE, sh(2025, 3, 3), sh(2025, 3, 10)) == 5 * 450


def test_working_time_boundaries():
    assert is_working_time(OFFICE, sh(2025, 3, 10, 9, 0))
    assert not is_working_time(OFFICE, sh(2025, 3, 10, 8, 59, 59, 999999))
    assert not is_working_time(OFFICE, sh(2025, 3, 10, 12, 0))
    assert is_working_time(OFFICE, sh(2025, 3, 10, 13, 30))
    assert not is_working_time(OFFICE, sh(2025, 3, 10, 18, 0))
    assert not is_working_time(OFFICE, sh(2025, 3, 8, 10, 0))
    assert next_working_instant(OFFICE, sh(2025, 3, 10, 12, 0)) == sh(2025, 3, 10, 13, 30)
    assert next_working_instant(OFFICE, sh(2025, 3, 7, 18, 0)) == sh(2025, 3, 10, 9, 0)


def test_holidays_and_extra_workdays_with_their_own_hours():
    cal = Calendar(
        tz="Asia/Shanghai",
        weekly={"mon": ["09:00-18:00"], "tue": ["09:00-18:00"]},
        holidays=[date(2025, 3, 10)],
        workdays={date(2025, 3, 8): ["10:00-11:00"], date(2025, 3, 9): None},
    )
    assert cal.hours_on(date(2025, 3, 10)) == ()
    assert cal.hours_on(date(2025, 3, 8)) == ((600, 660),)
    assert cal.hours_on(date(2025, 3, 9)) == ((540, 1080),)  # the first weekday's hours
    assert add_business_minutes(cal, sh(2025, 3, 7, 12, 0), 90) == sh(2025, 3, 9, 9, 30)
    changed = cal.with_overrides(holidays=[date(2025, 3, 8)], workdays=[date(2025, 3, 10)])
    assert changed.hours_on(date(2025, 3, 8)) == ()
    assert changed.hours_on(date(2025, 3, 10)) == ((540, 1080),)
    assert cal.hours_on(date(2025, 3, 10)) == ()  # the original is unchanged


def test_out_of_range_raises_with_the_covered_range_but_special_dates_answer():
    cal = Calendar(
        tz="Asia/Shanghai",
        weekly={"mon": ["09:00-18:00"], "fri": ["09:00-18:00"]},
        workdays=[date(2025, 2, 1)],
        coverage=(date(2025, 1, 1), date(2025, 1, 31)),
        name="january",
        out_of_range_hint="add more data",
    )
    with pytest.raises(CalendarOutOfRange) as info:
        add_business_minutes(cal, sh(2025, 1, 31, 17, 0), 9 * 60 + 61)
    err = info.value
    assert (err.day, err.first, err.last) == (date(2025, 2, 2), date(2025, 1, 1), date(2025, 1, 31))
    assert "2025-01-01 to 2025-01-31" in str(err) and "add more data" in str(err)
    assert pickle.loads(pickle.dumps(err)).args == err.args
    # the extra working day after the range still counts
    assert add_business_minutes(cal, sh(2025, 1, 31, 17, 0), 120) == sh(2025, 2, 1, 10, 0)
    with pytest.raises(CalendarOutOfRange):
        is_working_time(cal, sh(2024, 12, 31, 10, 0))
    # measuring up to the end of the range never asks about the day after it,
    # even when the last step is a whole-week jump
    assert business_minutes_between(cal, sh(2025, 1, 6), sh(2025, 2, 1)) == 8 * 9 * 60
    plain = Calendar(
        tz="Asia/Shanghai",
        weekly={"mon": ["09:00-18:00"], "fri": ["09:00-18:00"]},
        coverage=(date(2025, 1, 1), date(2025, 1, 31)),
    )
    assert business_minutes_between(plain, sh(2025, 1, 18), sh(2025, 2, 1)) == 4 * 9 * 60
    assert business_minutes_between(plain, sh(2025, 1, 25), sh(2025, 2, 1)) == 2 * 9 * 60


def test_daylight_saving_days_last_as_long_as_the_clock_ran():
    cal = Calendar.always("Europe/Berlin")
    # 2025-03-30: 02:00 -> 03:00; 2025-10-26: 03:00 -> 02:00
    assert business_minutes_between(cal, berlin(2025, 3, 30), berlin(2025, 3, 31)) == 23 * 60
    assert business_minutes_between(cal, berlin(2025, 10, 26), berlin(2025, 10, 27)) == 25 * 60
    night = Calendar(tz="Europe/Berlin", weekly=[["01:00-04:00"]] * 7)
    assert business_minutes_between(night, berlin(2025, 3, 30), berlin(2025, 3, 31)) == 120
    assert business_minutes_between(night, berlin(2025, 10, 26), berlin(2025, 10, 27)) == 240
    # 01:30 + 60 business minutes on the spring day: 02:30 does not exist, 03:30 it is
    assert add_business_minutes(night, berlin(2025, 3, 30, 1, 30), 60) == berlin(2025, 3, 30, 3, 30)
    # on the autumn day 02:30 happens twice; 60 minutes after the first one is the second
    first_0230 = datetime(2025, 10, 26, 0, 30, tzinfo=UTC)
    assert utc(add_business_minutes(night, first_0230, 60)) == datetime(
        2025, 10, 26, 1, 30, tzinfo=UTC
    )
    # an interval inside the spring gap never happens
    gap = Calendar(tz="Europe/Berlin", weekly=[["02:15-02:45", "05:00-06:00"]] * 7)
    assert business_minutes_between(gap, berlin(2025, 3, 30), berlin(2025, 3, 31)) == 60
    assert next_working_instant(gap, berlin(2025, 3, 30, 1, 0)) == berlin(2025, 3, 30, 5, 0)
    ny = Calendar.always("America/New_York")
    assert business_minutes_between(ny, nyt(2025, 3, 9), nyt(2025, 3, 10)) == 23 * 60
    assert business_minutes_between(ny, nyt(2025, 11, 2), nyt(2025, 11, 3)) == 25 * 60


def berlin(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=BERLIN)


def nyt(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=NEW_YORK)


# ------------------------------------------------------------------ brute-force reference


def _wall_clock_reference(tz, hours_on, first_day: date, days: int):
    """Minute-by-minute working flags from the wall clock, from local midnight of first_day.

    With interval boundaries on whole hours, "the wall clock reads a working time"
    is exactly the calendar's convention, also across DST changes.
    """
    origin = datetime.combine(first_day, datetime.min.time(), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(first_day + timedelta(days=days), datetime.min.time(), tzinfo=tz)
    count = int((end.astimezone(UTC) - origin).total_seconds()) // 60
    flags = []
    for i in range(count):
        local = (origin + timedelta(minutes=i)).astimezone(tz)
        minute = local.hour * 60 + local.minute
        flags.append(any(a <= minute < b for a, b in hours_on(local.date())))
    prefix = [0]
    for flag in flags:
        prefix.append(prefix[-1] + flag)
    return origin, flags, prefix


hour_intervals = st.lists(
    st.tuples(st.integers(0, 23), st.integers(1, 24)).filter(lambda p: p[0] < p[1]),
    max_size=3,
    unique=True,
).map(
    lambda pairs: [
        f"{a:02d}:00-{b:02d}:00"
        for a, b in sorted(pairs)
        if all(not (a < b2 and a2 < b) for a2, b2 in pairs if (a2, b2) < (a, b))
    ]
)

DST_DAYS = {  # switch days, Sunday: spring and autumn
    "Europe/Berlin": [date(2025, 3, 30), date(2025, 10, 26)],
    "America/New_York": [date(2025, 3, 9), date(2025, 11, 2)],
    "Asia/Shanghai": [date(2025, 3, 30), date(2025, 10, 1)],
}


@settings(PROPERTY, max_examples=40)
@given(
    zone=st.sampled_from(sorted(DST_DAYS)),
    switch=st.integers(0, 1),
    week=st.lists(hour_intervals, min_size=7, max_size=7).filter(any),
    specials=st.dictionaries(st.integers(-2, 2), hour_intervals, max_size=3),
    queries=st.lists(
        st.tuples(st.floats(0, 1), st.floats(0, 1), st.integers(0, 1500)), min_size=5, max_size=5
    ),
)
def test_matches_a_minute_by_minute_wall_clock_reference(zone, switch, week, specials, queries):
    tz = ZoneInfo(zone)
    around = DST_DAYS[zone][switch]
    special = {around + timedelta(days=k): hours for k, hours in specials.items()}
    cal = Calendar(
        tz=zone,
        weekly=week,
        holidays=[d for d, h in special.items() if not h],
        workdays={d: h for d, h in special.items() if h},
    )
    first = around - timedelta(days=2)
    origin, flags, prefix = _wall_clock_reference(tz, cal.hours_on, first, 5)
    last = len(flags)
    for fa, fb, n in queries:
        i, j = int(fa * last), int(fb * last)
        a, b = origin + timedelta(minutes=i), origin + timedelta(minutes=j)
        assert business_minutes_between(cal, a, b) == prefix[j] - prefix[i]
        if i < last:
            assert is_working_time(cal, a) == flags[i]
            k = next((k for k in range(i, last) if flags[k]), None)
            if k is not None:
                assert utc(next_working_instant(cal, a)) == origin + timedelta(minutes=k)
        target = prefix[i] + n
        if n > 0 and target <= prefix[-1]:
            k = next(k for k in range(i + 1, last + 1) if prefix[k] == target)
            assert utc(add_business_minutes(cal, a, n)) == origin + timedelta(minutes=k)


# ------------------------------------------------------------------ the algebra

DST_CALENDARS = [
    Calendar.always("Europe/Berlin"),
    Calendar(tz="Europe/Berlin", weekly=[["01:00-04:00", "22:00-24:00"]] * 7, name="night"),
    Calendar(
        tz="America/New_York",
        weekly={
            "mon": ["00:00-02:30", "08:00-17:00"],
            "wed": ["01:30-03:00"],
            "fri": ["08:00-17:00"],
            "sun": ["01:00-02:15", "02:30-02:45", "03:15-04:00"],  # boundaries in gap and fold
        },
        name="odd",
    ),
]
SWITCHES = [  # instants of DST changes in 2024-2026 (UTC)
    datetime(y, m, d, h, tzinfo=UTC)
    for y, m, d, h in [
        (2024, 3, 31, 1),
        (2024, 10, 27, 1),
        (2025, 3, 30, 1),
        (2025, 10, 26, 1),
        (2024, 3, 10, 7),
        (2024, 11, 3, 6),
        (2025, 3, 9, 7),
        (2025, 11, 2, 6),
    ]
]
WEEK_US = 7 * 86_400 * 1_000_000


@st.composite
def dst_instants(draw):
    base = draw(st.sampled_from(SWITCHES))
    return base + timedelta(microseconds=draw(st.integers(-WEEK_US, WEEK_US)))


# Starts for the China calendar: 2024 to autumn 2026, inside the package's data with
# room for the largest n below (20 business days).
china_instants = st.integers(
    int((datetime(2024, 1, 1, tzinfo=UTC) - EPOCH) / US),
    int((datetime(2026, 11, 1, tzinfo=UTC) - EPOCH) / US),
).map(lambda us: EPOCH + timedelta(microseconds=us))

cases = st.one_of(
    st.tuples(st.just(china_mainland()), china_instants),
    st.tuples(st.just(OFFICE), china_instants),
    st.tuples(st.sampled_from(DST_CALENDARS), dst_instants()),
)
minutes = st.integers(0, 20 * 450)


@PROPERTY
@given(case=cases, n=minutes)
def test_adding_then_measuring_gives_n_back(case, n):
    cal, start = case
    end = add_business_minutes(cal, start, n)
    assert end >= start
    assert business_minutes_between(cal, start, end) == n
    assert business_time_between(cal, start, end) == timedelta(minutes=n)


@PROPERTY
@given(case=cases, n=minutes)
def test_the_result_never_lands_outside_working_time(case, n):
    cal, start = case
    end = add_business_minutes(cal, start, n)
    if n > 0:
        assert is_working_time(cal, end - US)
    else:
        assert is_working_time(cal, end)
        assert utc(end) == utc(next_working_instant(cal, start))
        assert business_time_between(cal, start, end) == timedelta(0)


@PROPERTY
@given(case=cases, n1=minutes, n2=minutes)
def test_monotonic_in_n_and_additive(case, n1, n2):
    cal, start = case
    n1, n2 = sorted((n1, n2))
    assert add_business_minutes(cal, start, n1) <= add_business_minutes(cal, start, n2)
    if n1 > 0 and n2 > n1:
        # going on from a result is the same as asking for the sum at once
        later = add_business_minutes(cal, add_business_minutes(cal, start, n1), n2 - n1)
        assert utc(later) == utc(add_business_minutes(cal, start, n2))


@PROPERTY
@given(case=cases, shift=st.integers(0, WEEK_US), n=minutes)
def test_monotonic_in_the_start(case, shift, n):
    cal, start = case
    later = start + timedelta(microseconds=shift)
    assert add_business_minutes(cal, start, n) <= add_business_minutes(cal, later, n)
    # the later start has measured out at most as much as the earlier one
    assert business_time_between(cal, later, add_business_minutes(cal, start, n)) <= timedelta(
        minutes=n
    )


@PROPERTY
@given(
    case=cases,
    d1=st.integers(0, WEEK_US),
    d2=st.integers(0, WEEK_US),
    order=st.permutations(range(3)),
)
def test_between_is_additive_and_antisymmetric(case, d1, d2, order):
    cal, a = case
    points = [a, a + timedelta(microseconds=d1), a + timedelta(microseconds=d1 + d2)]
    x, y, z = (points[i] for i in order)
    assert business_time_between(cal, x, y) + business_time_between(
        cal, y, z
    ) == business_time_between(cal, x, z)
    assert business_time_between(cal, y, x) == -business_time_between(cal, x, y)
    # on whole minutes the minute counts add up exactly too
    xm, ym, zm = (p.replace(second=0, microsecond=0) for p in (x, y, z))
    assert business_minutes_between(cal, xm, ym) + business_minutes_between(
        cal, ym, zm
    ) == business_minutes_between(cal, xm, zm)


@PROPERTY
@given(case=cases)
def test_is_working_time_agrees_with_measuring_one_microsecond(case):
    cal, t = case
    working = is_working_time(cal, t)
    assert (business_time_between(cal, t, t + US) == US) == working
    found = next_working_instant(cal, t)
    assert found >= t and is_working_time(cal, found)
    assert (utc(found) == utc(t)) == working
    assert business_time_between(cal, t, found) == timedelta(0)

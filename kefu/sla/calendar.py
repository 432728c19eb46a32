"""Business-time arithmetic over a working calendar (pure Python, no Django).

A ``Calendar`` is a time zone, weekly working hours, and special dates: days
off (holidays) and extra working days with their own hours. Every function
here takes and returns *aware* datetimes; the work happens on absolute time
(integer microseconds since the epoch), with each local working interval
turned into its real start and end instants. So a working interval that
spans a DST change is as long as the clock really ran.

Conventions (the tests hold them):

* Intervals are half-open, ``[start, end)``: at 18:00 a 09:00-18:00 day is over.
* Local times that do not exist (the spring-forward gap) or exist twice (the
  fall-back fold) map to the *earliest instant whose wall clock reads that
  time or later*: a gap time maps to the transition instant, a repeated time
  to its first occurrence. The mapping is monotonic, so an interval never
  turns negative.
* ``add_business_minutes(cal, start, n)``: for ``n > 0`` the instant at which
  the n-th business minute completes, which may be exactly an interval end
  (17:00 + 60 min on a 09:00-18:00 day is 18:00, not 09:00 the next morning);
  for ``n == 0`` it is ``next_working_instant(start)``. Negative ``n`` is a
  ``ValueError``.
* ``business_time_between(cal, a, b)`` is the exact working time in
  ``[a, b)`` as a ``timedelta``, negative when ``b < a``;
  ``business_minutes_between`` is that in whole minutes, truncated toward
  zero. ``business_minutes_between(cal, a, add_business_minutes(cal, a, n))
  == n`` for every ``a`` and ``n >= 0``.
* Results are UTC datetimes, whatever the zone of the input or the calendar.
  Why: Python compares two datetimes of the same zone by wall clock, ignoring
  ``fold`` (so in a DST fold 01:59 EDT sorts after 01:00 EST), and ``==``
  across zones is always False for a time in a fold (PEP 495). UTC has neither
  trap, and it is how kefu stores times; convert for display only.
* A calendar may cover only a range of dates (the China calendar knows the
  official holidays of the years its data covers). Any computation that needs
  a date outside that range raises ``CalendarOutOfRange`` instead of guessing.

Speed: per-day spans are computed with one time-zone conversion on a normal
day and cached; whole weeks without special dates or DST changes are skipped
in one step. The one assumption: a zone never changes its offset twice in a
way that cancels out within one day (or, for the week jump, within a week).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "WEEKDAYS",
    "Calendar",
    "CalendarOutOfRange",
    "Hours",
    "add_business_minutes",
    "add_business_time",
    "business_minutes_between",
    "business_time_between",
    "format_hours",
    "is_working_time",
    "next_working_instant",
    "parse_hours",
    "parse_weekly",
]

# (start, end) in minutes after local midnight, 0 <= start < end <= 1440, sorted,
# non-overlapping, touching intervals merged.
Hours = tuple[tuple[int, int], ...]
# What callers may pass for one day's hours: ["09:00-12:00", ...] or [(540, 720), ...].
HoursLike = Iterable[str | Sequence[int]]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_MINUTES = 24 * 60
_US = 1_000_000
_DAY_US = 86_400 * _US
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_US = timedelta(microseconds=1)
_INTERVAL = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_CACHE_LIMIT = 4096


class CalendarOutOfRange(LookupError):
    """A date the calendar has no data for (e.g. a year the China holiday tables do not cover)."""

    def __init__(self, calendar_name: str, day: date, first: date, last: date, hint: str = ""):
        self.calendar_name = calendar_name
        self.day = day
        self.first = first
        self.last = last
        self.hint = hint
        message = (
            f"{calendar_name or 'calendar'}: no data for {day.isoformat()}; "
            f"the calendar covers {first.isoformat()} to {last.isoformat()}"
        )
        super().__init__(f"{message} ({hint})" if hint else message)

    def __reduce__(self):  # picklable (job results, multiprocessing) despite the extra arguments
        return (
            type(self),
            (self.calendar_name, self.day, self.first, self.last, self.hint),
        )


# ---------------------------------------------------------------- parsing hours


def _minutes(hh: str, mm: str, text: str) -> int:
    h, m = int(hh), int(mm)
    if m >= 60 or h > 24 or (h == 24 and m != 0):
        raise ValueError(f"invalid time in {text!r}")
    return h * 60 + m


def parse_hours(value: HoursLike | None) -> Hours:
    """``["09:00-12:00", "13:30-18:00"]`` (or ``[(540, 720), ...]``) -> sorted ``Hours``.

    An interval may end at 24:00. Overlapping intervals are an error (almost
    certainly a typo); touching ones (12:00-13:00, 13:00-14:00) are merged.
    """
    if value is None:
        return ()
    if isinstance(value, str):
        raise ValueError("working hours must be a list of intervals such as '09:00-18:00'")
    spans: list[tuple[int, int]] = []
    for item in value:
        if isinstance(item, str):
            match = _INTERVAL.match(item)
            if not match:
                raise ValueError(f"invalid interval {item!r}; expected HH:MM-HH:MM")
            start = _minutes(match[1], match[2], item)
            end = _minutes(match[3], match[4], item)
        else:
            start, end = (int(x) for x in item)
            if not 0 <= start <= DAY_MINUTES or not 0 <= end <= DAY_MINUTES:
                raise ValueError(f"invalid interval {item!r}")
        if start >= end:
            raise ValueError(f"interval {_fmt(start)}-{_fmt(end)} ends before it starts")
        spans.append((start, end))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            prev = merged[-1]
            raise ValueError(
                f"intervals {_fmt(prev[0])}-{_fmt(prev[1])} and {_fmt(start)}-{_fmt(end)} overlap"
            )
        if merged and start == merged[-1][1]:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return tuple(merged)


def parse_weekly(value: Mapping[str, HoursLike] | Sequence[HoursLike]) -> tuple[Hours, ...]:
    """``{"mon": ["09:00-18:00"], ...}`` (missing days are free) or a 7-item list -> 7 ``Hours``."""
    if isinstance(value, Mapping):
        unknown = set(value) - set(WEEKDAYS)
        if unknown:
            raise ValueError(f"unknown weekday(s): {', '.join(sorted(map(str, unknown)))}")
        week = tuple(parse_hours(value.get(day) or ()) for day in WEEKDAYS)
    elif isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 7:
        week = tuple(parse_hours(day) for day in value)
    else:
        raise ValueError("weekly hours must map mon..sun to lists of intervals")
    if not any(week):
        raise ValueError("a calendar needs working hours on at least one weekday")
    return week


def _fmt(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def format_hours(hours: Hours) -> list[str]:
    return [f"{_fmt(a)}-{_fmt(b)}" for a, b in hours]


# ------------------------------------------------------------------- calendar


def _to_us(dt: datetime) -> int:
    return (dt - _EPOCH) // _ONE_US


def _from_us(us: int, tz: tzinfo) -> datetime:
    return (_EPOCH + timedelta(microseconds=us)).astimezone(tz)


class Calendar:
    """An immutable working calendar. Build it once and reuse it: it caches per-day spans."""

    def __init__(
        self,
        *,
        tz: str | ZoneInfo,
        weekly: Mapping[str, HoursLike] | Sequence[HoursLike],
        holidays: Iterable[date] = (),
        workdays: Mapping[date, HoursLike | None] | Iterable[date] = (),
        workday_hours: HoursLike | None = None,
        coverage: tuple[date, date] | None = None,
        name: str = "",
        out_of_range_hint: str = "",
    ):
        """``workdays`` are normally-free days that are worked: date -> hours, or None for
        ``workday_hours`` (default: the hours of the first weekday that has any).
        A date both in ``holidays`` and ``workdays`` is a working day. Special dates
        are answered even outside ``coverage``; other dates outside it raise
        ``CalendarOutOfRange``, whose message ends with ``out_of_range_hint``."""
        if isinstance(tz, str):
            try:
                tz = ZoneInfo(tz)
            except (ZoneInfoNotFoundError, ValueError) as exc:
                raise ValueError(f"unknown time zone {tz!r}") from exc
        self.tz: ZoneInfo = tz
        self.name = name
        self.weekly: tuple[Hours, ...] = parse_weekly(weekly)
        self.workday_hours: Hours = (
            parse_hours(workday_hours)
            if workday_hours is not None
            else next(h for h in self.weekly if h)
        )
        if not self.workday_hours:
            raise ValueError("the default hours of an extra working day cannot be empty")
        special: dict[date, Hours] = {day: () for day in holidays}
        if isinstance(workdays, Mapping):
            for day, hours in workdays.items():
                special[day] = self.workday_hours if hours is None else parse_hours(hours)
        else:
            for day in workdays:
                special[day] = self.workday_hours
        self.special: Mapping[date, Hours] = special
        if coverage is not None and coverage[0] > coverage[1]:
            raise ValueError("the covered date range ends before it starts")
        self.coverage = coverage
        self.out_of_range_hint = out_of_range_hint
        self._special_days = sorted(special)
        self._week_us = sum(b - a for day in self.weekly for a, b in day) * 60 * _US
        self._midnights: dict[date, int] = {}
        self._spans: dict[date, tuple[tuple[int, int], ...]] = {}

    @classmethod
    def always(cls, tz: str | ZoneInfo = "UTC", name: str = "24x7") -> Calendar:
        """The trivial calendar: every minute of every day is working time."""
        return cls(tz=tz, weekly=[["00:00-24:00"]] * 7, name=name)

    def with_overrides(
        self,
        *,
        holidays: Iterable[date] = (),
        workdays: Mapping[date, HoursLike | None] | Iterable[date] | None = None,
        name: str | None = None,
    ) -> Calendar:
        """A copy where the given dates replace whatever this calendar said about them."""
        merged: dict[date, Hours | None] = dict(self.special)
        for day in holidays:
            merged[day] = ()
        if isinstance(workdays, Mapping):
            for day, hours in workdays.items():
                merged[day] = None if hours is None else parse_hours(hours)
        else:
            for day in workdays or ():
                merged[day] = None
        off = [day for day, hours in merged.items() if hours == ()]
        worked = {day: hours for day, hours in merged.items() if hours != ()}
        return Calendar(
            tz=self.tz,
            weekly=self.weekly,
            holidays=off,
            workdays=worked,
            workday_hours=self.workday_hours,
            coverage=self.coverage,
            name=self.name if name is None else name,
            out_of_range_hint=self.out_of_range_hint,
        )

    def __repr__(self) -> str:
        return f"<Calendar {self.name or '?'} {self.tz.key}>"

    # -- days

    def hours_on(self, day: date) -> Hours:
        """The working hours of a local date (empty on a day off)."""
        hours = self.special.get(day)
        if hours is not None:
            return hours
        if self.coverage is not None and not self.coverage[0] <= day <= self.coverage[1]:
            raise CalendarOutOfRange(self.name, day, *self.coverage, hint=self.out_of_range_hint)
        return self.weekly[day.weekday()]

    def _local_us(self, day: date, minute: int) -> int:
        """The instant of a local wall time (see the module doc for gaps and folds)."""
        naive = datetime.combine(day, time()) + timedelta(minutes=minute)
        first = _to_us(naive.replace(tzinfo=self.tz, fold=0))
        second = _to_us(naive.replace(tzinfo=self.tz, fold=1))
        if first <= second:  # an ordinary time, or the first of a repeated one
            return first
        # In a gap: fold=1 lies before the transition, fold=0 after it. Find the
        # transition instant (the first moment with the new offset) by bisection:
        # about 32 steps, once per boundary on the few days with a change (cached).
        lo, hi = second, first
        before = _from_us(lo, self.tz).utcoffset()
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if _from_us(mid, self.tz).utcoffset() == before:
                lo = mid
            else:
                hi = mid
        return hi

    def _midnight(self, day: date) -> int:
        cached = self._midnights.get(day)
        if cached is None:
            if len(self._midnights) > _CACHE_LIMIT:
                self._midnights.clear()
            cached = self._midnights[day] = self._local_us(day, 0)
        return cached

    def _day_spans(self, day: date) -> tuple[tuple[int, int], ...]:
        """The working intervals of a local date as absolute microsecond instants."""
        spans = self._spans.get(day)
        if spans is not None:
            return spans
        hours = self.hours_on(day)
        if hours:
            start = self._midnight(day)
            if self._midnight(day + timedelta(days=1)) - start == _DAY_US:
                spans = tuple((start + a * 60 * _US, start + b * 60 * _US) for a, b in hours)
            else:  # a DST change on this day: convert each boundary on its own; an
                # interval inside the spring-forward gap never happens and is dropped
                pairs = ((self._local_us(day, a), self._local_us(day, b)) for a, b in hours)
                spans = tuple((lo, hi) for lo, hi in pairs if lo < hi)
        else:
            spans = ()
        if len(self._spans) > _CACHE_LIMIT:
            self._spans.clear()
        self._spans[day] = spans
        return spans

    def _day_of(self, us: int) -> date:
        """The local date whose [midnight, next midnight) holds the instant."""
        day = _from_us(us, self.tz).date()
        if us < self._midnight(day):
            return day - timedelta(days=1)
        if us >= self._midnight(day + timedelta(days=1)):
            return day + timedelta(days=1)
        return day

    def _plain_week(self, day: date) -> bool:
        """True when the 7 days from ``day`` follow the weekly hours exactly and last 7*24 h."""
        end = day + timedelta(days=7)
        if self.coverage is not None and not (
            self.coverage[0] <= day and end - timedelta(days=1) <= self.coverage[1]
        ):
            return False
        i = bisect.bisect_left(self._special_days, day)
        if i < len(self._special_days) and self._special_days[i] < end:
            return False
        return self._midnight(end) - self._midnight(day) == 7 * _DAY_US

    # -- arithmetic on microseconds

    def _next_working(self, t: int) -> int:
        day = self._day_of(t)
        while True:
            for start, end in self._day_spans(day):
                if t < end:
                    return max(start, t)
            day += timedelta(days=1)

    def _add(self, t: int, amount: int) -> int:
        if amount < 0:
            raise ValueError("business time to add cannot be negative")
        if amount == 0:
            return self._next_working(t)
        day = self._day_of(t)
        while True:
            for start, end in self._day_spans(day):
                if t >= end:
                    continue
                begin = max(start, t)
                if amount <= end - begin:
                    return begin + amount
                amount -= end - begin
            day += timedelta(days=1)
            t = self._midnight(day)
            # Strictly more than a week left: a plain week can go in one step
            # (with exactly a week left the answer is the week's last interval end).
            while amount > self._week_us and self._plain_week(day):
                amount -= self._week_us
                day += timedelta(days=7)
                t = self._midnight(day)

    def _between(self, a: int, b: int) -> int:
        if b < a:
            return -self._between(b, a)
        total = 0
        day = self._day_of(a)
        while True:
            day_start = self._midnight(day)
            if day_start >= b:
                return total
            if (
                day_start >= a
                and self._midnight(day + timedelta(days=7)) <= b
                and self._plain_week(day)
            ):
                total += self._week_us
                day += timedelta(days=7)
                continue  # re-check the end first: the next day may lie outside coverage
            for start, end in self._day_spans(day):
                lo, hi = max(start, a), min(end, b)
                if lo < hi:
                    total += hi - lo
            day += timedelta(days=1)


# ------------------------------------------------------------- public functions


def _instant(value: datetime) -> int:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("business-time arithmetic needs aware datetimes")
    return _to_us(value)


def is_working_time(calendar: Calendar, instant: datetime) -> bool:
    t = _instant(instant)
    return any(start <= t < end for start, end in calendar._day_spans(calendar._day_of(t)))


def next_working_instant(calendar: Calendar, instant: datetime) -> datetime:
    """``instant`` itself when it is working time, else the start of the next interval (UTC)."""
    t = _instant(instant)
    found = calendar._next_working(t)
    return instant.astimezone(UTC) if found == t else _from_us(found, UTC)


def add_business_time(calendar: Calendar, start: datetime, amount: timedelta) -> datetime:
    """``start`` plus ``amount`` of working time, as a UTC datetime."""
    return _from_us(calendar._add(_instant(start), amount // _ONE_US), UTC)


def add_business_minutes(calendar: Calendar, start: datetime, minutes: int) -> datetime:
    """``start`` plus ``minutes`` of working time (see the module doc for the conventions)."""
    return _from_us(calendar._add(_instant(start), int(minutes) * 60 * _US), UTC)


def business_time_between(calendar: Calendar, a: datetime, b: datetime) -> timedelta:
    """The exact working time in ``[a, b)``; negative when ``b`` is before ``a``."""
    return timedelta(microseconds=calendar._between(_instant(a), _instant(b)))


def business_minutes_between(calendar: Calendar, a: datetime, b: datetime) -> int:
    """Whole minutes of working time from ``a`` to ``b``, truncated toward zero."""
    us = calendar._between(_instant(a), _instant(b))
    minutes = abs(us) // (60 * _US)
    return minutes if us >= 0 else -minutes

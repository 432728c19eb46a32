"""Clock arithmetic on ``SlaTarget`` rows: schedule, pause, resume, meet, and catch up.

No queries and no saving here (``services`` loads, locks and saves). Every
function takes the instant ``at`` at which the change happened, so a late
listener or a frozen-time test computes the same result. Each function returns
the SLA events it caused, as ``Happening`` records with the time they happened.

Conventions: a clock is at risk from ``at_risk_at`` (75 % of the target) and
breached from ``due_at`` on, both inclusive; a reply at ``due_at`` is late.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from kefu.sla.calendar import (
    Calendar,
    CalendarOutOfRange,
    add_business_time,
    business_time_between,
)
from kefu.sla.china import china_mainland
from kefu.sla.choices import Metric, SlaEventKind, TargetState, TimeMode
from kefu.sla.models import BusinessCalendar, SlaPolicy, SlaTarget

logger = logging.getLogger(__name__)

AT_RISK_SHARE = (3, 4)  # at risk once 75 % of the target has elapsed

_ALWAYS = Calendar.always("UTC")
_built: dict[int, tuple[datetime, Calendar]] = {}


@dataclass(frozen=True, slots=True)
class Happening:
    target: SlaTarget
    kind: str
    at: datetime


def calendar_of(calendar: BusinessCalendar | None, business_time: bool) -> Calendar:
    """The pure calendar of a clock; built once per calendar version and process."""
    if not business_time:
        return _ALWAYS
    if calendar is None:
        return china_mainland()
    cached = _built.get(calendar.pk)
    if cached is not None and cached[0] == calendar.updated_at:
        return cached[1]
    built = calendar.build()
    _built[calendar.pk] = (calendar.updated_at, built)
    return built


def target_calendar(target: SlaTarget) -> Calendar:
    return calendar_of(target.calendar, target.business_time)


@lru_cache(maxsize=32)
def _uncovered(cal: Calendar) -> Calendar:
    """The same calendar without a covered range: weekly hours and its known dates only.

    A deadline must exist even past the last official holiday notice; the fallback is
    logged once per calendar (and process): upgrade chinese-calendar or add the dates.
    """
    logger.warning("SLA calendar %s: a date outside its official data; using its weekly hours",
                   cal.name)
    return Calendar(
        tz=cal.tz, weekly=cal.weekly, name=cal.name, workday_hours=cal.workday_hours,
        holidays=[day for day, hours in cal.special.items() if not hours],
        workdays={day: hours for day, hours in cal.special.items() if hours},
    )


def add_time(cal: Calendar, start: datetime, seconds: int) -> datetime:
    try:
        return add_business_time(cal, start, timedelta(seconds=seconds))
    except CalendarOutOfRange:
        return add_business_time(_uncovered(cal), start, timedelta(seconds=seconds))


def time_between(cal: Calendar, a: datetime, b: datetime) -> int:
    """Whole seconds of working time in [a, b)."""
    try:
        spent = business_time_between(cal, a, b)
    except CalendarOutOfRange:
        spent = business_time_between(_uncovered(cal), a, b)
    return max(0, int(spent.total_seconds()))


# ------------------------------------------------------------------ clocks


def new_target(*, ticket_id: int, policy: SlaPolicy, metric: str, started_at: datetime,
               paused_seconds: int = 0, calendar: BusinessCalendar | None = None) -> SlaTarget | None:
    """An unsaved running clock for ``metric`` under ``policy`` (None: the policy has no
    target); ``calendar`` overrides the policy's (the ticket's mailbox names its own)."""
    minutes = policy.target_minutes(metric)
    if minutes is None:
        return None
    target = SlaTarget(
        ticket_id=ticket_id, policy=policy, metric=Metric(metric), state=TargetState.RUNNING,
        target_minutes=minutes, business_time=policy.time_mode == TimeMode.BUSINESS,
        calendar=calendar or policy.calendar, started_at=started_at, paused_seconds=paused_seconds,
    )
    schedule(target)
    return target


def schedule(target: SlaTarget) -> None:
    """Set the at-risk and due instants from the start, the target and the paused time."""
    cal = target_calendar(target)
    total = target.target_minutes * 60
    risk = total * AT_RISK_SHARE[0] // AT_RISK_SHARE[1]
    target.due_at = add_time(cal, target.started_at, total + target.paused_seconds)
    target.at_risk_at = add_time(cal, target.started_at, risk + target.paused_seconds)
    _set_next_check(target)


def _set_next_check(target: SlaTarget) -> None:
    if target.state != TargetState.RUNNING:
        target.next_check_at = None
    elif target.at_risk_reached_at is None:
        target.next_check_at = target.at_risk_at
    else:
        target.next_check_at = target.due_at


def catch_up(target: SlaTarget, at: datetime) -> list[Happening]:
    """Record what a running clock passed by ``at``: the at-risk point, the due time."""
    if target.state != TargetState.RUNNING:
        return []
    happened: list[Happening] = []
    if target.at_risk_reached_at is None and target.at_risk_at <= at:
        target.at_risk_reached_at = target.at_risk_at
        happened.append(Happening(target, SlaEventKind.AT_RISK, target.at_risk_at))
    if target.due_at <= at:
        target.state = TargetState.BREACHED
        target.breached_at = target.due_at
        happened.append(Happening(target, SlaEventKind.BREACHED, target.due_at))
    _set_next_check(target)
    return happened


def pause(target: SlaTarget, at: datetime) -> list[Happening]:
    happened = catch_up(target, at)
    if target.state == TargetState.RUNNING:
        target.state = TargetState.PAUSED
        target.paused_at = at
        _set_next_check(target)
    return happened


def resume(target: SlaTarget, at: datetime) -> list[Happening]:
    """Restart a paused clock; its deadlines move by the working time it was paused."""
    if target.state != TargetState.PAUSED or target.paused_at is None:
        return []
    target.paused_seconds += time_between(target_calendar(target), target.paused_at, at)
    target.paused_at = None
    target.state = TargetState.RUNNING
    schedule(target)
    return catch_up(target, at)


def meet(target: SlaTarget, at: datetime, *, resumable: bool = False) -> list[Happening]:
    """The response was given or the ticket solved. A breach stays recorded; the clock closes.

    ``resumable`` (a solved ticket's resolution clock) remembers when it stopped, so a
    reopen can resume it with the solved time left out.
    """
    happened = catch_up(target, at)
    if target.state in (TargetState.RUNNING, TargetState.PAUSED):
        stopped = target.paused_at or at  # a paused clock stopped counting when it paused
        target.state = TargetState.MET
        target.met_at = at
        target.paused_at = stopped if resumable else None
        happened.append(Happening(target, SlaEventKind.MET, at))
    elif target.state == TargetState.BREACHED and target.met_at is None:
        target.met_at = at
        target.paused_at = None
        happened.append(Happening(target, SlaEventKind.MET, at))
    _set_next_check(target)
    return happened


def reopen(target: SlaTarget, at: datetime) -> list[Happening]:
    """Resume a resolution clock stopped by solving: the solved time does not count."""
    if target.state == TargetState.MET and target.paused_at is not None:
        target.paused_seconds += time_between(target_calendar(target), target.paused_at, at)
        target.paused_at = None
        target.met_at = None
        target.state = TargetState.RUNNING
        schedule(target)
        return catch_up(target, at)
    if target.state == TargetState.BREACHED and target.met_at is not None:
        target.met_at = None  # open again; the breach stays where it was
    return []


def cancel(target: SlaTarget) -> list[Happening]:
    if target.state not in (TargetState.RUNNING, TargetState.PAUSED):
        return []
    target.state = TargetState.CANCELLED
    target.paused_at = None
    _set_next_check(target)
    return []

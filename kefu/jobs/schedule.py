"""Periodic tasks: each due tick of a ``@periodic`` task enqueues one job.

Every worker ticks the schedule; a tick is claimed like a job (row lock skipped by the
others on PostgreSQL, the write lock on SQLite), advanced by a conditional UPDATE on the
``next_run_at`` that was read, and its job carries the dedupe key ``name@tick``: two
workers can never both enqueue one tick.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone

from kefu.jobs import registry
from kefu.jobs.claims import skip_locked_supported
from kefu.jobs.models import ScheduleState
from kefu.jobs.services import enqueue


def tick_key(name: str, tick: datetime) -> str:
    return f"{name}@{tick.astimezone(UTC).isoformat()}"


def schedule_tick(*, now: datetime | None = None) -> int:
    """Enqueue the jobs of every due periodic task; returns how many ticks fired here."""
    now = now or timezone.now()
    periodics = registry.periodics()
    if not periodics:
        return 0
    known = dict(ScheduleState.objects.filter(name__in=periodics)
                 .values_list("name", "next_run_at"))
    missing = [name for name in periodics if name not in known]
    if missing:
        # A new task fires at the first look; ignore_conflicts: another worker may have
        # created the row meanwhile.
        ScheduleState.objects.bulk_create(
            [ScheduleState(name=name, next_run_at=now) for name in missing],
            ignore_conflicts=True)
    elif not any(next_run_at <= now for next_run_at in known.values()):
        return 0
    fired = 0
    with transaction.atomic():
        due = ScheduleState.objects.filter(name__in=periodics, next_run_at__lte=now).order_by("name")
        if skip_locked_supported(ScheduleState):
            due = due.select_for_update(skip_locked=True)
        for state in due:
            fired += fire(state, periodics[state.name], now=now)
    return fired


def fire(state: ScheduleState, task: registry.Periodic, *, now: datetime) -> bool:
    """Advance ``state`` past ``now`` and enqueue the tick it was at; False when another
    worker advanced it first (``state`` was read before its update)."""
    tick = state.next_run_at
    missed = max(0, (now - tick) // task.every)  # ticks while no worker ran: one run
    following = tick + task.every * (missed + 1)
    advanced = ScheduleState.objects.filter(pk=state.pk, next_run_at=tick).update(
        next_run_at=following, last_run_at=now)
    if not advanced:
        return False
    enqueue(task.name, {"tick": tick.astimezone(UTC).isoformat()}, key=tick_key(task.name, tick))
    state.next_run_at, state.last_run_at = following, now
    return True

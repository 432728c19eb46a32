"""Periodic tasks: one job per tick, whoever ticks; pruning done jobs."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from kefu.jobs import registry
from kefu.jobs.choices import JobStatus
from kefu.jobs.models import Job, ScheduleState
from kefu.jobs.schedule import fire, schedule_tick, tick_key
from kefu.jobs.services import schedule_run_now
from kefu.jobs.tasks import prune_done_jobs
from kefu.jobs.worker import run_worker

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
EVERY = timedelta(minutes=1)


@pytest.fixture
def only_test_periodic(monkeypatch):
    """The registry holds just one periodic task, "test.tick" (every minute)."""
    ticks: list[str] = []
    monkeypatch.setattr(registry, "_periodics", {})
    registry.periodic("test.tick", every=EVERY)(lambda payload: ticks.append(payload["tick"]))
    yield ticks
    registry.unregister("test.tick")


def tick_jobs():
    return list(Job.objects.filter(kind="test.tick").order_by("id").values_list("key", flat=True))


def test_a_new_task_fires_at_once_then_every_interval(only_test_periodic):
    assert schedule_tick(now=T0) == 1
    assert schedule_tick(now=T0 + timedelta(seconds=30)) == 0
    assert schedule_tick(now=T0 + EVERY) == 1
    assert tick_jobs() == [tick_key("test.tick", T0), tick_key("test.tick", T0 + EVERY)]
    state = ScheduleState.objects.get(name="test.tick")
    assert state.next_run_at == T0 + 2 * EVERY and state.last_run_at == T0 + EVERY


def test_missed_ticks_collapse_into_one_run(only_test_periodic):
    schedule_tick(now=T0)
    assert schedule_tick(now=T0 + 10 * EVERY + timedelta(seconds=5)) == 1
    assert len(tick_jobs()) == 2
    assert ScheduleState.objects.get(name="test.tick").next_run_at == T0 + 11 * EVERY


def test_two_claimers_of_one_tick_enqueue_one_job(only_test_periodic):
    schedule_tick(now=T0)
    task = registry.periodics()["test.tick"]
    # Two workers read the same due state before either advanced it.
    seen_by_first = ScheduleState.objects.get(name="test.tick")
    seen_by_second = ScheduleState.objects.get(name="test.tick")
    now = T0 + EVERY
    assert fire(seen_by_first, task, now=now) is True
    assert fire(seen_by_second, task, now=now) is False
    assert schedule_tick(now=now) == 0
    assert len(tick_jobs()) == 2


def test_tick_jobs_run_the_periodic_handler_with_the_tick_time(only_test_periodic):
    run_worker(stop=threading.Event(), once=True)
    state = ScheduleState.objects.get(name="test.tick")
    assert only_test_periodic == [(state.next_run_at - EVERY).astimezone(UTC).isoformat()]
    assert Job.objects.get(kind="test.tick").status == JobStatus.DONE


def test_run_now_brings_the_next_tick_forward(only_test_periodic):
    schedule_tick(now=T0)
    assert schedule_tick(now=T0 + timedelta(seconds=1)) == 0
    schedule_run_now(names=["test.tick"], now=T0 + timedelta(seconds=1))
    assert schedule_tick(now=T0 + timedelta(seconds=2)) == 1


def test_the_prune_task_is_registered_hourly():
    assert registry.periodics()["jobs.prune_done"].every == timedelta(hours=1)


def test_pruning_deletes_only_old_done_jobs():
    now = timezone.now()
    old_done = Job.objects.create(kind="test.record", status=JobStatus.DONE,
                                  finished_at=now - timedelta(days=8))
    new_done = Job.objects.create(kind="test.record", status=JobStatus.DONE,
                                  finished_at=now - timedelta(days=6))
    old_failed = Job.objects.create(kind="test.record", status=JobStatus.FAILED,
                                    finished_at=now - timedelta(days=30))
    queued = Job.objects.create(kind="test.record")
    assert prune_done_jobs(older_than=timedelta(days=7), now=now) == 1
    assert set(Job.objects.values_list("pk", flat=True)) == {new_done.pk, old_failed.pk, queued.pk}
    assert not Job.objects.filter(pk=old_done.pk).exists()

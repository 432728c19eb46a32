"""Several workers on one PostgreSQL queue: real connections, one per thread."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.conftest import in_parallel, on_postgres
from kefu.jobs import registry
from kefu.jobs.choices import JobStatus
from kefu.jobs.models import Job
from kefu.jobs.schedule import schedule_tick
from kefu.jobs.services import enqueue
from kefu.jobs.tests.handlers import RECORDED
from kefu.jobs.worker import run_worker

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not on_postgres(), reason="needs PostgreSQL (DATABASE_URL)"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _no_periodic_tasks(monkeypatch):
    monkeypatch.setattr(registry, "_periodics", {})


def test_four_workers_run_each_of_200_jobs_exactly_once():
    for n in range(200):
        enqueue("test.record", {"n": n})
    ran = in_parallel(4, lambda i: run_worker(stop=threading.Event(), once=True,
                                              worker_id=f"w{i}"))
    assert sum(ran) == 200
    assert Counter(RECORDED) == Counter(range(200))
    assert Job.objects.filter(status=JobStatus.DONE).count() == 200
    assert Job.objects.filter(attempts=1).count() == 200


def test_one_tick_claimed_by_four_workers_at_once_enqueues_one_job():
    ticks: list[str] = []
    registry.periodic("test.tick", every=timedelta(minutes=1))(lambda p: ticks.append(p["tick"]))
    try:
        schedule_tick()  # creates the state, fires the first tick
        Job.objects.all().delete()
        later = timezone.now() + timedelta(minutes=1)
        fired = in_parallel(4, lambda i: schedule_tick(now=later))
        assert sum(fired) == 1
        assert Job.objects.filter(kind="test.tick").count() == 1
    finally:
        registry.unregister("test.tick")


def test_racing_enqueues_of_one_key_make_one_job():
    jobs = in_parallel(4, lambda i: enqueue("test.record", {"n": i}, key="same").pk)
    assert len(set(jobs)) == 1 and Job.objects.count() == 1

"""The queue on either database: enqueue, claim, results, retries, leases."""

from __future__ import annotations

import random
import threading
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from kefu.jobs import registry
from kefu.jobs.choices import JobStatus
from kefu.jobs.claims import claim_next, job_complete, job_fail, retry_delay
from kefu.jobs.models import Job
from kefu.jobs.selectors import job_counts, job_failed_list
from kefu.jobs.services import UnknownJobKind, enqueue, job_run_again
from kefu.jobs.tests.handlers import RECORDED
from kefu.jobs.worker import run_job, run_worker

pytestmark = pytest.mark.django_db

LEASE = timedelta(minutes=5)


@pytest.fixture(autouse=True)
def _no_periodic_tasks(monkeypatch):
    # The schedule (jobs.prune_done) would add its own job to every drain.
    monkeypatch.setattr(registry, "_periodics", {})


def drain(**kw) -> int:
    return run_worker(stop=threading.Event(), once=True, poll_seconds=0.01, **kw)


def test_enqueue_claim_and_done():
    job = enqueue("test.record", {"n": 1})
    assert job.status == JobStatus.QUEUED and job.attempts == 0

    claimed = claim_next(worker_id="w1", lease=LEASE)
    assert claimed.pk == job.pk
    assert claimed.status == JobStatus.RUNNING and claimed.attempts == 1
    assert claimed.locked_by == "w1" and claimed.lease_until > timezone.now()
    assert claim_next(worker_id="w2", lease=LEASE) is None  # nothing else to claim

    assert run_job(claimed, worker_id="w1", lease=LEASE)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.finished_at is not None
    assert RECORDED == [1]


def test_the_worker_runs_jobs_oldest_first_and_not_before_run_after():
    later = enqueue("test.record", {"n": "later"}, run_after=timezone.now() + timedelta(hours=1))
    enqueue("test.record", {"n": 1})
    enqueue("test.record", {"n": 2})
    assert drain() == 2
    assert RECORDED == [1, 2]
    later.refresh_from_db()
    assert later.status == JobStatus.QUEUED


def test_same_key_twice_makes_one_job():
    first = enqueue("test.record", {"n": 1}, key="order-42")
    second = enqueue("test.record", {"n": 2}, key="order-42")
    other_kind = enqueue("test.boom", {"n": 3}, key="order-42")  # keys are per kind
    assert second.pk == first.pk and other_kind.pk != first.pk
    assert Job.objects.filter(kind="test.record").count() == 1
    drain()
    enqueue("test.record", {"n": 4}, key="order-42")  # also after it ran
    assert RECORDED == [1]


def test_enqueue_in_a_rolled_back_transaction_leaves_no_job():
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue("test.record", {"n": 1})
        raise RuntimeError("rollback")
    assert Job.objects.count() == 0


def test_enqueue_refuses_unknown_kinds_and_naive_times():
    with pytest.raises(UnknownJobKind):
        enqueue("no.such.kind")
    with pytest.raises(ValueError):
        enqueue("test.record", run_after=timezone.now().replace(tzinfo=None))
    with pytest.raises(ValueError):
        enqueue("test.record", max_attempts=0)


def test_a_failing_job_is_retried_with_backoff_then_failed_with_its_traceback(settings):
    settings.KEFU_JOBS_RETRY_BASE_SECONDS = 10
    job = enqueue("test.boom", {"n": 7}, max_attempts=3)
    now = timezone.now()
    for attempt in (1, 2, 3):
        claimed = claim_next(worker_id="w", lease=LEASE, now=now)
        assert claimed.pk == job.pk and claimed.attempts == attempt
        before = timezone.now()
        assert not run_job(claimed, worker_id="w", lease=LEASE)
        after = timezone.now()
        job.refresh_from_db()
        assert "RuntimeError: boom 7" in job.last_error and "Traceback" in job.last_error
        if attempt < 3:
            assert job.status == JobStatus.QUEUED
            base = timedelta(seconds=10 * 2 ** (attempt - 1))
            assert before + base / 2 <= job.run_after <= after + base
            # Not due before its backoff ends; due after it.
            assert claim_next(worker_id="w", lease=LEASE, now=job.run_after - timedelta(seconds=1)) is None
            now = job.run_after
    assert job.status == JobStatus.FAILED and job.finished_at is not None
    assert list(job_failed_list()) == [job]
    assert job_counts()[JobStatus.FAILED] == 1


def test_retry_delay_grows_exponentially_with_bounded_jitter(settings):
    settings.KEFU_JOBS_RETRY_BASE_SECONDS = 10
    settings.KEFU_JOBS_RETRY_MAX_SECONDS = 100
    rng = random.Random(1)
    for attempts, full in [(1, 10), (2, 20), (3, 40), (4, 80), (5, 100), (60, 100)]:
        for _ in range(20):
            delay = retry_delay(attempts, rng=rng).total_seconds()
            assert full / 2 <= delay <= full


def test_a_handler_exception_never_stops_the_loop():
    enqueue("test.boom", {"n": 1}, max_attempts=1)
    enqueue("test.record", {"n": 2})
    enqueue("test.boom", {"n": 3}, max_attempts=1)
    enqueue("test.record", {"n": 4})
    assert drain() == 4
    assert RECORDED == [2, 4]
    assert job_counts() == {"queued": 0, "running": 0, "done": 2, "failed": 2}


def test_a_job_of_an_unknown_kind_fails_instead_of_stopping_the_worker():
    Job.objects.create(kind="gone.kind", max_attempts=1)  # e.g. its code was removed
    enqueue("test.record", {"n": 1})
    assert drain() == 2
    gone = Job.objects.get(kind="gone.kind")
    assert gone.status == JobStatus.FAILED and "gone.kind" in gone.last_error
    assert RECORDED == [1]


def test_an_expired_lease_makes_the_job_claimable_again_and_fences_the_old_worker():
    job = enqueue("test.record", {"n": 1})
    now = timezone.now()
    dead = claim_next(worker_id="dead", lease=LEASE, now=now)
    assert claim_next(worker_id="alive", lease=LEASE, now=now + LEASE - timedelta(seconds=1)) is None

    taken = claim_next(worker_id="alive", lease=LEASE, now=now + LEASE + timedelta(seconds=1))
    assert taken.pk == job.pk and taken.attempts == 2 and taken.locked_by == "alive"
    # The first worker wakes up late: it can no longer record anything.
    assert not job_complete(job=dead, worker_id="dead")
    assert job_fail(job=dead, worker_id="dead", error="late") is None
    assert job_complete(job=taken, worker_id="alive")
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.locked_by == "alive" and job.last_error == ""


def test_a_job_whose_worker_died_on_its_last_attempt_is_failed_not_rerun():
    job = enqueue("test.record", {"n": 1}, max_attempts=1)
    now = timezone.now()
    claim_next(worker_id="dead", lease=LEASE, now=now)
    assert claim_next(worker_id="alive", lease=LEASE, now=now + 2 * LEASE) is None
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "lease expired" in job.last_error


def test_run_again_requeues_failed_jobs_with_fresh_attempts():
    failed = enqueue("test.boom", {"n": 1}, max_attempts=1)
    drain()
    running = enqueue("test.record", {"n": 2})
    claim_next(worker_id="w", lease=LEASE)
    assert job_run_again(job_ids=[failed.pk, running.pk]) == 1
    failed.refresh_from_db()
    running.refresh_from_db()
    assert failed.status == JobStatus.QUEUED and failed.attempts == 0
    assert running.status == JobStatus.RUNNING  # never two runs at once

"""The worker's side of the queue: claim a job under a lease, renew it, record the result.

Claiming takes a row lock that other claimers skip (PostgreSQL: ``SELECT ... FOR UPDATE
SKIP LOCKED``) or the database's one write lock (SQLite, whose transactions begin
IMMEDIATE in kefu's settings). Every state change is also a conditional UPDATE on the
state it expects (status, worker), so a worker that lost its lease can never overwrite
the result of the worker that took the job over.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import connections, router, transaction
from django.db.models import F, Q
from django.utils import timezone

from kefu.jobs.choices import JobStatus
from kefu.jobs.conf import setting
from kefu.jobs.models import Job


def _due(now: datetime) -> Q:
    return Q(status=JobStatus.QUEUED, run_after__lte=now)


def _expired(now: datetime) -> Q:
    return Q(status=JobStatus.RUNNING, lease_until__lt=now)


def skip_locked_supported(model: type = Job) -> bool:
    connection = connections[router.db_for_write(model)]
    return bool(connection.features.has_select_for_update_skip_locked)


def lease_length(seconds: float | None = None) -> timedelta:
    return timedelta(seconds=setting("KEFU_JOBS_LEASE_SECONDS") if seconds is None else seconds)


def claim_next(*, worker_id: str, lease: timedelta | None = None,
               now: datetime | None = None) -> Job | None:
    """Claim the next job for ``worker_id``: first a job whose worker died (lease run
    out), then the oldest due queued job. None when there is nothing to do."""
    now = now or timezone.now()
    lease = lease or lease_length()
    # A read first: an idle SQLite worker must not take the write lock every poll.
    if not Job.objects.filter(_due(now) | _expired(now)).exists():
        return None
    with transaction.atomic():
        for condition, order in ((_expired(now), ("lease_until", "id")),
                                 (_due(now), ("run_after", "id"))):
            while True:
                candidates = Job.objects.filter(condition).order_by(*order)
                if skip_locked_supported():
                    candidates = candidates.select_for_update(skip_locked=True)
                job = candidates.first()
                if job is None:
                    break
                if job.status == JobStatus.RUNNING and job.attempts >= job.max_attempts:
                    # Its worker died on the last attempt (a job that kills its worker
                    # must not kill every worker in turn): give up on it.
                    Job.objects.filter(condition, pk=job.pk).update(
                        status=JobStatus.FAILED, finished_at=now, lease_until=None,
                        last_error=f"worker {job.locked_by} stopped during attempt "
                        f"{job.attempts} of {job.max_attempts} (lease expired)")
                    continue
                claimed = Job.objects.filter(condition, pk=job.pk).update(
                    status=JobStatus.RUNNING, attempts=F("attempts") + 1, locked_by=worker_id,
                    lease_until=now + lease, started_at=now)
                if not claimed:  # taken meanwhile (only without row locks): next round
                    return None
                job.status, job.attempts = JobStatus.RUNNING, job.attempts + 1
                job.locked_by, job.lease_until, job.started_at = worker_id, now + lease, now
                return job
    return None


def lease_renew(*, job_id: int, worker_id: str, lease: timedelta,
                now: datetime | None = None) -> bool:
    """Extend a running job's lease; False when the worker no longer holds it."""
    now = now or timezone.now()
    return bool(Job.objects.filter(pk=job_id, locked_by=worker_id, status=JobStatus.RUNNING)
                .update(lease_until=now + lease))


def job_complete(*, job: Job, worker_id: str, now: datetime | None = None) -> bool:
    """Mark a claimed job done; False when another worker took it over meanwhile."""
    now = now or timezone.now()
    done = Job.objects.filter(pk=job.pk, locked_by=worker_id, status=JobStatus.RUNNING).update(
        status=JobStatus.DONE, finished_at=now, lease_until=None)
    if done:
        job.status, job.finished_at, job.lease_until = JobStatus.DONE, now, None
    return bool(done)


def retry_delay(attempts: int, *, rng: random.Random | None = None) -> timedelta:
    """Exponential backoff after the ``attempts``-th failure, with equal jitter: half of
    the delay is fixed, half random, so jobs failing together do not retry together."""
    base = setting("KEFU_JOBS_RETRY_BASE_SECONDS")
    cap = setting("KEFU_JOBS_RETRY_MAX_SECONDS")
    delay = min(cap, base * 2 ** max(0, min(attempts - 1, 30)))
    return timedelta(seconds=delay / 2 + (rng or random).uniform(0, delay / 2))


def job_fail(*, job: Job, worker_id: str, error: str, now: datetime | None = None) -> str | None:
    """Record a failed attempt: queued again after a backoff, or failed for good after
    the last attempt. Returns the new status (None when the worker lost the job)."""
    now = now or timezone.now()
    mine = Job.objects.filter(pk=job.pk, locked_by=worker_id, status=JobStatus.RUNNING)
    if job.attempts >= job.max_attempts:
        status, changes = JobStatus.FAILED, {"finished_at": now}
    else:
        status, changes = JobStatus.QUEUED, {"run_after": now + retry_delay(job.attempts)}
    if not mine.update(status=status, last_error=error[-20_000:], lease_until=None, **changes):
        return None
    job.status, job.last_error, job.lease_until = status, error[-20_000:], None
    for name, value in changes.items():
        setattr(job, name, value)
    return status

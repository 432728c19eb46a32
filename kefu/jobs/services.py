"""Writes to the queue that the rest of kefu makes: enqueue, and the admin's re-runs.

The worker's own writes (claim, complete, fail) live in kefu.jobs.claims."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from kefu.jobs import registry
from kefu.jobs.choices import JobStatus
from kefu.jobs.conf import setting
from kefu.jobs.models import Job, ScheduleState


class UnknownJobKind(ValueError):
    """No handler is registered for this kind (a typo, or a missing tasks.py)."""


def enqueue(
    kind: str,
    payload: dict[str, Any] | None = None,
    *,
    run_after: datetime | None = None,
    key: str | None = None,
    max_attempts: int | None = None,
) -> Job:
    """Add a job; inside a transaction it is written with it and visible on commit.

    ``key``: an idempotency key; enqueueing the same ``(kind, key)`` again returns the
    first job (whatever its state) instead of adding one, also under concurrent calls.
    ``payload`` must be JSON: ids and plain values, never model instances.
    """
    if registry.handler_for(kind) is None:
        raise UnknownJobKind(f"no handler is registered for job kind {kind!r}")
    if run_after is not None and timezone.is_naive(run_after):
        raise ValueError("run_after must be an aware datetime")
    attempts = int(setting("KEFU_JOBS_MAX_ATTEMPTS")) if max_attempts is None else max_attempts
    if attempts < 1:
        raise ValueError("max_attempts must be at least 1")
    fields: dict[str, Any] = {
        "payload": payload or {},
        "run_after": run_after or timezone.now(),
        "max_attempts": attempts,
    }
    if key is None:
        return Job.objects.create(kind=kind, **fields)
    # get_or_create inserts in a savepoint and reads the winner after an IntegrityError
    # on the (kind, key) constraint, so two racing enqueues make one job.
    job, _created = Job.objects.get_or_create(kind=kind, key=key, defaults=fields)
    return job


def job_run_again(*, job_ids: Iterable[int], now: datetime | None = None) -> int:
    """Queue finished (failed or done) jobs to run now with a fresh set of attempts.

    Queued and running jobs are left alone: running one twice at once is never right.
    Returns how many jobs were queued again."""
    now = now or timezone.now()
    return Job.objects.filter(
        pk__in=list(job_ids), status__in=[JobStatus.FAILED, JobStatus.DONE]
    ).update(status=JobStatus.QUEUED, run_after=now, attempts=0, finished_at=None,
             started_at=None, lease_until=None)


def schedule_run_now(*, names: Iterable[str], now: datetime | None = None) -> int:
    """Make periodic tasks fire at the workers' next look (the admin's "run now")."""
    now = now or timezone.now()
    return ScheduleState.objects.filter(Q(name__in=list(names))).update(next_run_at=now)

"""The queue's own periodic task: forget done jobs after a while."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from kefu.jobs.choices import JobStatus
from kefu.jobs.conf import setting
from kefu.jobs.models import Job
from kefu.jobs.registry import periodic

PRUNE_BATCH = 1000


def prune_done_jobs(*, older_than: timedelta, now=None) -> int:
    """Delete done jobs finished before ``now - older_than``, in batches (short
    transactions); failed jobs stay for the admin. Returns how many were deleted."""
    cutoff = (now or timezone.now()) - older_than
    deleted = 0
    while True:
        ids = list(Job.objects.filter(status=JobStatus.DONE, finished_at__lt=cutoff)
                   .order_by("finished_at").values_list("pk", flat=True)[:PRUNE_BATCH])
        if not ids:
            return deleted
        deleted += Job.objects.filter(pk__in=ids).delete()[0]


@periodic("jobs.prune_done", every=timedelta(hours=1))
def prune_done(payload: dict[str, Any]) -> None:
    # Idempotent: a second run deletes what is left, nothing twice.
    prune_done_jobs(older_than=timedelta(days=setting("KEFU_JOBS_KEEP_DONE_DAYS")))

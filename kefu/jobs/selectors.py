"""Reads of the queue: what the admin, health checks and tests look at."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from kefu.jobs.choices import JobStatus
from kefu.jobs.models import Job, ScheduleState


def job_counts() -> dict[str, int]:
    """Jobs per status, every status present (0 when none)."""
    counts = dict(Job.objects.order_by().values_list("status").annotate(n=Count("id")))
    return {status: counts.get(status, 0) for status in JobStatus.values}


def job_failed_list() -> QuerySet[Job]:
    return Job.objects.filter(status=JobStatus.FAILED).order_by("-finished_at", "-id")


def job_list(*, kind: str | None = None, status: str | None = None) -> QuerySet[Job]:
    jobs = Job.objects.all()
    if kind is not None:
        jobs = jobs.filter(kind=kind)
    if status is not None:
        jobs = jobs.filter(status=status)
    return jobs.order_by("-id")


def schedule_list() -> QuerySet[ScheduleState]:
    return ScheduleState.objects.order_by("name")

"""The durable job queue: one row per job, one row per periodic schedule.

A job is claimed by setting it ``running`` with a lease (``locked_by``, ``lease_until``);
a running job whose lease ran out belongs to a dead worker and is claimable again, so a
job is run at least once. Handlers must therefore be idempotent (kefu.jobs.registry).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.jobs.choices import JobStatus


class Job(models.Model):
    kind = models.CharField(_("kind"), max_length=100)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveIntegerField(_("max attempts"), default=5)
    run_after = models.DateTimeField(_("run after"), default=timezone.now)
    locked_by = models.CharField(_("worker"), max_length=200, blank=True)
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    # Idempotency key: enqueueing the same (kind, key) again returns the first job.
    key = models.CharField(_("dedupe key"), max_length=200, null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="jobs_job_kind_key_uniq"),
        ]
        indexes = [
            # The claim query: the oldest due queued job.
            models.Index(fields=["run_after", "id"], condition=Q(status=JobStatus.QUEUED),
                         name="jobs_job_due_idx"),
            # Reclaiming jobs of dead workers: running jobs by lease end.
            models.Index(fields=["lease_until"], condition=Q(status=JobStatus.RUNNING),
                         name="jobs_job_lease_idx"),
            # Pruning and the admin's status filter.
            models.Index(fields=["status", "finished_at"], name="jobs_job_status_finished_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"


class ScheduleState(models.Model):
    """When a periodic task (kefu.jobs.registry.periodic) fires next."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    next_run_at = models.DateTimeField(_("next run"))
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)

    class Meta:
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

"""Job queue settings with their defaults (override them in kefu.config.settings / the env)."""

from __future__ import annotations

from django.conf import settings

DEFAULTS: dict[str, float] = {
    # How long a claimed job belongs to its worker without a heartbeat. The worker renews
    # the lease every third of it while the handler runs, so only a dead worker lets it
    # run out; then another worker claims the job again.
    "KEFU_JOBS_LEASE_SECONDS": 300,
    # How long an idle worker sleeps between looks at the queue.
    "KEFU_JOBS_POLL_SECONDS": 1.0,
    # Attempts before a job is marked failed (enqueue(max_attempts=...) overrides it).
    "KEFU_JOBS_MAX_ATTEMPTS": 5,
    # Retry delay: base * 2 ** (attempt - 1), capped, with jitter (half fixed, half random).
    "KEFU_JOBS_RETRY_BASE_SECONDS": 10,
    "KEFU_JOBS_RETRY_MAX_SECONDS": 3600,
    # Finished (done) jobs older than this are deleted by the periodic "jobs.prune_done".
    "KEFU_JOBS_KEEP_DONE_DAYS": 7,
}


def setting(name: str) -> float:
    return float(getattr(settings, name, DEFAULTS[name]))


def embedded_worker_enabled() -> bool:
    """Whether `kefu serve` runs a worker thread in each web process (default: yes).

    Turn it off (KEFU_EMBEDDED_WORKER=0) when separate `kefu worker` processes run."""
    return bool(getattr(settings, "KEFU_EMBEDDED_WORKER", True))

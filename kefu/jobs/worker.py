"""The job worker: claim a job, run its handler, record the result, sleep when idle.

- ``kefu worker`` runs :func:`main` (its own process; as many as you like on PostgreSQL).
- ``kefu serve`` runs :func:`start_embedded_worker` in each web process (a daemon thread)
  unless KEFU_EMBEDDED_WORKER is off.
- Both tick the periodic schedule (kefu.jobs.schedule) about once a second.

A job runs at least once: if the process dies mid-job, the lease runs out and another
worker (or this one, restarted) runs the job again. SIGTERM/SIGINT stop the loop after
the current job; a second signal stops at once (the lease then brings the job back).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from types import FrameType

from django.db import connections

from kefu.jobs import registry
from kefu.jobs.claims import claim_next, job_complete, job_fail, lease_length, lease_renew
from kefu.jobs.conf import setting
from kefu.jobs.models import Job
from kefu.jobs.schedule import schedule_tick

logger = logging.getLogger(__name__)

SCHEDULE_EVERY_SECONDS = 1.0


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _tidy_connections(*, close: bool = False) -> None:
    """Drop broken or expired connections (as Django does around a request); never
    inside an atomic block (a test's transaction, or a caller's)."""
    for connection in connections.all(initialized_only=True):
        if connection.in_atomic_block:
            continue
        if close:
            connection.close()
        else:
            connection.close_if_unusable_or_obsolete()


class _Heartbeat(threading.Thread):
    """Renews the lease of the running job every third of the lease, on its own
    connection, so only a dead worker lets a lease run out."""

    def __init__(self, *, job_id: int, worker_id: str, lease: timedelta):
        super().__init__(name=f"kefu-jobs-heartbeat-{job_id}", daemon=True)
        self.job_id, self.worker_id, self.lease = job_id, worker_id, lease
        self.finished = threading.Event()

    def run(self) -> None:
        interval = max(self.lease.total_seconds() / 3, 0.05)
        try:
            while not self.finished.wait(interval):
                try:
                    if not lease_renew(job_id=self.job_id, worker_id=self.worker_id,
                                       lease=self.lease):
                        logger.warning("job %s: lease lost by %s", self.job_id, self.worker_id)
                        return
                except Exception:
                    logger.exception("job %s: lease renewal failed", self.job_id)
                    _tidy_connections(close=True)
        finally:
            connections.close_all()

    def stop(self) -> None:
        self.finished.set()
        self.join()


def run_job(job: Job, *, worker_id: str, lease: timedelta) -> bool:
    """Run one claimed job's handler and record the outcome; True when it succeeded.
    A handler's exception is recorded (with its traceback), never raised."""
    heartbeat = _Heartbeat(job_id=job.pk, worker_id=worker_id, lease=lease)
    heartbeat.start()
    try:
        handler = registry.handler_for(job.kind)
        if handler is None:
            raise LookupError(f"no handler is registered for job kind {job.kind!r}")
        handler(job.payload)
    except Exception:
        heartbeat.stop()
        error = traceback.format_exc()
        _tidy_connections()  # the handler may have broken its connection
        status = job_fail(job=job, worker_id=worker_id, error=error)
        logger.warning("job %s (%s) attempt %s/%s failed -> %s\n%s", job.pk, job.kind,
                       job.attempts, job.max_attempts, status, error)
        return False
    heartbeat.stop()
    if not job_complete(job=job, worker_id=worker_id):
        logger.warning("job %s (%s) finished after its lease was taken over", job.pk, job.kind)
    return True


def run_worker(*, stop: threading.Event, once: bool = False, poll_seconds: float | None = None,
               lease_seconds: float | None = None, worker_id: str | None = None) -> int:
    """Run jobs until ``stop`` is set (or, with ``once``, until none is due); returns the
    number of jobs run. Errors of the queue itself (database down) are logged and the
    loop carries on after a pause (with ``once`` they are raised)."""
    poll = setting("KEFU_JOBS_POLL_SECONDS") if poll_seconds is None else poll_seconds
    lease = lease_length(lease_seconds)
    worker_id = worker_id or new_worker_id()
    ran = 0
    last_schedule = float("-inf")
    if not once:
        for fn in registry.warm_ups():
            try:
                fn()
            except Exception:
                logger.exception("job worker %s: warm-up %s failed", worker_id, fn)
    try:
        while not stop.is_set():
            try:
                if time.monotonic() - last_schedule >= SCHEDULE_EVERY_SECONDS:
                    last_schedule = time.monotonic()
                    schedule_tick()
                job = claim_next(worker_id=worker_id, lease=lease)
            except Exception:
                if once:  # `kefu worker --once` (cron) reports the failure in its exit code
                    raise
                logger.exception("job worker %s: cannot reach the queue", worker_id)
                _tidy_connections(close=True)
                stop.wait(max(poll, 1.0))
                continue
            if job is None:
                if once:
                    break
                _tidy_connections()
                stop.wait(poll)
                continue
            try:
                run_job(job, worker_id=worker_id, lease=lease)
            except Exception:  # recording the result failed: the lease brings it back
                logger.exception("job %s: cannot record the result", job.pk)
                _tidy_connections(close=True)
            ran += 1
            _tidy_connections()
    finally:
        _tidy_connections(close=True)
    return ran


@dataclass
class EmbeddedWorker:
    thread: threading.Thread
    stop_event: threading.Event

    def stop(self, timeout: float | None = 10.0) -> bool:
        """Ask the loop to stop after its current job; True when it has stopped."""
        self.stop_event.set()
        self.thread.join(timeout)
        return not self.thread.is_alive()


def start_embedded_worker(*, poll_seconds: float | None = None,
                          lease_seconds: float | None = None) -> EmbeddedWorker:
    """Run the worker loop in a daemon thread of this process (``kefu serve``)."""
    stop = threading.Event()

    def loop() -> None:
        try:
            run_worker(stop=stop, poll_seconds=poll_seconds, lease_seconds=lease_seconds)
        except Exception:
            logger.exception("embedded job worker stopped")
        finally:
            connections.close_all()

    thread = threading.Thread(target=loop, name="kefu-jobs-worker", daemon=True)
    thread.start()
    return EmbeddedWorker(thread=thread, stop_event=stop)


def _seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number of seconds {value!r}") from None
    if not 0 < number <= 86_400:
        raise argparse.ArgumentTypeError("must be more than 0 and at most 86400 seconds")
    return number


def build_parser(prog: str = "kefu worker") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog, description="Run background jobs and the periodic schedule.")
    parser.add_argument("--once", action="store_true",
                        help="run the due jobs and schedule ticks, then exit")
    parser.add_argument("--poll", type=_seconds, default=None, metavar="SECONDS",
                        help="pause when idle (env KEFU_JOBS_POLL_SECONDS; default 1)")
    parser.add_argument("--lease", type=_seconds, default=None, metavar="SECONDS",
                        help="how long a job stays claimed without a heartbeat before "
                        "another worker may run it (env KEFU_JOBS_LEASE_SECONDS; default 300)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """``kefu worker [--once] [--poll S] [--lease S]``; 0 after a clean stop."""
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        if stop.is_set():  # the second signal: stop now, the lease brings the job back
            raise SystemExit(128 + signum)
        print(f"kefu worker: {signal.Signals(signum).name}, stopping after the current job",
              file=sys.stderr, flush=True)
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
    worker_id = new_worker_id()
    print(f"kefu worker: {worker_id} on {connections['default'].vendor}, "
          f"{len(registry.periodics())} periodic task(s)", file=sys.stderr, flush=True)
    ran = run_worker(stop=stop, once=args.once, poll_seconds=args.poll,
                     lease_seconds=args.lease, worker_id=worker_id)
    print(f"kefu worker: stopped after {ran} job(s)", file=sys.stderr, flush=True)
    return 0

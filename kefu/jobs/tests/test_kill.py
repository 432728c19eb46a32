"""Killing a worker process mid-job loses no job: another worker runs it once more.

The workers are real processes (``sys.executable -c`` calling ``kefu.jobs.worker.main``).
They need a database the test can share with them:

- PostgreSQL: the test database itself (a transactional test, so rows are committed).
- SQLite: pytest-django's SQLite test database lives in memory, out of reach of another
  process; so the first worker process creates the jobs table in a scratch file database
  (``KEFU_DATA_DIR=tmp_path``: kefu's own SQLite settings, WAL and BEGIN IMMEDIATE) and
  enqueues the job there, and the test reads the result with the sqlite3 module.

The handler appends "start" to a log file, waits for a release file, appends "done".
The first worker (lease 1 s) is SIGKILLed while it waits; then the release file is
created and a second worker starts; once the lease has run out it claims the job again.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from kefu.conftest import on_postgres
from kefu.jobs.choices import JobStatus
from kefu.jobs.models import Job
from kefu.jobs.services import enqueue

pytestmark = pytest.mark.django_db(transaction=True)

WORKER = r"""
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.config.settings")
import django
django.setup()
import kefu.jobs.tests.handlers  # the test.slow_file kind
if os.environ.get("KILLTEST_SETUP"):
    from django.core.management import call_command
    from kefu.jobs.services import enqueue
    call_command("migrate", "jobs", verbosity=0)
    enqueue("test.slow_file", json.loads(os.environ["KILLTEST_SETUP"]))
from kefu.jobs.worker import main
sys.exit(main(sys.argv[1:]))
"""

DEADLINE_SECONDS = 8.0


def _postgres_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start_worker(tmp_path: Path, *, setup: dict | None = None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "KEFU_TEST_SQLITE_FILE", "KILLTEST_SETUP")}
    env.update(KEFU_DATA_DIR=str(tmp_path / "data"), KEFU_SECRET_KEY="kill-test",
               PYTHONPATH=str(Path(settings.BASE_DIR).parent))
    if on_postgres():
        env["DATABASE_URL"] = _postgres_url()
    if setup is not None:
        import json

        env["KILLTEST_SETUP"] = json.dumps(setup)
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, "--poll", "0.05", "--lease", "1"],
        env=env, cwd=Path(settings.BASE_DIR).parent,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_until(predicate, worker: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not predicate():
        if worker.poll() is not None:
            pytest.fail(f"worker exited ({worker.returncode}) before {what}: "
                        f"{worker.stderr.read() if worker.stderr else ''}")
        if time.monotonic() > deadline:
            worker.kill()
            pytest.fail(f"no {what} within {DEADLINE_SECONDS} s: {worker.communicate()[1]}")
        time.sleep(0.02)


def _job_row(tmp_path: Path) -> tuple[str, int, int]:
    if on_postgres():
        job = Job.objects.get(kind="test.slow_file")
        return job.status, job.attempts, Job.objects.filter(kind="test.slow_file").count()
    with sqlite3.connect(tmp_path / "data" / "kefu.sqlite3") as db:
        rows = db.execute("SELECT status, attempts FROM jobs_job WHERE kind = 'test.slow_file'")
        found = rows.fetchall()
    return found[0][0], found[0][1], len(found)


def test_killing_a_worker_mid_job_loses_no_job(tmp_path):
    log, release = tmp_path / "log", tmp_path / "release"
    payload = {"log": str(log), "release": str(release)}

    def lines() -> list[str]:
        return log.read_text(encoding="utf-8").split() if log.exists() else []

    if on_postgres():
        enqueue("test.slow_file", payload)
        first = _start_worker(tmp_path)
    else:
        first = _start_worker(tmp_path, setup=payload)
    try:
        _wait_until(lambda: lines() == ["start"], first, "job start in the first worker")
    finally:
        first.send_signal(signal.SIGKILL)
        first.communicate()
    assert first.returncode == -signal.SIGKILL
    assert lines() == ["start"]
    status, attempts, _count = _job_row(tmp_path)
    assert (status, attempts) == (JobStatus.RUNNING, 1)  # the dead worker still holds it

    release.touch()
    second = _start_worker(tmp_path)
    try:
        _wait_until(lambda: lines() == ["start", "start", "done"], second,
                    "job completion in the second worker")
        _wait_until(lambda: _job_row(tmp_path)[0] == JobStatus.DONE, second, "job marked done")
    finally:
        second.send_signal(signal.SIGTERM)  # a graceful stop
        _out, err = second.communicate(timeout=DEADLINE_SECONDS)
    assert second.returncode == 0, err
    assert "stopped after" in err  # a clean exit (the prune tick adds a job of its own)
    assert _job_row(tmp_path) == (JobStatus.DONE, 2, 1)
    assert lines() == ["start", "start", "done"]  # finished exactly once

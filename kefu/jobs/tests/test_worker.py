"""The worker's entry points: the CLI function, the embedded thread, the admin."""

from __future__ import annotations

import signal
import threading

import pytest
from django.urls import reverse

from kefu.jobs import registry
from kefu.jobs.choices import JobStatus
from kefu.jobs.models import Job
from kefu.jobs.registry import job_handler
from kefu.jobs.services import enqueue
from kefu.jobs.tests.handlers import RECORDED
from kefu.jobs.worker import main, start_embedded_worker


@pytest.fixture(autouse=True)
def _no_periodic_tasks(monkeypatch):
    monkeypatch.setattr(registry, "_periodics", {})
    monkeypatch.setattr(registry, "_warm_ups", [])


@pytest.fixture
def no_signal_handlers(monkeypatch):
    installed = {}
    monkeypatch.setattr(signal, "signal", lambda signum, handler: installed.setdefault(signum, handler))
    return installed


@pytest.mark.django_db
def test_main_once_runs_the_due_jobs_and_exits_0(no_signal_handlers, capsys):
    enqueue("test.record", {"n": 1})
    enqueue("test.boom", {"n": 2}, max_attempts=1)
    assert main(["--once", "--poll", "0.1"]) == 0
    assert RECORDED == [1]
    assert set(no_signal_handlers) == {signal.SIGTERM, signal.SIGINT}
    assert "stopped after 2 job(s)" in capsys.readouterr().err


def test_main_rejects_bad_options(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--poll", "0"])
    assert exit_info.value.code == 2
    assert "--poll" in capsys.readouterr().err


def test_a_signal_stops_the_loop_after_the_current_job(no_signal_handlers, db):
    @job_handler("test.signal_midway")
    def signal_midway(payload):
        no_signal_handlers[signal.SIGTERM](signal.SIGTERM, None)  # SIGTERM arrives mid-job
        RECORDED.append(payload["n"])

    try:
        enqueue("test.signal_midway", {"n": 1})
        enqueue("test.record", {"n": 2})
        assert main([]) == 0  # returns although a job is still queued
        assert RECORDED == [1]
        assert Job.objects.get(kind="test.record").status == JobStatus.QUEUED
    finally:
        registry.unregister("test.signal_midway")


@pytest.mark.django_db(transaction=True)
def test_the_embedded_worker_runs_jobs_in_a_thread_and_stops():
    ran = threading.Event()

    @job_handler("test.embedded")
    def embedded(payload):
        ran.set()

    try:
        job = enqueue("test.embedded")
        worker = start_embedded_worker(poll_seconds=0.05)
        assert worker.thread.daemon
        assert ran.wait(10)
        assert worker.stop(timeout=10)
        job.refresh_from_db()
        assert job.status == JobStatus.DONE
    finally:
        registry.unregister("test.embedded")


@pytest.mark.django_db(transaction=True)
def test_warm_ups_run_once_before_the_first_job_and_a_failing_one_is_only_logged():
    order = []

    @registry.warm_up
    def broken():
        raise RuntimeError("no model")

    @registry.warm_up
    def build():
        order.append("warm-up")

    @job_handler("test.after_warm_up")
    def after(payload):
        order.append("job")

    try:
        enqueue("test.after_warm_up")
        worker = start_embedded_worker(poll_seconds=0.05)
        for _ in range(200):
            if "job" in order:
                break
            threading.Event().wait(0.05)
        assert worker.stop(timeout=10)
        assert order == ["warm-up", "job"]
    finally:
        registry.unregister("test.after_warm_up")


@pytest.mark.django_db
def test_the_admin_lists_failures_and_runs_them_again(admin_client):
    failed = Job.objects.create(kind="test.record", status=JobStatus.FAILED, attempts=5,
                                last_error="Traceback ...\nRuntimeError: 支付网关超时")
    done = Job.objects.create(kind="test.record", status=JobStatus.DONE, attempts=1)
    changelist = reverse("admin:jobs_job_changelist")
    page = admin_client.get(changelist, {"status__exact": "failed"})
    assert page.status_code == 200
    assert "RuntimeError: 支付网关超时" in page.content.decode()
    assert "重新运行" in page.content.decode()  # the action, in the default language
    assert admin_client.get(reverse("admin:jobs_job_change", args=[failed.pk])).status_code == 200
    assert admin_client.get(changelist, {"has_error": "yes"}).status_code == 200

    response = admin_client.post(changelist, {"action": "run_again", "_selected_action": [failed.pk]})
    assert response.status_code == 302
    failed.refresh_from_db()
    done.refresh_from_db()
    assert (failed.status, failed.attempts) == (JobStatus.QUEUED, 0)
    assert done.status == JobStatus.DONE
    assert admin_client.get(reverse("admin:jobs_schedulestate_changelist")).status_code == 200

"""Outbound mail test helpers: a real SMTP sink (aiosmtpd), the bus, the job worker."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.utils import translation

# Mail to these local parts is refused at RCPT with a permanent 550.
REFUSED_PREFIX = "nobody"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Sink:
    """An aiosmtpd handler keeping every accepted message."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.lower().startswith(REFUSED_PREFIX):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.received.append({
            "mail_from": envelope.mail_from, "rcpt_tos": list(envelope.rcpt_tos),
            "data": bytes(envelope.original_content or envelope.content),
        })
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        return [email.message_from_bytes(item["data"], policy=policy.default)  # type: ignore[misc]
                for item in self.received]


@pytest.fixture(scope="session")
def _smtp_server() -> Iterator[tuple[Sink, int]]:
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


@pytest.fixture
def smtp(_smtp_server, settings) -> Sink:
    """Django's SMTP backend pointed at the local sink (emptied for each test)."""
    sink, port = _smtp_server
    sink.received.clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.KEFU_MAILOUT_SMTP_TIMEOUT = 5
    settings.KEFU_JOBS_RETRY_BASE_SECONDS = 0  # retries are due at once: no waiting
    return sink


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def bus(django_capture_on_commit_callbacks):
    """``with bus(): ...``: the bus events published inside run on leaving the block."""

    @contextmanager
    def block() -> Iterator[None]:
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return block


@pytest.fixture
def run_jobs(db):
    """Run due mail jobs through the worker's own claim/run/record code until none is
    due (retries included); returns how many runs there were."""
    from kefu.jobs.claims import claim_next, lease_length
    from kefu.mailout.services import SEND_JOB

    def run(limit: int = 50) -> int:
        from kefu.jobs.models import Job
        from kefu.jobs.worker import run_job

        # Other apps' jobs (SLA, routing, notifications) are not this module's business.
        Job.objects.exclude(kind=SEND_JOB).delete()
        runs = 0
        while runs < limit:
            job = claim_next(worker_id="test-worker", lease=lease_length(60))
            if job is None:
                return runs
            run_job(job, worker_id="test-worker", lease=lease_length(60))
            runs += 1
        raise AssertionError("jobs still due after the limit")

    return run

"""Helpers for inbound mail tests: build messages, deliver them, run the parse jobs."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

import pytest
from django.utils import timezone, translation

from kefu.conftest import run_queued_jobs
from kefu.mailin.choices import Source
from kefu.mailin.models import InboundMail, Mailbox
from kefu.mailin.services import PROCESS_JOB, mail_accept

DEMO = "support@demo.kefu.local"
_serial = itertools.count(1)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def make_mail(*, sender: str = "王小明 <wang@example.cn>", to: str = DEMO, subject: str = "订单没有收到",
              body: str = "你好，我的订单 12345 还没有收到，请帮忙查一下。", message_id: str | None = None,
              headers: dict[str, str] | None = None,
              attachments: Sequence[tuple[str, str, bytes]] = (),
              ) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(timezone.now())
    msg["Message-ID"] = message_id or f"<m{next(_serial)}.{id(msg)}@example.cn>"
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    for filename, ctype, data in attachments:
        main, sub = ctype.split("/")
        msg.add_attachment(data, maintype=main, subtype=sub, filename=filename)
    return msg.as_bytes()


@pytest.fixture
def mailbox(db) -> Mailbox:
    return Mailbox.objects.get(address=DEMO)  # created by the data migration


@pytest.fixture
def run_jobs(db) -> Callable[[], int]:
    """Run the queued parse jobs as the worker would, each twice (at-least-once)."""
    return lambda: run_queued_jobs(PROCESS_JOB, twice=True)


@pytest.fixture
def deliver(mailbox, run_jobs, django_capture_on_commit_callbacks) -> Callable[..., InboundMail]:
    """Accept a raw mail (as the SMTP server would), run its job, return the fresh row."""

    def send(raw: bytes, *, to: list[str] | None = None, **kw: Any) -> InboundMail:
        with django_capture_on_commit_callbacks(execute=True):
            inbound = mail_accept(raw, recipients=to or [DEMO], source=Source.SMTP, **kw)
        with django_capture_on_commit_callbacks(execute=True):
            run_jobs()
        return InboundMail.objects.get(pk=inbound.pk)

    return send

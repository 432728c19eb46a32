"""The SMTP server over real SMTP: smtplib on a loopback port, the rows it committed."""

from __future__ import annotations

import os
import signal
import smtplib
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import OperationalError

from kefu.mailin.choices import InboundStatus
from kefu.mailin.models import InboundMail, Mailbox
from kefu.mailin.smtpd import build_controller, main
from kefu.mailin.tests.conftest import DEMO, make_mail

pytestmark = pytest.mark.django_db(transaction=True)


def crlf(raw: bytes) -> bytes:
    """Mail on the wire has CRLF line ends (smtplib leaves bytes as they are)."""
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving() -> Iterator[int]:
    if not Mailbox.objects.filter(address=DEMO).exists():  # transactional tests flush data
        Mailbox.objects.create(address=DEMO)
    port = _free_port()
    controller = build_controller("127.0.0.1", port, server_hostname="mx.kefu.test")
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


@pytest.fixture
def server(settings) -> Iterator[int]:
    settings.KEFU_MAIL_MAX_BYTES = 200_000
    with serving() as port:
        yield port


def test_250_means_the_raw_mail_is_stored(server):
    raw = crlf(make_mail(subject="SMTP 测试", message_id="<smtp-1@example.cn>"))
    with smtplib.SMTP("127.0.0.1", server, timeout=10) as client:
        refused = client.sendmail("wang@example.cn", ["Support+web@demo.kefu.local"], raw)
    assert refused == {}
    inbound = InboundMail.objects.get(message_id="<smtp-1@example.cn>")
    assert bytes(inbound.raw) == raw
    assert inbound.status == InboundStatus.RECEIVED and inbound.source == "smtp"


def test_unknown_recipient_is_550(server):
    with (smtplib.SMTP("127.0.0.1", server, timeout=10) as client,
          pytest.raises(smtplib.SMTPRecipientsRefused) as caught):
        client.sendmail("wang@example.cn", ["nobody@demo.kefu.local"], make_mail())
    assert caught.value.recipients["nobody@demo.kefu.local"][0] == 550
    assert not InboundMail.objects.exists()


def test_oversize_is_552(server):
    big = crlf(make_mail(body=("大" * 60 + "\n") * 3000))
    with (smtplib.SMTP("127.0.0.1", server, timeout=10) as client,
          pytest.raises((smtplib.SMTPSenderRefused, smtplib.SMTPDataError)) as caught):
        client.sendmail("wang@example.cn", [DEMO], big)
    assert caught.value.smtp_code == 552
    # Without the SIZE hint the DATA itself is refused.
    with smtplib.SMTP("127.0.0.1", server, timeout=10) as client:
        client.ehlo()
        client.esmtp_features.pop("size", None)
        with pytest.raises(smtplib.SMTPDataError) as data_error:
            client.sendmail("wang@example.cn", [DEMO], big)
    assert data_error.value.smtp_code == 552
    assert not InboundMail.objects.exists()


def test_too_many_recipients_is_452(server):
    recipients = [f"support+{i}@demo.kefu.local" for i in range(51)]
    with smtplib.SMTP("127.0.0.1", server, timeout=10) as client:
        refused = client.sendmail("wang@example.cn", recipients, make_mail())
    assert list(refused) == [recipients[-1]] and refused[recipients[-1]][0] == 452
    assert InboundMail.objects.count() == 1


def test_database_failure_is_451(server):
    with (mock.patch("kefu.mailin.services.InboundMail.objects.create",
                     side_effect=OperationalError("database is locked")),
          smtplib.SMTP("127.0.0.1", server, timeout=10) as client,
          pytest.raises(smtplib.SMTPDataError) as caught):
        client.sendmail("wang@example.cn", [DEMO], make_mail())
    assert caught.value.smtp_code == 451
    assert not InboundMail.objects.exists()


def test_main_reports_a_port_it_cannot_take(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["--host", "127.0.0.1", "--port", str(port)]) == 1
    assert "cannot listen" in capsys.readouterr().err


def test_main_serves_until_sigterm(settings, capsys):
    Mailbox.objects.get_or_create(address=DEMO)
    port = _free_port()
    outcome: dict[str, object] = {}

    def client() -> None:
        try:
            for _ in range(100):
                try:
                    smtp = smtplib.SMTP("127.0.0.1", port, timeout=10)
                    break
                except OSError:
                    threading.Event().wait(0.05)
            with smtp:
                outcome["refused"] = smtp.sendmail("a@example.cn", [DEMO],
                                                   crlf(make_mail(message_id="<main@x>")))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcome["error"] = exc
        finally:
            os.kill(os.getpid(), signal.SIGTERM)

    before = signal.getsignal(signal.SIGTERM)
    thread = threading.Thread(target=client)
    thread.start()
    assert main(["--host", "127.0.0.1", "--port", str(port)]) == 0
    thread.join()
    assert outcome == {"refused": {}}
    assert InboundMail.objects.filter(message_id="<main@x>").exists()
    assert signal.getsignal(signal.SIGTERM) is before
    assert "stopped" in capsys.readouterr().err


def test_ten_megabyte_attachment_is_stored():
    raw = crlf(make_mail(message_id="<big@example.cn>",
                         attachments=[("报价.pdf", "application/pdf", b"%PDF" + b"\x00" * 10_000_000)]))
    with serving() as port, smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        assert client.sendmail("wang@example.cn", [DEMO], raw) == {}
    assert InboundMail.objects.get(message_id="<big@example.cn>").size == len(raw)

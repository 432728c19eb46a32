"""`kefu smtpd` as a real process: swaks (GBK mail, 10 MB attachment) and a SIGKILL.

The server and the worker are subprocesses (``python -m kefu.cli smtpd|worker``) on a
database the test shares with them:

- PostgreSQL: the test database itself (transactional tests, so rows are committed).
- SQLite: pytest-django's test database lives in memory, out of reach of another process;
  so the module migrates one scratch file database (``KEFU_DATA_DIR``: kefu's own SQLite
  settings, WAL) and each test works on a copy of it, read back with the sqlite3 module.
"""

from __future__ import annotations

import os
import shutil
import signal
import smtplib
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from email.header import Header
from email.mime.text import MIMEText
from email.utils import formatdate
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from kefu.conftest import on_postgres
from kefu.mailin.models import Mailbox
from kefu.mailin.tests.conftest import DEMO, make_mail

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(settings.BASE_DIR).parent
SWAKS = "/usr/bin/swaks"
DEADLINE_SECONDS = 30.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _postgres_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "KEFU_TEST_SQLITE_FILE", "DJANGO_SETTINGS_MODULE")}
    env.update(KEFU_DATA_DIR=str(data_dir), KEFU_SECRET_KEY="smtpd-process-test",
               PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    if on_postgres():
        env["DATABASE_URL"] = _postgres_url()
    return env


def _kefu(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kefu.cli", *args], env=_env(data_dir),
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path | None:
    """A migrated SQLite file database to copy (None on PostgreSQL)."""
    if on_postgres():
        return None
    data = tmp_path_factory.mktemp("smtpd-template")
    done = _kefu(data, "migrate", "-v0")
    assert done.returncode == 0, done.stderr
    return data / "kefu.sqlite3"


@pytest.fixture
def data_dir(migrated, tmp_path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    if migrated is not None:
        shutil.copy(migrated, data / "kefu.sqlite3")
    else:
        Mailbox.objects.get_or_create(address=DEMO)  # transactional tests flush data
    return data


def rows(data_dir: Path, sql: str) -> list[tuple[Any, ...]]:
    """Query the database the subprocesses use."""
    if on_postgres():
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return list(cursor.fetchall())
    with sqlite3.connect(data_dir / "kefu.sqlite3") as db:
        return db.execute(sql).fetchall()


class Smtpd:
    def __init__(self, data_dir: Path):
        self.port = _free_port()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kefu.cli", "smtpd", "--host", "127.0.0.1",
             "--port", str(self.port)],
            env=_env(data_dir), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True)
        deadline = time.monotonic() + DEADLINE_SECONDS
        while True:
            try:
                with smtplib.SMTP("127.0.0.1", self.port, timeout=5) as probe:
                    probe.noop()
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.proc.kill()
                    pytest.fail(f"kefu smtpd did not start: {self.proc.communicate()[1]}")
                time.sleep(0.05)

    def stop(self, sig: int = signal.SIGTERM) -> str:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.proc.communicate(timeout=DEADLINE_SECONDS)[1]


@pytest.fixture
def smtpd(data_dir) -> Iterator[Smtpd]:
    server = Smtpd(data_dir)
    try:
        yield server
    finally:
        server.stop()


def _worker(data_dir: Path) -> None:
    done = _kefu(data_dir, "worker", "--once")
    assert done.returncode == 0, done.stderr


def _gbk_mail() -> bytes:
    msg = MIMEText("您好：\n我上周买的空气净化器一直没有发货，请帮忙查询物流。\n谢谢！\n李华", "plain", "gbk")
    msg["From"] = Header("李华", "gbk").encode() + " <lihua@example.cn>"
    msg["To"] = DEMO
    msg["Subject"] = Header("空气净化器还没有发货", "gbk").encode()
    msg["Date"] = formatdate()
    msg["Message-ID"] = "<gbk-swaks@example.cn>"
    return msg.as_bytes().replace(b"\n", b"\r\n")


def _swaks(port: int, *args: str) -> str:
    done = subprocess.run(
        [SWAKS, "--server", f"127.0.0.1:{port}", "--to", DEMO, "--from", "lihua@example.cn",
         "--helo", "client.example.cn", "--timeout", "60", "--suppress-data", *args],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.skipif(not Path(SWAKS).exists(), reason="swaks is missing (make mailtools)")
def test_swaks_gbk_mail_and_ten_megabyte_attachment(data_dir, smtpd, tmp_path):
    gbk = tmp_path / "gbk.eml"
    gbk.write_bytes(_gbk_mail())
    out = _swaks(smtpd.port, "--data", f"@{gbk}")
    assert "<-  250 2.0.0 Ok: stored as" in out

    big = tmp_path / "报价单.pdf"
    big.write_bytes(b"%PDF-1.4\n" + os.urandom(10 * 1024 * 1024))
    out = _swaks(smtpd.port, "--header", "Subject: big attachment 10MB",
                 "--header", "Message-Id: <big-swaks@example.cn>",
                 "--body", "附件是报价单。", "--attach-type", "application/pdf",
                 "--attach", f"@{big}")
    assert "<-  250 2.0.0 Ok: stored as" in out
    stored = rows(data_dir, "SELECT message_id, size, source, status FROM mailin_inboundmail "
                            "ORDER BY id")
    assert [(m, src, st) for m, _size, src, st in stored] == [
        ("<gbk-swaks@example.cn>", "smtp", "received"),
        ("<big-swaks@example.cn>", "smtp", "received")]
    assert stored[1][1] > 10 * 1024 * 1024 * 4 // 3  # base64 of 10 MB

    _worker(data_dir)
    assert rows(data_dir, "SELECT status FROM mailin_inboundmail") == [("processed",)] * 2
    tickets = rows(data_dir, "SELECT subject FROM tickets_ticket ORDER BY id")
    assert tickets == [("空气净化器还没有发货",), ("big attachment 10MB",)]
    body = rows(data_dir, "SELECT body_text FROM tickets_message ORDER BY id")[0][0]
    assert "空气净化器一直没有发货" in body
    attachments = rows(data_dir, "SELECT filename, size FROM tickets_attachment")
    assert attachments == [("报价单.pdf", big.stat().st_size)]


def test_sigkill_after_250_loses_nothing_and_doubles_nothing(data_dir, smtpd):
    mails = [make_mail(subject=f"崩溃测试 {i}", message_id=f"<crash-{i}@example.cn>",
                       sender=f"客户{i} <c{i}@example.cn>").replace(b"\n", b"\r\n")
             for i in range(5)]
    with smtplib.SMTP("127.0.0.1", smtpd.port, timeout=30) as client:
        for i, raw in enumerate(mails):
            assert client.sendmail(f"c{i}@example.cn", [DEMO], raw) == {}  # each a 250
    smtpd.stop(signal.SIGKILL)  # no worker has run: nothing is parsed yet
    assert smtpd.proc.returncode == -signal.SIGKILL
    assert rows(data_dir, "SELECT count(*) FROM mailin_inboundmail WHERE status = 'received'") \
        == [(5,)]
    assert rows(data_dir, "SELECT count(*) FROM tickets_ticket") == [(0,)]

    _worker(data_dir)
    subjects = rows(data_dir, "SELECT subject FROM tickets_ticket ORDER BY subject")
    assert subjects == [(f"崩溃测试 {i}",) for i in range(5)]  # each exactly once

    restarted = Smtpd(data_dir)
    try:
        with smtplib.SMTP("127.0.0.1", restarted.port, timeout=30) as client:
            for i, raw in enumerate(mails):  # the sender retries: duplicates, still 250
                assert client.sendmail(f"c{i}@example.cn", [DEMO], raw) == {}
    finally:
        restarted.stop()
    _worker(data_dir)
    assert rows(data_dir, "SELECT count(*) FROM mailin_inboundmail") == [(5,)]
    assert rows(data_dir, "SELECT count(*) FROM tickets_ticket") == [(5,)]

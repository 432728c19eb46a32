"""IMAP polling against a real Dovecot on a loopback port.

One Dovecot per module (``dovecot -F -c <tmp>/dovecot.conf``, everything in a temp dir,
logging to <tmp>/dovecot.log); each test logs in as a user of its own, so tests share no
folder. Messages are put on the server with IMAP APPEND. Without /usr/sbin/dovecot
(Debian's dovecot-imapd, ``make mailtools``) the server tests skip, except under CI=true
where they fail.
"""

from __future__ import annotations

import grp
import imaplib
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from kefu.conftest import run_queued_jobs
from kefu.jobs import registry
from kefu.mailin import imap
from kefu.mailin.choices import ImapAfterStore, ImapSecurity
from kefu.mailin.imap import ImapPollError, imap_poll, resolve_secret
from kefu.mailin.models import ImapAccount, InboundMail
from kefu.mailin.services import PROCESS_JOB
from kefu.mailin.tasks import IMAP_POLL_JOB
from kefu.mailin.tests.conftest import make_mail
from kefu.tickets.models import Ticket

DOVECOT = os.environ.get("KEFU_DOVECOT", "/usr/sbin/dovecot")
PASSWORD = "imap-secret"
USERS = [f"user{i}" for i in range(1, 13)]
_next_user = itertools.count()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _config(root: Path, port: int, *, login_user: str, internal_user: str, uid: int) -> str:
    return f"""
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
instance_name = kefu-test-{port}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
log_path = {root}/dovecot.log
default_login_user = {login_user}
default_internal_user = {internal_user}
mail_location = maildir:{root}/mail/%u
first_valid_uid = {uid}
first_valid_gid = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = {root}/passwd
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


@dataclass
class Dovecot:
    port: int
    root: Path

    def client(self, user: str) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        client.login(user, PASSWORD)
        return client

    def append(self, user: str, *raws: bytes, folder: str = "INBOX") -> None:
        client = self.client(user)
        try:
            if folder != "INBOX":
                client.create(folder)  # NO when it exists: fine
            for raw in raws:
                status, data = client.append(folder, None, None, raw)
                assert status == "OK", data
        finally:
            client.logout()

    def flags(self, user: str, folder: str = "INBOX") -> dict[int, bool]:
        """UID -> whether the message is \\Seen."""
        client = self.client(user)
        try:
            client.select(folder, readonly=True)
            _status, data = client.uid("FETCH", "1:*", "(UID FLAGS)")
        finally:
            client.logout()
        seen: dict[int, bool] = {}
        for line in data:
            if isinstance(line, bytes) and b"UID" in line:
                parts = line.replace(b"(", b" ").replace(b")", b" ").split()
                seen[int(parts[parts.index(b"UID") + 1])] = b"\\Seen" in line
        return seen


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Dovecot]:
    if not Path(DOVECOT).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{DOVECOT} is missing (install dovecot-imapd: make mailtools)")
        pytest.skip(f"{DOVECOT} is missing (install dovecot-imapd: make mailtools)")
    root = Path(tempfile.mkdtemp(prefix="kefu-dovecot-"))
    root.chmod(0o755)  # the login and mail processes run as other users when we are root
    (root / "mail").mkdir()
    if os.geteuid() == 0:
        # Dovecot refuses to run logins or mail as root: use its own Debian users.
        login_user, internal_user = "dovenull", "dovecot"
        mail_uid, mail_gid = pwd.getpwnam("dovecot").pw_uid, grp.getgrnam("dovecot").gr_gid
        os.chown(root / "mail", mail_uid, mail_gid)
    else:
        login_user = internal_user = pwd.getpwuid(os.getuid()).pw_name
        mail_uid, mail_gid = os.getuid(), os.getgid()
    (root / "passwd").write_text("".join(
        f"{user}:{{PLAIN}}{PASSWORD}:{mail_uid}:{mail_gid}::{root}/home/{user}\n"
        for user in USERS))
    port = _free_port()
    (root / "dovecot.conf").write_text(
        _config(root, port, login_user=login_user, internal_user=internal_user, uid=mail_uid))
    proc = subprocess.Popen([DOVECOT, "-F", "-c", str(root / "dovecot.conf")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = Dovecot(port=port, root=root)
    deadline = time.monotonic() + 15
    while True:
        try:
            server.client(USERS[0]).logout()
            break
        except (OSError, imaplib.IMAP4.error) as exc:
            log = root / "dovecot.log"
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"dovecot did not start ({exc}): {proc.communicate()[1]!r}\n"
                            f"{log.read_text() if log.exists() else ''}")
            time.sleep(0.05)
    try:
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def user(dovecot) -> str:
    return USERS[next(_next_user) + 1]


@pytest.fixture
def account(dovecot, mailbox, user) -> ImapAccount:
    return ImapAccount.objects.create(
        mailbox=mailbox, host="127.0.0.1", port=dovecot.port, security=ImapSecurity.NONE,
        username=user, password=PASSWORD)


def _mails(*subjects: str) -> list[bytes]:
    return [make_mail(subject=s, body=f"{s}：请尽快处理。").replace(b"\n", b"\r\n")
            for s in subjects]


def _tickets() -> list[str]:
    run_queued_jobs(PROCESS_JOB)
    return sorted(Ticket.objects.values_list("subject", flat=True))


def test_each_message_is_taken_once_across_polls_and_restarts(dovecot, account, user):
    dovecot.append(user, *_mails("订单一", "订单二", "订单三"))
    assert imap_poll(account) == 3
    assert _tickets() == ["订单一", "订单三", "订单二"]
    assert dovecot.flags(user) == {1: True, 2: True, 3: True}
    account.refresh_from_db()
    assert (account.last_uid, account.last_error) == (3, "")
    assert account.uidvalidity and account.last_polled_at

    assert imap_poll(account) == 0  # nothing new
    dovecot.append(user, *_mails("订单四", "订单五"))
    restarted = ImapAccount.objects.get(pk=account.pk)  # a fresh poller knows only the db
    assert imap_poll(restarted) == 2
    assert _tickets() == ["订单一", "订单三", "订单二", "订单五", "订单四"]
    assert InboundMail.objects.filter(source="imap").count() == 5
    assert dovecot.flags(user) == dict.fromkeys(range(1, 6), True)


def test_nothing_is_flagged_before_it_is_stored(dovecot, account, user):
    dovecot.append(user, *_mails("甲", "乙", "丙"))
    real_create = InboundMail.objects.create
    calls = itertools.count()

    def fail_second(**kwargs):
        if next(calls) == 1:
            raise OperationalError("database is locked")
        return real_create(**kwargs)

    with (mock.patch("kefu.mailin.services.InboundMail.objects.create", side_effect=fail_second),
          pytest.raises(ImapPollError, match="database is locked")):
        imap_poll(account)
    account.refresh_from_db()
    assert account.last_uid == 1 and "database is locked" in account.last_error
    assert dovecot.flags(user) == {1: True, 2: False, 3: False}
    assert imap_poll(account) == 2  # the next poll takes the rest
    assert _tickets() == ["丙", "乙", "甲"]
    assert dovecot.flags(user) == {1: True, 2: True, 3: True}


def test_a_crash_between_storing_and_advancing_stores_nothing_twice(dovecot, account, user):
    dovecot.append(user, *_mails("崩溃前", "崩溃后"))
    with (mock.patch.object(imap, "_advance", side_effect=OperationalError("killed")),
          pytest.raises(ImapPollError)):
        imap_poll(account)
    assert InboundMail.objects.count() == 1  # stored, but the cursor did not move
    assert dovecot.flags(user) == {1: False, 2: False}
    assert imap_poll(ImapAccount.objects.get(pk=account.pk)) == 2  # UID 1 again: a duplicate
    assert InboundMail.objects.count() == 2
    assert _tickets() == ["崩溃前", "崩溃后"]
    assert dovecot.flags(user) == {1: True, 2: True}


def test_a_uidvalidity_change_reads_the_folder_again_without_duplicates(dovecot, account, user):
    account.folder = "Support"
    account.save()
    dovecot.append(user, *_mails("旧一", "旧二"), folder="Support")
    assert imap_poll(account) == 2
    account.refresh_from_db()
    before = account.uidvalidity
    # The folder is recreated: new UIDVALIDITY, UIDs from 1 again, same mails plus one.
    client = dovecot.client(user)
    client.delete("Support")
    client.logout()
    mails = InboundMail.objects.order_by("id")
    dovecot.append(user, *[bytes(m.raw) for m in mails], *_mails("新的"), folder="Support")
    assert imap_poll(account) == 3
    account.refresh_from_db()
    assert account.uidvalidity != before and account.last_uid == 3
    assert "UIDVALIDITY" in account.last_warning
    assert _tickets() == ["新的", "旧一", "旧二"]


def test_move_after_storing(dovecot, account, user):
    account.after_store, account.move_to = ImapAfterStore.MOVE, "Done"
    account.save()
    dovecot.append(user, *_mails("移动一", "移动二"))
    client = dovecot.client(user)
    client.create("Done")
    client.logout()
    assert imap_poll(account) == 2
    assert dovecot.flags(user) == {}
    assert len(dovecot.flags(user, "Done")) == 2
    assert _tickets() == ["移动一", "移动二"]


def test_password_from_a_secret_reference(dovecot, account, tmp_path):
    account.password = "env:KEFU_TEST_IMAP_PASSWORD"
    account.save()
    with pytest.raises(ImapPollError, match="KEFU_TEST_IMAP_PASSWORD"):
        imap_poll(account)
    account.refresh_from_db()
    assert "KEFU_TEST_IMAP_PASSWORD" in account.last_error and account.last_polled_at
    # (No wrong-password round trip: Dovecot's per-IP auth penalty would slow every test.)
    secret = tmp_path / "imap-password"
    secret.write_text(PASSWORD + "\n")
    account.password = f"file:{secret}"
    account.save()
    assert imap_poll(account) == 0
    account.refresh_from_db()
    assert account.last_error == ""


def test_resolve_secret(monkeypatch, tmp_path):
    monkeypatch.setenv("KEFU_X", "from-env")
    (tmp_path / "s").write_text("from-file\n")
    assert resolve_secret("env:KEFU_X") == "from-env"
    assert resolve_secret(f"file:{tmp_path / 's'}") == "from-file"
    assert resolve_secret("literal") == "literal"
    with pytest.raises(ImapPollError):
        resolve_secret(f"file:{tmp_path / 'missing'}")


def test_poll_runs_every_minute():
    task = registry.periodics()[IMAP_POLL_JOB]
    assert task.every.total_seconds() == 60


def test_admin_password_is_write_only(cast, mailbox):
    account = ImapAccount.objects.create(mailbox=mailbox, host="imap.example.cn",
                                         username="kefu", password="s3cret-stored")
    client = Client()
    client.force_login(cast.admin)
    url = reverse("admin:mailin_imapaccount_change", args=[account.pk])
    page = client.get(url)
    assert page.status_code == 200 and "s3cret-stored" not in page.content.decode()
    form = {"mailbox": mailbox.pk, "host": "imap.example.cn", "port": 993, "security": "tls",
            "username": "kefu", "password": "", "folder": "INBOX", "after_store": "seen",
            "move_to": "", "active": "on"}
    assert client.post(url, form).status_code == 302
    account.refresh_from_db()
    assert account.password == "s3cret-stored"  # empty keeps it
    assert client.post(url, {**form, "password": "env:IMAP_PW"}).status_code == 302
    account.refresh_from_db()
    assert account.password == "env:IMAP_PW"
    moved = client.post(url, {**form, "after_store": "move"})
    assert moved.status_code == 200 and "move_to" in moved.context["adminform"].form.errors

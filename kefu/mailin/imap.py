"""IMAP polling: take every new message of a server folder exactly once, in UID order.

For each account: connect (TLS, STARTTLS or plain), log in, SELECT the folder, compare its
UIDVALIDITY with the stored one (a change means the server renumbered the folder: the
cursor goes back to 0 and a warning is recorded), ``UID SEARCH UID last_uid+1:*``, and
for each UID in ascending order:

1. ``UID FETCH uid BODY.PEEK[]`` (PEEK: reading never sets \\Seen on the server);
2. ``mail_accept`` commits the raw bytes and the parse job;
3. ``last_uid = uid`` is committed (only ever raised, never lowered);
4. the message is flagged \\Seen or moved on the server.

Nothing is marked on the server before it is stored. A crash (or a lost connection)
between 2 and 3 leaves ``last_uid`` behind: the next poll fetches the message again and
``mail_accept`` answers with the row it already has (same SHA-256, or same Message-ID in
this mailbox), so nothing is stored twice. A crash between 3 and 4 leaves the message
unflagged on the server and kefu has it: only the server-side flag is missing. After a
UIDVALIDITY change every message of the folder is fetched again and the same dedupe
keeps the ones already stored from becoming new tickets.
"""

from __future__ import annotations

import imaplib
import logging
import os
import re
import ssl
from collections.abc import Sequence
from pathlib import Path

from django.utils import timezone

from kefu.mailin.choices import ImapAfterStore, ImapSecurity, Source
from kefu.mailin.models import ImapAccount
from kefu.mailin.services import MailEmpty, MailTooLarge, mail_accept

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 60
BATCH = 200  # messages per poll at most; the next poll (a minute later) goes on


class ImapPollError(Exception):
    """The poll stopped (server, login, folder or storage failure); ``last_error`` says why."""


def resolve_secret(value: str) -> str:
    """A literal, or ``env:NAME`` (an environment variable) or ``file:/path`` (a file's
    contents without the trailing newline)."""
    if value.startswith("env:"):
        name = value[4:].strip()
        if name not in os.environ:
            raise ImapPollError(f"the environment variable {name} (password) is not set")
        return os.environ[name]
    if value.startswith("file:"):
        try:
            return Path(value[5:].strip()).read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise ImapPollError(f"cannot read the password file: {exc}") from exc
    return value


def quote_mailbox(name: str) -> str:
    """An IMAP quoted string for a folder name (ASCII names; imaplib does not quote)."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def connect(account: ImapAccount) -> imaplib.IMAP4:
    """A logged-in connection to the account's server."""
    context = ssl.create_default_context()
    client: imaplib.IMAP4
    if account.security == ImapSecurity.TLS:
        client = imaplib.IMAP4_SSL(account.host, account.port, ssl_context=context,
                                   timeout=TIMEOUT_SECONDS)
    else:
        client = imaplib.IMAP4(account.host, account.port, timeout=TIMEOUT_SECONDS)
        if account.security == ImapSecurity.STARTTLS:
            client.starttls(ssl_context=context)
    try:
        client.login(account.username, resolve_secret(account.password))
    except BaseException:
        _close(client)
        raise
    return client


def _close(client: imaplib.IMAP4) -> None:
    try:
        if client.state == "SELECTED":
            client.close()
        client.logout()
    except (imaplib.IMAP4.error, OSError):
        pass


def _ok(result: tuple[str, Sequence[object]], what: str) -> list[object]:
    status, data = result
    if status != "OK":
        raise ImapPollError(f"{what}: {status} {data!r}"[:500])
    return list(data)


_UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)")


def _uidvalidity(client: imaplib.IMAP4, folder: str) -> int:
    found = client.response("UIDVALIDITY")[1]  # the untagged answer to SELECT
    if found and found[0]:
        return int(found[0])
    status = _ok(client.status(quote_mailbox(folder), "(UIDVALIDITY)"), "STATUS")
    match = _UIDVALIDITY.search(status[0] if isinstance(status[0], bytes) else b"")
    if match is None:
        raise ImapPollError("the server reports no UIDVALIDITY")
    return int(match.group(1))


def _fetch(client: imaplib.IMAP4, uid: int) -> bytes | None:
    data = _ok(client.uid("FETCH", str(uid), "(BODY.PEEK[])"), f"FETCH {uid}")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return None  # expunged meanwhile


def _after_store(client: imaplib.IMAP4, account: ImapAccount, uid: int) -> None:
    if account.after_store == ImapAfterStore.MOVE and account.move_to:
        target = quote_mailbox(account.move_to)
        if "MOVE" in client.capabilities:
            _ok(client.uid("MOVE", str(uid), target), f"MOVE {uid}")
            return
        _ok(client.uid("COPY", str(uid), target), f"COPY {uid}")
        _ok(client.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Deleted)"), f"STORE {uid}")
        if "UIDPLUS" in client.capabilities:
            _ok(client.uid("EXPUNGE", str(uid)), f"EXPUNGE {uid}")
        else:
            _ok(client.expunge(), "EXPUNGE")
        return
    _ok(client.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Seen)"), f"STORE {uid}")


def _save(account: ImapAccount, **fields: object) -> None:
    for name, value in fields.items():
        setattr(account, name, value)
    ImapAccount.objects.filter(pk=account.pk).update(**fields)


def _advance(account: ImapAccount, uidvalidity: int, uid: int) -> None:
    """Commit ``last_uid = uid`` (autocommit: one statement), only ever upwards."""
    ImapAccount.objects.filter(pk=account.pk, uidvalidity=uidvalidity,
                               last_uid__lt=uid).update(last_uid=uid)
    account.last_uid = max(account.last_uid, uid)


def _poll(client: imaplib.IMAP4, account: ImapAccount) -> int:
    _ok(client.select(quote_mailbox(account.folder)), f"SELECT {account.folder}")
    uidvalidity = _uidvalidity(client, account.folder)
    if account.uidvalidity != uidvalidity:
        if account.uidvalidity is not None:
            warning = (f"UIDVALIDITY of {account.folder} changed from {account.uidvalidity} "
                       f"to {uidvalidity}: every message is read again (stored ones are "
                       "recognised and skipped)")
            logger.warning("imap %s: %s", account, warning)
            _save(account, last_warning=f"{timezone.now().isoformat()} {warning}")
        _save(account, uidvalidity=uidvalidity, last_uid=0)
    data = _ok(client.uid("SEARCH", f"UID {account.last_uid + 1}:*"), "SEARCH")
    # "n:*" with n above the highest UID still matches the highest message: filter.
    uids = sorted(u for u in {int(x) for x in b" ".join(
        d for d in data if isinstance(d, bytes)).split()} if u > account.last_uid)
    recipients = [account.mailbox.address]
    stored = 0
    for uid in uids[:BATCH]:
        raw = _fetch(client, uid)
        if raw is None:
            _advance(account, uidvalidity, uid)
            continue
        try:
            mail_accept(raw, recipients=recipients, source=Source.IMAP)
        except (MailTooLarge, MailEmpty) as exc:
            # Refused for good: skip it, leave it unread on the server for a person.
            warning = f"UID {uid} not taken: {exc.message}"
            logger.warning("imap %s: %s", account, warning)
            _save(account, last_warning=f"{timezone.now().isoformat()} {warning}")
            _advance(account, uidvalidity, uid)
            continue
        _advance(account, uidvalidity, uid)
        stored += 1
        try:
            _after_store(client, account, uid)
        except ImapPollError as exc:  # the mail is ours; only the server-side mark is missing
            logger.warning("imap %s: stored UID %s but cannot mark it: %s", account, uid, exc)
    return stored


def imap_poll(account: ImapAccount) -> int:
    """Take the new messages of ``account``'s folder; returns how many were handed to
    ``mail_accept`` (duplicates of stored mail included).

    Call it outside a transaction: each message and each cursor step commits on its own.
    On failure ``last_error`` is set and ImapPollError raised; what was taken before the
    failure stays taken (see the module docstring for why nothing is lost or doubled)."""
    account = ImapAccount.objects.select_related("mailbox").get(pk=account.pk)
    try:
        client = connect(account)
        try:
            stored = _poll(client, account)
        finally:
            _close(client)
    except Exception as exc:  # noqa: BLE001 - server, TLS, login, unknown mailbox, database
        message = " ".join(str(exc).split())[:1000] or exc.__class__.__name__
        _save(account, last_polled_at=timezone.now(), last_error=message)
        raise ImapPollError(message) from exc
    _save(account, last_polled_at=timezone.now(), last_error="")
    return stored


def imap_poll_active() -> int:
    """Poll every active account of an active mailbox; one failing account does not stop
    the others. Returns the number of messages taken."""
    total = 0
    accounts = ImapAccount.objects.filter(active=True, mailbox__active=True).order_by("pk")
    for account in accounts:
        try:
            total += imap_poll(account)
        except ImapPollError as exc:
            logger.warning("imap %s: poll failed: %s", account, exc)
    return total

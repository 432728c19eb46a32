"""Writes for inbound mail: accept a raw message at the door, and re-run failed ones.

``mail_accept`` is what the SMTP server, the pipe (``kefu ingest-mail``) and IMAP
polling call: it refuses what must bounce (unknown mailbox, over-size, empty), returns
the existing row for a duplicate, and otherwise stores the raw bytes and the parse job in
one transaction. Call it outside any transaction: when it returns, the mail is committed
and may be acknowledged. Parsing and threading happen later, in the job
(kefu.mailin.processing).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import datetime
from email.utils import parseaddr

from django.db import IntegrityError, transaction
from django.utils import timezone

from kefu.core.errors import DomainError
from kefu.jobs.services import enqueue
from kefu.mailin.choices import InboundStatus, MailErrorCode, Source
from kefu.mailin.conf import setting
from kefu.mailin.models import InboundMail, Mailbox
from kefu.mailin.selectors import mailbox_for_address

PROCESS_JOB = "mailin.process"


class MailRefused(DomainError):
    """The mail must not be accepted; the SMTP server and the CLI map ``code`` to replies."""


class UnknownMailbox(MailRefused):
    status = 404
    code = MailErrorCode.UNKNOWN_MAILBOX


class MailTooLarge(MailRefused):
    status = 413
    code = MailErrorCode.TOO_LARGE


class MailEmpty(MailRefused):
    status = 422
    code = MailErrorCode.EMPTY


_MSGID = re.compile(rb"<[^<>\s]+>")
_HEADER_END = re.compile(rb"\r?\n\r?\n")


def _header(raw: bytes, name: bytes) -> bytes:
    """One header's (unfolded) value from the header block, without a full parse."""
    match = _HEADER_END.search(raw, 0, 256 * 1024)
    block = raw[: match.start() if match else 256 * 1024]
    found = re.search(rb"(?im)^" + re.escape(name) + rb":[ \t]*(.*(?:\r?\n[ \t].*)*)", block)
    return re.sub(rb"\r?\n[ \t]", b" ", found.group(1)).strip() if found else b""


def header_message_id(raw: bytes) -> str:
    ids = _MSGID.findall(_header(raw, b"Message-ID"))
    return ids[0].decode("ascii", "replace")[:998] if ids else ""


def _header_from(raw: bytes) -> str:
    return parseaddr(_header(raw, b"From").decode("ascii", "replace"))[1].lower()[:254]


def mailbox_for(recipients: Iterable[str]) -> Mailbox:
    for recipient in recipients:
        mailbox = mailbox_for_address(recipient)
        if mailbox is not None:
            return mailbox
    raise UnknownMailbox(f"no mailbox for {', '.join(recipients) or 'no recipient'}",
                         field="recipients")


def _duplicate(mailbox: Mailbox, sha256: str, message_id: str) -> InboundMail | None:
    found = InboundMail.objects.defer("raw").filter(sha256=sha256).first()
    if found is None and message_id:
        found = (InboundMail.objects.defer("raw")
                 .filter(mailbox=mailbox, message_id=message_id).first())
    return found


def mail_accept(raw: bytes, *, recipients: list[str], source: str,
                received_at: datetime | None = None) -> InboundMail:
    """Store an inbound mail and queue its processing; a duplicate returns the first row.

    Raises MailEmpty, MailTooLarge or UnknownMailbox (nothing stored), and database
    errors (temporary: the sender should retry)."""
    if not raw or not raw.strip():
        raise MailEmpty("the message is empty")
    limit = setting("KEFU_MAIL_MAX_BYTES")
    if len(raw) > limit:
        raise MailTooLarge(f"the message is larger than {limit} bytes")
    mailbox = mailbox_for(recipients)
    sha256 = hashlib.sha256(raw).hexdigest()
    message_id = header_message_id(raw)
    existing = _duplicate(mailbox, sha256, message_id)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            inbound = InboundMail.objects.create(
                mailbox=mailbox, raw=raw, size=len(raw), sha256=sha256, message_id=message_id,
                recipients=[r[:254] for r in recipients][:100], from_address=_header_from(raw),
                received_at=received_at or timezone.now(), source=Source(source),
            )
            enqueue(PROCESS_JOB, {"inbound_id": inbound.pk}, key=str(inbound.pk))
    except IntegrityError:
        # A concurrent delivery of the same mail committed first: answer with its row.
        existing = _duplicate(mailbox, sha256, message_id)
        if existing is None:
            raise
        return existing
    return inbound


def mailbox_set_team(*, address: str, team_id: int | None) -> int:
    """Route a mailbox's new tickets to ``team_id`` (the demo loader; admins use the admin)."""
    return Mailbox.objects.filter(address__iexact=address).update(team_id=team_id)


def inbound_process_again(*, inbound_ids: Iterable[int]) -> int:
    """Queue failed (or stuck) mails for processing again; returns how many."""
    count = 0
    with transaction.atomic():
        rows = (InboundMail.objects.select_for_update().defer("raw")
                .filter(pk__in=list(inbound_ids),
                        status__in=[InboundStatus.FAILED, InboundStatus.RECEIVED]))
        for inbound in rows:
            inbound.status = InboundStatus.RECEIVED
            inbound.save(update_fields=["status"])
            enqueue(PROCESS_JOB, {"inbound_id": inbound.pk},
                    key=f"{inbound.pk}:again:{inbound.attempts}")
            count += 1
    return count

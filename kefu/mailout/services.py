"""Writes of the outbox: queue a ticket message as mail, send it (a job), send again.

Flow: a public agent reply or system notice is committed -> the bus listener calls
``outbound_queue`` which, in one transaction, writes the OutboundMail row, stores the
mail's Message-ID on the Message (channel_meta, so the customer's answer threads back)
and enqueues the "mailout.send" job -> a worker runs ``outbound_send`` through Django's
email backend, retried with backoff by the job queue until it is sent or has failed.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
import smtplib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from kefu.channels.models import Chat
from kefu.customers.choices import IdentityKind
from kefu.customers.models import CustomerIdentity
from kefu.jobs.selectors import job_list
from kefu.jobs.services import enqueue, job_run_again
from kefu.mailout import compose
from kefu.mailout.choices import FailureReason, OutboundStatus
from kefu.mailout.conf import setting
from kefu.mailout.models import OutboundMail
from kefu.tickets.choices import AuthorKind, Channel, Visibility
from kefu.tickets.models import Message, Ticket

log = logging.getLogger(__name__)

SEND_JOB = "mailout.send"
MAILED_AUTHORS = (AuthorKind.AGENT, AuthorKind.SYSTEM)

_suppressed: contextvars.ContextVar[bool] = contextvars.ContextVar("mailout_off", default=False)


@contextmanager
def outbound_suppressed() -> Iterator[None]:
    """Queue no mail inside (bulk imports, the demo loader: nobody to write to)."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


class DeliveryDeferred(Exception):
    """A temporary delivery failure: raised so that the job queue retries later."""


# --- hooks -----------------------------------------------------------------

def sender_for_ticket(ticket: Ticket) -> str:
    """The From address of a ticket's mail.

    1. KEFU_MAILOUT_SENDER, the dotted path of ``f(ticket) -> str | None``: the hook for
       a lookup in kefu.mailin's Mailbox table (e.g. the team's mailbox, with a display
       name); None falls through.
    2. The mailbox the customer last wrote to: inbound mail records its address as
       channel_meta["mailbox"] on the customer's message (no import of kefu.mailin).
    3. DEFAULT_FROM_EMAIL.
    """
    path = setting("KEFU_MAILOUT_SENDER")
    if path:
        found = import_string(path)(ticket)
        if found:
            return str(found)
    metas = (Message.objects.filter(ticket_id=ticket.pk, author_kind=AuthorKind.CUSTOMER,
                                    channel_meta__has_key="mailbox")
             .order_by("-created_at", "-pk").values_list("channel_meta", flat=True)[:1])
    for meta in metas:
        mailbox = _bare(str(meta.get("mailbox") or ""))
        if mailbox and _valid(mailbox):
            return mailbox
    return str(settings.DEFAULT_FROM_EMAIL)


def address_is_bouncing(address: str) -> bool:
    """Whether the customer's address is marked as failing (hard bounces).

    CustomerIdentity has no such mark yet. Once it gains a boolean ``bouncing`` field
    (set by inbound bounce handling) this honours it with no change here.
    """
    if "bouncing" not in {f.name for f in CustomerIdentity._meta.get_fields()}:
        return False
    return CustomerIdentity.objects.filter(
        kind=IdentityKind.EMAIL, value__iexact=address, **{"bouncing": True}).exists()


# --- queueing --------------------------------------------------------------

def ticket_wants_mail(ticket: Ticket) -> bool:
    """Email and web-form tickets, and chats left as offline messages, are answered by mail."""
    if ticket.channel in (Channel.EMAIL, Channel.WEB):
        return True
    return (ticket.channel == Channel.CHAT
            and Chat.objects.filter(ticket_id=ticket.pk, offline=True).exists())


def _bare(address: str) -> str:
    return parseaddr(address)[1].strip().lower()


def _valid(address: str) -> bool:
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


def _cc_list(meta: dict[str, Any], *, skip: set[str]) -> list[str]:
    """The agent's choice of Cc (channel_meta["cc"]): valid, unique, never us or the To.

    Entries are addresses ("Name <a@b>" too) or inbound's {"name", "address"} dicts."""
    raw = meta.get("cc")
    values = [raw] if isinstance(raw, str | dict) else raw if isinstance(raw, list) else []
    found: dict[str, None] = {}
    for value in values:
        if isinstance(value, dict):
            value = value.get("address")
        address = _bare(value) if isinstance(value, str) else ""
        if address and address not in skip and _valid(address):
            found.setdefault(address, None)
    return list(found)


def _parent(message: Message) -> tuple[object, object]:
    """The message a reply answers: the latest customer message with a Message-ID, else
    the latest message of any author with one (e.g. our previous reply to a web form)."""
    earlier = (Message.objects.filter(ticket_id=message.ticket_id, pk__lt=message.pk,
                                      channel_meta__has_key="message_id")
               .order_by("-created_at", "-pk"))
    for only_customers in (True, False):
        rows = earlier.filter(author_kind=AuthorKind.CUSTOMER) if only_customers else earlier
        for meta in rows.values_list("channel_meta", flat=True)[:20]:
            if compose.clean_message_ids([meta.get("message_id")]):
                return meta.get("message_id"), meta.get("references")
    return None, None


def _rate_limited(address: str, now: dt.datetime) -> bool:
    since = now - dt.timedelta(seconds=int(setting("KEFU_MAILOUT_RATE_WINDOW_SECONDS")))
    recent = OutboundMail.objects.filter(
        recipient=address, created_at__gte=since,
        status__in=[OutboundStatus.QUEUED, OutboundStatus.SENT]).count()
    return recent >= int(setting("KEFU_MAILOUT_RATE_LIMIT"))


def hold_reason(address: str, *, sender: str, now: dt.datetime) -> FailureReason:
    """Why a mail to ``address`` must not go out (FailureReason.NONE: it may)."""
    return (FailureReason.NO_ADDRESS if not address
            else FailureReason.OWN_ADDRESS if address == _bare(sender)
            else FailureReason.BOUNCING if address_is_bouncing(address)
            else FailureReason.RATE_LIMITED if _rate_limited(address, now)
            else FailureReason.NONE)


def _store_thread_ids(message_pk: int, *, message_id: str, in_reply_to: str,
                      references: list[str]) -> None:
    # tickets.services has no write for channel metadata, and this is channel plumbing,
    # not a change anyone reads in the ticket's history (no TicketEvent): merge our keys
    # into the message's metadata under its row lock, keeping the agent's ("cc", ...).
    meta = (Message.objects.select_for_update().values_list("channel_meta", flat=True)
            .get(pk=message_pk))
    meta = {**(meta or {}), "message_id": message_id, "in_reply_to": in_reply_to,
            "references": references}
    Message.objects.filter(pk=message_pk).update(channel_meta=meta)


def outbound_queue(*, message_id: int, now: dt.datetime | None = None) -> OutboundMail | None:
    """Queue the mail of a public agent reply or system notice; None when none is due.

    Idempotent: a message has at most one OutboundMail. A mail that must not go out
    (rate limit, bouncing or missing address) is kept as failed with its reason, so the
    agent sees that the customer did not get it.
    """
    if _suppressed.get():
        return None
    now = now or timezone.now()
    message = (Message.objects.select_related("ticket__requester")
               .filter(pk=message_id).first())
    if (message is None or message.visibility != Visibility.PUBLIC
            or message.author_kind not in MAILED_AUTHORS):
        return None
    ticket = message.ticket
    age = dt.timedelta(seconds=int(setting("KEFU_MAILOUT_MAX_AGE_SECONDS")))
    if message.created_at < now - age or not ticket_wants_mail(ticket):
        return None
    existing = OutboundMail.objects.filter(message_id=message.pk).first()
    if existing is not None:
        return existing
    sender = sender_for_ticket(ticket)
    address = (ticket.requester.primary_identity(IdentityKind.EMAIL) or "").strip().lower()
    reason = hold_reason(address, sender=sender, now=now)
    if reason == FailureReason.NO_ADDRESS and message.author_kind == AuthorKind.SYSTEM:
        return None  # kefu's own notice to nobody: nothing an agent needs to see
    parent_id, parent_refs = _parent(message)
    in_reply_to, references = compose.thread_headers(
        parent_id=parent_id, parent_references=parent_refs,
        limit=int(setting("KEFU_MAILOUT_REFERENCES_LIMIT")))
    message_id_header = compose.new_message_id(
        ticket_number=ticket.number, message_pk=message.pk,
        domain=compose.address_domain(sender))
    with transaction.atomic():
        mail = OutboundMail.objects.create(
            ticket=ticket, message=message, from_email=sender,
            to=[compose.recipient(ticket.requester.name, address)] if address else [],
            cc=_cc_list(message.channel_meta or {}, skip={address, _bare(sender)}),
            recipient=address, subject=compose.reply_subject(ticket.subject, ticket.number),
            rfc_message_id=message_id_header, in_reply_to=in_reply_to,
            references=references, status=OutboundStatus.FAILED if reason else OutboundStatus.QUEUED,
            reason=reason, last_error=reason_text(reason),
            created_at=now, updated_at=now,
        )
        _store_thread_ids(message.pk, message_id=message_id_header, in_reply_to=in_reply_to,
                          references=references)
        if not reason:
            enqueue_send(mail)
    if reason:
        log.warning("mail for message %s of ticket %s held: %s", message.pk, ticket.number,
                    reason)
    return mail


def reason_text(reason: str) -> str:
    # Stored untranslated ("rate limited"); the workspace shows the reason's label.
    return reason.replace("_", " ")


def enqueue_send(mail: OutboundMail) -> None:
    delay = dt.timedelta(seconds=float(setting("KEFU_MAILOUT_DELAY_SECONDS")))
    enqueue(SEND_JOB, {"outbound_id": mail.pk}, key=str(mail.pk),
            run_after=timezone.now() + delay if delay else None,
            max_attempts=int(setting("KEFU_MAILOUT_MAX_ATTEMPTS")))


# --- delivery (the job) -------------------------------------------------------

def _files(message: Message) -> list[compose.FilePart]:
    parts = []
    for attachment in message.attachments.order_by("pk"):
        with attachment.file.open("rb") as handle:
            parts.append(compose.FilePart(filename=attachment.filename, content=handle.read(),
                                          content_type=attachment.content_type))
    return parts


def _permanent(error: Exception) -> bool:
    """A 5xx answer about this mail (not about our login): retrying cannot help."""
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return False  # a configuration problem an operator can fix: keep retrying
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in error.recipients.values()]
        return bool(codes) and all(int(code) >= 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return int(error.smtp_code) >= 500
    return False


def _finish(mail_id: int, **changes: Any) -> None:
    OutboundMail.objects.filter(pk=mail_id, status=OutboundStatus.QUEUED).update(
        updated_at=timezone.now(), **changes)


def outbound_send(*, outbound_id: int) -> str | None:
    """Deliver one queued mail; the outcome status (None when it was not queued).

    Raises DeliveryDeferred on a temporary failure so that the job queue retries with
    backoff; after the last attempt the mail is failed ("gave_up") and the job fails
    too. A 5xx rejection fails the mail at once ("rejected"). At least once: a worker
    dying after the server's 250 sends the same mail (same Message-ID) again.
    """
    with transaction.atomic():
        if not OutboundMail.objects.filter(pk=outbound_id, status=OutboundStatus.QUEUED).update(
                attempts=F("attempts") + 1, updated_at=timezone.now()):
            return None
    mail = OutboundMail.objects.get(pk=outbound_id)
    if address_is_bouncing(mail.recipient):
        _finish(mail.pk, status=OutboundStatus.FAILED, reason=FailureReason.BOUNCING,
                last_error=reason_text(FailureReason.BOUNCING))
        return OutboundStatus.FAILED
    message = Message.objects.get(pk=mail.message_id) if mail.message_id else None
    if message is None:  # an acknowledgement: kefu's own text, kept on the row
        text, html, notice = mail.body_text, mail.body_html, True
    else:
        text, html = message.body_text, message.body_html
        notice = message.author_kind == AuthorKind.SYSTEM
    envelope = compose.Envelope(
        from_email=mail.from_email, to=list(mail.to), cc=list(mail.cc), subject=mail.subject,
        message_id=mail.rfc_message_id, in_reply_to=mail.in_reply_to,
        references=list(mail.references))
    try:
        connection = get_connection(timeout=float(setting("KEFU_MAILOUT_SMTP_TIMEOUT")))
        compose.build_email(
            envelope=envelope, text=text, html=html, notice=notice,
            files=_files(message) if message is not None else (),
            connection=connection,
        ).send()
    except Exception as error:
        text = f"{type(error).__name__}: {error}"[:2000]
        if _permanent(error):
            _finish(mail.pk, status=OutboundStatus.FAILED, reason=FailureReason.REJECTED,
                    last_error=text)
            log.warning("mail %s rejected: %s", mail.pk, text)
            return OutboundStatus.FAILED
        if mail.attempts >= int(setting("KEFU_MAILOUT_MAX_ATTEMPTS")):
            _finish(mail.pk, status=OutboundStatus.FAILED, reason=FailureReason.GAVE_UP,
                    last_error=text)
        else:
            _finish(mail.pk, last_error=text)
        raise DeliveryDeferred(text) from error
    _finish(mail.pk, status=OutboundStatus.SENT, sent_at=timezone.now(), last_error="",
            reason=FailureReason.NONE)
    return OutboundStatus.SENT


def outbound_resend(*, outbound_ids: Iterable[int]) -> int:
    """Queue failed mails again with a fresh set of attempts (the admin's "send again").

    An operator's decision: the rate limit is not applied again, a bouncing address
    still is (at delivery). Returns how many mails were queued."""
    with transaction.atomic():
        ids = list(OutboundMail.objects.select_for_update()
                   .filter(pk__in=list(outbound_ids), status=OutboundStatus.FAILED)
                   .exclude(recipient="").values_list("pk", flat=True))
        OutboundMail.objects.filter(pk__in=ids).update(
            status=OutboundStatus.QUEUED, reason=FailureReason.NONE, attempts=0, last_error="",
            updated_at=timezone.now())
        for mail_id in ids:
            job = job_list(kind=SEND_JOB).filter(key=str(mail_id)).first()
            if job is None:
                enqueue_send(OutboundMail(pk=mail_id))
            else:
                job_run_again(job_ids=[job.pk])
    return len(ids)

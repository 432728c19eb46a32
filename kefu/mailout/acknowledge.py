"""Acknowledgements: "we received your request #10023, we will reply by ..." mails.

A ticket a customer opened by email or the web form is acknowledged once, through the
outbox like any reply (threaded, rate limited, "mailout.send" job), with kefu's own text
rendered from a fixed context by templates/mailout/ack_<language>.txt. The reply time is
the due time of the ticket's first-response SLA clock, in the customer's time zone.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import zoneinfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from kefu.customers.choices import IdentityKind
from kefu.mailout import compose
from kefu.mailout.choices import FailureReason, MailKind, OutboundStatus
from kefu.mailout.conf import setting
from kefu.mailout.models import OutboundMail
from kefu.mailout.services import (
    _suppressed,
    enqueue_send,
    hold_reason,
    reason_text,
    sender_for_ticket,
)
from kefu.sla.choices import Metric, TargetState
from kefu.sla.selectors import sla_targets_of
from kefu.tickets.choices import AuthorKind, Channel
from kefu.tickets.models import Message, Ticket

log = logging.getLogger(__name__)

ACK_CHANNELS = (Channel.EMAIL, Channel.WEB)
DEFAULT_TIME_ZONE = "Asia/Shanghai"


def acknowledge_enabled() -> bool:
    return bool(getattr(settings, "KEFU_MAIL_ACKNOWLEDGE", True))


def ack_language(language: str) -> str:
    """The template language of a customer: English for "en*", else Chinese (default)."""
    return "en" if (language or "").strip().lower().startswith("en") else "zh_hans"


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or DEFAULT_TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(DEFAULT_TIME_ZONE)


def first_response_due(ticket_id: int) -> dt.datetime | None:
    """When the running first-response clock falls due; None without such a clock."""
    targets = sla_targets_of(ticket_id).filter(metric=Metric.FIRST_RESPONSE,
                                               state=TargetState.RUNNING)
    due = [t.due_at for t in targets if t.due_at is not None]
    return min(due) if due else None


def render_ack(*, number: int | None, subject: str, customer_name: str, language: str,
               time_zone: str, due_at: dt.datetime | None) -> str:
    """The acknowledgement's text. The context is fixed and its values are data: a
    customer's subject or name is never template code."""
    lang = ack_language(language)
    zone = _zone(time_zone)
    context = {
        "number": number, "subject": subject, "customer_name": customer_name,
        "due_at": due_at.astimezone(zone) if due_at else None, "time_zone": zone.key,
    }
    with translation.override("en" if lang == "en" else "zh-hans"), timezone.override(zone):
        return render_to_string(f"mailout/ack_{lang}.txt", context).strip() + "\n"


def outbound_acknowledge(*, ticket_id: int, now: dt.datetime | None = None) -> OutboundMail | None:
    """Queue the acknowledgement of a new ticket; None when none is due.

    Only tickets a customer opened (email or web form) that were just created; never
    tickets agents or imports created, never twice (a database constraint)."""
    if _suppressed.get() or not acknowledge_enabled():
        return None
    now = now or timezone.now()
    ticket = Ticket.objects.select_related("requester").filter(pk=ticket_id).first()
    if ticket is None or ticket.channel not in ACK_CHANNELS:
        return None
    if ticket.created_at < now - dt.timedelta(seconds=int(setting("KEFU_MAILOUT_MAX_AGE_SECONDS"))):
        return None
    requester = ticket.requester
    address = (requester.primary_identity(IdentityKind.EMAIL) or "").strip().lower()
    if not address:
        return None  # nobody to tell (checked first: the cheapest way out)
    first = (Message.objects.filter(ticket_id=ticket.pk).order_by("created_at", "pk")
             .only("author_kind", "channel_meta").first())
    if first is None or first.author_kind != AuthorKind.CUSTOMER:
        return None
    meta = first.channel_meta or {}
    # kefu.mailin drops automatic mail before it becomes a ticket; should a channel keep
    # one with its signs, it is still never answered (no mail loops between robots).
    if meta.get("auto_reasons") or meta.get("auto_submitted"):
        return None
    if OutboundMail.objects.filter(ticket_id=ticket.pk, kind=MailKind.ACKNOWLEDGEMENT).exists():
        return None
    sender = sender_for_ticket(ticket)
    reason = hold_reason(address, sender=sender, now=now)
    if reason == FailureReason.NO_ADDRESS:
        return None  # nobody to tell
    in_reply_to, references = compose.thread_headers(
        parent_id=meta.get("message_id"), parent_references=meta.get("references"),
        limit=int(setting("KEFU_MAILOUT_REFERENCES_LIMIT")))
    text = render_ack(number=ticket.number, subject=ticket.subject,
                      customer_name=requester.name, language=requester.language,
                      time_zone=requester.time_zone, due_at=first_response_due(ticket.pk))
    message_id = (f"<kefu.{ticket.number}.ack.{secrets.token_hex(8)}"
                  f"@{compose.address_domain(sender)}>")
    try:
        with transaction.atomic():
            mail = OutboundMail.objects.create(
                ticket=ticket, message=None, kind=MailKind.ACKNOWLEDGEMENT, from_email=sender,
                to=[compose.recipient(requester.name, address)], recipient=address,
                subject=compose.reply_subject(ticket.subject, ticket.number),
                rfc_message_id=message_id, in_reply_to=in_reply_to, references=references,
                body_text=text, status=OutboundStatus.FAILED if reason else OutboundStatus.QUEUED,
                reason=reason, last_error=reason_text(reason), created_at=now, updated_at=now,
            )
            if not reason:
                enqueue_send(mail)
    except IntegrityError:
        return None  # acknowledged by a concurrent delivery of the same event
    if reason:
        log.warning("acknowledgement of ticket %s held: %s", ticket.number, reason)
    return mail

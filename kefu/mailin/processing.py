"""The parse job: one stored raw mail -> ignored, or a ticket message with attachments.

Runs at least once per mail (kefu.jobs); a mail already processed or ignored is left
alone, and all writes of one run share a transaction, so a second run changes nothing.
An exception marks the mail failed with its traceback; the raw bytes stay.
"""

from __future__ import annotations

import logging
import os
import re
import traceback
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from kefu.accounts.actor import SYSTEM
from kefu.channels.selectors import customer_actor
from kefu.core.errors import ValidationFailed
from kefu.customers.identities import normalise_email
from kefu.customers.models import Customer
from kefu.customers.services import customer_find_or_create, identity_set_bouncing
from kefu.mail.parse import ParsedMail, parse_message
from kefu.mailin import threads
from kefu.mailin.choices import IgnoreReason, InboundStatus
from kefu.mailin.conf import setting
from kefu.mailin.models import InboundMail
from kefu.mailin.selectors import normalise_address, own_addresses
from kefu.tickets.choices import Channel
from kefu.tickets.models import Attachment, Message, Ticket
from kefu.tickets.services import message_post, ticket_create

logger = logging.getLogger(__name__)

_FAILED_RECIPIENT = re.compile(
    rb"(?im)^(?:Final-Recipient|Original-Recipient|X-Failed-Recipients):[ \t]*(?:rfc822;)?[ \t]*<?([^\s<>;]+@[^\s<>;]+)>?")


def inbound_process(*, inbound_id: int) -> InboundMail:
    with transaction.atomic():
        inbound = (InboundMail.objects.select_for_update().select_related("mailbox")
                   .get(pk=inbound_id))
        if inbound.status != InboundStatus.RECEIVED:
            # A retried or duplicate job: done already, or failed and waiting for
            # "process again" (which sets it back to received).
            return inbound
        inbound.attempts += 1
        try:
            with transaction.atomic():
                _process(inbound)
        except DatabaseError:
            raise  # the database itself failed: let the job retry (attempts not kept)
        except Exception:
            logger.exception("inbound mail %s failed", inbound.pk)
            inbound.status = InboundStatus.FAILED
            inbound.error = traceback.format_exc()[-20_000:]
            inbound.ticket = inbound.ticket_message = None
        inbound.processed_at = timezone.now()
        inbound.save(update_fields=[
            "status", "error", "attempts", "ticket", "ticket_message", "processed_at", "from_address",
            "subject", "ignored_reason", "auto_reasons", "bounced_address", "message_id"])
    return inbound


def _sender(address: str) -> str:
    """The normalised sender address, or "" when it is unusable. A trailing dot on the
    domain (an absolute DNS name, seen in real mail) is dropped."""
    for candidate in (address, address.strip().rstrip(".")):
        try:
            return normalise_email(candidate) if candidate else ""
        except ValidationFailed:
            continue
    return ""


def _ignore(inbound: InboundMail, reason: IgnoreReason) -> None:
    inbound.status = InboundStatus.IGNORED
    inbound.ignored_reason = reason
    inbound.error = ""


def _too_many(inbound: InboundMail, sender: str) -> bool:
    window = timedelta(seconds=setting("KEFU_MAIL_LOOP_WINDOW_SECONDS"))
    earlier = (InboundMail.objects.filter(
        mailbox_id=inbound.mailbox_id, from_address=sender,
        received_at__gte=inbound.received_at - window, received_at__lte=inbound.received_at)
        .exclude(pk=inbound.pk).count())
    return earlier >= setting("KEFU_MAIL_LOOP_LIMIT")


def _process(inbound: InboundMail) -> None:
    raw = bytes(inbound.raw)
    mail = parse_message(raw)
    if mail.warnings and mail.warnings[-1].startswith("parser failed"):
        raise RuntimeError(mail.warnings[-1])
    inbound.subject = mail.subject[:255]
    inbound.auto_reasons = list(mail.auto_reasons)
    if not inbound.message_id and mail.message_id:
        inbound.message_id = mail.message_id[:998]
    sender = _sender(mail.from_address)
    inbound.from_address = sender[:254] or mail.from_address.lower()[:254]
    if mail.bounce:
        found = _FAILED_RECIPIENT.search(raw)
        inbound.bounced_address = found.group(1).decode("ascii", "replace").lower()[:254] if found else ""
        if inbound.bounced_address:
            # Outbound mail skips it from now on (kefu.mailout checks the identity).
            identity_set_bouncing(email=inbound.bounced_address, bouncing=True)
        _ignore(inbound, IgnoreReason.BOUNCE)
    elif mail.auto_submitted:
        _ignore(inbound, IgnoreReason.AUTO_REPLY)
    elif not sender:
        _ignore(inbound, IgnoreReason.NO_SENDER)
    elif normalise_address(sender) in own_addresses():
        _ignore(inbound, IgnoreReason.OWN_ADDRESS)
    elif _too_many(inbound, sender):
        _ignore(inbound, IgnoreReason.LOOP)
    else:
        _post(inbound, mail, sender)
        inbound.status = InboundStatus.PROCESSED
        inbound.error = ""


def _addresses(items: list[Any]) -> list[dict[str, str]]:
    return [{"name": a.name, "address": a.address.lower()} for a in items if a.address]


def _meta(inbound: InboundMail, mail: ParsedMail, sender: str, threaded_by: str) -> dict[str, Any]:
    cap = setting("KEFU_MAIL_FULL_BODY_CHARS")
    return {
        "message_id": mail.message_id or "",
        "in_reply_to": mail.in_reply_to or "",
        "references": list(mail.references),
        "subject": mail.subject,
        "from": sender,
        "from_name": mail.from_name,
        "to": _addresses(mail.to),
        "cc": _addresses(mail.cc),
        "reply_to": _addresses(mail.reply_to),
        "mailbox": inbound.mailbox.address,
        "inbound_mail_id": inbound.pk,
        "threaded_by": threaded_by,
        # The body is reply_text (what the customer just wrote); the whole mail stays
        # readable here, and byte for byte in the InboundMail row.
        "full_text": mail.text[:cap],
        "full_html": (mail.html or "")[:cap],
        "parse_warnings": mail.warnings[:50],
    }


def _body(mail: ParsedMail) -> str:
    body = (mail.reply_text or mail.text).strip()
    if not body:
        body = gettext("(no text)") if not mail.attachments else gettext("(attachments only)")
    limit = settings.KEFU_MAX_MESSAGE_CHARS
    return body if len(body) <= limit else body[: limit - 1] + "…"


def _requester(mail: ParsedMail, sender: str) -> Customer:
    customer, _created = customer_find_or_create(name=mail.from_name.strip()[:200], email=sender)
    identity_set_bouncing(email=sender, bouncing=False)  # it wrote to us: it works again
    seen = 0
    while customer.merged_into_id is not None and seen < 20:
        customer = Customer.objects.get(pk=customer.merged_into_id)
        seen += 1
    return customer


def _post(inbound: InboundMail, mail: ParsedMail, sender: str) -> None:
    customer = _requester(mail, sender)
    ticket, threaded_by = threads.find_ticket(mail, sender=sender, customer=customer)
    meta = _meta(inbound, mail, sender, threaded_by)
    body = _body(mail)
    if ticket is not None:
        message = message_post(actor=customer_actor(ticket.requester_id), ticket=ticket,
                               body=body, channel_meta=meta)
    else:
        mailbox = inbound.mailbox
        subject = " ".join(mail.subject.split())[:255] or gettext("(no subject)")
        ticket, _created = ticket_create(
            actor=SYSTEM, subject=subject, body=body, requester=customer,
            channel=Channel.EMAIL, priority=mailbox.default_priority, team_id=mailbox.team_id,
            channel_meta=meta, external_id=f"email:{inbound.sha256}")
        message = Message.objects.filter(ticket=ticket).order_by("id")[0]
    _attach(message, mail)
    inbound.ticket = Ticket.objects.get(pk=message.ticket_id)
    inbound.ticket_message = message


def _attach(message: Message, mail: ParsedMail) -> None:
    """Every attachment, inline cid: images too, as ticket attachments.

    Mail attachments skip the upload whitelist (the raw mail holds them anyway), but a
    type outside it is stored as application/octet-stream so it is only ever downloaded."""
    allowed = set(settings.KEFU_ATTACHMENT_CONTENT_TYPES)
    inline: dict[str, int] = {}
    for part in mail.attachments:
        if not part.data:
            continue
        name = os.path.basename(part.filename.replace("\\", "/")).strip().lstrip(".")[:200]
        content_type = (part.content_type or "").lower()
        attachment = Attachment(
            message=message, filename=name or "attachment",
            content_type=content_type if content_type in allowed else "application/octet-stream",
            size=len(part.data))
        attachment.file.save(attachment.filename, ContentFile(part.data), save=False)
        attachment.save()
        if part.content_id:
            inline[part.content_id.strip("<>")] = attachment.pk
    if inline:
        message.channel_meta = {**message.channel_meta, "inline": inline}
        message.save(update_fields=["channel_meta"])

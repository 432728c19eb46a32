"""Sending from the ticket page's reply box, with the collision check.

The form carries the ticket's ``updated_at`` as the agent last saw it. When the ticket
changed since (another agent replied, the customer wrote, a field changed), nothing is
sent: the agent gets what changed and may send anyway (``confirm``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from kefu.accounts.actor import Actor
from kefu.core.errors import DomainError, ErrorCode, ValidationFailed
from kefu.tickets.attachments import attachment_add
from kefu.tickets.choices import AuthorKind, EventKind, Status, Visibility
from kefu.tickets.models import Message, Ticket
from kefu.tickets.selectors import message_scope, ticket_event_list
from kefu.tickets.services import message_post
from kefu.workspace.ticket_masking import mask_messages
from kefu.workspace.ticket_timeline import describe_events

# Statuses offered as "set status after sending" (each still checked by the state machine).
AFTER_SEND_STATUSES = (Status.OPEN, Status.PENDING, Status.ON_HOLD, Status.SOLVED)
MAX_FILES = 10
MAX_CC = 20


def seen_token(ticket: Ticket) -> str:
    return ticket.updated_at.isoformat()


def parse_seen(raw: str | None) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@dataclass
class Collision:
    """What happened on the ticket since the agent loaded it."""

    messages: list[Message]
    events: list[str]


def changes_since(*, actor: Actor, ticket: Ticket, seen: dt.datetime | None) -> Collision:
    """New messages and people's changes since ``seen``. kefu's own changes (auto-triage,
    routing, SLA escalation) do not count: they follow from what is on the page and must
    not hold a reply back seconds after a ticket arrives."""
    messages = message_scope(actor=actor, ticket=ticket)
    events = ticket_event_list(actor=actor, ticket=ticket).exclude(kind=EventKind.MESSAGE_ADDED)
    if seen is not None:
        messages = messages.filter(created_at__gt=seen)
        events = events.filter(created_at__gt=seen).exclude(actor_kind=AuthorKind.SYSTEM)
    else:  # no usable token: show only the latest activity
        messages = messages.reverse()[:3]
        events = events.reverse()[:3]
    shown = list(messages)
    mask_messages(actor, shown)
    return Collision(messages=shown, events=[text for _e, text in describe_events(list(events))])


def _is_inbound_mail(message: Message) -> bool:
    meta = message.channel_meta or {}
    return message.author_kind == AuthorKind.CUSTOMER and ("message_id" in meta or "cc" in meta)


def cc_of(message: Message | None) -> list[dict[str, str]]:
    """The Cc'd people of an inbound mail (channel_meta["cc"]: {"name", "address"})."""
    raw = (message.channel_meta or {}).get("cc") if message is not None else None
    found: dict[str, dict[str, str]] = {}
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict):
            name, address = item.get("name"), item.get("address")
        else:
            name, address = "", item
        if not isinstance(address, str) or "@" not in address:
            continue
        key = address.strip().lower()
        found.setdefault(key, {"name": str(name or "").strip(), "address": address.strip()})
    return list(found.values())[:MAX_CC]


def ticket_cc_from(messages: Iterable[Message]) -> list[dict[str, str]]:
    """The Cc list of the customer's last inbound mail among ``messages`` (time order)."""
    last = None
    for message in messages:
        if _is_inbound_mail(message):
            last = message
    return cc_of(last)


def ticket_cc(*, actor: Actor, ticket: Ticket) -> list[dict[str, str]]:
    """The ticket's Cc'd people as the server knows them (never the form's word)."""
    recent = (message_scope(actor=actor, ticket=ticket)
              .filter(author_kind=AuthorKind.CUSTOMER).order_by("-created_at", "-pk")[:20])
    return ticket_cc_from(reversed(list(recent)))


def reply_send(*, actor: Actor, ticket: Ticket, body: str, visibility: str, status: str | None,
               uploads: Sequence[UploadedFile], seen: str | None, confirm: bool,
               cc: Sequence[dict[str, str]] = ()) -> Message | Collision:
    """Post the agent's reply; ``cc`` (people to copy on a public reply) goes into the
    message's channel_meta, where kefu.mailout reads it."""
    if visibility not in Visibility.values:
        raise ValidationFailed("unknown visibility", field="visibility")
    if status and status not in AFTER_SEND_STATUSES:
        raise ValidationFailed("unknown status", field="status")
    if len(uploads) > MAX_FILES:
        raise ValidationFailed(f"at most {MAX_FILES} files", field="file")
    seen_at = parse_seen(seen)
    # One transaction: the row lock makes the check and the send atomic against another
    # agent's reply, and a rejected attachment also withdraws the message (nothing is
    # published, since bus events go out on commit).
    with transaction.atomic():
        current = Ticket.objects.select_for_update().values_list("updated_at", flat=True).get(pk=ticket.pk)
        if not confirm and seen_at != current:
            collision = changes_since(actor=actor, ticket=ticket, seen=seen_at)
            if seen_at is None or collision.messages or collision.events:
                return collision
        meta = {"cc": [dict(item) for item in cc]} if cc and visibility == Visibility.PUBLIC else None
        message = message_post(actor=actor, ticket=ticket, body=body, visibility=visibility,
                               status=status or None, channel_meta=meta)
        for upload in uploads:
            attachment_add(actor=actor, message=message, upload=upload)
    return message


def reply_error_text(error: DomainError) -> str:
    """A translated message for the reply box; the service's own text for the rare rest."""
    if error.code == ErrorCode.VALIDATION_ERROR and error.field == "body":
        return _("Write a reply before sending.")
    if error.code == ErrorCode.PAYLOAD_TOO_LARGE:
        return _("The reply or one of the files is too large.")
    if error.code == ErrorCode.UNSUPPORTED_MEDIA_TYPE:
        return _("This type of file cannot be attached.")
    if error.code == ErrorCode.INVALID_TRANSITION:
        return _("The ticket cannot take that status now.")
    return f"{ErrorCode(error.code).label}: {error.message}"

"""Writes for live chat: greet a visitor, send a message (idempotent), offline messages.

Tickets and messages are written only through kefu.tickets.services; this module adds
the chat rows (visitor, chat, send key) in the same transactions.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext

from kefu.accounts.actor import SYSTEM
from kefu.accounts.models import Team
from kefu.channels.chat.signing import signature_valid
from kefu.channels.models import Chat, ChatMessageKey, ChatVisitor, IdentityKind
from kefu.channels.selectors import (
    OFFLINE_TAG,
    current_chat,
    customer_actor,
    token_hash,
    visitor_by_token,
)
from kefu.core.errors import ValidationFailed
from kefu.customers.identities import normalise_email
from kefu.customers.models import Customer
from kefu.customers.services import (
    IdentitySet,
    customer_create,
    customer_find_by_identity,
    customer_find_or_create,
)
from kefu.tickets.choices import Channel
from kefu.tickets.services import message_post, ticket_create

CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
SUBJECT_CHARS = 50


def chat_max_chars() -> int:
    return min(settings.KEFU_CHAT_MAX_CHARS, settings.KEFU_MAX_MESSAGE_CHARS)


def _clean_str(value: object, limit: int) -> str:
    return " ".join(value.split())[:limit] if isinstance(value, str) else ""


@dataclass
class Hello:
    visitor: ChatVisitor
    token: str | None  # a newly issued token the widget must store; None: keep yours
    identity_refused: bool = False


def _valid_email(value: object) -> str | None:
    """The normalised email, "" when none is given, None when it is not an address."""
    text = _clean_str(value, 254)
    if not text:
        return ""
    try:
        return normalise_email(text)
    except ValidationFailed:
        return None


def _new_visitor(**fields: Any) -> tuple[ChatVisitor, str]:
    token = secrets.token_urlsafe(32)
    return ChatVisitor.objects.create(token_hash=token_hash(token), **fields), token


@transaction.atomic
def visitor_hello(*, token: object, identity: dict[str, Any] | None = None) -> Hello:
    """The visitor of ``token`` (a new one when unknown), with the identity it claims.

    ``identity`` is either a pre-chat form ``{"name", "email"}`` or a host-site
    signature ``{"customer_id", "name", "email", "timestamp", "signature"}``; a bad or
    stale signature is refused and the visitor stays anonymous. No customer is
    created here: that waits for the first message.
    """
    identity = identity if isinstance(identity, dict) else {}
    visitor = visitor_by_token(token)
    issued: str | None = None
    raw_id = identity.get("customer_id")
    external_id = str(raw_id).strip() if isinstance(raw_id, (str, int)) else ""
    external_id = external_id if len(external_id) <= 128 else ""
    if external_id:
        raw_email = identity.get("email")
        email = raw_email if isinstance(raw_email, str) else ""
        if signature_valid(external_id, email, identity.get("timestamp"), identity.get("signature")):
            return _signed_hello(visitor, external_id, _clean_str(identity.get("name"), 200), email)
        refused = True
    else:
        refused = False
    if visitor is not None and visitor.kind == IdentityKind.SIGNED:
        visitor = None  # a signed conversation opens only with a valid signature
    if visitor is None:
        visitor, issued = _new_visitor()
    name, form_email = _clean_str(identity.get("name"), 200), _valid_email(identity.get("email"))
    if form_email is None:
        refused, form_email = True, ""
    if (name or form_email) and not external_id and visitor.customer_id is None:
        visitor.name = name
        visitor.email = form_email
        visitor.kind = IdentityKind.FORM
        visitor.save(update_fields=["name", "email", "kind", "last_seen_at"])
    return Hello(visitor, issued, identity_refused=refused)


def _signed_hello(visitor: ChatVisitor | None, external_id: str, name: str, email: str) -> Hello:
    issued = None
    if visitor is None or visitor.external_id != external_id:
        # Another browser of this host customer, or another customer on this browser:
        # the signed visitor row is the conversation; this browser gets a fresh token.
        issued = secrets.token_urlsafe(32)
        visitor, _created = ChatVisitor.objects.get_or_create(
            external_id=external_id, defaults={"token_hash": token_hash(issued)},
        )
        visitor.token_hash = token_hash(issued)
    visitor.kind = IdentityKind.SIGNED
    visitor.name = name or visitor.name
    visitor.email = _valid_email(email) or visitor.email
    if visitor.customer_id is None and visitor.email:
        visitor.customer = customer_find_by_identity(
            IdentitySet(emails=[visitor.email]).normalised())
    visitor.save()
    return Hello(visitor, issued)


def _customer_for(visitor: ChatVisitor) -> Customer:
    """The visitor's customer, made on its first message (never on a page view)."""
    if visitor.customer_id is not None:
        customer: Customer | None = visitor.customer
        while customer is not None and customer.merged_into_id is not None:
            customer = customer.merged_into  # follow merges to the survivor
        assert customer is not None
        return customer
    if visitor.email:
        customer, _ = customer_find_or_create(name=visitor.name, email=visitor.email)
    else:
        # A customer name is read by agents: kefu's default language, not the visitor's.
        with translation.override(settings.LANGUAGE_CODE):
            label = gettext("Visitor %(number)s") % {"number": f"{secrets.randbelow(10000):04d}"}
        name = visitor.name or label
        customer = customer_create(name=name)
    visitor.customer = customer
    visitor.save(update_fields=["customer", "last_seen_at"])
    return customer


def _chat_team_id() -> int | None:
    name = settings.KEFU_CHAT_TEAM
    if not name:
        return None
    return Team.objects.filter(name=name).values_list("pk", flat=True).first()


@dataclass
class Sent:
    message_id: int
    ticket_id: int
    created: bool


def _check_send(client_id: object, body: object) -> tuple[str, str]:
    if not isinstance(client_id, str) or not CLIENT_ID_RE.match(client_id):
        raise ValidationFailed("client_id must be 1-64 letters, digits, - or _", field="client_id")
    if not isinstance(body, str) or not body.strip():
        raise ValidationFailed("must not be empty", field="body")
    if len(body) > chat_max_chars():
        raise ValidationFailed(f"longer than {chat_max_chars()} characters", field="body")
    return client_id, body.strip()


def _known(visitor_id: int, client_id: str) -> Sent | None:
    key = (ChatMessageKey.objects.filter(visitor_id=visitor_id, client_id=client_id)
           .select_related("message").first())
    if key is None:
        return None
    return Sent(key.message_id, key.message.ticket_id, created=False)


def chat_send(*, visitor_id: int, client_id: object, body: object) -> Sent:
    """Post a visitor's message; its first one opens the chat ticket.

    Idempotent by ``client_id``: the key is written in the message's transaction and is
    unique per visitor, so a resend (also a concurrent one) answers with the first
    message and creates nothing.
    """
    client_id, text = _check_send(client_id, body)
    known = _known(visitor_id, client_id)
    if known is not None:
        return known
    try:
        with transaction.atomic():
            # Sends of one visitor queue here: one first message opens one ticket.
            # Lock first, then read: a join read under the lock may predate the winner's write.
            ChatVisitor.objects.select_for_update().filter(pk=visitor_id).values_list("pk").get()
            visitor = ChatVisitor.objects.select_related("customer").get(pk=visitor_id)
            known = _known(visitor_id, client_id)
            if known is not None:
                return known
            message_id, ticket_id = _post(visitor, client_id, text)
            ChatMessageKey.objects.create(visitor=visitor, client_id=client_id, message_id=message_id)
    except IntegrityError:
        known = _known(visitor_id, client_id)
        if known is None:
            raise
        return known
    return Sent(message_id, ticket_id, created=True)


def _post(visitor: ChatVisitor, client_id: str, text: str) -> tuple[int, int]:
    customer = _customer_for(visitor)
    meta = {"client_id": client_id}
    chat = current_chat(visitor)
    if chat is None or chat.ticket.requester_id != customer.pk:
        team_id = _chat_team_id()
        # A customer may not pick a team: with a chat team configured, kefu opens the
        # ticket on the customer's behalf (the message is still the customer's).
        ticket, _ = ticket_create(
            actor=SYSTEM if team_id else customer_actor(customer.pk),
            subject=text[:SUBJECT_CHARS], body=text, requester=customer,
            channel=Channel.CHAT, team_id=team_id, channel_meta=meta,
        )
        Chat.objects.create(ticket=ticket, visitor=visitor)
        message = ticket.messages.get()
        return message.pk, ticket.pk
    message = message_post(actor=customer_actor(customer.pk), ticket=chat.ticket, body=text,
                           channel_meta=meta)
    if message.ticket_id != chat.ticket_id:
        # The chat was closed: message_post opened a follow-up ticket; the chat moves there.
        Chat.objects.create(ticket_id=message.ticket_id, visitor=visitor)
    return message.pk, message.ticket_id


@transaction.atomic
def visitor_read(*, visitor_id: int, up_to: object) -> int | None:
    """Remember how far the visitor has read (monotonic); returns the new mark."""
    if not isinstance(up_to, int) or isinstance(up_to, bool) or up_to <= 0:
        return None
    ChatVisitor.objects.filter(pk=visitor_id, read_up_to__lt=up_to).update(read_up_to=up_to)
    return ChatVisitor.objects.filter(pk=visitor_id).values_list("read_up_to", flat=True).first()


@transaction.atomic
def offline_message_create(*, name: object, email: object, body: object) -> Chat:
    """"Leave a message" while nobody is online: a chat ticket answered by email."""
    name_s = _clean_str(name, 200)
    if not name_s:
        raise ValidationFailed("must not be empty", field="name")
    if not isinstance(email, str) or not email.strip():
        raise ValidationFailed("must not be empty", field="email")
    email_s = normalise_email(email, field="email")
    if not isinstance(body, str) or not body.strip():
        raise ValidationFailed("must not be empty", field="message")
    if len(body) > chat_max_chars():
        raise ValidationFailed(f"longer than {chat_max_chars()} characters", field="message")
    text = body.strip()
    customer, _ = customer_find_or_create(name=name_s, email=email_s)
    team_id = _chat_team_id()
    ticket, _ = ticket_create(
        actor=SYSTEM if team_id else customer_actor(customer.pk),
        subject=text[:SUBJECT_CHARS], body=text, requester=customer, channel=Channel.CHAT,
        team_id=team_id, tags=[OFFLINE_TAG], channel_meta={"offline": True},
    )
    return Chat.objects.create(ticket=ticket, offline=True)

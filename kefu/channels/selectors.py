"""Reads for live chat: who is online, a visitor's conversation, chats waiting for an agent."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from kefu.accounts.actor import Actor
from kefu.accounts.choices import Availability, Role
from kefu.accounts.models import AgentProfile
from kefu.channels.models import Chat, ChatVisitor
from kefu.tickets.choices import AuthorKind, Channel, Status
from kefu.tickets.models import Message, Ticket
from kefu.tickets.selectors import awaiting_agent_q, message_scope, ticket_scope

# DOMAIN.md: a live chat gets its first answer within one minute.
FIRST_RESPONSE_TARGET_SECONDS = 60
HISTORY_LIMIT = 200
# Tag of "leave a message" tickets, so agents can filter them (a tag name is data).
OFFLINE_TAG = "离线留言"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def visitor_by_token(token: object) -> ChatVisitor | None:
    if not isinstance(token, str) or not 20 <= len(token) <= 128:
        return None
    return ChatVisitor.objects.select_related("customer").filter(token_hash=token_hash(token)).first()


def customer_actor(customer_id: int) -> Actor:
    """The visitor acting as its customer: sees public messages of its own tickets only."""
    return Actor(user_id=None, role=Role.CUSTOMER, customer_id=customer_id)


def current_chat(visitor: ChatVisitor) -> Chat | None:
    """The visitor's latest live chat; a merged one is over (its target may be anyone's)."""
    if visitor.pk is None:
        return None
    return (Chat.objects.select_related("ticket")
            .filter(visitor=visitor, offline=False, ticket__merged_into__isnull=True)
            .order_by("-pk").first())


def agents_online_count() -> int:
    """Active agents whose availability is "online" (of the chat team when one is set)."""
    qs = AgentProfile.objects.filter(availability=Availability.ONLINE, user__is_active=True)
    team = settings.KEFU_CHAT_TEAM
    if team:
        qs = qs.filter(Q(user__teams__name=team) | Q(user__led_teams__name=team))
    return qs.values("user_id").distinct().count()


def visitor_message_dict(message: Message) -> dict[str, Any]:
    """What the widget may see of a public message: no agent usernames, no metadata."""
    if message.author_kind == AuthorKind.CUSTOMER:
        author, name = "visitor", ""
    elif message.author_kind == AuthorKind.AGENT and message.author_user is not None:
        profile = getattr(message.author_user, "agent_profile", None)
        author = "agent"
        name = (profile.display_name if profile else "") or message.author_user.get_short_name() \
            or message.author_user.get_username()
    else:
        author, name = "system", ""
    return {
        "id": message.pk,
        "author": author,
        "name": name,
        "body": message.body_text,
        "created_at": message.created_at.isoformat(),
        "client_id": (message.channel_meta or {}).get("client_id"),
    }


def chat_history(visitor: ChatVisitor, chat: Chat | None = None) -> list[dict[str, Any]]:
    chat = chat or current_chat(visitor)
    if chat is None or visitor.customer_id is None:
        return []
    qs = message_scope(actor=customer_actor(chat.ticket.requester_id), ticket=chat.ticket)
    rows = list(qs.order_by("-created_at", "-pk")[:HISTORY_LIMIT])
    return [visitor_message_dict(m) for m in reversed(rows)]


def chat_message_for_visitor(visitor_id: int, ticket_id: int, message_id: int) -> dict[str, Any] | None:
    """One message of the visitor's own chat, through the customer-scoped selector.

    None for an internal note, a message of someone else's ticket or a missing one.
    """
    chat = Chat.objects.select_related("ticket").filter(
        visitor_id=visitor_id, ticket_id=ticket_id).first()
    if chat is None:
        return None
    message = message_scope(actor=customer_actor(chat.ticket.requester_id),
                            ticket=chat.ticket).filter(pk=message_id).first()
    return visitor_message_dict(message) if message is not None else None


@dataclass(frozen=True)
class WaitingChat:
    ticket: Ticket
    waiting_since: dt.datetime
    waiting_seconds: int

    @property
    def overdue(self) -> bool:
        return self.waiting_seconds > FIRST_RESPONSE_TARGET_SECONDS


def waiting_since(ticket: Ticket) -> dt.datetime | None:
    """When the customer's unanswered chat message came in; None when nobody is waiting."""
    if ticket.channel != Channel.CHAT or ticket.status not in (Status.NEW, Status.OPEN):
        return None
    last_in, last_out = ticket.last_customer_message_at, ticket.last_agent_message_at
    if last_in is None or (last_out is not None and last_out >= last_in):
        return None
    # Offline messages are answered by email. Decided from what is already loaded (the
    # list's tags or a selected chat row) so a list of tickets costs no query per row.
    extras = getattr(ticket, "list_extras", None)
    if extras is not None and OFFLINE_TAG in extras.tags:
        return None
    chat = ticket._state.fields_cache.get("chat")
    if chat is not None and chat.offline:
        return None
    return last_in


def waiting_chats(actor: Actor, *, now: dt.datetime | None = None, limit: int = 100) -> list[WaitingChat]:
    """Open chats the actor may see whose last customer message has no agent reply yet.

    Longest-waiting first; offline messages ("leave a message") are answered by email
    and are not waiting in the chat.
    """
    now = now or timezone.now()
    qs = (
        ticket_scope(actor=actor)
        .filter(awaiting_agent_q(), channel=Channel.CHAT, status__in=(Status.NEW, Status.OPEN))
        .exclude(chat__offline=True)
        .select_related("requester", "assignee", "team")
        .order_by("last_customer_message_at", "pk")[:limit]
    )
    result = []
    for ticket in qs:
        since = ticket.last_customer_message_at
        assert since is not None
        result.append(WaitingChat(ticket, since, max(0, int((now - since).total_seconds()))))
    return result

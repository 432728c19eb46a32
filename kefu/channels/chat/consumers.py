"""The live-chat widget's WebSocket (/ws/chat/?token=...).

Client -> server: {"op": "hello", "visitor": token, "identity": {...}} first, then
{"op": "send", "client_id", "body"}, {"op": "typing", "on": bool}, {"op": "read", "up_to": id}.
Server -> client: {"event": "history", "visitor", "messages", ...} after hello,
{"event": "ack", "client_id", "message_id"}, {"event": "message", ...} for every new
public message (exactly the ids the customer-scoped selector returns: internal notes
never leave), {"event": "typing", "on", "name"}, {"event": "read", "side": "agent",
"up_to"}, {"event": "status", "status"}, {"event": "error", "code", "message"}.

The visitor sits in its ticket's group ("ticket.<id>") next to the agents on the ticket
page, and speaks their presence protocol: agents see the visitor viewing and typing,
the visitor sees agents typing. Visitors are anonymous to Django: the token is the
only credential and is never derived from anything guessable.
"""

from __future__ import annotations

import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils.translation import gettext

from kefu.channels import selectors, services
from kefu.core.errors import DomainError
from kefu.realtime.groups import ticket_group

MAX_SENDS_PER_MINUTE = 60


def visitor_group(visitor_id: int) -> str:
    """All tabs of one visitor: a chat opened in one tab is joined by the others."""
    return f"chat.visitor.{visitor_id}"


@database_sync_to_async
def _hello(token: object, identity: Any) -> dict[str, Any]:
    hello = services.visitor_hello(token=token, identity=identity)
    visitor = hello.visitor
    chat = selectors.current_chat(visitor)
    return {
        "visitor_id": visitor.pk,
        "ticket_id": chat.ticket_id if chat else None,
        "customer_id": chat.ticket.requester_id if chat else None,
        "name": visitor.name or (visitor.customer.name if visitor.customer else ""),
        "payload": {
            "event": "history",
            "visitor": hello.token,
            "identity": visitor.kind,
            "identity_refused": hello.identity_refused,
            "name": visitor.name,
            "status": chat.ticket.status if chat else None,
            "messages": selectors.chat_history(visitor, chat),
            "read_up_to": visitor.read_up_to,
            "agents_online": selectors.agents_online_count(),
        },
    }


@database_sync_to_async
def _history(visitor_id: int) -> tuple[int | None, list[dict[str, Any]]]:
    from kefu.channels.models import ChatVisitor

    visitor = ChatVisitor.objects.select_related("customer").get(pk=visitor_id)
    chat = selectors.current_chat(visitor)
    return (chat.ticket_id if chat else None), selectors.chat_history(visitor, chat)


@database_sync_to_async
def _send(visitor_id: int, client_id: object, body: object) -> services.Sent:
    return services.chat_send(visitor_id=visitor_id, client_id=client_id, body=body)


@database_sync_to_async
def _message(visitor_id: int, ticket_id: int, message_id: int) -> dict[str, Any] | None:
    return selectors.chat_message_for_visitor(visitor_id, ticket_id, message_id)


@database_sync_to_async
def _read(visitor_id: int, up_to: object) -> int | None:
    return services.visitor_read(visitor_id=visitor_id, up_to=up_to)


@database_sync_to_async
def _status(ticket_id: int) -> tuple[str | None, int | None]:
    from kefu.tickets.models import Ticket

    row = Ticket.objects.filter(pk=ticket_id).values_list("status", "merged_into_id").first()
    return (row[0], row[1]) if row else (None, None)


class ChatConsumer(AsyncJsonWebsocketConsumer):
    visitor_id: int | None = None
    ticket_id: int | None = None

    async def connect(self) -> None:
        self.sent_ids: set[int] = set()
        self.send_times: list[float] = []
        self.name = ""
        self.last_id = 0
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.ticket_id is not None:
            await self._presence("left")
            await self.channel_layer.group_discard(ticket_group(self.ticket_id), self.channel_name)
        if self.visitor_id is not None:
            await self.channel_layer.group_discard(visitor_group(self.visitor_id), self.channel_name)

    async def _error(self, code: str, message: str, **extra: Any) -> None:
        await self.send_json({"event": "error", "code": code, "message": message, **extra})

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict):
            return await self._error("bad_request", gettext("Messages must be JSON objects."))
        op = content.get("op")
        if op == "hello":
            return await self._on_hello(content)
        if self.visitor_id is None:
            return await self._error("hello_first", "send hello first")
        if op == "send":
            await self._on_send(content)
        elif op == "typing" and self.ticket_id is not None:
            await self._presence("replying" if content.get("on") else "viewing")
        elif op == "read":
            await _read(self.visitor_id, content.get("up_to"))

    async def _on_hello(self, content: dict[str, Any]) -> None:
        if self.visitor_id is not None:
            return await self._error("bad_request", "hello was already sent")
        token = content.get("visitor") or self.scope.get("query_string", b"").decode(
            "latin-1").partition("token=")[2].split("&")[0]
        identity = content.get("identity")
        try:
            hello = await _hello(token, identity)
        except DomainError as exc:
            return await self._error(str(exc.code), exc.message)
        self.visitor_id = hello["visitor_id"]
        self.name = hello["name"]
        await self.channel_layer.group_add(visitor_group(self.visitor_id), self.channel_name)
        payload = hello["payload"]
        self._seen(payload["messages"])
        await self.send_json(payload)
        if hello["ticket_id"] is not None:
            await self._join(hello["ticket_id"])

    def _seen(self, messages: list[dict[str, Any]]) -> None:
        for m in messages:
            self.sent_ids.add(m["id"])
            self.last_id = max(self.last_id, m["id"])

    async def _join(self, ticket_id: int) -> None:
        if self.ticket_id == ticket_id:
            return
        if self.ticket_id is not None:
            await self._presence("left")
            await self.channel_layer.group_discard(ticket_group(self.ticket_id), self.channel_name)
        self.ticket_id = ticket_id
        await self.channel_layer.group_add(ticket_group(ticket_id), self.channel_name)
        # Agents already on the ticket page answer with their own presence.
        await self._presence("viewing", reply_wanted=True)

    async def _on_send(self, content: dict[str, Any]) -> None:
        assert self.visitor_id is not None
        client_id = content.get("client_id")
        now = time.monotonic()
        self.send_times = [t for t in self.send_times if now - t < 60]
        if len(self.send_times) >= MAX_SENDS_PER_MINUTE:
            return await self._error("rate_limited", gettext("You are sending too fast."),
                                     client_id=client_id)
        self.send_times.append(now)
        try:
            sent = await _send(self.visitor_id, client_id, content.get("body"))
        except DomainError as exc:
            return await self._error(str(exc.code), exc.message, client_id=client_id,
                                     field=exc.field)
        await self.send_json({"event": "ack", "client_id": client_id, "message_id": sent.message_id})
        if sent.ticket_id != self.ticket_id:
            # The first message opened the chat (or a closed chat got a follow-up).
            await self._join(sent.ticket_id)
            await self.channel_layer.group_send(visitor_group(self.visitor_id), {
                "type": "chat.ticket", "ticket_id": sent.ticket_id, "sender": self.channel_name})
        await self._push(sent.ticket_id, sent.message_id)

    async def _push(self, ticket_id: int, message_id: int) -> None:
        if message_id in self.sent_ids or self.visitor_id is None:
            return
        message = await _message(self.visitor_id, ticket_id, message_id)
        if message is None or message["id"] in self.sent_ids:
            return
        self._seen([message])
        await self.send_json({"event": "message", **message})

    async def _presence(self, state: str, reply_wanted: bool = False) -> None:
        if self.ticket_id is None:
            return
        await self.channel_layer.group_send(ticket_group(self.ticket_id), {
            "type": "presence", "ticket_id": self.ticket_id, "user_id": None,
            "name": self.name or gettext("Visitor"), "state": state,
            "reply_wanted": reply_wanted, "sender": self.channel_name,
        })

    # --- group messages -> this socket

    async def ticket_message(self, event: dict[str, Any]) -> None:
        if event.get("visibility") == "internal" or event["ticket_id"] != self.ticket_id:
            return  # notes never reach the visitor (the selector would drop them too)
        await self._push(event["ticket_id"], event["message_id"])

    async def ticket_changed(self, event: dict[str, Any]) -> None:
        if event["ticket_id"] != self.ticket_id:
            return
        status, merged_into = await _status(event["ticket_id"])
        if status is not None:
            await self.send_json({"event": "status", "status": status,
                                  "ended": merged_into is not None})

    async def presence(self, event: dict[str, Any]) -> None:
        if event.get("sender") == self.channel_name or event.get("user_id") is None:
            return  # our own echo, or another tab of a visitor
        if event["state"] in ("viewing", "replying"):
            await self.send_json({"event": "read", "side": "agent", "up_to": self.last_id})
        await self.send_json({"event": "typing", "on": event["state"] == "replying",
                              "name": event.get("name", "")})

    async def chat_ticket(self, event: dict[str, Any]) -> None:
        if event["sender"] == self.channel_name or self.visitor_id is None:
            return
        ticket_id, messages = await _history(self.visitor_id)
        if ticket_id is not None:
            await self._join(ticket_id)
            self._seen(messages)
            await self.send_json({"event": "history", "visitor": None, "messages": messages})

    async def queue_changed(self, event: dict[str, Any]) -> None:
        return  # only agents' sockets subscribe to the queue group

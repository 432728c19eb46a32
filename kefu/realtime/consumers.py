"""The agent workspace's WebSocket (/ws/agent/): live queues, presence and typing.

Client -> server (JSON): {"op": "watch", "ticket_id": N} when a ticket page opens,
{"op": "unwatch", "ticket_id": N}, {"op": "typing", "ticket_id": N, "on": bool}.
Server -> client: {"event": "queue.changed", "ticket_id", "kind"},
{"event": "ticket.message", "ticket_id", "message_id", "author_kind"},
{"event": "ticket.changed", "ticket_id"} (fields, status or its analysis changed),
{"event": "presence", "ticket_id", "user_id", "name", "state": "viewing"|"replying"|"left"},
{"event": "watching", "ticket_id"} once a watch is granted (the client catches up then),
{"event": "notification"} when the agent got a new notification (the bell refreshes).

Presence keeps no server state: a newcomer announces itself and everyone already on
the ticket answers once, so it works the same over the in-memory and the Redis layer.
"""

from __future__ import annotations

import asyncio
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.http.request import split_domain_port, validate_host

from kefu.accounts.actor import Actor, actor_for
from kefu.core.errors import DomainError
from kefu.realtime.groups import AGENTS, ticket_group, user_group

PRESENCE_STATES = ("viewing", "replying", "left")


def _origin_allowed(scope: dict[str, Any]) -> bool:
    """Browsers send Origin on WebSockets; only the workspace's own hosts may connect."""
    origin = dict(scope.get("headers", [])).get(b"origin", b"").decode("latin-1")
    if not origin:
        return True  # not a browser (tests, tools): the session still has to be valid
    host = origin.split("://", 1)[-1]
    domain, _port = split_domain_port(host)
    return bool(domain) and validate_host(domain, settings.ALLOWED_HOSTS)


@database_sync_to_async
def _staff_actor(user) -> tuple[Actor, str]:
    actor = actor_for(user)
    name = ""
    if actor.is_staff_role:
        profile = getattr(user, "agent_profile", None)
        name = (profile.display_name if profile else "") or user.get_full_name() or user.username
    return actor, name


@database_sync_to_async
def _may_see(actor: Actor, ticket_id: int) -> bool:
    from kefu.tickets.selectors import ticket_get

    try:
        ticket_get(actor=actor, pk=ticket_id, for_list=False)
    except DomainError:
        return False
    return True


class WorkspaceConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        if not _origin_allowed(self.scope):
            await self.close(code=4403)
            return
        self.actor, self.name = await _staff_actor(self.scope.get("user"))
        if not self.actor.is_staff_role:
            await self.close(code=4401)
            return
        self.watching: set[int] = set()
        self.pending: dict[int, asyncio.Task[None]] = {}
        await self.channel_layer.group_add(AGENTS, self.channel_name)
        await self.channel_layer.group_add(user_group(self.actor.user_id or 0), self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if not hasattr(self, "watching"):
            return
        for task in self.pending.values():
            task.cancel()
        for ticket_id in list(self.watching):
            await self._unwatch(ticket_id)
        await self.channel_layer.group_discard(AGENTS, self.channel_name)
        await self.channel_layer.group_discard(user_group(self.actor.user_id or 0), self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict):
            return
        op, ticket_id = content.get("op"), content.get("ticket_id")
        if not isinstance(ticket_id, int):
            return
        if op == "watch" and ticket_id not in self.watching and ticket_id not in self.pending:
            # The permission check reads the database: in a task, so the events queued
            # for this socket keep flowing while it waits for a database thread.
            self.pending[ticket_id] = asyncio.create_task(self._watch(ticket_id))
        elif op == "unwatch":
            pending = self.pending.pop(ticket_id, None)
            if pending is not None:
                pending.cancel()
            if ticket_id in self.watching:
                await self._unwatch(ticket_id)
        elif op == "typing" and ticket_id in self.watching:
            await self._presence(ticket_id, "replying" if content.get("on") else "viewing")

    async def _watch(self, ticket_id: int) -> None:
        try:
            if await _may_see(self.actor, ticket_id):
                self.watching.add(ticket_id)
                await self.channel_layer.group_add(ticket_group(ticket_id), self.channel_name)
                # From here on every new message is pushed; the page fetches what came
                # between its render (or a lost connection) and now.
                await self.send_json({"event": "watching", "ticket_id": ticket_id})
                await self._presence(ticket_id, "viewing", reply_wanted=True)
        finally:
            self.pending.pop(ticket_id, None)

    async def _unwatch(self, ticket_id: int) -> None:
        self.watching.discard(ticket_id)
        await self._presence(ticket_id, "left")
        await self.channel_layer.group_discard(ticket_group(ticket_id), self.channel_name)

    async def _presence(self, ticket_id: int, state: str, reply_wanted: bool = False) -> None:
        await self.channel_layer.group_send(ticket_group(ticket_id), {
            "type": "presence", "ticket_id": ticket_id, "user_id": self.actor.user_id,
            "name": self.name, "state": state, "reply_wanted": reply_wanted,
            "sender": self.channel_name,
        })

    # --- group messages -> this socket

    async def presence(self, event: dict[str, Any]) -> None:
        if event["sender"] == self.channel_name:
            return
        if event["user_id"] == self.actor.user_id:
            return  # the same agent in another tab
        await self.send_json({"event": "presence", **{k: event[k] for k in (
            "ticket_id", "user_id", "name", "state")}})
        if event["reply_wanted"] and event["ticket_id"] in self.watching:
            await self.channel_layer.send(event["sender"], {
                "type": "presence", "ticket_id": event["ticket_id"],
                "user_id": self.actor.user_id, "name": self.name, "state": "viewing",
                "reply_wanted": False, "sender": self.channel_name,
            })

    async def queue_changed(self, event: dict[str, Any]) -> None:
        await self.send_json({"event": "queue.changed", "ticket_id": event["ticket_id"],
                              "kind": event["kind"]})

    async def ticket_message(self, event: dict[str, Any]) -> None:
        await self.send_json({"event": "ticket.message", "ticket_id": event["ticket_id"],
                              "message_id": event["message_id"],
                              "author_kind": event.get("author_kind", "")})

    async def notification_created(self, event: dict[str, Any]) -> None:
        await self.send_json({"event": "notification"})

    async def ticket_changed(self, event: dict[str, Any]) -> None:
        await self.send_json({"event": "ticket.changed", "ticket_id": event["ticket_id"]})

"""Presence on the ticket page: two agents of team A watch the same ticket."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections

from kefu.realtime.consumers import WorkspaceConsumer


@pytest.fixture
def memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


# The consumers' queries run in asgiref's worker thread: close that thread's connection
# at the end, or PostgreSQL refuses to drop the test database afterwards.
close_connections = database_sync_to_async(connections.close_all)


async def connect(user) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(WorkspaceConsumer.as_asgi(), "/ws/agent/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def next_presence(communicator) -> dict:
    # Skip queue notifications: only presence matters here.
    while True:
        message = await communicator.receive_json_from(timeout=2)
        if message.get("event") == "presence":
            return message


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_viewing_and_replying_between_two_agents(cast, make_ticket, memory_layer):
    ticket = await database_sync_to_async(make_ticket)(team=cast.team_a)
    a = await connect(cast.agent_a)
    a2 = await connect(cast.agent_a2)
    try:
        await a.send_json_to({"op": "watch", "ticket_id": ticket.pk})
        await a2.send_json_to({"op": "watch", "ticket_id": ticket.pk})
        # agent_a sees agent_a2 arrive; agent_a2 gets agent_a's answer "viewing".
        seen_by_a = await next_presence(a)
        assert (seen_by_a["user_id"], seen_by_a["state"]) == (cast.agent_a2.pk, "viewing")
        seen_by_a2 = await next_presence(a2)
        assert seen_by_a2["user_id"] == cast.agent_a.pk
        assert seen_by_a2["state"] == "viewing" and seen_by_a2["name"] == "李客服"

        await a.send_json_to({"op": "typing", "ticket_id": ticket.pk, "on": True})
        typing = await next_presence(a2)
        assert (typing["user_id"], typing["state"]) == (cast.agent_a.pk, "replying")
        await a.send_json_to({"op": "typing", "ticket_id": ticket.pk, "on": False})
        assert (await next_presence(a2))["state"] == "viewing"

        await a.send_json_to({"op": "unwatch", "ticket_id": ticket.pk})
        assert (await next_presence(a2))["state"] == "left"
    finally:
        await a.disconnect()
        await a2.disconnect()
        await close_connections()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_outsider_cannot_watch(cast, make_ticket, memory_layer):
    ticket = await database_sync_to_async(make_ticket)(team=cast.team_a)
    a = await connect(cast.agent_a)
    b = await connect(cast.agent_b)
    try:
        await a.send_json_to({"op": "watch", "ticket_id": ticket.pk})
        await b.send_json_to({"op": "watch", "ticket_id": ticket.pk})
        await b.send_json_to({"op": "typing", "ticket_id": ticket.pk, "on": True})
        assert await a.receive_json_from() == {"event": "watching", "ticket_id": ticket.pk}
        assert await a.receive_nothing(timeout=0.3)
    finally:
        await a.disconnect()
        await b.disconnect()
        await close_connections()

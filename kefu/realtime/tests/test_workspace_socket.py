"""/ws/agent/: who may connect, and what a bus event pushes to it."""

from __future__ import annotations

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from kefu.realtime.routing import websocket_urlpatterns

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


class _AsUser:
    """Put ``user`` into the scope, as the session middleware would."""

    def __init__(self, inner, user):
        self.inner, self.user = inner, user

    async def __call__(self, scope, receive, send):
        return await self.inner({**scope, "user": self.user}, receive, send)


def _communicator(user, origin: bytes | None = None) -> WebsocketCommunicator:
    headers = [(b"origin", origin)] if origin else []
    app = _AsUser(URLRouter(websocket_urlpatterns), user)
    return WebsocketCommunicator(app, "/ws/agent/", headers=headers)


async def test_staff_connects_customers_and_anonymous_do_not(cast):
    from django.contrib.auth.models import AnonymousUser

    agent = _communicator(cast.agent_a)
    connected, _ = await agent.connect()
    assert connected
    await agent.disconnect()
    for user in (cast.customer.user, AnonymousUser()):
        other = _communicator(user)
        connected, code = await other.connect()
        assert not connected and code == 4401


async def test_foreign_origin_is_refused(cast):
    foreign = _communicator(cast.agent_a, origin=b"https://evil.example")
    connected, code = await foreign.connect()
    assert not connected and code == 4403
    own = _communicator(cast.agent_a, origin=b"http://127.0.0.1:8000")
    connected, _ = await own.connect()
    assert connected
    await own.disconnect()


async def test_watching_a_ticket_the_agent_may_not_see_joins_nothing(cast, make_ticket):
    from asgiref.sync import sync_to_async

    ticket = await sync_to_async(make_ticket)(team=cast.team_a)
    outsider = _communicator(cast.agent_b)
    insider = _communicator(cast.agent_a)
    assert (await outsider.connect())[0] and (await insider.connect())[0]
    await outsider.send_json_to({"op": "watch", "ticket_id": ticket.pk})
    await insider.send_json_to({"op": "watch", "ticket_id": ticket.pk})
    # The insider is told it is watching, and is alone on the ticket: nobody answers its
    # presence; the outsider, refused, never announced itself and is told nothing.
    assert await insider.receive_json_from() == {"event": "watching", "ticket_id": ticket.pk}
    assert await insider.receive_nothing(timeout=0.3)
    assert await outsider.receive_nothing(timeout=0.3)
    await outsider.disconnect()
    await insider.disconnect()


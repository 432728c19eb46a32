"""/ws/agent/ pushes queue.changed to a signed-in agent when a ticket is created."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

from kefu.accounts.actor import SYSTEM
from kefu.realtime.routing import websocket_urlpatterns
from kefu.tickets.services import ticket_create


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def connect(user):
    cookie = await sync_to_async(session_cookie)(user)
    app = AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
    ws = WebsocketCommunicator(app, "/ws/agent/", headers=[
        (b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()),
    ])
    connected, _ = await ws.connect()
    return ws, connected


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_ticket_create_pushes_queue_changed(cast):
    ws, connected = await connect(cast.agent_a)
    assert connected
    ticket, _ = await sync_to_async(ticket_create)(
        actor=SYSTEM, subject="新的咨询", body="你好", requester=cast.customer, channel="web",
        team_id=cast.team_a.pk)
    message = await ws.receive_json_from(timeout=5)
    assert message == {"event": "queue.changed", "ticket_id": ticket.pk, "kind": "created"}
    await ws.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_customer_socket_is_refused(cast):
    ws, connected = await connect(cast.customer_user)
    assert not connected


def test_live_js_documents_the_shared_socket():
    with open(finders.find("workspace/live.js"), encoding="utf-8") as f:
        source = f.read()
    head = source[:2000]
    assert "kefu:ws" in head and "window.kefuSocket.send" in head and "/ws/agent/" in head

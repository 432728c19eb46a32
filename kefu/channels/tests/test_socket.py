"""/ws/chat/: hello and history, sends and their acks, agent replies, isolation."""

from __future__ import annotations

import pytest
import pytest_asyncio
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections

from kefu.accounts.actor import actor_for
from kefu.channels.models import Chat, ChatMessageKey
from kefu.config.asgi import application
from kefu.tickets.choices import Channel, Visibility
from kefu.tickets.models import Message, Ticket
from kefu.tickets.services import message_post

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


@pytest_asyncio.fixture(autouse=True)
async def _close_thread_connections():
    """The consumers' queries run in asgiref's worker thread: close its connection, or
    PostgreSQL cannot drop the test database at the end."""
    yield
    await sync_to_async(connections.close_all)()


async def visitor(token: str | None = None, identity: dict | None = None):
    """A connected widget after hello: (communicator, history event)."""
    path = "/ws/chat/" + (f"?token={token}" if token else "")
    ws = WebsocketCommunicator(application, path)
    connected, _ = await ws.connect()
    assert connected
    await ws.send_json_to({"op": "hello", "visitor": token, "identity": identity})
    history = await ws.receive_json_from(timeout=5)
    assert history["event"] == "history"
    return ws, history


async def receive_until(ws, event: str, timeout: float = 5) -> dict:
    while True:
        data = await ws.receive_json_from(timeout=timeout)
        if data["event"] == event:
            return data


async def send(ws, client_id: str, body: str) -> dict:
    await ws.send_json_to({"op": "send", "client_id": client_id, "body": body})
    return await receive_until(ws, "ack")


async def test_ops_before_hello_are_refused(db):
    ws = WebsocketCommunicator(application, "/ws/chat/")
    assert (await ws.connect())[0]
    await ws.send_json_to({"op": "send", "client_id": "a", "body": "hi"})
    error = await ws.receive_json_from(timeout=5)
    assert error["event"] == "error" and error["code"] == "hello_first"
    await ws.send_json_to(["not", "an", "object"])
    assert (await ws.receive_json_from(timeout=5))["event"] == "error"
    await ws.disconnect()
    assert await sync_to_async(Ticket.objects.count)() == 0


async def test_first_send_creates_one_chat_ticket_and_later_sends_append(cast):
    ws, history = await visitor()
    token = history["visitor"]
    assert token and history["messages"] == [] and history["agents_online"] == 1
    body = "你好，我想问一下订单 #1234 的物流为什么三天都没有更新，麻烦帮我看看谢谢"
    ack = await send(ws, "c-1", body)
    assert ack["client_id"] == "c-1" and ack["message_id"]
    ticket = await sync_to_async(Ticket.objects.get)()
    assert ticket.channel == Channel.CHAT and ticket.status == "new"
    assert ticket.subject == body[:50] and ticket.team_id is None and ticket.assignee_id is None
    requester = await sync_to_async(lambda: ticket.requester.name)()
    assert requester.startswith("访客 ")
    first = await sync_to_async(Message.objects.get)(ticket=ticket)
    assert first.pk == ack["message_id"] and first.body_text == body
    assert first.author_kind == "customer"

    ack2 = await send(ws, "c-2", "还在吗？")
    assert ack2["message_id"] != ack["message_id"]
    assert await sync_to_async(Ticket.objects.count)() == 1
    assert await sync_to_async(Message.objects.filter(ticket=ticket).count)() == 2
    await ws.disconnect()

    # Reload: the same token restores the conversation, in order, with ids.
    ws2, history2 = await visitor(token)
    assert history2["visitor"] is None  # keep the token you have
    assert [m["id"] for m in history2["messages"]] == [ack["message_id"], ack2["message_id"]]
    assert [m["client_id"] for m in history2["messages"]] == ["c-1", "c-2"]
    assert all(m["author"] == "visitor" for m in history2["messages"])
    await ws2.disconnect()


async def test_the_same_client_id_twice_makes_one_message_and_two_identical_acks(cast):
    ws, _ = await visitor()
    first = await send(ws, "dup-1", "第一条")
    again = await send(ws, "dup-1", "第一条")
    assert first == again
    assert await sync_to_async(Message.objects.count)() == 1
    assert await sync_to_async(ChatMessageKey.objects.count)() == 1
    # Also after a reconnect (the client resends its unacknowledged queue).
    await ws.disconnect()
    assert await sync_to_async(Ticket.objects.count)() == 1


async def test_resend_after_reconnect_is_deduplicated(cast):
    ws, history = await visitor()
    first = await send(ws, "q-1", "排队的消息")
    await ws.disconnect()
    ws2, _ = await visitor(history["visitor"])
    again = await send(ws2, "q-1", "排队的消息")
    assert again == first
    assert await sync_to_async(Message.objects.count)() == 1
    await ws2.disconnect()


async def test_agent_reply_reaches_the_visitor_and_an_internal_note_never_does(cast):
    ws, _ = await visitor()
    ack = await send(ws, "c-1", "请问退货怎么办理？")
    ticket = await sync_to_async(Ticket.objects.get)()
    agent = await sync_to_async(actor_for)(cast.admin)

    note = await sync_to_async(message_post)(actor=agent, ticket=ticket, body="内部：该客户是VIP",
                                            visibility=Visibility.INTERNAL)
    reply = await sync_to_async(message_post)(actor=agent, ticket=ticket, body="您好，可以在订单页申请退货。")
    got = await receive_until(ws, "message")
    # The visitor's own first message may be echoed; agent reply must be the next new one.
    while got["id"] == ack["message_id"]:
        got = await receive_until(ws, "message")
    assert got["id"] == reply.pk and got["author"] == "agent"
    assert got["body"] == "您好，可以在订单页申请退货。" and got["name"]
    assert "username" not in got
    assert await ws.receive_nothing(timeout=0.3)
    await ws.disconnect()

    # Nor in the history after a reload.
    token = (await sync_to_async(lambda: Chat.objects.get().visitor.token_hash)())
    assert token  # only the hash is stored
    assert note.pk not in [m["id"] for m in (await _history_of(ticket))]


async def _history_of(ticket):
    from kefu.channels.models import Chat
    from kefu.channels.selectors import chat_history

    chat = await sync_to_async(Chat.objects.select_related("visitor", "ticket").get)(ticket=ticket)
    return await sync_to_async(chat_history)(chat.visitor, chat)


async def test_visitor_never_reads_another_visitors_chat(cast):
    alice, history_a = await visitor()
    await send(alice, "a-1", "我是 Alice 的私密问题")
    ticket = await sync_to_async(Ticket.objects.get)()

    # A guessed token gets a fresh, empty conversation (and a token of its own).
    mallory, history_m = await visitor("x" * 43)
    assert history_m["messages"] == [] and history_m["visitor"] != history_a["visitor"]
    # Ticket ids are not part of the protocol: asking for one changes nothing.
    await mallory.send_json_to({"op": "read", "up_to": 1, "ticket_id": ticket.pk})
    await mallory.send_json_to({"op": "hello", "visitor": history_a["visitor"][:-1] + "A"})
    err = await mallory.receive_json_from(timeout=5)
    assert err["event"] == "error"
    # Mallory's own first message opens Mallory's own ticket, not Alice's.
    await send(mallory, "a-1", "hello")
    assert await sync_to_async(Ticket.objects.count)() == 2
    # And a reply on Alice's ticket goes to Alice only.
    reply = await sync_to_async(message_post)(actor=await sync_to_async(actor_for)(cast.admin), ticket=ticket,
                                             body="Alice 您好")
    got = await receive_until(alice, "message")
    while got["id"] != reply.pk:
        got = await receive_until(alice, "message")
    while not await mallory.receive_nothing(timeout=0.5):
        data = await mallory.receive_json_from(timeout=1)
        assert data.get("id") != reply.pk and "Alice" not in str(data)
    await alice.disconnect()
    await mallory.disconnect()


async def test_agent_typing_reaches_the_visitor(cast):
    ws, _ = await visitor()
    await send(ws, "c-1", "在吗")
    ticket = await sync_to_async(Ticket.objects.get)()
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    await layer.group_send(f"ticket.{ticket.pk}", {
        "type": "presence", "ticket_id": ticket.pk, "user_id": cast.agent_a.pk, "name": "李客服",
        "state": "replying", "reply_wanted": False, "sender": "agent-channel"})
    typing = await receive_until(ws, "typing")
    assert typing == {"event": "typing", "on": True, "name": "李客服"}
    await ws.disconnect()


async def test_bad_sends_are_errors_not_messages(cast):
    ws, _ = await visitor()
    await ws.send_json_to({"op": "send", "client_id": "c-1", "body": "   "})
    err = await receive_until(ws, "error")
    assert err["client_id"] == "c-1" and err["field"] == "body"
    await ws.send_json_to({"op": "send", "client_id": "bad id!", "body": "hi"})
    err = await receive_until(ws, "error")
    assert err["field"] == "client_id"
    await ws.send_json_to({"op": "send", "client_id": "c-2", "body": "长" * 6000})
    err = await receive_until(ws, "error")
    assert err["field"] == "body"
    assert await sync_to_async(Ticket.objects.count)() == 0
    await ws.disconnect()


async def test_pre_chat_form_identity_names_the_customer(cast):
    ws, history = await visitor(identity={"name": "王五", "email": "wang@example.com"})
    assert history["identity"] == "form"
    await send(ws, "c-1", "咨询发票")
    ticket = await sync_to_async(Ticket.objects.select_related("requester").get)()
    assert ticket.requester.name == "王五"
    await ws.disconnect()


async def test_read_mark_is_remembered(cast):
    ws, history = await visitor()
    ack = await send(ws, "c-1", "你好")
    await ws.send_json_to({"op": "read", "up_to": ack["message_id"]})
    await ws.send_json_to({"op": "read", "up_to": 1})  # never goes back
    await ws.receive_nothing(timeout=0.3)
    await ws.disconnect()
    ws2, history2 = await visitor(history["visitor"])
    assert history2["read_up_to"] == ack["message_id"]
    await ws2.disconnect()


async def test_a_second_tab_joins_the_chat_the_first_tab_opened(cast):
    tab1, history = await visitor()
    tab2, _ = await visitor(history["visitor"])
    ack = await send(tab1, "c-1", "两个标签页")
    joined = await receive_until(tab2, "history")
    assert [m["id"] for m in joined["messages"]] == [ack["message_id"]]
    ticket = await sync_to_async(Ticket.objects.get)()
    reply = await sync_to_async(message_post)(
        actor=await sync_to_async(actor_for)(cast.admin), ticket=ticket, body="都能看到")
    for tab in (tab1, tab2):
        got = await receive_until(tab, "message")
        while got["id"] != reply.pk:
            got = await receive_until(tab, "message")
    await tab1.disconnect()
    await tab2.disconnect()


async def test_agents_on_the_ticket_see_the_visitor_typing_and_the_visitor_sees_them(cast):
    from channels.routing import URLRouter

    from kefu.realtime.routing import websocket_urlpatterns

    class AsAdmin:
        def __init__(self, inner):
            self.inner = inner

        async def __call__(self, scope, receive, send):
            return await self.inner({**scope, "user": cast.admin}, receive, send)

    ws, _ = await visitor()
    await send(ws, "c-1", "在吗")
    ticket = await sync_to_async(Ticket.objects.get)()
    agent = WebsocketCommunicator(AsAdmin(URLRouter(websocket_urlpatterns)), "/ws/agent/")
    assert (await agent.connect())[0]
    await agent.send_json_to({"op": "watch", "ticket_id": ticket.pk})
    # The visitor learns an agent is looking (read state) ...
    assert (await receive_until(ws, "read"))["up_to"] >= 1
    await ws.send_json_to({"op": "typing", "on": True})
    presence = await receive_until(agent, "presence")
    while presence["state"] != "replying":
        presence = await receive_until(agent, "presence")
    assert presence["user_id"] is None and presence["name"].startswith("访客")
    await agent.send_json_to({"op": "typing", "ticket_id": ticket.pk, "on": True})
    typing = await receive_until(ws, "typing")
    while not typing["on"]:
        typing = await receive_until(ws, "typing")
    await agent.disconnect()
    await ws.disconnect()

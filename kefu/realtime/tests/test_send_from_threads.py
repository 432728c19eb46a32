"""A push sent from a plain thread (the embedded job worker) is sent on the server's own
event loop: the in-memory layer's queues wake only that loop's sockets, and a send on a
private loop (what async_to_sync makes in a plain thread) reached a socket only when
something else woke the server's loop."""

from __future__ import annotations

import asyncio
import threading

import pytest
from channels.layers import get_channel_layer

from kefu.realtime.groups import group_send, serve_from


@pytest.mark.asyncio
async def test_a_send_from_a_worker_thread_runs_on_the_server_loop(settings, monkeypatch):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add("ticket.7", channel)
    server_loop = asyncio.get_running_loop()
    loops = []
    real_send = layer.group_send

    async def recording_send(group, message):
        loops.append(asyncio.get_running_loop())
        await real_send(group, message)

    monkeypatch.setattr(layer, "group_send", recording_send)
    serve_from(server_loop)
    try:
        waiting = asyncio.ensure_future(layer.receive(channel))  # a socket, already waiting
        sender = threading.Thread(target=group_send,
                                  args=("ticket.7", {"type": "ticket.changed", "ticket_id": 7}))
        sender.start()
        message = await asyncio.wait_for(waiting, timeout=10)
        await asyncio.to_thread(sender.join)
    finally:
        serve_from(None)
    assert message == {"type": "ticket.changed", "ticket_id": 7}
    assert loops == [server_loop]

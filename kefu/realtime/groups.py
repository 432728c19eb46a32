"""Channel-layer group names and the one way to send to them from sync code."""

from __future__ import annotations

import asyncio
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

# Every connected staff socket: queue and count changes (ids only, no content).
AGENTS = "agents"


def ticket_group(ticket_id: int) -> str:
    """Sockets watching one ticket: agents on its page, the visitor of a chat."""
    return f"ticket.{ticket_id}"


def user_group(user_id: int) -> str:
    """All workspace sockets of one agent (their own notifications)."""
    return f"user.{user_id}"


# The event loop of this `kefu serve` process (set at ASGI start-up). Sends from threads
# outside asgiref's (the embedded job worker) go through it: the in-memory channel layer's
# queues wake only their own loop's consumers, so a send on a private loop, which
# async_to_sync makes in a plain thread, reached no socket.
_server_loop: asyncio.AbstractEventLoop | None = None


def serve_from(loop: asyncio.AbstractEventLoop | None) -> None:
    global _server_loop
    _server_loop = loop


def _on(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


def group_send(group: str, message: dict[str, Any], *more: tuple[str, dict[str, Any]]) -> None:
    """Send ``message`` (its "type" names the consumer method) to ``group``, and each
    further (group, message) pair, in one hop from sync code to the event loop (a hop
    costs about a millisecond and a thread: bench/sla_scale.py)."""
    layer = get_channel_layer()
    if layer is None:
        return

    async def send_all() -> None:
        for name, payload in ((group, message), *more):
            await layer.group_send(name, payload)

    loop = _server_loop
    if loop is not None and loop.is_running() and not _on(loop):
        asyncio.run_coroutine_threadsafe(send_all(), loop).result(timeout=10)
    else:
        async_to_sync(send_all)()

"""Channel-layer group names and the one way to send to them from sync code."""

from __future__ import annotations

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

    async_to_sync(send_all)()

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


def group_send(group: str, message: dict[str, Any]) -> None:
    """Send ``message`` (its "type" names the consumer method) to ``group``."""
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, message)

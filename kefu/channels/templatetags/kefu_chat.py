"""{% chat_waiting ticket as w %}: the first-response timer of a waiting chat, or None."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from kefu.channels.selectors import FIRST_RESPONSE_TARGET_SECONDS, waiting_since

register = template.Library()


@register.simple_tag
def chat_waiting(ticket: Any) -> dict[str, Any] | None:
    since = waiting_since(ticket) if ticket is not None else None
    if since is None:
        return None
    now = timezone.now()
    seconds = max(0, int((now - since).total_seconds()))
    return {
        "since": int(since.timestamp()),
        "now": int(now.timestamp()),
        "seconds": seconds,
        "label": f"{seconds // 60:02d}:{seconds % 60:02d}",
        "overdue": seconds > FIRST_RESPONSE_TARGET_SECONDS,
        "target": FIRST_RESPONSE_TARGET_SECONDS,
    }

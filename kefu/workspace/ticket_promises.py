"""Helpers of the ticket page's promises card: the due time typed by the agent, errors."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import DomainError


def parse_local_datetime(raw: str) -> dt.datetime | None:
    """``2026-12-01T18:00`` (an <input type=datetime-local>) in the agent's time zone."""
    try:
        value = dt.datetime.fromisoformat(raw.strip())
    except ValueError:
        return None
    if value.tzinfo is None:
        value = timezone.make_aware(value, timezone.get_current_timezone())
    return value


def promise_error_text(error: DomainError) -> str:
    messages = {
        "what": _("Say what was promised."),
        "due_at": _("Give the date and time it is due (not in the past)."),
        "owner_id": _("The owner must be an active agent."),
        "status": _("This promise was already marked."),
    }
    return messages.get(error.field or "", _("The promise could not be saved."))

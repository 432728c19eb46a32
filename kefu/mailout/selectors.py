"""Reads of the outbox: for the workspace (delivery state per message) and the admin."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from kefu.mailout.choices import OutboundStatus
from kefu.mailout.models import OutboundMail


def outbound_by_message(*, message_ids: Iterable[int]) -> dict[int, OutboundMail]:
    """The mail of each message that has one, in one query (a ticket page's messages).

    Callers pass ids of messages the actor may already see: the outbox adds no access."""
    rows = OutboundMail.objects.filter(message_id__in=list(message_ids)).only(
        "id", "message_id", "status", "reason", "recipient", "attempts", "last_error",
        "sent_at")
    return {row.message_id: row for row in rows if row.message_id is not None}


def outbound_failed_list() -> QuerySet[OutboundMail]:
    return (OutboundMail.objects.filter(status=OutboundStatus.FAILED)
            .select_related("ticket").order_by("-created_at", "-id"))

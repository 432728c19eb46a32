"""Bus events -> WebSocket pushes. Runs on commit, so a pushed id is always readable.

Payloads carry ids and kinds only; each browser fetches what it may see through the
scoped selectors (an htmx request or a consumer query), so a push never leaks content.
"""

from __future__ import annotations

from kefu.core.events import Event, subscribe
from kefu.realtime.groups import AGENTS, group_send, ticket_group, user_group


@subscribe(Event.TICKET_CREATED)
def _ticket_created(*, ticket_id: int, **_: object) -> None:
    group_send(AGENTS, {"type": "queue.changed", "ticket_id": ticket_id, "kind": "created"})


@subscribe(Event.TICKET_UPDATED)
def _ticket_updated(*, ticket_id: int, **_: object) -> None:
    group_send(AGENTS, {"type": "queue.changed", "ticket_id": ticket_id, "kind": "updated"},
               (ticket_group(ticket_id), {"type": "ticket.changed", "ticket_id": ticket_id}))


@subscribe(Event.MESSAGE_CREATED)
def _message_created(*, ticket_id: int, message_id: int, visibility: str = "",
                     author_kind: str = "", **_: object) -> None:
    group_send(AGENTS, {"type": "queue.changed", "ticket_id": ticket_id, "kind": "message"},
               (ticket_group(ticket_id), {"type": "ticket.message", "ticket_id": ticket_id,
                                          "message_id": message_id, "visibility": visibility,
                                          "author_kind": author_kind}))


@subscribe(Event.TICKET_MERGED)
def _ticket_merged(*, source_id: int, target_id: int, **_: object) -> None:
    for ticket_id in (source_id, target_id):
        group_send(AGENTS, {"type": "queue.changed", "ticket_id": ticket_id, "kind": "merged"},
                   (ticket_group(ticket_id), {"type": "ticket.changed", "ticket_id": ticket_id}))


@subscribe(Event.INSIGHT_UPDATED)
def _insight_updated(*, ticket_id: int, **_: object) -> None:
    # Only the ticket's page shows the analysis: no queue refresh for it.
    group_send(ticket_group(ticket_id), {"type": "ticket.changed", "ticket_id": ticket_id})


@subscribe(Event.SLA_AT_RISK)
@subscribe(Event.SLA_BREACHED)
def _sla_changed(*, ticket_id: int, **_: object) -> None:
    group_send(AGENTS, {"type": "queue.changed", "ticket_id": ticket_id, "kind": "sla"},
               (ticket_group(ticket_id), {"type": "ticket.changed", "ticket_id": ticket_id}))


@subscribe(Event.NOTIFICATION_CREATED)
def _notified(*, user_ids: list[int], **_: object) -> None:
    if user_ids:
        first, *rest = user_ids
        group_send(user_group(first), {"type": "notification.created"},
                   *((user_group(uid), {"type": "notification.created"}) for uid in rest))

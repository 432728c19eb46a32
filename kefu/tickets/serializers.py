"""Model -> API dicts. Plain functions over prefetched rows: no query per row."""

from __future__ import annotations

from typing import Any

from kefu.tickets.models import Attachment, Message, Ticket, TicketEvent


def _agent_ref(user) -> dict[str, Any] | None:
    if user is None:
        return None
    profile = getattr(user, "agent_profile", None)
    name = (profile.display_name if profile else "") or user.get_full_name() or user.username
    return {"id": user.pk, "name": name, "username": user.username}


def ticket_dict(ticket: Ticket) -> dict[str, Any]:
    """A ticket loaded by ``selectors.ticket_get``/``ticket_list`` (with ``list_extras``)."""
    requester = ticket.requester
    extras = ticket.list_extras  # type: ignore[attr-defined]
    return {
        "id": ticket.pk,
        "number": ticket.number,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "type": ticket.type,
        "channel": ticket.channel,
        "requester": {
            "id": requester.pk,
            "name": requester.name,
            "tier": requester.tier,
            "email": extras.email,
            "phone": extras.phone,
        },
        "assignee": _agent_ref(ticket.assignee),
        "team": {"id": ticket.team.pk, "name": ticket.team.name} if ticket.team else None,
        "tags": extras.tags,
        "custom_fields": ticket.custom_fields,
        "external_id": ticket.external_id,
        "merged_into_id": ticket.merged_into_id,
        "follow_up_of_id": ticket.follow_up_of_id,
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
        "first_response_at": ticket.first_response_at,
        "solved_at": ticket.solved_at,
        "closed_at": ticket.closed_at,
        "reopened_count": ticket.reopened_count,
        "last_customer_message_at": ticket.last_customer_message_at,
        "last_agent_message_at": ticket.last_agent_message_at,
        "sla": _sla(getattr(ticket, "sla", None)),
    }


def _sla(status: Any) -> dict[str, Any] | None:
    """The nearest SLA clock the API layer attached (``kefu.sla.selectors.attach_sla``)."""
    if status is None:
        return None
    return {"metric": status.metric, "state": status.state, "due_at": status.due_at,
            "seconds_left": status.seconds_left, "paused": status.paused}


def message_dict(message: Message) -> dict[str, Any]:
    if message.author_customer_id is not None and message.author_customer is not None:
        author: dict[str, Any] | None = {
            "id": message.author_customer.pk, "name": message.author_customer.name,
        }
    else:
        ref = _agent_ref(message.author_user)
        author = {"id": ref["id"], "name": ref["name"]} if ref else None
    return {
        "id": message.pk,
        "ticket_id": message.ticket_id,
        "author_kind": message.author_kind,
        "author": author,
        "visibility": message.visibility,
        "body": message.body_text,
        "body_html": message.body_html,
        "channel_meta": message.channel_meta,
        "attachments": [attachment_dict(a, ticket_id=message.ticket_id)
                        for a in message.attachments.all()],
        "created_at": message.created_at,
    }


def event_dict(event: TicketEvent) -> dict[str, Any]:
    return {
        "id": event.pk, "kind": event.kind, "field": event.field, "before": event.before,
        "after": event.after, "note": event.note, "actor_id": event.actor_id,
        "actor_kind": event.actor_kind, "created_at": event.created_at,
    }


def attachment_dict(attachment: Attachment, *, ticket_id: int) -> dict[str, Any]:
    return {
        "id": attachment.pk, "filename": attachment.filename,
        "content_type": attachment.content_type, "size": attachment.size,
        "url": f"/api/v1/tickets/{ticket_id}/attachments/{attachment.pk}",
    }

"""Tickets and messages under /api/v1/tickets. Thin: parse, call one service, render."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.http import FileResponse, HttpRequest
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from kefu.core.auth import request_actor
from kefu.core.errors import NotFound
from kefu.sla.selectors import attach_sla
from kefu.tickets import attachments, selectors, services
from kefu.tickets.choices import Channel, Priority, Status, TicketType
from kefu.tickets.schemas import (
    AttachmentOut,
    MessageCreateIn,
    MessageOut,
    MessagePageOut,
    TicketCreateIn,
    TicketDetailOut,
    TicketEventOut,
    TicketMergeIn,
    TicketOut,
    TicketPageOut,
    TicketUpdateIn,
)
from kefu.tickets.serializers import attachment_dict, event_dict, message_dict, ticket_dict

router = Router(tags=["tickets"])


class TicketListParams(Schema):
    status: list[Status] = Field(default_factory=list)
    priority: list[Priority] = Field(default_factory=list)
    channel: list[Channel] = Field(default_factory=list)
    type: list[TicketType] = Field(default_factory=list)
    assignee_id: int | None = None
    unassigned: bool = False
    team_id: int | None = None
    tag: str | None = Field(None, max_length=64)
    customer_id: int | None = None
    created_after: dt.datetime | None = None
    created_before: dt.datetime | None = None
    updated_after: dt.datetime | None = None
    updated_before: dt.datetime | None = None
    q: str | None = Field(None, max_length=200, description="text in the subject")
    order: str = Field("-created_at", pattern=r"^-?(created_at|updated_at)$")
    limit: int = Field(25, ge=1, le=100)
    cursor: str | None = Field(None, max_length=200)


def _with_sla(actor, tickets: list) -> list:
    """Agents see each ticket's nearest SLA clock (one query a page); customers do not."""
    if actor.is_staff_role:
        attach_sla(tickets)
    return tickets


def _detail(actor, ticket) -> dict:
    data = ticket_dict(_with_sla(actor, [ticket])[0])
    data["messages"] = [message_dict(m) for m in selectors.message_scope(actor=actor, ticket=ticket)]
    return data


@router.get("", response=TicketPageOut, summary="List tickets")
def list_tickets(request: HttpRequest, params: Query[TicketListParams]):
    data = params.model_dump()
    order, limit, cursor = data.pop("order"), data.pop("limit"), data.pop("cursor")
    page = selectors.ticket_list(
        actor=request_actor(request), filters=selectors.TicketFilters(**data),
        order=order, limit=limit, cursor=cursor,
    )
    items = _with_sla(request_actor(request), list(page.items))
    return {"items": [ticket_dict(t) for t in items], "next_cursor": page.next_cursor}


@router.post("", response={200: TicketOut, 201: TicketOut}, summary="Create a ticket")
def create_ticket(request: HttpRequest, payload: TicketCreateIn):
    actor = request_actor(request)
    requester = payload.requester
    with transaction.atomic():
        customer = services.requester_resolve(
            actor=actor,
            customer_id=requester if isinstance(requester, int) else None,
            name=getattr(requester, "name", ""),
            email=getattr(requester, "email", None),
            phone=getattr(requester, "phone", None),
        )
        ticket, created = services.ticket_create(
            actor=actor, requester=customer,
            **payload.model_dump(exclude={"requester"}),
        )
    ticket = selectors.ticket_get(actor=actor, pk=ticket.pk)
    return (201 if created else 200), ticket_dict(_with_sla(actor, [ticket])[0])


@router.get("/{int:ticket_id}", response=TicketDetailOut, summary="Get a ticket with its messages")
def get_ticket(request: HttpRequest, ticket_id: int):
    actor = request_actor(request)
    return _detail(actor, selectors.ticket_get(actor=actor, pk=ticket_id))


@router.patch("/{int:ticket_id}", response=TicketOut, summary="Update a ticket")
def update_ticket(request: HttpRequest, ticket_id: int, payload: TicketUpdateIn):
    actor = request_actor(request)
    ticket = selectors.ticket_get(actor=actor, pk=ticket_id, for_list=False)
    changes = payload.model_dump(exclude_unset=True)
    expected = changes.pop("expected_updated_at", None)
    services.ticket_update(actor=actor, ticket=ticket, changes=changes, expected_updated_at=expected)
    return ticket_dict(_with_sla(actor, [selectors.ticket_get(actor=actor, pk=ticket_id)])[0])


@router.post("/{int:ticket_id}/merge", response=TicketDetailOut,
             summary="Merge this ticket into another")
def merge_ticket(request: HttpRequest, ticket_id: int, payload: TicketMergeIn):
    actor = request_actor(request)
    source = selectors.ticket_get(actor=actor, pk=ticket_id, for_list=False)
    target = selectors.ticket_get(actor=actor, pk=payload.target_id, for_list=False)
    services.ticket_merge(actor=actor, source=source, target=target)
    return _detail(actor, selectors.ticket_get(actor=actor, pk=target.pk))


@router.get("/{int:ticket_id}/messages", response=MessagePageOut, summary="List messages")
def list_messages(request: HttpRequest, ticket_id: int, limit: int = Query(100, ge=1, le=500),
                  cursor: str | None = Query(None, max_length=200)):
    actor = request_actor(request)
    ticket = selectors.ticket_get(actor=actor, pk=ticket_id, for_list=False)
    page = selectors.message_list(actor=actor, ticket=ticket, limit=limit, cursor=cursor)
    return {"items": [message_dict(m) for m in page.items], "next_cursor": page.next_cursor}


@router.post("/{int:ticket_id}/messages", response={201: MessageOut},
             summary="Post a public reply or an internal note")
def post_message(request: HttpRequest, ticket_id: int, payload: MessageCreateIn):
    actor = request_actor(request)
    ticket = selectors.ticket_get(actor=actor, pk=ticket_id, for_list=False)
    message = services.message_post(actor=actor, ticket=ticket, **payload.model_dump())
    message = selectors.message_scope(actor=actor, ticket=message.ticket).get(pk=message.pk)
    return 201, message_dict(message)


@router.get("/{int:ticket_id}/events", response=list[TicketEventOut],
            summary="The ticket's history (agents only)")
def list_events(request: HttpRequest, ticket_id: int):
    actor = request_actor(request)
    ticket = selectors.ticket_get(actor=actor, pk=ticket_id, for_list=False)
    return [event_dict(e) for e in selectors.ticket_event_list(actor=actor, ticket=ticket)]


@router.post("/{int:ticket_id}/messages/{int:message_id}/attachments",
             response={201: AttachmentOut}, summary="Attach a file to a message (multipart)")
def add_attachment(request: HttpRequest, ticket_id: int, message_id: int, file: File[UploadedFile]):
    actor = request_actor(request)
    ticket = selectors.ticket_get(actor=actor, pk=ticket_id, for_list=False)
    message = selectors.message_scope(actor=actor, ticket=ticket).filter(pk=message_id).first()
    if message is None:
        raise NotFound("message not found")
    attachment = attachments.attachment_add(actor=actor, message=message, upload=file)
    return 201, attachment_dict(attachment, ticket_id=ticket.pk)


@router.get("/{int:ticket_id}/attachments/{int:attachment_id}", summary="Download an attachment")
def download_attachment(request: HttpRequest, ticket_id: int, attachment_id: int):
    actor = request_actor(request)
    ticket = selectors.ticket_get(actor=actor, pk=ticket_id, for_list=False)
    attachment = selectors.attachment_get(actor=actor, ticket=ticket, pk=attachment_id)
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type,
                            as_attachment=True, filename=attachment.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response

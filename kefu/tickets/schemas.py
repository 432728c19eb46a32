from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from kefu.core.schemas import Out, Strict
from kefu.tickets.choices import Channel, Priority, Status, TicketType, Visibility

MAX_BODY = 1_000_000  # hard parse limit; the configurable limit is checked in services


class RequesterIn(Strict):
    name: str = Field("", max_length=200)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)


class TicketCreateIn(Strict):
    subject: str = Field(..., min_length=1, max_length=255)
    body: str = Field("", max_length=MAX_BODY)
    body_html: str | None = Field(None, max_length=MAX_BODY)
    requester: int | RequesterIn | None = Field(
        None, description="a customer id, or {name, email and/or phone} to find or create one; "
        "a customer's own token may omit it"
    )
    channel: Channel = Channel.API
    priority: Priority | None = None
    type: TicketType | None = None
    tags: list[str] = Field(default_factory=list, max_length=50)
    team_id: int | None = None
    assignee_id: int | None = None
    custom_fields: dict[str, Any] = Field(default_factory=dict)
    external_id: str | None = Field(None, min_length=1, max_length=128)


class TicketUpdateIn(Strict):
    subject: str | None = Field(None, min_length=1, max_length=255)
    status: Status | None = None
    priority: Priority | None = None
    type: TicketType | None = None
    assignee_id: int | None = None
    team_id: int | None = None
    tags: list[str] | None = Field(None, max_length=50)
    custom_fields: dict[str, Any] | None = None
    expected_updated_at: dt.datetime | None = Field(
        None, description="reject with 409 if the ticket changed since this time"
    )


class TicketMergeIn(Strict):
    target_id: int


class MessageCreateIn(Strict):
    body: str = Field("", max_length=MAX_BODY)
    body_html: str | None = Field(None, max_length=MAX_BODY)
    visibility: Visibility = Visibility.PUBLIC
    status: Status | None = Field(None, description="set the ticket status with the reply")


class PersonOut(Out):
    id: int
    name: str


class RequesterOut(PersonOut):
    tier: str
    email: str | None
    phone: str | None


class AgentRefOut(PersonOut):
    username: str


class TeamRefOut(PersonOut):
    pass


class AttachmentOut(Out):
    id: int
    filename: str
    content_type: str
    size: int
    url: str


class MessageOut(Out):
    id: int
    ticket_id: int
    author_kind: str
    author: PersonOut | None
    visibility: Visibility
    body: str
    body_html: str
    channel_meta: dict[str, Any]
    attachments: list[AttachmentOut]
    created_at: dt.datetime


class SlaOut(Out):
    metric: str = Field(description="first_response, next_response or resolution")
    state: str = Field(description="ok, at_risk (75 % of the target used) or breached")
    due_at: dt.datetime
    seconds_left: int = Field(description="negative once breached; frozen while paused")
    paused: bool


class TicketOut(Out):
    id: int
    number: int
    subject: str
    status: Status
    priority: Priority
    type: TicketType
    channel: Channel
    requester: RequesterOut
    assignee: AgentRefOut | None
    team: TeamRefOut | None
    tags: list[str]
    custom_fields: dict[str, Any]
    external_id: str | None
    merged_into_id: int | None
    follow_up_of_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    first_response_at: dt.datetime | None
    solved_at: dt.datetime | None
    closed_at: dt.datetime | None
    reopened_count: int
    last_customer_message_at: dt.datetime | None
    last_agent_message_at: dt.datetime | None
    sla: SlaOut | None = Field(None, description="the nearest due SLA clock (agents only)")


class TicketDetailOut(TicketOut):
    messages: list[MessageOut]


class TicketPageOut(Out):
    items: list[TicketOut]
    next_cursor: str | None


class MessagePageOut(Out):
    items: list[MessageOut]
    next_cursor: str | None


class TicketEventOut(Out):
    id: int
    kind: str
    field: str
    before: Any
    after: Any
    note: str
    actor_id: int | None
    actor_kind: str
    created_at: dt.datetime

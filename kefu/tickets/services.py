"""Writes for tickets and their messages.

Every change writes ``TicketEvent`` rows and publishes a bus event on commit.
Callers (API, views, jobs, admin) pass an ``Actor``; what it may see is decided
by ``selectors``, what it may change is checked here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from kefu.accounts.actor import SYSTEM, Actor
from kefu.accounts.models import AgentProfile, Team
from kefu.core.errors import (
    Conflict,
    ErrorCode,
    InvalidTransition,
    PayloadTooLarge,
    PermissionDenied,
    ValidationFailed,
)
from kefu.core.events import Event, publish
from kefu.core.html import html_to_text, sanitize_html, text_to_html
from kefu.core.tags import tags_get_or_create
from kefu.customers.identities import normalise_email, normalise_phone
from kefu.customers.models import Customer
from kefu.customers.services import customer_find_or_create
from kefu.tickets import statemachine
from kefu.tickets.choices import AuthorKind, EventKind, Status, Visibility
from kefu.tickets.custom_fields import validate_custom_fields
from kefu.tickets.models import Message, Ticket, TicketEvent

UPDATABLE_FIELDS = ("subject", "status", "priority", "type", "assignee_id", "team_id", "tags", "custom_fields")


def actor_kind(actor: Actor) -> str:
    if actor.is_customer:
        return AuthorKind.CUSTOMER
    return AuthorKind.SYSTEM if actor.user_id is None else AuthorKind.AGENT


def _event(ticket: Ticket, actor: Actor, kind: str, *, at: dt.datetime, field: str = "",
           before: Any = None, after: Any = None, note: str = "") -> TicketEvent:
    return TicketEvent(
        ticket=ticket, actor_id=actor.user_id, actor_kind=actor_kind(actor), kind=kind,
        field=field, before=before, after=after, note=note[:255], created_at=at,
    )


def ticket_history_record(*, actor: Actor, ticket_id: int, kind: str, after: Any = None,
                          note: str = "") -> TicketEvent:
    """A line in the ticket's history written by another part of kefu (an automation run)."""
    return TicketEvent.objects.create(
        ticket_id=ticket_id, actor_id=actor.user_id, actor_kind=actor_kind(actor), kind=kind,
        after=after, note=note[:255], created_at=timezone.now(),
    )


def _require_staff(actor: Actor, what: str) -> None:
    if not actor.is_staff_role:
        raise PermissionDenied(f"only agents may {what}")


def _check_body(body: str, *, field: str = "body") -> None:
    if not body.strip():
        raise ValidationFailed("must not be empty", field=field)
    if len(body) > settings.KEFU_MAX_MESSAGE_CHARS:
        raise PayloadTooLarge(
            f"longer than {settings.KEFU_MAX_MESSAGE_CHARS} characters", field=field
        )


def _check_assignment(assignee_id: int | None, team_id: int | None) -> None:
    if team_id is not None and not Team.objects.filter(pk=team_id).exists():
        raise ValidationFailed("team does not exist", field="team_id")
    if assignee_id is None:
        return
    if not AgentProfile.objects.filter(user_id=assignee_id, user__is_active=True).exists():
        raise ValidationFailed("assignee is not an active agent", field="assignee_id")
    if team_id is not None and not (
        Team.members.through.objects.filter(team_id=team_id, user_id=assignee_id).exists()
        or Team.objects.filter(pk=team_id, lead_id=assignee_id).exists()
    ):
        raise ValidationFailed("assignee is not a member of the team", field="assignee_id")


def _body_pair(body: str, body_html: str | None) -> tuple[str, str]:
    if body_html:
        clean = sanitize_html(body_html)
        return (body or html_to_text(clean)), clean
    return body, text_to_html(body)


def _insert_unless_taken(ticket: Ticket) -> bool:
    """Insert ``ticket``; False when its external id is already taken (a lost race)."""
    try:
        with transaction.atomic():
            ticket.save()
    except IntegrityError:
        return False
    return True


def ticket_create(
    *,
    actor: Actor,
    subject: str,
    body: str,
    requester: Customer,
    channel: str,
    body_html: str | None = None,
    priority: str | None = None,
    type: str | None = None,
    tags: Iterable[str] = (),
    team_id: int | None = None,
    assignee_id: int | None = None,
    custom_fields: Mapping[str, Any] | None = None,
    external_id: str | None = None,
    channel_meta: Mapping[str, Any] | None = None,
    created_at: dt.datetime | None = None,
) -> tuple[Ticket, bool]:
    """Create a ticket with its first message. Returns (ticket, created).

    ``external_id`` is an idempotency key: a second create with the same key
    returns the first ticket (also under concurrent requests).
    """
    if external_id:
        existing = Ticket.objects.filter(external_id=external_id).first()
        if existing is not None:
            return existing, False
    subject = " ".join(subject.split())
    if not subject:
        raise ValidationFailed("must not be empty", field="subject")
    _check_body(body or (body_html or ""))
    if actor.is_customer and (team_id or assignee_id or custom_fields):
        raise PermissionDenied("customers cannot set team, assignee or custom fields")
    _check_assignment(assignee_id, team_id)
    fields = validate_custom_fields(custom_fields or {})
    text, html_body = _body_pair(body, body_html)
    now = created_at or timezone.now()
    # Validation is done: from here on a failure rolls back the caller's transaction
    # (no savepoint of our own; the API wraps each request in one).
    with transaction.atomic(savepoint=False):
        ticket = Ticket(
            subject=subject, requester=requester, channel=channel, team_id=team_id,
            assignee_id=assignee_id, custom_fields=fields, external_id=external_id or None,
            created_at=now, updated_at=now, last_customer_message_at=now,
        )
        if priority:
            ticket.priority = priority
        if type:
            ticket.type = type
        if not external_id:
            ticket.save()
        elif not _insert_unless_taken(ticket):
            # A concurrent request with the same key committed first: answer with its ticket.
            existing = Ticket.objects.filter(external_id=external_id).first()
            if existing is None:
                raise Conflict("ticket is being created by another request, retry") from None
            return existing, False
        ticket.number = ticket.pk + settings.KEFU_TICKET_NUMBER_OFFSET
        Ticket.objects.filter(pk=ticket.pk).update(number=ticket.number)
        if tags:
            ticket.tags.set(tags_get_or_create(tags))
        author_is_customer = actor.is_customer or actor.user_id is None
        first = Message.objects.create(
            ticket=ticket,
            author_kind=AuthorKind.CUSTOMER if author_is_customer else AuthorKind.AGENT,
            author_customer=requester if author_is_customer else None,
            author_user_id=None if author_is_customer else actor.user_id,
            body_text=text, body_html=html_body, channel_meta=dict(channel_meta or {}),
            created_at=now,
        )
        _event(ticket, actor, EventKind.CREATED, at=now, after={
            "status": ticket.status, "priority": ticket.priority, "channel": channel,
        }).save()
        publish(Event.TICKET_CREATED, ticket_id=ticket.pk, message_id=first.pk,
                author_kind=first.author_kind)
        return ticket, True


def _apply_status(ticket: Ticket, target: str, now: dt.datetime, events: list[TicketEvent],
                  actor: Actor) -> list[str]:
    """Move ``ticket`` to ``target``; returns the model fields that changed."""
    current = ticket.status
    if target == current:
        return []
    statemachine.check_transition(current, target)
    changed = ["status"]
    ticket.status = target
    if statemachine.is_reopen(current, target):
        ticket.reopened_count += 1
        ticket.solved_at = None
        changed += ["reopened_count", "solved_at"]
        events.append(_event(ticket, actor, EventKind.REOPENED, at=now, before=current, after=target))
    if target == Status.SOLVED:
        ticket.solved_at = now
        changed.append("solved_at")
    if target == Status.CLOSED:
        ticket.closed_at = now
        changed.append("closed_at")
    events.append(_event(ticket, actor, EventKind.STATUS_CHANGED, at=now, field="status",
                         before=current, after=target))
    return changed


@transaction.atomic
def ticket_update(*, actor: Actor, ticket: Ticket, changes: Mapping[str, Any],
                  expected_updated_at: dt.datetime | None = None) -> Ticket:
    """Change status, priority, type, assignee, team, tags, subject or custom fields."""
    _require_staff(actor, "change ticket fields")
    unknown = set(changes) - set(UPDATABLE_FIELDS)
    if unknown:
        raise ValidationFailed("unknown field", field=sorted(unknown)[0])
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if expected_updated_at is not None and ticket.updated_at != expected_updated_at:
        raise Conflict("ticket changed since you loaded it", field="updated_at")
    if ticket.merged_into_id is not None:
        raise InvalidTransition("ticket was merged into another ticket", field="status")
    now = timezone.now()
    events: list[TicketEvent] = []
    changed: list[str] = []
    if "assignee_id" in changes or "team_id" in changes:
        _check_assignment(
            changes.get("assignee_id", ticket.assignee_id), changes.get("team_id", ticket.team_id)
        )
    for name in ("subject", "priority", "type", "assignee_id", "team_id"):
        if name not in changes:
            continue
        value = changes[name]
        if name == "subject":
            value = " ".join(str(value).split())
            if not value:
                raise ValidationFailed("must not be empty", field="subject")
        if value is None and name in ("subject", "priority", "type"):
            raise ValidationFailed("must not be null", field=name)
        before = getattr(ticket, name)
        if before != value:
            setattr(ticket, name, value)
            changed.append(name)
            events.append(_event(ticket, actor, EventKind.FIELD_CHANGED, at=now,
                                 field=name.removesuffix("_id"), before=before, after=value))
    if "custom_fields" in changes:
        fields = validate_custom_fields(changes["custom_fields"] or {}, existing=ticket.custom_fields)
        if fields != ticket.custom_fields:
            events.append(_event(ticket, actor, EventKind.FIELD_CHANGED, at=now,
                                 field="custom_fields", before=ticket.custom_fields, after=fields))
            ticket.custom_fields = fields
            changed.append("custom_fields")
    if changes.get("status") is not None:
        changed += _apply_status(ticket, changes["status"], now, events, actor)
    if changes.get("tags") is not None:
        before_tags = sorted(ticket.tags.values_list("name", flat=True))
        tags = tags_get_or_create(changes["tags"])
        after_tags = sorted(t.name for t in tags)
        if before_tags != after_tags:
            ticket.tags.set(tags)
            events.append(_event(ticket, actor, EventKind.FIELD_CHANGED, at=now, field="tags",
                                 before=before_tags, after=after_tags))
    if events:
        ticket.updated_at = now
        ticket.save(update_fields=[*dict.fromkeys(changed), "updated_at"])
        TicketEvent.objects.bulk_create(events)
        publish(Event.TICKET_UPDATED, ticket_id=ticket.pk,
                fields=sorted({e.field or e.kind for e in events}))
    return ticket


def _follow_up(*, closed: Ticket, actor: Actor, body: str, body_html: str | None,
               channel_meta: Mapping[str, Any] | None, now: dt.datetime) -> Message:
    # Created by kefu on the customer's behalf: it keeps the closed ticket's team.
    follow_up, _ = ticket_create(
        actor=SYSTEM, subject=closed.subject, body=body, body_html=body_html,
        requester=closed.requester, channel=closed.channel, priority=closed.priority,
        type=closed.type, team_id=closed.team_id, channel_meta=channel_meta, created_at=now,
    )
    Ticket.objects.filter(pk=follow_up.pk).update(follow_up_of=closed)
    follow_up.follow_up_of = closed
    _event(closed, actor, EventKind.FOLLOW_UP, at=now, after=follow_up.number).save()
    return follow_up.messages.get()


@transaction.atomic
def message_post(
    *,
    actor: Actor,
    ticket: Ticket,
    body: str,
    body_html: str | None = None,
    visibility: str = Visibility.PUBLIC,
    status: str | None = None,
    channel_meta: Mapping[str, Any] | None = None,
    created_at: dt.datetime | None = None,
    system_notice: bool = False,
) -> Message:
    """Add a public reply or an internal note, as an agent or as the requester.

    A customer reply reopens a pending or solved ticket; on a closed ticket it
    starts a follow-up ticket linked to the closed one. ``system_notice`` (kefu itself,
    e.g. an automation's reminder): a public message authored by the system, which is
    neither the customer's (it reopens nothing) nor an agent's response (no SLA met).
    """
    _check_body(body or (body_html or ""))
    if system_notice and (actor.user_id is not None or actor.is_customer
                          or visibility != Visibility.PUBLIC):
        raise PermissionDenied("only kefu itself posts public system notices")
    if actor.is_customer:
        if visibility != Visibility.PUBLIC:
            raise PermissionDenied("customers cannot write internal notes")
        if status is not None:
            raise PermissionDenied("customers cannot set the status")
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.merged_into_id is not None:
        raise InvalidTransition("ticket was merged; write to the ticket it was merged into")
    now = created_at or timezone.now()
    from_customer = not system_notice and (
        actor.is_customer or (actor.user_id is None and visibility == Visibility.PUBLIC))
    if from_customer and ticket.status == Status.CLOSED:
        return _follow_up(closed=ticket, actor=actor, body=body, body_html=body_html,
                          channel_meta=channel_meta, now=now)
    text, html_body = _body_pair(body, body_html)
    message = Message.objects.create(
        ticket=ticket, visibility=visibility, body_text=text, body_html=html_body,
        author_kind=(AuthorKind.SYSTEM if system_notice
                     else AuthorKind.CUSTOMER if from_customer else actor_kind(actor)),
        author_customer=ticket.requester if from_customer else None,
        author_user_id=None if from_customer else actor.user_id,
        channel_meta=dict(channel_meta or {}), created_at=now,
    )
    events = [_event(ticket, actor, EventKind.MESSAGE_ADDED, at=now, field="message",
                     after={"id": message.pk, "visibility": visibility})]
    changed: list[str] = []
    target = status
    if from_customer:
        ticket.last_customer_message_at = now
        changed.append("last_customer_message_at")
        if ticket.status in statemachine.REOPEN_ON_CUSTOMER_REPLY:
            target = Status.OPEN
    elif visibility == Visibility.PUBLIC and not system_notice:
        ticket.last_agent_message_at = now
        changed.append("last_agent_message_at")
        if ticket.first_response_at is None:
            ticket.first_response_at = now
            changed.append("first_response_at")
        if target is None and ticket.status == Status.NEW:
            target = Status.OPEN
    if target is not None:
        changed += _apply_status(ticket, target, now, events, actor)
    ticket.updated_at = now
    ticket.save(update_fields=[*dict.fromkeys(changed), "updated_at"])
    TicketEvent.objects.bulk_create(events)
    publish(Event.MESSAGE_CREATED, ticket_id=ticket.pk, message_id=message.pk,
            visibility=visibility, author_kind=message.author_kind,
            status=ticket.status if "status" in changed else None)
    return message


@transaction.atomic
def ticket_merge(*, actor: Actor, source: Ticket, target: Ticket) -> Ticket:
    """Merge ``source`` into ``target``: its messages move over and it is closed."""
    _require_staff(actor, "merge tickets")
    if source.pk == target.pk:
        raise InvalidTransition("cannot merge a ticket into itself", code=ErrorCode.INVALID_MERGE)
    locked = {t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=[source.pk, target.pk])}
    source, target = locked[source.pk], locked[target.pk]
    if source.merged_into_id or target.merged_into_id:
        raise InvalidTransition("ticket was already merged", code=ErrorCode.INVALID_MERGE)
    if target.status == Status.CLOSED:
        raise InvalidTransition("cannot merge into a closed ticket", code=ErrorCode.INVALID_MERGE)
    now = timezone.now()
    moved = Message.objects.filter(ticket=source).update(ticket=target)
    target.tags.add(*source.tags.all())
    Message.objects.create(
        ticket=target, author_kind=actor_kind(actor), author_user_id=actor.user_id,
        visibility=Visibility.INTERNAL, created_at=now,
        body_text=f"工单 #{source.number} 已合并到此工单（{moved} 条消息）。",
    )
    previous = source.status
    source.merged_into = target
    source.status = Status.CLOSED
    source.closed_at = now
    source.updated_at = now
    source.save(update_fields=["merged_into", "status", "closed_at", "updated_at"])
    target.updated_at = now
    target.save(update_fields=["updated_at"])
    TicketEvent.objects.bulk_create([
        _event(source, actor, EventKind.MERGED_INTO, at=now, field="merged_into",
               before=previous, after=target.number),
        _event(target, actor, EventKind.MERGED_FROM, at=now, field="merged_from",
               after={"ticket": source.number, "messages": moved}),
    ])
    publish(Event.TICKET_MERGED, source_id=source.pk, target_id=target.pk)
    return target



def requester_resolve(*, actor: Actor, customer_id: int | None = None, name: str = "",
                      email: str | None = None, phone: str | None = None) -> Customer:
    """The ticket's requester: an existing customer by id, or found/created by identity.

    A customer may only open tickets for themselves.
    """

    if actor.is_customer:
        if customer_id not in (None, actor.customer_id) or email or phone:
            raise PermissionDenied("customers may only open tickets for themselves")
        return Customer.objects.get(pk=actor.customer_id or 0)
    if customer_id is not None:
        found = Customer.objects.filter(pk=customer_id).first()
        if found is None:
            raise ValidationFailed("customer does not exist", field="requester")
        while found.merged_into is not None:
            found = found.merged_into
        return found
    if not (email or phone):
        raise ValidationFailed("give a customer id or {name, email and/or phone}", field="requester")
    # Validate here so an error names the request's own field.
    email = normalise_email(email, field="requester.email") if email else None
    phone = normalise_phone(phone, field="requester.phone") if phone else None
    return customer_find_or_create(name=name, email=email, phone=phone)[0]

"""The ticket page's timeline: messages and history events merged in time order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from kefu.accounts.actor import Actor
from kefu.accounts.models import AgentProfile, Team
from kefu.mailout.choices import FailureReason, MailKind, OutboundStatus
from kefu.mailout.models import OutboundMail
from kefu.mailout.selectors import outbound_by_message
from kefu.sla.choices import SlaEventKind
from kefu.sla.models import SlaEvent
from kefu.tickets.choices import AuthorKind, EventKind, Priority, Status, TicketType, Visibility
from kefu.tickets.models import Message, Ticket, TicketEvent
from kefu.tickets.selectors import message_scope, ticket_event_list
from kefu.workspace.ticket_masking import mask_messages

SHOWN_SLA_EVENTS = (SlaEventKind.AT_RISK, SlaEventKind.BREACHED)
# "message added" duplicates the message itself; the timeline shows the message.
HIDDEN_EVENTS = frozenset({EventKind.MESSAGE_ADDED})
CHOICE_FIELDS: dict[str, Any] = {"status": Status, "priority": Priority, "type": TicketType}


@dataclass
class Entry:
    kind: str  # "message" or "event"
    at: dt.datetime
    message: Message | None = None
    text: str = ""
    rank: int = 0  # order at equal times: creation, then messages, then other events
    event_id: int | str | None = None  # str for SLA lines ("sla-<id>"): ids never collide
    mail: OutboundMail | None = None  # the message's mail, when it went out by mail
    mail_text: str = ""


def mail_state_text(mail: OutboundMail | None) -> str:
    """ "Mail sent", "Mail queued" or "Mail failed: <reason>" for an agent's message."""
    if mail is None:
        return ""
    if mail.status == OutboundStatus.SENT:
        return _("Mail sent")
    if mail.status == OutboundStatus.QUEUED:
        return _("Mail queued")
    try:
        reason = str(FailureReason(mail.reason).label) if mail.reason else mail.last_error
    except ValueError:
        reason = mail.reason
    return _("Mail failed: %(reason)s") % {"reason": reason or _("unknown")}


def attach_mail_states(entries: list[Entry]) -> list[Entry]:
    """Hang each public agent or system message's mail state on its entry (one query).

    kefu.mailout stamps the mail's Message-ID on the message in the transaction that
    queues it: a message without one never went out by mail, and a page without such
    messages (chat, phone, notes) asks the outbox nothing."""
    by_id = {e.message.pk: e for e in entries
             if e.message is not None and e.message.author_kind != AuthorKind.CUSTOMER
             and e.message.visibility == Visibility.PUBLIC
             and "message_id" in (e.message.channel_meta or {})}
    if not by_id:
        return entries
    for message_id, mail in outbound_by_message(message_ids=by_id).items():
        entry = by_id[message_id]
        entry.mail, entry.mail_text = mail, mail_state_text(mail)
    return entries


def user_name(user) -> str:
    """An agent's display name from a user with ``agent_profile`` selected (no query)."""
    if user is None:
        return ""
    try:
        profile = user.agent_profile
    except AgentProfile.DoesNotExist:
        profile = None
    return (profile.display_name if profile else "") or user.get_full_name() or user.get_username()


def message_author(message: Message) -> str:
    if message.author_kind == AuthorKind.CUSTOMER:
        return message.author_customer.name if message.author_customer else _("Customer")
    if message.author_user is not None:
        return user_name(message.author_user)
    return _("System")


def _names(events: list[TicketEvent]) -> tuple[dict[int, str], dict[int, str]]:
    """Agent and team names for the ids the events mention: two flat queries at most."""
    user_ids = {e.actor_id for e in events if e.actor_id}
    team_ids: set[int] = set()
    for e in events:
        if e.field == "assignee":
            user_ids.update(v for v in (e.before, e.after) if isinstance(v, int))
        elif e.field == "team":
            team_ids.update(v for v in (e.before, e.after) if isinstance(v, int))
    agents: dict[int, str] = {}
    if user_ids:
        for uid, display, username in AgentProfile.objects.filter(user_id__in=user_ids).values_list(
            "user_id", "display_name", "user__username"
        ):
            agents[uid] = display or username
    teams = dict(Team.objects.filter(pk__in=team_ids).values_list("pk", "name")) if team_ids else {}
    return agents, teams


def _value(field: str, value: Any, agents: dict[int, str], teams: dict[int, str]) -> str:
    if value is None or value == "" or value == []:
        return _("(none)")
    if field in CHOICE_FIELDS:
        try:
            return str(CHOICE_FIELDS[field](value).label)
        except ValueError:
            return str(value)
    if field == "assignee":
        return agents.get(value, f"#{value}")
    if field == "team":
        return teams.get(value, f"#{value}")
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return str(value)


FIELD_LABELS = {
    "status": lambda: _("status"), "priority": lambda: _("priority"), "type": lambda: _("type"),
    "assignee": lambda: _("assignee"), "team": lambda: _("team"), "tags": lambda: _("tags"),
    "subject": lambda: _("subject"), "custom_fields": lambda: _("custom fields"),
    "category": lambda: _("category"),
}


def describe_event(event: TicketEvent, agents: dict[int, str], teams: dict[int, str]) -> str:
    if event.actor_id:
        who = agents.get(event.actor_id) or (event.actor.get_username() if event.actor else "")
    elif event.actor_kind == AuthorKind.CUSTOMER:
        who = _("Customer")
    else:
        who = _("System")
    if event.kind == EventKind.CREATED:
        return _("%(who)s created the ticket") % {"who": who}
    if event.kind == EventKind.REOPENED:
        return _("%(who)s reopened the ticket") % {"who": who}
    if event.kind in (EventKind.STATUS_CHANGED, EventKind.FIELD_CHANGED):
        name = event.field or "status"
        label = FIELD_LABELS.get(name, lambda: name)()
        return _("%(who)s changed %(field)s from %(before)s to %(after)s") % {
            "who": who, "field": label,
            "before": _value(name, event.before, agents, teams),
            "after": _value(name, event.after, agents, teams),
        }
    if event.kind == EventKind.MERGED_INTO:
        return _("%(who)s merged this ticket into #%(number)s") % {"who": who, "number": event.after}
    if event.kind == EventKind.MERGED_FROM:
        number = event.after.get("ticket") if isinstance(event.after, dict) else event.after
        return _("%(who)s merged ticket #%(number)s into this one") % {"who": who, "number": number}
    if event.kind == EventKind.AUTOMATION:
        rule = event.after.get("rule", "") if isinstance(event.after, dict) else ""
        return _("Automation rule “%(rule)s” ran") % {"rule": rule}
    if event.kind == EventKind.TRIAGE:  # kefu.intel wrote the sentence: what it did and why
        return event.note or f"{who}: {event.get_kind_display()}"
    if event.kind == EventKind.FOLLOW_UP:
        return _("Follow-up ticket #%(number)s was created") % {"number": event.after}
    return f"{who}: {event.get_kind_display()}"


def describe_events(events: list[TicketEvent]) -> list[tuple[TicketEvent, str]]:
    agents, teams = _names(events)
    return [(e, describe_event(e, agents, teams)) for e in events]


def event_entries(events: list[TicketEvent]) -> list[Entry]:
    return [
        Entry(kind="event", at=e.created_at, text=text, event_id=e.pk,
              rank=-1 if e.kind == EventKind.CREATED else 1)
        for e, text in describe_events([e for e in events if e.kind not in HIDDEN_EVENTS])
    ]


def sla_entries(*, actor: Actor, ticket: Ticket, after: dt.datetime | None = None) -> list[Entry]:
    """The ticket's SLA history lines (at risk, breached), for agents only."""
    if not actor.is_staff_role:
        return []
    qs = SlaEvent.objects.filter(ticket=ticket, kind__in=SHOWN_SLA_EVENTS)
    if after is not None:
        qs = qs.filter(occurred_at__gt=after)
    return [
        Entry(kind="event", at=e.occurred_at, rank=2, event_id=f"sla-{e.pk}",
              text=_("SLA %(metric)s: %(state)s") % {"metric": e.get_metric_display(),
                                                    "state": e.get_kind_display()})
        for e in qs
    ]


def events_after(*, actor: Actor, ticket: Ticket, after: dt.datetime | None) -> list[Entry]:
    """History lines newer than ``after`` (the live timeline appends them)."""
    qs = ticket_event_list(actor=actor, ticket=ticket).exclude(kind__in=HIDDEN_EVENTS)
    if after is not None:
        qs = qs.filter(created_at__gt=after)
    entries = event_entries(list(qs)) + sla_entries(actor=actor, ticket=ticket, after=after)
    entries.sort(key=lambda entry: (entry.at, entry.rank))
    return entries


def messages_after(*, actor: Actor, ticket: Ticket, after_id: int, limit: int = 100) -> list[Entry]:
    """Messages with an id above ``after_id`` (what a socket that was away missed)."""
    messages = list(message_scope(actor=actor, ticket=ticket).filter(pk__gt=after_id)
                    .order_by("pk")[:limit])
    mask_messages(actor, messages)
    return attach_mail_states([Entry(kind="message", at=m.created_at, message=m)
                               for m in messages])


def acknowledgement_entries(*, actor: Actor, ticket: Ticket) -> list[Entry]:
    """The automatic "we received your request" mail, as a history line (agents only)."""
    if not actor.is_staff_role:
        return []
    rows = OutboundMail.objects.filter(ticket=ticket, kind=MailKind.ACKNOWLEDGEMENT).only(
        "pk", "created_at", "recipient", "status")
    return [
        Entry(kind="event", at=row.created_at, rank=2, event_id=f"ack-{row.pk}",
              text=_("Acknowledgement mailed to %(to)s (%(status)s)") % {
                  "to": row.recipient, "status": row.get_status_display()})
        for row in rows
    ]


def timeline(*, actor: Actor, ticket: Ticket) -> list[Entry]:
    messages = list(message_scope(actor=actor, ticket=ticket))
    mask_messages(actor, messages)
    entries = [Entry(kind="message", at=m.created_at, message=m) for m in messages]
    entries += event_entries(list(ticket_event_list(actor=actor, ticket=ticket)))
    entries += sla_entries(actor=actor, ticket=ticket)
    entries += acknowledgement_entries(actor=actor, ticket=ticket)
    # At equal times (a reply that also changed the status) the message comes first.
    entries.sort(key=lambda entry: (entry.at, entry.rank))
    return attach_mail_states(entries)

"""Reads for automations: the rules of an event, runs of a ticket, time-based candidates."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from kefu.automations.choices import RuleEvent, TimeAnchor
from kefu.automations.models import Rule, RuleRun
from kefu.tickets.choices import EventKind, Status
from kefu.tickets.models import Ticket, TicketEvent
from kefu.tickets.selectors import awaiting_agent_q


def active_rules(event: str) -> list[Rule]:
    return list(Rule.objects.filter(event=event, active=True).order_by("position", "id"))


def rule_runs_for_ticket(ticket_id: int) -> QuerySet[RuleRun]:
    return RuleRun.objects.filter(ticket_id=ticket_id).select_related("rule").order_by("-at", "-id")


def time_candidates(rule: Rule, now: dt.datetime) -> QuerySet[Ticket]:
    """Tickets for which ``rule``'s period has passed and that it has not run for yet.

    Annotated with ``since`` (the period's start). The status anchor filters on the
    (status, created_at) index and finds the last status change through the
    (ticket, created_at) index of the timeline.
    """
    assert rule.event == RuleEvent.TIME_BASED and rule.time_hours
    cutoff = now - dt.timedelta(hours=rule.time_hours)
    qs = Ticket.objects.filter(merged_into__isnull=True)
    if rule.time_status:
        qs = qs.filter(status=rule.time_status)
    else:
        qs = qs.exclude(status=Status.CLOSED)
    anchor = rule.time_anchor
    if anchor == TimeAnchor.STATUS:
        last_change = (TicketEvent.objects.filter(ticket=OuterRef("pk"), kind=EventKind.STATUS_CHANGED)
                       .order_by("-created_at", "-id").values("created_at")[:1])
        qs = qs.annotate(since=Coalesce(Subquery(last_change), F("created_at")))
    elif anchor == TimeAnchor.CUSTOMER_MESSAGE:
        qs = qs.filter(awaiting_agent_q()).annotate(since=F("last_customer_message_at"))
    elif anchor == TimeAnchor.AGENT_MESSAGE:
        qs = qs.filter(last_agent_message_at__isnull=False).filter(
            Q(last_customer_message_at__isnull=True) | Q(last_customer_message_at__lt=F("last_agent_message_at"))
        ).annotate(since=F("last_agent_message_at"))
    elif anchor == TimeAnchor.CREATED:
        qs = qs.annotate(since=F("created_at"))
    else:
        qs = qs.annotate(since=F("updated_at"))
    done = RuleRun.objects.filter(rule=rule, ticket=OuterRef("pk"), anchor_at=OuterRef("since"))
    return qs.filter(since__lte=cutoff).exclude(Exists(done))

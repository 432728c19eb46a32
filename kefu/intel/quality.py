"""Conversation QA: each solved ticket scored against kefu.assist.qa's rubric.

Runs on the job worker when a ticket's status changes ("intel.qa"); only solved or
closed tickets are scored, again after a reopen and a new solve. The agent credited is
the one who wrote most public replies; the team lead reads averages per agent.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict

from django.db import transaction
from django.utils import timezone

from kefu.assist import qa
from kefu.intel.models import MessageInsight, TicketInsight
from kefu.intel.selectors import UPSET, ticket_is_complaint
from kefu.sla.choices import Metric, TargetState
from kefu.sla.models import SlaTarget
from kefu.tickets.choices import AuthorKind, Status, Visibility
from kefu.tickets.models import Message, Ticket


def _sla_met(ticket: Ticket, metric: str) -> bool | None:
    states = list(SlaTarget.objects.filter(ticket=ticket, metric=metric)
                  .exclude(state=TargetState.CANCELLED).values_list("state", "breached_at"))
    if not states:
        return None
    return all(breached is None and state != TargetState.BREACHED for state, breached in states)


def conversation_of(ticket: Ticket) -> tuple[qa.Conversation, int | None]:
    """The ticket as a rubric input, and the agent to credit (most public replies)."""
    messages = list(Message.objects.filter(ticket=ticket, visibility=Visibility.PUBLIC)
                    .exclude(author_kind=AuthorKind.SYSTEM)
                    .order_by("created_at", "id")
                    .values_list("pk", "author_kind", "author_user_id", "body_text", "created_at"))
    feelings = dict(MessageInsight.objects.filter(ticket=ticket)
                    .values_list("message_id", "emotion"))
    turns = [qa.Turn(role="customer" if kind == AuthorKind.CUSTOMER else "agent", text=text,
                     at=at, upset=feelings.get(pk) in UPSET)
             for pk, kind, _user, text, at in messages]
    authors = Counter(user for _pk, kind, user, _t, _a in messages
                      if kind == AuthorKind.AGENT and user)
    conversation = qa.Conversation(
        turns=turns, customer_upset=any(t.upset for t in turns),
        complaint=ticket_is_complaint(ticket),
        sla_first_response_met=_sla_met(ticket, Metric.FIRST_RESPONSE),
        sla_resolution_met=_sla_met(ticket, Metric.RESOLUTION))
    return conversation, (authors.most_common(1)[0][0] if authors else None)


def qa_score_ticket(*, ticket_id: int) -> TicketInsight | None:
    """Score a solved or closed ticket (idempotent: the same conversation, the same score)."""
    ticket = Ticket.objects.filter(pk=ticket_id, status__in=[Status.SOLVED, Status.CLOSED]).first()
    if ticket is None:
        return None
    conversation, agent_id = conversation_of(ticket)
    if agent_id is None:
        return None  # nobody answered: nothing to score
    result = qa.score_conversation(conversation)
    with transaction.atomic():
        insight, _ = TicketInsight.objects.select_for_update().get_or_create(ticket=ticket)
        insight.qa_score = result.score
        insight.qa_items = [asdict(item) for item in result.items]
        insight.qa_agent_id = agent_id
        insight.qa_at = timezone.now()
        insight.save(update_fields=["qa_score", "qa_items", "qa_agent", "qa_at"])
    return insight

"""Reads of the offline assistance for the workspace: a ticket's and a customer's mood,
the ticket's category and handoff flag, QA scores per agent."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, QuerySet

from kefu.accounts.actor import Actor
from kefu.assist.emotion import Emotion, EmotionResult, Trend, trend
from kefu.intel.models import Category, MessageInsight, TicketInsight
from kefu.tickets.choices import AuthorKind, Status, TicketType, Visibility
from kefu.tickets.models import Ticket
from kefu.tickets.selectors import message_scope

CUSTOMER_TREND_MESSAGES = 20
UPSET = frozenset({Emotion.ANGRY, Emotion.ANXIOUS, Emotion.DISAPPOINTED})
COMPLAINT_NAMES = frozenset({"投诉", "complaint"})  # a tag or category that marks a complaint


@dataclass
class Mood:
    """The current emotion, its trend and the evidence of the latest analysed message."""

    current: MessageInsight | None
    trend: Trend | None
    history: list[MessageInsight] = field(default_factory=list)

    @property
    def cues(self) -> list[dict[str, Any]]:
        return list(self.current.evidence) if self.current else []


def _result(row: MessageInsight) -> EmotionResult:
    return EmotionResult(polarity=row.polarity, score=row.score, emotion=Emotion(row.emotion),
                         confidence=row.confidence)


def _mood(rows: list[MessageInsight]) -> Mood:
    if not rows:
        return Mood(current=None, trend=None)
    return Mood(current=rows[-1], trend=trend([_result(r) for r in rows]), history=rows)


def ticket_mood(ticket: Ticket) -> Mood:
    """The customer's emotion across this conversation (oldest first)."""
    return _mood(list(MessageInsight.objects.filter(ticket=ticket).order_by("created_at", "pk")))


def customer_mood(customer_id: int, *, actor: Actor) -> Mood:
    """The customer's emotion across their latest messages on the tickets the actor may see."""
    from kefu.tickets.selectors import ticket_scope

    rows = list(MessageInsight.objects.filter(message__author_customer_id=customer_id,
                                              ticket__in=ticket_scope(actor=actor))
                .order_by("-created_at", "-pk")[:CUSTOMER_TREND_MESSAGES])
    return _mood(rows[::-1])


def ticket_insight(ticket: Ticket) -> TicketInsight | None:
    return TicketInsight.objects.select_related("category").filter(ticket=ticket).first()


def ticket_is_complaint(ticket: Ticket, *, analysed: list[MessageInsight] | None = None) -> bool:
    """A complaint: by its type, a 投诉 tag or category, or a public threat (12315, 曝光...)
    in one of the customer's analysed messages (``analysed``, when already loaded)."""
    if ticket.type == TicketType.COMPLAINT:
        return True
    if ticket.tags.filter(name__in=COMPLAINT_NAMES).exists():
        return True
    if TicketInsight.objects.filter(ticket=ticket, category__name__in=COMPLAINT_NAMES).exists():
        return True
    rows = analysed if analysed is not None else MessageInsight.objects.filter(ticket=ticket)
    return any(cue.get("kind") == "public_threat" for row in rows for cue in row.evidence or ())


def tone_context(*, actor: Actor, ticket: Ticket, status: str) -> dict[str, bool]:
    """What kefu.assist.tone.check_tone needs to know about the conversation."""
    mood = ticket_mood(ticket)
    replied = message_scope(actor=actor, ticket=ticket).filter(
        author_kind=AuthorKind.AGENT, visibility=Visibility.PUBLIC).exists()
    return {
        "customer_upset": mood.current is not None and mood.current.emotion in UPSET,
        "complaint": ticket_is_complaint(ticket, analysed=mood.history),
        "first_reply": not replied,
        "closing": status == Status.SOLVED,
    }


def category_list() -> QuerySet[Category]:
    return Category.objects.filter(active=True).order_by("position", "name")


@dataclass(frozen=True)
class AgentQuality:
    user_id: int
    name: str
    tickets: int
    average: float


def qa_by_agent(*, actor: Actor) -> list[AgentQuality]:
    """Average QA score per agent over the solved tickets the actor may see, best first,
    the agents by their display names (李客服) as the rest of the workspace shows them."""
    from kefu.tickets.selectors import ticket_scope

    rows = (TicketInsight.objects.filter(qa_score__isnull=False, qa_agent__isnull=False,
                                         ticket__in=ticket_scope(actor=actor))
            .values("qa_agent_id", "qa_agent__username", "qa_agent__agent_profile__display_name")
            .annotate(n=Count("pk"), avg=Avg("qa_score")).order_by("-avg", "qa_agent_id"))
    return [AgentQuality(user_id=r["qa_agent_id"],
                         name=r["qa_agent__agent_profile__display_name"] or r["qa_agent__username"],
                         tickets=r["n"], average=round(float(r["avg"]), 1)) for r in rows]


def qa_recent(*, actor: Actor, agent_id: int | None = None, limit: int = 50) -> list[TicketInsight]:
    """The latest scored tickets (of one agent, or all the actor may see), worst first."""
    from kefu.tickets.selectors import ticket_scope

    qs = TicketInsight.objects.filter(qa_score__isnull=False, ticket__in=ticket_scope(actor=actor))
    if agent_id is not None:
        qs = qs.filter(qa_agent_id=agent_id)
    rows = qs.select_related("ticket", "qa_agent__agent_profile").order_by("-qa_at")[:limit]
    return sorted(rows, key=lambda r: r.qa_score or 0)

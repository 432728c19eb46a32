"""Writes of the offline assistance: analyse customer messages, triage, hand off, score.

``insight_analyse_message`` runs on the job worker for every customer message (the
"intel.analyse" job, queued on commit by the listeners): it stores the message's
emotion, urgency and intent, keeps the ticket's current emotion, and on a ticket's first
message triages it. Triage and handoff act as SYSTEM through the ticket services, so
every change is a ticket event, and they never undo a person's choice: a field an agent
set (at creation or later) is not touched, and an agent's category is final.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts.actor import SYSTEM, Actor
from kefu.assist import emotion as emotion_mod
from kefu.assist import handoff as handoff_mod
from kefu.assist import urgency as urgency_mod
from kefu.core.errors import PermissionDenied
from kefu.core.events import Event, publish
from kefu.intel import cache
from kefu.intel.choices import HANDOFF_REASONS, CategorySource
from kefu.intel.models import Category, MessageInsight, TicketInsight
from kefu.tickets.choices import AuthorKind, Channel, EventKind, Priority
from kefu.tickets.models import Message, Ticket, TicketEvent
from kefu.tickets.services import actor_kind, ticket_history_record, ticket_update

log = logging.getLogger(__name__)

HANDOFF_TAG = "转人工"
# Conversations where a bot may answer first and a person must take over; an email or
# web-form ticket is answered by people anyway (its urgency raises the priority instead).
HANDOFF_CHANNELS = (Channel.CHAT, Channel.SOCIAL)
_PRIORITY_RANK = {p: i for i, p in enumerate(Priority.values)}
HISTORY_LIMIT = 10  # earlier customer messages compared for repeats
# Only messages this fresh are triaged and handed off; older ones (loaded history, an
# import, a worker that was down for a day) are analysed but move nothing.
ACT_WITHIN = dt.timedelta(hours=1)


def _human_set(ticket: Ticket, field: str) -> bool:
    """Whether a person chose ``field`` ("priority", "team") on ``ticket``: an agent
    changed it, or an agent opened the ticket with a value other than the default."""
    events = TicketEvent.objects.filter(ticket=ticket, actor_kind=AuthorKind.AGENT)
    if events.filter(kind=EventKind.FIELD_CHANGED, field=field).exists():
        return True
    if not events.filter(kind=EventKind.CREATED).exists():
        return False
    return ticket.team_id is not None if field == "team" else ticket.priority != Priority.NORMAL


def insight_analyse_message(*, message_id: int) -> MessageInsight | None:
    """Analyse one customer message (idempotent: a second run returns the first result)."""
    message = (Message.objects.select_related("ticket__requester")
               .filter(pk=message_id, author_kind=AuthorKind.CUSTOMER).first())
    if message is None:
        return None
    existing = MessageInsight.objects.filter(message=message).first()
    if existing is not None:
        return existing
    cache.domain_words.get()  # the organisation's words, before tokenising
    ticket = message.ticket
    history = list(
        Message.objects.filter(ticket=ticket, author_kind=AuthorKind.CUSTOMER,
                               created_at__lt=message.created_at)
        .order_by("-created_at", "-id").values_list("body_text", flat=True)[:HISTORY_LIMIT])[::-1]
    text = message.body_text
    first = message.pk == _first_message_id(ticket)
    if first:
        text = f"{ticket.subject}\n{text}"
    feeling = emotion_mod.analyse(text, history=history)
    urgent = urgency_mod.urgency(text)
    classifier = cache.classifier.get()
    category, confidence = None, None
    if classifier.model is not None:
        guess = classifier.model.predict(text)
        category, confidence = classifier.categories.get(guess.category), guess.confidence
    # No intent confidence here: an unsure category guess matters to the answer bot
    # (which must hand over), not to a ticket that people already answer.
    handoff = handoff_mod.handoff_signal(text, emotion=feeling)
    with transaction.atomic():
        publish(Event.INSIGHT_UPDATED, ticket_id=ticket.pk)  # the panels refresh on commit
        insight = MessageInsight.objects.create(
            message=message, ticket=ticket, polarity=feeling.polarity, score=feeling.score,
            emotion=str(feeling.emotion), confidence=feeling.confidence,
            evidence=feeling.to_dict()["evidence"], urgency=urgent.level, category=category,
            category_confidence=confidence,
            handoff=list(handoff.reasons) if handoff else [], created_at=timezone.now())
        summary, _created = TicketInsight.objects.select_for_update().get_or_create(ticket=ticket)
        summary.emotion = insight.emotion
        summary.save(update_fields=["emotion"])
        settings = cache.assist_settings.get()
        if message.created_at < timezone.now() - ACT_WITHIN:
            return insight
        if first:
            _triage(ticket, summary, category, confidence, feeling, urgent.level, settings)
        elif settings.triage_priority:
            _raise_priority(ticket, feeling, urgent.level)
        if (handoff is not None and settings.handoff and ticket.channel in HANDOFF_CHANNELS
                and summary.handoff_at is None):
            _hand_off(ticket, summary, list(handoff.reasons))
    return insight


def _first_message_id(ticket: Ticket) -> int | None:
    return (Message.objects.filter(ticket=ticket).order_by("created_at", "id")
            .values_list("id", flat=True).first())


def _suggested_priority(ticket: Ticket, feeling: Any, urgency_level: int) -> str:
    return urgency_mod.suggest_priority(urgency_level=urgency_level, emotion=str(feeling.emotion),
                                        tier=ticket.requester.tier)


def _priority_raise(ticket: Ticket, feeling: Any, urgency_level: int) -> str | None:
    """The suggested priority if it is higher than the ticket's and no person set it."""
    suggested = _suggested_priority(ticket, feeling, urgency_level)
    if (_PRIORITY_RANK.get(suggested, 0) <= _PRIORITY_RANK.get(ticket.priority, 0)
            or _human_set(ticket, "priority")):
        return None
    return suggested


def _raise_priority(ticket: Ticket, feeling: Any, urgency_level: int) -> str | None:
    """Raise (never lower) the priority to the suggestion, unless a person set it."""
    raised = _priority_raise(ticket, feeling, urgency_level)
    if raised:
        ticket_update(actor=SYSTEM, ticket=ticket, changes={"priority": raised})
    return raised


def _triage(ticket: Ticket, summary: TicketInsight, category: Category | None,
            confidence: float | None, feeling: Any, urgency_level: int, settings: Any) -> None:
    """Category, priority, team and tags of a new ticket: one ticket update (one bus
    event, so SLA re-matching and routing run once) and one history line saying why."""
    done: list[str] = []
    changes: dict[str, Any] = {}
    sure = category is not None and confidence is not None and confidence >= settings.min_confidence
    if category is not None and settings.triage_category and summary.category_source != CategorySource.MANUAL:
        if sure:
            summary.category, summary.category_source = category, CategorySource.AUTO
        summary.category_confidence = confidence
        summary.save(update_fields=["category", "category_source", "category_confidence"])
        done.append(_("category=%(name)s, confidence %(confidence).2f%(held)s") % {
            "name": category.name, "confidence": confidence or 0.0,
            "held": "" if sure else _(" (too low, not set)")})
    if settings.triage_priority:
        raised = _priority_raise(ticket, feeling, urgency_level)
        if raised:
            changes["priority"] = raised
            done.append(_("priority=%(priority)s") % {"priority": raised})
    if sure and category is not None and summary.category_source == CategorySource.AUTO:
        if settings.triage_team and category.team_id and ticket.team_id != category.team_id \
                and not _human_set(ticket, "team"):
            changes["team_id"] = category.team_id
            if ticket.assignee_id is not None:
                changes["assignee_id"] = None  # the category's team decides who works on it
            done.append(_("team=%(team)s") % {"team": category.team})
        if settings.triage_tags and category.tags:
            current = list(ticket.tags.values_list("name", flat=True))
            added = [t for t in category.tags if t not in current]
            if added:
                changes["tags"] = [*current, *added]
                done.append(_("tags=%(tags)s") % {"tags": ",".join(added)})
    if changes:
        ticket_update(actor=SYSTEM, ticket=ticket, changes=changes)
    if done:
        ticket_history_record(actor=SYSTEM, ticket_id=ticket.pk, kind=EventKind.TRIAGE,
                              after={"category": category.name if category else None,
                                     "confidence": confidence},
                              note=_("auto-triage: %(what)s") % {"what": "; ".join(done)})


def _hand_off(ticket: Ticket, summary: TicketInsight, reasons: list[str]) -> None:
    """Flag the conversation for a person: a tag lists and views show, a history line,
    and a notification to the assignee or, without one, the team's online agents."""
    from kefu.notifications.services import notify
    from kefu.routing.selectors import candidates

    summary.handoff_reasons, summary.handoff_at = reasons, timezone.now()
    summary.save(update_fields=["handoff_reasons", "handoff_at"])
    current = list(ticket.tags.values_list("name", flat=True))
    if HANDOFF_TAG not in current:
        ticket_update(actor=SYSTEM, ticket=ticket, changes={"tags": [*current, HANDOFF_TAG]})
    labels = ", ".join(str(HANDOFF_REASONS.get(r, r)) for r in reasons)
    ticket_history_record(actor=SYSTEM, ticket_id=ticket.pk, kind=EventKind.TRIAGE,
                          after={"handoff": reasons},
                          note=_("handoff to a person: %(reasons)s") % {"reasons": labels})
    users: list[int | None] = []  # no team: the tag puts it in front of whoever looks
    if ticket.assignee_id:
        users = [ticket.assignee_id]
    elif ticket.team_id:
        users = [c.user_id for c in candidates(team_id=ticket.team_id)]
        users.append(ticket.team.lead_id if ticket.team else None)
    notify(user_ids=users, kind="handoff", ticket_id=ticket.pk, email=False,
           text=_("#%(number)s needs a person: %(reasons)s") % {"number": ticket.number,
                                                                "reasons": labels})


def insight_set_category(*, actor: Actor, ticket: Ticket, category: Category | None) -> TicketInsight:
    """An agent's category: final, auto-triage never changes it afterwards."""
    if not actor.is_staff_role:
        raise PermissionDenied("only agents may set a ticket's category")
    with transaction.atomic():
        summary, _created = TicketInsight.objects.select_for_update().get_or_create(ticket=ticket)
        before = summary.category.name if summary.category else None
        summary.category = category
        summary.category_source = CategorySource.MANUAL
        summary.category_confidence = None
        summary.save(update_fields=["category", "category_source", "category_confidence"])
        after = category.name if category else None
        if before != after:
            TicketEvent.objects.create(
                ticket=ticket, actor_id=actor.user_id, actor_kind=actor_kind(actor),
                kind=EventKind.FIELD_CHANGED, field="category", before=before, after=after,
                created_at=timezone.now())
            publish(Event.TICKET_UPDATED, ticket_id=ticket.pk, fields=["category"])
    return summary

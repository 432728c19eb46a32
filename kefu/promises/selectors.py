"""Reads for promises: a ticket's, a customer's open ones, and kept/broken counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kefu.accounts.actor import Actor
from kefu.accounts.models import AgentProfile, Team
from kefu.promises.models import Promise, PromiseStatus
from kefu.tickets.models import Ticket
from kefu.tickets.selectors import ticket_scope


def promise_scope(*, actor: Actor) -> QuerySet[Promise]:
    """Promises on tickets the actor may see; none for customers."""
    if not actor.is_staff_role:
        return Promise.objects.none()
    return Promise.objects.filter(ticket__in=ticket_scope(actor=actor))


def ticket_promises(*, actor: Actor, ticket: Ticket) -> list[Promise]:
    return list(promise_scope(actor=actor).filter(ticket=ticket).select_related("owner__agent_profile"))


def customer_open_promises(*, actor: Actor, customer_id: int) -> list[Promise]:
    return list(promise_scope(actor=actor).filter(customer_id=customer_id,
                                                  status=PromiseStatus.OPEN)
                .select_related("ticket"))


def promise_counts(*, actor: Actor, since: dt.datetime | None = None,
                   now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Per owner (with team ids): open, overdue, kept, broken, in the actor's scope."""
    now = now or timezone.now()
    qs = promise_scope(actor=actor)
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    rows = qs.values("owner_id", "ticket__team_id").annotate(
        open=Count("pk", filter=Q(status=PromiseStatus.OPEN)),
        overdue=Count("pk", filter=Q(status=PromiseStatus.OPEN, due_at__lt=now)),
        kept=Count("pk", filter=Q(status=PromiseStatus.KEPT)),
        broken=Count("pk", filter=Q(status=PromiseStatus.BROKEN)),
    ).order_by("owner_id", "ticket__team_id")
    return [dict(row) for row in rows]


def promise_report(*, actor: Actor, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """``promise_counts`` with the owner's and team's names and the kept rate (in %,
    None before anything was resolved): the rows of the promises page."""
    rows = promise_counts(actor=actor, now=now)
    names = dict(AgentProfile.objects.filter(user_id__in={r["owner_id"] for r in rows})
                 .values_list("user_id", "display_name"))
    teams = dict(Team.objects.filter(pk__in={r["ticket__team_id"] for r in rows})
                 .values_list("pk", "name"))
    for row in rows:
        row["owner"] = names.get(row["owner_id"]) or row["owner_id"]
        row["team"] = teams.get(row["ticket__team_id"], "—")
        resolved = row["kept"] + row["broken"]
        row["kept_rate"] = round(100 * row["kept"] / resolved) if resolved else None
    return rows


def open_promises(*, actor: Actor, limit: int = 200) -> list[Promise]:
    """Open promises in the actor's scope, the soonest due first."""
    return list(promise_scope(actor=actor).filter(status=PromiseStatus.OPEN)
                .select_related("ticket", "owner__agent_profile").order_by("due_at", "pk")[:limit])

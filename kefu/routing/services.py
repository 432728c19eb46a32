"""Automatic assignment: a team's strategy picks an online agent with free capacity.

Every assignment of a team runs under a lock on the team's TeamRouting row, so loads
are counted and raised one assignment at a time: no agent goes over capacity and no
ticket is assigned twice, however many workers route at once. Tickets nobody can take
wait in the team's queue and are handed out by ``route_waiting`` when capacity frees
up (VIP first, then oldest). Routing never touches an assigned ticket: a manual
assignment always wins.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, Value, When

from kefu.accounts.actor import SYSTEM
from kefu.accounts.models import Skill
from kefu.core.errors import ValidationFailed
from kefu.routing.choices import Strategy
from kefu.routing.models import TeamRouting
from kefu.routing.selectors import (
    VIP_SKILL,
    VIP_TIERS,
    Candidate,
    TicketNeeds,
    candidates,
    ticket_needs,
)
from kefu.tickets.choices import Status
from kefu.tickets.models import Ticket
from kefu.tickets.services import ticket_update

ROUTABLE = (Status.NEW, Status.OPEN)


def team_routing_set(*, team_id: int, strategy: str) -> TeamRouting:
    if strategy not in Strategy.values:
        raise ValidationFailed(f"one of {', '.join(Strategy.values)}", field="strategy")
    config = _config(team_id)
    config.strategy = strategy
    config.save(update_fields=["strategy"])
    return config


def _config(team_id: int) -> TeamRouting:
    try:
        with transaction.atomic():
            return TeamRouting.objects.get_or_create(team_id=team_id)[0]
    except IntegrityError:  # created by a concurrent caller meanwhile
        return TeamRouting.objects.get(team_id=team_id)


def _routes(team_id: int) -> bool:
    """Whether the team routes at all: one cheap read, no row written, no lock taken."""
    strategy = TeamRouting.objects.filter(team_id=team_id).values_list("strategy", flat=True).first()
    return strategy not in (None, Strategy.MANUAL)


def _lock(team_id: int) -> TeamRouting:
    _config(team_id)
    return TeamRouting.objects.select_for_update().get(team_id=team_id)


def pick(strategy: str, pool: list[Candidate], needs: TicketNeeds,
         last_agent_id: int | None) -> Candidate | None:
    """The agent for one ticket, or None when nobody fits (it waits in the queue)."""
    free = [c for c in pool if c.free > 0]
    if strategy == Strategy.SKILLS:
        free = [c for c in free if needs.skills <= c.skills]
    elif needs.vip:
        vip_agents = [c for c in free if VIP_SKILL in c.skills]
        free = vip_agents or free
    if not free:
        return None
    if strategy == Strategy.ROUND_ROBIN:
        ordered = sorted(free, key=lambda c: c.user_id)
        after = [c for c in ordered if last_agent_id is not None and c.user_id > last_agent_id]
        return (after or ordered)[0]
    return min(free, key=lambda c: (c.load / max(c.capacity, 1), c.load, c.user_id))


def _assign(config: TeamRouting, ticket: Ticket, pool: list[Candidate],
            known_skills: frozenset[str]) -> int | None:
    chosen = pick(config.strategy, pool, ticket_needs(ticket, known_skills), config.last_agent_id)
    if chosen is None:
        return None
    ticket_update(actor=SYSTEM, ticket=ticket, changes={"assignee_id": chosen.user_id})
    chosen.load += 1
    config.last_agent_id = chosen.user_id
    return chosen.user_id


def _known_skills() -> frozenset[str]:
    return frozenset(name.lower() for name in Skill.objects.values_list("name", flat=True))


def _routable(ticket: Ticket | None, team_id: int) -> bool:
    return (ticket is not None and ticket.assignee_id is None and ticket.team_id == team_id
            and ticket.status in ROUTABLE and ticket.merged_into_id is None)


def route_ticket(*, ticket_id: int) -> int | None:
    """Assign one unassigned ticket of a team by the team's strategy; the agent's id or None."""
    team_id = Ticket.objects.filter(pk=ticket_id).values_list("team_id", flat=True).first()
    if team_id is None or not _routes(team_id):
        return None
    with transaction.atomic():
        config = _lock(team_id)
        if config.strategy == Strategy.MANUAL:
            return None
        ticket = Ticket.objects.select_related("requester").filter(pk=ticket_id).first()
        if not _routable(ticket, team_id):
            return None  # assigned meanwhile (by hand or another worker), moved, solved
        assert ticket is not None
        agent_id = _assign(config, ticket, candidates(team_id=team_id), _known_skills())
        config.save(update_fields=["last_agent"])
        return agent_id


def route_waiting(*, team_id: int, limit: int = 500) -> int:
    """Hand out the team's waiting tickets while agents have room: VIP first, then oldest."""
    if not _routes(team_id):
        return 0
    with transaction.atomic():
        config = _lock(team_id)
        if config.strategy == Strategy.MANUAL:
            return 0
        pool = candidates(team_id=team_id)
        if not any(c.free > 0 for c in pool):
            return 0
        known = _known_skills()
        waiting = (
            Ticket.objects.select_related("requester")
            .filter(team_id=team_id, assignee__isnull=True, status__in=ROUTABLE,
                    merged_into__isnull=True)
            .annotate(vip_first=Case(When(requester__tier__in=VIP_TIERS, then=Value(0)),
                                     default=Value(1), output_field=IntegerField()))
            .order_by("vip_first", "created_at", "pk")[:limit]
        )
        assigned = 0
        for ticket in waiting:
            if _assign(config, ticket, pool, known) is not None:
                assigned += 1
            elif config.strategy != Strategy.SKILLS and not any(c.free > 0 for c in pool):
                break  # nobody has room left (a skills miss may still fit the next ticket)
        config.save(update_fields=["last_agent"])
        return assigned

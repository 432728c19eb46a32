"""8 workers route 1,000 tickets at once to 10 agents on PostgreSQL: capacity holds and
no ticket is assigned twice."""

from __future__ import annotations

from collections import Counter

import pytest

from kefu.accounts.actor import SYSTEM
from kefu.accounts.choices import Availability
from kefu.accounts.services import agent_create, team_create
from kefu.conftest import in_parallel, on_postgres
from kefu.customers.services import customer_create
from kefu.routing.choices import Strategy
from kefu.routing.services import route_ticket, team_routing_set
from kefu.tickets.choices import EventKind
from kefu.tickets.models import Ticket, TicketEvent
from kefu.tickets.services import ticket_create

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not on_postgres(), reason="needs PostgreSQL (DATABASE_URL)"),
    pytest.mark.django_db(transaction=True),
]

TICKETS, AGENTS, WORKERS, CAPACITY = 1000, 10, 8, 40


@pytest.mark.parametrize("strategy", [Strategy.LEAST_LOADED, Strategy.ROUND_ROBIN])
def test_parallel_routing_keeps_capacity_and_assigns_once(strategy):
    agents = [agent_create(username=f"agent{i}", capacity=CAPACITY,
                           availability=Availability.ONLINE) for i in range(AGENTS)]
    team = team_create(name="并发测试组", members=agents)
    customer = customer_create(name="并发客户")
    # Created while the team routes by hand: all 1,000 wait unassigned.
    ids = [ticket_create(actor=SYSTEM, subject=f"工单 {i}", body="内容", requester=customer,
                         channel="web", team_id=team.pk)[0].pk for i in range(TICKETS)]
    team_routing_set(team_id=team.pk, strategy=strategy)

    def worker(n: int) -> list[int | None]:
        return [route_ticket(ticket_id=pk) for pk in ids[n::WORKERS]]

    results = [agent for batch in in_parallel(WORKERS, worker) for agent in batch]

    loads = Counter(Ticket.objects.filter(team=team, assignee__isnull=False)
                    .values_list("assignee_id", flat=True))
    assert max(loads.values()) <= CAPACITY
    assert sum(loads.values()) == AGENTS * CAPACITY == sum(1 for r in results if r)
    if strategy == Strategy.LEAST_LOADED:
        assert set(loads.values()) == {CAPACITY}
    # Each ticket got its assignee once: one assignment event at most per ticket.
    per_ticket = Counter(TicketEvent.objects.filter(
        ticket__team=team, kind=EventKind.FIELD_CHANGED, field="assignee")
        .values_list("ticket_id", flat=True))
    assert per_ticket and max(per_ticket.values()) == 1

"""List endpoints cost a constant number of queries, whatever the page size."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kefu.customers.services import IdentitySet, customer_create


def _count(api, url):
    api.get(url)  # warm up: the token's first use writes last_used_at once
    with CaptureQueriesContext(connection) as ctx:
        r = api.get(url)
    assert r.status_code == 200, r.content
    return len(ctx.captured_queries), r.json()


def _tickets(cast, make_ticket, n, offset=0):
    for i in range(n):
        requester = customer_create(
            name=f"客户{offset + i}", identities=IdentitySet(emails=[f"c{offset + i}@example.com"]),
            tags=["老客户"],
        )
        make_ticket(requester=requester, team=cast.team_a, assignee=cast.agent_a,
                    tags=["物流", f"批次{i % 3}"])


def test_ticket_list_is_constant(cast, make_ticket):
    api = cast.client(cast.agent_a)
    _tickets(cast, make_ticket, 5)
    small, page = _count(api, "/api/v1/tickets?limit=50")
    assert len(page["items"]) == 5
    _tickets(cast, make_ticket, 45, offset=5)
    large, page = _count(api, "/api/v1/tickets?limit=50")
    assert len(page["items"]) == 50
    assert page["items"][0]["assignee"]["name"] == "李客服"
    assert large == small
    assert large <= 10


def test_customer_list_is_constant(cast, make_ticket):
    api = cast.client(cast.admin)
    _tickets(cast, make_ticket, 5)
    small, _ = _count(api, "/api/v1/customers?limit=50")
    _tickets(cast, make_ticket, 45, offset=5)
    large, page = _count(api, "/api/v1/customers?limit=50")
    assert len(page["items"]) == 50
    assert large == small


def test_message_list_and_agent_list_are_constant(cast, make_ticket):
    from kefu.tickets.services import message_post

    ticket = make_ticket(team=cast.team_a)
    api = cast.client(cast.admin)
    small, _ = _count(api, f"/api/v1/tickets/{ticket.pk}/messages")
    small_agents, _ = _count(api, "/api/v1/agents")
    for i in range(20):
        message_post(actor=cast.actor(cast.agent_a if i % 2 else cast.admin), ticket=ticket,
                     body=f"消息 {i}")
    large, page = _count(api, f"/api/v1/tickets/{ticket.pk}/messages")
    assert len(page["items"]) == 21
    assert large == small
    from kefu.accounts.services import agent_create

    for i in range(10):
        agent_create(username=f"extra{i}", skills=["退款"], teams=[cast.team_a])
    large_agents, _ = _count(api, "/api/v1/agents")
    assert large_agents == small_agents

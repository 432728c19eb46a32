"""Routing strategies, VIP first, the waiting queue, and manual assignment winning."""

from __future__ import annotations

import pytest

from kefu.accounts.actor import SYSTEM
from kefu.accounts.choices import Availability
from kefu.accounts.services import agent_create, agent_set_availability, team_create
from kefu.customers.services import customer_create
from kefu.routing.choices import Strategy
from kefu.routing.services import route_waiting, team_routing_set
from kefu.tickets.models import Ticket
from kefu.tickets.services import ticket_create, ticket_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    """Team 售后 with three agents (capacity 2 each): 甲 and 乙 online, 丙 offline; 乙 has vip."""
    a = agent_create(username="jia", display_name="甲", capacity=2, availability=Availability.ONLINE)
    b = agent_create(username="yi", display_name="乙", capacity=2, availability=Availability.ONLINE,
                     skills=["vip", "退款"])
    c = agent_create(username="bing", display_name="丙", capacity=2)
    team = team_create(name="售后", members=[a, b, c])
    return team, a, b, c


@pytest.fixture
def new_ticket(django_capture_on_commit_callbacks):
    standard = customer_create(name="普通客户")

    def make(team, *, requester=None, tags=(), subject="订单问题"):
        with django_capture_on_commit_callbacks(execute=True):
            ticket, _ = ticket_create(actor=SYSTEM, subject=subject, body="请帮忙看看",
                                      requester=requester or standard, channel="web",
                                      team_id=team.pk, tags=list(tags))
        return Ticket.objects.get(pk=ticket.pk)

    return make


def test_manual_teams_are_left_alone(desk, new_ticket):
    team, *_ = desk
    assert new_ticket(team).assignee_id is None


def test_least_loaded_fills_evenly_and_never_past_capacity(desk, new_ticket):
    team, a, b, c = desk
    team_routing_set(team_id=team.pk, strategy=Strategy.LEAST_LOADED)
    assignees = [new_ticket(team).assignee_id for _ in range(5)]
    # 甲 and 乙 alternate (ties go to the lower id), 丙 is offline, the fifth waits.
    assert assignees[:4].count(a.pk) == 2 and assignees[:4].count(b.pk) == 2
    assert assignees[4] is None and c.pk not in assignees


def test_round_robin_takes_turns(desk, new_ticket):
    team, a, b, _c = desk
    team_routing_set(team_id=team.pk, strategy=Strategy.ROUND_ROBIN)
    assert [new_ticket(team).assignee_id for _ in range(3)] == [a.pk, b.pk, a.pk]


def test_vip_tickets_go_to_the_vip_agent(desk, new_ticket):
    team, a, b, _c = desk
    team_routing_set(team_id=team.pk, strategy=Strategy.LEAST_LOADED)
    gold = customer_create(name="金卡客户", tier="gold")
    assert new_ticket(team, requester=gold).assignee_id == b.pk
    assert new_ticket(team, requester=gold).assignee_id == b.pk
    # 乙 is full: the next VIP ticket still gets someone with room.
    assert new_ticket(team, requester=gold).assignee_id == a.pk


def test_skills_based_needs_every_skill_the_ticket_asks_for(desk, new_ticket):
    team, a, b, _c = desk
    team_routing_set(team_id=team.pk, strategy=Strategy.SKILLS)
    assert new_ticket(team, tags=["退款"]).assignee_id == b.pk
    assert new_ticket(team).assignee_id == a.pk  # no skill asked: anyone with room
    platinum = customer_create(name="白金客户", tier="platinum")
    assert new_ticket(team, requester=platinum, tags=["退款"]).assignee_id == b.pk
    assert new_ticket(team, requester=platinum).assignee_id is None  # 乙 (vip) is full


def test_waiting_tickets_are_handed_out_when_room_frees_vip_first_then_oldest(
        desk, new_ticket, django_capture_on_commit_callbacks):
    team, a, b, c = desk
    team_routing_set(team_id=team.pk, strategy=Strategy.LEAST_LOADED)
    busy = [new_ticket(team) for _ in range(4)]  # both online agents full
    old = new_ticket(team, subject="最早等待")
    vip = new_ticket(team, requester=customer_create(name="金卡", tier="gold"), subject="VIP 等待")
    newer = new_ticket(team, subject="后来等待")
    assert {old.assignee_id, vip.assignee_id, newer.assignee_id} == {None}

    # An agent solves a ticket: the VIP ticket goes first although it came later.
    with django_capture_on_commit_callbacks(execute=True):
        ticket_update(actor=SYSTEM, ticket=busy[0], changes={"status": "solved"})
    vip.refresh_from_db()
    old.refresh_from_db()
    assert vip.assignee_id == busy[0].assignee_id and old.assignee_id is None

    # 丙 comes online: the oldest waiting ticket goes to them, then the next.
    with django_capture_on_commit_callbacks(execute=True):
        agent_set_availability(user=c, availability=Availability.ONLINE)
    old.refresh_from_db()
    newer.refresh_from_db()
    assert old.assignee_id == c.pk and newer.assignee_id == c.pk


def test_manual_assignment_wins(desk, new_ticket, django_capture_on_commit_callbacks):
    team, a, b, c = desk
    team_routing_set(team_id=team.pk, strategy=Strategy.LEAST_LOADED)
    agent_set_availability(user=a, availability=Availability.OFFLINE)
    agent_set_availability(user=b, availability=Availability.OFFLINE)
    ticket = new_ticket(team)
    with django_capture_on_commit_callbacks(execute=True):
        ticket_update(actor=SYSTEM, ticket=ticket, changes={"assignee_id": c.pk})
        agent_set_availability(user=a, availability=Availability.ONLINE)
    ticket.refresh_from_db()
    assert ticket.assignee_id == c.pk  # routing never moves an assigned ticket
    assert route_waiting(team_id=team.pk) == 0


def test_unassigning_puts_the_ticket_back_in_the_queue(desk, new_ticket,
                                                       django_capture_on_commit_callbacks):
    team, a, b, _c = desk
    team_routing_set(team_id=team.pk, strategy=Strategy.LEAST_LOADED)
    ticket = new_ticket(team)
    first = ticket.assignee_id
    assert first is not None
    with django_capture_on_commit_callbacks(execute=True):
        ticket_update(actor=SYSTEM, ticket=ticket, changes={"assignee_id": None})
    ticket.refresh_from_db()
    assert ticket.assignee_id is not None


def test_skills_based_routes_by_the_customers_language(desk, new_ticket):
    team, a, b, _c = desk
    english = agent_create(username="ding", display_name="丁", capacity=2,
                           availability=Availability.ONLINE, skills=["en"])
    team.members.add(english)
    team_routing_set(team_id=team.pk, strategy=Strategy.SKILLS)
    customer = customer_create(name="John Smith")
    customer.language = "en-us"
    customer.save(update_fields=["language"])
    assert new_ticket(team, requester=customer).assignee_id == english.pk
    assert new_ticket(team, requester=customer).assignee_id == english.pk
    assert new_ticket(team, requester=customer).assignee_id is None  # 丁 is full: it waits
    assert new_ticket(team).assignee_id in (a.pk, b.pk)  # Chinese asks for no language skill

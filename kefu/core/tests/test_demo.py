"""The demo loader: enough varied, consistent data to click through every screen."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.db.models import Count, F, Max, Min

from kefu.accounts.choices import Role
from kefu.accounts.models import AgentProfile, Team
from kefu.customers.choices import Tier
from kefu.customers.identities import normalise_phone
from kefu.customers.models import Customer, CustomerIdentity
from kefu.demo.loader import demo_load
from kefu.macros.models import Macro
from kefu.mailin.models import Mailbox
from kefu.routing.models import TeamRouting
from kefu.sla.escalation import escalation_suppressed
from kefu.tickets.choices import Channel, Priority, Status, TicketType
from kefu.tickets.models import Message, Ticket, TicketEvent

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


def _counts() -> dict[str, int]:
    return {
        "customers": Customer.objects.count(),
        "teams": Team.objects.count(),
        "agents": AgentProfile.objects.count(),
        "tickets": Ticket.objects.count(),
        "messages": Message.objects.count(),
        "events": TicketEvent.objects.count(),
    }


def _snapshot() -> list[tuple]:
    return list(
        Ticket.objects.order_by("number").values_list(
            "subject", "status", "channel", "priority", "type", "requester__name", "created_at"
        )
    )


@pytest.mark.django_db
def test_demo_load_creates_a_varied_consistent_organisation(django_capture_on_commit_callbacks):
    # In production demo_load's own transaction commits inside its escalation_suppressed();
    # here the test's transaction defers the callbacks to this block, so suppress them too.
    with escalation_suppressed(), django_capture_on_commit_callbacks(execute=True):
        assert demo_load(now=NOW) is True
    # Routing was switched on after the history's bus events: the queues stay as loaded.
    assert Ticket.objects.filter(team__isnull=False, assignee__isnull=True,
                                 status__in=["new", "open"]).exists()

    customers = Customer.objects.all()
    assert customers.count() >= 30
    assert set(customers.values_list("tier", flat=True)) == set(Tier.values)
    assert all(c.city and c.occupation and c.birthday for c in customers)

    assert Team.objects.count() == 3
    assert Team.objects.filter(lead__isnull=False).count() == 3
    agents = AgentProfile.objects.filter(role__in=[Role.LEAD, Role.AGENT])
    assert agents.count() == 8
    assert agents.filter(role=Role.LEAD).count() == 3

    tickets = Ticket.objects.all()
    assert tickets.count() == 200
    assert set(tickets.values_list("status", flat=True)) == set(Status.values)
    assert set(tickets.values_list("channel", flat=True)) == set(Channel.values)
    assert set(tickets.values_list("priority", flat=True)) == set(Priority.values)
    assert set(tickets.values_list("type", flat=True)) == set(TicketType.values)

    span = tickets.aggregate(first=Min("created_at"), last=Max("created_at"))
    assert span["first"] >= NOW - dt.timedelta(days=60)
    assert span["last"] <= NOW
    assert Message.objects.filter(created_at__gt=NOW).count() == 0
    assert TicketEvent.objects.filter(created_at__gt=NOW).count() == 0

    assert not tickets.annotate(n=Count("messages")).filter(n=0).exists()
    # The first message is the ticket's own; every later change moved updated_at.
    assert not Message.objects.filter(created_at__lt=F("ticket__created_at")).exists()
    assert not Message.objects.filter(created_at__gt=F("ticket__updated_at")).exists()
    # Anything an agent answered has a first response; nothing new was answered.
    assert not tickets.filter(status=Status.NEW, first_response_at__isnull=False).exists()
    assert not tickets.exclude(status=Status.NEW).filter(first_response_at__isnull=True).exists()
    assert not tickets.filter(status=Status.CLOSED, closed_at__isnull=True).exists()
    assert not tickets.filter(status__in=[Status.SOLVED, Status.CLOSED], solved_at__isnull=True).exists()
    assert tickets.filter(messages__visibility="internal").exists()
    assert dict(TeamRouting.objects.values_list("team__name", "strategy")) == {
        "售前咨询": "round_robin", "售后服务": "least_loaded", "VIP 专席": "skills"}
    assert Mailbox.objects.get(address="support@demo.kefu.local").team.name == "售后服务"
    macros = Macro.objects.all()
    assert macros.count() >= 8 and macros.filter(team__isnull=False).exists()
    assert all("{{customer.name}}" in m.body for m in macros)

    for identity in CustomerIdentity.objects.filter(kind="phone"):
        assert normalise_phone(identity.value) == identity.value

    before = _counts()
    assert demo_load(now=NOW) is False
    assert _counts() == before


@pytest.mark.django_db
def test_demo_load_is_deterministic_for_a_seed():
    sid = transaction.savepoint()
    demo_load(seed=7, now=NOW)
    first = _snapshot()
    transaction.savepoint_rollback(sid)
    assert Ticket.objects.count() == 0
    demo_load(seed=7, now=NOW)
    assert _snapshot() == first

"""The properties panel: each field saved through ticket_update, errors inline."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kefu.tickets.choices import Status
from kefu.tickets.models import Ticket, TicketEvent
from kefu.tickets.services import ticket_update

pytestmark = pytest.mark.django_db


def save(user, ticket, field, value):
    client = Client()
    client.force_login(user)
    return client.post(reverse("workspace:ticket_properties", args=[ticket.pk]),
                       {"field": field, "value": value}, HTTP_HX_REQUEST="true")


def test_priority_change_is_saved_with_an_event(cast, make_ticket):
    ticket = make_ticket(team=cast.team_a)
    response = save(cast.agent_a, ticket, "priority", "urgent")
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.priority == "urgent"
    assert TicketEvent.objects.filter(ticket=ticket, field="priority", after="urgent").exists()
    html = response.content.decode()
    assert 'id="properties"' in html
    assert 'id="reply-seen"' in html  # the agent's own change refreshes the reply token


def test_assign_to_me_and_tags(cast, make_ticket):
    ticket = make_ticket(team=cast.team_a)
    assert save(cast.agent_a2, ticket, "assignee_id", "me").status_code == 200
    assert save(cast.agent_a2, ticket, "tags", "物流， 加急,物流").status_code == 200
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.assignee_id == cast.agent_a2.pk
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["加急", "物流"]


def test_team_members_are_listed_first(cast, make_ticket):
    ticket = make_ticket(team=cast.team_a)
    client = Client()
    client.force_login(cast.admin)
    html = client.get(reverse("workspace:ticket_properties", args=[ticket.pk])).content.decode()
    select = html[html.index('id="prop-assignee"'):]
    assert select.index("李客服") < select.index("陈客服")  # team A before team B


def test_invalid_transition_shows_the_message(cast, make_ticket):
    ticket = make_ticket(team=cast.team_a)
    ticket_update(actor=cast.actor(cast.agent_a), ticket=ticket, changes={"status": "solved"})
    ticket_update(actor=cast.actor(cast.agent_a), ticket=Ticket.objects.get(pk=ticket.pk),
                  changes={"status": "closed"})
    response = save(cast.agent_a, ticket, "status", "pending")
    assert response.status_code == 409
    html = response.content.decode()
    assert "tk-error" in html and "已关闭" in html and "等待客户回复" in html
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED


def test_bad_input_is_an_inline_error(cast, make_ticket):
    ticket = make_ticket(team=cast.team_a)
    assert save(cast.agent_a, ticket, "assignee_id", "abc").status_code == 422
    assert save(cast.agent_a, ticket, "subject_html", "x").status_code == 422
    # agent_b is not in team A: the service refuses the assignment.
    response = save(cast.agent_a, ticket, "assignee_id", str(cast.agent_b.pk))
    assert response.status_code == 422 and "tk-error" in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).assignee_id is None


def test_outsider_cannot_change(cast, make_ticket):
    ticket = make_ticket(team=cast.team_a)
    assert save(cast.agent_b, ticket, "priority", "low").status_code == 404
    assert save(cast.customer_user, ticket, "priority", "low").status_code == 404
    assert Ticket.objects.get(pk=ticket.pk).priority == "normal"

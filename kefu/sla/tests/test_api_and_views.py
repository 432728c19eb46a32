"""The SLA state where people see it: the REST API (agents only), the workspace list's
countdown and the "SLA at risk" view, and the sweep on the job worker's schedule."""

from __future__ import annotations

import pytest
from django.test import Client

from kefu.accounts.actor import SYSTEM
from kefu.jobs.registry import periodics
from kefu.sla.services import sla_sweep
from kefu.sla.tests.conftest import frozen, sh
from kefu.tickets.services import ticket_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def email_ticket(cast, run):
    """An email ticket of team A from the customer, Monday 2026-11-30 09:00: the first
    reply is due after 4 business hours, at 14:30 (lunch 12:00-13:30 does not count)."""
    ticket, _ = run(sh(2026, 11, 30, 9), ticket_create, actor=SYSTEM,
                    subject="发票抬头开错了", body="请帮我重开发票", requester=cast.customer,
                    channel="email", team_id=cast.team_a.pk)
    return ticket


def test_api_shows_the_nearest_clock_to_agents_only(cast, email_ticket):
    with frozen(sh(2026, 11, 30, 10)):
        item = cast.client(cast.agent_a).get(f"/api/v1/tickets/{email_ticket.pk}").json()
        listed = cast.client(cast.agent_a).get("/api/v1/tickets").json()["items"][0]
        own = cast.client(cast.customer_user).get(f"/api/v1/tickets/{email_ticket.pk}").json()
    assert item["sla"]["metric"] == "first_response" and item["sla"]["state"] == "ok"
    assert item["sla"]["seconds_left"] == 4.5 * 3600 and item["sla"]["paused"] is False
    assert listed["sla"] == item["sla"]
    assert own["sla"] is None


def test_list_countdown_and_at_risk_view(cast, email_ticket, web):
    client = web(cast.agent_a)
    with frozen(sh(2026, 11, 30, 10)):
        html = client.get("/agent/views/team/").content.decode()
        assert 'class="sla sla-ok"' in html
        assert email_ticket.subject not in client.get("/agent/views/sla/").content.decode()
    with frozen(sh(2026, 11, 30, 12, 30)):  # 3 of 4 business hours used: at risk
        sla_sweep()
        html = client.get("/agent/views/sla/").content.decode()
        assert email_ticket.subject in html and 'class="sla sla-at_risk"' in html
    with frozen(sh(2026, 11, 30, 15, 0)):
        sla_sweep()
        html = client.get("/agent/views/sla/").content.decode()
        assert 'class="sla sla-breached"' in html
        page = client.get(f"/agent/tickets/{email_ticket.pk}/").content.decode()
        assert "已违约" in page  # the breach is a line of the ticket's history
        assert "服务级别" in page and "11-30 14:30" in page  # the clocks panel, due 14:30


def test_the_sweep_runs_every_minute_on_the_worker():
    assert periodics()["sla.sweep"].every.total_seconds() == 60


def test_views_page_is_unauthorised_for_anonymous(email_ticket):
    assert Client().get("/agent/views/sla/").status_code == 302

"""Escalation on at-risk and breach: notifications (in the workspace and by email),
priority raised, reassigned to the lead; each once."""

from __future__ import annotations

import pytest

from kefu.accounts.actor import SYSTEM
from kefu.notifications.models import Notification
from kefu.notifications.selectors import unread_count
from kefu.sla.services import sla_sweep
from kefu.sla.tests.conftest import sh
from kefu.tickets.models import Ticket
from kefu.tickets.services import ticket_create

pytestmark = pytest.mark.django_db

ESCALATION = {
    "at_risk": {"notify_assignee": True},
    "breached": {"notify_assignee": True, "notify_lead": True, "raise_priority": True,
                 "reassign_to": "lead"},
}


@pytest.fixture
def ticket(cast, run, only_policies):
    only_policies({"first_response_minutes": 60, "time_mode": "calendar",
                   "escalation": ESCALATION})
    cast.agent_a.email, cast.lead_a.email = "li@kefu.test", "wang@kefu.test"
    cast.agent_a.save()
    cast.lead_a.save()
    made, _ = run(sh(2026, 11, 30, 9), ticket_create, actor=SYSTEM, subject="退款还没到账",
                  body="三天了还没到账", requester=cast.customer, channel="email",
                  team_id=cast.team_a.pk, assignee_id=cast.agent_a.pk)
    return made


def test_at_risk_notifies_the_assignee_then_breach_escalates_to_the_lead(cast, run, ticket,
                                                                         mailoutbox, web):
    run(sh(2026, 11, 30, 9, 50), sla_sweep)  # 50 of 60 minutes: at risk
    assert unread_count(user_id=cast.agent_a.pk) == 1 and unread_count(user_id=cast.lead_a.pk) == 0
    note = Notification.objects.get(user=cast.agent_a)
    assert note.kind == "sla_at_risk" and f"#{ticket.number}" in note.text and "首次响应" in note.text
    assert [m.to for m in mailoutbox] == [["li@kefu.test"]]

    run(sh(2026, 11, 30, 10, 5), sla_sweep)  # breached
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.priority == "high" and ticket.assignee_id == cast.lead_a.pk
    assert unread_count(user_id=cast.lead_a.pk) == 1
    assert Notification.objects.filter(kind="sla_breached").count() == 2  # assignee + lead

    run(sh(2026, 11, 30, 10, 30), sla_sweep)  # nothing new: each stage escalates once
    assert Notification.objects.count() == 3

    # The lead's bell and list show it; "mark all read" clears the count.
    client = web(cast.lead_a)
    assert '<span class="count">1</span>' in client.get("/agent/notifications/bell/").content.decode()
    assert "违约" in client.get("/agent/notifications/").content.decode()
    client.post("/agent/notifications/read/")
    assert unread_count(user_id=cast.lead_a.pk) == 0


def test_no_escalation_configured_means_no_notification(cast, run, only_policies):
    only_policies({"first_response_minutes": 60, "time_mode": "calendar", "escalation": {}})
    run(sh(2026, 11, 30, 9), ticket_create, actor=SYSTEM, subject="咨询", body="你好",
        requester=cast.customer, channel="email", team_id=cast.team_a.pk,
        assignee_id=cast.agent_a.pk)
    run(sh(2026, 11, 30, 11), sla_sweep)
    assert Notification.objects.count() == 0


def test_notifications_are_private(cast, web):
    from kefu.notifications.services import notify

    notify(user_ids=[cast.agent_a.pk], kind="other", text="只给李客服", email=False)
    assert "只给李客服" in web(cast.agent_a).get("/agent/notifications/").content.decode()
    assert "只给李客服" not in web(cast.agent_b).get("/agent/notifications/").content.decode()


def test_suppressed_escalation_records_the_breach_but_tells_nobody(cast, run, ticket):
    from kefu.sla.escalation import escalation_suppressed
    from kefu.sla.models import SlaEvent

    with escalation_suppressed():
        run(sh(2026, 11, 30, 10, 5), sla_sweep)
    assert SlaEvent.objects.filter(ticket=ticket, kind="breached").count() == 1
    assert Notification.objects.count() == 0
    assert Ticket.objects.get(pk=ticket.pk).priority == ticket.priority

"""SLA state of ticket lists (one query) and the "SLA at risk" filter."""

from __future__ import annotations

import pytest

from kefu.sla.choices import Health, Metric
from kefu.sla.selectors import annotate_sla_due, attach_sla, filter_sla_at_risk, sla_status_for
from kefu.sla.services import sla_sweep
from kefu.sla.tests.conftest import sh
from kefu.tickets.models import Ticket
from kefu.tickets.services import message_post, ticket_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(cast, make_ticket, run):
    """Email tickets created at 10:00, 11:00 and 15:00 on Wednesday 2025-03-05."""
    return [run(at, make_ticket, channel="email", team=cast.team_a, created_at=at)
            for at in (sh(2025, 3, 5, 10), sh(2025, 3, 5, 11), sh(2025, 3, 5, 15))]


def test_states_of_a_list_in_one_query(three, django_assert_num_queries):
    early, middle, late = three
    now = sh(2025, 3, 5, 15, 40)  # early: due 15:30; middle: due 16:30, at risk 15:30
    with django_assert_num_queries(1):
        states = sla_status_for([t.pk for t in three], now=now)
    assert states[early.pk].state == Health.BREACHED
    assert states[early.pk].seconds_left == -600
    assert states[early.pk].metric == Metric.FIRST_RESPONSE
    assert states[middle.pk].state == Health.AT_RISK
    assert states[middle.pk].seconds_left == 50 * 60
    assert states[late.pk].state == Health.OK
    assert states[late.pk].due_at == sh(2025, 3, 6, 10)  # 15:00-18:00, Thursday 09:00-10:00


def test_answered_ticket_shows_its_next_clock_and_paused_is_frozen(cast, run, three):
    early = three[0]
    run(sh(2025, 3, 5, 11), message_post, actor=cast.actor(cast.agent_a), ticket=early,
        body="已收到", status="pending", created_at=sh(2025, 3, 5, 11))
    status = sla_status_for([early.pk], now=sh(2025, 3, 5, 17))[early.pk]
    assert (status.metric, status.paused, status.state) == (Metric.RESOLUTION, True, Health.OK)
    # Frozen at the pause: the resolution clock was due Monday 11:30.
    assert status.seconds_left == int((sh(2025, 3, 10, 11, 30) - sh(2025, 3, 5, 11)).total_seconds())


def test_at_risk_view_filter_and_sorting(cast, run, three):
    early, middle, late = three
    now = sh(2025, 3, 5, 15, 40)
    run(now, sla_sweep, now)
    risky = filter_sla_at_risk(Ticket.objects.all(), now=now)
    assert set(risky) == {early, middle}
    # Answered late: the breach is history, the ticket leaves the view.
    run(sh(2025, 3, 5, 15, 45), message_post, actor=cast.actor(cast.agent_a), ticket=early,
        body="抱歉久等", created_at=sh(2025, 3, 5, 15, 45))
    assert set(filter_sla_at_risk(Ticket.objects.all(), now=now)) == {middle}
    ordered = list(annotate_sla_due(Ticket.objects.all()).order_by("sla_due_at"))
    assert ordered[0] == middle
    tickets = list(Ticket.objects.all())
    attach_sla(tickets, now=now)
    states = {t.pk: t.sla.state for t in tickets}  # type: ignore[attr-defined]
    assert states[middle.pk] == Health.AT_RISK
    run(sh(2025, 3, 5, 15, 50), ticket_update, actor=cast.actor(cast.agent_a), ticket=middle,
        changes={"status": "on_hold"})
    assert list(filter_sla_at_risk(Ticket.objects.all(), now=sh(2025, 3, 5, 15, 55))) == []

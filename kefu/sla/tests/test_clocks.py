"""Every clock transition, with frozen time and the bus listeners running on commit."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kefu.sla.choices import Metric, SlaEventKind, TargetState
from kefu.sla.models import SlaEvent, SlaTarget
from kefu.sla.services import sla_sweep
from kefu.sla.tests.conftest import sh
from kefu.tickets.choices import Visibility
from kefu.tickets.services import message_post, ticket_update

pytestmark = pytest.mark.django_db


def targets(ticket, metric=None, **filters):
    query = SlaTarget.objects.filter(ticket=ticket, **filters).order_by("started_at", "id")
    return list(query.filter(metric=metric) if metric else query)


def live(ticket, metric):
    found = [t for t in targets(ticket, metric) if t.state != TargetState.CANCELLED]
    return found[-1] if found else None


def kinds(ticket):
    return [(e.metric, e.kind) for e in SlaEvent.objects.filter(ticket=ticket).exclude(kind="applied")]


@pytest.fixture
def email_ticket(cast, make_ticket, run):
    """An email ticket of a standard customer, Wednesday 2025-03-05 10:00 Shanghai."""
    return run(sh(2025, 3, 5, 10), make_ticket, channel="email", team=cast.team_a,
               assignee=cast.agent_a, created_at=sh(2025, 3, 5, 10))


def reply(run, cast, ticket, at, *, user=None, visibility=Visibility.PUBLIC, status=None):
    return run(at, message_post, actor=cast.actor(user or cast.agent_a), ticket=ticket,
               body="您好，我们正在处理", visibility=visibility, status=status, created_at=at)


def customer_writes(run, cast, ticket, at):
    return run(at, message_post, actor=cast.actor(cast.customer_user), ticket=ticket,
               body="请问进展如何？", created_at=at)


def set_status(run, cast, ticket, at, status):
    return run(at, ticket_update, actor=cast.actor(cast.agent_a), ticket=ticket,
               changes={"status": status})


def test_creation_starts_first_response_and_resolution_in_business_time(email_ticket):
    first = live(email_ticket, Metric.FIRST_RESPONSE)
    resolution = live(email_ticket, Metric.RESOLUTION)
    assert first.policy.name == "邮件与网页表单"
    assert first.state == TargetState.RUNNING
    assert first.started_at == sh(2025, 3, 5, 10)
    # 4 business hours from 10:00: 10:00-12:00, then 13:30-15:30.
    assert first.due_at == sh(2025, 3, 5, 15, 30)
    # 75 % = 3 h: 10:00-12:00, then 13:30-14:30.
    assert first.at_risk_at == sh(2025, 3, 5, 14, 30)
    # 24 business hours at 7.5 h a day: Wed 6.5 h left, Thu 7.5, Fri 7.5, Mon 2.5 -> 11:30.
    assert resolution.due_at == sh(2025, 3, 10, 11, 30)
    assert live(email_ticket, Metric.NEXT_RESPONSE) is None
    applied = SlaEvent.objects.get(ticket=email_ticket, kind=SlaEventKind.APPLIED)
    assert applied.policy == first.policy


def test_public_agent_reply_meets_first_response_internal_note_does_not(cast, run, email_ticket):
    reply(run, cast, email_ticket, sh(2025, 3, 5, 10, 30), visibility=Visibility.INTERNAL)
    assert live(email_ticket, Metric.FIRST_RESPONSE).state == TargetState.RUNNING
    reply(run, cast, email_ticket, sh(2025, 3, 5, 11))
    first = live(email_ticket, Metric.FIRST_RESPONSE)
    assert (first.state, first.met_at) == (TargetState.MET, sh(2025, 3, 5, 11))
    assert first.next_check_at is None
    assert live(email_ticket, Metric.RESOLUTION).state == TargetState.RUNNING
    assert kinds(email_ticket) == [(Metric.FIRST_RESPONSE, SlaEventKind.MET)]


def test_next_response_starts_at_customer_message_after_agent_reply(cast, run, email_ticket):
    customer_writes(run, cast, email_ticket, sh(2025, 3, 5, 10, 10))
    assert live(email_ticket, Metric.NEXT_RESPONSE) is None  # first response still pending
    reply(run, cast, email_ticket, sh(2025, 3, 5, 11))
    customer_writes(run, cast, email_ticket, sh(2025, 3, 5, 16))
    nxt = live(email_ticket, Metric.NEXT_RESPONSE)
    assert (nxt.state, nxt.started_at) == (TargetState.RUNNING, sh(2025, 3, 5, 16))
    assert nxt.due_at == sh(2025, 3, 6, 11)  # 16:00-18:00, then Thursday 09:00-11:00
    customer_writes(run, cast, email_ticket, sh(2025, 3, 5, 17))  # still waiting: no second clock
    assert len(targets(email_ticket, Metric.NEXT_RESPONSE)) == 1
    reply(run, cast, email_ticket, sh(2025, 3, 6, 9, 30))
    nxt.refresh_from_db()
    assert (nxt.state, nxt.met_at) == (TargetState.MET, sh(2025, 3, 6, 9, 30))
    customer_writes(run, cast, email_ticket, sh(2025, 3, 6, 10))
    clocks = targets(email_ticket, Metric.NEXT_RESPONSE)
    assert [t.state for t in clocks] == [TargetState.MET, TargetState.RUNNING]
    assert clocks[1].started_at == sh(2025, 3, 6, 10)


def test_pending_pauses_and_customer_reply_resumes_with_due_pushed(cast, run, email_ticket):
    reply(run, cast, email_ticket, sh(2025, 3, 5, 11), status="pending")
    resolution = live(email_ticket, Metric.RESOLUTION)
    before = resolution.due_at
    assert (resolution.state, resolution.paused_at) == (TargetState.PAUSED, sh(2025, 3, 5, 11))
    assert resolution.next_check_at is None
    # Paused from Wed 11:00 to Thu 10:00: 1 + 4.5 + 1 = 6.5 working hours.
    customer_writes(run, cast, email_ticket, sh(2025, 3, 6, 10))
    resolution.refresh_from_db()
    email_ticket.refresh_from_db()
    assert email_ticket.status == "open"
    assert resolution.state == TargetState.RUNNING
    assert resolution.paused_seconds == int(6.5 * 3600)
    # Mon 11:30 + 6.5 working hours: Mon 11:30-12:00 and 13:30-18:00 (5 h), Tue 09:00-10:30.
    assert before == sh(2025, 3, 10, 11, 30)
    assert resolution.due_at == sh(2025, 3, 11, 10, 30)
    assert resolution.next_check_at == resolution.at_risk_at


def test_on_hold_pauses_and_open_resumes(cast, run, email_ticket):
    set_status(run, cast, email_ticket, sh(2025, 3, 5, 10, 30), "on_hold")
    first = live(email_ticket, Metric.FIRST_RESPONSE)
    assert first.state == TargetState.PAUSED
    set_status(run, cast, email_ticket, sh(2025, 3, 5, 11, 30), "open")
    first.refresh_from_db()
    assert first.state == TargetState.RUNNING
    assert first.paused_seconds == 3600
    assert first.due_at == sh(2025, 3, 5, 16, 30)


def test_solved_stops_and_reopen_resumes_resolution(cast, run, email_ticket):
    reply(run, cast, email_ticket, sh(2025, 3, 5, 11))
    set_status(run, cast, email_ticket, sh(2025, 3, 5, 14), "solved")
    resolution = live(email_ticket, Metric.RESOLUTION)
    assert (resolution.state, resolution.met_at) == (TargetState.MET, sh(2025, 3, 5, 14))
    assert resolution.next_check_at is None
    # The customer writes back on Thursday 09:30: reopened, the clock resumes
    # without the solved working time (Wed 14:00-18:00 and Thu 09:00-09:30).
    customer_writes(run, cast, email_ticket, sh(2025, 3, 6, 9, 30))
    resolution.refresh_from_db()
    assert resolution.state == TargetState.RUNNING
    assert resolution.met_at is None
    assert resolution.paused_seconds == int(4.5 * 3600)
    # Mon 11:30 + 4.5 h: 11:30-12:00, 13:30-17:30.
    assert resolution.due_at == sh(2025, 3, 10, 17, 30)
    nxt = live(email_ticket, Metric.NEXT_RESPONSE)
    assert (nxt.state, nxt.started_at) == (TargetState.RUNNING, sh(2025, 3, 6, 9, 30))
    assert [k for k in kinds(email_ticket)] == [
        (Metric.FIRST_RESPONSE, SlaEventKind.MET), (Metric.RESOLUTION, SlaEventKind.MET),
    ]


def test_solving_without_reply_closes_the_response_clock(cast, run, email_ticket):
    set_status(run, cast, email_ticket, sh(2025, 3, 5, 10, 30), "solved")
    assert live(email_ticket, Metric.FIRST_RESPONSE).state == TargetState.MET
    set_status(run, cast, email_ticket, sh(2025, 3, 5, 11), "open")
    assert live(email_ticket, Metric.FIRST_RESPONSE).state == TargetState.MET
    assert live(email_ticket, Metric.RESOLUTION).state == TargetState.RUNNING


def test_sweep_marks_at_risk_then_breach_once(run, email_ticket, sla_bus):
    first = live(email_ticket, Metric.FIRST_RESPONSE)
    assert run(sh(2025, 3, 5, 14, 29), sla_sweep, sh(2025, 3, 5, 14, 29)).checked == 0
    result = run(sh(2025, 3, 5, 14, 31), sla_sweep, sh(2025, 3, 5, 14, 31))
    assert (result.checked, result.at_risk, result.breached) == (1, 1, 0)
    first.refresh_from_db()
    assert first.at_risk_reached_at == sh(2025, 3, 5, 14, 30)
    assert first.state == TargetState.RUNNING
    assert first.next_check_at == first.due_at
    assert run(sh(2025, 3, 5, 14, 32), sla_sweep, sh(2025, 3, 5, 14, 32)).checked == 0
    result = run(sh(2025, 3, 5, 15, 31), sla_sweep, sh(2025, 3, 5, 15, 31))
    assert (result.at_risk, result.breached) == (0, 1)
    first.refresh_from_db()
    assert (first.state, first.breached_at) == (TargetState.BREACHED, sh(2025, 3, 5, 15, 30))
    assert run(sh(2025, 3, 5, 16), sla_sweep, sh(2025, 3, 5, 16)).checked == 0
    breach = SlaEvent.objects.get(ticket=email_ticket, kind=SlaEventKind.BREACHED)
    assert breach.occurred_at == sh(2025, 3, 5, 15, 30)
    assert breach.recorded_at == sh(2025, 3, 5, 15, 31)
    assert [name for name, _ in sla_bus] == ["sla.at_risk", "sla.breached"]
    assert sla_bus[1][1]["ticket_id"] == email_ticket.pk
    assert sla_bus[1][1]["metric"] == Metric.FIRST_RESPONSE


def test_breach_is_kept_when_the_ticket_is_answered_later(cast, run, email_ticket):
    run(sh(2025, 3, 5, 16), sla_sweep, sh(2025, 3, 5, 16))
    reply(run, cast, email_ticket, sh(2025, 3, 5, 17))
    first = live(email_ticket, Metric.FIRST_RESPONSE)
    assert (first.state, first.breached_at, first.met_at) == (
        TargetState.BREACHED, sh(2025, 3, 5, 15, 30), sh(2025, 3, 5, 17))
    assert kinds(email_ticket) == [
        (Metric.FIRST_RESPONSE, SlaEventKind.AT_RISK), (Metric.FIRST_RESPONSE, SlaEventKind.BREACHED),
        (Metric.FIRST_RESPONSE, SlaEventKind.MET),
    ]
    run(sh(2025, 3, 5, 17, 1), sla_sweep, sh(2025, 3, 5, 17, 1))
    assert SlaEvent.objects.filter(ticket=email_ticket, kind=SlaEventKind.BREACHED).count() == 1


def test_late_reply_before_any_sweep_records_the_breach_at_its_time(cast, run, email_ticket, sla_bus):
    reply(run, cast, email_ticket, sh(2025, 3, 5, 16))
    breach = SlaEvent.objects.get(ticket=email_ticket, kind=SlaEventKind.BREACHED)
    assert breach.occurred_at == sh(2025, 3, 5, 15, 30)
    assert live(email_ticket, Metric.FIRST_RESPONSE).state == TargetState.BREACHED
    assert [name for name, _ in sla_bus] == ["sla.at_risk", "sla.breached"]


def test_pause_after_the_due_time_records_the_breach_first(cast, run, email_ticket):
    set_status(run, cast, email_ticket, sh(2025, 3, 5, 16), "pending")
    first = live(email_ticket, Metric.FIRST_RESPONSE)
    assert first.state == TargetState.BREACHED
    assert live(email_ticket, Metric.RESOLUTION).state == TargetState.PAUSED


def test_replayed_events_change_nothing(cast, run, email_ticket):
    from kefu.sla.services import sla_on_message, sla_on_ticket_created

    message = reply(run, cast, email_ticket, sh(2025, 3, 5, 11))
    before = kinds(email_ticket)
    run(sh(2025, 3, 5, 12), sla_on_ticket_created, ticket_id=email_ticket.pk)
    run(sh(2025, 3, 5, 12), sla_on_message, ticket_id=email_ticket.pk, message_id=message.pk)
    assert kinds(email_ticket) == before
    assert len(targets(email_ticket)) == 2


def test_merged_ticket_clocks_are_cancelled(cast, run, make_ticket, email_ticket):
    from kefu.tickets.services import ticket_merge

    other = run(sh(2025, 3, 5, 10, 5), make_ticket, team=cast.team_a, created_at=sh(2025, 3, 5, 10, 5))
    run(sh(2025, 3, 5, 10, 10), ticket_merge, actor=cast.actor(cast.agent_a), source=other,
        target=email_ticket)
    assert {t.state for t in targets(other)} == {TargetState.CANCELLED}
    assert {t.state for t in targets(email_ticket)} == {TargetState.RUNNING}


def test_calendar_time_policy_pauses_by_wall_clock(cast, run, make_ticket):
    cast.customer.tier = "platinum"
    cast.customer.save(update_fields=["tier"])
    # Saturday night: a 24x7 policy does not wait for Monday.
    ticket = run(sh(2025, 3, 8, 22), make_ticket, channel="email", created_at=sh(2025, 3, 8, 22))
    resolution = live(ticket, Metric.RESOLUTION)
    assert resolution.policy.name == "铂金客户"
    assert resolution.due_at == sh(2025, 3, 9, 2)
    assert live(ticket, Metric.FIRST_RESPONSE).due_at == sh(2025, 3, 8, 23)
    set_status(run, cast, ticket, sh(2025, 3, 8, 22, 30), "pending")
    set_status(run, cast, ticket, sh(2025, 3, 8, 23, 15), "open")
    resolution.refresh_from_db()
    assert resolution.due_at == sh(2025, 3, 9, 2) + timedelta(minutes=45)


def test_ticket_opened_by_an_agent_needs_no_first_response(cast, run, make_ticket):
    from kefu.tickets.services import ticket_create

    at = sh(2025, 3, 5, 10)
    ticket, _ = run(at, ticket_create, actor=cast.actor(cast.agent_a), subject="回访", body="您好，回访一下",
                    requester=cast.customer, channel="phone", created_at=at, team_id=cast.team_a.pk)
    assert live(ticket, Metric.FIRST_RESPONSE) is None
    customer_writes(run, cast, ticket, sh(2025, 3, 5, 11))
    assert live(ticket, Metric.NEXT_RESPONSE) is None  # standard phone tickets have no policy


def test_next_response_after_agent_opened_email(cast, run):
    from kefu.tickets.services import ticket_create

    at = sh(2025, 3, 5, 10)
    ticket, _ = run(at, ticket_create, actor=cast.actor(cast.agent_a), subject="退款进度", body="您的退款已提交",
                    requester=cast.customer, channel="email", created_at=at, team_id=cast.team_a.pk)
    assert live(ticket, Metric.FIRST_RESPONSE) is None
    assert live(ticket, Metric.RESOLUTION).state == TargetState.RUNNING
    customer_writes(run, cast, ticket, sh(2025, 3, 5, 11))
    assert live(ticket, Metric.NEXT_RESPONSE).started_at == sh(2025, 3, 5, 11)


def test_sweep_works_in_batches(cast, run, make_ticket):
    tickets = [run(sh(2025, 3, 5, 10), make_ticket, created_at=sh(2025, 3, 5, 10)) for _ in range(3)]
    result = run(sh(2025, 3, 10, 12), sla_sweep, sh(2025, 3, 10, 12), batch_size=2)
    # Per ticket: first response at risk + breached, resolution at risk + breached (due Mon 11:30).
    assert (result.checked, result.at_risk, result.breached) == (6, 6, 6)
    assert SlaTarget.objects.filter(ticket__in=tickets, state=TargetState.BREACHED).count() == 6
    assert run(sh(2025, 3, 10, 12, 1), sla_sweep, sh(2025, 3, 10, 12, 1)).checked == 0


def test_one_transaction_replayed_in_order(cast, make_ticket, django_capture_on_commit_callbacks):
    """An import (or the demo loader) commits a whole history at once: each listener
    applies its own moment, not the ticket's final state."""
    from kefu.sla.tests.conftest import frozen

    agent, customer = cast.actor(cast.agent_a), cast.actor(cast.customer_user)
    with frozen(sh(2025, 3, 7, 9)), django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket(channel="email", created_at=sh(2025, 3, 5, 10))
        message_post(actor=agent, ticket=ticket, body="请提供订单号", status="pending",
                     created_at=sh(2025, 3, 5, 11))
        message_post(actor=customer, ticket=ticket, body="订单号 123", created_at=sh(2025, 3, 5, 14))
        message_post(actor=agent, ticket=ticket, body="已退款", status="solved",
                     created_at=sh(2025, 3, 5, 15))
    first = live(ticket, Metric.FIRST_RESPONSE)
    assert (first.state, first.met_at) == (TargetState.MET, sh(2025, 3, 5, 11))
    nxt = live(ticket, Metric.NEXT_RESPONSE)
    assert (nxt.started_at, nxt.met_at) == (sh(2025, 3, 5, 14), sh(2025, 3, 5, 15))
    resolution = live(ticket, Metric.RESOLUTION)
    assert (resolution.state, resolution.met_at) == (TargetState.MET, sh(2025, 3, 5, 15))
    assert resolution.paused_seconds == int(1.5 * 3600)  # 11:00-12:00 and 13:30-14:00

"""Time-based rules: the periodic sweep fires once per ticket and period."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kefu.accounts.actor import SYSTEM, actor_for
from kefu.automations.models import Rule, RuleRun
from kefu.automations.selectors import time_candidates
from kefu.automations.services import time_rules_sweep
from kefu.automations.tests.conftest import frozen
from kefu.jobs import registry
from kefu.tickets.choices import AuthorKind, Visibility
from kefu.tickets.models import Ticket
from kefu.tickets.services import message_post, ticket_update

pytestmark = pytest.mark.django_db

H = dt.timedelta(hours=1)


def sweep(bus, at):
    with bus(at):
        return time_rules_sweep(at)


def reminders(ticket) -> int:
    return ticket.messages.filter(visibility=Visibility.PUBLIC, author_kind=AuthorKind.SYSTEM).count()


def test_the_sweep_is_a_five_minute_periodic_job(make_ticket, rule, bus):
    assert registry.periodics()["automations.time_rules"].every == dt.timedelta(minutes=5)
    rule(event="time_based", time_anchor="created", time_hours=1, actions=[{"type": "add_tags", "tags": ["t"]}])
    ticket = make_ticket()
    handler = registry.handler_for("automations.time_rules")
    assert handler is not None
    with bus(timezone.now() + 2 * H):
        handler({"tick": ""})
        handler({"tick": ""})  # at-least-once: a second run changes nothing
    assert RuleRun.objects.filter(ticket=ticket).count() == 1


def test_pending_reminder_fires_once_per_pending_period(cast, make_ticket, bus):
    Rule.objects.filter(name="待回复 3 天后提醒客户").update(active=True)
    ticket = make_ticket()
    t0 = timezone.now() + H
    with bus(t0):
        ticket_update(actor=SYSTEM, ticket=ticket, changes={"status": "pending"})
    assert sweep(bus, t0 + 71 * H) == 0
    assert sweep(bus, t0 + 73 * H) == 1
    assert reminders(ticket) == 1
    reply = ticket.messages.get(author_kind=AuthorKind.SYSTEM)
    assert reply.body_text.startswith("您好，我们还在等待您的回复")
    assert Ticket.objects.get(pk=ticket.pk).status == "pending"
    assert sweep(bus, t0 + 100 * H) == 0  # the same period: no second reminder
    # The customer answers (the ticket reopens), the agent sets pending again: a new period.
    with bus(t0 + 101 * H):
        message_post(actor=actor_for(cast.customer_user), ticket=ticket, body="还没好")
    with bus(t0 + 102 * H):
        ticket_update(actor=SYSTEM, ticket=ticket, changes={"status": "pending"})
    assert sweep(bus, t0 + 150 * H) == 0
    assert sweep(bus, t0 + 175 * H) == 1
    assert reminders(ticket) == 2
    assert RuleRun.objects.filter(ticket=ticket).count() == 2


def test_auto_close_after_seven_days_solved(make_ticket, bus):
    Rule.objects.filter(name="已解决 7 天后自动关闭").update(active=True)
    solved, other = make_ticket(), make_ticket(subject="另一个")
    t0 = timezone.now() + H
    with bus(t0):
        ticket_update(actor=SYSTEM, ticket=solved, changes={"status": "solved"})
        ticket_update(actor=SYSTEM, ticket=other, changes={"status": "open"})
    assert sweep(bus, t0 + 6 * 24 * H) == 0
    assert sweep(bus, t0 + 7 * 24 * H + H) == 1
    assert Ticket.objects.get(pk=solved.pk).status == "closed"
    assert Ticket.objects.get(pk=other.pk).status == "open"
    assert sweep(bus, t0 + 30 * 24 * H) == 0


def test_conditions_filter_time_based_candidates(cast, make_ticket, rule, bus):
    r = rule(event="time_based", time_anchor="customer_message", time_hours=4,
             conditions=[{"field": "channel", "op": "is", "value": "chat"}],
             actions=[{"type": "add_tags", "tags": ["久等"]}])
    email, chat = make_ticket(), make_ticket(channel="chat")
    later = timezone.now() + 5 * H
    with frozen(later):
        assert set(time_candidates(r, later).values_list("pk", flat=True)) >= {email.pk, chat.pk}
    assert sweep(bus, later) == 1
    assert list(Ticket.objects.get(pk=chat.pk).tags.values_list("name", flat=True)) == ["久等"]
    assert not Ticket.objects.get(pk=email.pk).tags.exists()
    # Ran once: the chat ticket is no longer a candidate for this period.
    assert chat.pk not in set(time_candidates(r, later).values_list("pk", flat=True))


def test_sweep_walks_every_candidate_in_batches(make_ticket, rule, bus):
    rule(event="time_based", time_anchor="created", time_hours=1, actions=[{"type": "add_tags", "tags": ["t"]}])
    tickets = [make_ticket(subject=f"工单 {i}") for i in range(5)]
    with bus(timezone.now() + 2 * H):
        assert time_rules_sweep(timezone.now(), batch_size=2) == 5
    assert all(t.tags.filter(name="t").exists() for t in tickets)

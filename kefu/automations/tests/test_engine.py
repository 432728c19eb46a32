"""The engine on bus events: conditions, actions, order, disabled rules, loops, replays."""

from __future__ import annotations

import socket

import pytest
from django.core import mail

from kefu.accounts.actor import SYSTEM, actor_for
from kefu.automations.models import Rule, RuleRun
from kefu.automations.services import max_depth, rules_run
from kefu.core.events import Event, publish
from kefu.macros.models import Macro
from kefu.tickets.choices import AuthorKind, Visibility
from kefu.tickets.models import Ticket, TicketEvent
from kefu.tickets.services import message_post, ticket_update

pytestmark = pytest.mark.django_db


def tags(ticket) -> set[str]:
    return set(Ticket.objects.get(pk=ticket.pk).tags.values_list("name", flat=True))


def fresh(ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def test_platinum_complaint_becomes_urgent_and_the_run_is_recorded(cast, make_ticket, rule, bus):
    r = rule(conditions=[{"field": "customer_tier", "op": "is", "value": "platinum"},
                         {"any": [{"field": "type", "op": "is", "value": "complaint"},
                                  {"field": "message_text", "op": "contains", "value": "投诉"}]}],
             actions=[{"type": "set_priority", "value": "urgent"}, {"type": "add_tags", "tags": ["投诉"]}])
    cast.customer.tier = "platinum"
    cast.customer.save(update_fields=["tier"])
    with bus():
        ticket = make_ticket(body="我要投诉你们的快递")
        plain = make_ticket(requester=cast.other_customer, body="我要投诉")
    assert fresh(ticket).priority == "urgent" and tags(ticket) == {"投诉"}
    assert fresh(plain).priority == "normal" and tags(plain) == set()
    run = RuleRun.objects.get(ticket=ticket)
    assert (run.rule, run.event, run.depth, run.error) == (r, "ticket_created", 0, "")
    assert [a["type"] for a in run.actions_done] == ["set_priority", "add_tags"]
    assert all(a["ok"] for a in run.actions_done)


def test_shipped_complaint_example_works_once_enabled(cast, make_ticket, bus):
    example = Rule.objects.get(name="白金客户投诉标记为紧急")
    assert not example.active
    cast.customer.tier = "platinum"
    cast.customer.save(update_fields=["tier"])
    with bus():
        untouched = make_ticket(type="complaint")
    Rule.objects.filter(pk=example.pk).update(active=True)
    with bus():
        ticket = make_ticket(type="complaint")
    assert fresh(untouched).priority == "normal"
    assert fresh(ticket).priority == "urgent" and tags(ticket) == {"投诉"}


def test_rules_run_in_position_order_and_see_earlier_changes(make_ticket, rule, bus):
    rule(name="second", position=2, conditions=[{"field": "priority", "op": "is", "value": "high"}],
         actions=[{"type": "add_tags", "tags": ["seen-high"]}])
    rule(name="first", position=1, actions=[{"type": "set_priority", "value": "high"}])
    rule(name="off", position=0, active=False, actions=[{"type": "add_tags", "tags": ["disabled"]}])
    with bus():
        ticket = make_ticket()
    assert tags(ticket) == {"seen-high"}
    assert [r.rule.name for r in RuleRun.objects.filter(ticket=ticket).order_by("id")] == ["first", "second"]


def test_reversed_order_does_not_see_the_later_change(make_ticket, rule, bus):
    rule(name="second", position=1, conditions=[{"field": "priority", "op": "is", "value": "high"}],
         actions=[{"type": "add_tags", "tags": ["seen-high"]}])
    rule(name="first", position=2, actions=[{"type": "set_priority", "value": "high"}])
    with bus():
        ticket = make_ticket()
    # The priority change is an update event, not a creation: "second" does not run.
    assert fresh(ticket).priority == "high" and tags(ticket) == set()


def test_customer_reply_rule_reads_the_message_text(cast, make_ticket, rule, bus):
    rule(event="customer_replied", conditions=[{"field": "message_text", "op": "contains", "value": "退款"}],
         actions=[{"type": "add_tags", "tags": ["退款"]}])
    ticket = make_ticket(team=cast.team_a)
    with bus():
        message_post(actor=actor_for(cast.agent_a), ticket=ticket, body="我们在处理退款")
    assert tags(ticket) == set()  # an agent's reply is not a customer reply
    with bus():
        message_post(actor=actor_for(cast.customer_user), ticket=ticket, body="请尽快退款")
    assert tags(ticket) == {"退款"}


def test_ticket_updated_rule_can_test_the_changed_fields(cast, make_ticket, rule, bus):
    rule(event="ticket_updated", conditions=[{"field": "changed", "op": "contains", "value": "status"},
                                             {"field": "status", "op": "is", "value": "pending"}],
         actions=[{"type": "add_note", "body": "等待客户回复 #{{ ticket.number }}"}])
    ticket = make_ticket()
    with bus():
        ticket_update(actor=SYSTEM, ticket=ticket, changes={"priority": "high"})
    assert not ticket.messages.filter(visibility=Visibility.INTERNAL).exists()
    with bus():
        ticket_update(actor=SYSTEM, ticket=ticket, changes={"status": "pending"})
    note = ticket.messages.get(visibility=Visibility.INTERNAL)
    assert note.body_text == f"等待客户回复 #{fresh(ticket).number}"
    assert note.author_kind == AuthorKind.SYSTEM


@pytest.mark.parametrize("event", ["sla_at_risk", "sla_breached"])
def test_sla_events_run_once_per_clock(cast, make_ticket, rule, bus, event):
    rule(event=event, actions=[{"type": "set_priority", "value": "urgent"},
                               {"type": "assign_agent", "user_id": cast.lead_a.pk}])
    ticket = make_ticket(team=cast.team_a)
    bus_event = Event.SLA_AT_RISK if event == "sla_at_risk" else Event.SLA_BREACHED
    with bus():
        publish(bus_event, ticket_id=ticket.pk, target_id=99, policy_id=None, metric="resolution",
                occurred_at="")
        publish(bus_event, ticket_id=ticket.pk, target_id=99, policy_id=None, metric="resolution",
                occurred_at="")  # a replay of the same occurrence
    ticket = fresh(ticket)
    assert (ticket.priority, ticket.assignee_id) == ("urgent", cast.lead_a.pk)
    assert RuleRun.objects.filter(ticket=ticket, event=event).count() == 1


def test_field_actions(cast, make_ticket, rule, bus):
    rule(actions=[{"type": "set_type", "value": "incident"}, {"type": "set_status", "value": "open"},
                  {"type": "add_tags", "tags": ["a", "b"]}, {"type": "remove_tags", "tags": ["a"]},
                  {"type": "assign_agent", "user_id": cast.agent_b.pk},
                  {"type": "assign_team", "team_id": cast.team_a.pk}])
    with bus():
        ticket = make_ticket()
    ticket = fresh(ticket)
    # Moving to a team the assignee is not in hands the ticket to that team unassigned.
    assert (ticket.type, ticket.status, ticket.team_id, ticket.assignee_id) == (
        "incident", "open", cast.team_a.pk, None)
    assert tags(ticket) == {"b"}


def test_reply_goes_to_the_customer_as_a_public_system_notice(cast, make_ticket, rule, bus):
    macro = Macro.objects.create(title="提醒", body="{{ customer.name }}您好，工单 #{{ ticket.number }} 还在等您。")
    rule(event="ticket_updated", conditions=[{"field": "status", "op": "is", "value": "pending"}],
         actions=[{"type": "reply", "macro_id": macro.pk}])
    ticket = make_ticket()
    with bus():
        ticket_update(actor=SYSTEM, ticket=ticket, changes={"status": "pending"})
    reply = ticket.messages.get(visibility=Visibility.PUBLIC, author_kind=AuthorKind.SYSTEM)
    assert reply.body_text == f"张三您好，工单 #{fresh(ticket).number} 还在等您。"
    assert reply.author_user_id is None
    assert fresh(ticket).status == "pending"  # not mistaken for the customer answering
    assert fresh(ticket).last_agent_message_at is None  # nor for an agent's response


def test_notify_mails_the_assignee_and_the_lead(cast, make_ticket, rule, bus, run_jobs):
    cast.agent_a.email = "agent_a@kefu.test"
    cast.agent_a.save(update_fields=["email"])
    cast.lead_a.email = "lead_a@kefu.test"
    cast.lead_a.save(update_fields=["email"])
    rule(actions=[{"type": "notify", "to": ["assignee", "lead"], "subject": "新工单 {{ ticket.number }}"}])
    with bus():
        ticket = make_ticket(team=cast.team_a, assignee=cast.agent_a)
    assert mail.outbox == []  # queued with the run, sent by the worker
    assert run_jobs() == 1
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["agent_a@kefu.test", "lead_a@kefu.test"]
    assert mail.outbox[0].subject == f"新工单 {fresh(ticket).number}"


def test_notify_the_customer_is_an_email_to_the_requester(cast, make_ticket, rule, bus, run_jobs):
    rule(actions=[{"type": "notify", "to": ["customer"], "subject": "关于工单 {{ ticket.number }}",
                   "body": "{{ customer.name }}您好，我们已收到您的问题，会在 24 小时内答复。"}])
    with bus():
        ticket = make_ticket(team=cast.team_a)
    assert run_jobs() == 1
    assert [m.to for m in mail.outbox] == [["zhang@example.com"]]
    assert mail.outbox[0].body == "张三您好，我们已收到您的问题，会在 24 小时内答复。"
    assert mail.outbox[0].subject == f"关于工单 {fresh(ticket).number}"


def test_webhook_posts_json_to_a_local_server(cast, make_ticket, rule, bus, webhook, run_jobs):
    r = rule(actions=[{"type": "add_tags", "tags": ["hooked"]}, {"type": "webhook", "url": webhook.url,
                                                                  "timeout": 2}])
    with bus():
        ticket = make_ticket()
    assert webhook.bodies == []
    assert run_jobs() == 1
    assert len(webhook.bodies) == 1
    body = webhook.bodies[0]
    assert body["rule"] == {"id": r.pk, "name": r.name}
    assert body["ticket"]["number"] == fresh(ticket).number and body["ticket"]["tags"] == ["hooked"]
    run = RuleRun.objects.get(ticket=ticket)
    assert run.error == "" and run.actions_done[-1] == {"index": 2, "type": "webhook", "ok": True,
                                                          "detail": "HTTP 200"}


def test_failing_webhooks_are_recorded_and_do_not_undo_the_ticket_write(cast, make_ticket, rule, bus,
                                                                        webhook, run_jobs):
    webhook.status = 500
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    rule(actions=[{"type": "set_priority", "value": "high"},
                  {"type": "webhook", "url": webhook.url, "timeout": 2},
                  {"type": "webhook", "url": f"http://127.0.0.1:{closed_port}/", "timeout": 1}])
    with bus():
        ticket = make_ticket()
    assert run_jobs() == 2
    assert fresh(ticket).priority == "high"
    run = RuleRun.objects.get(ticket=ticket)
    assert "HTTP 500" in run.error and "webhook failed" in run.error
    assert [a["ok"] for a in run.actions_done] == [True, False, False]


def test_a_failing_action_is_recorded_and_the_others_still_apply(make_ticket, rule, bus):
    rule(actions=[{"type": "set_status", "value": "closed"},  # new -> closed is not allowed
                  {"type": "add_tags", "tags": ["still"]}])
    with bus():
        ticket = make_ticket()
    assert fresh(ticket).status == "new" and tags(ticket) == {"still"}
    run = RuleRun.objects.get(ticket=ticket)
    assert "cannot become closed" in run.error
    assert [a["ok"] for a in run.actions_done] == [False, True]


def test_a_rule_retriggering_itself_stops_at_the_chain_bound(make_ticket, rule, bus):
    # Each run removes and re-adds the tag: two updates, which trigger the rule again.
    loop = rule(event="ticket_updated", conditions=[{"field": "tags", "op": "contains", "value": "x"}],
                actions=[{"type": "remove_tags", "tags": ["x"]}, {"type": "add_tags", "tags": ["x"]}])
    ticket = make_ticket(tags=["x"])
    with bus():
        ticket_update(actor=SYSTEM, ticket=ticket, changes={"priority": "high"})
    runs = list(RuleRun.objects.filter(rule=loop).order_by("depth", "id"))
    bound = max_depth()
    assert [r.depth for r in runs] == [*range(bound), bound]
    assert all(r.error == "" for r in runs[:-1])
    assert "chain depth limit" in runs[-1].error and runs[-1].actions_done == []
    assert tags(ticket) == {"x"}
    # A person's next change starts a new chain at depth 0.
    with bus():
        ticket_update(actor=SYSTEM, ticket=ticket, changes={"priority": "low"})
    assert RuleRun.objects.filter(rule=loop, depth=0).count() == 2


def test_two_rules_ping_ponging_stop_at_the_bound(make_ticket, rule, bus):
    up = rule(event="ticket_updated", conditions=[{"field": "priority", "op": "is", "value": "low"}],
              actions=[{"type": "set_priority", "value": "high"}])
    down = rule(event="ticket_updated", conditions=[{"field": "priority", "op": "is", "value": "high"}],
                actions=[{"type": "set_priority", "value": "low"}])
    ticket = make_ticket()
    with bus():
        ticket_update(actor=SYSTEM, ticket=ticket, changes={"priority": "low"})
    done = list(RuleRun.objects.filter(rule__in=[up, down], error=""))
    # Both rules may run at each level of the chain, never deeper than the bound.
    assert {r.depth for r in done} == set(range(max_depth()))
    assert len(done) <= 2 * max_depth()
    assert RuleRun.objects.filter(rule__in=[up, down], error__contains="chain depth limit").exists()


def test_a_rule_never_runs_twice_for_one_occurrence(make_ticket, rule, bus):
    r = rule(actions=[{"type": "add_note", "body": "hello"}])
    with bus():
        ticket = make_ticket()
    with bus():
        rules_run(event="ticket_created", ticket_id=ticket.pk)  # a replayed event
    assert RuleRun.objects.filter(rule=r, ticket=ticket).count() == 1
    assert ticket.messages.filter(visibility=Visibility.INTERNAL).count() == 1


def test_customer_tags_team_and_business_hours_on_a_live_ticket(cast, make_ticket, rule, bus):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from kefu.core.tags import tags_get_or_create

    cast.customer.tags.set(tags_get_or_create(["大客户"]))
    rule(conditions=[{"field": "customer_tags", "op": "contains", "value": "大客户"},
                     {"field": "team", "op": "is", "value": cast.team_a.pk},
                     {"field": "business_hours", "op": "is", "value": False}],
         actions=[{"type": "add_note", "body": "非工作时间的大客户工单，请值班同事跟进。"}])
    sunday = datetime(2025, 9, 21, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    tuesday = datetime(2025, 9, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with bus(sunday):
        weekend = make_ticket(team=cast.team_a)
        other_team = make_ticket(team=cast.team_b)
        not_vip = make_ticket(team=cast.team_a, requester=cast.other_customer)
    with bus(tuesday):
        weekday = make_ticket(team=cast.team_a)
    noted = {t.pk for t in (weekend, other_team, not_vip, weekday)
             if t.messages.filter(visibility=Visibility.INTERNAL).exists()}
    assert noted == {weekend.pk}


def test_each_run_is_a_line_of_the_ticket_history(cast, make_ticket, rule, bus, web):
    rule(name="紧急投诉加标签", event="ticket_created",
         conditions=[{"field": "channel", "op": "is", "value": "email"}],
         actions=[{"type": "add_tags", "tags": ["紧急"]}])
    with bus():
        ticket = make_ticket(team=cast.team_a)
    line = TicketEvent.objects.get(ticket=ticket, kind="automation")
    assert line.after["rule"] == "紧急投诉加标签" and line.after["ok"] is True
    page = web(cast.agent_a).get(f"/agent/tickets/{ticket.pk}/").content.decode()
    assert "自动化规则“紧急投诉加标签”已执行" in page

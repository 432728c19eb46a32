"""Promises: recorded on a ticket, shown on the ticket and the customer panel, reminded
once before they fall due, marked kept or broken once, counted per agent and team."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kefu.core.errors import DomainError, InvalidTransition, ValidationFailed
from kefu.promises.models import Promise, PromiseStatus
from kefu.promises.selectors import customer_open_promises, promise_counts
from kefu.promises.services import promise_create, promise_remind_due, promise_resolve

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)


def test_create_resolve_and_count(cast, make_ticket):
    ticket = make_ticket(team=cast.team_a, assignee=cast.agent_a)
    agent = cast.actor(cast.agent_a)
    kept = promise_create(actor=agent, ticket=ticket, what="24 小时内退款，短信确认",
                          due_at=NOW + dt.timedelta(hours=24), now=NOW)
    broken = promise_create(actor=agent, ticket=ticket, what="明天上午回电",
                            due_at=NOW + dt.timedelta(hours=2), now=NOW)
    assert kept.owner_id == cast.agent_a.pk and kept.customer_id == ticket.requester_id
    promise_resolve(actor=agent, promise=kept, kept=True)
    promise_resolve(actor=cast.actor(cast.lead_a), promise=broken, kept=False)
    with pytest.raises(InvalidTransition):
        promise_resolve(actor=agent, promise=broken, kept=True)  # marked once
    assert Promise.objects.get(pk=broken.pk).status == PromiseStatus.BROKEN
    rows = promise_counts(actor=cast.actor(cast.lead_a), now=NOW)
    assert rows == [{"owner_id": cast.agent_a.pk, "ticket__team_id": cast.team_a.pk,
                     "open": 0, "overdue": 0, "kept": 1, "broken": 1}]
    assert promise_counts(actor=cast.actor(cast.agent_b), now=NOW) == []  # other team


@pytest.mark.parametrize("what, due, field", [
    ("", dt.timedelta(hours=1), "what"),
    ("退款", -dt.timedelta(days=1), "due_at"),
    ("x" * 501, dt.timedelta(hours=1), "what"),
])
def test_bad_promises_are_refused(cast, make_ticket, what, due, field):
    ticket = make_ticket(team=cast.team_a)
    with pytest.raises(ValidationFailed) as error:
        promise_create(actor=cast.actor(cast.agent_a), ticket=ticket, what=what,
                       due_at=NOW + due, now=NOW)
    assert error.value.field == field


def test_outsiders_and_customers_cannot_record(cast, make_ticket):
    ticket = make_ticket(team=cast.team_a)
    for actor in (cast.actor(cast.agent_b), cast.actor(cast.customer_user)):
        with pytest.raises(DomainError):
            promise_create(actor=actor, ticket=ticket, what="退款",
                           due_at=NOW + dt.timedelta(hours=1), now=NOW)


def test_owner_is_reminded_once_before_due(cast, make_ticket, mailoutbox):
    cast.agent_a.email = "li@kefu.test"
    cast.agent_a.save()
    ticket = make_ticket(team=cast.team_a)
    soon = promise_create(actor=cast.actor(cast.agent_a), ticket=ticket, what="今天 11 点前回电",
                          due_at=NOW + dt.timedelta(minutes=50), now=NOW)
    promise_create(actor=cast.actor(cast.agent_a), ticket=ticket, what="下周寄出发票",
                   due_at=NOW + dt.timedelta(days=7), now=NOW)
    assert promise_remind_due(within=dt.timedelta(hours=1), now=NOW) == 1
    assert promise_remind_due(within=dt.timedelta(hours=1), now=NOW) == 0
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["li@kefu.test"]
    assert f"#{ticket.number}" in mailoutbox[0].subject and soon.what in mailoutbox[0].body


def test_ticket_page_records_and_marks_promises(cast, make_ticket):
    ticket = make_ticket(team=cast.team_a)
    client = Client()
    client.force_login(cast.agent_a)
    url = reverse("workspace:ticket_promises", args=[ticket.pk])
    due = timezone.localtime() + dt.timedelta(days=1)
    html = client.post(url, {"what": "48 小时内补发", "due_at": due.strftime("%Y-%m-%dT%H:%M")}
                       ).content.decode()
    assert "48 小时内补发" in html
    promise = Promise.objects.get()
    bad = client.post(url, {"what": "", "due_at": "明天"})
    assert bad.status_code == 422 and "请" in bad.content.decode()
    page = client.get(reverse("workspace:ticket", args=[ticket.pk])).content.decode()
    assert page.count("48 小时内补发") == 2  # the promises card and the customer panel
    resolve = reverse("workspace:ticket_promise_resolve", args=[ticket.pk, promise.pk])
    assert client.post(resolve, {"kept": "1"}).status_code == 200
    assert Promise.objects.get().status == PromiseStatus.KEPT
    assert customer_open_promises(actor=cast.actor(cast.agent_a),
                                  customer_id=ticket.requester_id) == []
    outsider = Client()
    outsider.force_login(cast.agent_b)
    assert outsider.post(resolve, {"kept": "0"}).status_code == 404


def test_promises_page_lists_open_ones_and_counts_per_agent(cast, make_ticket, web):
    ticket = make_ticket(team=cast.team_a, assignee=cast.agent_a)
    agent = cast.actor(cast.agent_a)
    promise_create(actor=agent, ticket=ticket, what="今天下班前回电", due_at=timezone.now()
                   + dt.timedelta(hours=3))
    done = promise_create(actor=agent, ticket=ticket, what="补发赠品",
                          due_at=timezone.now() + dt.timedelta(hours=1))
    promise_resolve(actor=agent, promise=done, kept=False)
    html = web(cast.lead_a).get("/agent/promises/").content.decode()
    assert "今天下班前回电" in html and "补发赠品" not in html  # open ones only
    assert "李客服" in html and "0%" in html  # one broken of one resolved
    assert "今天下班前回电" not in web(cast.agent_b).get("/agent/promises/").content.decode()

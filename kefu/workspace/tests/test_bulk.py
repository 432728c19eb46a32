"""Bulk actions: every ticket through ticket_update; failures reported, the rest kept."""

from __future__ import annotations

from kefu.accounts.actor import SYSTEM
from kefu.tickets.models import Ticket, TicketEvent
from kefu.tickets.services import ticket_update


def bulk(client, ids, action, value, follow=True):
    return client.post(f"/agent/bulk/{action}/", {
        "ids": [str(i) for i in ids], f"value_{action}": value, "next": "/agent/views/team/",
    }, follow=follow)


def fresh(ticket):
    return Ticket.objects.get(pk=ticket.pk)


def test_set_status_and_priority(cast, queue, web):
    client = web(cast.agent_a)
    response = bulk(client, [queue.t1.pk, queue.t2.pk], "status", "pending", follow=False)
    assert response.status_code == 302 and response["Location"] == "/agent/views/team/"
    assert fresh(queue.t1).status == fresh(queue.t2).status == "pending"
    assert TicketEvent.objects.filter(ticket=queue.t1, kind="status_changed").exists()
    html = bulk(client, [queue.t1.pk, queue.t2.pk], "priority", "urgent").content.decode()
    assert "已更新 2 个工单" in html
    assert fresh(queue.t1).priority == fresh(queue.t2).priority == "urgent"


def test_partial_failure_keeps_the_others(cast, queue, web):
    solved = queue.t6
    ticket_update(actor=SYSTEM, ticket=solved, changes={"status": "solved"})
    response = bulk(web(cast.agent_a), [queue.t2.pk, solved.pk, queue.t1.pk], "status", "pending")
    html = response.content.decode()
    assert fresh(queue.t2).status == fresh(queue.t1).status == "pending"
    assert fresh(solved).status == "solved"
    assert "已更新 2 个工单" in html
    assert f"#{solved.number}" in html and "invalid_transition" in html


def test_outsider_tickets_fail_as_not_found(cast, queue, web):
    html = bulk(web(cast.agent_b), [queue.t1.pk, queue.t3.pk], "priority", "high").content.decode()
    assert fresh(queue.t3).priority == "high" and fresh(queue.t1).priority == "normal"
    assert f"工单 {queue.t1.pk} 未修改" in html


def test_assign_and_tag(cast, queue, web):
    client = web(cast.lead_a)
    html = bulk(client, [queue.t2.pk, queue.t6.pk], "assign", str(cast.agent_a2.pk)).content.decode()
    assert fresh(queue.t2).assignee == fresh(queue.t6).assignee == cast.agent_a2
    # agent_b is not in team A: refused per ticket with a readable reason.
    html = bulk(client, [queue.t2.pk], "assign", str(cast.agent_b.pk)).content.decode()
    assert fresh(queue.t2).assignee == cast.agent_a2 and "不在该工单的团队" in html
    bulk(client, [queue.t2.pk], "assign", "me")
    assert fresh(queue.t2).assignee == cast.lead_a
    bulk(client, [queue.t2.pk], "assign", "none")
    assert fresh(queue.t2).assignee is None
    ticket_update(actor=SYSTEM, ticket=queue.t2, changes={"tags": ["发票"]})
    bulk(client, [queue.t2.pk, queue.t6.pk], "tag", " 加急 ")
    assert sorted(fresh(queue.t2).tags.values_list("name", flat=True)) == sorted(["发票", "加急"])
    assert list(fresh(queue.t6).tags.values_list("name", flat=True)) == ["加急"]


def test_bad_requests_change_nothing(cast, queue, web):
    client = web(cast.agent_a)
    html = bulk(client, [], "status", "open").content.decode()
    assert "未做任何修改" in html
    html = bulk(client, [queue.t1.pk], "explode", "x").content.decode()
    assert "未做任何修改" in html
    bulk(client, [queue.t1.pk], "status", "bogus")
    bulk(client, [queue.t1.pk], "tag", "   ")
    assert fresh(queue.t1).status == "new" and not fresh(queue.t1).tags.exists()
    assert client.get("/agent/bulk/status/").status_code == 405

"""The agent's ticket page: who may open it and what it shows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kefu.customers.services import customer_update
from kefu.tickets.services import message_post, ticket_update

pytestmark = pytest.mark.django_db


def page(user, ticket):
    client = Client()
    client.force_login(user)
    return client.get(reverse("workspace:ticket", args=[ticket.pk]))


def test_owner_and_teammate_see_the_page(cast, make_ticket):
    ticket = make_ticket(team=cast.team_a, assignee=cast.agent_a)
    for user in (cast.agent_a, cast.agent_a2, cast.lead_a, cast.admin):
        response = page(user, ticket)
        assert response.status_code == 200, user
        assert "订单还没有发货" in response.content.decode()


def test_outsider_and_customer_get_404(cast, make_ticket):
    ticket = make_ticket(team=cast.team_a, assignee=cast.agent_a)
    assert page(cast.agent_b, ticket).status_code == 404
    # The requester himself: a portal customer is not staff.
    assert page(cast.customer_user, ticket).status_code == 404
    assert page(cast.agent_a, type("T", (), {"pk": 999999})()).status_code == 404


def test_anonymous_is_sent_to_login(cast, make_ticket):
    ticket = make_ticket(team=cast.team_a)
    response = Client().get(reverse("workspace:ticket", args=[ticket.pk]))
    assert response.status_code == 302


def test_internal_note_is_labelled_and_events_are_shown(cast, make_ticket):
    ticket = make_ticket(team=cast.team_a)
    actor = cast.actor(cast.agent_a)
    message_post(actor=actor, ticket=ticket, body="客户是老用户，注意语气", visibility="internal")
    message_post(actor=actor, ticket=ticket, body="您好，已为您加急处理", status="pending")
    html = page(cast.agent_a, ticket).content.decode()
    assert "tk-note" in html and "内部备注" in html
    assert "客户是老用户" in html and "已为您加急处理" in html
    assert "tk-event" in html and "等待客户回复" in html  # the status change, in Chinese
    assert html.index("客户是老用户") < html.index("已为您加急处理")


def test_contacts_are_masked_for_agents_and_full_for_leads(cast, make_ticket):
    ticket = make_ticket(team=cast.team_a)
    agent_html = page(cast.agent_a, ticket).content.decode()
    assert "138****8000" in agent_html and "z***@example.com" in agent_html
    assert "13800138000" not in agent_html and "zhang@example.com" not in agent_html
    lead_html = page(cast.lead_a, ticket).content.decode()
    assert "+8613800138000" in lead_html and "zhang@example.com" in lead_html


def test_customer_panel_shows_profile_and_recent_tickets_in_scope(cast, make_ticket):
    customer_update(customer=cast.customer, data={
        "tier": "gold", "notes": "喜欢电话沟通", "preferences": {"联系时间": "晚上"},
    })
    ticket = make_ticket(team=cast.team_a)
    make_ticket(team=cast.team_a, subject="发票抬头写错了")
    make_ticket(team=cast.team_b, subject="另一组的工单")
    html = page(cast.agent_a, ticket).content.decode()
    assert "黄金" in html or "gold" in html
    assert "喜欢电话沟通" in html and "联系时间" in html and "晚上" in html
    assert "发票抬头写错了" in html
    assert "另一组的工单" not in html  # scoped by the actor
    assert "语言: 简体中文" in html  # the language by its name, not "zh-hans"


def test_status_options_follow_the_state_machine(cast, make_ticket):
    ticket = make_ticket(team=cast.team_a)
    ticket_update(actor=cast.actor(cast.agent_a), ticket=ticket, changes={"status": "solved"})
    html = page(cast.agent_a, ticket).content.decode()
    status_select = html[html.index('id="prop-status"'):]
    status_select = status_select[:status_select.index("</select>")]
    assert 'value="closed"' in status_select and 'value="open"' in status_select
    assert 'value="pending"' not in status_select


def _page_queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_page_query_count_is_bounded(cast, make_ticket):
    ticket = make_ticket(team=cast.team_a, assignee=cast.agent_a)
    actor = cast.actor(cast.agent_a)
    client = Client()
    client.force_login(cast.agent_a)
    url = reverse("workspace:ticket", args=[ticket.pk])
    message_post(actor=actor, ticket=ticket, body="第一条回复")  # an agent in the history
    client.get(url)  # warm caches (content types, session)
    few, _html = _page_queries(client, url)
    for i in range(19):
        message_post(actor=actor, ticket=ticket, body=f"第 {i} 条回复",
                     visibility="internal" if i % 3 else "public")
    many, html = _page_queries(client, url)
    assert html.count('data-message-id="') == 21
    assert many == few  # no query per message or per event
    assert many <= 26  # 25, plus the outbox lookup once a reply went by mail


def test_events_partial_returns_newer_history_lines(cast, make_ticket):
    ticket = make_ticket(team=cast.team_a)
    client = Client()
    client.force_login(cast.agent_a)
    url = reverse("workspace:ticket_events", args=[ticket.pk])
    created = ticket.events.get().created_at
    ticket_update(actor=cast.actor(cast.agent_a2), ticket=ticket, changes={"priority": "urgent"})
    html = client.get(url, {"after": created.isoformat()}).content.decode()
    assert html.count('class="tk-event"') == 1 and "赵客服" in html and "紧急" in html
    assert client.get(url).content.decode().count('class="tk-event"') == 2  # no "after": all
    outsider = Client()
    outsider.force_login(cast.agent_b)
    assert outsider.get(url).status_code == 404


def test_messages_partial_returns_what_came_after_a_message(cast, make_ticket):
    ticket = make_ticket(team=cast.team_a)
    first = ticket.messages.get()
    note = message_post(actor=cast.actor(cast.agent_a2), ticket=ticket, body="内部：先查库存",
                        visibility="internal")
    reply = message_post(actor=cast.actor(cast.agent_a2), ticket=ticket, body="您好，明天发货。")
    client = Client()
    client.force_login(cast.agent_a)
    url = reverse("workspace:ticket_messages", args=[ticket.pk])
    html = client.get(url, {"after": first.pk}).content.decode()
    assert f'data-message-id="{note.pk}"' in html and f'data-message-id="{reply.pk}"' in html
    assert f'data-message-id="{first.pk}"' not in html
    html = client.get(url, {"after": reply.pk}).content.decode()
    assert "data-message-id" not in html
    assert client.get(url, {"after": "junk"}).status_code == 200  # junk means "from the start"
    outsider = Client()
    outsider.force_login(cast.agent_b)
    assert outsider.get(url).status_code == 404

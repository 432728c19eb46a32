"""agents_online_count, waiting_chats and the first-response timer partial."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from kefu.accounts.actor import actor_for
from kefu.accounts.choices import Availability
from kefu.accounts.models import AgentProfile
from kefu.channels.models import ChatVisitor
from kefu.channels.selectors import agents_online_count, waiting_chats
from kefu.channels.services import chat_send, offline_message_create, visitor_hello
from kefu.tickets.models import Ticket
from kefu.tickets.services import message_post

pytestmark = pytest.mark.django_db


def test_agents_online_count(cast, settings):
    assert agents_online_count() == 1  # agent_a
    AgentProfile.objects.filter(user=cast.agent_b).update(availability=Availability.ONLINE)
    assert agents_online_count() == 2
    settings.KEFU_CHAT_TEAM = "售后服务"
    assert agents_online_count() == 1
    AgentProfile.objects.update(availability=Availability.AWAY)
    assert agents_online_count() == 0
    AgentProfile.objects.filter(user=cast.agent_a).update(availability=Availability.ONLINE)
    cast.agent_a.is_active = False
    cast.agent_a.save()
    assert agents_online_count() == 0


def _chat(text="在吗") -> Ticket:
    visitor = visitor_hello(token=None).visitor
    sent = chat_send(visitor_id=visitor.pk, client_id="c1", body=text)
    return Ticket.objects.get(pk=sent.ticket_id)


def test_chat_team_setting_puts_chats_in_that_team(cast, settings):
    settings.KEFU_CHAT_TEAM = "售前咨询"
    ticket = _chat()
    assert ticket.team == cast.team_b and ticket.assignee is None
    assert ticket.messages.get().author_kind == "customer"


def test_waiting_chats_until_an_agent_answers(cast, make_ticket):
    chat = _chat()
    make_ticket(team=cast.team_a)  # an email ticket never waits in chat
    offline_message_create(name="王五", email="w@example.com", body="留言")
    admin = actor_for(cast.admin)
    later = timezone.now() + dt.timedelta(seconds=75)
    waiting = waiting_chats(admin, now=later)
    assert [w.ticket.pk for w in waiting] == [chat.pk]
    assert 74 <= waiting[0].waiting_seconds <= 80 and waiting[0].overdue
    # Scoped like every ticket read: an unassigned, teamless chat is the admin's to see.
    assert waiting_chats(actor_for(cast.agent_b)) == []
    # An internal note is not an answer; a public reply is.
    message_post(actor=admin, ticket=chat, body="备注", visibility="internal")
    assert len(waiting_chats(admin)) == 1
    message_post(actor=admin, ticket=chat, body="您好")
    assert waiting_chats(admin) == []
    # The customer writes again: waiting again.
    visitor = ChatVisitor.objects.get()
    chat_send(visitor_id=visitor.pk, client_id="c2", body="还有一个问题")
    assert [w.ticket.pk for w in waiting_chats(admin)] == [chat.pk]


def test_waiting_timer_partial(cast):
    chat = _chat()
    Ticket.objects.filter(pk=chat.pk).update(
        last_customer_message_at=timezone.now() - dt.timedelta(seconds=83))
    chat.refresh_from_db()
    html = render_to_string("chat/waiting_timer.html", {"ticket": chat})
    assert "kefu-chat-timer" in html and "01:2" in html and "is-overdue" in html
    assert "chat/waiting_timer.js" in html and 'data-target="60"' in html
    message_post(actor=actor_for(cast.admin), ticket=chat, body="回复")
    chat = Ticket.objects.get(pk=chat.pk)
    assert render_to_string("chat/waiting_timer.html", {"ticket": chat}).strip() == ""
    fresh = _chat_fresh()
    html = render_to_string("chat/waiting_timer.html", {"ticket": fresh})
    assert "00:0" in html and "is-overdue" not in html


def _chat_fresh() -> Ticket:
    visitor = visitor_hello(token=None).visitor
    sent = chat_send(visitor_id=visitor.pk, client_id="x1", body="新的")
    return Ticket.objects.get(pk=sent.ticket_id)


def test_closed_chat_gets_a_follow_up_that_the_visitor_continues(cast):
    chat = _chat()
    admin = actor_for(cast.admin)
    from kefu.tickets.services import ticket_update

    message_post(actor=admin, ticket=chat, body="已解决")
    ticket_update(actor=admin, ticket=chat, changes={"status": "solved"})
    ticket_update(actor=admin, ticket=chat, changes={"status": "closed"})
    visitor = ChatVisitor.objects.get()
    sent = chat_send(visitor_id=visitor.pk, client_id="c2", body="又有问题了")
    assert sent.ticket_id != chat.pk
    follow_up = Ticket.objects.get(pk=sent.ticket_id)
    assert follow_up.follow_up_of_id == chat.pk and follow_up.channel == "chat"
    again = chat_send(visitor_id=visitor.pk, client_id="c3", body="补充")
    assert again.ticket_id == follow_up.pk

"""The ticket page and mail: delivery state per agent message, and copying the Cc'd."""

from __future__ import annotations

import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kefu.conftest import run_queued_jobs
from kefu.mailout.choices import MailKind
from kefu.mailout.models import OutboundMail
from kefu.mailout.services import SEND_JOB
from kefu.tickets.models import Message
from kefu.tickets.services import message_post
from kefu.workspace.ticket_compose import seen_token

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
INBOUND = {"message_id": "<first@mail.example.com>",
           "cc": [{"name": "王五", "address": "wang@example.com"},
                  {"name": "", "address": "Boss@Example.com"}]}


class RefusingBackend(BaseEmailBackend):
    """An SMTP server answering 550 for every recipient (a permanent rejection)."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({"zhang@example.com": (550, b"5.1.1 no such user")})


@pytest.fixture
def agent(cast) -> Client:
    client = Client()
    client.force_login(cast.agent_a)
    return client


@pytest.fixture
def email_ticket(make_ticket, cast):
    return make_ticket(team=cast.team_a, channel="email", channel_meta=INBOUND)


def page(client, ticket) -> str:
    response = client.get(reverse("workspace:ticket", args=[ticket.pk]))
    assert response.status_code == 200
    return response.content.decode()


def send(client, ticket, django_capture_on_commit_callbacks, **data):
    payload = {"body": "您好，已经为您处理", "visibility": "public", "seen": seen_token(ticket),
               "confirm": "1",  # several sends in a row: no collision check
               **data}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("workspace:ticket_reply", args=[ticket.pk]), payload, **HX)
    assert response.status_code == 200
    return response.content.decode()


def mail_state(html: str, message: Message) -> str:
    block = html[html.index(f'data-message-id="{message.pk}"'):]
    block = block[:block.index("</li>")]
    if 'class="tk-mail' not in block:
        return ""
    return block[block.index('class="tk-mail'):].split(">", 1)[1].split("<", 1)[0]


def test_reply_shows_queued_then_sent(cast, agent, email_ticket, django_capture_on_commit_callbacks):
    html = send(agent, email_ticket, django_capture_on_commit_callbacks)
    message = Message.objects.filter(ticket=email_ticket).latest("pk")
    assert mail_state(html, message) == ""  # the partial comes before the mail is queued
    assert mail_state(page(agent, email_ticket), message) == "邮件排队中"
    assert run_queued_jobs(SEND_JOB) == 1
    assert len(mail.outbox) == 1
    html = page(agent, email_ticket)
    assert mail_state(html, message) == "邮件已发送"
    customer_message = email_ticket.messages.order_by("pk").first()
    assert mail_state(html, customer_message) == ""  # the customer's own mail has no state


def test_rejected_mail_shows_the_reason(cast, agent, email_ticket, settings,
                                        django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    send(agent, email_ticket, django_capture_on_commit_callbacks)
    run_queued_jobs(SEND_JOB)
    message = Message.objects.filter(ticket=email_ticket).latest("pk")
    html = page(agent, email_ticket)
    assert mail_state(html, message) == "邮件发送失败：被邮件服务器拒收"
    assert 'title="SMTPRecipientsRefused' in html  # the server's answer, for the curious


def test_held_mail_shows_the_reason_and_notes_show_nothing(
        cast, agent, email_ticket, settings, django_capture_on_commit_callbacks):
    settings.KEFU_MAILOUT_RATE_LIMIT = 0
    send(agent, email_ticket, django_capture_on_commit_callbacks)
    send(agent, email_ticket, django_capture_on_commit_callbacks, visibility="internal",
         body="内部备注")
    reply, note = Message.objects.filter(ticket=email_ticket).order_by("pk")[1:]
    html = page(agent, email_ticket)
    assert mail_state(html, reply) == "邮件发送失败：发送频率受限"
    assert mail_state(html, note) == ""


def test_page_asks_the_outbox_twice_however_many_mails(cast, agent, email_ticket,
                                                      django_capture_on_commit_callbacks):
    actor = cast.actor(cast.agent_a)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            page(agent, email_ticket)
        return sum("mailout_outboundmail" in q["sql"] for q in ctx.captured_queries)

    with django_capture_on_commit_callbacks(execute=True):
        message_post(actor=actor, ticket=email_ticket, body="第一条回复")
    page(agent, email_ticket)
    assert queries() == 2  # the replies' mail states, and the acknowledgement line
    with CaptureQueriesContext(connection) as ctx:
        page(agent, email_ticket)
    few = len(ctx.captured_queries)
    for i in range(8):
        with django_capture_on_commit_callbacks(execute=True):
            message_post(actor=actor, ticket=email_ticket, body=f"第 {i} 条回复")
    with CaptureQueriesContext(connection) as ctx:
        html = page(agent, email_ticket)
    assert html.count("邮件排队中") == 9
    assert len(ctx.captured_queries) == few and queries() == 2


def test_reply_form_offers_the_cc_and_copies_them_when_asked(
        cast, agent, email_ticket, django_capture_on_commit_callbacks):
    html = page(agent, email_ticket)
    assert 'name="copy_cc"' in html
    assert "王五 &lt;wang@example.com&gt;" in html and "Boss@Example.com" in html
    send(agent, email_ticket, django_capture_on_commit_callbacks, copy_cc="1")
    message = Message.objects.filter(ticket=email_ticket).latest("pk")
    assert message.channel_meta["cc"] == INBOUND["cc"]
    run_queued_jobs(SEND_JOB)
    [sent] = mail.outbox
    assert len(sent.to) == 1 and sent.to[0].endswith("<zhang@example.com>")
    assert sorted(sent.cc) == ["boss@example.com", "wang@example.com"]


def test_cc_is_not_copied_unless_asked_nor_on_notes(
        cast, agent, email_ticket, django_capture_on_commit_callbacks):
    send(agent, email_ticket, django_capture_on_commit_callbacks)
    send(agent, email_ticket, django_capture_on_commit_callbacks, visibility="internal",
         body="内部备注", copy_cc="1")
    reply, note = Message.objects.filter(ticket=email_ticket).order_by("pk")[1:]
    assert "cc" not in reply.channel_meta and "cc" not in note.channel_meta
    run_queued_jobs(SEND_JOB)
    assert [m.cc for m in mail.outbox] == [[]]


def test_cc_comes_from_the_last_inbound_mail_and_never_from_the_form(
        cast, agent, make_ticket, django_capture_on_commit_callbacks):
    ticket = make_ticket(team=cast.team_a, channel="email")  # no Cc on this mail
    html = page(agent, ticket)
    assert 'name="copy_cc"' not in html
    send(agent, ticket, django_capture_on_commit_callbacks, copy_cc="1",
         cc="evil@example.net")
    assert "cc" not in Message.objects.filter(ticket=ticket).latest("pk").channel_meta
    # The customer's later mail with a Cc list is the one that counts.
    message_post(actor=cast.actor(cast.customer_user), ticket=ticket, body="补充一下",
                 channel_meta={"message_id": "<second@mail.example.com>",
                               "cc": [{"name": "赵六", "address": "zhao@example.com"}]})
    assert "赵六 &lt;zhao@example.com&gt;" in page(agent, ticket)
    assert not OutboundMail.objects.filter(kind=MailKind.ACKNOWLEDGEMENT).exists()


def test_the_acknowledgement_is_a_line_of_the_ticket_history(cast, agent,
                                                             django_capture_on_commit_callbacks):
    from kefu.accounts.actor import SYSTEM
    from kefu.tickets.services import ticket_create

    with django_capture_on_commit_callbacks(execute=True):
        ticket, _ = ticket_create(actor=SYSTEM, subject="发票抬头", body="请重开发票",
                                  requester=cast.customer, channel="email",
                                  team_id=cast.team_a.pk, channel_meta=INBOUND)
    html = page(agent, ticket)
    assert "已发送受理确认邮件至 zhang@example.com" in html

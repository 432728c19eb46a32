"""Agent replies go out through real SMTP (an aiosmtpd sink on loopback)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kefu.accounts.actor import SYSTEM, actor_for
from kefu.channels.models import Chat
from kefu.jobs.choices import JobStatus
from kefu.jobs.models import Job
from kefu.mailout.choices import FailureReason, OutboundStatus
from kefu.mailout.models import OutboundMail
from kefu.mailout.selectors import outbound_by_message
from kefu.mailout.services import SEND_JOB, outbound_queue, outbound_resend, outbound_suppressed
from kefu.mailout.tests.conftest import free_port
from kefu.tickets.attachments import attachment_add
from kefu.tickets.choices import Visibility
from kefu.tickets.models import Message
from kefu.tickets.services import message_post

CUSTOMER_MAIL = {"message_id": "<cust-1@mail.example.com>",
                 "references": ["<root@mail.example.com>"]}
PDF = b"%PDF-1.4\n" + "发票".encode() + b"\n%%EOF\n"


@pytest.fixture
def email_ticket(make_ticket):
    return make_ticket(subject="订单还没有发货", channel="email", channel_meta=CUSTOMER_MAIL)


def reply(bus, ticket, user, body="您好，您的订单今天发货。", **kw):
    with bus():
        message = message_post(actor=actor_for(user), ticket=ticket, body=body, **kw)
    return message


def test_agent_reply_is_mailed_with_threading_headers_text_html_and_files(
        cast, email_ticket, bus, smtp, run_jobs):
    with bus():
        message = message_post(
            actor=actor_for(cast.agent_a), ticket=email_ticket,
            body="张先生您好：\n\n您的订单已于今天发货，请注意查收。",
            channel_meta={"cc": ["Wang <wang@example.com>", "support@demo.kefu.local", "bad"]})
        attachment_add(actor=actor_for(cast.agent_a), message=message,
                       upload=SimpleUploadedFile("发货单.pdf", PDF, "application/pdf"))

    assert run_jobs() == 1
    [received] = smtp.messages()
    outbound = OutboundMail.objects.get(message=message)
    stored = Message.objects.get(pk=message.pk).channel_meta
    # The Message-ID is on the Message: the customer's answer threads back to the ticket.
    assert received["Message-ID"] == stored["message_id"] == outbound.rfc_message_id
    assert stored["message_id"].startswith(f"<kefu.{email_ticket.number}.{message.pk}.")
    assert stored["message_id"].endswith("@demo.kefu.local>")
    assert stored["cc"]  # the agent's own metadata is kept
    # It answers the customer's mail.
    assert received["In-Reply-To"] == "<cust-1@mail.example.com>" == stored["in_reply_to"]
    assert received["References"].split() == [
        "<root@mail.example.com>", "<cust-1@mail.example.com>"] == stored["references"]
    assert received["Subject"] == f"Re: 订单还没有发货 [#{email_ticket.number}]"
    assert received["From"].addresses[0].addr_spec == "support@demo.kefu.local"
    [to] = received["To"].addresses
    assert (to.display_name, to.addr_spec) == ("张三", "zhang@example.com")
    assert [a.addr_spec for a in received["Cc"].addresses] == ["wang@example.com"]
    assert sorted(smtp.received[0]["rcpt_tos"]) == ["wang@example.com", "zhang@example.com"]
    assert received["X-Auto-Response-Suppress"] == "All"
    assert received["Auto-Submitted"] is None and received["Precedence"] is None
    text = received.get_body(preferencelist=("plain",)).get_content()
    html = received.get_body(preferencelist=("html",)).get_content()
    assert "您的订单已于今天发货，请注意查收。" in text
    assert "您的订单已于今天发货，请注意查收。" in html
    [part] = list(received.iter_attachments())
    assert part.get_filename() == "发货单.pdf"
    assert part.get_content_type() == "application/pdf"
    assert part.get_content() == PDF
    assert (outbound.status, outbound.attempts, outbound.reason) == (OutboundStatus.SENT, 1, "")
    assert outbound.sent_at is not None
    # At least once: the job running again sends nothing twice.
    Job.objects.filter(kind=SEND_JOB).update(status=JobStatus.QUEUED)
    assert run_jobs() == 1
    assert len(smtp.received) == 1


def test_notes_and_customer_messages_are_never_mailed(cast, email_ticket, bus, smtp, run_jobs):
    reply(bus, email_ticket, cast.agent_a, body="内部备注：客户很着急", visibility=Visibility.INTERNAL)
    with bus():
        customer = message_post(actor=actor_for(cast.customer_user), ticket=email_ticket,
                                body="还没收到")
        # kefu itself posting the customer's mail (inbound) is the customer's message too.
        inbound = message_post(actor=SYSTEM, ticket=email_ticket, body="再问一次",
                               channel_meta={"message_id": "<cust-2@mail.example.com>"})
    assert outbound_queue(message_id=customer.pk) is None
    assert outbound_queue(message_id=inbound.pk) is None
    assert run_jobs() == 0
    assert OutboundMail.objects.count() == 0
    assert smtp.received == []


def test_reply_answers_the_latest_customer_mail(cast, email_ticket, bus, smtp, run_jobs):
    first = reply(bus, email_ticket, cast.agent_a)
    with bus():
        message_post(actor=SYSTEM, ticket=email_ticket, body="收到了，谢谢",
                     channel_meta={"message_id": "<cust-2@mail.example.com>",
                                   "references": ["<root@mail.example.com>",
                                                  "<cust-1@mail.example.com>"]})
    second = reply(bus, email_ticket, cast.agent_a, body="不客气")
    assert run_jobs() == 2
    mails = {m["Message-ID"]: m for m in smtp.messages()}
    answer = mails[OutboundMail.objects.get(message=second).rfc_message_id]
    assert answer["In-Reply-To"] == "<cust-2@mail.example.com>"
    assert answer["References"].split() == [
        "<root@mail.example.com>", "<cust-1@mail.example.com>", "<cust-2@mail.example.com>"]
    assert OutboundMail.objects.get(message=first).rfc_message_id in mails


def test_web_form_reply_without_customer_mail_threads_on_our_previous_reply(
        cast, make_ticket, bus, smtp, run_jobs):
    ticket = make_ticket(channel="web", subject="Re: 发票抬头")
    first = reply(bus, ticket, cast.agent_a, body="请提供抬头")
    second = reply(bus, ticket, cast.agent_a, body="已开具")
    assert run_jobs() == 2
    one, two = (OutboundMail.objects.get(message=m) for m in (first, second))
    assert one.in_reply_to == "" and one.references == []
    assert two.in_reply_to == one.rfc_message_id
    assert {m["Subject"] for m in smtp.messages()} == {f"Re: 发票抬头 [#{ticket.number}]"}
    assert smtp.messages()[0]["In-Reply-To"] is None


def test_system_notice_is_auto_submitted(cast, email_ticket, bus, smtp, run_jobs):
    with bus():
        message_post(actor=SYSTEM, ticket=email_ticket, body="我们已收到您的请求。",
                     system_notice=True)
    assert run_jobs() == 1
    [received] = smtp.messages()
    assert received["Auto-Submitted"] == "auto-replied"
    assert received["Precedence"] is None


def test_only_email_web_and_offline_chat_tickets_are_mailed(cast, make_ticket, bus, smtp, run_jobs):
    phone = make_ticket(channel="phone")
    live_chat = make_ticket(channel="chat")
    Chat.objects.create(ticket=live_chat)
    offline = make_ticket(channel="chat", subject="想咨询退货")
    Chat.objects.create(ticket=offline, offline=True)
    for ticket in (phone, live_chat, offline):
        reply(bus, ticket, cast.agent_a)
    assert run_jobs() == 1
    # Until kefu/channels/notify.py is retired it mails offline-chat replies too (without
    # threading headers); ours is the one with kefu's Message-ID.
    [received] = [m for m in smtp.messages() if (m["Message-ID"] or "").startswith("<kefu.")]
    assert received["Subject"] == f"Re: 想咨询退货 [#{offline.number}]"
    assert OutboundMail.objects.get().ticket == offline


def test_rate_limit_holds_the_rest_as_failed(cast, email_ticket, bus, smtp, run_jobs, settings):
    settings.KEFU_MAILOUT_RATE_LIMIT = 2
    messages = [reply(bus, email_ticket, cast.agent_a, body=f"第{i}次回复") for i in range(3)]
    assert run_jobs() == 2
    assert len(smtp.received) == 2
    held = OutboundMail.objects.get(message=messages[2])
    assert (held.status, held.reason, held.last_error) == (
        OutboundStatus.FAILED, FailureReason.RATE_LIMITED, "rate limited")
    # The workspace can show it on the message.
    shown = outbound_by_message(message_ids=[m.pk for m in messages])
    assert [shown[m.pk].status for m in messages] == ["sent", "sent", "failed"]


def test_server_down_is_retried_then_failed_and_sent_again(
        cast, email_ticket, bus, smtp, run_jobs, settings):
    settings.KEFU_MAILOUT_MAX_ATTEMPTS = 3
    working_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nothing listens there: connection refused
    message = reply(bus, email_ticket, cast.agent_a)
    assert run_jobs() == 3
    outbound = OutboundMail.objects.get(message=message)
    job = Job.objects.get(kind=SEND_JOB, key=str(outbound.pk))
    assert (outbound.status, outbound.reason, outbound.attempts) == (
        OutboundStatus.FAILED, FailureReason.GAVE_UP, 3)
    assert "ConnectionRefusedError" in outbound.last_error
    assert (job.status, job.attempts) == (JobStatus.FAILED, 3)
    assert smtp.received == []
    # The server is back: "send again" queues it with fresh attempts.
    settings.EMAIL_PORT = working_port
    assert outbound_resend(outbound_ids=[outbound.pk]) == 1
    assert run_jobs() == 1
    outbound.refresh_from_db()
    assert (outbound.status, outbound.attempts, outbound.last_error) == (OutboundStatus.SENT, 1, "")
    assert len(smtp.received) == 1


def test_permanent_rejection_fails_at_once(cast, make_ticket, bus, smtp, run_jobs):
    from kefu.customers.services import IdentitySet, customer_create

    nobody = customer_create(name="王五", identities=IdentitySet(emails=["nobody@example.com"]))
    ticket = make_ticket(requester=nobody)
    message = reply(bus, ticket, cast.agent_a)
    assert run_jobs() == 1
    outbound = OutboundMail.objects.get(message=message)
    assert (outbound.status, outbound.reason, outbound.attempts) == (
        OutboundStatus.FAILED, FailureReason.REJECTED, 1)
    assert "550" in outbound.last_error


def test_queueing_is_idempotent_and_history_is_not_mailed(cast, email_ticket, bus, smtp, run_jobs):
    message = reply(bus, email_ticket, cast.agent_a)
    assert outbound_queue(message_id=message.pk) == OutboundMail.objects.get(message=message)
    with outbound_suppressed(), bus():
        message_post(actor=actor_for(cast.agent_a), ticket=email_ticket, body="导入")
    old = timezone.now() - dt.timedelta(days=3)
    reply(bus, email_ticket, cast.agent_a, body="两个月前的回复", created_at=old)
    assert run_jobs() == 1
    assert OutboundMail.objects.count() == 1


def test_admin_lists_the_outbox_and_sends_failed_mail_again(cast, email_ticket, bus, smtp,
                                                            run_jobs, web, settings):
    settings.KEFU_MAILOUT_RATE_LIMIT = 0
    message = reply(bus, email_ticket, cast.agent_a)
    outbound = OutboundMail.objects.get(message=message)
    assert outbound.status == OutboundStatus.FAILED
    browser = web(cast.admin)
    page = browser.get("/admin/mailout/outboundmail/")
    assert page.status_code == 200
    assert outbound.subject in page.content.decode()
    assert browser.get(f"/admin/mailout/outboundmail/{outbound.pk}/change/").status_code == 200
    response = browser.post("/admin/mailout/outboundmail/", {
        "action": "send_again", "_selected_action": [outbound.pk]})
    assert response.status_code == 302
    assert run_jobs() == 1
    outbound.refresh_from_db()
    assert outbound.status == OutboundStatus.SENT
    assert len(smtp.received) == 1


def mailbox_of(ticket) -> str:
    """A stand-in for kefu.mailin's mailbox lookup (KEFU_MAILOUT_SENDER)."""
    return "售后服务 <aftersales@shop.example.cn>"


def test_sender_hook_chooses_the_from_address(cast, email_ticket, bus, smtp, run_jobs, settings):
    settings.KEFU_MAILOUT_SENDER = "kefu.mailout.tests.test_delivery.mailbox_of"
    message = reply(bus, email_ticket, cast.agent_a)
    assert run_jobs() == 1
    [received] = smtp.messages()
    [sender] = received["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("售后服务", "aftersales@shop.example.cn")
    assert received["Message-ID"].endswith("@shop.example.cn>")
    assert smtp.received[0]["mail_from"] == "aftersales@shop.example.cn"
    assert Message.objects.get(pk=message.pk).channel_meta["message_id"] == received["Message-ID"]


def test_bouncing_and_own_addresses_are_never_mailed(cast, make_ticket, bus, smtp, run_jobs,
                                                     monkeypatch):
    from kefu.customers.services import IdentitySet, customer_create
    from kefu.mailout import services

    monkeypatch.setattr(services, "address_is_bouncing", lambda address: address == "zhang@example.com")
    bouncing = reply(bus, make_ticket(), cast.agent_a)
    ourselves = customer_create(name="客服", identities=IdentitySet(emails=["support@demo.kefu.local"]))
    own = reply(bus, make_ticket(requester=ourselves), cast.agent_a)
    assert run_jobs() == 0
    assert OutboundMail.objects.get(message=bouncing).reason == FailureReason.BOUNCING
    assert OutboundMail.objects.get(message=own).reason == FailureReason.OWN_ADDRESS
    assert smtp.received == []


def test_an_address_that_starts_bouncing_before_delivery_is_not_mailed(
        cast, email_ticket, bus, smtp, run_jobs, monkeypatch):
    from kefu.mailout import services

    message = reply(bus, email_ticket, cast.agent_a)
    monkeypatch.setattr(services, "address_is_bouncing", lambda address: True)
    assert run_jobs() == 1
    outbound = OutboundMail.objects.get(message=message)
    assert (outbound.status, outbound.last_error) == (OutboundStatus.FAILED, "bouncing")
    assert smtp.received == []


def test_from_is_the_mailbox_the_customer_wrote_to_and_inbound_cc_dicts_are_copied(
        cast, make_ticket, bus, smtp, run_jobs):
    ticket = make_ticket(channel_meta={**CUSTOMER_MAIL, "mailbox": "vip@shop.example.cn",
                                       "cc": [{"name": "王经理", "address": "wang@example.com"}]})
    cc = Message.objects.get(ticket=ticket).channel_meta["cc"]
    reply(bus, ticket, cast.agent_a, channel_meta={"cc": cc})
    assert run_jobs() == 1
    [received] = smtp.messages()
    assert received["From"].addresses[0].addr_spec == "vip@shop.example.cn"
    assert [a.addr_spec for a in received["Cc"].addresses] == ["wang@example.com"]

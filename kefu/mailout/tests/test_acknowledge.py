"""Acknowledgements of new tickets: real SMTP (the aiosmtpd sink), the SLA's due time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from kefu.accounts.actor import SYSTEM, actor_for
from kefu.conftest import run_queued_jobs
from kefu.mailout.acknowledge import outbound_acknowledge, render_ack
from kefu.mailout.choices import FailureReason, MailKind, OutboundStatus
from kefu.mailout.models import OutboundMail
from kefu.mailout.services import SEND_JOB, outbound_suppressed
from kefu.sla.models import SlaPolicy, SlaTarget
from kefu.sla.services import policies_changed
from kefu.tickets.services import ticket_create

INBOUND = {"message_id": "<first@mail.example.com>", "references": ["<root@mail.example.com>"]}


@pytest.fixture
def four_hours(db):
    """Only a 24x7 policy: first response within 4 hours."""
    SlaPolicy.objects.update(active=False)
    return SlaPolicy.objects.create(name="email 4h", position=1, first_response_minutes=240,
                                    time_mode="calendar")


def open_ticket(bus, cast, *, channel="email", actor=SYSTEM, requester=None, meta=INBOUND,
                subject="订单还没有发货"):
    with bus():
        ticket, _ = ticket_create(actor=actor, subject=subject, body="我的订单三天了还没发货",
                                  requester=requester or cast.customer, channel=channel,
                                  channel_meta=meta)
    return ticket


def acks():
    return OutboundMail.objects.filter(kind=MailKind.ACKNOWLEDGEMENT)


def test_new_email_ticket_is_acknowledged_in_chinese_with_the_sla_due_time(
        cast, bus, smtp, four_hours):
    ticket = open_ticket(bus, cast)
    due = SlaTarget.objects.get(ticket=ticket, metric="first_response").due_at
    assert run_queued_jobs(SEND_JOB) == 1
    [received] = smtp.messages()
    assert received["Subject"] == f"Re: 订单还没有发货 [#{ticket.number}]"
    assert received["In-Reply-To"] == "<first@mail.example.com>"
    assert received["References"].split() == ["<root@mail.example.com>",
                                               "<first@mail.example.com>"]
    assert received["Auto-Submitted"] == "auto-replied"
    assert received["From"].addresses[0].addr_spec == "support@demo.kefu.local"
    assert smtp.received[0]["rcpt_tos"] == ["zhang@example.com"]
    text = received.get_body(preferencelist=("plain",)).get_content()
    local = due.astimezone(ZoneInfo("Asia/Shanghai"))
    assert f"我们已收到您的请求 #{ticket.number}" in text
    assert f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}" in text
    assert "Asia/Shanghai" in text
    html = received.get_body(preferencelist=("html",)).get_content()
    assert f"#{ticket.number}" in html
    mail = acks().get()
    assert (mail.ticket_id, mail.message_id, mail.status) == (ticket.pk, None, OutboundStatus.SENT)
    assert received["Message-ID"] == mail.rfc_message_id
    # The ticket's timeline is unchanged: the acknowledgement is no message.
    assert ticket.messages.count() == 1


def test_english_customer_gets_english_in_their_time_zone(cast, bus, smtp, four_hours):
    cast.other_customer.language = "en-GB"
    cast.other_customer.time_zone = "Europe/London"
    cast.other_customer.save(update_fields=["language", "time_zone"])
    ticket = open_ticket(bus, cast, requester=cast.other_customer, subject="Where is my parcel?")
    due = SlaTarget.objects.get(ticket=ticket, metric="first_response").due_at
    run_queued_jobs(SEND_JOB)
    [received] = smtp.messages()
    text = received.get_body(preferencelist=("plain",)).get_content()
    local = due.astimezone(ZoneInfo("Europe/London"))
    assert f"We have received your request #{ticket.number} (Where is my parcel?)" in text
    assert f"{local.day} {local:%b %Y, %H:%M} (Europe/London)" in text
    assert "我们" not in text


def test_without_an_sla_clock_the_mail_promises_no_time(cast, bus, smtp):
    SlaPolicy.objects.update(active=False)
    policies_changed()
    ticket = open_ticket(bus, cast)
    run_queued_jobs(SEND_JOB)
    text = smtp.messages()[0].get_body(preferencelist=("plain",)).get_content()
    assert f"#{ticket.number}" in text and "我们会尽快回复您" in text and "之前回复" not in text


def test_web_form_ticket_by_the_customer_is_acknowledged_without_threading(
        cast, bus, smtp, four_hours):
    ticket = open_ticket(bus, cast, channel="web", actor=actor_for(cast.customer_user), meta=None)
    run_queued_jobs(SEND_JOB)
    [received] = smtp.messages()
    assert received["Subject"] == f"Re: 订单还没有发货 [#{ticket.number}]"
    assert received["In-Reply-To"] is None and received["Auto-Submitted"] == "auto-replied"


@pytest.mark.parametrize("case", ["agent", "chat", "phone", "off", "suppressed", "old", "auto"])
def test_no_acknowledgement(case, cast, bus, settings, four_hours):
    settings.KEFU_MAIL_ACKNOWLEDGE = case != "off"
    if case == "suppressed":
        with outbound_suppressed():
            open_ticket(bus, cast)
    elif case == "old":
        with bus():
            ticket_create(actor=SYSTEM, subject="历史工单", body="导入", requester=cast.customer,
                          channel="email", created_at=timezone.now() - dt.timedelta(days=3))
    elif case == "auto":
        open_ticket(bus, cast, meta={**INBOUND, "auto_reasons": ["auto_submitted"]})
    else:
        open_ticket(bus, cast, actor=actor_for(cast.agent_a) if case == "agent" else SYSTEM,
                    channel=case if case in ("chat", "phone") else "email")
    assert not acks().exists()


def test_acknowledged_once_and_not_without_an_address(cast, bus, four_hours):
    ticket = open_ticket(bus, cast)
    assert outbound_acknowledge(ticket_id=ticket.pk) is None  # the event again
    assert acks().count() == 1
    cast.other_customer.identities.all().delete()
    open_ticket(bus, cast, requester=cast.other_customer)
    assert acks().count() == 1


def test_rate_limit_holds_the_acknowledgement(cast, bus, settings, four_hours):
    settings.KEFU_MAILOUT_RATE_LIMIT = 0
    open_ticket(bus, cast)
    mail = acks().get()
    assert (mail.status, mail.reason) == (OutboundStatus.FAILED, FailureReason.RATE_LIMITED)
    assert run_queued_jobs(SEND_JOB) == 0


def test_customer_text_is_data_not_template_code():
    text = render_ack(number=10023, subject="{{ number }}{% now 'Y' %}<b>",
                      customer_name="{% debug %}", language="zh-hans", time_zone="Nowhere/City",
                      due_at=dt.datetime(2026, 11, 30, 6, 0, tzinfo=dt.UTC))
    assert "{{ number }}{% now 'Y' %}<b>" in text and "{% debug %}" in text
    # An unknown time zone falls back to Beijing time.
    assert "2026年11月30日 14:00（Asia/Shanghai）" in text

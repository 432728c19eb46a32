"""The parse job end to end: tickets, threading, ignoring, loops, failures and re-runs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from unittest import mock

import pytest
from django.utils import timezone

from kefu.accounts.actor import actor_for
from kefu.customers.models import Customer, CustomerIdentity
from kefu.mail.tests.test_corpus import _load_yaml
from kefu.mailin.choices import IgnoreReason, InboundStatus
from kefu.mailin.models import InboundMail
from kefu.mailin.selectors import ticket_mailbox_calendar
from kefu.mailin.services import inbound_process_again
from kefu.mailin.tests.conftest import DEMO, make_mail
from kefu.mailin.threads import normalise_subject
from kefu.sla.models import BusinessCalendar
from kefu.tickets.choices import AuthorKind, Channel, Priority
from kefu.tickets.models import Attachment, Message, Ticket
from kefu.tickets.services import message_post

FIXTURES = Path(__file__).resolve().parents[2] / "mail" / "tests" / "fixtures"
ZAMMAD = Path("/work/shared/data/mail/zammad")
if not ZAMMAD.is_dir():
    ZAMMAD = Path(__file__).resolve().parents[4] / "shared" / "data" / "mail" / "zammad"


def test_new_mail_opens_a_ticket_in_the_mailboxs_team(deliver, mailbox, cast):
    mailbox.team = cast.team_a
    mailbox.default_priority = Priority.HIGH
    mailbox.save()
    raw = make_mail(
        body="请问发票什么时候开？\n\n王小明\n\n在 2026年11月24日 10:00，客服 写道：\n> 您好",
        headers={"Cc": "财务 <caiwu@example.cn>"},
        attachments=[("发票.pdf", "application/pdf", b"%PDF-1.4 fake"),
                     ("run.exe", "application/x-msdownload", b"MZ...")])
    inbound = deliver(raw)
    assert inbound.status == InboundStatus.PROCESSED, inbound.error
    ticket = inbound.ticket
    assert (ticket.channel, ticket.team, ticket.priority) == (Channel.EMAIL, cast.team_a,
                                                              Priority.HIGH)
    assert ticket.subject == "订单没有收到"
    assert ticket.requester.primary_identity("email") == "wang@example.cn"
    assert ticket.requester.name == "王小明"
    message = inbound.ticket_message
    assert message.author_kind == AuthorKind.CUSTOMER
    assert message.body_text.startswith("请问发票什么时候开？")
    assert "写道" not in message.body_text
    meta = message.channel_meta
    assert meta["message_id"] == inbound.message_id
    assert meta["cc"] == [{"name": "财务", "address": "caiwu@example.cn"}]
    assert "写道" in meta["full_text"]
    assert meta["inbound_mail_id"] == inbound.pk
    names = {a.filename: a.content_type for a in message.attachments.all()}
    assert names == {"发票.pdf": "application/pdf", "run.exe": "application/octet-stream"}
    assert message.attachments.get(filename="发票.pdf").file.read() == b"%PDF-1.4 fake"


def test_known_sender_is_that_customer(deliver, cast):
    inbound = deliver(make_mail(sender="Zhang <ZHANG@example.com>"))
    assert inbound.ticket.requester == cast.customer


def test_reply_to_an_outbound_message_joins_its_ticket(deliver, cast, make_ticket):
    ticket = make_ticket(team=cast.team_a)
    message_post(actor=actor_for(cast.agent_a), ticket=ticket, body="已为您查询",
                 channel_meta={"message_id": "<out-1@demo.kefu.local>", "in_reply_to": "",
                               "references": []})
    reply = make_mail(sender="someone.else@example.net", subject="完全不同的主题",
                      headers={"In-Reply-To": "<out-1@demo.kefu.local>",
                               "References": "<older@x> <out-1@demo.kefu.local>"})
    inbound = deliver(reply)
    assert inbound.ticket == ticket
    assert inbound.ticket_message.channel_meta["threaded_by"] == "message_id"
    assert ticket.messages.count() == 3


def test_reply_by_references_only_and_to_a_customer_mail(deliver):
    first = deliver(make_mail(message_id="<orig@example.cn>"))
    second = deliver(make_mail(subject="other", headers={"References": "<orig@example.cn>"}))
    assert second.ticket == first.ticket


def test_subject_token_joins_for_the_requester_only(deliver, cast, make_ticket):
    ticket = make_ticket()
    mine = deliver(make_mail(sender="zhang@example.com", subject=f"回复：[#{ticket.number}] 进展？"))
    assert mine.ticket == ticket
    assert mine.ticket_message.channel_meta["threaded_by"] == "token"
    stranger = deliver(make_mail(sender="x@evil.example", subject=f"Re: [#{ticket.number}] hi"))
    assert stranger.ticket != ticket


def test_same_sender_and_subject_within_a_week(deliver):
    first = deliver(make_mail(subject="退货申请"))
    again = deliver(make_mail(subject="回复：RE: 退货申请"))
    assert again.ticket == first.ticket
    assert again.ticket_message.channel_meta["threaded_by"] == "subject"
    Ticket.objects.filter(pk=first.ticket_id).update(
        updated_at=timezone.now() - dt.timedelta(days=8))
    later = deliver(make_mail(subject="转发：退货申请"))
    assert later.ticket != first.ticket


def test_other_mail_opens_new_tickets(deliver):
    a = deliver(make_mail(subject="问题一"))
    b = deliver(make_mail(subject="问题二"))
    c = deliver(make_mail(sender="other@example.cn", subject="问题一"))
    assert len({a.ticket_id, b.ticket_id, c.ticket_id}) == 3


def test_normalise_subject():
    assert normalise_subject("Re: 回复：Fwd:答复： [#10023]  订单  问题") == "订单 问题"
    assert normalise_subject("AW: WG: Rechnung") == "rechnung"
    assert normalise_subject("Re[2]: hello") == "hello"


def test_same_message_twice_creates_nothing_new(deliver):
    raw = make_mail()
    first = deliver(raw)
    again = deliver(raw)
    assert again.pk == first.pk
    assert Ticket.objects.count() == 1 and Message.objects.count() == 1


def test_auto_reply_and_bounce_are_ignored(deliver, cast):
    auto = deliver((FIXTURES / "auto_reply.eml").read_bytes())
    assert (auto.status, auto.ignored_reason) == (InboundStatus.IGNORED, IgnoreReason.AUTO_REPLY)
    assert auto.auto_reasons
    bounce = deliver((FIXTURES / "bounce_dsn.eml").read_bytes())
    assert (bounce.status, bounce.ignored_reason) == (InboundStatus.IGNORED, IgnoreReason.BOUNCE)
    assert "@" in bounce.bounced_address
    header = deliver(make_mail(headers={"Auto-Submitted": "auto-replied"}))
    assert header.ignored_reason == IgnoreReason.AUTO_REPLY
    assert not Ticket.objects.filter(channel=Channel.EMAIL).exists()


def test_mail_from_our_own_mailbox_is_ignored(deliver):
    inbound = deliver(make_mail(sender=DEMO))
    assert inbound.ignored_reason == IgnoreReason.OWN_ADDRESS


def test_reply_loop_is_cut_per_address(deliver, settings):
    settings.KEFU_MAIL_LOOP_LIMIT = 3
    rows = [deliver(make_mail(subject=f"自动通知 {i}")) for i in range(5)]
    assert [r.status for r in rows] == [InboundStatus.PROCESSED] * 3 + [InboundStatus.IGNORED] * 2
    assert rows[-1].ignored_reason == IgnoreReason.LOOP
    other = deliver(make_mail(sender="calm@example.cn"))
    assert other.status == InboundStatus.PROCESSED


def test_failure_keeps_the_raw_and_process_again_recovers(deliver, run_jobs,
                                                           django_capture_on_commit_callbacks):
    raw = make_mail()
    with mock.patch("kefu.mailin.processing.parse_message", side_effect=ValueError("boom")):
        inbound = deliver(raw)
    assert inbound.status == InboundStatus.FAILED
    assert "ValueError: boom" in inbound.error and "Traceback" in inbound.error
    assert bytes(inbound.raw) == raw and inbound.ticket is None
    assert not Ticket.objects.exists()
    assert inbound_process_again(inbound_ids=[inbound.pk]) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert run_jobs() == 1
    inbound.refresh_from_db()
    assert inbound.status == InboundStatus.PROCESSED and inbound.error == ""
    assert inbound.attempts == 2 and inbound.ticket is not None
    assert inbound_process_again(inbound_ids=[inbound.pk]) == 0  # done is done


def test_chinese_fixtures_become_tickets(deliver):
    for path in sorted(FIXTURES.glob("*.eml")):
        if path.stem in ("auto_reply", "bounce_dsn"):
            continue
        inbound = deliver(path.read_bytes())
        assert inbound.status == InboundStatus.PROCESSED, (path.name, inbound.error)
        message = inbound.ticket_message
        assert message.body_text.strip(), path.name
    att = InboundMail.objects.get(message_id="<att@example.cn>")
    message = att.ticket_message
    names = set(message.attachments.values_list("filename", flat=True))
    assert "采购合同（最终版）.pdf" in names
    assert set(message.channel_meta["inline"]) == {"logo@kefu"}
    assert att.ticket.subject == "合同"
    assert Attachment.objects.filter(pk=message.channel_meta["inline"]["logo@kefu"]).exists()


@pytest.mark.parametrize("name", ["mail015", "mail016", "mail019", "mail031", "mail032",
                                  "mail044", "mail046"])
def test_zammad_chinese_mail_end_to_end(deliver, name):
    if not ZAMMAD.is_dir():
        pytest.skip("shared mail corpus not present")
    expected = _load_yaml(ZAMMAD / f"{name}.yml")
    inbound = deliver((ZAMMAD / f"{name}.box").read_bytes())
    assert inbound.status == InboundStatus.PROCESSED, inbound.error
    customer = Customer.objects.get(pk=inbound.ticket.requester_id)
    assert CustomerIdentity.objects.filter(
        customer=customer, value=expected["from_email"].lower().rstrip(".")).exists()
    subject = " ".join(str(expected.get("subject") or "").split())
    if subject:
        assert inbound.ticket.subject == subject


def test_reply_to_a_closed_ticket_starts_a_follow_up(deliver, make_ticket):
    first = deliver(make_mail(message_id="<closed-1@example.cn>", subject="旧问题"))
    Ticket.objects.filter(pk=first.ticket_id).update(status="closed")
    reply = deliver(make_mail(subject="Re: 旧问题", headers={"In-Reply-To": "<closed-1@example.cn>"}))
    assert reply.status == InboundStatus.PROCESSED
    assert reply.ticket != first.ticket and reply.ticket.follow_up_of == first.ticket


def test_the_mailbox_calendar_is_found_for_its_tickets(deliver, mailbox):
    inbound = deliver(make_mail(subject="日历"))
    assert ticket_mailbox_calendar(inbound.ticket_id) is None
    mailbox.calendar = BusinessCalendar.objects.create(name="华东客服")
    mailbox.save()
    assert ticket_mailbox_calendar(inbound.ticket_id) == mailbox.calendar


def test_a_mailbox_calendar_drives_the_ticket_sla_clocks(deliver, mailbox):
    from kefu.sla.models import SlaTarget

    mailbox.calendar = BusinessCalendar.objects.create(name="华东客服")
    mailbox.save()
    inbound = deliver(make_mail(subject="发票抬头错了"))
    clocks = SlaTarget.objects.filter(ticket_id=inbound.ticket_id)
    assert clocks.exists()
    assert {c.calendar_id for c in clocks} == {mailbox.calendar.pk}  # not the policy's


def test_a_bounce_marks_the_address_and_new_mail_from_it_clears_the_mark(deliver):
    from kefu.customers.models import CustomerIdentity
    from kefu.customers.services import IdentitySet, customer_create

    bounce_raw = (FIXTURES / "bounce_dsn.eml").read_bytes()
    probe = deliver(bounce_raw)
    address = probe.bounced_address
    assert address
    InboundMail.objects.filter(pk=probe.pk).delete()  # deliver the same bounce again below
    customer_create(name="退信客户", identities=IdentitySet(emails=[address]))
    deliver(bounce_raw)
    assert CustomerIdentity.objects.get(value=address).bouncing
    deliver(make_mail(sender=address, subject="我换了新邮箱服务器"))
    assert not CustomerIdentity.objects.get(value=address).bouncing

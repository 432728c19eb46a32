"""Auto-triage and handoff through the bus and the job worker, on real tickets."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kefu.accounts.actor import SYSTEM, actor_for
from kefu.conftest import run_queued_jobs
from kefu.intel.choices import CategorySource
from kefu.intel.listeners import ANALYSE_JOB
from kefu.intel.models import AssistSettings, Category, MessageInsight, TicketInsight
from kefu.intel.redaction import redact_old_messages
from kefu.intel.services import HANDOFF_TAG, insight_set_category
from kefu.notifications.models import Notification
from kefu.tickets.choices import AuthorKind, EventKind, Visibility
from kefu.tickets.models import Message, TicketEvent
from kefu.tickets.services import message_post, ticket_create, ticket_update


@pytest.fixture
def categories(cast):
    refund = Category.objects.create(
        name="退款", description="申请退款、退款进度", keywords="退款,退钱,钱没退",
        team=cast.team_b, tags=["退款"], position=1)
    logistics = Category.objects.create(
        name="物流", description="快递没到、物流不更新", keywords="快递,物流,没收到,发货",
        team=cast.team_a, tags=["物流"], position=2)
    return refund, logistics


@pytest.fixture
def bus(django_capture_on_commit_callbacks):
    def open_ticket(cast, *, subject, body, actor=SYSTEM, channel="web", **kw):
        with django_capture_on_commit_callbacks(execute=True):
            ticket, _ = ticket_create(actor=actor, subject=subject, body=body,
                                      requester=cast.customer, channel=channel, **kw)
        run_queued_jobs(ANALYSE_JOB)
        ticket.refresh_from_db()
        return ticket

    return open_ticket


def _notes(ticket):
    """The auto-triage lines (a handoff line is another kind of triage line)."""
    return [note for note in TicketEvent.objects.filter(ticket=ticket, kind=EventKind.TRIAGE)
            .values_list("note", flat=True) if note.startswith(("auto-triage", "自动分诊"))]


def test_a_new_ticket_is_categorised_moved_and_tagged_with_a_history_line(cast, categories, bus):
    refund, _ = categories
    ticket = bus(cast, subject="申请退款", body="我要退款，东西不想要了，钱什么时候退给我？")
    insight = TicketInsight.objects.get(ticket=ticket)
    assert insight.category == refund and insight.category_source == CategorySource.AUTO
    assert ticket.team_id == cast.team_b.pk
    assert "退款" in set(ticket.tags.values_list("name", flat=True))
    [note] = _notes(ticket)
    assert "退款" in note
    analysed = MessageInsight.objects.get(ticket=ticket)
    assert analysed.category == refund and analysed.category_confidence > 0.5


def test_an_agents_team_and_category_are_never_overridden(
        cast, categories, django_capture_on_commit_callbacks):
    _, logistics = categories
    agent = actor_for(cast.lead_a)
    with django_capture_on_commit_callbacks(execute=True):
        ticket, _ = ticket_create(actor=SYSTEM, subject="退款",
                                  body="第三次了！我要退款，今天必须退，不然投诉",
                                  requester=cast.customer, channel="web")
        # An agent files it before the analysis job runs.
        ticket_update(actor=agent, ticket=ticket, changes={"team_id": cast.team_a.pk,
                                                           "priority": "low"})
        insight_set_category(actor=agent, ticket=ticket, category=logistics)
    run_queued_jobs(ANALYSE_JOB)
    ticket.refresh_from_db()
    assert ticket.team_id == cast.team_a.pk and ticket.priority == "low"
    insight = TicketInsight.objects.get(ticket=ticket)
    assert insight.category == logistics and insight.category_source == CategorySource.MANUAL
    assert MessageInsight.objects.get(ticket=ticket).category.name == "退款"  # only its guess
    change = TicketEvent.objects.get(ticket=ticket, field="category")
    assert (change.before, change.after, change.actor_id) == (None, "物流", cast.lead_a.pk)


def test_each_step_can_be_switched_off(cast, categories, bus):
    AssistSettings.objects.update_or_create(pk=1, defaults={"triage_team": False,
                                                           "triage_tags": False})
    ticket = bus(cast, subject="申请退款", body="我要退款，钱什么时候退？")
    assert ticket.team_id is None
    assert "退款" not in set(ticket.tags.values_list("name", flat=True))
    assert TicketInsight.objects.get(ticket=ticket).category.name == "退款"


def test_an_angry_urgent_message_raises_the_priority_but_never_lowers_it(cast, categories, bus):
    calm = bus(cast, subject="咨询", body="请问发票怎么开？")
    assert calm.priority == "normal"
    angry = bus(cast, subject="太离谱了", body="第三次问了！！！快递到底什么时候到？今天必须给我解决，不然我就投诉到12315！")
    assert angry.priority in ("high", "urgent")
    insight = MessageInsight.objects.get(ticket=angry)
    assert insight.emotion in ("angry", "anxious") and insight.polarity == "negative"
    assert any(cue["kind"] == "public_threat" for cue in insight.evidence)


def test_asking_for_a_person_flags_the_chat_and_notifies_the_assignee(cast, categories, bus):
    ticket = bus(cast, subject="转人工", body="机器人说不清楚，转人工！我要人工客服",
                 team_id=cast.team_a.pk, assignee_id=cast.agent_a.pk, channel="chat")
    insight = TicketInsight.objects.get(ticket=ticket)
    assert insight.handoff_at is not None and "asked_for_human" in insight.handoff_reasons
    assert HANDOFF_TAG in set(ticket.tags.values_list("name", flat=True))
    assert Notification.objects.filter(user=cast.agent_a, ticket=ticket, kind="handoff").exists()


def test_words_like_artificial_intelligence_are_not_a_handoff(cast, categories, bus):
    ticket = bus(cast, subject="咨询", body="你们的人工智能功能怎么开通？人工费怎么算？",
                 channel="chat")
    insight = TicketInsight.objects.get(ticket=ticket)
    assert insight.handoff_at is None


def test_an_angry_email_is_raised_in_priority_but_not_handed_off(cast, categories, bus):
    ticket = bus(cast, subject="投诉", body="第三次了！！！再不处理我就投诉到12315！转人工！",
                 channel="email")
    assert ticket.priority in ("high", "urgent")
    assert TicketInsight.objects.get(ticket=ticket).handoff_at is None
    assert MessageInsight.objects.get(ticket=ticket).handoff  # the signal is still recorded


def test_old_messages_are_analysed_but_move_nothing(cast, categories, bus):
    ticket = bus(cast, subject="申请退款", body="我要退款，转人工",
                 created_at=timezone.now() - dt.timedelta(days=3), channel="chat")
    assert MessageInsight.objects.filter(ticket=ticket).exists()
    assert ticket.team_id is None and not _notes(ticket)
    assert TicketInsight.objects.get(ticket=ticket).handoff_at is None


def test_later_customer_messages_are_analysed_once_each(cast, categories, bus,
                                                        django_capture_on_commit_callbacks):
    ticket = bus(cast, subject="物流", body="快递什么时候到？")
    with django_capture_on_commit_callbacks(execute=True):
        message = message_post(actor=actor_for(cast.customer_user), ticket=ticket,
                               body="还没到？？都三天了，到底什么时候到")
    run_queued_jobs(ANALYSE_JOB, twice=True)
    assert MessageInsight.objects.filter(ticket=ticket).count() == 2
    later = MessageInsight.objects.get(message=message)
    assert later.emotion in ("anxious", "angry")
    assert TicketInsight.objects.get(ticket=ticket).emotion == later.emotion


def test_agent_messages_are_not_analysed(cast, categories, bus, django_capture_on_commit_callbacks):
    ticket = bus(cast, subject="物流", body="快递什么时候到？")
    with django_capture_on_commit_callbacks(execute=True):
        message_post(actor=actor_for(cast.agent_a), ticket=ticket, body="您好，已为您催件",
                     visibility=Visibility.PUBLIC)
    run_queued_jobs(ANALYSE_JOB)
    assert not MessageInsight.objects.filter(message__author_kind=AuthorKind.AGENT).exists()


def test_redaction_masks_old_customer_messages_once(cast, categories, bus):
    old = bus(cast, subject="改地址", body="我的手机13912345678，身份证11010519491231002X",
              created_at=timezone.now() - dt.timedelta(days=40))
    fresh = bus(cast, subject="改地址", body="我的手机13912345678")
    assert redact_old_messages() == 0  # off by default
    AssistSettings.objects.update_or_create(pk=1, defaults={"redact_after_days": 30})
    assert redact_old_messages() == 1
    text = Message.objects.get(ticket=old).body_text
    assert "13912345678" not in text and "139****5678" in text
    assert "11010519491231002X" not in text
    assert "13912345678" in Message.objects.get(ticket=fresh).body_text
    assert redact_old_messages() == 0
    ticket_update(actor=SYSTEM, ticket=old, changes={"priority": "low"})  # still a normal ticket


def test_the_ticket_page_shows_what_auto_triage_did(cast, categories, bus, web):
    ticket = bus(cast, subject="申请退款", body="我要退款，东西不想要了，钱什么时候退给我？")
    page = web(cast.admin).get(f"/agent/tickets/{ticket.pk}/").content.decode()
    assert "自动分诊：分类=退款" in page


def test_bad_category_tags_and_confidence_are_refused_with_a_message(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        Category(name="退款", tags="退款,售后").full_clean()
    assert "tags" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        AssistSettings(min_confidence=1.5).full_clean()
    assert "min_confidence" in refused.value.message_dict

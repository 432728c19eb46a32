"""Which policy applies, the shipped defaults, business calendars and China holidays."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from kefu.sla.calendar import add_business_minutes
from kefu.sla.choices import CalendarDateKind, Metric, SlaEventKind, TargetState
from kefu.sla.models import BusinessCalendar, CalendarDate, SlaEvent, SlaPolicy, SlaTarget
from kefu.sla.tests.conftest import sh
from kefu.tickets.services import ticket_update

pytestmark = pytest.mark.django_db


def clock(ticket, metric):
    return (SlaTarget.objects.filter(ticket=ticket, metric=metric)
            .exclude(state=TargetState.CANCELLED).get())


def test_shipped_defaults_in_order():
    names = list(SlaPolicy.objects.filter(active=True).values_list("name", flat=True))
    assert names == ["铂金客户 · 在线聊天", "铂金客户", "金卡客户 · 在线聊天", "金卡客户", "在线聊天",
                     "社交媒体", "邮件与网页表单", "银卡客户"]
    chat = SlaPolicy.objects.get(name="在线聊天")
    assert (chat.first_response_minutes, chat.channels) == (1, ["chat"])
    email = SlaPolicy.objects.get(name="邮件与网页表单")
    assert (email.first_response_minutes, email.resolution_minutes) == (240, 1440)
    assert SlaPolicy.objects.get(name="社交媒体").first_response_minutes == 120
    platinum = SlaPolicy.objects.get(name="铂金客户")
    assert (platinum.resolution_minutes, platinum.time_mode) == (240, "calendar")
    silver = SlaPolicy.objects.get(name="银卡客户")
    assert (silver.first_response_minutes, silver.time_mode) == (1440, "business")
    assert email.calendar is not None and email.calendar.china_official


@pytest.mark.parametrize(("tier", "channel", "expected", "first_due"), [
    ("standard", "chat", "在线聊天", sh(2025, 3, 5, 10, 1)),
    ("platinum", "chat", "铂金客户 · 在线聊天", sh(2025, 3, 5, 10, 1)),
    ("platinum", "email", "铂金客户", sh(2025, 3, 5, 11)),
    ("gold", "social", "金卡客户", sh(2025, 3, 5, 12)),
    ("standard", "social", "社交媒体", sh(2025, 3, 5, 12)),
    ("silver", "web", "邮件与网页表单", sh(2025, 3, 5, 15, 30)),
    ("silver", "phone", "银卡客户", sh(2025, 3, 10, 11, 30)),
    ("standard", "phone", None, None),
])
def test_first_matching_policy_by_position(cast, make_ticket, run, tier, channel, expected, first_due):
    cast.customer.tier = tier
    cast.customer.save(update_fields=["tier"])
    ticket = run(sh(2025, 3, 5, 10), make_ticket, channel=channel, created_at=sh(2025, 3, 5, 10))
    found = SlaTarget.objects.filter(ticket=ticket, metric=Metric.FIRST_RESPONSE)
    if expected is None:
        assert not found.exists()
        return
    first = found.select_related("policy").get()
    assert (first.policy and first.policy.name, first.due_at) == (expected, first_due)


def test_conditions_order_and_inactive(cast, make_ticket, run, only_policies):
    urgent_tagged, inactive, team_a, anything = only_policies(
        {"priorities": ["urgent"], "tags": ["投诉"], "first_response_minutes": 10},
        {"first_response_minutes": 1, "active": False},
        {"team_ids": [cast.team_a.pk], "ticket_types": ["question"], "first_response_minutes": 30,
         "time_mode": "calendar"},
        {"first_response_minutes": 600, "time_mode": "calendar"},
    )
    at = sh(2025, 3, 5, 10)
    urgent = run(at, make_ticket, priority="urgent", tags=["投诉", "退款"], team=cast.team_b, created_at=at)
    assert clock(urgent, Metric.FIRST_RESPONSE).policy == urgent_tagged
    untagged = run(at, make_ticket, priority="urgent", team=cast.team_a, created_at=at)
    assert clock(untagged, Metric.FIRST_RESPONSE).policy == team_a
    other = run(at, make_ticket, type="incident", team=cast.team_a, created_at=at)
    assert clock(other, Metric.FIRST_RESPONSE).policy == anything


def test_matching_field_change_switches_policy_keeping_the_start(cast, make_ticket, run, only_policies):
    urgent, normal = only_policies(
        {"priorities": ["urgent"], "first_response_minutes": 60, "resolution_minutes": 120,
         "time_mode": "calendar"},
        {"first_response_minutes": 240, "time_mode": "calendar"},
    )
    at = sh(2025, 3, 5, 10)
    ticket = run(at, make_ticket, team=cast.team_a, created_at=at)
    assert clock(ticket, Metric.FIRST_RESPONSE).due_at == sh(2025, 3, 5, 14)
    run(sh(2025, 3, 5, 10, 20), ticket_update, actor=cast.actor(cast.agent_a), ticket=ticket,
        changes={"priority": "urgent"})
    first = clock(ticket, Metric.FIRST_RESPONSE)
    assert (first.policy, first.started_at, first.due_at) == (urgent, at, sh(2025, 3, 5, 11))
    assert clock(ticket, Metric.RESOLUTION).due_at == sh(2025, 3, 5, 12)
    assert SlaTarget.objects.filter(ticket=ticket, state=TargetState.CANCELLED).count() == 1
    applied = SlaEvent.objects.filter(ticket=ticket, kind=SlaEventKind.APPLIED).order_by("id")
    assert [e.policy for e in applied] == [normal, urgent]
    # A change that keeps the same policy changes nothing.
    run(sh(2025, 3, 5, 10, 30), ticket_update, actor=cast.actor(cast.agent_a), ticket=ticket,
        changes={"type": "incident"})
    assert SlaEvent.objects.filter(ticket=ticket, kind=SlaEventKind.APPLIED).count() == 2


def test_business_due_across_national_day(cast, make_ticket, run):
    # Tuesday 30 September 2025, 17:00: 1 h left today, 1-8 October off, Thursday 9th on.
    ticket = run(sh(2025, 9, 30, 17), make_ticket, channel="email", created_at=sh(2025, 9, 30, 17))
    assert clock(ticket, Metric.FIRST_RESPONSE).due_at == sh(2025, 10, 9, 12)
    # Saturday 27 September: the next working time is the make-up Sunday the 28th.
    weekend = run(sh(2025, 9, 27, 10), make_ticket, channel="email", created_at=sh(2025, 9, 27, 10))
    assert clock(weekend, Metric.FIRST_RESPONSE).due_at == sh(2025, 9, 28, 14, 30)


def test_past_the_official_data_the_weekly_hours_still_give_a_due_time(cast, make_ticket, run):
    # chinese-calendar knows 2026 at most: a deadline in 2027 falls back to the weekly hours.
    at = sh(2026, 12, 31, 17)
    ticket = run(at, make_ticket, channel="email", created_at=at)
    first = clock(ticket, Metric.FIRST_RESPONSE)
    assert first.due_at > at
    assert first.state == TargetState.RUNNING


def test_business_calendar_layers_own_dates_over_the_official_ones():
    cal = BusinessCalendar.objects.create(name="上海客服中心", china_official=True)
    CalendarDate.objects.create(calendar=cal, date=date(2025, 10, 8), kind=CalendarDateKind.WORKING_DAY,
                                hours=["10:00-16:00"])
    CalendarDate.objects.create(calendar=cal, date=date(2025, 10, 9), kind=CalendarDateKind.DAY_OFF,
                                name="公司年会")
    built = cal.build()
    assert built.hours_on(date(2025, 10, 1)) == ()  # official holiday
    assert built.hours_on(date(2025, 10, 11)) == ((540, 720), (810, 1080))  # official make-up Saturday
    assert built.hours_on(date(2025, 10, 8)) == ((600, 960),)
    assert built.hours_on(date(2025, 10, 9)) == ()
    assert add_business_minutes(built, sh(2025, 10, 7, 12), 60) == sh(2025, 10, 8, 11)
    plain = BusinessCalendar.objects.create(name="plain", weekly_hours={"sat": ["10:00-12:00"]})
    assert plain.build().hours_on(date(2025, 10, 1)) == ()  # a Wednesday: not in the weekly hours
    assert plain.build().hours_on(date(2025, 10, 4)) == ((600, 720),)


def test_calendar_and_policy_validation():
    with pytest.raises(ValidationError):
        BusinessCalendar(name="bad", weekly_hours={"mon": ["18:00-09:00"]}).full_clean()
    with pytest.raises(ValidationError):
        BusinessCalendar(name="none", weekly_hours={}).full_clean()
    policy = SlaPolicy(name="p", escalation={"breached": {"reassign_to": "boss"}})
    with pytest.raises(ValidationError):
        policy.full_clean()
    policy.escalation = {"breached": {"notify_lead": True, "reassign_to": "team:3"}}
    policy.full_clean()


def test_policy_with_own_calendar(cast, make_ticket, run, only_policies):
    cal = BusinessCalendar.objects.create(name="weekend desk", weekly_hours={"sat": ["10:00-12:00"]})
    only_policies({"first_response_minutes": 60, "calendar": cal})
    ticket = run(sh(2025, 3, 5, 10), make_ticket, created_at=sh(2025, 3, 5, 10))
    assert clock(ticket, Metric.FIRST_RESPONSE).due_at == sh(2025, 3, 8, 11)


def test_customer_tier_change_rematches_active_tickets(cast, make_ticket, run):
    from kefu.customers.services import customer_update

    ticket = run(sh(2025, 3, 5, 10), make_ticket, channel="email", created_at=sh(2025, 3, 5, 10))
    assert clock(ticket, Metric.RESOLUTION).policy.name == "邮件与网页表单"
    run(sh(2025, 3, 5, 10, 30), customer_update, customer=cast.customer, data={"tier": "platinum"})
    resolution = clock(ticket, Metric.RESOLUTION)
    assert resolution.policy.name == "铂金客户"
    assert (resolution.started_at, resolution.due_at) == (sh(2025, 3, 5, 10), sh(2025, 3, 5, 14))

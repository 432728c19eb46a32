"""The admin edits calendars and policies; conditions are stored as plain lists."""

from __future__ import annotations

import pytest
from django.test import Client

from kefu.sla.models import BusinessCalendar, SlaPolicy

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(cast):
    client = Client()
    client.force_login(cast.admin)
    return client


def test_pages_render(browser):
    policy = SlaPolicy.objects.get(name="在线聊天")
    calendar = BusinessCalendar.objects.get()
    for url in ("/admin/sla/slapolicy/", f"/admin/sla/slapolicy/{policy.pk}/change/",
                "/admin/sla/slapolicy/add/", f"/admin/sla/businesscalendar/{calendar.pk}/change/",
                "/admin/sla/slatarget/", "/admin/sla/slaevent/"):
        assert browser.get(url).status_code == 200, url


def test_create_policy_with_conditions(browser, cast):
    response = browser.post("/admin/sla/slapolicy/add/", {
        "name": "投诉加急", "description": "", "position": "1", "active": "on",
        "tiers": ["gold", "platinum"], "priorities": ["urgent"], "channels": [], "ticket_types": [],
        "teams": [str(cast.team_a.pk)], "tags": "投诉， 加急",
        "first_response_minutes": "30", "next_response_minutes": "", "resolution_minutes": "240",
        "time_mode": "business", "calendar": "", "escalation": '{"breached": {"notify_lead": true}}',
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    policy = SlaPolicy.objects.get(name="投诉加急")
    assert (policy.tiers, policy.priorities, policy.team_ids, policy.tags) == (
        ["gold", "platinum"], ["urgent"], [cast.team_a.pk], ["投诉", "加急"])
    assert policy.next_response_minutes is None


def test_calendar_dates_inline_bumps_the_version(browser):
    calendar = BusinessCalendar.objects.get()
    before = calendar.updated_at
    response = browser.post(f"/admin/sla/businesscalendar/{calendar.pk}/change/", {
        "name": calendar.name, "time_zone": "Asia/Shanghai",
        "weekly_hours": '{"mon": ["09:00-18:00"], "tue": ["09:00-18:00"]}', "china_official": "on",
        "dates-TOTAL_FORMS": "1", "dates-INITIAL_FORMS": "0", "dates-MIN_NUM_FORMS": "0",
        "dates-MAX_NUM_FORMS": "1000", "dates-0-date": "2025-10-10", "dates-0-kind": "day_off",
        "dates-0-hours": "[]", "dates-0-name": "公司假日",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    calendar.refresh_from_db()
    assert calendar.updated_at > before
    assert calendar.build().hours_on(calendar.dates.get().date) == ()

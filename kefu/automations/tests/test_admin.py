"""Rules are managed in the admin; bad rules are refused with a clear message; runs are visible."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from kefu.automations.models import Rule, RuleRun
from kefu.automations.services import rule_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(cast):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(cast.admin)
    return client


def form(**over):
    data = {"name": "测试规则", "description": "", "active": "on", "position": "1",
            "event": "ticket_created", "time_anchor": "", "time_status": "", "time_hours": "",
            "match": "all", "conditions": "[]",
            "actions": json.dumps([{"type": "set_priority", "value": "high"}])}
    data.update(over)
    return data


def test_shipped_examples_exist_disabled():
    names = set(Rule.objects.filter(active=False).values_list("name", flat=True))
    assert {"已解决 7 天后自动关闭", "待回复 3 天后提醒客户", "白金客户投诉标记为紧急"} <= names
    for example in Rule.objects.filter(name__in=names):
        example.full_clean()  # the examples pass their own validation


def test_admin_creates_a_valid_rule(browser):
    response = browser.post("/admin/automations/rule/add/", form())
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Rule.objects.get(name="测试规则").actions == [{"type": "set_priority", "value": "high"}]


@pytest.mark.parametrize(("over", "message"), [
    ({"actions": json.dumps([{"type": "set_priority", "value": "asap"}])}, "is not valid"),
    ({"actions": json.dumps([{"type": "explode"}])}, "unknown type"),
    ({"actions": "[]"}, "non-empty JSON list"),
    ({"actions": json.dumps([{"type": "webhook", "url": "ftp://x"}])}, "http(s) address"),
    ({"actions": json.dumps([{"type": "reply", "macro_id": 999999}])}, "does not exist"),
    ({"conditions": json.dumps([{"field": "mood", "op": "is", "value": 1}])}, "unknown field"),
    ({"event": "time_based"}, "time-based rule needs"),
    ({"time_hours": "5"}, "Only time-based rules"),
])
def test_admin_refuses_bad_rules(browser, over, message):
    response = browser.post("/admin/automations/rule/add/", form(**over))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Rule.objects.filter(name="测试规则").exists()


def test_service_refuses_bad_rules():
    with pytest.raises(ValidationError) as info:
        rule_create(name="bad", event="ticket_created", actions=[{"type": "add_tags", "tags": []}])
    assert "tags must be a non-empty list" in str(info.value)


def test_pages_render(browser, make_ticket):
    rule = rule_create(name="r", event="ticket_created", actions=[{"type": "add_tags", "tags": ["x"]}])
    ticket = make_ticket()
    run = RuleRun.objects.create(rule=rule, ticket=ticket, event="ticket_created", occurrence="created",
                                 at=ticket.created_at, error="boom")
    for url in ("/admin/automations/rule/", f"/admin/automations/rule/{rule.pk}/change/",
                "/admin/automations/rule/add/", "/admin/automations/rulerun/",
                f"/admin/automations/rulerun/{run.pk}/change/"):
        assert browser.get(url).status_code == 200, url


def test_refusal_is_in_chinese_by_default(cast):
    client = Client()
    client.force_login(cast.admin)
    response = client.post("/admin/automations/rule/add/",
                           form(actions=json.dumps([{"type": "explode"}])))
    assert response.status_code == 200
    assert "动作 1：未知类型" in response.content.decode()

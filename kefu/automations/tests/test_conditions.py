"""Conditions: every field kind and operator, groups, business hours, and validation."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from kefu.automations.conditions import Facts, matches, validate_conditions
from kefu.automations.services import _business_hours

SH = ZoneInfo("Asia/Shanghai")


def facts(**over) -> Facts:
    base = dict(
        status="open", priority="normal", type="question", channel="email", team=3, assignee=None,
        customer_tier="platinum", tags=frozenset({"退款"}), customer_tags=frozenset({"大客户"}),
        subject="订单投诉", message_text="我要 Refund 退款", changed=frozenset({"status"}),
        business_hours={None: True},
    )
    base.update(over)
    return Facts(**base)


@pytest.mark.parametrize(("condition", "expected"), [
    ({"field": "status", "op": "is", "value": "open"}, True),
    ({"field": "status", "op": "is_not", "value": "open"}, False),
    ({"field": "priority", "op": "in", "value": ["high", "urgent"]}, False),
    ({"field": "priority", "op": "not_in", "value": ["high", "urgent"]}, True),
    ({"field": "type", "op": "is", "value": "question"}, True),
    ({"field": "channel", "op": "in", "value": ["chat", "email"]}, True),
    ({"field": "team", "op": "is", "value": 3}, True),
    ({"field": "team", "op": "in", "value": [4, 5]}, False),
    ({"field": "assignee", "op": "is", "value": None}, True),
    ({"field": "customer_tier", "op": "is", "value": "platinum"}, True),
    ({"field": "tags", "op": "contains", "value": "退款"}, True),
    ({"field": "tags", "op": "not_contains", "value": "退款"}, False),
    ({"field": "customer_tags", "op": "contains", "value": "大客户"}, True),
    ({"field": "changed", "op": "contains", "value": "priority"}, False),
    ({"field": "message_text", "op": "contains", "value": "refund"}, True),  # case-insensitive
    ({"field": "message_text", "op": "not_contains", "value": "投诉"}, True),
    ({"field": "subject", "op": "contains", "value": "投诉"}, True),
    ({"field": "business_hours", "op": "is", "value": True}, True),
    ({"field": "business_hours", "op": "is", "value": False}, False),
])
def test_each_condition_kind(condition, expected):
    validate_conditions([condition])
    assert matches([condition], facts()) is expected


def test_all_any_and_groups():
    platinum = {"field": "customer_tier", "op": "is", "value": "platinum"}
    complaint = {"field": "type", "op": "is", "value": "complaint"}
    says_complaint = {"field": "message_text", "op": "contains", "value": "投诉"}
    rule = [platinum, {"any": [complaint, says_complaint]}]
    validate_conditions(rule)
    assert not matches(rule, facts())
    assert matches(rule, facts(type="complaint"))
    assert matches(rule, facts(message_text="我要投诉"))
    assert not matches(rule, facts(customer_tier="gold", type="complaint"))
    assert matches([platinum, complaint], facts(), mode="any")
    assert not matches([platinum, complaint], facts(), mode="all")
    assert matches([], facts())


def test_business_hours_follow_the_china_mainland_calendar():
    # A Tuesday morning works; a Sunday does not; 国庆 (2025-10-01, a Wednesday) does not;
    # the make-up Saturday 2025-09-28 does.
    cases = {
        datetime(2025, 9, 23, 10, 0, tzinfo=SH): True,
        datetime(2025, 9, 23, 22, 0, tzinfo=SH): False,
        datetime(2025, 9, 21, 10, 0, tzinfo=SH): False,
        datetime(2025, 10, 1, 10, 0, tzinfo=SH): False,
        datetime(2025, 9, 28, 10, 0, tzinfo=SH): True,
    }
    for at, working in cases.items():
        assert _business_hours([None], at) == {None: working}, at


@pytest.mark.parametrize(("conditions", "message"), [
    ({"field": "status"}, "must be a JSON list"),
    (["status"], "must be an object"),
    ([{"field": "colour", "op": "is", "value": "red"}], "unknown field"),
    ([{"field": "status", "op": "is", "value": "lost"}], "not a valid status"),
    ([{"field": "status", "op": "contains", "value": "open"}], "operator must be one of"),
    ([{"field": "priority", "op": "in", "value": []}], "non-empty list"),
    ([{"field": "team", "op": "is", "value": "A"}], "ids (integers)"),
    ([{"field": "tags", "op": "contains", "value": ""}], "non-empty text"),
    ([{"field": "business_hours", "op": "is", "value": "yes"}], "business_hours"),
    ([{"field": "status", "op": "is", "value": "open", "extra": 1}], "unknown key"),
    ([{"any": [{"field": "nope", "op": "is", "value": 1}]}], "Condition 1.1"),
    ([{"any": [], "all": []}], "exactly one key"),
])
def test_bad_conditions_are_refused_with_a_clear_message(conditions, message):
    with pytest.raises(ValidationError) as info:
        validate_conditions(conditions)
    assert message in " ".join(info.value.messages)

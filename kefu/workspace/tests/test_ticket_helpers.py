"""Pure helpers of the ticket page: contact masking and the birthday window."""

from __future__ import annotations

import datetime as dt

import pytest

from kefu.accounts.actor import Actor
from kefu.accounts.choices import Role
from kefu.workspace.ticket_customer import days_until_birthday
from kefu.workspace.ticket_masking import mask_identity, sees_full_contacts


@pytest.mark.parametrize(("value", "masked"), [
    ("+8613800138000", "138****8000"),
    ("13800138000", "138****8000"),
    ("+861087654321", "010-****4321"),  # a Beijing landline stored as E.164
    ("+14155552671", "+141****2671"),
    ("12345", "1***5"),
    ("12", "***"),
])
def test_mask_phone(value, masked):
    assert mask_identity("phone", value) == masked


@pytest.mark.parametrize(("value", "masked"), [
    ("zhang@example.com", "z***@example.com"),
    ("a@b.cn", "a***@b.cn"),
    ("@example.com", "***@example.com"),
    ("no-at-sign", "n***n"),
])
def test_mask_email(value, masked):
    assert mask_identity("email", value) == masked


def test_mask_wechat_and_dispatch():
    assert mask_identity("wechat", "wxid_zhang3") == "w***3"
    assert mask_identity("wechat", "ab") == "***"
    assert mask_identity("wechat", "zhangsan_88") == "z***8"
    assert mask_identity("phone", "+8613912345678") == "139****5678"
    assert mask_identity("email", "li@example.com") == "l***@example.com"


def test_who_sees_full_contacts():
    assert sees_full_contacts(Actor(user_id=1, role=Role.ADMIN))
    assert sees_full_contacts(Actor(user_id=1, role=Role.LEAD))
    assert not sees_full_contacts(Actor(user_id=1, role=Role.AGENT))


D = dt.date


@pytest.mark.parametrize(("birthday", "today", "days"), [
    (D(1990, 5, 10), D(2026, 5, 10), 0),          # today
    (D(1990, 5, 17), D(2026, 5, 10), 7),          # last day of the window
    (D(1990, 5, 18), D(2026, 5, 10), None),       # just outside
    (D(1990, 5, 9), D(2026, 5, 10), None),        # yesterday: next one is a year away
    (D(1985, 1, 2), D(2026, 12, 28), 5),          # year wrap
    (D(1985, 12, 31), D(2026, 12, 31), 0),
    (D(1985, 1, 7), D(2026, 12, 31), 7),          # wrap, last day
    (D(1985, 1, 8), D(2026, 12, 31), None),
    (D(1992, 2, 29), D(2027, 2, 25), 3),          # 29 Feb in a common year: 28 Feb
    (D(1992, 2, 29), D(2028, 2, 25), 4),          # ... and in a leap year: 29 Feb
    (D(1992, 2, 29), D(2027, 3, 1), None),        # passed for this year
    (D(1992, 2, 29), D(2027, 12, 28), None),      # next is 28 Feb 2028, far away
    (None, D(2026, 5, 10), None),
])
def test_birthday_window(birthday, today, days):
    assert days_until_birthday(birthday, today) == days

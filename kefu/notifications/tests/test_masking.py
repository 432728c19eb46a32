"""Notifications never carry a customer's personal data."""

from __future__ import annotations

from django.core import mail

from kefu.notifications.models import Notification
from kefu.notifications.services import notify


def test_phone_and_id_numbers_are_masked_in_the_notification_and_its_mail(
        cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(user_ids=[cast.admin.pk], kind="sla",
               text="#10001 客户 13912345678 身份证 11010519491231002X 等待回复")
    [row] = Notification.objects.filter(user=cast.admin)
    assert "13912345678" not in row.text and "139****5678" in row.text
    assert "11010519491231002X" not in row.text
    [message] = mail.outbox
    assert "13912345678" not in message.subject + message.body

"""Reads: a user's notifications and unread count (their own only)."""

from __future__ import annotations

from kefu.notifications.models import Notification


def unread_count(*, user_id: int) -> int:
    return Notification.objects.filter(user_id=user_id, read_at__isnull=True).count()


def notification_list(*, user_id: int, limit: int = 50) -> list[Notification]:
    return list(Notification.objects.filter(user_id=user_id).select_related("ticket")[:limit])

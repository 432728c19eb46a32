"""Writes: notify agents (in the workspace, and by email), mark notifications read."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from kefu.assist.pii import mask
from kefu.core.events import Event, publish
from kefu.notifications.models import Notification


@transaction.atomic
def notify(*, user_ids: Iterable[int | None], kind: str, text: str, ticket_id: int | None = None,
           email: bool = True) -> list[Notification]:
    """One notification per distinct active user; an email too (after commit) when asked."""
    ids = sorted({uid for uid in user_ids if uid})
    users = list(get_user_model().objects.filter(pk__in=ids, is_active=True).only("pk", "email"))
    if not users:
        return []
    text = mask(text)[:300]  # notifications (and their mails) never carry personal data
    rows = Notification.objects.bulk_create(
        [Notification(user_id=u.pk, ticket_id=ticket_id, kind=kind, text=text) for u in users])
    publish(Event.NOTIFICATION_CREATED, user_ids=[u.pk for u in users])
    addresses = [u.email for u in users if u.email]
    if email and addresses:
        transaction.on_commit(lambda: send_mail(text, text, settings.DEFAULT_FROM_EMAIL, addresses))
    return rows


def notifications_mark_read(*, user_id: int, ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications (all, or ``ids``) read; returns how many."""
    qs = Notification.objects.filter(user_id=user_id, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())

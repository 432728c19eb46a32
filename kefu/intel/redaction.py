"""Redaction of personal data from stored customer messages after N days (PIPL).

An admin sets ``AssistSettings.redact_after_days``; the "intel.redact" periodic job
rewrites older customer messages with kefu.assist.pii.mask (phone, ID, card numbers,
emails, addresses; the masked forms keep enough to recognise them) and marks each one
so it is not read again. The raw bytes of processed inbound mails of that age are
emptied too (the parsed message is what remains). It cannot be undone.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from kefu.assist.pii import mask
from kefu.intel import cache
from kefu.tickets.choices import AuthorKind
from kefu.tickets.models import Message

BATCH = 500
MARK = "pii_redacted_at"


def redact_old_messages(*, now: dt.datetime | None = None, batch: int = BATCH) -> int:
    """Redact up to ``batch`` due messages per call until none is left; returns how many."""
    days = cache.assist_settings.get().redact_after_days
    if not days:
        return 0
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=days)
    done = 0
    while True:
        with transaction.atomic():
            rows = list(
                Message.objects.select_for_update()
                .filter(author_kind=AuthorKind.CUSTOMER, created_at__lt=cutoff)
                .exclude(channel_meta__has_key=MARK)
                .order_by("id")[:batch])
            for message in rows:
                message.body_text = mask(message.body_text)
                message.body_html = mask(message.body_html) if message.body_html else ""
                message.channel_meta = {**(message.channel_meta or {}), MARK: now.isoformat()}
            Message.objects.bulk_update(rows, ["body_text", "body_html", "channel_meta"])
        done += len(rows)
        if len(rows) < batch:
            break
    _drop_raw_mail(cutoff)
    return done


def _drop_raw_mail(cutoff: dt.datetime) -> None:
    from kefu.mailin.models import InboundMail  # the email channel, when installed

    (InboundMail.objects.filter(processed_at__isnull=False, processed_at__lt=cutoff)
     .exclude(raw=b"").update(raw=b""))

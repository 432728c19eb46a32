"""Outbound mail settings with their defaults (override them in kefu.config.settings)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # No more than this many mails to one address within the window: the rest are held
    # as failed ("rate_limited"), which breaks a reply loop with an auto-responder.
    "KEFU_MAILOUT_RATE_LIMIT": 20,
    "KEFU_MAILOUT_RATE_WINDOW_SECONDS": 600,
    # Delivery attempts (the job queue backs off between them) before a mail fails.
    "KEFU_MAILOUT_MAX_ATTEMPTS": 5,
    # A message older than this when its event arrives is history being imported (the
    # demo loader backdates two months of replies): it is not mailed.
    "KEFU_MAILOUT_MAX_AGE_SECONDS": 3600,
    # Message-ids kept in References (the first and the latest ones).
    "KEFU_MAILOUT_REFERENCES_LIMIT": 20,
    # Seconds a queued mail waits before its first delivery attempt. API clients that
    # upload a reply's attachments in a second request need a few; 0 sends at once.
    "KEFU_MAILOUT_DELAY_SECONDS": 0,
    # Seconds an SMTP conversation may hang before the attempt counts as failed.
    "KEFU_MAILOUT_SMTP_TIMEOUT": 60,
    # Dotted path of ``f(ticket) -> str | None``, the From address of a ticket's mail
    # (e.g. its mailbox once kefu.mailin exists); None or unset: DEFAULT_FROM_EMAIL.
    "KEFU_MAILOUT_SENDER": "",
}


def setting(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])

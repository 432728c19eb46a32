"""The inbound mail settings, with their defaults (settings.py may override each)."""

from __future__ import annotations

from django.conf import settings

DEFAULTS: dict[str, int | bool] = {
    "KEFU_MAIL_MAX_BYTES": 25 * 1024 * 1024,
    "KEFU_MAIL_MAX_RECIPIENTS": 50,
    "KEFU_MAIL_LOOP_LIMIT": 20,  # mails from one address to one mailbox ...
    "KEFU_MAIL_LOOP_WINDOW_SECONDS": 600,  # ... within this window; more are ignored
    "KEFU_MAIL_THREAD_BY_SUBJECT": True,
    "KEFU_MAIL_THREAD_WINDOW_DAYS": 7,
    "KEFU_MAIL_FULL_BODY_CHARS": 1_000_000,
}


def setting(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))

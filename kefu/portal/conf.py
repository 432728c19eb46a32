"""Portal settings with their defaults (override them in kefu.config.settings / the env)."""

from __future__ import annotations

from django.conf import settings


def setting(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))


DEFAULTS = {
    # Minutes a sign-in link stays valid.
    "KEFU_PORTAL_LINK_MINUTES": 15,
    # Sign-in link requests per window, per email and per client address.
    "KEFU_PORTAL_LINK_LIMIT_PER_EMAIL": 5,
    "KEFU_PORTAL_LINK_LIMIT_PER_IP": 20,
    # Web-form requests per window, per email and per client address.
    "KEFU_PORTAL_FORM_LIMIT_PER_EMAIL": 5,
    "KEFU_PORTAL_FORM_LIMIT_PER_IP": 20,
    # The fixed window of both limits, in seconds.
    "KEFU_PORTAL_RATE_WINDOW_SECONDS": 3600,
    # Files per web-form request or reply.
    "KEFU_PORTAL_MAX_FILES": 3,
}

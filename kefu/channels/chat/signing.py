"""Host-site identity: HMAC-SHA256 over "customer_id:email:timestamp".

The host site signs its logged-in customer with KEFU_CHAT_HMAC_SECRET; kefu trusts the
name and email only when the signature is right and at most a day old.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings

MAX_AGE_SECONDS = 24 * 3600


def _secret() -> bytes:
    return settings.KEFU_CHAT_HMAC_SECRET.encode("utf-8")


def sign_customer(customer_id: str, email: str, timestamp: int | str, *, secret: bytes | None = None) -> str:
    """The hex signature a host site computes (also used by the tests and the docs)."""
    message = f"{customer_id}:{email}:{timestamp}".encode()
    return hmac.new(secret if secret is not None else _secret(), message, hashlib.sha256).hexdigest()


def signature_valid(customer_id: str, email: str, timestamp: object, signature: object,
                    *, now: float | None = None) -> bool:
    """True for a correct, fresh signature; False for anything else (never raises)."""
    secret = _secret()
    if not secret or not customer_id or not isinstance(signature, str):
        return False  # no secret configured: nobody can be signed in
    try:
        ts = int(str(timestamp))
    except ValueError:
        return False
    current = time.time() if now is None else now
    if abs(current - ts) > MAX_AGE_SECONDS:
        return False
    expected = sign_customer(customer_id, email, str(timestamp), secret=secret)
    return hmac.compare_digest(expected, signature.strip().lower())

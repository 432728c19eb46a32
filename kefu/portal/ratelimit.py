"""Fixed-window rate limits stored in the database (they hold across processes)."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from kefu.portal.models import RateCounter


def client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR only: a forwarded-for header is set by the client and would let anyone
    # pick a fresh "address" per request. Behind a proxy, the proxy must set REMOTE_ADDR.
    return request.META.get("REMOTE_ADDR") or "unknown"


def _key(scope: str, value: str) -> str:
    # Hashed so the table holds no email addresses (PIPL: keep personal data minimal).
    return f"{scope}:{hashlib.sha256(value.strip().lower().encode()).hexdigest()}"


def hit(scope: str, value: str, *, limit: int, window_seconds: int) -> bool:
    """Count one request for ``value`` in the current window; False when over ``limit``."""
    now = timezone.now()
    epoch = int(now.timestamp())
    start = dt.datetime.fromtimestamp(epoch - epoch % window_seconds, tz=dt.UTC)
    key = _key(scope, value)
    with transaction.atomic():
        updated = RateCounter.objects.filter(key=key, window_start=start).update(count=F("count") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    RateCounter.objects.create(key=key, window_start=start, count=1)
            except IntegrityError:  # another process created the row first
                RateCounter.objects.filter(key=key, window_start=start).update(count=F("count") + 1)
        count = RateCounter.objects.filter(key=key, window_start=start).values_list("count", flat=True).get()
    if count == 1:
        # Old windows are of no use: drop them now and then, on a fresh window's first hit.
        RateCounter.objects.filter(window_start__lt=now - dt.timedelta(days=1)).delete()
    return count <= limit


def hit_all(checks: list[tuple[str, str, int]], *, window_seconds: int) -> bool:
    """Count every (scope, value, limit); False when any is over. All are counted, so an
    attacker cannot skip one counter by tripping another first."""
    results = [hit(scope, value, limit=limit, window_seconds=window_seconds)
               for scope, value, limit in checks if value]
    return all(results)

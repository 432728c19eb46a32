"""Portal state: one-time sign-in links and rate-limit counters.

Both live in the database so they hold across web processes (granian runs several)
without a shared cache.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.customers.models import Customer


class MagicLink(models.Model):
    """A one-time sign-in link. Only the SHA-256 of the token is stored: a database
    leak does not hand out working links."""

    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    email = models.CharField(_("email"), max_length=254)
    created_at = models.DateTimeField(_("created"))
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in link")
        verbose_name_plural = _("sign-in links")

    def __str__(self) -> str:
        return f"{self.email} {self.created_at:%Y-%m-%d %H:%M}"


class RateCounter(models.Model):
    """A fixed-window request counter: one row per (key, window start)."""

    key = models.CharField(_("key"), max_length=300)
    window_start = models.DateTimeField(_("window start"))
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="portal_rate_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.window_start:%Y-%m-%d %H:%M}: {self.count}"

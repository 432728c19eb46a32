from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.accounts.models import Team


class Macro(models.Model):
    """A canned reply: a title agents search for and a body with {{placeholders}}."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"))
    # Null: visible to every agent; otherwise to the members and the lead of this team.
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="macros",
    )
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    usage_count = models.PositiveIntegerField(_("times used"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-usage_count", "title", "id"]
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        indexes = [models.Index(fields=["active", "team"])]

    def __str__(self) -> str:
        return self.title

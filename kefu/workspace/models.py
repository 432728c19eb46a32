from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.accounts.models import Team


class SavedView(models.Model):
    """A named set of list filters (workspace.filters.ViewFilters as JSON).

    Shared with a team, its members may open it; only the owner may delete it. The
    filters narrow the viewer's own ticket scope, so sharing never shows anyone more.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE,
        related_name="saved_views",
    )
    name = models.CharField(_("name"), max_length=60)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    shared_with = models.ForeignKey(
        Team, verbose_name=_("shared with team"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="saved_views",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")

    def __str__(self) -> str:
        return self.name

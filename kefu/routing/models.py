"""How a team's queue hands out tickets."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.accounts.models import Team
from kefu.routing.choices import Strategy


class TeamRouting(models.Model):
    """One row per team: its strategy (manual until an admin picks one), and the lock
    every assignment of the team takes.

    Assignments of one team queue on this row (SELECT ... FOR UPDATE), so two workers
    never both count an agent's load as free: capacity holds under concurrency.
    """

    team = models.OneToOneField(Team, verbose_name=_("team"), on_delete=models.CASCADE,
                                related_name="routing")
    strategy = models.CharField(_("strategy"), max_length=16, choices=Strategy.choices,
                                default=Strategy.MANUAL)  # opt-in per team
    # Round robin: the agent who got the last ticket; the next one after them goes next.
    last_agent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("team routing")
        verbose_name_plural = _("team routing")

    def __str__(self) -> str:
        return f"{self.team} ({self.get_strategy_display()})"

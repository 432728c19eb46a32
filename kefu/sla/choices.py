from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.events import Event


class Metric(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    NEXT_RESPONSE = "next_response", _("Next response")
    RESOLUTION = "resolution", _("Resolution")


class TimeMode(models.TextChoices):
    BUSINESS = "business", _("Business hours")
    CALENDAR = "calendar", _("Calendar time (24x7)")


class TargetState(models.TextChoices):
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    MET = "met", _("Met")
    BREACHED = "breached", _("Breached")
    # Replaced by another policy's target, or the ticket was merged away.
    CANCELLED = "cancelled", _("Cancelled")


class Health(models.TextChoices):
    """What a ticket list shows: the state of the ticket's nearest due target."""

    OK = "ok", _("On track")
    AT_RISK = "at_risk", _("At risk")
    BREACHED = "breached", _("Breached")


class SlaEventKind(models.TextChoices):
    APPLIED = "applied", _("Policy applied")
    AT_RISK = "at_risk", _("At risk")
    BREACHED = "breached", _("Breached")
    MET = "met", _("Met")
    CANCELLED = "cancelled", _("Cancelled")


class CalendarDateKind(models.TextChoices):
    DAY_OFF = "day_off", _("Day off")
    WORKING_DAY = "working_day", _("Extra working day")


# The bus events the SLA engine publishes.
SLA_AT_RISK = Event.SLA_AT_RISK
SLA_BREACHED = Event.SLA_BREACHED

from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleEvent(models.TextChoices):
    TICKET_CREATED = "ticket_created", _("Ticket created")
    TICKET_UPDATED = "ticket_updated", _("Ticket updated")
    CUSTOMER_REPLIED = "customer_replied", _("Customer replied")
    SLA_AT_RISK = "sla_at_risk", _("SLA at risk")
    SLA_BREACHED = "sla_breached", _("SLA breached")
    TIME_BASED = "time_based", _("Time-based")


class MatchMode(models.TextChoices):
    ALL = "all", _("All conditions")
    ANY = "any", _("Any condition")


class TimeAnchor(models.TextChoices):
    """What a time-based rule measures the time from."""

    STATUS = "status", _("Status unchanged since")
    CUSTOMER_MESSAGE = "customer_message", _("Last customer message, unanswered")
    AGENT_MESSAGE = "agent_message", _("Last agent reply, no customer answer")
    CREATED = "created", _("Ticket created")
    UPDATED = "updated", _("Last ticket update")

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboundStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class MailKind(models.TextChoices):
    REPLY = "reply", _("Reply")
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")


class FailureReason(models.TextChoices):
    """Why a mail was not delivered: a code the workspace can show and filter on."""

    NONE = "", _("None")
    RATE_LIMITED = "rate_limited", _("Rate limited")
    BOUNCING = "bouncing", _("Address is bouncing")
    NO_ADDRESS = "no_address", _("Customer has no email address")
    OWN_ADDRESS = "own_address", _("Recipient is our own address")
    REJECTED = "rejected", _("Rejected by the mail server")
    GAVE_UP = "gave_up", _("Gave up after retries")

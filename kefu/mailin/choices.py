from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    SMTP = "smtp", _("SMTP server")
    PIPE = "pipe", _("Pipe (ingest-mail)")
    IMAP = "imap", _("IMAP polling")


class InboundStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    PROCESSED = "processed", _("Processed")
    IGNORED = "ignored", _("Ignored")
    FAILED = "failed", _("Failed")


class IgnoreReason(models.TextChoices):
    AUTO_REPLY = "auto_reply", _("Automatic reply")
    BOUNCE = "bounce", _("Bounce (delivery failure)")
    LOOP = "loop", _("Too many mails from this address (reply loop)")
    OWN_ADDRESS = "own_address", _("Sent from one of our own mailboxes")
    NO_SENDER = "no_sender", _("No usable sender address")


class MailErrorCode(models.TextChoices):
    """Why a mail was refused at the door; the SMTP server and the CLI map them to codes."""

    UNKNOWN_MAILBOX = "unknown_mailbox", _("Unknown mailbox")
    TOO_LARGE = "mail_too_large", _("Message too large")
    EMPTY = "mail_empty", _("Empty message")

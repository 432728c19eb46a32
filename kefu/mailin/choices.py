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


class ImapSecurity(models.TextChoices):
    TLS = "tls", _("TLS (IMAPS, port 993)")
    STARTTLS = "starttls", _("STARTTLS (port 143)")
    NONE = "none", _("None (plain text; loopback or testing only)")


class ImapAfterStore(models.TextChoices):
    """What happens to a message on the server once kefu has stored it (never before)."""

    FLAG_SEEN = "seen", _("Flag it \\Seen")
    MOVE = "move", _("Move it to a folder")

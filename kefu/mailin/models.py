"""Mailboxes (the addresses kefu receives mail for) and every inbound mail, raw.

Why the raw message is a BinaryField and not a FileField: "250 only after the message is
durably stored" then means one database commit (row, raw bytes and parse job together,
fsync'd by the database), with no file written outside the transaction to leak when it
rolls back or to lose when it is not fsync'd, and backups of the database hold every
mail. Mails are capped at KEFU_MAIL_MAX_BYTES (25 MB); lists defer the column.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kefu.accounts.models import Team
from kefu.mailin.choices import IgnoreReason, ImapAfterStore, ImapSecurity, InboundStatus, Source
from kefu.sla.models import BusinessCalendar
from kefu.tickets.choices import Priority
from kefu.tickets.models import Message, Ticket


class Mailbox(models.Model):
    address = models.EmailField(_("address"), unique=True,
                                help_text=_("The primary address, used as From on replies."))
    aliases = models.JSONField(_("aliases"), default=list, blank=True,
                               help_text=_("Other addresses delivered to this mailbox."))
    name = models.CharField(_("name"), max_length=100, blank=True)
    team = models.ForeignKey(Team, verbose_name=_("team"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    default_priority = models.CharField(_("default priority"), max_length=16,
                                        choices=Priority.choices, default=Priority.NORMAL)
    calendar = models.ForeignKey(
        BusinessCalendar, verbose_name=_("SLA calendar"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
        help_text=_("The business calendar the SLA clocks of this mailbox's new tickets use; "
                    "empty: the SLA policy's own calendar."))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["address"]

    def __str__(self) -> str:
        return self.address

    def all_addresses(self) -> list[str]:
        return [self.address.lower(), *(str(a).strip().lower() for a in self.aliases if a)]


class InboundMail(models.Model):
    mailbox = models.ForeignKey(Mailbox, verbose_name=_("mailbox"), on_delete=models.PROTECT,
                                related_name="inbound")
    raw = models.BinaryField(_("raw message"))
    size = models.PositiveIntegerField(_("size"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    message_id = models.CharField(_("Message-ID"), max_length=998, blank=True, db_index=True)
    recipients = models.JSONField(_("envelope recipients"), default=list, blank=True)
    from_address = models.CharField(_("from"), max_length=254, blank=True, db_index=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    received_at = models.DateTimeField(_("received"), db_index=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    status = models.CharField(_("status"), max_length=16, choices=InboundStatus.choices,
                              default=InboundStatus.RECEIVED, db_index=True)
    ignored_reason = models.CharField(_("ignored because"), max_length=16,
                                      choices=IgnoreReason.choices, blank=True)
    auto_reasons = models.JSONField(_("automatic-mail signs"), default=list, blank=True)
    bounced_address = models.CharField(
        _("bounced address"), max_length=254, blank=True,
        help_text=_("For a bounce: the address that could not be delivered to."))
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    ticket_message = models.ForeignKey(Message, verbose_name=_("message"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("inbound mail")
        verbose_name_plural = _("inbound mail")
        ordering = ["-received_at", "-id"]
        constraints = [
            # The same Message-ID delivered twice to one mailbox is one mail.
            models.UniqueConstraint(fields=["mailbox", "message_id"], condition=~Q(message_id=""),
                                    name="mailin_unique_message_id_per_mailbox"),
        ]
        indexes = [models.Index(fields=["mailbox", "from_address", "received_at"])]

    def __str__(self) -> str:
        return f"{self.pk} {self.message_id or self.sha256[:12]}"


class ImapAccount(models.Model):
    """A server mailbox kefu polls over IMAP and feeds into ``mailbox`` (kefu.mailin.imap).

    ``uidvalidity`` + ``last_uid`` are the cursor: every message with a UID above
    ``last_uid`` in a folder whose UIDVALIDITY is unchanged is new to kefu. The password
    field holds a literal, or a reference read at each poll: ``env:NAME`` (an environment
    variable) or ``file:/path`` (a file, e.g. a Docker/Kubernetes secret); prefer those,
    the literal is stored as it is."""

    mailbox = models.ForeignKey(Mailbox, verbose_name=_("mailbox"), on_delete=models.CASCADE,
                                related_name="imap_accounts")
    host = models.CharField(_("host"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(_("security"), max_length=8, choices=ImapSecurity.choices,
                                default=ImapSecurity.TLS)
    username = models.CharField(_("user name"), max_length=255)
    password = models.CharField(
        _("password"), max_length=1000, blank=True,
        help_text=_('The password, or "env:NAME" to read it from an environment variable, '
                    'or "file:/path" to read it from a file.'))
    folder = models.CharField(_("folder"), max_length=255, default="INBOX")
    after_store = models.CharField(_("after storing"), max_length=8,
                                   choices=ImapAfterStore.choices,
                                   default=ImapAfterStore.FLAG_SEEN)
    move_to = models.CharField(_("move to folder"), max_length=255, blank=True,
                               help_text=_('The folder for "move it to a folder".'))
    active = models.BooleanField(_("active"), default=True)
    uidvalidity = models.BigIntegerField(_("UIDVALIDITY"), null=True, blank=True)
    last_uid = models.BigIntegerField(_("last UID stored"), default=0)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_warning = models.TextField(_("last warning"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("IMAP account")
        verbose_name_plural = _("IMAP accounts")
        ordering = ["mailbox", "host", "username"]
        constraints = [
            models.UniqueConstraint(fields=["host", "port", "username", "folder"],
                                    name="mailin_imap_account_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.username}@{self.host}:{self.port}/{self.folder}"

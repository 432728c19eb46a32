"""The outbox: one row per mail kefu sends for a ticket message."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kefu.mailout.choices import FailureReason, MailKind, OutboundStatus
from kefu.tickets.models import Message, Ticket


class OutboundMail(models.Model):
    """An agent's reply (or a system notice) on its way to the customer's mailbox.

    The envelope and the threading headers are fixed when the row is written; the body
    and attachments are read from the message when it is sent. ``recipient`` is the
    lower-cased To address: the key of the per-address rate limit.
    """

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE,
                               related_name="outbound_mails")
    # One mail per message: a bus event delivered twice queues nothing new. An
    # acknowledgement has no message: its text is kept in body_text/body_html.
    message = models.OneToOneField(Message, verbose_name=_("message"), on_delete=models.CASCADE,
                                   related_name="outbound_mail", null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=MailKind.choices,
                            default=MailKind.REPLY)
    body_text = models.TextField(_("text"), blank=True)
    body_html = models.TextField(_("HTML"), blank=True)
    from_email = models.CharField(_("from"), max_length=320)
    to = models.JSONField(_("to"), default=list, blank=True)
    cc = models.JSONField(_("cc"), default=list, blank=True)
    recipient = models.CharField(_("recipient"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=400)
    rfc_message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=255, blank=True)
    references = models.JSONField(_("References"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=OutboundStatus.choices,
                              default=OutboundStatus.QUEUED)
    reason = models.CharField(_("failure reason"), max_length=32, choices=FailureReason.choices,
                              default=FailureReason.NONE, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), db_index=True)
    updated_at = models.DateTimeField(_("updated"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outbound mail")
        verbose_name_plural = _("outbound mails")
        indexes = [
            # The rate limit: recent mails to one address.
            models.Index(fields=["recipient", "created_at"], name="mailout_recipient_recent_idx"),
            models.Index(fields=["status", "-created_at"], name="mailout_status_idx"),
        ]
        constraints = [
            # A ticket is acknowledged once, however often its creation event arrives.
            models.UniqueConstraint(fields=["ticket"], condition=Q(kind="acknowledgement"),
                                    name="mailout_one_ack_per_ticket"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient} ({self.status})"

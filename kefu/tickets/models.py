from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.fields.json import KeyTransform
from django.utils.translation import gettext_lazy as _

from kefu.accounts.models import Team
from kefu.core.models import Tag
from kefu.customers.models import Customer
from kefu.tickets.choices import (
    AuthorKind,
    Channel,
    EventKind,
    FieldType,
    Priority,
    Status,
    TicketType,
    Visibility,
)


class Ticket(models.Model):
    # Set from the primary key inside the creating transaction: unique and sequential
    # without a counter row that every creating transaction would queue on.
    number = models.PositiveBigIntegerField(_("number"), unique=True, null=True, editable=False)
    subject = models.CharField(_("subject"), max_length=255)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW)
    priority = models.CharField(
        _("priority"), max_length=16, choices=Priority.choices, default=Priority.NORMAL
    )
    type = models.CharField(
        _("type"), max_length=16, choices=TicketType.choices, default=TicketType.QUESTION
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    requester = models.ForeignKey(
        Customer, verbose_name=_("requester"), on_delete=models.PROTECT, related_name="tickets"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="tickets",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="tickets")
    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)
    external_id = models.CharField(_("external id"), max_length=128, null=True, blank=True, unique=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="merged_from",
    )
    follow_up_of = models.ForeignKey(
        "self", verbose_name=_("follow-up of"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="follow_ups",
    )
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))
    first_response_at = models.DateTimeField(_("first agent response"), null=True, blank=True)
    solved_at = models.DateTimeField(_("solved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    reopened_count = models.PositiveIntegerField(_("times reopened"), default=0)
    last_customer_message_at = models.DateTimeField(_("last customer message"), null=True, blank=True)
    last_agent_message_at = models.DateTimeField(_("last agent message"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["assignee", "status"]),
            models.Index(fields=["team", "status"]),
            models.Index(fields=["requester", "-created_at"]),
            models.Index(fields=["-created_at", "-id"]),
            models.Index(fields=["-updated_at", "-id"]),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"


class Message(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author_kind = models.CharField(_("author kind"), max_length=16, choices=AuthorKind.choices)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    channel_meta = models.JSONField(_("channel metadata"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["ticket", "created_at"]),
            # Mail threading looks replies up by the RFC Message-ID kept in channel_meta.
            models.Index(KeyTransform("message_id", "channel_meta"), name="message_rfc_id"),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.get_author_kind_display()}: {self.body_text[:40]}"

    @property
    def is_internal(self) -> bool:
        return self.visibility == Visibility.INTERNAL


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{instance.message.ticket_id}/{instance.message_id}/{filename}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=500)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=127)
    size = models.PositiveBigIntegerField(_("size"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class TicketEvent(models.Model):
    """One change to a ticket: who, what, before, after, when. History and audit trail."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_kind = models.CharField(_("actor kind"), max_length=16, choices=AuthorKind.choices)
    kind = models.CharField(_("kind"), max_length=32, choices=EventKind.choices)
    field = models.CharField(_("field"), max_length=64, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("when"), db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        indexes = [models.Index(fields=["ticket", "created_at"])]

    def __str__(self) -> str:
        what = f"{self.kind} {self.field}".strip()
        return f"#{self.ticket_id} {what}: {self.before!r} → {self.after!r}"


class TicketField(models.Model):
    """An admin-defined custom field; ``Ticket.custom_fields`` is validated against these."""

    key = models.SlugField(_("key"), max_length=64, unique=True)
    label = models.CharField(_("label"), max_length=100)
    field_type = models.CharField(_("type"), max_length=16, choices=FieldType.choices)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "key"]
        verbose_name = _("ticket field")
        verbose_name_plural = _("ticket fields")

    def __str__(self) -> str:
        return self.label

"""Live chat: who is chatting (a visitor token), which tickets are chats, send keys.

A chat *is* a ticket (channel=chat); these rows only add what the ticket lacks: the
browser that owns it and the client ids that make a resend idempotent.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.customers.models import Customer
from kefu.tickets.models import Message, Ticket


class IdentityKind(models.TextChoices):
    ANONYMOUS = "anonymous", _("Anonymous")
    FORM = "form", _("Pre-chat form")
    SIGNED = "signed", _("Signed by the host site")


class ChatVisitor(models.Model):
    """One browser (or one signed host-site customer) talking through the widget.

    Only the SHA-256 of the visitor token is stored: the token is the visitor's only
    credential, so a database dump must not let anyone read a conversation.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="chat_visitors",
    )
    kind = models.CharField(_("identity"), max_length=16, choices=IdentityKind.choices,
                            default=IdentityKind.ANONYMOUS)
    # The host site's customer id for signed visitors: one visitor row per host customer,
    # so every device of that customer resumes the same conversation.
    external_id = models.CharField(_("host customer id"), max_length=128, null=True,
                                   blank=True, unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.CharField(_("email"), max_length=254, blank=True)
    read_up_to = models.BigIntegerField(_("read up to message"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last seen"), auto_now=True)

    class Meta:
        verbose_name = _("chat visitor")
        verbose_name_plural = _("chat visitors")

    def __str__(self) -> str:
        return self.name or f"visitor {self.pk}"


class Chat(models.Model):
    """A ticket that came in through the chat widget."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="chat")
    visitor = models.ForeignKey(ChatVisitor, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="chats")
    # Left through the "leave a message" form while nobody was online: answered by email.
    offline = models.BooleanField(_("offline message"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("chat")
        verbose_name_plural = _("chats")

    def __str__(self) -> str:
        return f"chat {self.ticket_id}"


class ChatMessageKey(models.Model):
    """The widget's client id of a sent message, written in the message's transaction.

    Unique per visitor (the visitor's send-key space spans its chats, including a
    follow-up ticket opened by a reply to a closed chat): a resend finds its message.
    """

    visitor = models.ForeignKey(ChatVisitor, on_delete=models.CASCADE, related_name="keys")
    client_id = models.CharField(max_length=64)
    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="chat_key")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["visitor", "client_id"], name="chat_key_unique"),
        ]

    def __str__(self) -> str:
        return self.client_id

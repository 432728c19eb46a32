"""Reads for the portal, always through the ticket selectors scoped by the customer's actor."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kefu.accounts.actor import Actor
from kefu.core.cursor import Page
from kefu.tickets.choices import Status
from kefu.tickets.models import Attachment, Message, Ticket
from kefu.tickets.selectors import (
    TicketFilters,
    attachment_get,
    message_scope,
    ticket_get,
    ticket_list,
)

# What the customer reads: the agents' workflow states are not theirs to decode.
CUSTOMER_STATUS = {
    Status.NEW: _("Received"),
    Status.OPEN: _("In progress"),
    Status.ON_HOLD: _("In progress"),
    Status.PENDING: _("Awaiting your reply"),
    Status.SOLVED: _("Solved"),
    Status.CLOSED: _("Closed"),
}


def customer_status(status: str) -> str:
    return str(CUSTOMER_STATUS.get(status, status))  # type: ignore[call-overload]


def my_tickets(*, actor: Actor, cursor: str | None = None, limit: int = 25) -> Page:
    """The customer's own tickets, most recently updated first."""
    return ticket_list(actor=actor, filters=TicketFilters(), order="-updated_at",
                       limit=limit, cursor=cursor)


def my_ticket(*, actor: Actor, pk: int) -> Ticket:
    """One of the customer's tickets; another's or a missing one is NotFound alike."""
    return ticket_get(actor=actor, pk=pk, for_list=False)


def conversation(*, actor: Actor, ticket: Ticket) -> QuerySet[Message]:
    """Public messages only for a customer (message_scope drops internal notes)."""
    return message_scope(actor=actor, ticket=ticket)


def my_attachment(*, actor: Actor, ticket: Ticket, pk: int) -> Attachment:
    return attachment_get(actor=actor, ticket=ticket, pk=pk)

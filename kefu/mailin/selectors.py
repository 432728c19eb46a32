"""Reads for inbound mail."""

from __future__ import annotations

from django.db.models import QuerySet

from kefu.mailin.choices import InboundStatus
from kefu.mailin.models import InboundMail, Mailbox
from kefu.sla.models import BusinessCalendar


def normalise_address(address: str) -> str:
    """Lower case, no brackets; "support+anything@x" is "support@x" (sub-addressing)."""
    address = address.strip().strip("<>").strip().lower()
    local, at, domain = address.rpartition("@")
    if not at:
        return address
    return f"{local.split('+', 1)[0]}@{domain}"


def mailbox_for_address(address: str) -> Mailbox | None:
    """The active mailbox receiving mail for ``address`` (primary or alias), if any."""
    wanted = {address.strip().strip("<>").strip().lower(), normalise_address(address)}
    # Mailboxes are few: match in Python, so aliases need no table of their own.
    for mailbox in Mailbox.objects.filter(active=True):
        if wanted & set(mailbox.all_addresses()):
            return mailbox
    return None


def own_addresses() -> set[str]:
    """Every address of every mailbox: mail from one of them is our own, never a customer."""
    found: set[str] = set()
    for mailbox in Mailbox.objects.all():
        found.update(normalise_address(a) for a in mailbox.all_addresses())
    return found


def failed_mail() -> QuerySet[InboundMail]:
    """The visible "failed mail" list (raw bytes not loaded)."""
    return (InboundMail.objects.defer("raw").select_related("mailbox")
            .filter(status=InboundStatus.FAILED).order_by("-received_at", "-id"))


def ticket_mailbox_calendar(ticket_id: int) -> BusinessCalendar | None:
    """The SLA calendar of the mailbox whose mail created ticket ``ticket_id`` (None: the
    ticket did not come by mail, or its mailbox names no calendar).

    For the SLA engine when it starts a ticket's clocks (Event.TICKET_CREATED runs on
    commit, after the parse job's transaction set InboundMail.ticket)."""
    first = (InboundMail.objects.defer("raw").filter(ticket_id=ticket_id)
             .select_related("mailbox__calendar").order_by("id").first())
    return first.mailbox.calendar if first is not None else None

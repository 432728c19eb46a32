"""The ticket page's customer panel: contacts (masked for agents), recent tickets, birthday."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import get_language_info

from kefu.accounts.actor import Actor
from kefu.customers.models import Customer, CustomerIdentity
from kefu.promises.models import Promise
from kefu.promises.selectors import customer_open_promises
from kefu.tickets.models import Ticket
from kefu.tickets.selectors import ticket_scope
from kefu.workspace.ticket_masking import mask_identity, sees_full_contacts

BIRTHDAY_WINDOW_DAYS = 7
RECENT_TICKETS = 5


def _birthday_in(year: int, birthday: dt.date) -> dt.date:
    """The birthday's date in ``year``; 29 February falls on 28 February in common years."""
    try:
        return birthday.replace(year=year)
    except ValueError:
        return dt.date(year, 2, 28)


def days_until_birthday(birthday: dt.date | None, today: dt.date,
                        window: int = BIRTHDAY_WINDOW_DAYS) -> int | None:
    """Days from ``today`` to the next birthday (0 = today) if within ``window`` days."""
    if birthday is None:
        return None
    upcoming = _birthday_in(today.year, birthday)
    if upcoming < today:  # already past this year: the next one is in the new year
        upcoming = _birthday_in(today.year + 1, birthday)
    days = (upcoming - today).days
    return days if days <= window else None


@dataclass
class Contact:
    kind: str
    label: str
    value: str
    is_primary: bool


@dataclass
class CustomerPanel:
    customer: Customer
    contacts: list[Contact]
    tags: list[str]
    recent: list[Ticket]
    preferences: list[tuple[str, str]]
    birthday_in: int | None
    full_contacts: bool
    promises: list[Promise]  # the customer's open promises, on any ticket in scope
    language: str  # the customer's language by its own name (简体中文, English), else the code


def customer_panel(*, actor: Actor, ticket: Ticket, today: dt.date | None = None) -> CustomerPanel:
    """Everything the panel shows, in four flat queries (identities, tags, recent tickets,
    open promises)."""
    customer = ticket.requester
    full = sees_full_contacts(actor)
    contacts = [
        Contact(kind=i.kind, label=i.get_kind_display(), is_primary=i.is_primary,
                value=i.value if full else mask_identity(i.kind, i.value))
        for i in CustomerIdentity.objects.filter(customer=customer).order_by("kind", "-is_primary", "pk")
    ]
    tags = sorted(customer.tags.values_list("name", flat=True))
    recent = list(
        ticket_scope(actor=actor).filter(requester=customer).exclude(pk=ticket.pk)
        .only("pk", "number", "subject", "status", "created_at")
        .order_by("-created_at", "-pk")[:RECENT_TICKETS]
    )
    prefs = customer.preferences if isinstance(customer.preferences, dict) else {}
    return CustomerPanel(
        customer=customer, contacts=contacts, tags=tags, recent=recent,
        preferences=sorted((str(k), str(v)) for k, v in prefs.items()),
        birthday_in=days_until_birthday(customer.birthday, today or timezone.localdate()),
        full_contacts=full,
        promises=customer_open_promises(actor=actor, customer_id=customer.pk),
        language=language_label(customer.language),
    )


def language_label(code: str) -> str:
    try:
        return str(get_language_info(code)["name_local"])
    except KeyError:
        return code

"""Reads for customers, scoped to what the actor may see.

Agents, leads and admins may look up any customer (they open tickets for
them); a customer sees only their own record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from kefu.accounts.actor import Actor
from kefu.core.cursor import Page, paginate
from kefu.core.errors import NotFound, PermissionDenied
from kefu.customers.choices import IdentityKind
from kefu.customers.identities import normalise_email, normalise_phone
from kefu.customers.models import Customer, CustomerEvent


def customer_scope(*, actor: Actor) -> QuerySet[Customer]:
    qs = Customer.objects.all()
    if actor.is_staff_role:
        return qs
    if actor.is_customer:
        return qs.filter(pk=actor.customer_id or 0)
    return qs.none()


def with_profile_relations(qs: QuerySet[Customer]) -> QuerySet[Customer]:
    return qs.select_related("organisation").prefetch_related("identities", "tags")


def customer_get(*, actor: Actor, pk: int) -> Customer:
    customer = with_profile_relations(customer_scope(actor=actor)).filter(pk=pk).first()
    if customer is None:
        raise NotFound("customer not found")
    return customer


@dataclass
class CustomerFilters:
    q: str | None = None
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    tag: str | None = None
    tier: list[str] | None = None
    organisation_id: int | None = None
    include_merged: bool = False


def _identity_filter(kind: str, value: str) -> Q:
    return Q(identities__kind=kind, identities__value=value)


def customer_list(*, actor: Actor, filters: CustomerFilters, limit: int = 25,
                  cursor: str | None = None) -> Page:
    if not actor.is_staff_role:
        raise PermissionDenied("only agents may search customers")
    qs = customer_scope(actor=actor)
    if not filters.include_merged:
        qs = qs.filter(merged_into__isnull=True)
    if filters.name:
        qs = qs.filter(name__icontains=filters.name.strip())
    if filters.email:
        qs = qs.filter(_identity_filter(IdentityKind.EMAIL, normalise_email(filters.email)))
    if filters.phone:
        qs = qs.filter(_identity_filter(IdentityKind.PHONE, normalise_phone(filters.phone)))
    if filters.tag:
        qs = qs.filter(tags__name=filters.tag)
    if filters.tier:
        qs = qs.filter(tier__in=filters.tier)
    if filters.organisation_id is not None:
        qs = qs.filter(organisation_id=filters.organisation_id)
    if filters.q:
        term = filters.q.strip()
        matching = Customer.objects.filter(
            Q(name__icontains=term) | Q(identities__value__icontains=term.lower())
        ).values("pk")
        qs = qs.filter(pk__in=matching)
    qs = with_profile_relations(qs.distinct())
    return paginate(qs, field="created_at", descending=True, limit=limit, cursor=cursor)


def customer_timeline(*, actor: Actor, customer: Customer, limit: int = 500) -> list[dict[str, Any]]:
    """Every ticket, message and event of the customer, oldest first.

    A customer reading their own timeline sees public messages only and no
    internal history.
    """
    from kefu.tickets.models import Message, TicketEvent
    from kefu.tickets.selectors import ticket_scope

    tickets = list(
        ticket_scope(actor=actor).filter(requester=customer).only(
            "pk", "number", "subject", "status", "channel", "created_at"
        )[:limit]
    )
    ticket_ids = [t.pk for t in tickets]
    numbers = {t.pk: t.number for t in tickets}
    entries: list[dict[str, Any]] = [
        {"kind": "ticket", "at": t.created_at, "ticket_id": t.pk, "ticket_number": t.number,
         "summary": t.subject, "data": {"status": t.status, "channel": t.channel}}
        for t in tickets
    ]
    messages = Message.objects.filter(ticket_id__in=ticket_ids).only(
        "pk", "ticket_id", "author_kind", "visibility", "body_text", "created_at"
    )
    if not actor.is_staff_role:
        messages = messages.filter(visibility="public")
    entries += [
        {"kind": "message", "at": m.created_at, "ticket_id": m.ticket_id,
         "ticket_number": numbers.get(m.ticket_id), "summary": m.body_text[:200],
         "data": {"id": m.pk, "author_kind": m.author_kind, "visibility": m.visibility}}
        for m in messages[:limit]
    ]
    if actor.is_staff_role:
        entries += [
            {"kind": "ticket_event", "at": e.created_at, "ticket_id": e.ticket_id,
             "ticket_number": numbers.get(e.ticket_id), "summary": e.kind,
             "data": {"field": e.field, "before": e.before, "after": e.after,
                      "actor_id": e.actor_id}}
            for e in TicketEvent.objects.filter(ticket_id__in=ticket_ids)[:limit]
        ]
        entries += [
            {"kind": "customer_event", "at": e.created_at, "ticket_id": None,
             "ticket_number": None, "summary": e.kind,
             "data": {"field": e.field, "before": e.before, "after": e.after,
                      "actor_id": e.actor_id}}
            for e in CustomerEvent.objects.filter(customer=customer)[:limit]
        ]
    entries.sort(key=lambda e: (e["at"], e["kind"] != "ticket"))
    return entries

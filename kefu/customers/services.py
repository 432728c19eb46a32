"""Writes for customers: create, update, find-or-create by identity, merge."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from kefu.accounts.actor import Actor
from kefu.core.errors import Conflict, DomainError, ErrorCode, InvalidTransition, ValidationFailed
from kefu.core.events import Event, publish
from kefu.core.tags import tags_get_or_create
from kefu.customers.choices import CustomerEventKind, IdentityKind, Tier
from kefu.customers.identities import normalise_email, normalise_identity
from kefu.customers.models import Customer, CustomerEvent, CustomerIdentity, Organisation

# Plain profile fields a create or update may set directly.
PROFILE_FIELDS = (
    "name", "tier", "language", "time_zone", "birthday", "gender", "city", "occupation",
    "notes", "preferences",
)
CONSENT_FIELDS = ("consent_marketing", "consent_data_processing")


@dataclass
class IdentitySet:
    """The identities given for a customer, each list primary-first."""

    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    wechat_ids: list[str] = field(default_factory=list)

    def normalised(self) -> list[tuple[str, str, bool]]:
        rows: list[tuple[str, str, bool]] = []
        for kind, values, name in (
            (IdentityKind.EMAIL, self.emails, "emails"),
            (IdentityKind.PHONE, self.phones, "phones"),
            (IdentityKind.WECHAT, self.wechat_ids, "wechat_id"),
        ):
            seen: set[str] = set()
            for index, raw in enumerate(values):
                value = normalise_identity(kind, raw, field=f"{name}[{index}]" if name != "wechat_id" else name)
                if value not in seen:
                    rows.append((kind, value, not seen))
                    seen.add(value)
        return rows


def _jsonable(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _event(customer: Customer, kind: str, *, actor: Actor | None = None, field: str = "", before=None, after=None):
    CustomerEvent.objects.create(
        customer=customer,
        actor_id=actor.user_id if actor is not None else None,
        kind=kind,
        field=field,
        before=_jsonable(before),
        after=_jsonable(after),
    )


def _organisation(organisation_id: int | None) -> Organisation | None:
    if organisation_id is None:
        return None
    try:
        return Organisation.objects.get(pk=organisation_id)
    except Organisation.DoesNotExist as exc:
        raise ValidationFailed("organisation does not exist", field="organisation_id") from exc


def _add_identities(customer: Customer, rows: list[tuple[str, str, bool]], *, actor: Actor | None = None) -> None:
    """Attach identities; one that belongs to someone else is a 409 naming the field."""
    existing = {
        (i.kind, i.value): i.customer_id
        for i in CustomerIdentity.objects.filter(
            value__in=[v for _, v, _p in rows]
        )
    }
    has_primary = set(
        CustomerIdentity.objects.filter(customer=customer, is_primary=True).values_list(
            "kind", flat=True
        )
    )
    for kind, value, primary in rows:
        owner = existing.get((kind, value))
        if owner == customer.pk:
            continue
        if owner is not None:
            raise Conflict(
                f"{kind} {value} already belongs to customer {owner}",
                code=ErrorCode.DUPLICATE_IDENTITY,
                field=kind,
            )
        # No savepoint of its own: a Conflict aborts the caller's transaction, or rolls
        # back to customer_find_or_create's savepoint when two requests race.
        try:
            CustomerIdentity.objects.create(
                customer=customer, kind=kind, value=value,
                is_primary=primary and kind not in has_primary,
            )
        except IntegrityError as exc:
            raise Conflict(
                f"{kind} {value} already belongs to another customer",
                code=ErrorCode.DUPLICATE_IDENTITY,
                field=kind,
            ) from exc
        has_primary.add(kind)
        _event(customer, CustomerEventKind.IDENTITY_ADDED, actor=actor, field=kind, after=value)


def _set_consents(customer: Customer, data: Mapping[str, Any]) -> list[str]:
    changed = []
    now = timezone.now()
    for name in CONSENT_FIELDS:
        if name in data and bool(data[name]) != getattr(customer, name):
            setattr(customer, name, bool(data[name]))
            setattr(customer, f"{name}_at", now)
            changed += [name, f"{name}_at"]
    return changed


def organisation_create(*, name: str, domains: Iterable[str] = (), tier: str = Tier.STANDARD,
                        notes: str = "") -> Organisation:
    """A new organisation; its domains are stored lower-case without duplicates."""
    name = name.strip()
    if not name:
        raise ValidationFailed("name is required", field="name")
    if tier not in Tier.values:
        raise ValidationFailed(f"unknown tier {tier!r}", field="tier")
    if Organisation.objects.filter(name=name).exists():
        raise Conflict(f"an organisation named {name!r} exists", field="name")
    clean = list(dict.fromkeys(d.strip().lower() for d in domains if d.strip()))
    return Organisation.objects.create(name=name, domains=clean, tier=tier, notes=notes)


@transaction.atomic
def customer_create(
    *,
    name: str,
    identities: IdentitySet | None = None,
    organisation_id: int | None = None,
    tags: Iterable[str] = (),
    actor: Actor | None = None,
    **profile: Any,
) -> Customer:
    """A new customer with its identities; a taken identity is a 409 naming the field."""
    unknown = set(profile) - set(PROFILE_FIELDS) - set(CONSENT_FIELDS)
    if unknown:
        raise ValidationFailed(f"unknown field {sorted(unknown)[0]}", field=sorted(unknown)[0])
    if not name.strip():
        raise ValidationFailed("name must not be empty", field="name")
    rows = (identities or IdentitySet()).normalised()
    customer = Customer(name=name.strip(), organisation=_organisation(organisation_id))
    for key, value in profile.items():
        if key in PROFILE_FIELDS and value is not None:
            setattr(customer, key, value)
    _set_consents(customer, profile)
    customer.save()
    _add_identities(customer, rows, actor=actor)
    if tags:
        customer.tags.set(tags_get_or_create(tags))
    _event(customer, CustomerEventKind.CREATED, actor=actor, after=customer.name)
    publish(Event.CUSTOMER_CREATED, customer_id=customer.pk)
    return customer


def _known_identities(rows: list[tuple[str, str, bool]]) -> dict[tuple[str, str], CustomerIdentity]:
    """The stored identities among ``rows``, by (kind, value), in one query."""
    if not rows:
        return {}
    found = CustomerIdentity.objects.select_related("customer").filter(
        value__in=[value for _kind, value, _primary in rows]
    )
    return {(i.kind, i.value): i for i in found}


def customer_find_by_identity(rows: list[tuple[str, str, bool]]) -> Customer | None:
    """The (unmerged) customer owning the first matching identity, email before phone."""
    return _owner(rows, _known_identities(rows))


def _owner(rows: list[tuple[str, str, bool]],
           known: dict[tuple[str, str], CustomerIdentity]) -> Customer | None:
    for kind, value, _primary in rows:
        identity = known.get((kind, value))
        if identity is not None:
            customer = identity.customer
            while customer.merged_into is not None:
                customer = customer.merged_into  # follow merges to the survivor
            return customer
    return None


def customer_find_or_create(
    *, name: str, email: str | None = None, phone: str | None = None, actor: Actor | None = None
) -> tuple[Customer, bool]:
    """Find the customer by email, then phone; otherwise create one. Race-safe."""
    identities = IdentitySet(emails=[email] if email else [], phones=[phone] if phone else [])
    rows = identities.normalised()
    if not rows:
        raise ValidationFailed("requester needs an email or a phone", field="requester")
    known = _known_identities(rows)
    found = _owner(rows, known)
    if found is not None:
        missing = [r for r in rows if (r[0], r[1]) not in known]
        if missing:
            _add_identities(found, missing, actor=actor)
        return found, False
    try:
        with transaction.atomic():
            return customer_create(name=name or rows[0][1], identities=identities,
                                   actor=actor), True
    except Conflict:
        # Another request created this customer between our lookup and insert.
        found = customer_find_by_identity(rows)
        if found is None:
            raise
        return found, False


@transaction.atomic
def customer_update(*, customer: Customer, data: Mapping[str, Any], actor: Actor | None = None) -> Customer:
    """Update profile fields, consents, organisation, tags and add identities."""
    changed: list[str] = []
    for key in PROFILE_FIELDS:
        if key in data and data[key] is not None and getattr(customer, key) != data[key]:
            if key == "name" and not str(data[key]).strip():
                raise ValidationFailed("name must not be empty", field="name")
            _event(customer, CustomerEventKind.UPDATED, actor=actor, field=key,
                   before=getattr(customer, key), after=data[key])
            setattr(customer, key, data[key])
            changed.append(key)
    if "organisation_id" in data and data["organisation_id"] != customer.organisation_id:
        _event(customer, CustomerEventKind.UPDATED, actor=actor, field="organisation",
               before=customer.organisation_id, after=data["organisation_id"])
        customer.organisation = _organisation(data["organisation_id"])
        changed.append("organisation")
    changed += _set_consents(customer, data)
    if changed:
        customer.save(update_fields=[*changed, "updated_at"])
    identities = IdentitySet(
        emails=data.get("emails") or [], phones=data.get("phones") or [],
        wechat_ids=[data["wechat_id"]] if data.get("wechat_id") else [],
    )
    _add_identities(customer, identities.normalised(), actor=actor)
    if data.get("tags") is not None:
        before = sorted(t.name for t in customer.tags.all())
        tags = tags_get_or_create(data["tags"])
        if before != sorted(t.name for t in tags):
            customer.tags.set(tags)
            _event(customer, CustomerEventKind.UPDATED, actor=actor, field="tags",
                   before=before, after=sorted(t.name for t in tags))
    publish(Event.CUSTOMER_UPDATED, customer_id=customer.pk)
    return customer


@transaction.atomic
def customer_merge(*, source: Customer, target: Customer, actor: Actor | None = None) -> Customer:
    """Fold ``source`` into ``target``: identities, tickets, tags and empty fields move over."""
    from kefu.tickets.models import Ticket

    if source.pk == target.pk:
        raise InvalidTransition("cannot merge a customer into itself", code=ErrorCode.INVALID_MERGE)
    source = Customer.objects.select_for_update().get(pk=source.pk)
    target = Customer.objects.select_for_update().get(pk=target.pk)
    if source.merged_into_id or target.merged_into_id:
        raise InvalidTransition("customer was already merged", code=ErrorCode.INVALID_MERGE)
    CustomerIdentity.objects.filter(customer=source).update(customer=target, is_primary=False)
    moved = Ticket.objects.filter(requester=source).update(requester=target)
    target.tags.add(*source.tags.all())
    filled = []
    for key in ("birthday", "gender", "city", "occupation", "organisation_id"):
        if not getattr(target, key) and getattr(source, key):
            setattr(target, key, getattr(source, key))
            filled.append(key)
    if source.notes:
        target.notes = f"{target.notes}\n{source.notes}".strip()
        filled.append("notes")
    target.preferences = {**source.preferences, **target.preferences}
    if source.user_id and not target.user_id:
        target.user_id, source.user_id = source.user_id, None
        filled.append("user_id")
    target.save()
    source.merged_into = target
    source.save(update_fields=["merged_into", "user", "updated_at"])
    _event(target, CustomerEventKind.MERGED, actor=actor, before=source.pk,
           after={"tickets_moved": moved, "fields_filled": filled})
    _event(source, CustomerEventKind.MERGED, actor=actor, field="merged_into", after=target.pk)
    publish(Event.CUSTOMER_MERGED, source_id=source.pk, target_id=target.pk)
    return target


def identity_set_bouncing(*, email: str, bouncing: bool, at=None) -> int:
    """Mark an email address as bouncing (a bounce named it) or clear the mark (the
    address wrote to us again); returns how many identities changed (0 or 1)."""
    try:
        value = normalise_email(email)
    except DomainError:
        return 0
    qs = CustomerIdentity.objects.filter(kind=IdentityKind.EMAIL, value=value, bouncing=not bouncing)
    return qs.update(bouncing=bouncing, bounced_at=(at or timezone.now()) if bouncing else None)

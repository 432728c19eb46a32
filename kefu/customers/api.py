"""Customers under /api/v1/customers."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from kefu.core.auth import request_actor
from kefu.core.errors import PermissionDenied
from kefu.customers import selectors, services
from kefu.customers.choices import Tier
from kefu.customers.schemas import (
    CustomerCreateIn,
    CustomerMergeIn,
    CustomerOut,
    CustomerPageOut,
    CustomerUpdateIn,
    TimelineEntryOut,
)
from kefu.customers.serializers import customer_dict

router = Router(tags=["customers"])


class CustomerListParams(Schema):
    q: str | None = Field(None, max_length=200, description="name, email or phone contains")
    name: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    tag: str | None = Field(None, max_length=64)
    tier: list[Tier] = Field(default_factory=list)
    organisation_id: int | None = None
    include_merged: bool = False
    limit: int = Field(25, ge=1, le=100)
    cursor: str | None = Field(None, max_length=200)


def _staff_only(actor) -> None:
    if not actor.is_staff_role:
        raise PermissionDenied("only agents may change customers")


def _fresh(actor, pk: int) -> dict:
    return customer_dict(selectors.customer_get(actor=actor, pk=pk))


@router.get("", response=CustomerPageOut, summary="List or search customers")
def list_customers(request: HttpRequest, params: Query[CustomerListParams]):
    data = params.model_dump()
    limit, cursor = data.pop("limit"), data.pop("cursor")
    page = selectors.customer_list(
        actor=request_actor(request), filters=selectors.CustomerFilters(**data),
        limit=limit, cursor=cursor,
    )
    return {"items": [customer_dict(c) for c in page.items], "next_cursor": page.next_cursor}


@router.post("", response={201: CustomerOut}, summary="Create a customer")
def create_customer(request: HttpRequest, payload: CustomerCreateIn):
    actor = request_actor(request)
    _staff_only(actor)
    data = payload.model_dump(exclude_unset=True)
    identities = services.IdentitySet(
        emails=data.pop("emails", []), phones=data.pop("phones", []),
        wechat_ids=[w] if (w := data.pop("wechat_id", None)) else [],
    )
    customer = services.customer_create(
        identities=identities, actor=actor,
        tags=data.pop("tags", None) or [], **data,
    )
    return 201, _fresh(actor, customer.pk)


@router.get("/{int:customer_id}", response=CustomerOut, summary="Get a customer")
def get_customer(request: HttpRequest, customer_id: int):
    return _fresh(request_actor(request), customer_id)


@router.patch("/{int:customer_id}", response=CustomerOut, summary="Update a customer")
def update_customer(request: HttpRequest, customer_id: int, payload: CustomerUpdateIn):
    actor = request_actor(request)
    customer = selectors.customer_get(actor=actor, pk=customer_id)
    _staff_only(actor)
    services.customer_update(customer=customer, data=payload.model_dump(exclude_unset=True),
                             actor=actor)
    return _fresh(actor, customer_id)


@router.post("/{int:customer_id}/merge", response=CustomerOut,
             summary="Merge a duplicate (source_id) into this customer")
def merge_customer(request: HttpRequest, customer_id: int, payload: CustomerMergeIn):
    actor = request_actor(request)
    target = selectors.customer_get(actor=actor, pk=customer_id)
    source = selectors.customer_get(actor=actor, pk=payload.source_id)
    _staff_only(actor)
    services.customer_merge(source=source, target=target, actor=actor)
    return _fresh(actor, customer_id)


@router.get("/{int:customer_id}/timeline", response=list[TimelineEntryOut],
            summary="Every ticket, message and event of the customer, oldest first")
def customer_timeline(request: HttpRequest, customer_id: int):
    actor = request_actor(request)
    customer = selectors.customer_get(actor=actor, pk=customer_id)
    return selectors.customer_timeline(actor=actor, customer=customer)

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from kefu.core.schemas import Out, Strict
from kefu.customers.choices import Gender, Tier


class CustomerWriteFields(Strict):
    tier: Tier | None = None
    organisation_id: int | None = None
    emails: list[str] = Field(default_factory=list, max_length=20,
                              description="first one is primary for a new customer")
    phones: list[str] = Field(default_factory=list, max_length=20)
    wechat_id: str | None = Field(None, max_length=40)
    tags: list[str] | None = Field(None, max_length=50)
    language: str | None = Field(None, max_length=16)
    time_zone: str | None = Field(None, max_length=64)
    birthday: dt.date | None = None
    gender: Gender | None = None
    city: str | None = Field(None, max_length=100)
    occupation: str | None = Field(None, max_length=100)
    notes: str | None = Field(None, max_length=20_000)
    preferences: dict[str, Any] | None = None
    consent_marketing: bool | None = None
    consent_data_processing: bool | None = None


class CustomerCreateIn(CustomerWriteFields):
    name: str = Field(..., min_length=1, max_length=200)


class CustomerUpdateIn(CustomerWriteFields):
    name: str | None = Field(None, min_length=1, max_length=200)


class CustomerMergeIn(Strict):
    source_id: int = Field(..., description="the duplicate, folded into this customer")


class IdentityOut(Out):
    kind: str
    value: str
    is_primary: bool


class OrganisationOut(Out):
    id: int
    name: str
    tier: str


class CustomerOut(Out):
    id: int
    name: str
    tier: Tier
    organisation: OrganisationOut | None
    email: str | None
    phone: str | None
    identities: list[IdentityOut]
    tags: list[str]
    language: str
    time_zone: str
    birthday: dt.date | None
    gender: str
    city: str
    occupation: str
    notes: str
    preferences: dict[str, Any]
    consent_marketing: bool
    consent_marketing_at: dt.datetime | None
    consent_data_processing: bool
    consent_data_processing_at: dt.datetime | None
    merged_into_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime


class CustomerPageOut(Out):
    items: list[CustomerOut]
    next_cursor: str | None


class TimelineEntryOut(Out):
    kind: str
    at: dt.datetime
    ticket_id: int | None
    ticket_number: int | None
    summary: str
    data: dict[str, Any]

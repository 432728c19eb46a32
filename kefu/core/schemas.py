"""Base classes for the API's request and response schemas."""

from __future__ import annotations

from ninja import Schema
from pydantic import BaseModel, ConfigDict


class Strict(Schema):
    """A request body: unknown fields are a 422 naming the field."""

    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    """A response body built from the plain dicts of a serializers module.

    A plain pydantic model: ninja's ``Schema`` wraps every value in a Django attribute
    getter, which on a 25-ticket page cost more than the page's queries.
    """

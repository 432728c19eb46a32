"""Validate ``Ticket.custom_fields`` against the admin-defined ``TicketField`` schema."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from kefu.core.errors import ValidationFailed
from kefu.tickets.choices import FieldType
from kefu.tickets.models import TicketField


def _coerce(field: TicketField, value: Any) -> Any:
    name = f"custom_fields.{field.key}"
    kind = field.field_type
    if kind == FieldType.TEXT:
        if not isinstance(value, str) or len(value) > 10_000:
            raise ValidationFailed("must be text (at most 10000 characters)", field=name)
        return value
    if kind == FieldType.INTEGER:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationFailed("must be an integer", field=name)
        return value
    if kind == FieldType.DECIMAL:
        try:
            return str(Decimal(str(value)))
        except (InvalidOperation, ValueError) as exc:
            raise ValidationFailed("must be a decimal number", field=name) from exc
    if kind == FieldType.BOOLEAN:
        if not isinstance(value, bool):
            raise ValidationFailed("must be true or false", field=name)
        return value
    if kind == FieldType.DATE:
        try:
            return dt.date.fromisoformat(str(value)).isoformat()
        except ValueError as exc:
            raise ValidationFailed("must be a date YYYY-MM-DD", field=name) from exc
    if kind == FieldType.CHOICE:
        if value not in field.choices:
            raise ValidationFailed(f"must be one of {field.choices}", field=name)
        return value
    raise ValidationFailed("unsupported field type", field=name)


def validate_custom_fields(
    values: Mapping[str, Any], *, existing: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Merge ``values`` over ``existing``; unknown keys and bad values are 422s."""
    schema = {f.key: f for f in TicketField.objects.filter(active=True)}
    result = dict(existing or {})
    for key, value in values.items():
        field = schema.get(key)
        if field is None:
            raise ValidationFailed(f"unknown custom field {key!r}", field=f"custom_fields.{key}")
        if value is None:
            result.pop(key, None)
        else:
            result[key] = _coerce(field, value)
    for key, field in schema.items():
        if field.required and key not in result:
            raise ValidationFailed("is required", field=f"custom_fields.{key}")
    return result

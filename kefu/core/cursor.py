"""Keyset (cursor) pagination over a (timestamp, id) ordering.

Stable under inserts, O(page) at any depth, the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from kefu.core.errors import DomainError, ErrorCode


class InvalidCursor(DomainError):
    status = 400
    code = ErrorCode.INVALID_CURSOR


@dataclass
class Page:
    items: list
    next_cursor: str | None


def encode_cursor(value: dt.datetime, pk: int) -> str:
    raw = json.dumps([value.isoformat(), pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value, pk = json.loads(base64.urlsafe_b64decode(padded.encode()))
        when = dt.datetime.fromisoformat(value)
        if when.tzinfo is None or not isinstance(pk, int):
            raise ValueError
        return when, pk
    except (ValueError, TypeError, json.JSONDecodeError) as exc:
        raise InvalidCursor("cursor is not valid", field="cursor") from exc


def paginate(qs: QuerySet, *, field: str, descending: bool, limit: int,
             cursor: str | None) -> Page:
    """One page of ``qs`` ordered by (field, id), starting after ``cursor``."""
    if cursor:
        value, pk = decode_cursor(cursor)
        op = "lt" if descending else "gt"
        qs = qs.filter(Q(**{f"{field}__{op}": value}) | Q(**{field: value, f"pk__{op}": pk}))
    sign = "-" if descending else ""
    rows = list(qs.order_by(f"{sign}{field}", f"{sign}pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(getattr(rows[-1], field), rows[-1].pk) if more and rows else None
    return Page(items=rows, next_cursor=next_cursor)

"""Rule conditions: their JSON shape, its validation, and evaluation against a ticket.

A condition is ``{"field": ..., "op": ..., "value": ...}`` or a group
``{"any": [...]}`` / ``{"all": [...]}`` of conditions. A rule's list is combined by
its match mode (all or any). Evaluation is pure: it reads a ``Facts`` snapshot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kefu.customers.choices import Tier
from kefu.tickets.choices import Channel, Priority, Status, TicketType

SCALAR_OPS = ("is", "is_not", "in", "not_in")
SET_OPS = ("contains", "not_contains")
TEXT_OPS = ("contains", "not_contains")

# field -> (kind, allowed values or None for ids)
CHOICE_FIELDS: dict[str, Sequence[str]] = {
    "status": Status.values,
    "priority": Priority.values,
    "type": TicketType.values,
    "channel": Channel.values,
    "customer_tier": Tier.values,
}
ID_FIELDS = ("team", "assignee")
SET_FIELDS = ("tags", "customer_tags", "changed")
TEXT_FIELDS = ("message_text", "subject")
BOOL_FIELDS = ("business_hours",)
FIELDS = (*CHOICE_FIELDS, *ID_FIELDS, *SET_FIELDS, *TEXT_FIELDS, *BOOL_FIELDS)
MAX_DEPTH = 4


@dataclass(frozen=True)
class Facts:
    """What conditions look at, read once per rule evaluation."""

    status: str
    priority: str
    type: str
    channel: str
    team: int | None
    assignee: int | None
    customer_tier: str
    tags: frozenset[str]
    customer_tags: frozenset[str]
    subject: str
    message_text: str
    changed: frozenset[str] = frozenset()
    at: dt.datetime | None = None
    # calendar id (None: the built-in China mainland calendar) -> working time at ``at``
    business_hours: Mapping[int | None, bool] = field(default_factory=dict)


def _fail(index: str, message: str) -> ValidationError:
    return ValidationError(_("Condition %(index)s: %(message)s") % {"index": index, "message": message})


def _check_value(index: str, name: str, op: str, value: Any) -> None:
    if name in CHOICE_FIELDS or name in ID_FIELDS:
        if op not in SCALAR_OPS:
            raise _fail(index, _("operator must be one of %s") % ", ".join(SCALAR_OPS))
        values = value if op in ("in", "not_in") else [value]
        if not isinstance(values, list) or (op in ("in", "not_in") and not values):
            raise _fail(index, _("“%s” needs a non-empty list of values") % op)
        for item in values:
            if name in CHOICE_FIELDS and item not in CHOICE_FIELDS[name]:
                raise _fail(index, _("%(value)r is not a valid %(field)s; choose from %(choices)s") % {
                    "value": item, "field": name, "choices": ", ".join(CHOICE_FIELDS[name])})
            if name in ID_FIELDS and not (item is None or (isinstance(item, int) and not isinstance(item, bool))):
                raise _fail(index, _("%s values are ids (integers) or null") % name)
    elif name in SET_FIELDS or name in TEXT_FIELDS:
        if op not in SET_OPS:
            raise _fail(index, _("operator must be one of %s") % ", ".join(SET_OPS))
        if not isinstance(value, str) or not value.strip():
            raise _fail(index, _("value must be a non-empty text"))
    elif name in BOOL_FIELDS and (op != "is" or not isinstance(value, bool)):
        raise _fail(index, _('business_hours takes op "is" and true or false'))


def validate_conditions(value: Any, *, _prefix: str = "", _depth: int = 0) -> None:
    """Raise ``ValidationError`` naming the first bad condition; ``[]`` always matches."""
    if not isinstance(value, list):
        raise ValidationError(_("Conditions must be a JSON list."))
    if _depth > MAX_DEPTH:
        raise ValidationError(_("Condition groups are nested too deeply."))
    for position, item in enumerate(value, start=1):
        index = f"{_prefix}{position}"
        if not isinstance(item, dict):
            raise _fail(index, _("must be an object"))
        groups = [key for key in ("any", "all") if key in item]
        if groups:
            if len(item) != 1:
                raise _fail(index, _('a group has exactly one key, "any" or "all"'))
            validate_conditions(item[groups[0]], _prefix=f"{index}.", _depth=_depth + 1)
            continue
        unknown = set(item) - {"field", "op", "value", "calendar_id"}
        if unknown:
            raise _fail(index, _("unknown key %s") % sorted(unknown)[0])
        name = item.get("field")
        if name not in FIELDS:
            raise _fail(index, _("unknown field %(field)r; choose from %(fields)s") % {
                "field": name, "fields": ", ".join(FIELDS)})
        if "calendar_id" in item and (name != "business_hours" or not isinstance(item["calendar_id"], int)):
            raise _fail(index, _("calendar_id is an integer, only for business_hours"))
        _check_value(index, name, item.get("op", ""), item.get("value"))


def calendar_ids(conditions: list[Any]) -> set[int | None]:
    """The calendars the business_hours conditions use (None: China mainland)."""
    found: set[int | None] = set()
    for item in conditions:
        if "any" in item or "all" in item:
            found |= calendar_ids(item.get("any") or item.get("all") or [])
        elif item.get("field") == "business_hours":
            found.add(item.get("calendar_id"))
    return found


def _one(item: Mapping[str, Any], facts: Facts) -> bool:
    name, op = item["field"], item["op"]
    value: Any = item.get("value")
    if name in CHOICE_FIELDS or name in ID_FIELDS:
        actual = getattr(facts, name)
        if op == "is":
            return bool(actual == value)
        if op == "is_not":
            return bool(actual != value)
        return (actual in value) == (op == "in")
    if name in SET_FIELDS:
        return (value.strip() in getattr(facts, name)) == (op == "contains")
    if name in TEXT_FIELDS:
        found = value.strip().casefold() in str(getattr(facts, name)).casefold()
        return found == (op == "contains")
    # business_hours
    return facts.business_hours[item.get("calendar_id")] is value


def matches(conditions: list[Any], facts: Facts, *, mode: str = "all") -> bool:
    results = (
        matches(item.get("any") or item.get("all") or [], facts, mode="any" if "any" in item else "all")
        if ("any" in item or "all" in item) else _one(item, facts)
        for item in conditions
    )
    if not conditions:
        return True
    return any(results) if mode == "any" else all(results)

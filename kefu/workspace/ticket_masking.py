"""Masking of customer contact details for plain agents (pure functions).

Agents see enough to recognise a contact ("138****8000", "z***@example.com"); team
leads and admins see the full value.
"""

from __future__ import annotations

from kefu.accounts.actor import Actor
from kefu.accounts.choices import Role
from kefu.assist.pii import mask_value


def mask_identity(kind: str, value: str) -> str:
    """A contact detail as a plain agent sees it: the masking rules of kefu.assist.pii."""
    return mask_value(kind, value)


def sees_full_contacts(actor: Actor) -> bool:
    return actor.role in (Role.ADMIN, Role.LEAD)

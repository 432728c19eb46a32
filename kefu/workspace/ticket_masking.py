"""Masking of customer contact details for plain agents (pure functions).

Agents see enough to recognise a contact ("138****8000", "z***@example.com"); team
leads and admins see the full value.
"""

from __future__ import annotations

from kefu.accounts.actor import Actor
from kefu.accounts.choices import Role
from kefu.customers.choices import IdentityKind

STARS = "****"


def mask_phone(value: str) -> str:
    """Keep the first 3 and last 4 digits: +8613800138000 -> 138****8000."""
    national = value.strip()
    if national.startswith("+86"):
        national = national[3:]  # mainland numbers read best without the country code
    prefix = "+" if national.startswith("+") else ""
    digits = national.lstrip("+")
    if len(digits) >= 8:
        return f"{prefix}{digits[:3]}{STARS}{digits[-4:]}"
    if len(digits) > 2:
        return f"{prefix}{STARS}{digits[-2:]}"
    return STARS


def mask_email(value: str) -> str:
    """Keep the first character of the local part and the domain: z***@example.com."""
    local, at, domain = value.strip().rpartition("@")
    if not at:
        return mask_text(value)
    return f"{local[:1]}***@{domain}" if local else f"***@{domain}"


def mask_text(value: str) -> str:
    """WeChat ids and anything else: first and last character: w***1."""
    value = value.strip()
    if len(value) <= 2:
        return "***"
    return f"{value[0]}***{value[-1]}"


def mask_identity(kind: str, value: str) -> str:
    if kind == IdentityKind.PHONE:
        return mask_phone(value)
    if kind == IdentityKind.EMAIL:
        return mask_email(value)
    return mask_text(value)


def sees_full_contacts(actor: Actor) -> bool:
    return actor.role in (Role.ADMIN, Role.LEAD)

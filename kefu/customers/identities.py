"""Normalise and validate customer identities (pure functions)."""

from __future__ import annotations

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from kefu.core.errors import ValidationFailed
from kefu.customers.choices import IdentityKind

_WECHAT_RE = re.compile(r"^[A-Za-z][-_A-Za-z0-9]{5,19}$")


def normalise_email(value: str, *, field: str = "email") -> str:
    email = value.strip()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationFailed(f"invalid email address: {value!r}", field=field) from exc
    local, _, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}".lower()


def normalise_phone(value: str, *, field: str = "phone", region: str = "CN") -> str:
    """E.164; a number without a country code is read as mainland China."""
    raw = value.strip()
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationFailed(f"invalid phone number: {value!r}", field=field) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationFailed(f"invalid phone number: {value!r}", field=field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_wechat(value: str, *, field: str = "wechat_id") -> str:
    wechat = value.strip()
    if not _WECHAT_RE.match(wechat):
        raise ValidationFailed(f"invalid WeChat id: {value!r}", field=field)
    return wechat


def normalise_identity(kind: str, value: str, *, field: str | None = None) -> str:
    if kind == IdentityKind.EMAIL:
        return normalise_email(value, field=field or "email")
    if kind == IdentityKind.PHONE:
        return normalise_phone(value, field=field or "phone")
    if kind == IdentityKind.WECHAT:
        return normalise_wechat(value, field=field or "wechat_id")
    raise ValidationFailed(f"unknown identity kind {kind!r}", field=field or "kind")

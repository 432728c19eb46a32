"""Masking of customer contact details for plain agents (pure functions).

Agents see enough to recognise a contact ("138****8000", "z***@example.com"); team
leads and admins see the full value.
"""

from __future__ import annotations

from collections.abc import Iterable

from kefu.accounts.actor import Actor
from kefu.accounts.choices import Role
from kefu.assist.pii import mask, mask_value
from kefu.tickets.choices import AuthorKind
from kefu.tickets.models import Message


def mask_identity(kind: str, value: str) -> str:
    """A contact detail as a plain agent sees it: the masking rules of kefu.assist.pii."""
    return mask_value(kind, value)


def sees_full_contacts(actor: Actor) -> bool:
    return actor.role in (Role.ADMIN, Role.LEAD)


def sees_personal_data(actor: Actor) -> bool:
    """Whether the actor sees personal data in customer messages as written: leads and
    admins always; plain agents unless the admin turned masking on (AssistSettings)."""
    from kefu.intel.cache import assist_settings

    return sees_full_contacts(actor) or not assist_settings.get().mask_messages_for_agents


def mask_messages(actor: Actor, messages: Iterable[Message]) -> None:
    """Mask phone, ID and card numbers, emails and addresses in customer messages, in place
    (on the loaded objects only, never saved), for an actor who may not see them."""
    if sees_personal_data(actor):
        return
    for message in messages:
        if message.author_kind == AuthorKind.CUSTOMER:
            message.body_text = mask(message.body_text)
            message.body_html = mask(message.body_html) if message.body_html else ""

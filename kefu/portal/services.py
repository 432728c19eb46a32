"""Writes for the customer portal: sign-in links, replies and web-form requests.

Ticket and message rows are written by kefu.tickets.services only; this module adds
what the portal needs around them (rate limits, one-time links, portal users).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable, Sequence

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts.actor import SYSTEM, Actor, actor_for
from kefu.core.errors import Conflict, DomainError, ErrorCode
from kefu.customers.choices import CustomerEventKind, IdentityKind
from kefu.customers.models import Customer, CustomerEvent, CustomerIdentity
from kefu.customers.services import customer_find_or_create, customer_update
from kefu.portal import ratelimit
from kefu.portal.choices import CATEGORY_TAGS, Category, ReplyOutcome
from kefu.portal.conf import setting
from kefu.portal.models import MagicLink
from kefu.tickets.attachments import attachment_add
from kefu.tickets.choices import Channel, Status, TicketType
from kefu.tickets.models import Message, Ticket
from kefu.tickets.services import message_post, ticket_create

User = get_user_model()


class RateLimited(DomainError):
    status = 429
    code = ErrorCode.RATE_LIMITED


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _window() -> int:
    return setting("KEFU_PORTAL_RATE_WINDOW_SECONDS")


def customer_by_email(email: str) -> Customer | None:
    """The (unmerged) customer owning ``email``, or None. ``email`` is normalised."""
    identity = (
        CustomerIdentity.objects.select_related("customer")
        .filter(kind=IdentityKind.EMAIL, value=email).first()
    )
    if identity is None:
        return None
    customer = identity.customer
    while customer.merged_into_id is not None:
        customer = Customer.objects.get(pk=customer.merged_into_id)
    return customer


# -- sign-in links ---------------------------------------------------------------------

def magic_link_request(*, email: str, ip: str, link_for: Callable[[str], str]) -> None:
    """Email a one-time sign-in link when ``email`` belongs to a customer.

    Says nothing about whether it does (no account enumeration): the caller shows the
    same answer either way. Limits count every request, known email or not.
    """
    if not ratelimit.hit_all(
        [("link-email", email, setting("KEFU_PORTAL_LINK_LIMIT_PER_EMAIL")),
         ("link-ip", ip, setting("KEFU_PORTAL_LINK_LIMIT_PER_IP"))],
        window_seconds=_window(),
    ):
        raise RateLimited("too many sign-in link requests")
    customer = customer_by_email(email)
    if customer is None:
        return
    if customer.user_id is not None and not User.objects.filter(pk=customer.user_id, is_active=True).exists():
        return  # a disabled portal login stays disabled
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    MagicLink.objects.filter(expires_at__lt=now - dt.timedelta(days=1)).delete()  # keep it small
    minutes = setting("KEFU_PORTAL_LINK_MINUTES")
    MagicLink.objects.create(
        token_hash=_hash(token), customer=customer, email=email, created_at=now,
        expires_at=now + dt.timedelta(minutes=minutes),
    )
    context = {"customer": customer, "link": link_for(token), "minutes": minutes}
    send_mail(
        subject=_("Your kefu sign-in link"),
        message=render_to_string("portal/email/magic_link.txt", context),
        from_email=None,
        recipient_list=[email],
    )


def magic_link_peek(token: str) -> MagicLink | None:
    """The link behind ``token`` when it is still usable (for the confirmation page)."""
    return (
        MagicLink.objects.select_related("customer")
        .filter(token_hash=_hash(token), used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


def magic_link_consume(token: str):
    """Use ``token`` once; the customer's Django user (created on first use), or None.

    The conditional UPDATE is the single-use guarantee: of two concurrent uses only
    one changes the row.
    """
    now = timezone.now()
    with transaction.atomic():
        used = MagicLink.objects.filter(
            token_hash=_hash(token), used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
        if not used:
            return None
        link = MagicLink.objects.select_related("customer").get(token_hash=_hash(token))
        customer = link.customer
        while customer.merged_into_id is not None:
            customer = Customer.objects.get(pk=customer.merged_into_id)
        user = portal_user_for(customer, email=link.email)
    # A link signs in customers only: a staff account linked to a customer record must
    # not get past its password (and the login lockout) through an email.
    if not user.is_active or user.is_staff or not actor_for(user).is_customer:
        return None
    return user


def _new_username(customer: Customer) -> str:
    # Not derived from the email or name: those can collide with (or imitate) staff
    # accounts and would leak the address wherever user names are shown.
    base = f"customer-{customer.pk}"
    if not User.objects.filter(username=base).exists():
        return base
    return f"{base}-{secrets.token_hex(4)}"


def portal_user_for(customer: Customer, *, email: str = ""):
    """The customer's Django user; created (unusable password) when it has none."""
    if customer.user_id is not None:
        return User.objects.get(pk=customer.user_id)
    user = User(username=_new_username(customer), email=email, first_name=customer.name[:150])
    user.set_unusable_password()
    user.save()
    # Conditional: when two first sign-ins race, the first link wins and the other
    # user row is dropped.
    if not Customer.objects.filter(pk=customer.pk, user__isnull=True).update(user=user):
        user.delete()
        return User.objects.get(customer__pk=customer.pk)
    customer.user = user
    CustomerEvent.objects.create(
        customer=customer, kind=CustomerEventKind.UPDATED, field="user", after=user.username
    )
    return user


# -- replies and requests ----------------------------------------------------------------

def _attach(actor: Actor, message: Message, files: Sequence[UploadedFile]) -> None:
    for upload in files:
        attachment_add(actor=actor, message=message, upload=upload)


@transaction.atomic
def portal_reply(*, actor: Actor, ticket: Ticket, body: str,
                 files: Sequence[UploadedFile] = ()) -> tuple[Message, str]:
    """A public reply from the requester with its files; returns (message, outcome).

    message_post reopens a solved/pending ticket and turns a reply to a closed one into
    a follow-up ticket; the outcome tells the customer which happened.
    """
    before = ticket.status
    message = message_post(actor=actor, ticket=ticket, body=body)
    _attach(actor, message, files)
    if message.ticket_id != ticket.pk:
        return message, ReplyOutcome.FOLLOW_UP
    if before in (Status.SOLVED, Status.PENDING):
        return message, ReplyOutcome.REOPENED
    return message, ReplyOutcome.REPLIED


def _requester(*, name: str, email: str, phone: str) -> tuple[Customer, dict]:
    """Find the customer by email only, or create one.

    Never look up by phone: an anonymous form could otherwise attach its email to
    whoever owns a typed-in phone number, and the next sign-in link would open that
    customer's tickets. A phone is stored on a new customer; for a known one it goes
    into the message's channel metadata for the agent to check.
    """
    customer, created = customer_find_or_create(name=name, email=email)
    meta: dict[str, dict[str, str]] = {"web_form": {"name": name}}
    if phone:
        meta["web_form"]["phone"] = phone
        if created:
            try:
                with transaction.atomic():
                    customer_update(customer=customer, data={"phones": [phone]})
            except Conflict:
                pass  # the phone is someone else's: keep it in the metadata only
    return customer, meta


def web_request_submit(
    *, actor: Actor, ip: str, subject: str, body: str, category: str,
    files: Sequence[UploadedFile] = (), name: str = "", email: str = "", phone: str = "",
) -> Ticket:
    """A ticket from the web form: the signed-in customer's, or found/created by email.

    Over the per-email or per-address limit nothing is created (RateLimited, a 429).
    """
    signed_in = actor.is_customer and actor.customer_id is not None
    who = f"customer:{actor.customer_id}" if signed_in else email
    if not ratelimit.hit_all(
        [("form-email", who, setting("KEFU_PORTAL_FORM_LIMIT_PER_EMAIL")),
         ("form-ip", ip, setting("KEFU_PORTAL_FORM_LIMIT_PER_IP"))],
        window_seconds=_window(),
    ):
        raise RateLimited("too many requests from this address or email")
    with transaction.atomic():
        meta: dict[str, dict[str, str]] = {}
        if signed_in and actor.customer_id is not None:
            requester = Customer.objects.get(pk=actor.customer_id)
            author = actor
        else:
            requester, meta = _requester(name=name, email=email, phone=phone)
            author = SYSTEM  # kefu writes on the anonymous customer's behalf
        ticket, _created = ticket_create(
            actor=author, subject=subject, body=body, requester=requester, channel=Channel.WEB,
            tags=[CATEGORY_TAGS[Category(category)]],
            type=TicketType.COMPLAINT if category == Category.COMPLAINT else None,
            channel_meta=meta,
        )
        if files:
            _attach(author, ticket.messages.get(), files)
    return ticket


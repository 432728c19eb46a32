"""Writes for promises: record one, mark it kept or broken, remind the owner before it is due."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from kefu.accounts.actor import Actor
from kefu.accounts.models import AgentProfile
from kefu.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from kefu.promises.models import Promise, PromiseStatus
from kefu.tickets.models import Ticket
from kefu.tickets.selectors import ticket_get

MAX_WHAT = 500
# A promise may name a due time a little in the past (typed a minute late); not days.
PAST_TOLERANCE = dt.timedelta(minutes=5)


def _require_staff(actor: Actor) -> None:
    if not actor.is_staff_role:
        raise PermissionDenied("only agents record promises")


def promise_create(*, actor: Actor, ticket: Ticket, what: str, due_at: dt.datetime,
                   owner_id: int | None = None, now: dt.datetime | None = None) -> Promise:
    _require_staff(actor)
    ticket = ticket_get(actor=actor, pk=ticket.pk, for_list=False)  # 404 outside the scope
    text = " ".join(str(what).split())
    if not text:
        raise ValidationFailed("must not be empty", field="what")
    if len(text) > MAX_WHAT:
        raise ValidationFailed(f"longer than {MAX_WHAT} characters", field="what")
    if due_at.tzinfo is None:
        raise ValidationFailed("needs a time zone", field="due_at")
    if due_at < (now or timezone.now()) - PAST_TOLERANCE:
        raise ValidationFailed("is in the past", field="due_at")
    owner_id = owner_id or actor.user_id
    if owner_id is None or not AgentProfile.objects.filter(
            user_id=owner_id, user__is_active=True).exists():
        raise ValidationFailed("is not an active agent", field="owner_id")
    return Promise.objects.create(ticket=ticket, customer_id=ticket.requester_id, what=text,
                                  due_at=due_at, owner_id=owner_id, created_by_id=actor.user_id)


@transaction.atomic
def promise_resolve(*, actor: Actor, promise: Promise, kept: bool) -> Promise:
    """Mark an open promise kept or broken (once: a resolved promise stays as it was)."""
    _require_staff(actor)
    ticket_get(actor=actor, pk=promise.ticket_id, for_list=False)
    promise = Promise.objects.select_for_update().get(pk=promise.pk)
    if promise.status != PromiseStatus.OPEN:
        raise InvalidTransition("the promise was already marked", field="status")
    promise.status = PromiseStatus.KEPT if kept else PromiseStatus.BROKEN
    promise.resolved_at = timezone.now()
    promise.resolved_by_id = actor.user_id
    promise.save(update_fields=["status", "resolved_at", "resolved_by"])
    return promise


def promise_remind_due(*, within: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Email each owner of an open promise due within ``within`` (once per promise)."""
    now = now or timezone.now()
    due = (Promise.objects.filter(status=PromiseStatus.OPEN, reminded_at__isnull=True,
                                  due_at__lte=now + within)
           .select_related("ticket", "owner").order_by("due_at")[:500])
    sent = 0
    for promise in due:
        # Mark first, in its own statement: a retried job never mails twice.
        if not Promise.objects.filter(pk=promise.pk, reminded_at__isnull=True).update(
                reminded_at=now):
            continue
        if promise.owner.email:
            with translation.override(settings.LANGUAGE_CODE):
                subject = gettext("Promise due %(when)s: #%(number)s %(what)s") % {
                    "when": timezone.localtime(promise.due_at).strftime("%m-%d %H:%M"),
                    "number": promise.ticket.number, "what": promise.what[:60]}
            send_mail(subject, promise.what, settings.DEFAULT_FROM_EMAIL, [promise.owner.email])
        sent += 1
    return sent

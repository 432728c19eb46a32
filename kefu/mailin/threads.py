"""Which ticket a mail belongs to: by Message-ID, then ticket token, then subject."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone

from kefu.customers.choices import IdentityKind
from kefu.customers.models import Customer
from kefu.mail.parse import ParsedMail
from kefu.mailin.conf import setting
from kefu.tickets.choices import Channel
from kefu.tickets.models import Message, Ticket

TOKEN = re.compile(r"\[#(\d{1,18})\]")
_PREFIX = re.compile(
    r"^\s*(?:(?:re|fwd?|aw|wg|sv|vs|antw|回复|回覆|答复|答覆|转发|轉寄|转寄)\s*(?:\[\d+\])?\s*[:：]\s*)+",
    re.IGNORECASE)


def normalise_subject(subject: str) -> str:
    """"Re: 回复：Fwd: [#10023] Order" -> "order": prefixes, tokens and spacing removed."""
    text = TOKEN.sub(" ", subject)
    previous = None
    while previous != text:
        previous = text
        text = _PREFIX.sub("", text.strip())
    return " ".join(text.split()).casefold()


def _live(ticket: Ticket) -> Ticket:
    seen = 0
    while ticket.merged_into_id is not None and seen < 20:
        ticket = Ticket.objects.get(pk=ticket.merged_into_id)
        seen += 1
    return ticket


def by_message_id(mail: ParsedMail) -> Ticket | None:
    ids = [i for i in [mail.in_reply_to, *reversed(mail.references)] if i]
    if not ids:
        return None
    found = (Message.objects.filter(channel_meta__message_id__in=ids)
             .select_related("ticket").order_by("-id").first())
    return _live(found.ticket) if found is not None else None


def _may_write_to(ticket: Ticket, sender: str) -> bool:
    """A subject token only counts for the requester or someone already on the thread:
    ticket numbers are guessable, Message-IDs are not."""
    if ticket.requester.identities.filter(kind=IdentityKind.EMAIL, value=sender).exists():
        return True
    for meta in ticket.messages.values_list("channel_meta", flat=True)[:200]:
        if not isinstance(meta, dict):
            continue
        people = [meta.get("from")] + [c.get("address") for c in meta.get("cc") or []
                                        if isinstance(c, dict)]
        if sender in {str(p).lower() for p in people if p}:
            return True
    return False


def by_token(mail: ParsedMail, sender: str) -> Ticket | None:
    for number in TOKEN.findall(mail.subject):
        ticket = Ticket.objects.select_related("requester").filter(number=int(number)).first()
        if ticket is not None and _may_write_to(ticket, sender):
            return _live(ticket)
    return None


def by_subject(mail: ParsedMail, customer: Customer) -> Ticket | None:
    if not setting("KEFU_MAIL_THREAD_BY_SUBJECT"):
        return None
    wanted = normalise_subject(mail.subject)
    if not wanted:
        return None
    since = timezone.now() - timedelta(days=setting("KEFU_MAIL_THREAD_WINDOW_DAYS"))
    recent = (Ticket.objects.filter(requester=customer, channel=Channel.EMAIL,
                                    merged_into__isnull=True, updated_at__gte=since)
              .order_by("-updated_at")[:50])
    for ticket in recent:
        if normalise_subject(ticket.subject) == wanted:
            return ticket
    return None


def find_ticket(mail: ParsedMail, *, sender: str, customer: Customer) -> tuple[Ticket | None, str]:
    """The ticket this mail replies to and how it was found ("" when it is new)."""
    ticket = by_message_id(mail)
    if ticket is not None:
        return ticket, "message_id"
    ticket = by_token(mail, sender)
    if ticket is not None:
        return ticket, "token"
    ticket = by_subject(mail, customer)
    if ticket is not None:
        return ticket, "subject"
    return None, ""

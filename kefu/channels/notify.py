"""An agent's public reply to an offline chat message goes to the visitor by email.

"Leave a message" promises an answer by email. The email channel proper (outbound
queue, threading headers, bounces) is the email issue's work; until it lands this
sends the reply through Django's mail backend when the reply is committed.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext

from kefu.channels.models import Chat
from kefu.core.events import Event, subscribe
from kefu.customers.choices import IdentityKind
from kefu.tickets.choices import AuthorKind, Visibility
from kefu.tickets.models import Message

log = logging.getLogger(__name__)


@subscribe(Event.MESSAGE_CREATED)
def reply_by_email(*, ticket_id: int, message_id: int, visibility: str = "",
                   author_kind: str = "", **_: object) -> None:
    if visibility != Visibility.PUBLIC or author_kind != AuthorKind.AGENT:
        return
    chat = (Chat.objects.filter(ticket_id=ticket_id, offline=True)
            .select_related("ticket__requester").first())
    if chat is None:
        return
    ticket = chat.ticket
    address = ticket.requester.primary_identity(IdentityKind.EMAIL)
    if not address:
        log.warning("offline chat %s: the customer has no email address", ticket.number)
        return
    body = Message.objects.values_list("body_text", flat=True).get(pk=message_id)
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("Re: [#%(number)s] %(subject)s") % {
            "number": ticket.number, "subject": ticket.subject}
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])

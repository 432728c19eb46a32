"""Bus listeners: a committed public agent reply or system notice is queued as mail."""

from __future__ import annotations

from kefu.core.events import Event, subscribe
from kefu.mailout.services import MAILED_AUTHORS, outbound_queue
from kefu.tickets.choices import Visibility


@subscribe(Event.MESSAGE_CREATED)
def queue_reply_mail(*, ticket_id: int, message_id: int, visibility: str = "",
                     author_kind: str = "", **_: object) -> None:
    # Internal notes and the customer's own messages are never mailed.
    if visibility != Visibility.PUBLIC or author_kind not in MAILED_AUTHORS:
        return
    outbound_queue(message_id=message_id)


@subscribe(Event.TICKET_CREATED)
def acknowledge_ticket(*, ticket_id: int, **_: object) -> None:
    # Subscribed after kefu.sla's listener (INSTALLED_APPS order): the ticket's
    # first-response clock is running by now, so the mail can name its due time.
    from kefu.mailout.acknowledge import outbound_acknowledge

    outbound_acknowledge(ticket_id=ticket_id)

"""Bus events -> analysis jobs. Analysis runs on the job worker, not in the request."""

from __future__ import annotations

from collections.abc import Iterable

from kefu.core.events import Event, subscribe
from kefu.jobs.services import enqueue
from kefu.tickets.choices import AuthorKind, Status

ANALYSE_JOB = "intel.analyse"
QA_JOB = "intel.qa"
DONE = (Status.SOLVED, Status.CLOSED)


@subscribe(Event.TICKET_CREATED)
@subscribe(Event.MESSAGE_CREATED)
def _message_created(*, ticket_id: int, message_id: int | None = None, author_kind: str = "",
                     status: str | None = None, **_: object) -> None:
    # A new ticket's payload names its first message too.
    if message_id is not None and author_kind == AuthorKind.CUSTOMER:
        enqueue(ANALYSE_JOB, {"message_id": message_id}, key=f"message:{message_id}")
    if status in DONE:  # a reply that solved the ticket
        enqueue(QA_JOB, {"ticket_id": ticket_id})


@subscribe(Event.TICKET_UPDATED)
def _ticket_updated(*, ticket_id: int, fields: Iterable[str] = (), **_: object) -> None:
    # The job scores the conversation if the ticket is solved by then.
    if "status" in fields:
        enqueue(QA_JOB, {"ticket_id": ticket_id})

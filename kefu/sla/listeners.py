"""Bus events -> SLA clocks. Runs on commit, in its own transaction per event."""

from __future__ import annotations

from collections.abc import Iterable

from kefu.core.events import Event, subscribe
from kefu.sla import escalation, services


@subscribe(Event.TICKET_CREATED)
def _ticket_created(*, ticket_id: int, **_: object) -> None:
    services.sla_on_ticket_created(ticket_id=ticket_id)


@subscribe(Event.TICKET_UPDATED)
def _ticket_updated(*, ticket_id: int, fields: Iterable[str] = (), **_: object) -> None:
    services.sla_on_ticket_updated(ticket_id=ticket_id, fields=fields)


@subscribe(Event.MESSAGE_CREATED)
def _message_created(*, ticket_id: int, message_id: int, **_: object) -> None:
    services.sla_on_message(ticket_id=ticket_id, message_id=message_id)


@subscribe(Event.TICKET_MERGED)
def _ticket_merged(*, source_id: int, **_: object) -> None:
    services.sla_on_ticket_merged(source_id=source_id)


@subscribe(Event.CUSTOMER_UPDATED)
def _customer_updated(*, customer_id: int, **_: object) -> None:
    services.sla_on_customer_updated(customer_id=customer_id)


@subscribe(Event.SLA_AT_RISK)
def _at_risk(**payload: object) -> None:
    escalation.escalate_event("at_risk", payload)


@subscribe(Event.SLA_BREACHED)
def _breached(**payload: object) -> None:
    escalation.escalate_event("breached", payload)

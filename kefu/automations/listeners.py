"""Bus events -> automation rules. Runs on commit; each event is one unit of work."""

from __future__ import annotations

from collections.abc import Iterable

from kefu.automations import services
from kefu.automations.choices import RuleEvent
from kefu.core.events import Event, subscribe
from kefu.tickets.choices import AuthorKind, Visibility


@subscribe(Event.TICKET_CREATED)
def _ticket_created(*, ticket_id: int, **_: object) -> None:
    services.rules_run(event=RuleEvent.TICKET_CREATED, ticket_id=ticket_id)


@subscribe(Event.TICKET_UPDATED)
def _ticket_updated(*, ticket_id: int, fields: Iterable[str] = (), **_: object) -> None:
    services.rules_run(event=RuleEvent.TICKET_UPDATED, ticket_id=ticket_id, changed=fields)


@subscribe(Event.MESSAGE_CREATED)
def _message_created(*, ticket_id: int, message_id: int, visibility: str = "",
                     author_kind: str = "", **_: object) -> None:
    if visibility != Visibility.PUBLIC or author_kind != AuthorKind.CUSTOMER:
        return
    services.rules_run(event=RuleEvent.CUSTOMER_REPLIED, ticket_id=ticket_id, message_id=message_id,
                       occurrence=f"message:{message_id}")


@subscribe(Event.SLA_AT_RISK)
def _sla_at_risk(*, ticket_id: int, target_id: int | None = None, **_: object) -> None:
    services.rules_run(event=RuleEvent.SLA_AT_RISK, ticket_id=ticket_id,
                       occurrence=f"sla_at_risk:{target_id}")


@subscribe(Event.SLA_BREACHED)
def _sla_breached(*, ticket_id: int, target_id: int | None = None, **_: object) -> None:
    services.rules_run(event=RuleEvent.SLA_BREACHED, ticket_id=ticket_id,
                       occurrence=f"sla_breached:{target_id}")

"""Route on the bus: a new ticket, a freed capacity, an agent coming online."""

from __future__ import annotations

from kefu.core.events import Event, subscribe
from kefu.routing.services import route_ticket, route_waiting
from kefu.tickets.models import Ticket


@subscribe(Event.TICKET_CREATED)
def _created(*, ticket_id: int, **_: object) -> None:
    route_ticket(ticket_id=ticket_id)


@subscribe(Event.TICKET_UPDATED)
def _updated(*, ticket_id: int, fields: list[str] | tuple[str, ...] = (), **_: object) -> None:
    # A status change may free capacity (solved) or make the ticket routable (reopened);
    # a team change puts it in another queue; an unassignment puts it back in the queue.
    # Assigning someone only takes capacity: nothing to hand out then.
    row = Ticket.objects.filter(pk=ticket_id).values_list("team_id", "assignee_id").first()
    if row is None or row[0] is None:
        return
    if "status" in fields or "team" in fields or ("assignee" in fields and row[1] is None):
        route_waiting(team_id=row[0])


@subscribe(Event.AGENT_UPDATED)
def _agent(*, user_id: int, team_ids: list[int] | tuple[int, ...] = (), **_: object) -> None:
    for team_id in team_ids:
        route_waiting(team_id=team_id)

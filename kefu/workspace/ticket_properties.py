"""The ticket page's properties panel: allowed values and saving one field."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts.actor import Actor
from kefu.accounts.models import Team
from kefu.accounts.selectors import agent_list, team_list
from kefu.core.errors import DomainError, ErrorCode, ValidationFailed
from kefu.sla.choices import TargetState
from kefu.sla.selectors import sla_targets_of
from kefu.tickets.choices import Priority, Status, TicketType
from kefu.tickets.models import Ticket
from kefu.tickets.services import ticket_update
from kefu.tickets.statemachine import TRANSITIONS

EDITABLE = ("status", "priority", "type", "assignee_id", "team_id", "tags")


@dataclass
class Option:
    value: str
    label: str
    group: str = ""


def status_options(ticket: Ticket) -> list[Option]:
    """The current status and the ones the state machine allows from it, in life-cycle order."""
    allowed = TRANSITIONS[ticket.status] | {ticket.status}
    return [Option(s.value, str(s.label)) for s in Status if s in allowed]


def assignee_options(*, actor: Actor, ticket: Ticket) -> list[Option]:
    """Agents of the ticket's team first, then the other agents the actor may see."""
    profiles = list(agent_list(actor=actor).prefetch_related(None))
    team_ids: set[int] = set()
    if ticket.team_id:
        team_ids = set(Team.members.through.objects.filter(team_id=ticket.team_id)
                       .values_list("user_id", flat=True))
        if ticket.team and ticket.team.lead_id:
            team_ids.add(ticket.team.lead_id)
    ours = _("Team members")
    others = _("Other agents")
    options = [
        Option(str(p.user_id), p.display_name or p.user.get_username(),
               ours if p.user_id in team_ids else others)
        for p in profiles if p.user.is_active
    ]
    if ticket.assignee_id and all(o.value != str(ticket.assignee_id) for o in options):
        # Assigned to someone outside the actor's view: still show who it is.
        name = ticket.assignee.get_username() if ticket.assignee else f"#{ticket.assignee_id}"
        options.append(Option(str(ticket.assignee_id), name, others))
    options.sort(key=lambda o: (o.group != ours, o.label))
    return options


def team_options(*, actor: Actor, ticket: Ticket) -> list[Option]:
    teams = list(team_list(actor=actor).prefetch_related(None).select_related(None))
    options = [Option(str(t.pk), t.name) for t in teams]
    if ticket.team_id and all(o.value != str(ticket.team_id) for o in options):
        options.append(Option(str(ticket.team_id), ticket.team.name if ticket.team else "?"))
    return options


def panel_context(*, actor: Actor, ticket: Ticket) -> dict[str, Any]:
    return {
        "status_options": status_options(ticket),
        "priority_options": [Option(p.value, str(p.label)) for p in Priority],
        "type_options": [Option(t.value, str(t.label)) for t in TicketType],
        "assignee_options": assignee_options(actor=actor, ticket=ticket),
        "team_options": team_options(actor=actor, ticket=ticket),
        "tag_text": ", ".join(ticket.list_extras.tags) if hasattr(ticket, "list_extras") else "",
        "sla_clocks": list(sla_targets_of(ticket.pk).exclude(state=TargetState.CANCELLED)),
        "now": timezone.now(),
    }


def _parse(field: str, raw: str, actor: Actor) -> Any:
    raw = raw.strip()
    if field in ("assignee_id", "team_id"):
        if raw == "":
            return None
        if field == "assignee_id" and raw == "me":
            return actor.user_id
        try:
            return int(raw)
        except ValueError:
            raise ValidationFailed("not a number", field=field) from None
    if field == "tags":
        return [t for t in raw.replace("，", ",").split(",") if t.strip()]
    if not raw:
        raise ValidationFailed("must not be empty", field=field)
    return raw


def property_save(*, actor: Actor, ticket: Ticket, field: str, raw: str) -> Ticket:
    if field not in EDITABLE:
        raise ValidationFailed("unknown field", field=field or "field")
    return ticket_update(actor=actor, ticket=ticket, changes={field: _parse(field, raw, actor)})


def error_text(error: DomainError, ticket: Ticket, field: str, raw: str) -> str:
    """A readable, translated message for an error of the panel."""
    if error.code == ErrorCode.INVALID_TRANSITION and field == "status":
        labels = dict(Status.choices)
        return _("A ticket that is %(current)s cannot be set to %(target)s.") % {
            "current": labels.get(ticket.status, ticket.status),
            "target": labels.get(raw, raw),
        }
    return f"{ErrorCode(error.code).label}: {error.message}"

"""Writes for canned replies, and rendering one for a ticket.

Admins manage every macro; a team lead manages the macros of the teams they lead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.html import escape as html_escape

from kefu.accounts.actor import Actor
from kefu.accounts.models import Team
from kefu.core.errors import PermissionDenied, ValidationFailed
from kefu.macros.models import Macro
from kefu.macros.render import render_placeholders
from kefu.tickets.models import Ticket

MAX_TITLE = 200
MAX_BODY = 20_000
UPDATABLE = ("title", "body", "team_id", "active")


def _check_manage(actor: Actor, team_id: int | None) -> None:
    if actor.is_admin:
        return
    if team_id is not None and team_id in actor.led_team_ids:
        return
    if team_id is None:
        raise PermissionDenied("only admins may manage macros for all teams")
    raise PermissionDenied("only the team's lead or an admin may manage its macros")


def _clean_title(title: str) -> str:
    title = " ".join(str(title).split())
    if not title:
        raise ValidationFailed("must not be empty", field="title")
    if len(title) > MAX_TITLE:
        raise ValidationFailed(f"longer than {MAX_TITLE} characters", field="title")
    return title


def _clean_body(body: str) -> str:
    body = str(body).strip()
    if not body:
        raise ValidationFailed("must not be empty", field="body")
    if len(body) > MAX_BODY:
        raise ValidationFailed(f"longer than {MAX_BODY} characters", field="body")
    return body


def _check_team(team_id: int | None) -> None:
    if team_id is not None and not Team.objects.filter(pk=team_id).exists():
        raise ValidationFailed("team does not exist", field="team_id")


def macro_create(*, actor: Actor, title: str, body: str, team_id: int | None = None,
                 active: bool = True) -> Macro:
    _check_manage(actor, team_id)
    _check_team(team_id)
    return Macro.objects.create(
        title=_clean_title(title), body=_clean_body(body), team_id=team_id, active=active,
        created_by_id=actor.user_id,
    )


@transaction.atomic
def macro_update(*, actor: Actor, macro: Macro, changes: Mapping[str, Any]) -> Macro:
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise ValidationFailed("unknown field", field=sorted(unknown)[0])
    _check_manage(actor, macro.team_id)
    if "team_id" in changes:
        _check_manage(actor, changes["team_id"])  # moving it needs rights on both sides
        _check_team(changes["team_id"])
        macro.team_id = changes["team_id"]
    if "title" in changes:
        macro.title = _clean_title(changes["title"])
    if "body" in changes:
        macro.body = _clean_body(changes["body"])
    if "active" in changes:
        macro.active = bool(changes["active"])
    macro.save()
    return macro


def macro_delete(*, actor: Actor, macro: Macro) -> None:
    _check_manage(actor, macro.team_id)
    macro.delete()


def macro_mark_used(*, actor: Actor, macro: Macro) -> None:
    """Count one use (an agent inserted it); F() so concurrent uses are not lost."""
    if not actor.is_staff_role:
        raise PermissionDenied("only agents may use macros")
    Macro.objects.filter(pk=macro.pk).update(usage_count=F("usage_count") + 1)


def _agent_name(actor: Actor) -> str:
    from kefu.accounts.models import AgentProfile

    if actor.user_id is None:
        return ""
    profile = AgentProfile.objects.filter(user_id=actor.user_id).select_related("user").first()
    if profile is None:
        return ""
    return profile.display_name or profile.user.get_username()


def placeholder_values(*, ticket: Ticket, actor: Actor, agent_name: str | None = None) -> dict[str, object]:
    """The whitelisted values for ``ticket`` as seen by ``actor`` (display labels, not codes)."""
    customer = ticket.requester
    organisation, team = customer.organisation, ticket.team
    return {
        "customer.name": customer.name,
        "customer.tier": customer.get_tier_display(),
        "customer.organisation": organisation.name if organisation else "",
        "ticket.number": ticket.number,
        "ticket.subject": ticket.subject,
        "ticket.status": ticket.get_status_display(),
        "agent.name": agent_name if agent_name is not None else _agent_name(actor),
        "agent.team": team.name if team else "",
    }


def macro_render(macro: Macro, ticket: Ticket, actor: Actor, *, html: bool = False,
                 agent_name: str | None = None) -> str:
    """The macro's body filled in for ``ticket``: plain text, or with ``html`` escaped values.

    Plain text is what goes into the reply box (message_post escapes it when it builds
    body_html); ``html=True`` is for showing the result inside HTML directly.
    """
    values = placeholder_values(ticket=ticket, actor=actor, agent_name=agent_name)
    body = html_escape(macro.body) if html else macro.body
    return render_placeholders(body, values, escape=html_escape if html else None)

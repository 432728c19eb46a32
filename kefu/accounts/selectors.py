"""Reads for agents and teams, scoped to what the actor may see."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from kefu.accounts.actor import Actor
from kefu.accounts.models import AgentProfile, Team
from kefu.core.errors import PermissionDenied


def _require_staff(actor: Actor) -> None:
    if not actor.is_staff_role:
        raise PermissionDenied("only agents may list agents and teams")


def team_list(*, actor: Actor) -> QuerySet[Team]:
    _require_staff(actor)
    qs = Team.objects.select_related("lead").prefetch_related("skills", "members")
    if actor.is_admin:
        return qs
    return qs.filter(pk__in=actor.team_ids)


def agent_list(*, actor: Actor) -> QuerySet[AgentProfile]:
    """Admins see every agent; leads and agents see the members of their teams."""
    _require_staff(actor)
    qs = (
        AgentProfile.objects.select_related("user")
        .prefetch_related("skills", "user__teams")
        .order_by("user__username")
    )
    if actor.is_admin:
        return qs
    member_ids = Team.members.through.objects.filter(team_id__in=actor.team_ids).values(
        "user_id"
    )
    return qs.filter(user_id__in=member_ids) | qs.filter(user_id=actor.user_id or 0)


def agent_user_ids_in_teams(team_ids) -> QuerySet:
    return (
        get_user_model()
        .objects.filter(teams__in=team_ids, agent_profile__isnull=False)
        .values_list("pk", flat=True)
    )

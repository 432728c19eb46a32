"""Agents and teams under /api/v1/agents and /api/v1/teams (read-only)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from kefu.accounts import selectors
from kefu.accounts.models import AgentProfile, Team
from kefu.core.auth import request_actor
from kefu.core.schemas import Out

router = Router(tags=["agents and teams"])


class TeamRef(Out):
    id: int
    name: str


class AgentOut(Out):
    id: int
    username: str
    display_name: str
    email: str
    role: str
    skills: list[str]
    teams: list[TeamRef]
    capacity: int
    availability: str


class TeamOut(Out):
    id: int
    name: str
    description: str
    lead_id: int | None
    member_ids: list[int]
    skills: list[str]


def _agent(profile: AgentProfile) -> dict:
    user = profile.user
    return {
        "id": user.pk, "username": user.username, "email": user.email,
        "display_name": profile.display_name or user.username, "role": profile.role,
        "skills": sorted(s.name for s in profile.skills.all()),
        "teams": [{"id": t.pk, "name": t.name} for t in user.teams.all()],
        "capacity": profile.max_concurrent_tickets, "availability": profile.availability,
    }


def _team(team: Team) -> dict:
    return {
        "id": team.pk, "name": team.name, "description": team.description,
        "lead_id": team.lead_id, "member_ids": sorted(m.pk for m in team.members.all()),
        "skills": sorted(s.name for s in team.skills.all()),
    }


@router.get("agents", response=list[AgentOut], summary="List agents")
def list_agents(request: HttpRequest):
    return [_agent(p) for p in selectors.agent_list(actor=request_actor(request))]


@router.get("teams", response=list[TeamOut], summary="List teams")
def list_teams(request: HttpRequest):
    return [_team(t) for t in selectors.team_list(actor=request_actor(request))]

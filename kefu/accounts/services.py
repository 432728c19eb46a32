"""Writes for agents, teams and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from kefu.accounts.choices import Availability, Role
from kefu.accounts.models import AgentProfile, ApiToken, Skill, Team
from kefu.core.errors import NotFound, ValidationFailed
from kefu.core.events import Event, publish

TOKEN_PREFIX = "kefu_"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_create(*, user, name: str = "") -> tuple[ApiToken, str]:
    """Create a token; returns the row and the plain key, which is never stored."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=key[:10], key_hash=_hash(key))
    return token, key


def token_create_for_username(*, username: str, name: str = "") -> str:
    User = get_user_model()
    try:
        user = User.objects.get(username=username)
    except User.DoesNotExist as exc:
        raise NotFound(f"no user named {username!r}", field="username") from exc
    return token_create(user=user, name=name)[1]


def token_revoke(*, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])


def token_authenticate(key: str):
    """The active user owning ``key``, or None."""
    if not key.startswith(TOKEN_PREFIX) or len(key) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Write last_used_at at most once a minute: a hot token must not turn every read into a write.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def agent_create(
    *,
    username: str,
    email: str = "",
    password: str | None = None,
    display_name: str = "",
    role: Role = Role.AGENT,
    capacity: int = 20,
    availability: Availability = Availability.OFFLINE,
    skills: list[str] | None = None,
    teams: list[Team] | None = None,
):
    if role == Role.CUSTOMER:
        raise ValidationFailed("an agent cannot have the customer role", field="role")
    User = get_user_model()
    user = User.objects.create_user(
        username=username,
        email=email,
        password=password,
        is_staff=role in (Role.ADMIN, Role.LEAD, Role.AGENT),
        is_superuser=role == Role.ADMIN,
    )
    profile = AgentProfile.objects.create(
        user=user,
        display_name=display_name or username,
        role=role,
        max_concurrent_tickets=capacity,
        availability=availability,
    )
    if skills:
        profile.skills.set(skill_get_or_create(names=skills))
    for team in teams or []:
        team.members.add(user)
    return user


def skill_get_or_create(*, names: list[str]) -> list[Skill]:
    return [Skill.objects.get_or_create(name=n)[0] for n in dict.fromkeys(names) if n]


@transaction.atomic
def team_create(*, name: str, lead=None, members=(), skills: list[str] | None = None) -> Team:
    team = Team.objects.create(name=name, lead=lead)
    if members:
        team.members.set(members)
    if lead is not None:
        team.members.add(lead)
    if skills:
        team.skills.set(skill_get_or_create(names=skills))
    return team


@transaction.atomic
def agent_set_availability(*, user, availability: Availability) -> AgentProfile:
    profile = AgentProfile.objects.get(user=user)
    if profile.availability != availability:
        profile.availability = availability
        profile.save(update_fields=["availability"])
        team_ids = sorted({*user.teams.values_list("pk", flat=True),
                           *user.led_teams.values_list("pk", flat=True)})
        publish(Event.AGENT_UPDATED, user_id=user.pk, team_ids=team_ids, fields=["availability"])
    return profile

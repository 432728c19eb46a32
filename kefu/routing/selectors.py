"""Who can take a ticket now: a team's online agents with their load and skills."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from kefu.accounts.choices import Availability
from kefu.accounts.models import AgentProfile, Team
from kefu.customers.choices import Tier
from kefu.tickets.models import Ticket
from kefu.tickets.statemachine import ACTIVE_STATUSES

VIP_TIERS = (Tier.GOLD, Tier.PLATINUM)
VIP_SKILL = "vip"


@dataclass
class Candidate:
    user_id: int
    capacity: int
    load: int  # the agent's active tickets, across all teams
    skills: frozenset[str]

    @property
    def free(self) -> int:
        return self.capacity - self.load


def candidates(*, team_id: int) -> list[Candidate]:
    """The team's members and lead who are online, active, with their load (3 queries)."""
    team = Team.objects.filter(pk=team_id).values_list("lead_id", flat=True).first()
    member_ids = set(Team.members.through.objects.filter(team_id=team_id)
                     .values_list("user_id", flat=True))
    if team is not None:
        member_ids.add(team)
    profiles = list(AgentProfile.objects.filter(
        user_id__in=member_ids, availability=Availability.ONLINE, user__is_active=True,
    ).values_list("pk", "user_id", "max_concurrent_tickets"))
    if not profiles:
        return []
    user_ids = [user_id for _pk, user_id, _cap in profiles]
    loads = dict(Ticket.objects.filter(
        assignee_id__in=user_ids, status__in=ACTIVE_STATUSES, merged_into__isnull=True,
    ).values("assignee_id").annotate(n=Count("pk")).values_list("assignee_id", "n"))
    skills: dict[int, set[str]] = {}
    for profile_id, name in AgentProfile.skills.through.objects.filter(
            agentprofile_id__in=[pk for pk, _u, _c in profiles]).values_list(
            "agentprofile_id", "skill__name"):
        skills.setdefault(profile_id, set()).add(name.lower())
    return [Candidate(user_id, capacity, loads.get(user_id, 0), frozenset(skills.get(pk, ())))
            for pk, user_id, capacity in profiles]


@dataclass(frozen=True)
class TicketNeeds:
    vip: bool
    skills: frozenset[str]  # skills the ticket asks for (skills-based routing)


def language_skill(language: str, known_skills: frozenset[str]) -> str | None:
    """The skill a customer's language asks for, when the organisation has one: a skill
    named after the language code ("en") or "lang:<code>" ("lang:en"); prefixes count
    ("en-us" asks for "en"). The default language (Chinese) asks for nothing."""
    code = (language or "").lower()
    if not code or code.startswith("zh"):
        return None
    for candidate in (code, f"lang:{code}", code.split("-")[0], f"lang:{code.split('-')[0]}"):
        if candidate in known_skills:
            return candidate
    return None


def ticket_needs(ticket: Ticket, known_skills: frozenset[str]) -> TicketNeeds:
    """VIP by the requester's tier; skills from the ticket's tags that name a skill (its
    category), and the requester's language when a skill is named after it."""
    vip = ticket.requester.tier in VIP_TIERS
    tags = {name.lower() for name in ticket.tags.values_list("name", flat=True)}
    needed = (tags & known_skills) | ({VIP_SKILL} if vip else set())
    language = language_skill(ticket.requester.language, known_skills)
    if language:
        needed.add(language)
    return TicketNeeds(vip=vip, skills=frozenset(needed))

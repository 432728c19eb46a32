"""The workspace's filter language: one dataclass for the filter bar, the built-in views
and saved views, turned into a ``Q`` that both the counts and the lists use, so a view's
count and its rows can never disagree.

Values that name people are relative to the viewer: ``assignee="me"`` and
``team="mine"`` resolve against the actor who looks, so a shared view shows each
teammate their own queue and never widens anyone's ticket scope.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kefu.accounts.actor import Actor
from kefu.accounts.choices import Role
from kefu.customers.choices import Tier
from kefu.sla.selectors import sla_at_risk_q
from kefu.tickets.choices import Channel, Priority, Status
from kefu.tickets.models import Ticket
from kefu.tickets.selectors import awaiting_agent_q
from kefu.tickets.statemachine import ACTIVE_STATUSES

ME, NOBODY, MY_TEAMS = "me", "none", "mine"
MULTI_FIELDS = {
    "status": Status.values,
    "priority": Priority.values,
    "tier": Tier.values,
    "channel": Channel.values,
}
FILTER_KEYS = (*MULTI_FIELDS, "tag", "team", "assignee", "awaiting_reply", "sla_at_risk")
TRUE_WORDS = (True, "1", "true", "True", "on")


@dataclass
class ViewFilters:
    status: list[str] = field(default_factory=list)
    priority: list[str] = field(default_factory=list)
    tier: list[str] = field(default_factory=list)
    channel: list[str] = field(default_factory=list)
    tag: str = ""
    team: int | str | None = None  # a team id or MY_TEAMS
    assignee: int | str | None = None  # a user id, ME or NOBODY
    # The customer wrote last: their latest message has no agent reply after it.
    awaiting_reply: bool = False
    # A running SLA clock past 75 % of its target, or a breach not answered yet.
    sla_at_risk: bool = False

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> ViewFilters:
        """Parse the filter bar (a QueryDict) or stored JSON; drops what it does not know.

        Saved JSON may outlive a renamed choice, and the query string is user input:
        anything unknown is ignored rather than turned into an error or an empty list.
        """
        values: dict[str, Any] = {}
        for name, allowed in MULTI_FIELDS.items():
            raw = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
            if isinstance(raw, str):
                raw = [raw]
            values[name] = [v for v in dict.fromkeys(raw) if isinstance(v, str) and v in allowed]
        tag = data.get("tag") or ""
        values["tag"] = " ".join(tag.split())[:64] if isinstance(tag, str) else ""
        values["team"] = _id_or(data.get("team"), (MY_TEAMS,))
        values["assignee"] = _id_or(data.get("assignee"), (ME, NOBODY))
        values["awaiting_reply"] = data.get("awaiting_reply") in TRUE_WORDS
        values["sla_at_risk"] = data.get("sla_at_risk") in TRUE_WORDS
        return cls(**values)

    def as_json(self) -> dict[str, Any]:
        """The stored form: only the keys that filter something."""
        return {k: v for k, v in self.__dict__.items() if v not in (None, "", [], False)}

    def merged(self, other: ViewFilters) -> ViewFilters:
        """``self`` with every key that ``other`` sets replaced by ``other``'s value."""
        return ViewFilters(**{**self.__dict__, **other.as_json()})

    def is_empty(self) -> bool:
        return not self.as_json()

    def to_q(self, actor: Actor) -> Q:
        q = Q()
        if self.status:
            q &= Q(status__in=self.status)
        if self.priority:
            q &= Q(priority__in=self.priority)
        if self.channel:
            q &= Q(channel__in=self.channel)
        if self.tier:
            q &= Q(requester__tier__in=self.tier)
        if self.tag:
            # A subquery, not a join: a join on tags would repeat rows and break counts.
            tagged = Ticket.tags.through.objects.filter(tag__name=self.tag).values("ticket_id")
            q &= Q(pk__in=tagged)
        if self.team == MY_TEAMS:
            # Admins belong to no team in their Actor: for them "my teams" is every team.
            q &= Q(team__isnull=False) if actor.is_admin else Q(team_id__in=actor.team_ids)
        elif isinstance(self.team, int):
            q &= Q(team_id=self.team)
        if self.assignee == ME:
            q &= Q(assignee_id=actor.user_id)
        elif self.assignee == NOBODY:
            q &= Q(assignee__isnull=True)
        elif isinstance(self.assignee, int):
            q &= Q(assignee_id=self.assignee)
        if self.awaiting_reply:
            q &= awaiting_agent_q()
        if self.sla_at_risk:
            q &= sla_at_risk_q()
        return q


def _id_or(raw: Any, words: tuple[str, ...]) -> int | str | None:
    if isinstance(raw, int) and not isinstance(raw, bool) and raw > 0:
        return raw
    if isinstance(raw, str):
        raw = raw.strip()
        if raw in words:
            return raw
        if raw.isdigit() and 0 < int(raw) < 2**63:
            return int(raw)
    return None


@dataclass(frozen=True)
class BuiltinView:
    key: str
    label: Any  # a lazy translation
    filters: ViewFilters
    leads_only: bool = False
    placeholder: bool = False  # shows no rows (a view whose feature is not set up)
    sort: str = ""  # the view's default order (the list's own default when empty)

    def available_to(self, actor: Actor) -> bool:
        return actor.is_staff_role and (not self.leads_only or actor.role in (Role.ADMIN, Role.LEAD))


_ACTIVE = sorted(str(s) for s in ACTIVE_STATUSES)
BUILTIN_VIEWS: dict[str, BuiltinView] = {v.key: v for v in (
    BuiltinView("mine", _("My open tickets"),
                ViewFilters(assignee=ME, status=[str(Status.NEW), str(Status.OPEN)])),
    BuiltinView("unassigned", _("Unassigned"), ViewFilters(assignee=NOBODY, status=_ACTIVE)),
    BuiltinView("team", _("My teams"), ViewFilters(team=MY_TEAMS, status=_ACTIVE)),
    # Live chats whose customer waits for an agent (the first-reply target is 1 minute).
    BuiltinView("chats", _("Chats waiting"),
                ViewFilters(channel=[str(Channel.CHAT)], awaiting_reply=True,
                            status=[str(Status.NEW), str(Status.OPEN)])),
    BuiltinView("pending", _("Awaiting customer reply"), ViewFilters(status=[str(Status.PENDING)])),
    BuiltinView("sla", _("SLA at risk"), ViewFilters(sla_at_risk=True, status=_ACTIVE),
                sort="-sla"),
    BuiltinView("vip", _("VIP"), ViewFilters(tier=[str(Tier.GOLD), str(Tier.PLATINUM)], status=_ACTIVE)),
    BuiltinView("all", _("All tickets"), ViewFilters(), leads_only=True),
)}
HOME_VIEW = "mine"

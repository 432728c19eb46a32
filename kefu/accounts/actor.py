"""Who is asking: the one place that turns a user into a role and a scope.

Selectors take an ``Actor`` and scope their querysets with it, so a view, an
API endpoint and the admin all see the same rows for the same user.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from kefu.accounts.choices import Role


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    role: Role | None
    team_ids: frozenset[int] = field(default_factory=frozenset)
    led_team_ids: frozenset[int] = field(default_factory=frozenset)
    customer_id: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_staff_role(self) -> bool:
        return self.role in (Role.ADMIN, Role.LEAD, Role.AGENT)

    @property
    def is_customer(self) -> bool:
        return self.role == Role.CUSTOMER


ANONYMOUS = Actor(user_id=None, role=None)
_CACHE_ATTR = "_kefu_actor"


def actor_for(user: AbstractBaseUser | AnonymousUser | None) -> Actor:
    """Resolve (once per user object) the role and team scope of ``user``."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    actor = _resolve(user)
    setattr(user, _CACHE_ATTR, actor)
    return actor


def forget_actor(user: AbstractBaseUser) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _resolve(user) -> Actor:
    from kefu.accounts.models import AgentProfile, Team
    from kefu.customers.models import Customer

    if not user.is_active:
        return ANONYMOUS
    profile = AgentProfile.objects.filter(user_id=user.pk).values_list("role", flat=True).first()
    if user.is_superuser:
        role: Role | None = Role.ADMIN
    elif profile is not None:
        role = Role(profile)
    else:
        customer_id = (
            Customer.objects.filter(user_id=user.pk, merged_into__isnull=True)
            .values_list("pk", flat=True)
            .first()
        )
        if customer_id is None:
            return Actor(user_id=user.pk, role=None)
        return Actor(user_id=user.pk, role=Role.CUSTOMER, customer_id=customer_id)
    if role == Role.ADMIN:
        return Actor(user_id=user.pk, role=role)
    member_of = set(Team.objects.filter(members=user.pk).values_list("pk", flat=True))
    led = set(Team.objects.filter(lead=user.pk).values_list("pk", flat=True))
    return Actor(
        user_id=user.pk,
        role=role,
        team_ids=frozenset(member_of | led),
        led_team_ids=frozenset(led),
    )


# Work done by kefu itself (demo loader, channel ingestion, automations).
SYSTEM = Actor(user_id=None, role=Role.ADMIN)

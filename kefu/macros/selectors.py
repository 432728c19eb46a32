"""Reads for canned replies: global macros for all staff, team macros for that team."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from kefu.accounts.actor import Actor
from kefu.core.errors import NotFound
from kefu.macros.models import Macro


def macro_scope(*, actor: Actor, include_inactive: bool = False) -> QuerySet[Macro]:
    qs = Macro.objects.all()
    if not include_inactive:
        qs = qs.filter(active=True)
    if actor.is_admin:
        return qs
    if actor.is_staff_role:
        return qs.filter(Q(team__isnull=True) | Q(team_id__in=actor.team_ids))
    return qs.none()


def macro_search(*, actor: Actor, q: str = "", limit: int = 10) -> list[Macro]:
    """Active macros the actor may use whose title or body contains ``q`` (most used first)."""
    qs = macro_scope(actor=actor).select_related("team")
    term = " ".join((q or "").split())
    if term:
        qs = qs.filter(Q(title__icontains=term) | Q(body__icontains=term))
    return list(qs.order_by("-usage_count", "title", "pk")[:limit])


def macro_get(*, actor: Actor, pk: int) -> Macro:
    macro = macro_scope(actor=actor).filter(pk=pk).first()
    if macro is None:
        raise NotFound("canned reply not found")
    return macro

"""Template tags of the workspace shell: the view sidebar (with its live counts), the
user menu and query-string links. Pages that extend workspace/shell.html (the ticket
page too) get the sidebar without their view computing anything."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import QueryDict

from kefu.accounts.actor import actor_for
from kefu.accounts.choices import Availability
from kefu.accounts.models import AgentProfile
from kefu.workspace.selectors import builtin_views_for, saved_view_scope, view_counts
from kefu.workspace.shortcuts import SHORTCUTS

register = template.Library()


@register.inclusion_tag("workspace/_sidebar.html", takes_context=True)
def workspace_sidebar(context: template.Context, current: str = "") -> dict[str, Any]:
    request = context["request"]
    actor = actor_for(request.user)
    saved = list(saved_view_scope(actor=actor))
    counts = view_counts(actor=actor, saved=saved)
    return {
        "request": request,
        "current": current,
        "views": [(v, counts.get(v.key, 0)) for v in builtin_views_for(actor=actor)],
        "saved_views": [(v, counts.get(f"saved-{v.pk}"), f"saved-{v.pk}") for v in saved],
    }


@register.inclusion_tag("workspace/_usermenu.html", takes_context=True)
def workspace_usermenu(context: template.Context) -> dict[str, Any]:
    request = context["request"]
    user = request.user
    profile = AgentProfile.objects.filter(user_id=user.pk).first()
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "name": (profile.display_name if profile else "") or user.get_full_name()
        or user.get_username(),
        "profile": profile,
        "availabilities": Availability.choices,
    }


@register.inclusion_tag("workspace/_help.html")
def workspace_help() -> dict[str, Any]:
    return {"shortcuts": SHORTCUTS}


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: Any) -> str:
    """The current query string with ``changes`` applied (None removes a key); the page
    number resets unless it is one of the changes."""
    params: QueryDict = context["request"].GET.copy()
    if "page" not in changes:
        params.pop("page", None)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def in_list(value: Any, items: Any) -> bool:
    return str(value) in {str(i) for i in (items or ())}

"""Who may use a portal page, and the context every portal page gets."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from kefu.accounts.actor import Actor, actor_for


def render_portal(request: HttpRequest, template: str, context: dict | None = None, *,
                  status: int = 200) -> HttpResponse:
    actor = actor_for(request.user)
    base = {"portal_actor": actor, "portal_is_staff": actor.is_staff_role}
    return render(request, template, {**base, **(context or {})}, status=status)


def customer_required(view):
    """Pass the customer's Actor to ``view``; sign-in page for anonymous users.

    Staff (and users who are not customers) get a page pointing them to the agent
    workspace: the portal only ever shows a customer their own tickets.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:login"))
        actor: Actor = actor_for(request.user)
        if not actor.is_customer:
            return render_portal(request, "portal/not_customer.html")
        return view(request, actor, *args, **kwargs)

    return wrapper

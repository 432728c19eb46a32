"""Who may use /agent/: staff roles only (admin, lead, agent per ``actor_for``).

``staff_required`` is for every workspace view (the ticket page too): anonymous users
go to the login page, a signed-in portal customer gets a polite refusal page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kefu.accounts.actor import actor_for


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        actor = actor_for(request.user)
        if not actor.is_staff_role:
            return render(request, "workspace/refused.html", status=403)
        request.actor = actor  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapped

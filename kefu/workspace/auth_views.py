"""Sign in, sign out, availability, and the django-axes lockout page."""

from __future__ import annotations

import math
from typing import Any

from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from kefu.accounts.actor import actor_for
from kefu.accounts.choices import Availability
from kefu.accounts.models import AgentProfile
from kefu.accounts.services import agent_set_availability
from kefu.workspace.access import staff_required
from kefu.workspace.forms import LoginForm


def safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@never_cache
@csrf_protect
def login_view(request: HttpRequest) -> HttpResponse:
    home = reverse("workspace:home")
    if request.method == "POST":
        form = LoginForm(request, data=request.POST)
        if form.is_valid():
            auth_login(request, form.user)
            return HttpResponseRedirect(safe_next(request, home))
        status = 403 if form.refused else 200
        return render(request, "workspace/login.html",
                      {"form": form, "next": request.POST.get("next", "")}, status=status)
    if actor_for(request.user).is_staff_role:
        return HttpResponseRedirect(safe_next(request, home))
    return render(request, "workspace/login.html",
                  {"form": LoginForm(request), "next": request.GET.get("next", "")})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    return redirect("workspace:login")


@require_POST
@staff_required
def availability_view(request: HttpRequest) -> HttpResponse:
    value = request.POST.get("availability", "")
    if value in Availability.values and AgentProfile.objects.filter(
            user_id=request.user.pk or 0).exists():
        agent_set_availability(user=request.user, availability=Availability(value))
    return HttpResponseRedirect(safe_next(request, reverse("workspace:home")))


def lockout_response(request: HttpRequest, original_response: Any = None,
                     credentials: Any = None) -> HttpResponse:
    """django-axes' AXES_LOCKOUT_CALLABLE: the login page saying when to try again."""
    from axes.helpers import get_cool_off

    cool_off = get_cool_off(request)
    minutes = max(1, math.ceil(cool_off.total_seconds() / 60)) if cool_off else None
    return render(request, "workspace/login.html",
                  {"form": LoginForm(request), "locked_minutes": minutes, "locked": True,
                   "next": ""},
                  status=429)

"""Customer sign-in: one-time email links, email + password, logout, set a password."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import (
    authenticate,
    get_user_model,
    login,
    logout,
    update_session_auth_hash,
)
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kefu.accounts.actor import actor_for
from kefu.portal import services
from kefu.portal.access import customer_required, render_portal
from kefu.portal.conf import setting
from kefu.portal.forms import EmailForm, PasswordLoginForm, PortalSetPasswordForm
from kefu.portal.ratelimit import client_ip


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return reverse("portal:home")


def _login_page(request: HttpRequest, *, link_form=None, password_form=None, status=200) -> HttpResponse:
    return render_portal(request, "portal/login.html", {
        "link_form": link_form or EmailForm(),
        "password_form": password_form or PasswordLoginForm(),
        "next": _next_url(request),
    }, status=status)


@require_http_methods(["GET"])
def login_page(request: HttpRequest) -> HttpResponse:
    if actor_for(request.user).is_customer:
        return redirect(_next_url(request))
    return _login_page(request)


@require_POST
def link_request(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST)
    if not form.is_valid():
        return _login_page(request, link_form=form, status=422)
    try:
        services.magic_link_request(
            email=form.cleaned_data["email"], ip=client_ip(request),
            link_for=lambda token: request.build_absolute_uri(
                reverse("portal:link", kwargs={"token": token})),
        )
    except services.RateLimited:
        return render_portal(request, "portal/rate_limited.html", status=429)
    # The same page whether or not the address is known.
    return render_portal(request, "portal/link_sent.html", {
        "email": form.cleaned_data["email"], "minutes": setting("KEFU_PORTAL_LINK_MINUTES"),
    })


@require_http_methods(["GET", "POST"])
def link_use(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks for a click, POST signs in: mail scanners that fetch every link in a
    message would otherwise use up the one-time link before the customer does."""
    if request.method == "GET":
        link = services.magic_link_peek(token)
        if link is None:
            return render_portal(request, "portal/link_invalid.html", status=400)
        return render_portal(request, "portal/link_confirm.html", {"link": link})
    user = services.magic_link_consume(token)
    if user is None:
        return render_portal(request, "portal/link_invalid.html", status=400)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect("portal:home")


@require_POST
def password_login(request: HttpRequest) -> HttpResponse:
    form = PasswordLoginForm(request.POST)
    if not form.is_valid():
        return _login_page(request, password_form=form, status=422)
    customer = services.customer_by_email(form.cleaned_data["email"])
    user_id = customer.user_id if customer is not None else None
    username = (
        get_user_model().objects.filter(pk=user_id).values_list("username", flat=True).first()
        if user_id else None
    )
    # An unknown address still goes through authenticate() so django-axes counts the
    # failure; ":" cannot appear in a Django user name, so it matches nobody.
    user = authenticate(request, username=username or f"portal:{form.cleaned_data['email']}",
                        password=form.cleaned_data["password"])
    if user is None or not actor_for(user).is_customer:
        form.add_error(None, _("The email or the password is not right."))
        return _login_page(request, password_form=form, status=422)
    login(request, user)
    return redirect(_next_url(request))


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("portal:login")


@customer_required
@require_http_methods(["GET", "POST"])
def set_password(request: HttpRequest, actor) -> HttpResponse:
    form = PortalSetPasswordForm(request.user, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            update_session_auth_hash(request, form.user)
            messages.success(request, _("Your password is set. You can now sign in with it."))
            return redirect("portal:home")
        return render_portal(request, "portal/set_password.html", {"form": form}, status=422)
    return render_portal(request, "portal/set_password.html", {"form": form})

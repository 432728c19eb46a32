"""The workspace shell and ticket lists: thin views over workspace.selectors/services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from kefu.accounts.actor import Actor
from kefu.accounts.selectors import agent_list, team_list
from kefu.core.errors import DomainError, ErrorCode, NotFound
from kefu.customers.choices import Tier
from kefu.tickets.choices import Channel, Priority, Status
from kefu.workspace.access import staff_required
from kefu.workspace.auth_views import safe_next
from kefu.workspace.filters import BUILTIN_VIEWS, HOME_VIEW, ViewFilters
from kefu.workspace.forms import SavedViewForm
from kefu.workspace.selectors import (
    DEFAULT_SORT,
    saved_view_get,
    ticket_page,
)
from kefu.workspace.services import saved_view_create, saved_view_delete, ticket_bulk_update


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    return _builtin(request, HOME_VIEW)


@staff_required
def builtin_view(request: HttpRequest, key: str) -> HttpResponse:
    return _builtin(request, key)


def _builtin(request: HttpRequest, key: str) -> HttpResponse:
    view = BUILTIN_VIEWS.get(key)
    if view is None or not view.available_to(_actor(request)):
        raise Http404
    return _list(request, title=str(view.label), base=view.filters, current=key,
                 placeholder=view.placeholder, default_sort=view.sort or DEFAULT_SORT)


@staff_required
def saved_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        view = saved_view_get(actor=_actor(request), pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    return _list(request, title=view.name, base=ViewFilters.from_mapping(view.filters),
                 current=f"saved-{view.pk}", saved=view)


def _list(request: HttpRequest, *, title: str, base: ViewFilters, current: str,
          placeholder: bool = False, saved: Any = None,
          default_sort: str = DEFAULT_SORT) -> HttpResponse:
    actor = _actor(request)
    bar = ViewFilters.from_mapping(request.GET)
    filters = base.merged(bar)  # the filter bar overrides what the view sets
    q = request.GET.get("q", "")[:200]
    sort = request.GET.get("sort", default_sort)
    result = None if placeholder else ticket_page(
        actor=actor, filters=filters, q=q, sort=sort, page=request.GET.get("page"))
    teams = list(team_list(actor=actor).prefetch_related(None))
    context = {
        "title": title, "current": current, "placeholder": placeholder, "saved": saved,
        "result": result, "sort": result.sort if result else DEFAULT_SORT, "q": q,
        "filters": filters, "bar": bar,
        "teams": teams,
        "agents": list(agent_list(actor=actor).prefetch_related(None)),
        "statuses": Status.choices, "priorities": Priority.choices,
        "tiers": Tier.choices, "channels": Channel.choices,
        "save_form": SavedViewForm(teams=teams),
        "filter_pairs": [(k, v) for k, vs in filters.as_json().items()
                         for v in (vs if isinstance(vs, list) else [vs])],
        "sort_links": [("-updated", _("Updated")), ("-created", _("Created")),
                       ("-priority", _("Priority")), ("-sla", _("SLA due"))],
    }
    partial = request.headers.get("HX-Target") == "ticket-list"
    template = "workspace/_list.html" if partial else "workspace/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


@require_GET
@staff_required
def counts(request: HttpRequest) -> HttpResponse:
    """The sidebar alone, for live.js to refresh after a queue.changed push."""
    current = request.GET.get("current", "")[:40]
    return render(request, "workspace/_sidebar_refresh.html", {"current": current})


@require_POST
@staff_required
def saved_view_new(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = SavedViewForm(request.POST, teams=team_list(actor=actor).prefetch_related(None))
    if not form.is_valid():
        messages.error(request, _("Give the view a name (at most 60 characters)."))
        return HttpResponseRedirect(safe_next(request, reverse("workspace:home")))
    try:
        view = saved_view_create(
            actor=actor, name=form.cleaned_data["name"],
            # The form carries the list's effective filters (the view's, then the bar's).
            filters=ViewFilters.from_mapping(request.POST),
            shared_with_id=form.cleaned_data["shared_with"],
        )
    except DomainError as exc:
        messages.error(request, _("The view was not saved: %(reason)s") % {
            "reason": error_text(exc)})
        return HttpResponseRedirect(safe_next(request, reverse("workspace:home")))
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return HttpResponseRedirect(reverse("workspace:saved_view", args=[view.pk]))


@require_POST
@staff_required
def saved_view_remove(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    try:
        view = saved_view_get(actor=actor, pk=pk)
        saved_view_delete(actor=actor, view=view)
    except NotFound as exc:
        raise Http404 from exc
    except DomainError:
        messages.error(request, _("Only its owner can delete this view."))
        return HttpResponseRedirect(reverse("workspace:saved_view", args=[pk]))
    messages.success(request, _("View “%(name)s” deleted.") % {"name": view.name})
    return HttpResponseRedirect(reverse("workspace:home"))


@require_POST
@staff_required
def bulk(request: HttpRequest, action: str) -> HttpResponse:
    """POST /agent/bulk/<action>/ (each bulk button's formaction) with ids and value_<action>."""
    back = safe_next(request, reverse("workspace:home"))
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()]
    try:
        result = ticket_bulk_update(actor=_actor(request), ticket_ids=ids, action=action,
                                    value=request.POST.get(f"value_{action}", ""))
    except DomainError as exc:
        messages.error(request, _("Nothing was changed: %(reason)s") % {
            "reason": error_text(exc)})
        return HttpResponseRedirect(back)
    if result.done:
        messages.success(request, ngettext(
            "%(count)d ticket updated.", "%(count)d tickets updated.", len(result.done)
        ) % {"count": len(result.done)})
    for label, error in result.failed:
        messages.error(request, _("Ticket %(ticket)s was not changed: %(reason)s") % {
            "ticket": label, "reason": error_text(error)})
    return HttpResponseRedirect(back)


def error_text(exc: DomainError) -> str:
    """A translated reason for a service error (the services speak English to the API)."""
    code, field = str(exc.code), exc.field or ""
    if code == ErrorCode.INVALID_TRANSITION:
        return _("this status change is not allowed (%(code)s)") % {"code": code}
    if code == ErrorCode.NOT_FOUND:
        return _("not found, or not visible to you")
    if code == ErrorCode.CONFLICT:
        return _("it changed meanwhile, try again")
    if code == ErrorCode.PERMISSION_DENIED:
        return _("you are not allowed to do this")
    if field == "assignee_id":
        return _("this agent cannot take the ticket (inactive or not in its team)")
    if field == "ids":
        return _("select at least one ticket (at most 100)")
    if field == "shared_with":
        return _("you can share only with your own teams")
    if field in ("value", "action"):
        return _("choose an action and a value")
    return _("invalid value")

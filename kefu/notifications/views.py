"""The agent's notifications: the bell's count (live) and the list page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from kefu.notifications.selectors import notification_list, unread_count
from kefu.notifications.services import notifications_mark_read
from kefu.workspace.access import staff_required


@require_GET
@staff_required
def bell(request: HttpRequest) -> HttpResponse:
    return render(request, "notifications/_bell.html",
                  {"unread": unread_count(user_id=request.user.pk or 0)})


@require_GET
@staff_required
def notifications_page(request: HttpRequest) -> HttpResponse:
    return render(request, "notifications/list.html", {
        "notifications": notification_list(user_id=request.user.pk or 0),
        "unread": unread_count(user_id=request.user.pk or 0),
    })


@require_POST
@staff_required
def mark_all_read(request: HttpRequest) -> HttpResponse:
    notifications_mark_read(user_id=request.user.pk or 0)
    return redirect("notifications:list")

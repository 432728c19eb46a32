"""The workspace's promises page: what is open (overdue first) and kept/broken per agent."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from kefu.accounts.actor import actor_for
from kefu.promises.selectors import open_promises, promise_report
from kefu.workspace.access import staff_required


@require_GET
@staff_required
def promises_page(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    now = timezone.now()
    return render(request, "promises/list.html", {
        "promises": open_promises(actor=actor), "rows": promise_report(actor=actor, now=now),
        "now": now, "current": "promises",
    })

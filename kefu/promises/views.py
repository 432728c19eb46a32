"""The workspace's promises page: what is open (overdue first) and kept/broken per agent."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from kefu.accounts.actor import actor_for
from kefu.accounts.models import AgentProfile, Team
from kefu.promises.models import PromiseStatus
from kefu.promises.selectors import promise_counts, promise_scope
from kefu.workspace.access import staff_required


@require_GET
@staff_required
def promises_page(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    now = timezone.now()
    open_promises = list(
        promise_scope(actor=actor).filter(status=PromiseStatus.OPEN)
        .select_related("ticket", "owner__agent_profile").order_by("due_at", "pk")[:200])
    rows = promise_counts(actor=actor, now=now)
    names = dict(AgentProfile.objects.filter(user_id__in={r["owner_id"] for r in rows})
                 .values_list("user_id", "display_name"))
    teams = dict(Team.objects.filter(pk__in={r["ticket__team_id"] for r in rows})
                 .values_list("pk", "name"))
    for row in rows:
        row["owner"] = names.get(row["owner_id"]) or row["owner_id"]
        row["team"] = teams.get(row["ticket__team_id"], "—")
        resolved = row["kept"] + row["broken"]
        row["kept_rate"] = round(100 * row["kept"] / resolved) if resolved else None
    return render(request, "promises/list.html",
                  {"promises": open_promises, "rows": rows, "now": now, "current": "promises"})

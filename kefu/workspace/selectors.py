"""Reads for the workspace: view counts, the ticket list page and saved views.

Everything starts from ``kefu.tickets.selectors.ticket_scope``, so a count or a row
never includes a ticket the actor may not open.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from kefu.accounts.actor import Actor
from kefu.core.errors import NotFound
from kefu.sla.selectors import annotate_sla_due, attach_sla
from kefu.tickets.choices import Priority
from kefu.tickets.models import Ticket
from kefu.tickets.selectors import (
    attach_list_extras,
    subject_matches,
    ticket_scope,
    with_list_relations,
)
from kefu.workspace.filters import BUILTIN_VIEWS, BuiltinView, ViewFilters
from kefu.workspace.models import SavedView

PAGE_SIZE = 25
# The sidebar counts every visible saved view in the same aggregate; past this many the
# query grows for little use, so only the first ones get a number.
MAX_COUNTED_SAVED_VIEWS = 30

_PRIORITY_RANK = Case(
    When(priority=Priority.URGENT, then=Value(3)),
    When(priority=Priority.HIGH, then=Value(2)),
    When(priority=Priority.NORMAL, then=Value(1)),
    default=Value(0),
    output_field=IntegerField(),
)
# URL sort key -> order_by; the id last keeps the order total (stable pages).
SORTS: dict[str, tuple[str, ...]] = {
    "-updated": ("-updated_at", "-id"),
    "updated": ("updated_at", "id"),
    "-created": ("-created_at", "-id"),
    "created": ("created_at", "id"),
    "-priority": ("-priority_rank", "-updated_at", "-id"),
    "priority": ("priority_rank", "-updated_at", "-id"),
    # "-sla": the most urgent SLA due time first; tickets without a running clock last.
    "-sla": ("sla_due_rank", "sla_due_at", "id"),
    "sla": ("sla_due_rank", "-sla_due_at", "-id"),
}
DEFAULT_SORT = "-updated"


def builtin_views_for(*, actor: Actor) -> list[BuiltinView]:
    return [v for v in BUILTIN_VIEWS.values() if v.available_to(actor)]


def saved_view_scope(*, actor: Actor) -> QuerySet[SavedView]:
    """The actor's own saved views and those shared with one of their teams."""
    if not actor.is_staff_role:
        return SavedView.objects.none()
    return SavedView.objects.filter(
        Q(owner_id=actor.user_id) | Q(shared_with_id__in=actor.team_ids)
    ).select_related("shared_with")


def saved_view_get(*, actor: Actor, pk: int) -> SavedView:
    view = saved_view_scope(actor=actor).filter(pk=pk).first()
    if view is None:
        raise NotFound("saved view not found")
    return view


def view_counts(*, actor: Actor, saved: list[SavedView]) -> dict[str, int]:
    """Ticket counts of the built-in views and ``saved`` views: one aggregate query.

    Keys are the built-in view keys and ``saved-<id>``; placeholder views count 0.
    """
    aggregates = {}
    for view in builtin_views_for(actor=actor):
        if not view.placeholder:
            aggregates[view.key] = _count(view.filters.to_q(actor))
    for saved_view in saved[:MAX_COUNTED_SAVED_VIEWS]:
        aggregates[f"saved-{saved_view.pk}"] = _count(
            ViewFilters.from_mapping(saved_view.filters).to_q(actor)
        )
    counts = {key: 0 for key in BUILTIN_VIEWS}
    if aggregates:
        counts.update(ticket_scope(actor=actor).aggregate(**aggregates))
    return counts


def _count(q: Q) -> Count:
    return Count("pk", filter=q) if q else Count("pk")


@dataclass
class TicketPage:
    page: Page
    tickets: list[Ticket]
    sort: str


def ticket_page(*, actor: Actor, filters: ViewFilters, q: str = "", sort: str = DEFAULT_SORT,
                page: str | int | None = 1) -> TicketPage:
    """One page (25 rows) of the actor's tickets matching ``filters`` and ``q`` (subject).

    Page numbers rather than cursors: the list sorts by priority too, which a
    (timestamp, id) cursor cannot express, and agents jump to "page 3" of a queue.
    The cost is one COUNT per page, cheap next to the rows it describes.
    """
    qs = ticket_scope(actor=actor).filter(filters.to_q(actor))
    q = " ".join(q.split())
    if q:
        qs = qs.filter(subject_matches(q))
    if sort not in SORTS:
        sort = DEFAULT_SORT
    if "priority" in sort:
        qs = qs.annotate(priority_rank=_PRIORITY_RANK)
    if sort in ("sla", "-sla"):
        qs = annotate_sla_due(qs).annotate(sla_due_rank=Case(
            When(sla_due_at__isnull=True, then=Value(1)), default=Value(0),
            output_field=IntegerField()))
    qs = with_list_relations(qs).order_by(*SORTS[sort])
    paginated = Paginator(qs, PAGE_SIZE).get_page(page)
    tickets = attach_list_extras(list(paginated.object_list))
    attach_sla(tickets)
    return TicketPage(page=paginated, tickets=tickets, sort=sort)

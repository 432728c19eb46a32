"""Writes for the workspace: saved views, and bulk changes that call ``ticket_update``
once per ticket so every change is checked, recorded and published like a single one."""

from __future__ import annotations

from dataclasses import dataclass, field

from kefu.accounts.actor import Actor
from kefu.accounts.models import Team
from kefu.core.errors import DomainError, PermissionDenied, ValidationFailed
from kefu.tickets.choices import Priority, Status
from kefu.tickets.selectors import ticket_get
from kefu.tickets.services import ticket_update
from kefu.workspace.filters import ViewFilters
from kefu.workspace.models import SavedView

MAX_SAVED_VIEWS_PER_USER = 50
MAX_BULK_TICKETS = 100
BULK_ACTIONS = ("assign", "status", "priority", "tag")


def _require_staff(actor: Actor) -> None:
    if not actor.is_staff_role:
        raise PermissionDenied("only agents may use the workspace")


def saved_view_create(*, actor: Actor, name: str, filters: ViewFilters,
                      shared_with_id: int | None = None) -> SavedView:
    _require_staff(actor)
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed("must not be empty", field="name")
    if len(name) > 60:
        raise ValidationFailed("at most 60 characters", field="name")
    if shared_with_id is not None and not actor.is_admin and shared_with_id not in actor.team_ids:
        raise ValidationFailed("you can share only with your own teams", field="shared_with")
    if (shared_with_id is not None and actor.is_admin
            and not Team.objects.filter(pk=shared_with_id).exists()):
        raise ValidationFailed("team does not exist", field="shared_with")
    if SavedView.objects.filter(owner_id=actor.user_id).count() >= MAX_SAVED_VIEWS_PER_USER:
        raise ValidationFailed("too many saved views", field="name")
    return SavedView.objects.create(
        owner_id=actor.user_id or 0, name=name, filters=filters.as_json(),
        shared_with_id=shared_with_id,
    )


def saved_view_delete(*, actor: Actor, view: SavedView) -> None:
    """Only the owner deletes; teammates of a shared view may only use it."""
    _require_staff(actor)
    if view.owner_id != actor.user_id:
        raise PermissionDenied("only the owner may delete a saved view")
    view.delete()


@dataclass
class BulkResult:
    done: list[int] = field(default_factory=list)  # ticket numbers
    failed: list[tuple[str, DomainError]] = field(default_factory=list)  # (number or id, error)


def bulk_changes(*, actor: Actor, action: str, value: str) -> dict:
    """Validate a bulk action once, before touching any ticket."""
    if action not in BULK_ACTIONS:
        raise ValidationFailed("unknown bulk action", field="action")
    value = value.strip()
    if action == "status":
        if value not in Status.values:
            raise ValidationFailed("unknown status", field="value")
        return {"status": value}
    if action == "priority":
        if value not in Priority.values:
            raise ValidationFailed("unknown priority", field="value")
        return {"priority": value}
    if action == "assign":
        if value == "none":
            return {"assignee_id": None}
        if value == "me":
            return {"assignee_id": actor.user_id}
        if not value.isdigit():
            raise ValidationFailed("choose an agent", field="value")
        return {"assignee_id": int(value)}
    tag = " ".join(value.split())
    if not tag or len(tag) > 64:
        raise ValidationFailed("enter a tag (at most 64 characters)", field="value")
    return {"add_tag": tag}


def ticket_bulk_update(*, actor: Actor, ticket_ids: list[int], action: str,
                       value: str) -> BulkResult:
    """Apply one change to many tickets; a failing ticket does not stop the others.

    Each ticket goes through ``ticket_update`` in its own transaction (ticket_update is
    atomic), so what succeeded stays done when a later ticket fails.
    """
    _require_staff(actor)
    changes = bulk_changes(actor=actor, action=action, value=value)
    ids = list(dict.fromkeys(ticket_ids))
    if not ids:
        raise ValidationFailed("select at least one ticket", field="ids")
    if len(ids) > MAX_BULK_TICKETS:
        raise ValidationFailed(f"at most {MAX_BULK_TICKETS} tickets at once", field="ids")
    result = BulkResult()
    for pk in ids:
        label = str(pk)
        try:
            ticket = ticket_get(actor=actor, pk=pk, for_list="add_tag" in changes)
            label = f"#{ticket.number}"
            if "add_tag" in changes:
                tags = ticket.list_extras.tags  # type: ignore[attr-defined]
                these = {"tags": [*tags, changes["add_tag"]]}
            else:
                these = changes
            ticket_update(actor=actor, ticket=ticket, changes=these)
        except DomainError as exc:
            result.failed.append((label, exc))
        else:
            result.done.append(ticket.number or pk)
    return result

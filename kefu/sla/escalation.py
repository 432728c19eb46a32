"""Escalation: what a policy asks for when one of its clocks is at risk or breached.

Per stage (``at_risk``, ``breached``) a policy may notify the assignee and/or the team
lead (in the workspace and by email), raise the priority one step, and reassign to the
team lead or to another team. Runs from the bus once per SLA event (the engine records
each at-risk and breach once), so an escalation is never repeated.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from kefu.accounts.actor import SYSTEM
from kefu.accounts.models import Team
from kefu.core.errors import DomainError
from kefu.notifications.models import NotificationKind
from kefu.notifications.services import notify
from kefu.sla.choices import Metric
from kefu.sla.models import SlaPolicy, SlaTarget
from kefu.tickets.choices import Priority
from kefu.tickets.models import Ticket
from kefu.tickets.services import ticket_update
from kefu.tickets.statemachine import ACTIVE_STATUSES

_suppressed: contextvars.ContextVar[bool] = contextvars.ContextVar("sla_escalation_off",
                                                                  default=False)


@contextmanager
def escalation_suppressed() -> Iterator[None]:
    """No escalation inside (loading history: its breaches are long past, nobody to call)."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


PRIORITY_UP = {Priority.LOW: Priority.NORMAL, Priority.NORMAL: Priority.HIGH,
               Priority.HIGH: Priority.URGENT}


def _text(stage: str, ticket: Ticket, target: SlaTarget | None, metric: str) -> str:
    label = Metric(metric).label if metric in Metric.values else metric
    due = timezone.localtime(target.due_at).strftime("%m-%d %H:%M") if target else ""
    if stage == "breached":
        template = gettext("#%(number)s %(subject)s: %(metric)s breached (due %(due)s)")
    else:
        template = gettext("#%(number)s %(subject)s: %(metric)s at risk (due %(due)s)")
    return template % {"number": ticket.number, "subject": ticket.subject[:60],
                       "metric": label, "due": due}


@transaction.atomic
def escalate(*, stage: str, ticket_id: int, policy_id: int | None, target_id: int | None,
             metric: str = "") -> list[str]:
    """Carry out the policy's actions for ``stage``; returns what was done (for tests/logs)."""
    if _suppressed.get():
        return []
    policy = SlaPolicy.objects.filter(pk=policy_id).first() if policy_id else None
    actions = (policy.escalation or {}).get(stage, {}) if policy else {}
    ticket = Ticket.objects.select_related("team").filter(pk=ticket_id).first()
    if not actions or ticket is None or ticket.status not in ACTIVE_STATUSES:
        return []
    target = SlaTarget.objects.filter(pk=target_id).first() if target_id else None
    done: list[str] = []
    recipients = []
    if actions.get("notify_assignee") and ticket.assignee_id:
        recipients.append(ticket.assignee_id)
    if actions.get("notify_lead") and ticket.team and ticket.team.lead_id:
        recipients.append(ticket.team.lead_id)
    if recipients:
        kind = NotificationKind.SLA_BREACHED if stage == "breached" else NotificationKind.SLA_AT_RISK
        notify(user_ids=recipients, kind=kind, text=_text(stage, ticket, target, metric),
               ticket_id=ticket.pk)
        done.append(f"notified {len(set(recipients))}")
    changes: dict[str, object] = {}
    if actions.get("raise_priority") and ticket.priority in PRIORITY_UP:
        changes["priority"] = PRIORITY_UP[Priority(ticket.priority)]
    reassign = actions.get("reassign_to")
    if reassign == "lead" and ticket.team and ticket.team.lead_id \
            and ticket.assignee_id != ticket.team.lead_id:
        changes["assignee_id"] = ticket.team.lead_id
    elif isinstance(reassign, str) and reassign.startswith("team:"):
        team_id = int(reassign[5:])
        if team_id != ticket.team_id and Team.objects.filter(pk=team_id).exists():
            changes.update(team_id=team_id, assignee_id=None)
    if changes:
        try:
            with transaction.atomic():
                ticket_update(actor=SYSTEM, ticket=ticket, changes=changes)
            done.extend(sorted(changes))
        except DomainError:
            done.append("change refused")  # e.g. the lead is not in the team any more
    return done


def escalate_event(stage: str, payload: dict) -> list[str]:
    return escalate(stage=stage, ticket_id=payload["ticket_id"], policy_id=payload.get("policy_id"),
                    target_id=payload.get("target_id"), metric=payload.get("metric", ""))


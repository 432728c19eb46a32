"""SLA reads for ticket lists, the API and the "SLA at risk" view.

A ticket's SLA is its nearest due *open* clock (running, paused, or breached and
not yet answered): ``breached`` when its due time has passed, ``at_risk`` from 75 %
of the target, else ``ok``. Nothing here writes: a breach the sweep has not
recorded yet still shows as breached.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from kefu.sla.choices import Health, TargetState
from kefu.sla.models import LIVE_STATES, SlaTarget

# Open clocks: still waiting for the reply or the resolution.
OPEN = Q(state__in=LIVE_STATES) | Q(state=TargetState.BREACHED, met_at__isnull=True)


@dataclass(frozen=True, slots=True)
class SlaStatus:
    metric: str
    state: str  # Health: ok / at_risk / breached
    due_at: dt.datetime
    seconds_left: int  # negative once breached; frozen while paused
    paused: bool
    target_id: int
    policy_id: int | None


def _status(target: SlaTarget, now: dt.datetime) -> SlaStatus:
    paused = target.state == TargetState.PAUSED
    clock = target.paused_at if paused and target.paused_at else now
    if target.state == TargetState.BREACHED or target.due_at <= clock:
        health = Health.BREACHED
    elif target.at_risk_at <= clock:
        health = Health.AT_RISK
    else:
        health = Health.OK
    return SlaStatus(
        metric=target.metric, state=health, due_at=target.due_at,
        seconds_left=int((target.due_at - clock).total_seconds()), paused=paused,
        target_id=target.pk, policy_id=target.policy_id,
    )


def sla_status_for(ticket_ids: Iterable[int], *, now: dt.datetime | None = None) -> dict[int, SlaStatus]:
    """ticket id -> its nearest due open clock, in one query (tickets without one are absent).

    A running clock comes before a paused one: a paused clock is not counting down.
    """
    now = now or timezone.now()
    ids = list(ticket_ids)
    if not ids:
        return {}
    found: dict[int, SlaStatus] = {}
    rows = SlaTarget.objects.filter(OPEN, ticket_id__in=ids).only(
        "id", "ticket_id", "policy_id", "metric", "state", "due_at", "at_risk_at",
        "paused_at",
    )
    for target in sorted(rows, key=lambda t: (t.state == TargetState.PAUSED, t.due_at, t.pk)):
        if target.ticket_id not in found:
            found[target.ticket_id] = _status(target, now)
    return found


def attach_sla(tickets: Iterable, *, now: dt.datetime | None = None) -> None:
    """Hang ``ticket.sla`` (an ``SlaStatus`` or None) on each ticket of a list page."""
    tickets = list(tickets)
    statuses = sla_status_for((t.pk for t in tickets), now=now)
    for ticket in tickets:
        ticket.sla = statuses.get(ticket.pk)


def sla_at_risk_q(*, now: dt.datetime | None = None) -> Q:
    """A ticket filter: a running clock past 75 % of its target, or an unanswered breach."""
    now = now or timezone.now()
    risky = SlaTarget.objects.filter(ticket=OuterRef("pk")).filter(
        Q(state=TargetState.BREACHED, met_at__isnull=True)
        | Q(state=TargetState.RUNNING, at_risk_at__lte=now)
    )
    return Q(Exists(risky))


def filter_sla_at_risk(tickets: QuerySet, *, now: dt.datetime | None = None) -> QuerySet:
    """Tickets with a running clock past 75 % of its target, or a breach not yet answered."""
    return tickets.filter(sla_at_risk_q(now=now))


def annotate_sla_due(tickets: QuerySet) -> QuerySet:
    """Add ``sla_due_at``: the nearest due time of a running or breached-open clock (to sort by)."""
    nearest = (
        SlaTarget.objects.filter(ticket=OuterRef("pk"))
        .filter(Q(state=TargetState.RUNNING) | Q(state=TargetState.BREACHED, met_at__isnull=True))
        .order_by("due_at").values("due_at")[:1]
    )
    return tickets.annotate(sla_due_at=Subquery(nearest))


def sla_targets_of(ticket_id: int) -> QuerySet[SlaTarget]:
    """Every clock of a ticket (the ticket page's SLA panel), oldest first."""
    return SlaTarget.objects.filter(ticket_id=ticket_id).select_related("policy").order_by("started_at", "id")

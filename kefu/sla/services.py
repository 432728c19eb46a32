"""SLA writes: apply policies to tickets, move their clocks on ticket events, and sweep.

The bus listeners (``listeners``) call the ``sla_on_*`` functions after the
ticket's transaction commits; ``sla_sweep`` runs every minute on the job worker.
Each function locks the ticket's clocks, applies ``engine`` transitions at the
instant the change happened, saves, writes ``SlaEvent`` rows and publishes
``sla.at_risk`` / ``sla.breached`` for escalations and the workspace.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from kefu.core.events import publish
from kefu.core.proccache import ProcessCached
from kefu.customers.choices import Tier
from kefu.sla import engine
from kefu.sla.choices import (
    SLA_AT_RISK,
    SLA_BREACHED,
    Metric,
    SlaEventKind,
    TargetState,
)
from kefu.sla.engine import Happening
from kefu.sla.models import (
    LIVE_STATES,
    BusinessCalendar,
    SlaEvent,
    SlaPolicy,
    SlaTarget,
    TicketFacts,
)
from kefu.tickets.choices import AuthorKind, EventKind, Status, Visibility
from kefu.tickets.models import Message, Ticket, TicketEvent

# Ticket fields whose change can make another policy match.
MATCHING_FIELDS = frozenset({"priority", "type", "team", "tags", "channel", "tier"})
PAUSED_STATUSES = frozenset({Status.PENDING, Status.ON_HOLD})
STOPPED_STATUSES = frozenset({Status.SOLVED, Status.CLOSED})
_TIER_RANK = {tier: rank for rank, tier in enumerate(Tier.values)}
_NOTIFY = {SlaEventKind.AT_RISK: SLA_AT_RISK, SlaEventKind.BREACHED: SLA_BREACHED}


# ------------------------------------------------------------------ matching


def ticket_facts(ticket: Ticket) -> TicketFacts:
    """The values policy conditions test; the higher of the customer's and organisation's tier."""
    requester = ticket.requester
    tiers = [requester.tier]
    if requester.organisation_id is not None and requester.organisation is not None:
        tiers.append(requester.organisation.tier)
    return TicketFacts(
        tier=max(tiers, key=lambda t: _TIER_RANK.get(t, 0)),
        priority=ticket.priority, channel=ticket.channel, type=ticket.type,
        team_id=ticket.team_id, tags=frozenset(ticket.tags.values_list("name", flat=True)),
    )


def _read_active_policies() -> list[SlaPolicy]:
    return list(SlaPolicy.objects.filter(active=True).select_related("calendar")
                .order_by("position", "id"))


# Every ticket event matches against the active policies; reading and building them was
# a tenth of a ticket create (kefu.core.proccache: forgotten on save, 10 s elsewhere).
active_policies = ProcessCached(_read_active_policies)
policies_changed = active_policies.forget


def policy_for(facts: TicketFacts, policies: Iterable[SlaPolicy] | None = None) -> SlaPolicy | None:
    """The first active policy, by position, whose conditions all hold."""
    if policies is None:
        policies = active_policies.get()
    return next((p for p in policies if p.active and p.matches(facts)), None)


# ------------------------------------------------------------------ the ticket's own calendar

# Channel apps may name the business calendar of the tickets they open (an email
# mailbox's calendar): functions ticket -> BusinessCalendar | None, registered from
# their AppConfig.ready(), so the SLA engine depends on no channel.
CALENDAR_SOURCES: list[Callable[[Ticket], BusinessCalendar | None]] = []


def _ticket_calendar(ticket: Ticket) -> BusinessCalendar | None:
    for source in CALENDAR_SOURCES:
        calendar = source(ticket)
        if calendar is not None:
            return calendar
    return None


# ------------------------------------------------------------------ the unit of work


@dataclass
class _Work:
    ticket: Ticket
    at: dt.datetime
    targets: list[SlaTarget]
    calendar: BusinessCalendar | None = None  # the ticket's own, over the policy's
    happenings: list[Happening] = field(default_factory=list)
    applied: list[SlaPolicy | None] = field(default_factory=list)
    touched: set[int] = field(default_factory=set)  # id() of changed targets

    def note(self, target: SlaTarget, happened: list[Happening]) -> None:
        self.touched.add(id(target))
        self.happenings += happened

    def open_target(self, metric: str) -> SlaTarget | None:
        return next((t for t in self.targets if t.metric == metric and t.is_open), None)

    def resolution(self) -> SlaTarget | None:
        found = [t for t in self.targets if t.metric == Metric.RESOLUTION
                 and t.state != TargetState.CANCELLED]
        return max(found, key=lambda t: (t.started_at, t.pk or 0), default=None)


def _load(ticket_id: int, at: dt.datetime | None, *, with_targets: bool = True) -> _Work | None:
    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("requester__organisation")
        .filter(pk=ticket_id).first()
    )
    if ticket is None:
        return None
    if not with_targets:
        return _Work(ticket=ticket, at=at or timezone.now(), targets=[],
                     calendar=_ticket_calendar(ticket))
    # Only what a transition can touch: live clocks, breached ones not yet met, and
    # the resolution clock that a reopen resumes.
    targets = list(
        SlaTarget.objects.select_for_update(of=("self",)).select_related("calendar", "policy")
        .filter(ticket=ticket)
        .filter(Q(state__in=LIVE_STATES) | Q(state=TargetState.BREACHED, met_at__isnull=True)
                | Q(metric=Metric.RESOLUTION, state__in=[TargetState.MET, TargetState.BREACHED]))
    )
    return _Work(ticket=ticket, at=at or timezone.now(), targets=targets,
                 calendar=_ticket_calendar(ticket))


def _save(work: _Work) -> None:
    now = timezone.now()
    for target in work.targets:
        if id(target) in work.touched or target.pk is None:
            target.save()
    events = [
        SlaEvent(ticket_id=work.ticket.pk, policy=policy, kind=SlaEventKind.APPLIED,
                 occurred_at=work.at, recorded_at=now)
        for policy in work.applied
    ]
    events += [
        SlaEvent(ticket_id=h.target.ticket_id, target=h.target, policy_id=h.target.policy_id,
                 kind=h.kind, metric=h.target.metric, occurred_at=h.at, recorded_at=now,
                 due_at=h.target.due_at)
        for h in work.happenings
    ]
    SlaEvent.objects.bulk_create(events)
    _announce(work.happenings)


def _announce(happenings: Iterable[Happening]) -> None:
    for h in happenings:
        name = _NOTIFY.get(SlaEventKind(h.kind))
        if name is not None:
            publish(name, ticket_id=h.target.ticket_id, target_id=h.target.pk,
                    policy_id=h.target.policy_id, metric=h.target.metric,
                    occurred_at=h.at.isoformat())


def _current_policy_id(ticket: Ticket) -> int | None:
    last = (SlaEvent.objects.filter(ticket=ticket, kind=SlaEventKind.APPLIED)
            .order_by("-occurred_at", "-id").values_list("policy_id", flat=True).first())
    return last


# ------------------------------------------------------------------ transitions


@dataclass(frozen=True, slots=True)
class _Carry:
    """What a replaced clock hands to its successor under another policy."""

    started_at: dt.datetime
    paused_seconds: int
    paused_at: dt.datetime | None


def _start(work: _Work, policy: SlaPolicy, metric: str, started_at: dt.datetime,
           *, carry: _Carry | None = None) -> None:
    target = engine.new_target(
        ticket_id=work.ticket.pk, policy=policy, metric=metric,
        started_at=carry.started_at if carry else started_at,
        paused_seconds=carry.paused_seconds if carry else 0, calendar=work.calendar,
    )
    if target is None:
        return
    work.targets.append(target)
    work.note(target, engine.catch_up(target, carry.paused_at if carry and carry.paused_at else work.at))
    if carry is not None and carry.paused_at is not None and target.state == TargetState.RUNNING:
        target.state, target.paused_at = TargetState.PAUSED, carry.paused_at
        engine.schedule(target)


def _apply_policy(work: _Work, policy: SlaPolicy | None) -> None:
    """Switch the ticket to ``policy``: its live clocks are replaced, keeping their start."""
    ticket = work.ticket
    work.applied.append(policy)
    carried: dict[str, _Carry] = {}
    for target in work.targets:
        if target.state in LIVE_STATES:
            work.note(target, engine.catch_up(target, work.at))
        if target.state in LIVE_STATES:
            paused_at = target.paused_at if target.state == TargetState.PAUSED else None
            carried[target.metric] = _Carry(target.started_at, target.paused_seconds, paused_at)
            work.note(target, engine.cancel(target))
    if policy is None:
        return
    breached_open = {t.metric for t in work.targets
                     if t.state == TargetState.BREACHED and t.met_at is None}
    stopped = _status_at(ticket, work.at) in STOPPED_STATUSES
    for metric in Metric.values:
        if metric in breached_open:
            continue  # the breach is history; that clock closes when the reply comes
        old = carried.get(metric)
        if old is not None:
            _start(work, policy, metric, old.started_at, carry=old)
        elif stopped:
            continue
        elif metric == Metric.RESOLUTION or (
            metric == Metric.FIRST_RESPONSE
            and (ticket.first_response_at is None or ticket.first_response_at > work.at)
        ):
            _start(work, policy, metric, ticket.created_at)
        elif metric == Metric.NEXT_RESPONSE and _awaiting_reply(ticket):
            _start(work, policy, metric, ticket.last_customer_message_at or ticket.created_at)


def _awaiting_reply(ticket: Ticket) -> bool:
    """A customer wrote after the last public agent reply (and there was one)."""
    return (
        ticket.last_agent_message_at is not None
        and ticket.last_customer_message_at is not None
        and ticket.last_customer_message_at > ticket.last_agent_message_at
    )


def _status_at(ticket: Ticket, at: dt.datetime) -> str:
    """The ticket's status at ``at``: its current one unless it changed later.

    A listener normally runs right after the change, so this is ``ticket.status``;
    when one transaction made several changes (an import, the demo loader), each
    event's listener sees the status of its own moment, read from the timeline.
    """
    if at >= ticket.updated_at:
        return ticket.status
    last = (TicketEvent.objects.filter(ticket=ticket, kind=EventKind.STATUS_CHANGED, created_at__lte=at)
            .order_by("-created_at", "-id").values_list("after", flat=True).first())
    return str(last) if last else Status.NEW


def _sync_status(work: _Work) -> None:
    """Bring the clocks in line with the ticket's status at ``work.at``."""
    at = work.at
    status = _status_at(work.ticket, at)
    if work.ticket.merged_into_id is not None:
        for target in work.targets:
            work.note(target, engine.cancel(target))
        return
    if status in PAUSED_STATUSES:
        for target in work.targets:
            if target.state == TargetState.RUNNING:
                work.note(target, engine.pause(target, at))
    elif status in STOPPED_STATUSES:
        resolution = work.resolution()
        for target in work.targets:
            if target.is_open:
                work.note(target, engine.meet(target, at, resumable=target is resolution))
    else:  # new or open: clocks run
        resolution = work.resolution()
        if resolution is not None and resolution.state not in LIVE_STATES:
            work.note(resolution, engine.reopen(resolution, at))
        for target in work.targets:
            if target.state == TargetState.PAUSED:
                work.note(target, engine.resume(target, at))


def _policy_by_id(policy_id: int | None) -> SlaPolicy | None:
    if policy_id is None:
        return None
    return SlaPolicy.objects.select_related("calendar").filter(pk=policy_id).first()


# ------------------------------------------------------------------ entry points


@transaction.atomic
def sla_on_ticket_created(*, ticket_id: int, at: dt.datetime | None = None) -> None:
    """Apply the first matching policy; the clocks start at the ticket's creation."""
    # A new ticket has no clocks yet: they start here, after the APPLIED check below
    # (under the ticket's row lock), so there is nothing to load.
    work = _load(ticket_id, at, with_targets=False)
    if work is None or SlaEvent.objects.filter(ticket=work.ticket, kind=SlaEventKind.APPLIED).exists():
        return  # a replayed event changes nothing
    work.at = at or work.ticket.created_at
    first = work.ticket.messages.order_by("created_at", "id").first()
    if first is not None and first.author_kind == AuthorKind.AGENT and first.visibility == Visibility.PUBLIC:
        # Opened by an agent with a public message (a logged call, an outbound email):
        # the customer already has the first response.
        work.ticket.first_response_at = work.ticket.first_response_at or first.created_at
    policy = policy_for(ticket_facts(work.ticket))
    if policy is not None:
        _apply_policy(work, policy)
    _sync_status(work)
    _save(work)


@transaction.atomic
def sla_on_ticket_updated(*, ticket_id: int, fields: Iterable[str] = (),
                          at: dt.datetime | None = None) -> None:
    """Re-match the policy when a condition field changed; pause, resume or stop on status."""
    work = _load(ticket_id, at)
    if work is None:
        return
    work.at = at or work.ticket.updated_at
    if MATCHING_FIELDS.intersection(fields):
        policy = policy_for(ticket_facts(work.ticket))
        current = _current_policy_id(work.ticket)
        if (policy.pk if policy else None) != current and (policy is not None or current is not None):
            _apply_policy(work, policy)
    _sync_status(work)
    _save(work)


@transaction.atomic
def sla_on_message(*, ticket_id: int, message_id: int, at: dt.datetime | None = None) -> None:
    """A public agent reply meets the open response clocks; a customer message starts the
    next-response clock (once an agent has replied); status changes are synced."""
    work = _load(ticket_id, at)
    message = Message.objects.filter(pk=message_id).first()
    if work is None or message is None:
        return
    work.at = at or message.created_at
    if message.visibility == Visibility.PUBLIC:
        if message.author_kind == AuthorKind.AGENT:
            for metric in (Metric.FIRST_RESPONSE, Metric.NEXT_RESPONSE):
                target = work.open_target(metric)
                if target is not None:
                    work.note(target, engine.meet(target, work.at))
        elif message.author_kind == AuthorKind.CUSTOMER:
            _customer_wrote(work)
    _sync_status(work)
    _save(work)


def _customer_wrote(work: _Work) -> None:
    if work.open_target(Metric.FIRST_RESPONSE) or work.open_target(Metric.NEXT_RESPONSE):
        return  # still waiting for the answer to an earlier message
    answered = Message.objects.filter(
        ticket=work.ticket, author_kind=AuthorKind.AGENT, visibility=Visibility.PUBLIC,
        created_at__lte=work.at,
    ).exists()
    if not answered:
        return  # nobody has replied yet: the first-response clock (if any) covers it
    policy = _policy_by_id(_current_policy_id(work.ticket))
    if policy is not None:
        _start(work, policy, Metric.NEXT_RESPONSE, work.at)


def sla_on_customer_updated(*, customer_id: int, at: dt.datetime | None = None) -> None:
    """The customer's tier may have changed: re-match their active tickets (each its own unit)."""
    at = at or timezone.now()
    active = (Ticket.objects.filter(requester_id=customer_id, merged_into__isnull=True)
              .exclude(status__in=STOPPED_STATUSES).values_list("pk", flat=True))
    for ticket_id in active:
        sla_on_ticket_updated(ticket_id=ticket_id, fields=("tier",), at=at)


@transaction.atomic
def sla_on_ticket_merged(*, source_id: int, at: dt.datetime | None = None) -> None:
    """The merged-away ticket is closed: its live clocks are cancelled."""
    work = _load(source_id, at)
    if work is None:
        return
    work.at = at or work.ticket.updated_at
    _sync_status(work)
    _save(work)


# ------------------------------------------------------------------ the sweep


@dataclass(frozen=True)
class SweepResult:
    at: dt.datetime
    checked: int
    at_risk: int
    breached: int


def sla_sweep(now: dt.datetime | None = None, *, batch_size: int = 1000) -> SweepResult:
    """Mark running clocks whose at-risk point or due time has passed.

    One range scan on (state, next_check_at) per batch; each batch is its own
    transaction, and on PostgreSQL concurrent sweeps skip each other's rows.
    """
    now = now or timezone.now()
    checked = at_risk = breached = 0
    while True:
        with transaction.atomic():
            query = (SlaTarget.objects.filter(state=TargetState.RUNNING, next_check_at__lte=now)
                     .select_related("calendar").order_by("next_check_at", "id"))
            if connection.features.has_select_for_update_skip_locked:
                query = query.select_for_update(skip_locked=True, of=("self",))
            batch = list(query[:batch_size])
            happenings: list[Happening] = []
            for target in batch:
                happenings += engine.catch_up(target, now)
            SlaTarget.objects.bulk_update(
                batch, ["state", "at_risk_reached_at", "breached_at", "next_check_at"]
            )
            recorded = timezone.now()
            SlaEvent.objects.bulk_create([
                SlaEvent(ticket_id=h.target.ticket_id, target=h.target, policy_id=h.target.policy_id,
                         kind=h.kind, metric=h.target.metric, occurred_at=h.at,
                         recorded_at=recorded, due_at=h.target.due_at)
                for h in happenings
            ])
            _announce(happenings)
        checked += len(batch)
        at_risk += sum(h.kind == SlaEventKind.AT_RISK for h in happenings)
        breached += sum(h.kind == SlaEventKind.BREACHED for h in happenings)
        if len(batch) < batch_size:
            return SweepResult(at=now, checked=checked, at_risk=at_risk, breached=breached)

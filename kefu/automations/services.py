"""The rule engine: run the active rules of an event on a ticket, and the time-based sweep.

Listeners call ``rules_run`` after the triggering transaction commits. Each rule
that matches claims its ``RuleRun`` (unique per rule, ticket and occurrence: a
replayed event does nothing), then applies its ticket actions as ``SYSTEM`` in a
savepoint each; mail and webhooks are queued as jobs (``automations.external``)
with the run and add their outcome to it when the worker has run them.

Loop protection: the writes of a run publish new bus events. The run stores the
ticket's ``updated_at`` after its writes; an event that finds the ticket at exactly
that instant is part of the chain and runs one level deeper. At
``KEFU_AUTOMATION_MAX_DEPTH`` the chain stops and the refusal is recorded.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from kefu.accounts.actor import SYSTEM
from kefu.accounts.models import Team
from kefu.automations import actions as action_kinds
from kefu.automations.choices import RuleEvent
from kefu.automations.conditions import Facts, calendar_ids, matches
from kefu.automations.models import Rule, RuleRun
from kefu.automations.selectors import active_rules, time_candidates
from kefu.customers.choices import IdentityKind
from kefu.jobs.services import enqueue
from kefu.macros.models import Macro
from kefu.macros.render import render_placeholders
from kefu.macros.services import placeholder_values
from kefu.sla.calendar import is_working_time
from kefu.sla.china import china_mainland
from kefu.sla.models import BusinessCalendar
from kefu.tickets.choices import AuthorKind, EventKind, Visibility
from kefu.tickets.models import Message, Ticket
from kefu.tickets.services import message_post, ticket_history_record, ticket_update

log = logging.getLogger(__name__)

DEFAULT_MAX_DEPTH = 5
EXTERNAL_JOB = "automations.external"


def max_depth() -> int:
    return int(getattr(settings, "KEFU_AUTOMATION_MAX_DEPTH", DEFAULT_MAX_DEPTH))


# ------------------------------------------------------------------ rule writes


def rule_create(**fields: Any) -> Rule:
    """Create a rule after validating it (the admin's form validates the same way)."""
    rule = Rule(**fields)
    rule.full_clean()
    rule.save()
    return rule


def rule_update(*, rule: Rule, changes: Mapping[str, Any]) -> Rule:
    for name, value in changes.items():
        setattr(rule, name, value)
    rule.full_clean()
    rule.save()
    return rule


# ------------------------------------------------------------------ who writes


# ------------------------------------------------------------------ facts


def _message_text(ticket: Ticket, message_id: int | None) -> str:
    """The triggering message; else the customer's latest public one; else the first message."""
    qs = Message.objects.filter(ticket=ticket)
    if message_id is not None:
        return qs.filter(pk=message_id).values_list("body_text", flat=True).first() or ""
    latest = (qs.filter(author_kind=AuthorKind.CUSTOMER, visibility=Visibility.PUBLIC)
              .order_by("-created_at", "-id").values_list("body_text", flat=True).first())
    if latest is not None:
        return latest
    return qs.order_by("created_at", "id").values_list("body_text", flat=True).first() or ""


def _business_hours(ids: Iterable[int | None], at: dt.datetime) -> dict[int | None, bool]:
    found: dict[int | None, bool] = {}
    for calendar_id in ids:
        calendar = (china_mainland() if calendar_id is None
                    else BusinessCalendar.objects.get(pk=calendar_id).build())
        found[calendar_id] = is_working_time(calendar, at)
    return found


def facts_for(ticket: Ticket, *, message_id: int | None = None, changed: Iterable[str] = (),
              at: dt.datetime | None = None, calendars: Iterable[int | None] = ()) -> Facts:
    at = at or timezone.now()
    requester = ticket.requester
    return Facts(
        status=ticket.status, priority=ticket.priority, type=ticket.type, channel=ticket.channel,
        team=ticket.team_id, assignee=ticket.assignee_id, customer_tier=requester.tier,
        tags=frozenset(ticket.tags.values_list("name", flat=True)),
        customer_tags=frozenset(requester.tags.values_list("name", flat=True)),
        subject=ticket.subject, message_text=_message_text(ticket, message_id),
        changed=frozenset(changed), at=at, business_hours=_business_hours(calendars, at),
    )


# ------------------------------------------------------------------ chain depth


def chain_depth(ticket: Ticket) -> int:
    """0 for a change made by people; n + 1 when the ticket is as a depth-n run left it."""
    deepest = (RuleRun.objects.filter(ticket=ticket, left_updated_at=ticket.updated_at)
               .aggregate(m=Max("depth"))["m"])
    return 0 if deepest is None else deepest + 1


def _occurrence(event: str, ticket: Ticket) -> str:
    if event == RuleEvent.TICKET_CREATED:
        return "created"
    return f"updated:{ticket.updated_at.isoformat()}"


# ------------------------------------------------------------------ actions


def _render(text: str, ticket: Ticket) -> str:
    assignee = ticket.assignee
    agent_name = ""
    if assignee is not None:
        profile = getattr(assignee, "agent_profile", None)  # None when the user has no profile
        agent_name = getattr(profile, "display_name", "") or assignee.get_username()
    return render_placeholders(text, placeholder_values(ticket=ticket, actor=SYSTEM, agent_name=agent_name))


def _apply(action: Mapping[str, Any], ticket: Ticket) -> str:
    """Carry out one ticket action; returns a short description for the run record."""
    kind = action["type"]
    if kind in ("set_status", "set_priority", "set_type"):
        name = kind.removeprefix("set_")
        ticket_update(actor=SYSTEM, ticket=ticket, changes={name: action["value"]})
        return f"{name}={action['value']}"
    if kind in ("add_tags", "remove_tags"):
        current = list(ticket.tags.values_list("name", flat=True))
        wanted = [" ".join(t.split()) for t in action["tags"]]
        after = ([*current, *(t for t in wanted if t not in current)] if kind == "add_tags"
                 else [t for t in current if t not in wanted])
        ticket_update(actor=SYSTEM, ticket=ticket, changes={"tags": after})
        return ",".join(wanted)
    if kind == "assign_team":
        changes: dict[str, Any] = {"team_id": action["team_id"]}
        team_id, assignee_id = action["team_id"], ticket.assignee_id
        if team_id is not None and assignee_id is not None and not (
            Team.members.through.objects.filter(team_id=team_id, user_id=assignee_id).exists()
            or Team.objects.filter(pk=team_id, lead_id=assignee_id).exists()
        ):
            changes["assignee_id"] = None  # the new team decides who works on it
        ticket_update(actor=SYSTEM, ticket=ticket, changes=changes)
        return f"team={team_id}"
    if kind == "assign_agent":
        ticket_update(actor=SYSTEM, ticket=ticket, changes={"assignee_id": action["user_id"]})
        return f"assignee={action['user_id']}"
    if kind == "add_note":
        message = message_post(actor=SYSTEM, ticket=ticket, body=_render(action["body"], ticket),
                               visibility=Visibility.INTERNAL)
        return f"message={message.pk}"
    if kind == "reply":
        if "macro_id" in action:
            body = Macro.objects.get(pk=action["macro_id"], active=True).body
        else:
            body = action["body"]
        # A system notice: public, but neither the customer's words nor an agent's
        # response (it reopens nothing and meets no SLA clock).
        message = message_post(actor=SYSTEM, ticket=ticket, body=_render(body, ticket),
                               visibility=Visibility.PUBLIC, system_notice=True)
        return f"message={message.pk}"
    raise ValueError(f"unknown action {kind!r}")


def webhook_body(rule: Rule, ticket: Ticket, event: str, occurrence: str) -> dict[str, Any]:
    return {
        "rule": {"id": rule.pk, "name": rule.name},
        "event": event,
        "occurrence": occurrence,
        "ticket": {
            "id": ticket.pk, "number": ticket.number, "subject": ticket.subject,
            "status": ticket.status, "priority": ticket.priority, "type": ticket.type,
            "channel": ticket.channel, "team_id": ticket.team_id, "assignee_id": ticket.assignee_id,
            "tags": sorted(ticket.tags.values_list("name", flat=True)),
            "updated_at": ticket.updated_at.isoformat(),
        },
    }


def _notify(action: Mapping[str, Any], rule: Rule, ticket: Ticket) -> str:
    recipients: list[str] = []
    if "assignee" in action["to"] and ticket.assignee is not None and ticket.assignee.email:
        recipients.append(ticket.assignee.email)
    if "lead" in action["to"] and ticket.team is not None and ticket.team.lead is not None \
            and ticket.team.lead.email and ticket.team.lead.email not in recipients:
        recipients.append(ticket.team.lead.email)
    if "customer" in action["to"]:
        address = ticket.requester.primary_identity(IdentityKind.EMAIL)
        if address and address not in recipients:
            recipients.append(address)
    subject = _render(action.get("subject") or f"[#{ticket.number}] {rule.name}: {ticket.subject}", ticket)
    body = _render(action.get("body") or f"#{ticket.number} {ticket.subject}\n{rule.name}", ticket)
    return action_kinds.send_notification(recipients, subject, body)


def run_external_action(*, run_id: int, index: int, action: Mapping[str, Any]) -> None:
    """One mail or webhook of a committed run (a job); its outcome is added to the run.

    Idempotent for the queue's retries: an action already recorded is not repeated.
    A failure is recorded on the run, not retried (the admin shows it).
    """
    run = RuleRun.objects.select_related("rule").filter(pk=run_id).first()
    ticket = (Ticket.objects.select_related("assignee", "team__lead", "requester")
              .filter(pk=run.ticket_id).first()
              if run else None)
    if run is None or ticket is None or any(o.get("index") == index for o in run.actions_done):
        return
    try:
        if action["type"] == "webhook":
            detail = action_kinds.post_webhook(
                action["url"], webhook_body(run.rule, ticket, run.event, run.occurrence),
                timeout=float(action.get("timeout", action_kinds.DEFAULT_WEBHOOK_TIMEOUT)))
        else:
            detail = _notify(action, run.rule, ticket)
        outcome, error = action_kinds.Outcome(index, action["type"], True, detail), ""
    except Exception as exc:  # recorded on the run; the ticket's writes are already committed
        log.warning("automation rule %s: %s failed on ticket %s: %s",
                    run.rule_id, action["type"], ticket.pk, exc)
        outcome, error = action_kinds.Outcome(index, action["type"], False, str(exc)), f"{action['type']}: {exc}"
    with transaction.atomic():
        run = RuleRun.objects.select_for_update().get(pk=run_id)
        if any(o.get("index") == index for o in run.actions_done):
            return
        run.actions_done = sorted([*run.actions_done, outcome.as_dict()], key=lambda o: o.get("index", 0))
        run.error = "\n".join(filter(None, [run.error, error]))
        run.save(update_fields=["actions_done", "error"])


# ------------------------------------------------------------------ the engine


def _claim(rule: Rule, ticket: Ticket, *, event: str, occurrence: str, depth: int,
           anchor_at: dt.datetime | None, error: str = "") -> RuleRun | None:
    """Insert the run record; None when this rule already ran for this occurrence."""
    try:
        with transaction.atomic():
            return RuleRun.objects.create(
                rule=rule, ticket=ticket, event=event, occurrence=occurrence[:100],
                at=timezone.now(), depth=depth, anchor_at=anchor_at, error=error,
            )
    except IntegrityError:
        return None


def _run_rule(rule: Rule, ticket: Ticket, *, event: str, occurrence: str, depth: int,
              message_id: int | None, changed: Iterable[str], anchor_at: dt.datetime | None) -> RuleRun | None:
    try:
        facts = facts_for(ticket, message_id=message_id, changed=changed,
                          calendars=calendar_ids(rule.conditions))
        matched = matches(rule.conditions, facts, mode=rule.match)
    except Exception as exc:  # a bad calendar or a date outside its range: visible on the run
        return _claim(rule, ticket, event=event, occurrence=occurrence, depth=depth,
                      anchor_at=anchor_at, error=f"conditions: {exc}")
    if not matched:
        return None
    if depth >= max_depth():
        return _claim(rule, ticket, event=event, occurrence=occurrence, depth=depth, anchor_at=anchor_at,
                      error=f"stopped: chain depth limit {max_depth()} reached (rules triggering rules)")
    run = _claim(rule, ticket, event=event, occurrence=occurrence, depth=depth, anchor_at=anchor_at)
    if run is None:
        return None
    outcomes: list[dict[str, Any]] = []
    errors: list[str] = []
    external: list[tuple[int, Mapping[str, Any]]] = []
    before = ticket.updated_at
    for index, action in enumerate(rule.actions, start=1):
        if action["type"] in action_kinds.EXTERNAL:
            external.append((index, action))
            continue
        try:
            with transaction.atomic():
                # Fresh for each action: the previous one changed the row behind this object.
                current = Ticket.objects.select_related("requester", "assignee", "team").get(pk=ticket.pk)
                detail = _apply(action, current)
            outcomes.append(action_kinds.Outcome(index, action["type"], True, detail).as_dict())
        except Exception as exc:  # one failing action must not undo the others
            outcomes.append(action_kinds.Outcome(index, action["type"], False, str(exc)).as_dict())
            errors.append(f"{action['type']}: {exc}")
    after = Ticket.objects.values_list("updated_at", flat=True).get(pk=ticket.pk)
    run.actions_done = outcomes
    run.error = "\n".join(errors)
    run.left_updated_at = after if after != before else None
    run.save(update_fields=["actions_done", "error", "left_updated_at"])
    ticket_history_record(actor=SYSTEM, ticket_id=ticket.pk, kind=EventKind.AUTOMATION,
                          after={"rule_id": rule.pk, "rule": rule.name, "ok": not errors})
    for index, action in external:
        # Written with the run: the worker sees the job once the run is committed.
        enqueue(EXTERNAL_JOB, {"run_id": run.pk, "index": index, "action": dict(action)},
                key=f"run:{run.pk}:{index}")
    return run


def rules_run(*, event: str, ticket_id: int, occurrence: str | None = None, message_id: int | None = None,
              changed: Iterable[str] = (), anchor_at: dt.datetime | None = None,
              rules: list[Rule] | None = None) -> list[RuleRun]:
    """Run the active rules of ``event`` on the ticket, in order. Returns the runs recorded."""
    rules = active_rules(event) if rules is None else rules
    if not rules:
        return []
    first = Ticket.objects.filter(pk=ticket_id, merged_into__isnull=True).first()
    if first is None:
        return []
    depth = 0 if event == RuleEvent.TIME_BASED else chain_depth(first)
    occurrence = occurrence or _occurrence(event, first)
    runs: list[RuleRun] = []
    with transaction.atomic():
        for rule in rules:
            # Each rule sees what the rules before it changed.
            ticket = Ticket.objects.select_related("requester", "assignee", "team").get(pk=ticket_id)
            run = _run_rule(rule, ticket, event=event, occurrence=occurrence, depth=depth,
                            message_id=message_id, changed=changed, anchor_at=anchor_at)
            if run is not None:
                runs.append(run)
    return runs


def time_rules_sweep(now: dt.datetime | None = None, *, batch_size: int = 500) -> int:
    """Run each active time-based rule on the tickets whose period has passed; returns runs.

    A ticket's period starts at its anchor (e.g. when it became pending); the run
    remembers it, so each rule fires at most once per ticket and period.
    """
    now = now or timezone.now()
    count = 0
    for rule in active_rules(RuleEvent.TIME_BASED):
        last: tuple[int, dt.datetime] | None = None
        while True:
            qs: QuerySet[Any] = time_candidates(rule, now)
            if last is not None:
                last_id, last_since = last
                qs = qs.filter(Q(since__gt=last_since) | Q(since=last_since, pk__gt=last_id))
            batch = list(qs.order_by("since", "pk").values_list("pk", "since")[:batch_size])
            for ticket_id, since in batch:
                try:
                    count += len(rules_run(event=RuleEvent.TIME_BASED, ticket_id=ticket_id,
                                           occurrence=f"time:{since.isoformat()}", anchor_at=since,
                                           rules=[rule]))
                except Exception:  # one ticket must not stop the sweep
                    log.exception("time-based rule %s failed on ticket %s", rule.pk, ticket_id)
            if len(batch) < batch_size:
                break
            last = batch[-1]
    return count

"""Automation rules (event + conditions + actions) and the record of every run."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.automations.actions import validate_actions
from kefu.automations.choices import MatchMode, RuleEvent, TimeAnchor
from kefu.automations.conditions import validate_conditions
from kefu.tickets.choices import Status
from kefu.tickets.models import Ticket

MAX_TIME_HOURS = 24 * 365


class Rule(models.Model):
    """Active rules of an event run in ``position`` order; each sees the previous one's changes."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    event = models.CharField(_("event"), max_length=32, choices=RuleEvent.choices)
    match = models.CharField(_("match"), max_length=8, choices=MatchMode.choices, default=MatchMode.ALL)
    conditions = models.JSONField(
        _("conditions"), default=list, blank=True,
        help_text=_('A list such as [{"field": "customer_tier", "op": "is", "value": "platinum"}, '
                    '{"any": [{"field": "type", "op": "is", "value": "complaint"}, '
                    '{"field": "message_text", "op": "contains", "value": "投诉"}]}]. '
                    "Fields: status, priority, type, channel, team, assignee, customer_tier "
                    "(is, is_not, in, not_in); tags, customer_tags, changed, message_text, subject "
                    "(contains, not_contains); business_hours (is true/false, optional calendar_id)."),
    )
    actions = models.JSONField(
        _("actions"), default=list,
        help_text=_('A list such as [{"type": "set_priority", "value": "urgent"}, '
                    '{"type": "add_tags", "tags": ["投诉"]}]. Types: set_status, set_priority, '
                    "set_type (value); add_tags, remove_tags (tags); assign_team (team_id); "
                    "assign_agent (user_id); add_note (body); reply (body or macro_id); "
                    'notify (to: ["assignee", "lead"], subject, body); webhook (url, timeout).'),
    )
    # Time-based rules only: the ticket qualifies once ``time_hours`` passed since the anchor.
    time_anchor = models.CharField(_("time measured from"), max_length=32,
                                   choices=TimeAnchor.choices, blank=True)
    time_status = models.CharField(_("in status"), max_length=16, choices=Status.choices, blank=True)
    time_hours = models.PositiveIntegerField(_("after hours"), null=True, blank=True,
                                             help_text=_("Calendar hours, e.g. 72 for 3 days."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["event", "position", "id"]
        verbose_name = _("automation rule")
        verbose_name_plural = _("automation rules")
        indexes = [models.Index(fields=["event", "active", "position"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        for name, check in (("conditions", validate_conditions), ("actions", validate_actions)):
            try:
                check(getattr(self, name))
            except ValidationError as exc:
                errors.setdefault(name, []).append(exc)
        if self.event == RuleEvent.TIME_BASED:
            if not self.time_anchor:
                errors.setdefault("time_anchor", []).append(
                    ValidationError(_("A time-based rule needs what its time is measured from.")))
            if not self.time_hours or self.time_hours > MAX_TIME_HOURS:
                errors.setdefault("time_hours", []).append(
                    ValidationError(_("A time-based rule needs 1 to %(max)s hours.") % {"max": MAX_TIME_HOURS}))
            if self.time_anchor == TimeAnchor.STATUS and not self.time_status:
                errors.setdefault("time_status", []).append(
                    ValidationError(_("Measuring from the status needs the status.")))
        elif self.time_anchor or self.time_status or self.time_hours:
            errors.setdefault("time_anchor", []).append(
                ValidationError(_("Only time-based rules have time settings.")))
        if errors:
            raise ValidationError(errors)


class RuleRun(models.Model):
    """One rule run on one ticket for one event occurrence: what it did, or why it failed.

    ``occurrence`` identifies the triggering happening (the message, the SLA clock,
    the update instant, the time-based period), so replays never run a rule twice.
    ``left_updated_at`` is the ticket's ``updated_at`` after the rule's writes: the
    events those writes cause find it and continue the chain at ``depth + 1``.
    """

    rule = models.ForeignKey(Rule, verbose_name=_("rule"), on_delete=models.CASCADE, related_name="runs")
    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE,
                               related_name="rule_runs")
    event = models.CharField(_("event"), max_length=32, choices=RuleEvent.choices)
    occurrence = models.CharField(_("occurrence"), max_length=100)
    at = models.DateTimeField(_("when"), db_index=True)
    depth = models.PositiveSmallIntegerField(_("chain depth"), default=0)
    actions_done = models.JSONField(_("actions done"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    left_updated_at = models.DateTimeField(_("ticket updated at after the run"), null=True, blank=True)
    anchor_at = models.DateTimeField(_("time-based period start"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("rule run")
        verbose_name_plural = _("rule runs")
        constraints = [
            models.UniqueConstraint(fields=["rule", "ticket", "occurrence"], name="automation_run_once"),
        ]
        indexes = [
            models.Index(fields=["ticket", "left_updated_at"]),
            models.Index(fields=["rule", "ticket", "anchor_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} #{self.ticket_id} {self.occurrence}"

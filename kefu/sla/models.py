"""Business calendars, SLA policies, and the per-ticket clocks (``SlaTarget``) with their history.

The arithmetic lives in the pure-Python ``calendar``/``china`` modules; a
``BusinessCalendar`` row only stores what an admin edits and builds the
``Calendar`` from it. Clock transitions are in ``engine`` and ``services``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

import chinese_calendar
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kefu.sla.calendar import Calendar, parse_hours, parse_weekly
from kefu.sla.china import CHINA_TZ, DEFAULT_HOURS, china_coverage
from kefu.sla.choices import CalendarDateKind, Metric, SlaEventKind, TargetState, TimeMode


def default_weekly_hours() -> dict[str, list[str]]:
    return {day: list(DEFAULT_HOURS) for day in ("mon", "tue", "wed", "thu", "fri")}


class BusinessCalendar(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default=CHINA_TZ)
    weekly_hours = models.JSONField(
        _("weekly hours"), default=default_weekly_hours,
        help_text=_('Working intervals per weekday, e.g. {"mon": ["09:00-12:00", "13:30-18:00"]}; '
                    "missing days are days off."),
    )
    china_official = models.BooleanField(
        _("based on the China mainland official calendar"), default=False,
        help_text=_("Official public holidays and make-up working days (调休) apply; "
                    "the dates below override them."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            self._base()
        except ValueError as exc:
            raise ValidationError({"weekly_hours": str(exc)}) from exc

    def _base(self) -> Calendar:
        weekly = parse_weekly(self.weekly_hours or {})
        if not self.china_official:
            return Calendar(tz=self.time_zone, weekly=weekly, name=self.name)
        first, last = china_coverage()
        return Calendar(
            tz=self.time_zone, weekly=weekly, name=self.name,
            holidays=list(chinese_calendar.holidays),
            workdays=list(chinese_calendar.workdays),  # worked with the weekday hours
            coverage=(first, last),
            out_of_range_hint=(
                f"official holidays known from chinese-calendar {chinese_calendar.__version__}; "
                "upgrade it or add the dates to the calendar by hand"
            ),
        )

    def build(self, dates: Collection[CalendarDate] | None = None) -> Calendar:
        """The pure ``Calendar``: weekly hours, the official China days if chosen, then own dates."""
        rows = list(self.dates.all()) if dates is None else dates
        base = self._base()
        off = [row.date for row in rows if row.kind == CalendarDateKind.DAY_OFF]
        worked: dict[date, Any] = {
            row.date: (row.hours or None) for row in rows if row.kind == CalendarDateKind.WORKING_DAY
        }
        if not off and not worked:
            return base
        return base.with_overrides(holidays=off, workdays=worked)


class CalendarDate(models.Model):
    """An admin's own day off or extra working day; it wins over the weekly and official days."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="dates")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=CalendarDateKind.choices)
    hours = models.JSONField(
        _("hours"), default=list, blank=True,
        help_text=_('Only for extra working days, e.g. ["09:00-12:00"]; empty: the weekday hours.'),
    )
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar date")
        verbose_name_plural = _("calendar dates")
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="sla_calendar_date_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()}"

    def clean(self) -> None:
        if self.hours and self.kind == CalendarDateKind.DAY_OFF:
            raise ValidationError({"hours": _("A day off has no working hours.")})
        try:
            parse_hours(self.hours or ())
        except ValueError as exc:
            raise ValidationError({"hours": str(exc)}) from exc


@dataclass(frozen=True, slots=True)
class TicketFacts:
    """What policy conditions look at, read once per ticket."""

    tier: str
    priority: str
    channel: str
    type: str
    team_id: int | None
    tags: frozenset[str]


ESCALATION_STAGES = ("at_risk", "breached")
ESCALATION_KEYS: dict[str, type | tuple[type, ...]] = {
    "notify_assignee": bool, "notify_lead": bool, "raise_priority": bool,
    "reassign_to": (str, type(None)),
}


def validate_escalation(value: Any) -> None:
    """``{"at_risk"|"breached": {"notify_assignee", "notify_lead", "raise_priority": bool,
    "reassign_to": null | "lead" | "team:<id>"}}``; stored now, acted on by a later escalation step."""
    if not isinstance(value, dict):
        raise ValidationError(_("Escalation must be an object keyed by at_risk / breached."))
    for stage, actions in value.items():
        if stage not in ESCALATION_STAGES or not isinstance(actions, dict):
            raise ValidationError(_("Unknown escalation stage %(stage)s.") % {"stage": stage})
        for key, action in actions.items():
            kind = ESCALATION_KEYS.get(key)
            if kind is None or not isinstance(action, kind):
                raise ValidationError(_("Invalid escalation action %(key)s.") % {"key": key})
            if key == "reassign_to" and isinstance(action, str) and not (
                action == "lead" or (action.startswith("team:") and action[5:].isdigit())
            ):
                raise ValidationError(_('reassign_to must be "lead" or "team:<id>".'))


class SlaPolicy(models.Model):
    """Targets for the tickets it matches. Active policies are tried by position; the first match applies."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)
    # Conditions: each is a list of allowed values; empty means any.
    tiers = models.JSONField(_("customer tiers"), default=list, blank=True)
    priorities = models.JSONField(_("priorities"), default=list, blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    ticket_types = models.JSONField(_("ticket types"), default=list, blank=True)
    team_ids = models.JSONField(_("teams"), default=list, blank=True)
    tags = models.JSONField(_("tags (any of)"), default=list, blank=True)
    # Targets in minutes; empty means no target for that metric.
    first_response_minutes = models.PositiveIntegerField(_("first response (minutes)"), null=True, blank=True)
    next_response_minutes = models.PositiveIntegerField(_("next response (minutes)"), null=True, blank=True)
    resolution_minutes = models.PositiveIntegerField(_("resolution (minutes)"), null=True, blank=True)
    time_mode = models.CharField(
        _("time"), max_length=16, choices=TimeMode.choices, default=TimeMode.BUSINESS
    )
    calendar = models.ForeignKey(
        BusinessCalendar, verbose_name=_("business calendar"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="policies",
        help_text=_("For business time; empty: the built-in China mainland calendar."),
    )
    escalation = models.JSONField(_("escalation"), default=dict, blank=True,
                                  validators=[validate_escalation])
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")

    def __str__(self) -> str:
        return self.name

    def target_minutes(self, metric: str) -> int | None:
        return {
            Metric.FIRST_RESPONSE: self.first_response_minutes,
            Metric.NEXT_RESPONSE: self.next_response_minutes,
            Metric.RESOLUTION: self.resolution_minutes,
        }[Metric(metric)]

    def matches(self, facts: TicketFacts) -> bool:
        def allowed(values: list[Any], value: Any) -> bool:
            return not values or value in values

        return (
            allowed(self.tiers, facts.tier)
            and allowed(self.priorities, facts.priority)
            and allowed(self.channels, facts.channel)
            and allowed(self.ticket_types, facts.type)
            and allowed(self.team_ids, facts.team_id)
            and (not self.tags or bool(facts.tags.intersection(self.tags)))
        )


LIVE_STATES = (TargetState.RUNNING, TargetState.PAUSED)


class SlaTarget(models.Model):
    """One clock of one ticket: a metric with its start, due time and state.

    ``due_at``/``at_risk_at`` are ``started_at`` plus the target (and the paused
    working time) in the clock's calendar. ``next_check_at`` is the next instant the
    sweep must look at this row (the at-risk point, then the due time; null when
    nothing is pending), so the sweep is one range scan on (state, next_check_at).
    """

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="sla_targets")
    policy = models.ForeignKey(SlaPolicy, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="targets")
    metric = models.CharField(_("metric"), max_length=16, choices=Metric.choices)
    state = models.CharField(_("state"), max_length=16, choices=TargetState.choices,
                             default=TargetState.RUNNING)
    # A copy of the policy's settings when the clock started: editing a policy later
    # does not move the deadlines of running clocks.
    target_minutes = models.PositiveIntegerField(_("target (minutes)"))
    business_time = models.BooleanField(_("business time"), default=True)
    calendar = models.ForeignKey(BusinessCalendar, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    started_at = models.DateTimeField(_("started"))
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    paused_seconds = models.PositiveBigIntegerField(_("paused working time (s)"), default=0)
    at_risk_at = models.DateTimeField(_("at risk from"))
    due_at = models.DateTimeField(_("due"))
    next_check_at = models.DateTimeField(null=True, blank=True)
    at_risk_reached_at = models.DateTimeField(_("became at risk"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached"), null=True, blank=True)
    met_at = models.DateTimeField(_("met"), null=True, blank=True)

    class Meta:
        ordering = ["ticket", "due_at", "id"]
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        indexes = [
            models.Index(fields=["state", "next_check_at"], name="sla_target_sweep"),
            models.Index(fields=["state", "due_at"], name="sla_target_due"),
            models.Index(fields=["state", "at_risk_at"], name="sla_target_risk"),
            models.Index(fields=["ticket", "state"], name="sla_target_ticket"),
        ]
        constraints = [
            # One live clock per metric: a replayed event cannot start a second one.
            models.UniqueConstraint(
                fields=["ticket", "metric"], condition=Q(state__in=["running", "paused"]),
                name="sla_target_one_live_per_metric",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.metric} {self.state} due {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        """Still waiting for the response or resolution (a breached clock stays open until met)."""
        return self.state in LIVE_STATES or (self.state == TargetState.BREACHED and self.met_at is None)


class SlaEvent(models.Model):
    """SLA history of a ticket: when a clock became at risk, breached, met. Never recomputed."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="sla_events")
    target = models.ForeignKey(SlaTarget, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="events")
    policy = models.ForeignKey(SlaPolicy, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=SlaEventKind.choices)
    metric = models.CharField(_("metric"), max_length=16, choices=Metric.choices, blank=True)
    occurred_at = models.DateTimeField(_("happened"))
    recorded_at = models.DateTimeField(_("recorded"))
    due_at = models.DateTimeField(_("due"), null=True, blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("SLA event")
        verbose_name_plural = _("SLA events")
        indexes = [
            models.Index(fields=["ticket", "occurred_at"], name="sla_event_ticket"),
            models.Index(fields=["kind", "occurred_at"], name="sla_event_kind"),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.metric} {self.kind} {self.occurred_at:%Y-%m-%d %H:%M}"

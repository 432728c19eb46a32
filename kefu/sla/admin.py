"""Admin for business calendars and SLA policies; clocks and their history are read-only.

Calendars and policies are configuration, edited here directly. A change to a
policy applies to clocks started afterwards: running clocks keep the target they
started with. Saving a calendar (or its dates) bumps its ``updated_at``, which is
how the engine knows to rebuild its cached ``Calendar``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.accounts.models import Team
from kefu.customers.choices import Tier
from kefu.sla.models import BusinessCalendar, CalendarDate, SlaEvent, SlaPolicy, SlaTarget
from kefu.tickets.choices import Channel, Priority, TicketType


class CalendarDateInline(admin.TabularInline):
    model = CalendarDate
    extra = 1
    fields = ("date", "kind", "hours", "name")


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ("name", "time_zone", "china_official", "updated_at")
    search_fields = ("name",)
    inlines = [CalendarDateInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Dates are rows of their own: mark the calendar changed so cached copies rebuild.
        BusinessCalendar.objects.filter(pk=form.instance.pk).update(updated_at=timezone.now())


def _choice_field(label: Any, choices: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("None selected: any."),
    )


class SlaPolicyForm(forms.ModelForm):
    """Conditions as checkboxes and pickers instead of raw JSON lists."""

    tiers = _choice_field(_("customer tiers"), Tier.choices)
    priorities = _choice_field(_("priorities"), Priority.choices)
    channels = _choice_field(_("channels"), Channel.choices)
    ticket_types = _choice_field(_("ticket types"), TicketType.choices)
    teams = forms.ModelMultipleChoiceField(
        label=_("teams"), queryset=Team.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None selected: any."),
    )
    tags = forms.CharField(
        label=_("tags (any of)"), required=False,
        help_text=_("Comma-separated; empty: any."),
    )

    class Meta:
        model = SlaPolicy
        exclude = ("team_ids",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["teams"] = Team.objects.filter(pk__in=self.instance.team_ids or [])
            self.initial["tags"] = ", ".join(self.instance.tags or [])

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        return [tag for tag in (part.strip() for part in raw.replace("，", ",").split(",")) if tag]

    def save(self, commit: bool = True) -> SlaPolicy:
        self.instance.team_ids = sorted(team.pk for team in self.cleaned_data.get("teams") or [])
        return super().save(commit=commit)


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    form = SlaPolicyForm
    list_display = ("name", "position", "active", "first_response_minutes",
                    "next_response_minutes", "resolution_minutes", "time_mode", "calendar")
    list_editable = ("position", "active")
    list_filter = ("active", "time_mode")
    search_fields = ("name",)
    ordering = ("position", "id")
    fieldsets = (
        (None, {"fields": ("name", "description", "position", "active")}),
        (_("Conditions"), {"fields": ("tiers", "priorities", "channels", "ticket_types", "teams",
                                      "tags")}),
        (_("Targets"), {"fields": ("first_response_minutes", "next_response_minutes",
                                   "resolution_minutes", "time_mode", "calendar")}),
        (_("Escalation"), {"fields": ("escalation",)}),
    )


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SlaTarget)
class SlaTargetAdmin(_ReadOnlyAdmin):
    list_display = ("ticket", "metric", "state", "policy", "started_at", "due_at", "met_at",
                    "breached_at")
    list_filter = ("state", "metric")
    list_select_related = ("ticket", "policy")
    raw_id_fields = ("ticket",)
    date_hierarchy = "due_at"


@admin.register(SlaEvent)
class SlaEventAdmin(_ReadOnlyAdmin):
    list_display = ("ticket", "kind", "metric", "occurred_at", "recorded_at", "policy")
    list_filter = ("kind", "metric")
    list_select_related = ("ticket", "policy")
    raw_id_fields = ("ticket",)
    date_hierarchy = "occurred_at"

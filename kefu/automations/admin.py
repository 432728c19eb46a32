from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kefu.automations.models import Rule, RuleRun


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    # The form runs Rule.clean(): bad conditions or actions are refused with the reason.
    list_display = ("name", "event", "active", "position", "match", "updated_at")
    list_editable = ("active", "position")
    list_filter = ("event", "active")
    search_fields = ("name", "description")
    ordering = ("event", "position", "id")
    fieldsets = (
        (None, {"fields": ("name", "description", "active", "position", "event")}),
        (_("Time-based"), {"fields": ("time_anchor", "time_status", "time_hours")}),
        (_("Conditions"), {"fields": ("match", "conditions")}),
        (_("Actions"), {"fields": ("actions",)}),
    )


@admin.register(RuleRun)
class RuleRunAdmin(admin.ModelAdmin):
    list_display = ("at", "rule", "ticket", "event", "depth", "failed")
    list_filter = ("event", "rule")
    search_fields = ("ticket__number", "rule__name", "error")
    list_select_related = ("rule", "ticket")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in RuleRun._meta.fields]

    @admin.display(boolean=True, description=_("failed"))
    def failed(self, obj: RuleRun) -> bool:
        return bool(obj.error)

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

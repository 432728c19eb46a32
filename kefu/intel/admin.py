from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kefu.intel.models import AssistSettings, Category, DomainWord, IntentModel, TicketInsight


@admin.register(AssistSettings)
class AssistSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "triage_category", "triage_priority", "triage_team", "triage_tags",
                    "handoff", "min_confidence", "mask_messages_for_agents", "redact_after_days")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return not AssistSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "team", "position", "active")
    list_editable = ("position", "active")
    search_fields = ("name", "description", "keywords")


@admin.register(DomainWord)
class DomainWordAdmin(admin.ModelAdmin):
    list_display = ("word", "note")
    search_fields = ("word",)


@admin.register(IntentModel)
class IntentModelAdmin(admin.ModelAdmin):
    list_display = ("created_at", "examples", "accuracy")
    exclude = ("data",)
    readonly_fields = ("created_at", "examples", "categories", "accuracy")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # trained by `kefu assist train`


@admin.register(TicketInsight)
class TicketInsightAdmin(admin.ModelAdmin):
    list_display = ("ticket", "category", "category_source", "emotion", "handoff_at", "qa_score")
    list_filter = ("category", "category_source", "emotion")
    raw_id_fields = ("ticket", "qa_agent")
    readonly_fields = ("qa_items",)

    @admin.display(description=_("ticket"))
    def ticket_number(self, obj: TicketInsight) -> str:
        return f"#{obj.ticket.number}"

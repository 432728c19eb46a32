from django.contrib import admin

from kefu.promises.models import Promise


@admin.register(Promise)
class PromiseAdmin(admin.ModelAdmin):
    list_display = ("what", "ticket", "customer", "owner", "due_at", "status")
    list_filter = ("status",)
    search_fields = ("what",)
    list_select_related = ("ticket", "customer", "owner")
    raw_id_fields = ("ticket", "customer", "owner", "resolved_by", "created_by")
    date_hierarchy = "due_at"

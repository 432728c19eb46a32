from django.contrib import admin

from kefu.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("text", "user", "kind", "created_at", "read_at")
    list_filter = ("kind",)
    raw_id_fields = ("user", "ticket")

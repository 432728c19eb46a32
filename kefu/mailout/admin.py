from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kefu.mailout.models import OutboundMail
from kefu.mailout.services import outbound_resend


@admin.register(OutboundMail)
class OutboundMailAdmin(admin.ModelAdmin):
    """The outbox: what went out, what is waiting, what failed and why."""

    list_display = ("created_at", "ticket_number", "kind", "recipient", "subject", "status", "reason",
                    "attempts", "sent_at")
    list_filter = ("status", "reason", "kind")
    search_fields = ("recipient", "subject", "rfc_message_id", "ticket__number")
    list_select_related = ("ticket",)
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in OutboundMail._meta.fields]
    actions = ["send_again"]

    @admin.display(description=_("ticket"), ordering="ticket__number")
    def ticket_number(self, obj: OutboundMail) -> str:
        return f"#{obj.ticket.number}"

    @admin.action(description=_("Send the selected failed mails again"))
    def send_again(self, request: HttpRequest, queryset: QuerySet[OutboundMail]) -> None:
        count = outbound_resend(outbound_ids=queryset.values_list("pk", flat=True))
        self.message_user(request, ngettext(
            "%(count)d failed mail queued again.", "%(count)d failed mails queued again.",
            count) % {"count": count}, messages.SUCCESS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutboundMail | None = None) -> bool:
        return False

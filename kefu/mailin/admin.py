from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kefu.mailin.choices import ImapAfterStore
from kefu.mailin.models import ImapAccount, InboundMail, Mailbox
from kefu.mailin.services import inbound_process_again


class MailboxForm(forms.ModelForm):
    aliases = forms.CharField(
        label=_("aliases"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Other addresses delivered to this mailbox, one a line."))

    class Meta:
        model = Mailbox
        fields = ("address", "aliases", "name", "team", "default_priority", "calendar", "active")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["aliases"] = "\n".join(self.instance.aliases)

    def clean_address(self) -> str:
        return self.cleaned_data["address"].strip().lower()

    def clean_aliases(self) -> list[str]:
        found: list[str] = []
        for item in self.cleaned_data.get("aliases", "").replace(",", "\n").splitlines():
            address = item.strip().lower()
            if not address:
                continue
            try:
                validate_email(address)
            except ValidationError:
                raise ValidationError(_("%(address)s is not an email address"),
                                      params={"address": address}) from None
            found.append(address)
        return list(dict.fromkeys(found))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        mine = {data.get("address", ""), *data.get("aliases", [])} - {""}
        for other in Mailbox.objects.exclude(pk=self.instance.pk or 0):
            taken = mine & set(other.all_addresses())
            if taken:
                raise ValidationError(_("%(address)s already belongs to mailbox %(mailbox)s"),
                                      params={"address": sorted(taken)[0], "mailbox": other})
        return data


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = ("address", "name", "team", "default_priority", "calendar", "active")
    list_filter = ("active", "team")
    search_fields = ("address", "name")


@admin.register(InboundMail)
class InboundMailAdmin(admin.ModelAdmin):
    list_display = ("id", "received_at", "mailbox", "from_address", "subject", "status",
                    "ignored_reason", "ticket_link", "error_summary")
    list_filter = ("status", "ignored_reason", "source", "mailbox")
    search_fields = ("message_id", "from_address", "subject", "sha256")
    date_hierarchy = "received_at"
    actions = ["process_again"]
    exclude = ("raw",)
    readonly_fields = ("mailbox", "download", "size", "sha256", "message_id", "recipients",
                       "from_address", "subject", "received_at", "processed_at", "source",
                       "status", "ignored_reason", "auto_reasons", "bounced_address",
                       "attempts", "ticket", "ticket_message", "error")
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).defer("raw").select_related("mailbox", "ticket")

    @admin.display(description=_("error"))
    def error_summary(self, obj: InboundMail) -> str:
        lines = [line for line in obj.error.strip().splitlines() if line.strip()]
        return lines[-1][:120] if lines else ""

    @admin.display(description=_("ticket"))
    def ticket_link(self, obj: InboundMail) -> str:
        return f"#{obj.ticket.number}" if obj.ticket else ""

    @admin.display(description=_("raw message"))
    def download(self, obj: InboundMail) -> str:
        if not obj.pk:
            return ""
        url = reverse("admin:mailin_inboundmail_raw", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download (.eml)"))

    def get_urls(self) -> list[Any]:
        return [path("<int:pk>/raw/", self.admin_site.admin_view(self.raw_view),
                     name="mailin_inboundmail_raw"), *super().get_urls()]

    def raw_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        inbound = get_object_or_404(InboundMail, pk=pk)
        response = HttpResponse(bytes(inbound.raw), content_type="message/rfc822")
        response["Content-Disposition"] = f'attachment; filename="inbound-{inbound.pk}.eml"'
        response["X-Content-Type-Options"] = "nosniff"
        return response

    # Inbound mail comes from the SMTP server, the pipe and IMAP; the admin looks and re-runs.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_process_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("mailin.change_inboundmail")

    @admin.action(description=_("Process again"), permissions=["process"])
    def process_again(self, request: HttpRequest, queryset: Any) -> None:
        count = inbound_process_again(inbound_ids=queryset.values_list("pk", flat=True))
        self.message_user(request, ngettext(
            "%(count)d mail queued to be processed again (only failed or waiting mail).",
            "%(count)d mails queued to be processed again (only failed or waiting mail).",
            count) % {"count": count}, messages.SUCCESS)


class ImapAccountForm(forms.ModelForm):
    # Write-only: the stored value is never sent to the browser; empty keeps it.
    password = forms.CharField(
        label=_("password"), required=False, strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_('The password, or "env:NAME" to read it from an environment variable, '
                    'or "file:/path" to read it from a file. Leave empty to keep the '
                    "current one."))

    class Meta:
        model = ImapAccount
        fields = ("mailbox", "host", "port", "security", "username", "password", "folder",
                  "after_store", "move_to", "active")

    def clean_password(self) -> str:
        value = self.cleaned_data.get("password") or ""
        return value if value else (self.instance.password if self.instance.pk else "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("after_store") == ImapAfterStore.MOVE and not data.get("move_to", "").strip():
            raise ValidationError({"move_to": _("Name the folder to move messages to.")})
        if data.get("move_to") and data.get("move_to") == data.get("folder"):
            raise ValidationError({"move_to": _("Move to another folder than the polled one.")})
        return data


@admin.register(ImapAccount)
class ImapAccountAdmin(admin.ModelAdmin):
    form = ImapAccountForm
    list_display = ("__str__", "mailbox", "security", "active", "last_polled_at", "last_uid",
                    "last_error")
    list_filter = ("active", "security", "mailbox")
    search_fields = ("host", "username", "folder")
    readonly_fields = ("uidvalidity", "last_uid", "last_polled_at", "last_error", "last_warning")

"""Admin for tickets (read mostly) and the custom ticket fields.

Tickets come from the channels and the API, so they cannot be added here.
The list is ``ticket_scope`` for the logged-in user: a lead or agent sees
their teams' tickets and the ones assigned to them, read-only unless granted
the Django change permission (see ``kefu.core.admin``). Edits to subject,
status, priority, type, assignee, team and tags go through ``ticket_update``:
the state machine is enforced, a ``TicketEvent`` is written for each change,
and a refused change is an error message, with nothing saved.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kefu.accounts.models import Team
from kefu.core.admin import ReadOnlyInline, ServiceWriteMixin, StaffRoleViewMixin, request_actor
from kefu.core.errors import DomainError, ErrorCode
from kefu.tickets import statemachine
from kefu.tickets.choices import Channel, FieldType, Priority, Status, TicketType
from kefu.tickets.models import Message, Ticket, TicketEvent, TicketField
from kefu.tickets.selectors import ticket_scope
from kefu.tickets.services import ticket_update

# Form field -> the key ``ticket_update`` expects.
SERVICE_FIELDS = {
    "subject": "subject",
    "status": "status",
    "priority": "priority",
    "type": "type",
    "assignee": "assignee_id",
    "team": "team_id",
    "tags": "tags",
}


# Event values are stored as codes ("pending"); show them as their labels (等待客户回复).
_LABELLED = {"status": Status, "priority": Priority, "type": TicketType, "channel": Channel}


def show_value(field: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    choices = _LABELLED.get(field)
    if choices is not None and isinstance(value, str) and value in choices.values:
        return str(choices(value).label)
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def user_label(user) -> str:
    if user is None:
        return "—"
    profile = getattr(user, "agent_profile", None)
    return str(profile) if profile is not None else user.get_username()


class MessageInline(ReadOnlyInline, admin.TabularInline):
    model = Message
    fields = ("created_at", "author_kind", "author", "visibility", "body_text")
    readonly_fields = fields
    verbose_name_plural = _("conversation")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("author_user", "author_user__agent_profile", "author_customer")
        )

    @admin.display(description=_("author"))
    def author(self, obj: Message) -> str:
        if obj.author_customer is not None:
            return str(obj.author_customer)
        return user_label(obj.author_user)


class TicketEventInline(ReadOnlyInline, admin.TabularInline):
    model = TicketEvent
    fields = ("created_at", "actor_name", "actor_kind", "kind", "field", "before_value",
              "after_value", "note")
    readonly_fields = fields
    verbose_name_plural = _("history")
    classes = ("collapse",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "actor__agent_profile")

    @admin.display(description=_("actor"))
    def actor_name(self, obj: TicketEvent) -> str:
        return user_label(obj.actor)

    @admin.display(description=_("before"))
    def before_value(self, obj: TicketEvent) -> str:
        return show_value(obj.field, obj.before)

    @admin.display(description=_("after"))
    def after_value(self, obj: TicketEvent) -> str:
        if obj.kind == "created" and isinstance(obj.after, dict):
            return "，".join(f"{show_value(k, v)}" for k, v in obj.after.items())
        return show_value(obj.field, obj.after)


class AgentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return user_label(obj)


def agent_choices():
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(agent_profile__isnull=False, is_active=True)
        .select_related("agent_profile")
        .order_by("username")
    )


@admin.register(Ticket)
class TicketAdmin(StaffRoleViewMixin, ServiceWriteMixin, admin.ModelAdmin):
    list_display = (
        "number", "subject", "status", "priority", "channel", "requester", "assignee_name",
        "team", "created_at",
    )
    list_display_links = ("number", "subject")
    list_select_related = ("requester", "assignee", "assignee__agent_profile", "team")
    list_filter = (
        "status", "priority", "channel", "type", "team",
        ("assignee", admin.RelatedOnlyFieldListFilter), "tags", "created_at",
    )
    search_fields = ("subject",)
    search_help_text = _("Search by subject or ticket number (e.g. 10001 or #10001).")
    ordering = ("-created_at", "-id")
    list_per_page = 50
    # One COUNT per page view: the unfiltered total is a second full scan on a big table.
    show_full_result_count = False
    autocomplete_fields = ("tags",)
    inlines = (MessageInline, TicketEventInline)
    fieldsets = (
        (None, {"fields": (
            "number", "subject", "status", "priority", "type", "assignee", "team", "tags",
        )}),
        (_("Origin"), {"fields": (
            "channel", "requester", "external_id", "follow_up_of", "merged_into",
        )}),
        (_("Custom fields"), {"fields": ("custom_field_values",)}),
        (_("Timeline"), {"classes": ("collapse",), "fields": (
            "created_at", "updated_at", "first_response_at", "solved_at", "closed_at",
            "reopened_count", "last_customer_message_at", "last_agent_message_at",
        )}),
    )
    readonly_fields = (
        "number", "channel", "requester", "external_id", "follow_up_of", "merged_into",
        "custom_field_values", "created_at", "updated_at", "first_response_at", "solved_at",
        "closed_at", "reopened_count", "last_customer_message_at", "last_agent_message_at",
    )

    def get_queryset(self, request):
        return ticket_scope(actor=request_actor(request)).select_related(
            "requester", "assignee", "assignee__agent_profile", "team"
        )

    def lookup_allowed(self, lookup, value, request=None):
        # The customer page links here with ?requester__id__exact=<id>.
        if lookup in ("requester__id__exact", "requester"):
            return True
        return super().lookup_allowed(lookup, value, request)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        number = term.removeprefix("#")
        if number.isdigit():
            return queryset.filter(Q(number=int(number)) | Q(subject__icontains=term)), False
        return super().get_search_results(request, queryset, search_term)

    def has_add_permission(self, request):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignee":
            kwargs["queryset"] = agent_choices()
            kwargs["form_class"] = AgentChoiceField
        elif db_field.name == "team":
            kwargs["queryset"] = Team.objects.order_by("name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        status = form.base_fields.get("status")
        if status is not None and obj is not None:
            allowed = [str(Status(s).label) for s in Status if s in statemachine.TRANSITIONS[obj.status]]
            status.help_text = (
                gettext("Can move to: %(statuses)s") % {"statuses": "、".join(allowed)}
                if allowed else gettext("This status is final.")
            )
        return form

    @admin.display(description=_("assignee"), ordering="assignee__username")
    def assignee_name(self, obj: Ticket) -> str:
        return user_label(obj.assignee)

    @admin.display(description=_("custom fields"))
    def custom_field_values(self, obj: Ticket) -> str:
        if not obj.custom_fields:
            return "—"
        labels = dict(TicketField.objects.values_list("key", "label"))
        return "；".join(
            f"{labels.get(k, k)}：{show_value(k, v)}" for k, v in obj.custom_fields.items()
        )

    def save_with_service(self, request, obj, form, change):
        changes = {}
        for name in form.changed_data:
            if name not in SERVICE_FIELDS:
                continue
            value = form.cleaned_data[name]
            if name in ("assignee", "team"):
                value = value.pk if value is not None else None
            elif name == "tags":
                value = [t.name for t in value]
            changes[SERVICE_FIELDS[name]] = value
        saved = ticket_update(actor=request_actor(request), ticket=obj, changes=changes)
        for field in Ticket._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))

    def describe_error(self, request, obj, exc: DomainError) -> str:
        stored = Ticket.objects.only("status").get(pk=obj.pk)
        if exc.code == ErrorCode.INVALID_TRANSITION and not statemachine.can_transition(
            stored.status, obj.status
        ):
            return gettext(
                "The ticket cannot move from “%(before)s” to “%(after)s”; nothing was saved."
            ) % {"before": Status(stored.status).label, "after": Status(obj.status).label}
        return gettext("The ticket was not saved: %(error)s") % {"error": super().describe_error(
            request, obj, exc
        )}


class TicketFieldForm(forms.ModelForm):
    class Meta:
        model = TicketField
        fields = ("key", "label", "field_type", "choices", "required", "active", "position")

    def clean(self):
        data = super().clean() or {}
        choices = data.get("choices")
        if data.get("field_type") == FieldType.CHOICE:
            if not isinstance(choices, list) or not choices or not all(
                isinstance(c, str) and c.strip() for c in choices
            ):
                raise ValidationError(
                    {"choices": _('A choice field needs a list of options, e.g. ["A", "B"].')}
                )
        elif choices:
            raise ValidationError({"choices": _("Only a choice field has options.")})
        return data


@admin.register(TicketField)
class TicketFieldAdmin(admin.ModelAdmin):
    form = TicketFieldForm
    list_display = ("label", "key", "field_type", "required", "active", "position")
    list_editable = ("active", "position")
    list_filter = ("field_type", "active", "required")
    search_fields = ("key", "label")

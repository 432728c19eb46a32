"""Admin for customers (with their identities and history) and organisations.

Rows come from ``customer_scope``: every lead and agent may view customers
(see ``kefu.core.admin``); editing needs the Django change permission.
Creating and editing a customer goes through ``customer_create`` and
``customer_update``, so identities are normalised, an identity owned by
another customer is refused, and every change writes a ``CustomerEvent``.
"""

from __future__ import annotations

import json
from collections import defaultdict

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kefu.core.admin import (
    ParentPermissionInline,
    ReadOnlyInline,
    ServiceWriteMixin,
    StaffRoleViewMixin,
    error_text,
    request_actor,
)
from kefu.core.errors import DomainError
from kefu.customers.choices import CustomerEventKind, IdentityKind
from kefu.customers.identities import normalise_identity
from kefu.customers.models import Customer, CustomerEvent, CustomerIdentity, Organisation
from kefu.customers.selectors import customer_scope, with_profile_relations
from kefu.customers.services import (
    CONSENT_FIELDS,
    PROFILE_FIELDS,
    customer_create,
    customer_update,
)


def copy_saved(target, saved) -> None:
    """Make the admin's unsaved instance the row a service just wrote."""
    for field in type(saved)._meta.concrete_fields:
        setattr(target, field.attname, getattr(saved, field.attname))
    target._state.adding = False
    target._state.db = saved._state.db


class IdentityForm(forms.ModelForm):
    class Meta:
        model = CustomerIdentity
        fields = ("kind", "value")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # An identity is added or removed, never rewritten: its history stays true.
            for name in ("kind", "value"):
                self.fields[name].disabled = True

    def clean(self):
        data = super().clean() or {}
        if self.instance.pk or not data.get("kind") or not data.get("value"):
            return data
        try:
            data["value"] = normalise_identity(data["kind"], data["value"])
        except DomainError as exc:
            raise ValidationError({"value": exc.message}) from exc
        self.instance.value = data["value"]
        return data


class IdentityInline(ParentPermissionInline, admin.TabularInline):
    model = CustomerIdentity
    form = IdentityForm
    extra = 0
    fields = ("kind", "value", "is_primary", "created_at")
    readonly_fields = ("is_primary", "created_at")


class CustomerEventInline(ReadOnlyInline, admin.TabularInline):
    model = CustomerEvent
    fields = ("created_at", "actor_name", "kind_label", "field", "before_value", "after_value")
    readonly_fields = fields
    classes = ("collapse",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "actor__agent_profile")

    @admin.display(description=_("actor"))
    def actor_name(self, obj: CustomerEvent) -> str:
        if obj.actor is None:
            return "—"
        profile = getattr(obj.actor, "agent_profile", None)
        return str(profile) if profile is not None else obj.actor.get_username()

    @admin.display(description=_("kind"))
    def kind_label(self, obj: CustomerEvent) -> str:
        try:
            return str(CustomerEventKind(obj.kind).label)
        except ValueError:
            return obj.kind

    @admin.display(description=_("before"))
    def before_value(self, obj: CustomerEvent) -> str:
        return _json(obj.before)

    @admin.display(description=_("after"))
    def after_value(self, obj: CustomerEvent) -> str:
        return _json(obj.after)


def _json(value) -> str:
    if value is None or value == "":
        return "—"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


class MergedFilter(admin.SimpleListFilter):
    title = _("merged")
    parameter_name = "merged"

    def lookups(self, request, model_admin):
        return [("no", _("Not merged")), ("yes", _("Merged into another customer"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(merged_into__isnull=True)
        if self.value() == "yes":
            return queryset.filter(merged_into__isnull=False)
        return queryset


@admin.register(Customer)
class CustomerAdmin(StaffRoleViewMixin, ServiceWriteMixin, admin.ModelAdmin):
    list_display = (
        "name", "organisation", "tier", "email", "phone", "tag_names", "created_at",
    )
    list_select_related = ("organisation",)
    list_filter = ("tier", MergedFilter, "tags", "consent_marketing", "created_at")
    search_fields = ("name", "identities__value")
    search_help_text = _("Search by name, email, phone or WeChat id.")
    autocomplete_fields = ("organisation", "tags")
    inlines = (IdentityInline, CustomerEventInline)
    show_full_result_count = False
    fieldsets = (
        (None, {"fields": ("name", "organisation", "tier", "tags", "ticket_link")}),
        (_("Profile"), {"fields": (
            "gender", "birthday", "city", "occupation", "language", "time_zone", "notes",
            "preferences",
        )}),
        (_("Consent"), {"fields": (
            ("consent_marketing", "consent_marketing_at"),
            ("consent_data_processing", "consent_data_processing_at"),
        )}),
        (_("System"), {"classes": ("collapse",), "fields": (
            "portal_user", "merged_into", "created_at", "updated_at",
        )}),
    )
    readonly_fields = (
        "ticket_link", "consent_marketing_at", "consent_data_processing_at", "portal_user",
        "merged_into", "created_at", "updated_at",
    )

    def get_queryset(self, request):
        return with_profile_relations(customer_scope(actor=request_actor(request)))

    # Writes -------------------------------------------------------------

    def save_with_service(self, request, obj, form, change):
        actor = request_actor(request)
        data = form.cleaned_data
        if not change:
            organisation = data.get("organisation")
            profile = {k: data[k] for k in (*PROFILE_FIELDS, *CONSENT_FIELDS) if k in data}
            profile.pop("name", None)
            created = customer_create(
                name=data["name"],
                organisation_id=organisation.pk if organisation else None,
                tags=[t.name for t in data.get("tags") or ()],
                actor=actor,
                **profile,
            )
            copy_saved(obj, created)
            return
        changes: dict = {}
        for name in form.changed_data:
            if name in PROFILE_FIELDS or name in CONSENT_FIELDS:
                changes[name] = data[name]
            elif name == "organisation":
                changes["organisation_id"] = data[name].pk if data[name] else None
            elif name == "tags":
                changes["tags"] = [t.name for t in data[name]]
        if changes:
            # The service compares against the stored row, not the form's edited copy.
            stored = Customer.objects.get(pk=obj.pk)
            copy_saved(obj, customer_update(customer=stored, data=changes, actor=actor))
        else:
            obj.refresh_from_db()

    def save_formset(self, request, form, formset, change):
        if formset.model is not CustomerIdentity:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for identity in formset.deleted_objects:
            identity.delete()
        added = defaultdict(list)
        for identity in formset.new_objects:
            added[identity.kind].append(identity.value)
        if not added:
            return None
        customer = form.instance
        actor = request_actor(request)
        try:
            customer_update(customer=customer, actor=actor, data={
                "emails": added[IdentityKind.EMAIL], "phones": added[IdentityKind.PHONE],
            })
            for wechat_id in added[IdentityKind.WECHAT]:
                customer_update(customer=customer, actor=actor, data={"wechat_id": wechat_id})
        except DomainError as exc:
            # The form checked ownership already; this is another request winning a race.
            messages.error(request, error_text(exc))
        return None

    # Columns ------------------------------------------------------------

    @admin.display(description=_("email"))
    def email(self, obj: Customer) -> str:
        return obj.primary_identity(IdentityKind.EMAIL) or "—"

    @admin.display(description=_("phone"))
    def phone(self, obj: Customer) -> str:
        return obj.primary_identity(IdentityKind.PHONE) or "—"

    @admin.display(description=_("tags"))
    def tag_names(self, obj: Customer) -> str:
        return ", ".join(t.name for t in obj.tags.all()) or "—"

    @admin.display(description=_("portal login"))
    def portal_user(self, obj: Customer) -> str:
        return obj.user.get_username() if obj.user is not None else "—"

    @admin.display(description=_("tickets"))
    def ticket_link(self, obj: Customer) -> str:
        if obj.pk is None:
            return "—"
        # The ticket list is scoped by ticket_scope, so the link shows only what the user may see.
        url = reverse("admin:tickets_ticket_changelist") + f"?requester__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Show this customer's tickets"))


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "tier", "customer_count", "created_at")
    list_filter = ("tier",)
    search_fields = ("name",)
    fields = ("name", "tier", "domains", "notes")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_customers=Count("customers"))

    @admin.display(description=_("customers"), ordering="_customers")
    def customer_count(self, obj: Organisation) -> int:
        return getattr(obj, "_customers", 0)

"""Admin for agents, teams, skills and API tokens.

Agents are Django users with an ``AgentProfile``: create one on the user page
(the profile is an inline there) and the user becomes staff; choosing the
admin role, which only a superuser may do, also makes them a superuser
(``agent_create`` does the same). Flags are only ever raised here, never
lowered: taking rights away stays an explicit edit of the user.

API tokens are created through ``token_create``: the plain token is shown
once, in a message after saving; the list shows only its prefix.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from kefu.accounts.choices import Role
from kefu.accounts.models import AgentProfile, ApiToken, Skill, Team
from kefu.accounts.selectors import agent_list, team_list
from kefu.accounts.services import agent_set_availability, token_create, token_revoke
from kefu.core.admin import request_actor
from kefu.core.errors import DomainError

User = get_user_model()


def agent_users():
    return User.objects.filter(agent_profile__isnull=False, is_active=True).order_by("username")


def sync_staff_flags(user, role: str) -> None:
    """An agent is staff; an agent with the admin role is a superuser. Only raises flags."""
    changed = []
    if role in (Role.ADMIN, Role.LEAD, Role.AGENT) and not user.is_staff:
        user.is_staff = True
        changed.append("is_staff")
    if role == Role.ADMIN and not user.is_superuser:
        user.is_superuser = True
        changed.append("is_superuser")
    if changed:
        user.save(update_fields=changed)


def _limit_roles(field: forms.Field | None, request) -> None:
    """An agent is never a customer; only a superuser may hand out the admin role."""
    if not isinstance(field, forms.ChoiceField):
        return
    refused = {Role.CUSTOMER} if request.user.is_superuser else {Role.CUSTOMER, Role.ADMIN}
    field.choices = [(value, label) for value, label in Role.choices if value not in refused]


class AgentProfileInline(admin.StackedInline):
    model = AgentProfile
    fk_name = "user"
    can_delete = False
    max_num = 1
    extra = 0
    verbose_name = _("agent profile")
    verbose_name_plural = _("agent profile")
    fields = (
        "display_name", "role", "skills", "max_concurrent_tickets", "availability",
        "language", "time_zone",
    )
    filter_horizontal = ("skills",)

    def get_extra(self, request, obj=None, **kwargs):
        # Offer an empty profile form on users that have none yet.
        if obj is not None and AgentProfile.objects.filter(user=obj).exists():
            return 0
        return 1

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        _limit_roles(formset.form.base_fields.get("role"), request)
        return formset


class TeamMembershipInline(admin.TabularInline):
    model = Team.members.through
    extra = 0
    verbose_name = _("team membership")
    verbose_name_plural = _("team memberships")
    autocomplete_fields = ("team",)


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = (AgentProfileInline, TeamMembershipInline)
    list_display = ("username", "email", "agent_role", "is_staff", "is_superuser", "is_active")
    list_select_related = ("agent_profile",)
    list_filter = ("agent_profile__role", "is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("username", "first_name", "last_name", "email", "agent_profile__display_name")

    @admin.display(description=_("role"), ordering="agent_profile__role")
    def agent_role(self, user) -> str:
        profile = getattr(user, "agent_profile", None)
        return profile.get_role_display() if profile is not None else "—"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        profile = AgentProfile.objects.filter(user=form.instance).first()
        if profile is not None:
            sync_staff_flags(form.instance, profile.role)


@admin.register(AgentProfile)
class AgentProfileAdmin(admin.ModelAdmin):
    list_display = (
        "__str__", "username", "role", "max_concurrent_tickets", "availability", "team_names",
        "skill_names",
    )
    list_select_related = ("user",)
    list_filter = ("role", "availability", "skills", "user__teams")
    search_fields = ("display_name", "user__username", "user__email")
    readonly_fields = ("username",)
    fields = (
        "username", "display_name", "role", "skills", "max_concurrent_tickets", "availability",
        "language", "time_zone",
    )
    filter_horizontal = ("skills",)
    ordering = ("user__username",)

    def get_queryset(self, request):
        try:
            return agent_list(actor=request_actor(request))
        except DomainError:
            return AgentProfile.objects.none()

    def has_add_permission(self, request):
        # A profile belongs to a user: create agents on the user page.
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        _limit_roles(form.base_fields.get("role"), request)
        return form

    def save_model(self, request, obj, form, change):
        others = [f for f in form.changed_data if f not in ("availability", "skills")]
        if others:
            obj.save(update_fields=others)
        if "availability" in form.changed_data:
            agent_set_availability(user=obj.user, availability=obj.availability)
        sync_staff_flags(obj.user, obj.role)

    @admin.display(description=_("user"), ordering="user__username")
    def username(self, obj: AgentProfile) -> str:
        return obj.user.get_username()

    @admin.display(description=_("teams"))
    def team_names(self, obj: AgentProfile) -> str:
        return ", ".join(t.name for t in obj.user.teams.all()) or "—"

    @admin.display(description=_("skills"))
    def skill_names(self, obj: AgentProfile) -> str:
        return ", ".join(s.name for s in obj.skills.all()) or "—"


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "lead", "member_count", "skill_names", "created_at")
    list_select_related = ("lead",)
    search_fields = ("name", "description")
    list_filter = ("skills",)
    fields = ("name", "description", "lead", "members", "skills")
    filter_horizontal = ("members", "skills")

    def get_queryset(self, request):
        try:
            qs = team_list(actor=request_actor(request))
        except DomainError:
            return Team.objects.none()
        return qs.annotate(_members=Count("members", distinct=True))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "lead":
            kwargs["queryset"] = agent_users()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "members":
            kwargs["queryset"] = agent_users()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # As in team_create: the lead is always a member of their team.
        team = form.instance
        if team.lead_id is not None:
            team.members.add(team.lead_id)

    @admin.display(description=_("members"), ordering="_members")
    def member_count(self, obj: Team) -> int:
        return getattr(obj, "_members", 0)

    @admin.display(description=_("skills"))
    def skill_names(self, obj: Team) -> str:
        return ", ".join(s.name for s in obj.skills.all()) or "—"


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("name", "description", "agent_count", "team_count")
    search_fields = ("name", "description")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _agents=Count("agents", distinct=True), _teams=Count("teams", distinct=True)
            )
        )

    @admin.display(description=_("agents"), ordering="_agents")
    def agent_count(self, obj: Skill) -> int:
        return getattr(obj, "_agents", 0)

    @admin.display(description=_("teams"), ordering="_teams")
    def team_count(self, obj: Skill) -> int:
        return getattr(obj, "_teams", 0)


class TokenStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", _("Active")), ("revoked", _("Revoked"))]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.filter(revoked_at__isnull=True)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("masked", "name", "username", "created_at", "last_used_at", "is_active")
    list_select_related = ("user",)
    list_filter = (TokenStateFilter,)
    search_fields = ("name", "prefix", "user__username")
    autocomplete_fields = ("user",)
    actions = ("revoke",)
    ordering = ("-created_at",)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("user", "name")
        return ("masked", "username", "name", "created_at", "last_used_at", "revoked_at")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return self.get_fields(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["label"] = _("user")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            return  # every field of an existing token is read-only; revoke with the action
        token, key = token_create(user=obj.user, name=obj.name)
        for field in ApiToken._meta.concrete_fields:
            setattr(obj, field.attname, getattr(token, field.attname))
        obj._state.adding = False
        messages.warning(
            request,
            format_html(
                "{} <code>{}</code>",
                gettext("Copy the new API token now; it will not be shown again:"),
                key,
            ),
        )

    @admin.action(description=_("Revoke selected API tokens"), permissions=["change"])
    def revoke(self, request, queryset):
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            token_revoke(token=token)
            count += 1
        messages.success(
            request,
            ngettext("Revoked %(count)d API token.", "Revoked %(count)d API tokens.", count)
            % {"count": count},
        )

    @admin.display(description=_("user"), ordering="user__username")
    def username(self, obj: ApiToken) -> str:
        return obj.user.get_username()

    @admin.display(description=_("token"), ordering="prefix")
    def masked(self, obj: ApiToken) -> str:
        return f"{obj.prefix}…"

    @admin.display(description=_("active"), boolean=True)
    def is_active(self, obj: ApiToken) -> bool:
        return obj.revoked_at is None and obj.user.is_active


"""The Django admin: shared pieces, the site's titles and tags.

Who may see what in the admin
-----------------------------
* Admins (superusers, or the ``admin`` role) have every permission.
* Team leads and agents are ``is_staff`` (``agent_create`` makes them so).
  Without any Django model permission they may still *view* tickets and
  customers: ``StaffRoleViewMixin`` grants view access from the kefu role, so
  an agent can log in to /admin/ and look things up read-only. Rows are
  always scoped by the domain selectors (``ticket_scope``, ``customer_scope``),
  so an agent sees only their teams' tickets and the ones assigned to them.
* Anything more (changing tickets, editing customers, managing teams) needs
  the ordinary Django model permissions, granted per user or per group.

Writes go through services
--------------------------
Where a service exists, ``save_model`` calls it instead of ``obj.save()``.
A ``DomainError`` from the service (an invalid status transition, an identity
owned by someone else ...) becomes an admin error message; nothing is saved
and the user is sent back to the form. ``ServiceWriteMixin`` holds that flow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from kefu.accounts.actor import Actor, actor_for
from kefu.core.errors import DomainError, ErrorCode
from kefu.core.models import Tag

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin
    _Inline = admin.options.InlineModelAdmin
else:
    _ModelAdmin = _Inline = object

admin.site.site_header = _("kefu customer service administration")
admin.site.site_title = _("kefu administration")
admin.site.index_title = _("Administration")

_FAILED_ATTR = "_kefu_admin_write_failed"


def request_actor(request) -> Actor:
    return actor_for(request.user)


def error_text(exc: DomainError) -> str:
    """A user-facing line for a domain error: its translated code label, then the detail."""
    try:
        label = str(ErrorCode(exc.code).label)
    except ValueError:
        label = str(exc.code)
    return f"{label}: {exc.message}"


class StaffRoleViewMixin(_ModelAdmin):
    """Lets every lead and agent view this model; the queryset does the scoping."""

    def _is_staff_role(self, request) -> bool:
        return request.user.is_active and request.user.is_staff and request_actor(
            request
        ).is_staff_role

    def has_module_permission(self, request):
        return super().has_module_permission(request) or self._is_staff_role(request)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or self._is_staff_role(request)


class ParentPermissionInline(_Inline):
    """An inline whose rows are part of the parent: viewing or changing the parent covers them."""

    def _parent_admin(self):
        return self.admin_site._registry.get(self.parent_model)

    def has_view_permission(self, request, obj=None):
        parent = self._parent_admin()
        return parent is not None and parent.has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        parent = self._parent_admin()
        return parent is not None and parent.has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)


class ReadOnlyInline(ParentPermissionInline):
    """An inline shown for reading only, to whoever may view the parent object."""

    extra = 0
    max_num: int | None = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceWriteMixin(_ModelAdmin):
    """``save_model`` calls a service; a ``DomainError`` cancels the save with a message.

    Subclasses implement ``save_with_service(request, obj, form, change)``,
    which must leave ``obj`` as the saved object (with its primary key).
    """

    def save_with_service(self, request, obj, form, change):  # pragma: no cover - abstract
        raise NotImplementedError

    def describe_error(self, request, obj, exc: DomainError) -> str:
        return error_text(exc)

    def save_model(self, request, obj, form, change):
        try:
            self.save_with_service(request, obj, form, change)
        except DomainError as exc:
            setattr(request, _FAILED_ATTR, True)
            messages.error(request, self.describe_error(request, obj, exc))

    def write_failed(self, request) -> bool:
        return getattr(request, _FAILED_ATTR, False)

    def save_related(self, request, form, formsets, change):
        """Inline formsets only: many-to-many fields on the form are the service's job."""
        if self.write_failed(request):
            return
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def construct_change_message(self, request, form, formsets, add=False):
        if self.write_failed(request):
            return []  # the formsets were never saved, so there is nothing to describe
        return super().construct_change_message(request, form, formsets, add)

    def log_addition(self, request, obj, message):
        if not self.write_failed(request):
            return super().log_addition(request, obj, message)
        return None

    def log_change(self, request, obj, message):
        if not self.write_failed(request):
            return super().log_change(request, obj, message)
        return None

    def response_add(self, request, obj, post_url_continue=None):
        if self.write_failed(request):
            return HttpResponseRedirect(request.get_full_path())
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if self.write_failed(request):
            return HttpResponseRedirect(request.get_full_path())
        return super().response_change(request, obj)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "color", "ticket_count", "customer_count")
    search_fields = ("name",)
    ordering = ("name",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _tickets=Count("tickets", distinct=True),
                _customers=Count("customers", distinct=True),
            )
        )

    @admin.display(description=_("tickets"), ordering="_tickets")
    def ticket_count(self, obj: Tag) -> int:
        return getattr(obj, "_tickets", 0)

    @admin.display(description=_("customers"), ordering="_customers")
    def customer_count(self, obj: Tag) -> int:
        return getattr(obj, "_customers", 0)

from django.contrib import admin

from kefu.accounts.actor import actor_for
from kefu.macros.models import Macro
from kefu.macros.services import macro_create, macro_delete, macro_update


@admin.register(Macro)
class MacroAdmin(admin.ModelAdmin):
    list_display = ("title", "team", "active", "usage_count", "created_by", "updated_at")
    list_filter = ("active", "team")
    search_fields = ("title", "body")
    readonly_fields = ("usage_count", "created_by", "created_at", "updated_at")
    fields = ("title", "body", "team", "active", "usage_count", "created_by", "created_at",
              "updated_at")

    # Writes go through the services (the same checks and clean-up as everywhere else);
    # the form has already rejected empty fields, and admin users are admins.
    def save_model(self, request, obj, form, change):
        actor = actor_for(request.user)
        data = {"title": obj.title, "body": obj.body, "team_id": obj.team_id, "active": obj.active}
        if change:
            macro_update(actor=actor, macro=obj, changes=data)
            return
        created = macro_create(actor=actor, **data)
        obj.pk, obj.created_by_id = created.pk, created.created_by_id

    def delete_model(self, request, obj):
        macro_delete(actor=actor_for(request.user), macro=obj)

from django.contrib import admin

from kefu.routing.models import TeamRouting


@admin.register(TeamRouting)
class TeamRoutingAdmin(admin.ModelAdmin):
    list_display = ("team", "strategy")
    list_editable = ("strategy",)
    list_select_related = ("team",)
    fields = ("team", "strategy")

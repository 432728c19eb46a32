from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kefu.jobs.models import Job, ScheduleState
from kefu.jobs.services import job_run_again, schedule_run_now


class HasErrorFilter(admin.SimpleListFilter):
    title = _("error")
    parameter_name = "has_error"

    def lookups(self, request, model_admin):
        return [("yes", _("with an error")), ("no", _("without an error"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(last_error="")
        if self.value() == "no":
            return queryset.filter(last_error="")
        return queryset


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "status", "attempts", "max_attempts", "run_after",
                    "created_at", "finished_at", "error_summary")
    list_filter = ("status", "kind", HasErrorFilter)
    search_fields = ("kind", "key", "last_error")
    date_hierarchy = "created_at"
    actions = ["run_again"]
    readonly_fields = ("kind", "payload", "status", "attempts", "max_attempts", "run_after",
                       "locked_by", "lease_until", "key", "created_at", "started_at",
                       "finished_at", "last_error")
    list_per_page = 50

    @admin.display(description=_("last error"))
    def error_summary(self, obj: Job) -> str:
        lines = [line for line in obj.last_error.strip().splitlines() if line.strip()]
        return lines[-1][:120] if lines else ""

    # Jobs come from code (enqueue); the admin looks at them and re-runs them.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    # Running a job again changes it: only users who may change jobs (admins).
    def has_run_permission(self, request):
        return request.user.has_perm("jobs.change_job")

    @admin.action(description=_("Run again"), permissions=["run"])
    def run_again(self, request, queryset):
        count = job_run_again(job_ids=queryset.values_list("pk", flat=True))
        self.message_user(request, ngettext(
            "%(count)d job queued to run again (queued and running jobs are left alone).",
            "%(count)d jobs queued to run again (queued and running jobs are left alone).",
            count) % {"count": count}, messages.SUCCESS)


@admin.register(ScheduleState)
class ScheduleStateAdmin(admin.ModelAdmin):
    list_display = ("name", "next_run_at", "last_run_at")
    readonly_fields = ("name", "next_run_at", "last_run_at")
    actions = ["run_now"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_run_permission(self, request):
        return request.user.has_perm("jobs.change_schedulestate")

    @admin.action(description=_("Run now"), permissions=["run"])
    def run_now(self, request, queryset):
        count = schedule_run_now(names=queryset.values_list("name", flat=True))
        self.message_user(request, ngettext(
            "%(count)d periodic task will run at the workers' next look.",
            "%(count)d periodic tasks will run at the workers' next look.",
            count) % {"count": count}, messages.SUCCESS)

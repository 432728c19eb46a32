from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "kefu.sla"
    label = "sla"
    verbose_name = _("service levels")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from kefu.sla import listeners  # noqa: F401 - subscribes to the event bus
        from kefu.sla.models import BusinessCalendar, CalendarDate, SlaPolicy
        from kefu.sla.services import policies_changed

        # Cache invalidation only (the per-process list of active policies), no logic.
        for model in (SlaPolicy, BusinessCalendar, CalendarDate):
            post_save.connect(policies_changed, sender=model, dispatch_uid=f"sla-{model.__name__}-save")
            post_delete.connect(policies_changed, sender=model, dispatch_uid=f"sla-{model.__name__}-del")

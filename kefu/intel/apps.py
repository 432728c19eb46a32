from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntelConfig(AppConfig):
    name = "kefu.intel"
    label = "intel"
    verbose_name = _("service intelligence")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from kefu.intel import listeners  # noqa: F401 - subscribes to the event bus
        from kefu.intel.cache import forget
        from kefu.intel.models import AssistSettings, Category, DomainWord, IntentModel

        # Cache invalidation only (this process's categories, words and model), no logic.
        for model in (AssistSettings, Category, DomainWord, IntentModel):
            post_save.connect(forget, sender=model, dispatch_uid=f"intel-{model.__name__}-save")
            post_delete.connect(forget, sender=model, dispatch_uid=f"intel-{model.__name__}-del")

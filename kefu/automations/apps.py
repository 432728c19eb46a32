from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AutomationsConfig(AppConfig):
    name = "kefu.automations"
    label = "automations"
    verbose_name = _("automations")

    def ready(self) -> None:
        from kefu.automations import listeners  # noqa: F401 - subscribes to the event bus

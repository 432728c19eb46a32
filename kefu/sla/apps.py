from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "kefu.sla"
    label = "sla"
    verbose_name = _("service levels")

    def ready(self) -> None:
        from kefu.sla import listeners  # noqa: F401 - subscribes to the event bus

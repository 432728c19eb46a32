from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailoutConfig(AppConfig):
    name = "kefu.mailout"
    label = "mailout"
    verbose_name = _("outbound mail")

    def ready(self) -> None:
        from kefu.mailout import listeners  # noqa: F401 - subscribes to the event bus

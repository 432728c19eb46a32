from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "kefu.realtime"
    label = "realtime"
    verbose_name = "real time"

    def ready(self) -> None:
        from kefu.realtime import listeners  # noqa: F401 - subscribes to the event bus

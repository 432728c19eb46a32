from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    """Channel adapters (chat now; email and web forms as they arrive)."""

    name = "kefu.channels"
    label = "kefu_channels"  # "channels" is Django Channels' label
    verbose_name = _("channels")

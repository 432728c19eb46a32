from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MacrosConfig(AppConfig):
    """Canned replies (macros): saved texts with placeholders, inserted by agents."""

    name = "kefu.macros"
    label = "macros"
    verbose_name = _("canned replies")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "kefu.jobs"
    label = "jobs"
    verbose_name = _("background jobs")

    def ready(self) -> None:
        # Every app's tasks.py registers its job kinds and periodic tasks, as admin.py
        # registers model admins: a web process can then enqueue any kind by name.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("tasks")

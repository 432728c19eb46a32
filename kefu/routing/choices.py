from django.db import models
from django.utils.translation import gettext_lazy as _


class Strategy(models.TextChoices):
    MANUAL = "manual", _("Manual (nobody is assigned automatically)")
    ROUND_ROBIN = "round_robin", _("Round robin")
    LEAST_LOADED = "least_loaded", _("Least loaded")
    SKILLS = "skills", _("Skills-based")

from django.db import models
from django.utils.translation import gettext_lazy as _


class Polarity(models.TextChoices):
    NEGATIVE = "negative", _("Negative")
    NEUTRAL = "neutral", _("Neutral")
    POSITIVE = "positive", _("Positive")


class Emotion(models.TextChoices):
    # The service emotions of DOMAIN.md; the values are kefu.assist.emotion.Emotion's.
    ANGRY = "angry", _("Angry")
    ANXIOUS = "anxious", _("Anxious")
    DISAPPOINTED = "disappointed", _("Disappointed")
    DOUBTFUL = "doubtful", _("Doubtful")
    SATISFIED = "satisfied", _("Satisfied")
    NEUTRAL = "neutral", _("Calm")


class CategorySource(models.TextChoices):
    AUTO = "auto", _("Auto-triage")
    MANUAL = "manual", _("Agent")


# kefu.assist.handoff's reason codes, as agents read them.
HANDOFF_REASONS = {
    "asked_for_human": _("asked for a person"),
    "angry": _("angry"),
    "anxious": _("anxious"),
    "low_confidence": _("the assistant is unsure"),
    "public_threat": _("threatens to complain publicly"),
}

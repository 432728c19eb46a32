"""What kefu's offline assistance knows about tickets, and what admins configure.

The analysis itself is kefu.assist (pure Python); these rows keep its results and
settings: categories (admin-managed, with the team and tags they route to), the
organisation's own words for the tokeniser, the trained intent model, one analysis
per customer message and one summary per ticket (category, handoff, QA score).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.intel.choices import CategorySource, Emotion, Polarity


def validate_tag_list(value: Any) -> None:
    if not isinstance(value, list) or not all(
            isinstance(tag, str) and tag.strip() and len(tag) <= 50 for tag in value):
        raise ValidationError(_("Tags must be a list of names of at most 50 characters."))


class AssistSettings(models.Model):
    """The one row of switches (pk 1): every auto-triage step can be turned off."""

    triage_category = models.BooleanField(_("set the category"), default=True)
    triage_priority = models.BooleanField(_("raise the priority"), default=True)
    triage_team = models.BooleanField(_("move to the category's team"), default=True)
    triage_tags = models.BooleanField(_("add the category's tags"), default=True)
    handoff = models.BooleanField(_("flag conversations that need a person"), default=True)
    min_confidence = models.FloatField(
        _("minimum confidence"), default=0.5,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_("Below it auto-triage records its guess but sets no category."),
    )
    mask_messages_for_agents = models.BooleanField(
        _("mask personal data in messages for agents"), default=False,
        help_text=_("Plain agents see phone, ID and card numbers masked; leads and admins see them."),
    )
    redact_after_days = models.PositiveIntegerField(
        _("redact personal data from customer messages after (days)"), null=True, blank=True,
        help_text=_("Empty: never. Redaction cannot be undone."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("assistance settings")
        verbose_name_plural = _("assistance settings")

    def __str__(self) -> str:
        return str(_("assistance settings"))


class Category(models.Model):
    """A ticket category: what auto-triage recognises and where it sends the ticket."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    examples = models.TextField(_("example messages"), blank=True,
                                help_text=_("One per line; used before there is history."))
    keywords = models.TextField(_("keywords"), blank=True,
                                help_text=_("Separated by commas or new lines."))
    team = models.ForeignKey("accounts.Team", verbose_name=_("team"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    tags = models.JSONField(_("tags"), default=list, blank=True, validators=[validate_tag_list],
                            help_text=_('A JSON list, e.g. ["退款", "售后"].'))
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.replace("，", ",").replace("\n", ",").split(",")
                if k.strip()]

    def example_list(self) -> list[str]:
        return [line.strip() for line in self.examples.splitlines() if line.strip()]


class DomainWord(models.Model):
    """A product or domain word the tokeniser keeps whole (小蓝盒, 花呗, 极速退款)."""

    word = models.CharField(_("word"), max_length=50, unique=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["word"]
        verbose_name = _("domain word")
        verbose_name_plural = _("domain words")

    def __str__(self) -> str:
        return self.word


class IntentModel(models.Model):
    """A classifier trained by ``kefu assist train`` on solved tickets; the newest is used."""

    created_at = models.DateTimeField(_("trained"), auto_now_add=True)
    examples = models.PositiveIntegerField(_("examples"))
    categories = models.JSONField(_("categories"), default=list)
    accuracy = models.FloatField(_("held-out accuracy"), null=True, blank=True)
    data = models.BinaryField(_("weights"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("intent model")
        verbose_name_plural = _("intent models")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} ({self.examples})"


class MessageInsight(models.Model):
    """The analysis of one customer message: emotion with its evidence, urgency, intent."""

    message = models.OneToOneField("tickets.Message", primary_key=True, on_delete=models.CASCADE,
                                   related_name="insight")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    polarity = models.CharField(_("polarity"), max_length=16, choices=Polarity.choices)
    score = models.FloatField(_("score"))
    emotion = models.CharField(_("emotion"), max_length=16, choices=Emotion.choices)
    confidence = models.FloatField(_("confidence"))
    evidence = models.JSONField(_("evidence"), default=list, blank=True)
    urgency = models.PositiveSmallIntegerField(_("urgency"), default=0)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    category_confidence = models.FloatField(_("category confidence"), null=True, blank=True)
    handoff = models.JSONField(_("handoff reasons"), default=list, blank=True)
    created_at = models.DateTimeField(_("analysed"), db_index=True)

    class Meta:
        ordering = ["created_at", "message_id"]
        indexes = [models.Index(fields=["ticket", "created_at"])]
        verbose_name = _("message analysis")
        verbose_name_plural = _("message analyses")


class TicketInsight(models.Model):
    """Per ticket: its category, current emotion, handoff flag and conversation QA score."""

    ticket = models.OneToOneField("tickets.Ticket", primary_key=True, on_delete=models.CASCADE,
                                  related_name="insight")
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="tickets")
    category_confidence = models.FloatField(_("category confidence"), null=True, blank=True)
    category_source = models.CharField(_("category set by"), max_length=16,
                                       choices=CategorySource.choices, blank=True)
    emotion = models.CharField(_("emotion"), max_length=16, choices=Emotion.choices, blank=True)
    handoff_reasons = models.JSONField(_("handoff reasons"), default=list, blank=True)
    handoff_at = models.DateTimeField(_("handoff requested"), null=True, blank=True)
    qa_score = models.PositiveSmallIntegerField(_("QA score"), null=True, blank=True)
    qa_items = models.JSONField(_("QA items"), default=list, blank=True)
    qa_agent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    qa_at = models.DateTimeField(_("QA scored"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("ticket insight")
        verbose_name_plural = _("ticket insights")

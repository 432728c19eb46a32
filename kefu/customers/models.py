from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import Tag, TimeStampedModel
from kefu.customers.choices import Gender, IdentityKind, Tier


class Organisation(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200, unique=True)
    domains = models.JSONField(_("domains"), default=list, blank=True)
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices, default=Tier.STANDARD)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Customer(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customers",
    )
    tier = models.CharField(
        _("tier"), max_length=16, choices=Tier.choices, default=Tier.STANDARD, db_index=True
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="customers")
    language = models.CharField(_("language"), max_length=16, default="zh-hans")
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    gender = models.CharField(
        _("gender"), max_length=8, choices=Gender.choices, default=Gender.UNKNOWN, blank=True
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    preferences = models.JSONField(_("preferences"), default=dict, blank=True)
    consent_marketing = models.BooleanField(_("marketing consent"), default=False)
    consent_marketing_at = models.DateTimeField(_("marketing consent date"), null=True, blank=True)
    consent_data_processing = models.BooleanField(_("data processing consent"), default=False)
    consent_data_processing_at = models.DateTimeField(
        _("data processing consent date"), null=True, blank=True
    )
    # A portal login, when the customer has one.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customer",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_from",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name

    def primary_identity(self, kind: IdentityKind) -> str | None:
        """The primary value of ``kind``; uses prefetched identities when present."""
        values = [i for i in self.identities.all() if i.kind == kind]
        for identity in values:
            if identity.is_primary:
                return identity.value
        return values[0].value if values else None


class CustomerIdentity(models.Model):
    """An email, phone or WeChat id; unique per kind, so it names one customer only."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(_("kind"), max_length=16, choices=IdentityKind.choices)
    value = models.CharField(_("value"), max_length=254)
    is_primary = models.BooleanField(_("primary"), default=False)
    # Mail to this address bounced (a delivery status notification said so): kefu sends
    # it nothing more until it is cleared (a new mail from it, or an agent).
    bouncing = models.BooleanField(_("bouncing"), default=False)
    bounced_at = models.DateTimeField(_("bounced"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "-is_primary", "id"]
        verbose_name = _("identity")
        verbose_name_plural = _("identities")
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="identity_unique_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class CustomerEvent(models.Model):
    """One change to a customer (who, what, before, after, when): its audit trail."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=32)
    field = models.CharField(_("field"), max_length=64, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("customer event")
        verbose_name_plural = _("customer events")

    def __str__(self) -> str:
        what = f"{self.kind} {self.field}".strip()
        return f"{self.customer_id} {what}: {self.before!r} → {self.after!r}"

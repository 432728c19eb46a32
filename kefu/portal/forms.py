"""Portal forms: they parse and check input; the services decide and write."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import SetPasswordForm
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.core.errors import DomainError, ValidationFailed
from kefu.customers.identities import normalise_email, normalise_phone
from kefu.portal.choices import Category
from kefu.portal.conf import setting
from kefu.tickets.attachments import content_type_of

MAX_SUBJECT = 200


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Zero or more files under one name, each checked like the API checks one."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        limit = setting("KEFU_PORTAL_MAX_FILES")
        if len(files) > limit:
            raise forms.ValidationError(
                _("At most %(limit)d files, please.") % {"limit": limit}, code="too_many")
        errors = []
        for upload in files:
            message = upload_problem(super().clean(upload, initial))
            if message:
                errors.append(forms.ValidationError(
                    "%(name)s: %(problem)s", params={"name": upload.name, "problem": message}))
        if errors:
            raise forms.ValidationError(errors)
        return files


def upload_problem(upload: UploadedFile) -> str | None:
    """Why ``upload`` would be refused by attachment_add (the same checks), or None.

    Checked before anything is written, so a bad file leaves no half-made ticket.
    """
    if not upload.size:
        return str(_("the file is empty"))
    if upload.size > settings.KEFU_MAX_ATTACHMENT_BYTES:
        mb = settings.KEFU_MAX_ATTACHMENT_BYTES / (1024 * 1024)
        return str(_("the file is larger than %(mb).0f MB") % {"mb": mb})
    try:
        content_type_of(upload)
    except DomainError:
        return str(_("this file type is not allowed"))
    return None


def _email(value: str) -> str:
    try:
        return normalise_email(value)
    except ValidationFailed:
        raise forms.ValidationError(_("Enter a valid email address."), code="invalid") from None


class EmailForm(forms.Form):
    email = forms.CharField(label=pgettext_lazy("email address field", "Email"), max_length=254,
                            widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}))

    def clean_email(self) -> str:
        return _email(self.cleaned_data["email"])


class PasswordLoginForm(EmailForm):
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class PortalSetPasswordForm(SetPasswordForm):
    """Django's form: the password validators from settings apply."""


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 5}),
                           max_length=settings.KEFU_MAX_MESSAGE_CHARS)
    attachments = MultipleFileField(label=_("Attachments"))

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError(_("This field is required."), code="required")
        return body


class RequestForm(forms.Form):
    """The web form; name and email are asked only when nobody is signed in."""

    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.CharField(label=pgettext_lazy("email address field", "Email"), max_length=254,
                            widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = forms.CharField(label=_("Phone (optional)"), max_length=32, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=MAX_SUBJECT)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 8}),
                                  max_length=settings.KEFU_MAX_MESSAGE_CHARS)
    attachments = MultipleFileField(label=_("Attachments (up to 3)"))

    def __init__(self, *args, signed_in: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if signed_in:
            for name in ("name", "email", "phone"):
                del self.fields[name]

    def clean_email(self) -> str:
        return _email(self.cleaned_data["email"])

    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone", "").strip()
        if not phone:
            return ""
        try:
            return normalise_phone(phone)
        except ValidationFailed:
            raise forms.ValidationError(_("Enter a valid phone number."), code="invalid") from None

    def clean_subject(self) -> str:
        subject = " ".join(self.cleaned_data["subject"].split())
        if not subject:
            raise forms.ValidationError(_("This field is required."), code="required")
        return subject

    def clean_description(self) -> str:
        body = self.cleaned_data["description"]
        if not body.strip():
            raise forms.ValidationError(_("This field is required."), code="required")
        return body

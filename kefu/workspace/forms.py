from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate, get_user_model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kefu.accounts.actor import actor_for


class LoginForm(forms.Form):
    """Username or email + password, through Django's auth (and so django-axes)."""

    login = forms.CharField(label=_("Username or email"), max_length=254,
                            widget=forms.TextInput(attrs={"autofocus": True,
                                                          "autocomplete": "username"}))
    password = forms.CharField(label=_("Password"), strip=False, max_length=256,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user: Any = None
        self.refused = False
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        login, password = data.get("login", "").strip(), data.get("password")
        if not login or not password:
            return data
        # An email resolves to its username first, so axes counts failures per account
        # whichever of the two the agent typed.
        username = _username_for(login)
        user = authenticate(self.request, username=username, password=password)
        if user is None:
            raise forms.ValidationError(_("Wrong username, email or password."), code="invalid")
        if not actor_for(user).is_staff_role:
            self.refused = True
            raise forms.ValidationError(
                _("This sign-in is for service staff only. Customers please use the "
                  "customer portal."), code="refused")
        self.user = user
        return data


def _username_for(login: str) -> str:
    if "@" not in login:
        return login
    User = get_user_model()
    names = list(User.objects.filter(email__iexact=login, is_active=True)
                 .values_list(User.USERNAME_FIELD, flat=True)[:2])
    return names[0] if len(names) == 1 else login


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("View name"), max_length=60)
    shared_with = forms.TypedChoiceField(label=_("Share with team"), required=False,
                                         coerce=int, empty_value=None)

    def __init__(self, *args: Any, teams: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["shared_with"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("Only me"))] + [(t.pk, t.name) for t in teams]

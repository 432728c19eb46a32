"""API authentication: ``Authorization: Bearer <token>`` or the Django session."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from kefu.accounts.actor import actor_for
from kefu.accounts.services import token_authenticate


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = token_authenticate(token)
        if user is None:
            return None
        request.user = user
        return user


class Session(SessionAuth):
    """The logged-in session; unsafe methods need the CSRF token (ninja checks it)."""


def request_actor(request: HttpRequest):
    """The Actor of an authenticated API request (token user or session user)."""
    auth = getattr(request, "auth", None)
    return actor_for(auth if auth is not None else request.user)


__all__ = ["BearerToken", "Session", "request_actor"]

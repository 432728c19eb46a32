"""Rule actions: their JSON shape, its validation, and carrying them out on a ticket.

An action is ``{"type": ..., ...}``. Ticket writes go through the tickets services
as ``SYSTEM`` inside the rule's transaction; mail and webhooks are "external" and
run later as jobs on the worker, so a slow endpoint never holds the ticket's row
lock nor delays the request whose commit triggered the rule.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from kefu.tickets.choices import Priority, Status, TicketType

MAX_WEBHOOK_TIMEOUT = 10.0
DEFAULT_WEBHOOK_TIMEOUT = 5.0
MAX_TEXT = 20_000
# "customer": the requester's primary email (an email to the customer, apart from the
# ticket's conversation; the "reply" action writes on the ticket instead).
NOTIFY_TARGETS = ("assignee", "lead", "customer")

# type -> required keys (besides "type") and optional keys
SHAPES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "set_status": (frozenset({"value"}), frozenset()),
    "set_priority": (frozenset({"value"}), frozenset()),
    "set_type": (frozenset({"value"}), frozenset()),
    "add_tags": (frozenset({"tags"}), frozenset()),
    "remove_tags": (frozenset({"tags"}), frozenset()),
    "assign_team": (frozenset({"team_id"}), frozenset()),
    "assign_agent": (frozenset({"user_id"}), frozenset()),
    "add_note": (frozenset({"body"}), frozenset()),
    "reply": (frozenset(), frozenset({"body", "macro_id"})),
    "notify": (frozenset({"to"}), frozenset({"subject", "body"})),
    "webhook": (frozenset({"url"}), frozenset({"timeout"})),
}
EXTERNAL = frozenset({"notify", "webhook"})
_CHOICES = {"set_status": Status.values, "set_priority": Priority.values, "set_type": TicketType.values}


def _fail(index: int, message: str) -> ValidationError:
    return ValidationError(_("Action %(index)s: %(message)s") % {"index": index, "message": message})


def _text(index: int, value: Any, key: str) -> None:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
        raise _fail(index, _("%s must be a non-empty text") % key)


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _check_refs(index: int, kind: str, action: Mapping[str, Any]) -> None:
    """References must name existing rows, so the admin refuses a rule that cannot run."""
    from kefu.accounts.models import AgentProfile, Team
    from kefu.macros.models import Macro

    if kind == "assign_team" and action["team_id"] is not None and not Team.objects.filter(
            pk=action["team_id"]).exists():
        raise _fail(index, _("team %s does not exist") % action["team_id"])
    if kind == "assign_agent" and action["user_id"] is not None and not AgentProfile.objects.filter(
            user_id=action["user_id"], user__is_active=True).exists():
        raise _fail(index, _("user %s is not an active agent") % action["user_id"])
    if kind == "reply" and "macro_id" in action and not Macro.objects.filter(
            pk=action["macro_id"], active=True).exists():
        raise _fail(index, _("canned reply %s does not exist or is inactive") % action["macro_id"])


def validate_actions(value: Any, *, check_references: bool = True) -> None:
    """Raise ``ValidationError`` naming the first bad action."""
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Actions must be a non-empty JSON list."))
    for index, action in enumerate(value, start=1):
        if not isinstance(action, dict):
            raise _fail(index, _("must be an object"))
        kind = action.get("type")
        if kind not in SHAPES:
            raise _fail(index, _("unknown type %(type)r; choose from %(types)s") % {
                "type": kind, "types": ", ".join(SHAPES)})
        required, optional = SHAPES[kind]
        keys = set(action) - {"type"}
        if required - keys:
            raise _fail(index, _("%(type)s needs %(keys)s") % {
                "type": kind, "keys": ", ".join(sorted(required - keys))})
        if keys - required - optional:
            raise _fail(index, _("unknown key %s") % sorted(keys - required - optional)[0])
        if kind in _CHOICES and action["value"] not in _CHOICES[kind]:
            raise _fail(index, _("%(value)r is not valid; choose from %(choices)s") % {
                "value": action["value"], "choices": ", ".join(_CHOICES[kind])})
        if kind in ("add_tags", "remove_tags") and not (
            isinstance(action["tags"], list) and action["tags"]
            and all(isinstance(t, str) and t.strip() and len(t) <= 64 for t in action["tags"])
        ):
            raise _fail(index, _("tags must be a non-empty list of names (at most 64 characters)"))
        if kind == "assign_team" and not (action["team_id"] is None or _is_id(action["team_id"])):
            raise _fail(index, _("team_id must be an id or null"))
        if kind == "assign_agent" and not (action["user_id"] is None or _is_id(action["user_id"])):
            raise _fail(index, _("user_id must be an id or null"))
        if kind == "add_note":
            _text(index, action["body"], "body")
        if kind == "reply":
            if ("body" in action) == ("macro_id" in action):
                raise _fail(index, _("reply needs either body or macro_id"))
            if "body" in action:
                _text(index, action["body"], "body")
            elif not _is_id(action["macro_id"]):
                raise _fail(index, _("macro_id must be an id"))
        if kind == "notify":
            to = action["to"]
            if not isinstance(to, list) or not to or any(t not in NOTIFY_TARGETS for t in to):
                raise _fail(index, _("to must list some of %s") % ", ".join(NOTIFY_TARGETS))
            for key in ("subject", "body"):
                if key in action:
                    _text(index, action[key], key)
        if kind == "webhook":
            url = action["url"]
            parts = urlsplit(url) if isinstance(url, str) else None
            if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
                raise _fail(index, _("url must be an http(s) address"))
            timeout = action.get("timeout", DEFAULT_WEBHOOK_TIMEOUT)
            if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not (
                    0 < timeout <= MAX_WEBHOOK_TIMEOUT):
                raise _fail(index, _("timeout must be a number of seconds up to %s") % MAX_WEBHOOK_TIMEOUT)
        if check_references:
            _check_refs(index, kind, action)


# ------------------------------------------------------------------ external actions


@dataclass(frozen=True)
class Outcome:
    index: int  # the action's position in the rule, from 1
    action: str
    ok: bool
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"index": self.index, "type": self.action, "ok": self.ok, "detail": self.detail[:500]}


def post_webhook(url: str, body: Mapping[str, Any], *, timeout: float) -> str:
    """POST ``body`` as JSON; returns "HTTP <status>", raises on failure or a non-2xx answer."""
    data = json.dumps(body, ensure_ascii=False, default=str).encode()
    request = urllib.request.Request(  # noqa: S310 - the scheme is validated as http(s)
        url, data=data, method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "kefu-automations"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as exc:
        raise RuntimeError(f"webhook answered HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise RuntimeError(f"webhook failed: {exc}") from exc
    if not 200 <= status < 300:
        raise RuntimeError(f"webhook answered HTTP {status}")
    return f"HTTP {status}"


def send_notification(recipients: list[str], subject: str, body: str) -> str:
    if not recipients:
        raise RuntimeError("nobody to notify: no recipient with an email address")
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    return ", ".join(recipients)

"""HTTP side of the chat widget: the script, its string catalogue, offline messages.

All three are called from other sites' pages, so they answer cross-origin requests
(no cookies are read or set: the chat's only credential is the visitor token).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from kefu.channels import selectors, services
from kefu.core.errors import DomainError
from kefu.portal import ratelimit

# "Leave a message" needs no account, so it is capped per address (spam, mail bombing).
OFFLINE_PER_HOUR = 10
WIDGET_JS = Path(__file__).resolve().parent / "static" / "chat" / "widget.js"


def _cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response["Access-Control-Allow-Headers"] = "Content-Type"
    response["Access-Control-Max-Age"] = "86400"
    return response


@lru_cache(maxsize=1)
def _widget_source(mtime: float) -> bytes:
    return WIDGET_JS.read_bytes()


@require_safe
def widget_js(request: HttpRequest) -> HttpResponse:
    body = _widget_source(WIDGET_JS.stat().st_mtime)
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return _cors(response)


def language_for(raw: str) -> str:
    """kefu's language for a browser/page language tag: English or (default) Chinese."""
    return "en" if raw.strip().lower().startswith("en") else settings.LANGUAGE_CODE


def strings() -> dict[str, str]:
    """The widget's UI text in the active language (the catalogue the script renders)."""
    return {
        "title": _("Customer service"),
        "open": _("Chat with us"),
        "close": _("Close"),
        "placeholder": _("Type a message…"),
        "send": _("Send"),
        "online": _("We usually reply within a minute."),
        "offline": _("No agent is online right now."),
        "offline_hint": _("Leave a message and we will answer by email."),
        "name": _("Name"),
        "email": pgettext("email address field", "Email"),
        "message": _("Message"),
        "start": _("Start chat"),
        "skip": _("Chat anonymously"),
        "prechat": _("Tell us who you are (optional)."),
        "leave": _("Leave a message"),
        "sent_offline": _("Thank you! We will reply to you by email."),
        "required": _("Please fill in this field."),
        "bad_email": _("Please enter a valid email address."),
        "typing": _("%(name)s is typing…"),
        "agent": _("Agent"),
        "you": _("You"),
        "sending": _("Sending…"),
        "failed": _("Not sent, retrying…"),
        "reconnecting": _("Connection lost, reconnecting…"),
        "seen": _("Seen"),
        "error": _("Something went wrong, please try again."),
        "closed": _("This conversation was closed. Write again to start a new one."),
    }


@require_safe
def config_json(request: HttpRequest) -> HttpResponse:
    lang = language_for(request.GET.get("lang", ""))
    with translation.override(lang):
        data: dict[str, Any] = {"lang": lang, "strings": strings()}
    data["agents_online"] = selectors.agents_online_count()
    data["ws_path"] = "/ws/chat/"
    data["max_chars"] = services.chat_max_chars()
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-cache"
    return _cors(response)


@csrf_exempt  # cross-site by design and cookie-less: there is no session to forge
def offline_message(request: HttpRequest) -> HttpResponse:
    if request.method == "OPTIONS":
        return _cors(HttpResponse(status=204))
    if request.method != "POST":
        return _cors(JsonResponse({"code": "method_not_allowed", "message": "POST only"}, status=405))
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        return _cors(JsonResponse({"code": "malformed_json", "message": "send a JSON object"},
                                  status=400))
    if not ratelimit.hit("chat-offline", ratelimit.client_ip(request),
                         limit=OFFLINE_PER_HOUR, window_seconds=3600):
        return _cors(JsonResponse({"code": "rate_limited", "message": "too many messages, "
                                   "try again later"}, status=429))
    try:
        chat = services.offline_message_create(
            name=data.get("name"), email=data.get("email"), body=data.get("message"))
    except DomainError as exc:
        return _cors(JsonResponse(exc.as_dict(), status=exc.status))
    with translation.override(language_for(str(data.get("lang") or ""))):
        text = _("Thank you! We will reply to you by email.")
    return _cors(JsonResponse({"ticket": chat.ticket.number, "message": text}, status=201,
                              json_dumps_params={"ensure_ascii": False}))


@require_safe
def demo(request: HttpRequest) -> HttpResponse:
    """A page with the widget embedded: for trying it out and for the tests."""
    src = request.build_absolute_uri(reverse("kefu_channels:widget_js"))
    return render(request, "chat/demo.html", {"embed": f'<script src="{src}" async></script>'})

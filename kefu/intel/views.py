"""The agent-facing side of the offline assistance (htmx partials of the ticket page and
the QA page). Thin views: reads through kefu.intel.selectors and .suggestions, writes
through kefu.intel.services, the analysis itself from kefu.assist.

Ticket partials use the ticket page's ``staff_ticket_view``: a ticket the agent may not
see is a 404, like every other panel of the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kefu.accounts.actor import Actor
from kefu.accounts.choices import Role
from kefu.assist import tone
from kefu.intel import selectors
from kefu.intel.choices import HANDOFF_REASONS, Emotion
from kefu.intel.services import insight_set_category
from kefu.intel.suggestions import reply_suggestions
from kefu.tickets.choices import Visibility
from kefu.tickets.models import Ticket
from kefu.workspace.access import staff_required
from kefu.workspace.ticket_timeline import user_name
from kefu.workspace.ticket_views import staff_ticket_view

T = "intel/"
CUE_CHARS = 16  # a longer cue (a repeated question) is cut in its chip
SNIPPET = 12  # characters shown either side of a tone finding's phrase

TREND_LABELS = {
    "improving": _("improving"),
    "worsening": _("worsening"),
    "steady": _("steady"),
}

QA_ITEM_LABELS = {
    "greeting": _("Greeting"),
    "restatement": _("Restating the need"),
    "empathy": _("Empathy"),
    "solution": _("Solution offered"),
    "avoided_words": _("Avoided words"),
    "closing": _("Closing"),
    "sla_first_response": _("First response in time"),
    "sla_resolution": _("Resolved in time"),
}


def _english() -> bool:
    return (get_language() or "").startswith("en")


# --- the assistant panel and the customer's mood ---------------------------------


def _cues(mood: selectors.Mood) -> list[dict[str, Any]]:
    """The evidence as chips, each cue once (a subject and body may repeat a word)."""
    cues, seen = [], set()
    for cue in mood.cues:
        text = str(cue.get("text", "")).strip()
        if not text or (text, cue.get("kind")) in seen:
            continue
        seen.add((text, cue.get("kind")))
        emotion = str(cue.get("emotion") or "")
        cues.append({"text": text if len(text) <= CUE_CHARS else text[:CUE_CHARS] + "…",
                     "full": text, "emotion": emotion, "kind": cue.get("kind", ""),
                     "emotion_label": Emotion(emotion).label if emotion in Emotion.values else ""})
    return cues


def _mood_context(mood: selectors.Mood) -> dict[str, Any]:
    current, trend = mood.current, mood.trend
    return {
        "mood": mood,
        "emotion": current.emotion if current else "",
        "emotion_label": current.get_emotion_display() if current else "",
        "trend": trend.direction if trend and len(mood.history) > 1 else "",
        "trend_label": TREND_LABELS.get(trend.direction, "") if trend else "",
        "trend_delta_text": f"{trend.delta:+.2f}" if trend else "",
        "analysed": len(mood.history),
    }


def _assistant(request: HttpRequest, ticket: Ticket, *, error: str = "",
               status: int = 200) -> HttpResponse:
    mood = selectors.ticket_mood(ticket)
    insight = selectors.ticket_insight(ticket)
    reasons = [HANDOFF_REASONS.get(r, r) for r in insight.handoff_reasons] if insight else []
    return render(request, T + "_assistant.html", {
        "ticket": ticket, "insight": insight, "categories": selectors.category_list(),
        "cues": _cues(mood), "handoff_reasons": reasons, "error": error,
        **_mood_context(mood),
    }, status=status)


@require_http_methods(["GET", "POST"])
@staff_ticket_view
def ticket_assistant(request: HttpRequest, actor: Actor, ticket: Ticket) -> HttpResponse:
    """The assistant card; POST ``category`` (an id, or empty for none) sets it by hand."""
    if request.method == "POST":
        raw = request.POST.get("category", "")
        category = None
        if raw:
            valid = raw.isdigit() and len(raw) < 19
            category = selectors.category_list().filter(pk=int(raw)).first() if valid else None
            if category is None:
                return _assistant(request, ticket, error=str(_("Unknown category.")), status=422)
        insight_set_category(actor=actor, ticket=ticket, category=category)
        response = _assistant(request, ticket)
        response["HX-Trigger"] = "intel:category-saved"  # assist.js: show the history line
        return response
    return _assistant(request, ticket)


@require_GET
@staff_ticket_view
def customer_mood(request: HttpRequest, actor: Actor, ticket: Ticket) -> HttpResponse:
    """One line for the customer panel: the requester's mood across their latest messages."""
    return render(request, T + "_customer_mood.html", {
        "ticket": ticket, **_mood_context(selectors.customer_mood(ticket.requester_id, actor=actor)),
    })


# --- the tone check of the reply box ----------------------------------------------


@dataclass(frozen=True)
class ShownFinding:
    kind: str
    message: str
    phrase: str
    before: str
    after: str
    suggestion: str
    result: str  # the draft with this finding applied ("" when it is not a word swap)


def _shown(draft: str, finding: tone.Finding, english: bool) -> ShownFinding:
    start, end = finding.start, finding.end
    located = start is not None and end is not None
    return ShownFinding(
        kind=finding.kind, message=finding.message_en if english else finding.message_zh,
        phrase=finding.phrase,
        before=draft[max(0, start - SNIPPET):start] if located and start is not None else "",
        after=draft[end:end + SNIPPET] if located and end is not None else "",
        suggestion=finding.suggestion,
        result=tone.rewrite(draft, [finding]) if finding.safe and located else "",
    )


@require_POST
@staff_ticket_view
def ticket_tone(request: HttpRequest, actor: Actor, ticket: Ticket) -> HttpResponse:
    """Findings on the draft ``body``; never blocks sending. Internal notes are not checked."""
    draft = request.POST.get("body", "")
    findings: list[tone.Finding] = []
    if draft.strip() and request.POST.get("visibility", Visibility.PUBLIC) != Visibility.INTERNAL:
        flags = selectors.tone_context(actor=actor, ticket=ticket,
                                       status=request.POST.get("status", ""))
        findings = tone.check_tone(draft, language="auto", **flags)
    english = _english()
    shown = [_shown(draft, f, english) for f in findings]
    rewritten = tone.rewrite(draft, findings) if any(f.result for f in shown) else ""
    return render(request, T + "_tone.html", {
        "ticket": ticket, "draft": draft, "findings": shown, "rewritten": rewritten,
    })


# --- reply suggestions ------------------------------------------------------------


@require_GET
@staff_ticket_view
def ticket_suggestions(request: HttpRequest, actor: Actor, ticket: Ticket) -> HttpResponse:
    items = reply_suggestions(actor=actor, ticket=ticket, agent_name=user_name(request.user))
    return render(request, T + "_suggestions.html", {"ticket": ticket, "items": items})


# --- the QA page ------------------------------------------------------------------


def _qa_item(item: dict[str, Any], english: bool) -> dict[str, Any]:
    key = str(item.get("key", ""))
    return {**item, "label": QA_ITEM_LABELS.get(key, key),
            "reason": item.get("reason_en" if english else "reason_zh") or item.get("reason_zh", "")}


@require_GET
@staff_required
def quality_page(request: HttpRequest) -> HttpResponse:
    """Per-agent averages and the latest scored tickets. Team leads and admins see the
    agents of the tickets they may see (``?agent=<id>`` narrows the list); a plain agent
    sees only their own scores."""
    actor: Actor = request.actor  # type: ignore[attr-defined]
    leads = actor.role in (Role.ADMIN, Role.LEAD)
    rows = selectors.qa_by_agent(actor=actor)
    raw = request.GET.get("agent", "")
    agent_id = int(raw) if raw.isdigit() and len(raw) < 19 else None
    if not leads:
        if actor.user_id is None:
            raise Http404("not found")
        agent_id = actor.user_id
        rows = [r for r in rows if r.user_id == actor.user_id]
    english = _english()
    scored = selectors.qa_recent(actor=actor, agent_id=agent_id)
    recent = [(r, [_qa_item(i, english) for i in r.qa_items if isinstance(i, dict)])
              for r in scored]
    return render(request, T + "quality.html", {
        "rows": rows, "recent": recent, "leads": leads, "agent_id": agent_id,
        "current": "quality",
    })

"""The agent's ticket page and its htmx partials (staff only; others get a 404)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kefu.accounts.actor import Actor, actor_for
from kefu.core.errors import DomainError, ValidationFailed
from kefu.macros.selectors import macro_get, macro_search
from kefu.macros.services import macro_mark_used, macro_render
from kefu.promises.models import Promise
from kefu.promises.selectors import ticket_promises
from kefu.promises.services import promise_create, promise_resolve
from kefu.tickets.choices import Visibility
from kefu.tickets.models import Message, Ticket
from kefu.tickets.selectors import attachment_get, message_scope, ticket_get
from kefu.workspace.ticket_compose import (
    AFTER_SEND_STATUSES,
    Collision,
    parse_seen,
    reply_error_text,
    reply_send,
    seen_token,
    ticket_cc,
    ticket_cc_from,
)
from kefu.workspace.ticket_customer import customer_panel
from kefu.workspace.ticket_masking import mask_messages
from kefu.workspace.ticket_promises import parse_local_datetime, promise_error_text
from kefu.workspace.ticket_properties import error_text, panel_context, property_save
from kefu.workspace.ticket_timeline import (
    Entry,
    attach_mail_states,
    events_after,
    messages_after,
    timeline,
    user_name,
)

T = "workspace/ticket/"


def staff_ticket_view(view):
    """Login required; staff only; the ticket scoped by the actor (404 otherwise)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, pk: int, *args, **kwargs):
        actor = actor_for(request.user)
        if not actor.is_staff_role:
            raise Http404("not found")
        try:
            ticket = ticket_get(actor=actor, pk=pk)
        except DomainError:
            raise Http404("ticket not found") from None
        return view(request, actor, ticket, *args, **kwargs)

    return wrapper


def _properties(request: HttpRequest, actor: Actor, ticket: Ticket, *, error: str = "",
                status: int = 200, extra: dict | None = None) -> HttpResponse:
    context = {"ticket": ticket, "error": error, "seen": seen_token(ticket), "partial": True,
               **panel_context(actor=actor, ticket=ticket), **(extra or {})}
    return render(request, T + "_properties.html", context, status=status)


@require_GET
@staff_ticket_view
def ticket_page(request: HttpRequest, actor: Actor, ticket: Ticket) -> HttpResponse:
    entries = timeline(actor=actor, ticket=ticket)
    return render(request, T + "page.html", {
        "ticket": ticket,
        "entries": entries,
        # From the messages already loaded: no query of its own.
        "cc": ticket_cc_from(e.message for e in entries if e.message is not None),
        "panel": customer_panel(actor=actor, ticket=ticket),
        "seen": seen_token(ticket),
        "after_send_statuses": [(s.value, s.label) for s in AFTER_SEND_STATUSES],
        "promises": ticket_promises(actor=actor, ticket=ticket), "now": timezone.now(),
        **panel_context(actor=actor, ticket=ticket),
    })


def _retarget(response: HttpResponse, target: str) -> HttpResponse:
    response["HX-Retarget"] = target
    response["HX-Reswap"] = "innerHTML"
    return response


def _message_entry(message: Message) -> Entry:
    return attach_mail_states([Entry(kind="message", at=message.created_at, message=message)])[0]


@require_POST
@staff_ticket_view
def ticket_reply(request: HttpRequest, actor: Actor, ticket: Ticket) -> HttpResponse:
    try:
        result = reply_send(
            actor=actor, ticket=ticket, body=request.POST.get("body", ""),
            visibility=request.POST.get("visibility", Visibility.PUBLIC),
            status=request.POST.get("status") or None,
            uploads=request.FILES.getlist("files"), seen=request.POST.get("seen"),
            confirm=request.POST.get("confirm") == "1",
            cc=ticket_cc(actor=actor, ticket=ticket) if request.POST.get("copy_cc") == "1" else (),
        )
    except DomainError as error:
        response = render(request, T + "_reply_error.html", {"error": reply_error_text(error)},
                          status=error.status)
        return _retarget(response, "#reply-warning")
    if isinstance(result, Collision):
        response = render(request, T + "_collision.html", {"collision": result}, status=409)
        return _retarget(response, "#reply-warning")
    # The new message, plus out-of-band: the form's fresh token, the cleared warning and
    # the properties panel (the reply may have changed the status).
    fresh = ticket_get(actor=actor, pk=ticket.pk)
    message = message_scope(actor=actor, ticket=fresh).get(pk=result.pk)
    return render(request, T + "_reply_sent.html", {
        "entry": _message_entry(message),
        "ticket": fresh, "seen": seen_token(fresh), "error": "",
        **panel_context(actor=actor, ticket=fresh),
    })


@require_GET
@staff_ticket_view
def ticket_message(request: HttpRequest, actor: Actor, ticket: Ticket, message_id: int) -> HttpResponse:
    message = message_scope(actor=actor, ticket=ticket).filter(pk=message_id).first()
    if message is None:
        raise Http404("message not found")
    mask_messages(actor, [message])
    return render(request, T + "_entry.html", {
        "entry": _message_entry(message), "ticket": ticket,
    })


@require_GET
@staff_ticket_view
def ticket_messages(request: HttpRequest, actor: Actor, ticket: Ticket) -> HttpResponse:
    """Messages after ``?after=<message id>``: the catch-up once the socket (re)joins."""
    raw = request.GET.get("after", "")
    after_id = int(raw) if raw.isdigit() and len(raw) < 19 else 0
    entries = messages_after(actor=actor, ticket=ticket, after_id=after_id)
    return render(request, T + "_entries.html", {"entries": entries, "ticket": ticket})


@require_GET
@staff_ticket_view
def ticket_events(request: HttpRequest, actor: Actor, ticket: Ticket) -> HttpResponse:
    """History lines after ``?after=<iso time>``: status and field changes, live."""
    entries = events_after(actor=actor, ticket=ticket, after=parse_seen(request.GET.get("after")))
    return render(request, T + "_entries.html", {"entries": entries, "ticket": ticket})


@require_http_methods(["GET", "POST"])
@staff_ticket_view
def ticket_properties(request: HttpRequest, actor: Actor, ticket: Ticket) -> HttpResponse:
    if request.method == "GET":
        return _properties(request, actor, ticket)
    field, raw = request.POST.get("field", ""), request.POST.get("value", "")
    try:
        property_save(actor=actor, ticket=ticket, field=field, raw=raw)
    except DomainError as error:
        return _properties(request, actor, ticket, error=error_text(error, ticket, field, raw),
                           status=error.status, extra={"error_field": field})
    fresh = ticket_get(actor=actor, pk=ticket.pk)
    # The agent's own change must not count as a collision: refresh the form's token.
    return _properties(request, actor, fresh, extra={"oob_seen": True})


def _promises(request: HttpRequest, actor: Actor, ticket: Ticket, *, error: str = "",
              status: int = 200) -> HttpResponse:
    return render(request, T + "_promises.html", {
        "ticket": ticket, "promises": ticket_promises(actor=actor, ticket=ticket),
        "error": error, "now": timezone.now(),
    }, status=status)


@require_http_methods(["GET", "POST"])
@staff_ticket_view
def ticket_promises_view(request: HttpRequest, actor: Actor, ticket: Ticket) -> HttpResponse:
    """The promises card; POST records one (what, due as local date and time)."""
    if request.method == "GET":
        return _promises(request, actor, ticket)
    due = parse_local_datetime(request.POST.get("due_at", ""))
    try:
        if due is None:
            raise ValidationFailed("enter a date and time", field="due_at")
        promise_create(actor=actor, ticket=ticket, what=request.POST.get("what", ""), due_at=due)
    except DomainError as error:
        return _promises(request, actor, ticket, error=promise_error_text(error),
                         status=error.status)
    return _promises(request, actor, ticket)


@require_POST
@staff_ticket_view
def ticket_promise_resolve(request: HttpRequest, actor: Actor, ticket: Ticket,
                           promise_id: int) -> HttpResponse:
    promise = Promise.objects.filter(pk=promise_id, ticket=ticket).first()
    if promise is None:
        raise Http404("promise not found")
    try:
        promise_resolve(actor=actor, promise=promise, kept=request.POST.get("kept") == "1")
    except DomainError as error:
        return _promises(request, actor, ticket, error=promise_error_text(error),
                         status=error.status)
    return _promises(request, actor, ticket)


@require_GET
@staff_ticket_view
def ticket_macros(request: HttpRequest, actor: Actor, ticket: Ticket) -> HttpResponse:
    me = user_name(request.user)
    macros = macro_search(actor=actor, q=request.GET.get("q", ""))
    # Plain text: the template escapes it into a data attribute, JS puts it in the
    # textarea's value, message_post escapes it again when it builds body_html.
    items = [(m, macro_render(m, ticket, actor, agent_name=me)) for m in macros]
    return render(request, T + "_macros.html", {"items": items, "ticket": ticket})


@require_POST
@staff_ticket_view
def ticket_macro_used(request: HttpRequest, actor: Actor, ticket: Ticket, macro_id: int) -> HttpResponse:
    try:
        macro_mark_used(actor=actor, macro=macro_get(actor=actor, pk=macro_id))
    except DomainError:
        raise Http404("canned reply not found") from None
    return HttpResponse(status=204)


@require_GET
@staff_ticket_view
def ticket_attachment(request: HttpRequest, actor: Actor, ticket: Ticket, attachment_id: int):
    try:
        attachment = attachment_get(actor=actor, ticket=ticket, pk=attachment_id)
    except DomainError:
        raise Http404("attachment not found") from None
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type,
                            as_attachment=True, filename=attachment.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


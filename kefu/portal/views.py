"""Portal pages: my tickets, one ticket with its public conversation, the web form."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kefu.accounts.actor import Actor, actor_for
from kefu.core.errors import DomainError, NotFound
from kefu.portal import selectors, services
from kefu.portal.access import customer_required, render_portal
from kefu.portal.choices import ReplyOutcome
from kefu.portal.forms import ReplyForm, RequestForm
from kefu.portal.ratelimit import client_ip

LAST_REQUEST_KEY = "portal_last_request"


def _ticket_or_404(actor: Actor, pk: int):
    try:
        return selectors.my_ticket(actor=actor, pk=pk)
    except NotFound:
        raise Http404 from None


@customer_required
@require_GET
def home(request: HttpRequest, actor: Actor) -> HttpResponse:
    try:
        page = selectors.my_tickets(actor=actor, cursor=request.GET.get("cursor") or None)
    except DomainError:  # a mangled cursor: start from the top
        page = selectors.my_tickets(actor=actor)
    rows = [(t, selectors.customer_status(t.status)) for t in page.items]
    return render_portal(request, "portal/home.html", {"rows": rows, "next_cursor": page.next_cursor})


def _ticket_page(request: HttpRequest, actor: Actor, ticket, form: ReplyForm, *, status=200) -> HttpResponse:
    return render_portal(request, "portal/ticket.html", {
        "ticket": ticket,
        "status_label": selectors.customer_status(ticket.status),
        "conversation": selectors.conversation(actor=actor, ticket=ticket),
        "form": form,
    }, status=status)


@customer_required
@require_http_methods(["GET", "POST"])
def ticket_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    ticket = _ticket_or_404(actor, pk)
    if request.method == "GET":
        return _ticket_page(request, actor, ticket, ReplyForm())
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _ticket_page(request, actor, ticket, form, status=422)
    try:
        message, outcome = services.portal_reply(
            actor=actor, ticket=ticket, body=form.cleaned_data["body"], files=form.cleaned_data["attachments"])
    except DomainError as exc:
        # e.g. a merged ticket; the form keeps the text so nothing typed is lost
        form.add_error(None, _("Your reply could not be sent: %(reason)s") % {"reason": exc.message})
        return _ticket_page(request, actor, ticket, form, status=exc.status)
    if outcome == ReplyOutcome.FOLLOW_UP:
        messages.success(request, _(
            "This request was already closed, so we opened a new one for your message: #%(number)s."
        ) % {"number": message.ticket.number})
        return redirect("portal:ticket", pk=message.ticket_id)
    if outcome == ReplyOutcome.REOPENED:
        messages.success(request, _("Thank you. Your reply was sent and the request is open again."))
    else:
        messages.success(request, _("Thank you. Your reply was sent."))
    return redirect("portal:ticket", pk=ticket.pk)


@customer_required
@require_GET
def attachment_download(request: HttpRequest, actor: Actor, pk: int,
                        attachment_id: int) -> FileResponse:
    ticket = _ticket_or_404(actor, pk)
    try:
        attachment = selectors.my_attachment(actor=actor, ticket=ticket, pk=attachment_id)
    except NotFound:
        raise Http404 from None
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type,
                            as_attachment=True, filename=attachment.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
def new_request(request: HttpRequest) -> HttpResponse:
    """The web form. Signed-in customers skip name and email; anyone else gives them."""
    actor = actor_for(request.user)
    signed_in = actor.is_customer
    if request.method == "GET":
        return render_portal(request, "portal/new.html", {"form": RequestForm(signed_in=signed_in)})
    form = RequestForm(request.POST, request.FILES, signed_in=signed_in)
    if not form.is_valid():
        return render_portal(request, "portal/new.html", {"form": form}, status=422)
    data = form.cleaned_data
    try:
        ticket = services.web_request_submit(
            actor=actor, ip=client_ip(request), subject=data["subject"], body=data["description"],
            category=data["category"], files=data["attachments"], name=data.get("name", ""),
            email=data.get("email", ""), phone=data.get("phone", ""),
        )
    except services.RateLimited:
        return render_portal(request, "portal/rate_limited.html", status=429)
    except DomainError as exc:
        form.add_error(None, exc.message)
        return render_portal(request, "portal/new.html", {"form": form}, status=exc.status)
    if signed_in:
        messages.success(request, _("Thank you. Your request #%(number)s was received.")
                         % {"number": ticket.number})
        return redirect("portal:ticket", pk=ticket.pk)
    request.session[LAST_REQUEST_KEY] = {"number": ticket.number, "email": data["email"]}
    return redirect("portal:new_done")


@require_GET
def new_request_done(request: HttpRequest) -> HttpResponse:
    last = request.session.get(LAST_REQUEST_KEY)
    if not last:
        return redirect("portal:new")
    return render_portal(request, "portal/new_done.html", {"number": last["number"], "email": last["email"]})

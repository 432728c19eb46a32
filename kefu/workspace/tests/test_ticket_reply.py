"""Sending from the ticket page: public replies, notes, attachments, collisions."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kefu.tickets.choices import Status, Visibility
from kefu.tickets.models import Message, Ticket
from kefu.tickets.services import message_post, ticket_update
from kefu.workspace.ticket_compose import seen_token

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def reply(client, ticket, seen, **data):
    payload = {"body": "您好，已经为您处理", "visibility": "public", "seen": seen, **data}
    return client.post(reverse("workspace:ticket_reply", args=[ticket.pk]), payload, **HX)


def test_public_reply_is_posted_and_returned_as_partial(cast, make_ticket):
    ticket = make_ticket(team=cast.team_a)
    response = reply(login(cast.agent_a), ticket, seen_token(ticket))
    assert response.status_code == 200
    message = Message.objects.filter(ticket=ticket).latest("pk")
    assert message.author_user_id == cast.agent_a.pk and message.visibility == Visibility.PUBLIC
    html = response.content.decode()
    assert f'data-message-id="{message.pk}"' in html and "已经为您处理" in html
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN and ticket.first_response_at is not None
    # The form's token is refreshed out of band, so the next send is not a collision.
    assert f'value="{seen_token(ticket)}" hx-swap-oob="true"' in html


def test_internal_note_and_status_after_sending(cast, make_ticket):
    ticket = make_ticket(team=cast.team_a)
    response = reply(login(cast.agent_a2), ticket, seen_token(ticket), body="内部：等仓库回复",
                     visibility="internal", status="pending")
    assert response.status_code == 200
    message = Message.objects.filter(ticket=ticket).latest("pk")
    assert message.visibility == Visibility.INTERNAL
    assert "tk-note" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING
    assert ticket.first_response_at is None  # a note is not a response to the customer


def test_outsider_cannot_post(cast, make_ticket):
    ticket = make_ticket(team=cast.team_a)
    assert reply(login(cast.agent_b), ticket, seen_token(ticket)).status_code == 404
    assert reply(login(cast.customer_user), ticket, seen_token(ticket)).status_code == 404
    assert Message.objects.filter(ticket=ticket).count() == 1


def test_empty_body_is_an_inline_error(cast, make_ticket):
    ticket = make_ticket(team=cast.team_a)
    response = reply(login(cast.agent_a), ticket, seen_token(ticket), body="   ")
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#reply-warning"
    assert "请先填写回复内容" in response.content.decode()
    assert Message.objects.filter(ticket=ticket).count() == 1


def test_stale_form_warns_and_confirm_sends(cast, make_ticket):
    ticket = make_ticket(team=cast.team_a)
    seen = seen_token(ticket)
    # Another agent answers and changes the priority after our page was loaded.
    message_post(actor=cast.actor(cast.agent_a2), ticket=ticket, body="我来跟进这个单")
    ticket_update(actor=cast.actor(cast.agent_a2), ticket=Ticket.objects.get(pk=ticket.pk),
                  changes={"priority": "high"})
    client = login(cast.agent_a)
    response = reply(client, ticket, seen)
    assert response.status_code == 409
    html = response.content.decode()
    assert "data-send-anyway" in html and "我来跟进这个单" in html and "赵客服" in html
    assert "高" in html  # the priority change is listed
    assert Message.objects.filter(ticket=ticket, author_user=cast.agent_a).count() == 0
    response = reply(client, ticket, seen, confirm="1")
    assert response.status_code == 200
    assert Message.objects.filter(ticket=ticket, author_user=cast.agent_a).count() == 1


def test_changes_kefu_made_itself_do_not_hold_a_reply_back(cast, make_ticket):
    from kefu.accounts.actor import SYSTEM

    ticket = make_ticket(team=cast.team_a)
    seen = seen_token(ticket)
    # Auto-triage tags and raises the ticket seconds after it arrived.
    ticket_update(actor=SYSTEM, ticket=Ticket.objects.get(pk=ticket.pk),
                  changes={"priority": "high", "tags": ["物流"]})
    response = reply(login(cast.agent_a), ticket, seen)
    assert response.status_code == 200
    assert Message.objects.filter(ticket=ticket, author_user=cast.agent_a).count() == 1


def test_garbage_token_counts_as_stale(cast, make_ticket):
    ticket = make_ticket(team=cast.team_a)
    response = reply(login(cast.agent_a), ticket, "not-a-date")
    assert response.status_code == 409
    assert Message.objects.filter(ticket=ticket).count() == 1


def test_reply_with_attachment_and_download(cast, make_ticket):
    ticket = make_ticket(team=cast.team_a)
    client = login(cast.agent_a)
    upload = SimpleUploadedFile("说明.txt", "请按步骤操作".encode(), content_type="text/plain")
    response = reply(client, ticket, seen_token(ticket), files=[upload])
    assert response.status_code == 200, response.content.decode()
    message = Message.objects.filter(ticket=ticket).latest("pk")
    attachment = message.attachments.get()
    url = reverse("workspace:ticket_attachment", args=[ticket.pk, attachment.pk])
    assert url in response.content.decode()
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == "请按步骤操作".encode()  # type: ignore[attr-defined]
    assert login(cast.agent_b).get(url).status_code == 404


def test_rejected_attachment_withdraws_the_message(cast, make_ticket):
    ticket = make_ticket(team=cast.team_a)
    bad = SimpleUploadedFile("fake.png", b"not a png", content_type="image/png")
    response = reply(login(cast.agent_a), ticket, seen_token(ticket), files=[bad])
    assert response.status_code == 415
    assert Message.objects.filter(ticket=ticket).count() == 1


def test_message_partial_for_live_updates_respects_scope(cast, make_ticket):
    ticket = make_ticket(team=cast.team_a)
    note = message_post(actor=cast.actor(cast.agent_a2), ticket=ticket, body="备注",
                        visibility="internal")
    url = reverse("workspace:ticket_message", args=[ticket.pk, note.pk])
    response = login(cast.agent_a).get(url)
    assert response.status_code == 200 and "内部备注" in response.content.decode()
    assert login(cast.agent_b).get(url).status_code == 404
    other = make_ticket(team=cast.team_a)
    wrong = reverse("workspace:ticket_message", args=[other.pk, note.pk])
    assert login(cast.agent_a).get(wrong).status_code == 404

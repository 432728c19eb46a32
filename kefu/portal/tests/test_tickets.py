from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kefu.accounts.actor import actor_for
from kefu.portal.tests.conftest import PNG
from kefu.tickets.choices import Status, Visibility
from kefu.tickets.models import Attachment, Ticket
from kefu.tickets.services import message_post, ticket_update

pytestmark = pytest.mark.django_db


def test_my_tickets_lists_only_mine(cast, make_ticket, portal_client):
    mine = make_ticket(subject="我的快递丢了")
    theirs = make_ticket(subject="李四的退款", requester=cast.other_customer)
    html = portal_client.get(reverse("portal:home")).content.decode()
    assert "我的快递丢了" in html and f"#{mine.number}" in html
    assert "李四的退款" not in html and f"#{theirs.number}" not in html


def test_another_customers_ticket_is_404_like_a_missing_one(cast, make_ticket, portal_client):
    mine = make_ticket()
    others = [make_ticket(requester=cast.other_customer) for _ in range(3)]
    assert portal_client.get(reverse("portal:ticket", args=[mine.pk])).status_code == 200
    # Guessing ids one after another finds nothing that is not mine.
    for pk in range(mine.pk + 1, max(t.pk for t in others) + 3):
        assert portal_client.get(reverse("portal:ticket", args=[pk])).status_code == 404
        assert portal_client.post(reverse("portal:ticket", args=[pk]), {"body": "hi"}).status_code == 404
    assert Ticket.objects.get(pk=others[0].pk).messages.count() == 1


def test_internal_notes_never_shown(cast, make_ticket, portal_client):
    ticket = make_ticket(team=cast.team_a)
    message_post(actor=actor_for(cast.agent_a), ticket=ticket, body="内部备注：客户是老用户，注意语气",
                 visibility=Visibility.INTERNAL)
    message_post(actor=actor_for(cast.agent_a), ticket=ticket, body="您好，已为您查询物流")
    html = portal_client.get(reverse("portal:ticket", args=[ticket.pk])).content.decode()
    assert "已为您查询物流" in html
    assert "内部备注" not in html


def test_reply_reopens_a_solved_ticket(cast, make_ticket, portal_client):
    ticket = make_ticket(team=cast.team_a)
    ticket_update(actor=actor_for(cast.agent_a), ticket=ticket, changes={"status": Status.SOLVED})
    response = portal_client.post(reverse("portal:ticket", args=[ticket.pk]),
                                  {"body": "还是没有收到", "attachments": [SimpleUploadedFile("a.png", PNG, "image/png")]})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN and ticket.reopened_count == 1
    last = ticket.messages.order_by("-pk").first()
    assert last.body_text == "还是没有收到" and last.author_customer_id == cast.customer.pk
    attachment = Attachment.objects.get(message=last)
    page = portal_client.get(response["Location"]).content.decode()
    assert "还是没有收到" in page and "a.png" in page
    download = portal_client.get(reverse("portal:attachment", args=[ticket.pk, attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG


def test_reply_to_closed_ticket_makes_a_follow_up(cast, make_ticket, portal_client):
    ticket = make_ticket(team=cast.team_a)
    agent = actor_for(cast.agent_a)
    ticket_update(actor=agent, ticket=ticket, changes={"status": Status.SOLVED})
    ticket_update(actor=agent, ticket=ticket, changes={"status": Status.CLOSED})
    response = portal_client.post(reverse("portal:ticket", args=[ticket.pk]), {"body": "又坏了"})
    follow_up = Ticket.objects.get(follow_up_of=ticket)
    assert response["Location"] == reverse("portal:ticket", args=[follow_up.pk])
    page = portal_client.get(response["Location"]).content.decode()
    assert f"#{follow_up.number}" in page


def test_empty_reply_and_bad_file_are_form_errors(cast, make_ticket, portal_client, settings):
    ticket = make_ticket()
    url = reverse("portal:ticket", args=[ticket.pk])
    assert portal_client.post(url, {"body": "   "}).status_code == 422
    bad = portal_client.post(url, {"body": "附件", "attachments": [
        SimpleUploadedFile("x.exe", b"MZ\x90\x00", "application/x-msdownload")]})
    assert bad.status_code == 422 and "x.exe" in bad.content.decode()
    assert ticket.messages.count() == 1


def test_other_customers_attachment_is_404(cast, make_ticket, portal_client):
    other = make_ticket(requester=cast.other_customer)
    assert portal_client.get(reverse("portal:attachment", args=[other.pk, 1])).status_code == 404


XSS = ['<script>alert(1)</script>', '<img src=x onerror=alert(2)>', '<iframe src="https://evil.test"></iframe>']


def test_subject_and_body_are_escaped(cast, make_ticket, portal_client):
    payload = " ".join(XSS)
    ticket = make_ticket(subject=f"坏人 {payload}", body=f"正文 {payload}")
    portal_client.post(reverse("portal:ticket", args=[ticket.pk]), {"body": payload})
    for url in (reverse("portal:home"), reverse("portal:ticket", args=[ticket.pk])):
        html = portal_client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "<img" not in html  # the layout has no images: any <img is injected markup
        assert "<iframe" not in html
    html = portal_client.get(reverse("portal:ticket", args=[ticket.pk])).content.decode()
    assert "&lt;script&gt;" in html and "&lt;iframe" in html

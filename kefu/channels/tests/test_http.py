"""The widget's HTTP side: script, string catalogue, offline messages, demo page."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from kefu.channels.models import Chat
from kefu.channels.selectors import OFFLINE_TAG
from kefu.conftest import run_queued_jobs
from kefu.tickets.models import Ticket
from kefu.tickets.services import message_post

pytestmark = pytest.mark.django_db


def test_widget_js_is_javascript_without_external_urls():
    response = Client().get("/chat/widget.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    source = response.content.decode()
    assert "attachShadow" in source and "/ws/chat/" in source
    # Everything comes from kefu itself: no absolute URL except in the embed comment.
    code = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", code, re.I)
    assert len(response.content) < 20_000


def test_config_json_is_chinese_by_default_and_english_on_request(cast):
    zh = Client().get("/chat/config.json")
    assert zh.status_code == 200
    assert zh["Content-Type"] == "application/json"
    assert zh["Access-Control-Allow-Origin"] == "*"
    data = zh.json()
    assert data["lang"] == "zh-hans" and data["strings"]["send"] == "发送"
    assert data["agents_online"] == 1 and data["ws_path"] == "/ws/chat/"
    en = Client().get("/chat/config.json?lang=en-GB").json()
    assert en["lang"] == "en" and en["strings"]["send"] == "Send"
    assert set(en["strings"]) == set(data["strings"])
    assert Client().get("/chat/config.json?lang=fr").json()["lang"] == "zh-hans"


def _offline(data, **kw):
    return Client().post("/chat/offline/", json.dumps(data), content_type="text/plain", **kw)


def test_offline_form_creates_a_chat_ticket_answered_by_email(cast):
    response = _offline({"name": "王五", "email": "Wang@Example.com", "message": "明天能发货吗？",
                         "lang": "en"})
    assert response.status_code == 201, response.content
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json()["message"] == "Thank you! We will reply to you by email."
    ticket = Ticket.objects.select_related("requester").get()
    assert ticket.channel == "chat" and ticket.number == response.json()["ticket"]
    assert ticket.requester.name == "王五"
    assert ticket.requester.identities.get().value == "wang@example.com"
    assert list(ticket.tags.values_list("name", flat=True)) == [OFFLINE_TAG]
    assert ticket.messages.get().channel_meta == {"offline": True}
    assert Chat.objects.get(ticket=ticket).offline


def test_offline_form_from_a_known_email_attaches_to_the_customer(cast):
    assert _offline({"name": "张三", "email": "zhang@example.com", "message": "你好"}).status_code == 201
    assert Ticket.objects.get().requester == cast.customer


@pytest.mark.parametrize("data, field", [
    ({"name": "王五", "email": "not-an-email", "message": "你好"}, "email"),
    ({"name": "王五", "email": "", "message": "你好"}, "email"),
    ({"name": "王五", "message": "你好"}, "email"),
    ({"name": "", "email": "w@example.com", "message": "你好"}, "name"),
    ({"name": "王五", "email": "w@example.com", "message": "  "}, "message"),
    ({"name": "王五", "email": "w@example.com", "message": 42}, "message"),
])
def test_offline_form_validates(db, data, field):
    response = _offline(data)
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert Ticket.objects.count() == 0


def test_offline_form_rejects_malformed_bodies_and_other_methods(db):
    response = Client().post("/chat/offline/", "{nope", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "malformed_json"
    assert _offline(["a list"]).status_code == 400
    assert Client().get("/chat/offline/").status_code == 405
    preflight = Client().options("/chat/offline/")
    assert preflight.status_code == 204 and "POST" in preflight["Access-Control-Allow-Methods"]


def test_demo_page_embeds_the_widget(db):
    response = Client().get("/chat/demo/")
    assert response.status_code == 200
    assert b'src="/chat/widget.js"' in response.content
    assert b"&lt;script src=&quot;http://testserver/chat/widget.js&quot; async&gt;" in response.content


def test_offline_form_is_rate_limited_per_address(db):
    data = {"name": "王五", "email": "w@example.com", "message": "你好"}
    statuses = [_offline(data, REMOTE_ADDR="10.0.0.9").status_code for _ in range(11)]
    assert statuses[:10] == [201] * 10 and statuses[10] == 429
    assert _offline(data, REMOTE_ADDR="10.0.0.10").status_code == 201


def test_agent_reply_to_an_offline_message_is_emailed(cast, mailoutbox,
                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _offline({"name": "王五", "email": "wang@example.com", "message": "明天能发货吗？"})
    ticket = Ticket.objects.get(number=response.json()["ticket"])
    assert mailoutbox == []  # the customer's own message is not mailed back
    with django_capture_on_commit_callbacks(execute=True):
        message_post(actor=cast.actor(cast.admin), ticket=ticket, body="内部：查一下库存",
                     visibility="internal")
        message_post(actor=cast.actor(cast.admin), ticket=ticket, body="您好，明天上午发货。")
    assert run_queued_jobs("mailout.send") == 1  # kefu/mailout sends it from the worker
    assert len(mailoutbox) == 1  # the public reply only, never the note
    mail = mailoutbox[0]
    assert mail.to[0].endswith("<wang@example.com>")  # 王五, encoded
    assert mail.body.strip() == "您好，明天上午发货。"
    assert f"#{ticket.number}" in mail.subject and "明天能发货吗" in mail.subject


def test_replies_to_live_chats_are_not_emailed(cast, mailoutbox, django_capture_on_commit_callbacks):
    from kefu.channels.services import chat_send, visitor_hello

    hello = visitor_hello(token=None, identity={"name": "赵六", "email": "zhao@example.com"})
    sent = chat_send(visitor_id=hello.visitor.pk, client_id="c1", body="在吗？")
    ticket = Ticket.objects.get(pk=sent.ticket_id)
    with django_capture_on_commit_callbacks(execute=True):
        message_post(actor=cast.actor(cast.admin), ticket=ticket, body="在的，请讲。")
    run_queued_jobs("mailout.send")
    assert mailoutbox == []

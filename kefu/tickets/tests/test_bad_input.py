"""Bad input: every case is a clean JSON 4xx with a machine-readable code, and nothing is lost."""

import pytest

from kefu.tickets.models import Ticket

GOOD = {"subject": "订单还没有发货", "body": "我的订单三天了还没发货",
        "requester": {"name": "张三", "email": "zhang@example.com"}}


@pytest.mark.parametrize(("payload", "status", "code", "field"), [
    ({**GOOD, "requester": {"name": "张三", "email": "not-an-email"}}, 422, "validation_error", "requester.email"),
    ({**GOOD, "requester": {"name": "张三", "phone": "12345"}}, 422, "validation_error", "requester.phone"),
    ({**GOOD, "requester": {"name": "张三"}}, 422, "validation_error", "requester"),
    ({**GOOD, "unknown_field": 1}, 422, "validation_error", "unknown_field"),
    ({**GOOD, "priority": "super-urgent"}, 422, "validation_error", "priority"),
    ({**GOOD, "channel": 7}, 422, "validation_error", "channel"),
    ({**GOOD, "tags": "not-a-list"}, 422, "validation_error", "tags"),
    ({**GOOD, "subject": ""}, 422, "validation_error", "subject"),
    ({**GOOD, "subject": "x" * 256}, 422, "validation_error", "subject"),
    ({**GOOD, "body": "   "}, 422, "validation_error", "body"),
    ({**GOOD, "requester": 999999}, 422, "validation_error", "requester"),
    ({**GOOD, "team_id": 999999}, 422, "validation_error", "team_id"),
    ({**GOOD, "custom_fields": {"nope": 1}}, 422, "validation_error", "custom_fields.nope"),
    ({k: v for k, v in GOOD.items() if k != "subject"}, 422, "validation_error", "subject"),
])
def test_invalid_ticket_bodies(cast, payload, status, code, field):
    api = cast.client(cast.admin)
    r = api.post_json("/api/v1/tickets", payload)
    assert r.status_code == status, r.content
    body = r.json()
    assert body["code"] == code
    assert body["field"] == field
    assert body["message"]
    assert Ticket.objects.count() == 0


def test_oversized_body_is_413(cast, settings):
    settings.KEFU_MAX_MESSAGE_CHARS = 1000
    r = cast.client(cast.admin).post_json("/api/v1/tickets", {**GOOD, "body": "长" * 1001})
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (413, "payload_too_large", "body")


def test_request_larger_than_the_upload_limit_is_413(cast, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    r = cast.client(cast.admin).post_json("/api/v1/tickets", {**GOOD, "body": "x" * 20_000})
    assert (r.status_code, r.json()["code"]) == (413, "payload_too_large")


@pytest.mark.parametrize(("raw", "content_type", "status", "code"), [
    ("{broken", "application/json", 400, "malformed_json"),
    ("[1, 2]", "application/json", 400, "malformed_json"),
    (b"\xff\xfe\x00garbage", "application/json", 400, "malformed_json"),
    ("subject=x", "text/plain", 415, "unsupported_media_type"),
])
def test_unparseable_bodies(cast, raw, content_type, status, code):
    api = cast.client(cast.admin)
    r = api.post("/api/v1/tickets", raw, content_type=content_type)
    assert r.status_code == status, r.content
    assert r.json()["code"] == code


@pytest.mark.parametrize("query", [
    "status=bogus", "limit=0", "limit=1000", "assignee_id=abc", "created_after=yesterday",
    "order=subject",
])
def test_invalid_list_queries(cast, query):
    r = cast.client(cast.admin).get(f"/api/v1/tickets?{query}")
    assert r.status_code == 422, r.content
    assert r.json()["code"] == "validation_error"


def test_unknown_route_and_method(cast):
    api = cast.client(cast.admin)
    assert api.get("/api/v1/nothing-here").status_code == 404
    r = api.delete("/api/v1/tickets")
    assert r.status_code == 405


def test_invalid_customer_input(cast):
    api = cast.client(cast.admin)
    r = api.post_json("/api/v1/customers", {"name": "王五", "emails": ["zhang@example.com"]})
    assert (r.status_code, r.json()["code"]) == (409, "duplicate_identity")
    r = api.post_json("/api/v1/customers", {"name": "王五", "phones": ["abc"]})
    assert (r.status_code, r.json()["field"]) == (422, "phones[0]")
    r = api.post_json("/api/v1/customers", {"name": "王五", "tier": "diamond"})
    assert (r.status_code, r.json()["field"]) == (422, "tier")
    r = api.post_json("/api/v1/customers", {"name": "王五", "birthday": "1990-02-30"})
    assert (r.status_code, r.json()["field"]) == (422, "birthday")


def test_update_rejects_unknown_fields_and_null_status(cast, make_ticket):
    ticket = make_ticket()
    api = cast.client(cast.admin)
    r = api.patch_json(f"/api/v1/tickets/{ticket.pk}", {"number": 5})
    assert (r.status_code, r.json()["field"]) == (422, "number")
    r = api.patch_json(f"/api/v1/tickets/{ticket.pk}", {"priority": None})
    assert (r.status_code, r.json()["field"]) == (422, "priority")

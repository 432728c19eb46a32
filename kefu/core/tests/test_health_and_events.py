import datetime as dt

import pytest
from django.db import transaction
from django.test import Client

from kefu.core.cursor import InvalidCursor, decode_cursor, encode_cursor
from kefu.core.events import Event, subscribe, unsubscribe


@pytest.mark.django_db
def test_healthz_ok():
    r = Client().get("/healthz")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"
    assert r.json()["database"] in ("sqlite", "postgresql")


@pytest.mark.django_db
def test_healthz_503_when_the_database_fails(monkeypatch):
    from django.db import connection
    from django.db.utils import OperationalError

    def broken(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken)
    r = Client().get("/healthz")
    assert r.status_code == 503
    assert r.json()["status"] == "error"


def test_openapi_and_docs_are_served(db):
    spec = Client().get("/api/v1/openapi.json")
    assert spec.status_code == 200
    paths = spec.json()["paths"]
    assert "/api/v1/tickets" in paths and "/api/v1/customers/{customer_id}/timeline" in paths
    assert Client().get("/api/v1/docs").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_events_run_after_commit_and_not_on_rollback(cast, make_ticket):
    seen = []

    def listener(ticket_id, **_):
        seen.append(ticket_id)

    subscribe(Event.TICKET_CREATED)(listener)
    try:
        with transaction.atomic():
            ticket = make_ticket()
            assert seen == []  # not yet committed
        assert seen == [ticket.pk]
        with pytest.raises(RuntimeError), transaction.atomic():
            make_ticket()
            raise RuntimeError("roll back")
        assert seen == [ticket.pk]
    finally:
        unsubscribe(Event.TICKET_CREATED, listener)


@pytest.mark.django_db(transaction=True)
def test_a_failing_listener_does_not_break_the_request(cast, make_ticket):
    def broken(ticket_id, **_):
        raise ValueError("listener bug")

    subscribe(Event.TICKET_CREATED)(broken)
    try:
        ticket = make_ticket()
        assert ticket.pk
    finally:
        unsubscribe(Event.TICKET_CREATED, broken)


def test_cursor_round_trip_and_garbage():
    when = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
    assert decode_cursor(encode_cursor(when, 42)) == (when, 42)
    for garbage in ("", "abc", "W10", encode_cursor(when, 1)[:-3] + "!!"):
        with pytest.raises(InvalidCursor):
            decode_cursor(garbage)


def test_sanitised_html_drops_remote_images_but_keeps_inline_ones():
    from kefu.core.html import sanitize_html

    clean = sanitize_html('<p>您好<img src="https://track.example/p.gif" alt="logo">'
                          '<img src="cid:part1@x" alt="截图"><script>x()</script></p>')
    assert "track.example" not in clean and 'alt="logo"' in clean
    assert 'src="cid:part1@x"' in clean and "<script" not in clean

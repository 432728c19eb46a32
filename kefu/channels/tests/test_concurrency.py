"""Parallel sends on PostgreSQL: one visitor, real connections, one per thread."""

from __future__ import annotations

import pytest

from kefu.channels.models import ChatMessageKey
from kefu.channels.services import chat_send, visitor_hello
from kefu.conftest import in_parallel, on_postgres
from kefu.tickets.models import Message, Ticket

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not on_postgres(), reason="needs PostgreSQL (DATABASE_URL)"),
    pytest.mark.django_db(transaction=True),
]


def test_parallel_resends_of_one_client_id_make_one_message(db):
    visitor = visitor_hello(token=None).visitor
    results = in_parallel(6, lambda i: chat_send(visitor_id=visitor.pk, client_id="same", body="你好"))
    assert len({r.message_id for r in results}) == 1
    assert sum(r.created for r in results) == 1
    assert Message.objects.count() == 1 and ChatMessageKey.objects.count() == 1


def test_parallel_first_messages_open_one_ticket(db):
    visitor = visitor_hello(token=None).visitor
    results = in_parallel(5, lambda i: chat_send(visitor_id=visitor.pk, client_id=f"c{i}", body=f"第{i}条"))
    assert len({r.ticket_id for r in results}) == 1
    assert Ticket.objects.count() == 1 and Message.objects.count() == 5

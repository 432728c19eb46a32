"""Threading finds replies by Message-ID through an index on PostgreSQL, not a scan."""

from __future__ import annotations

import pytest
from django.db import connection

from kefu.conftest import query_plan
from kefu.tickets.models import Message

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_message_id_lookup_uses_the_index():
    plan = query_plan(Message.objects.filter(channel_meta__message_id__in=["<a@example.cn>"]))
    assert "message_rfc_id" in plan

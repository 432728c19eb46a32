"""The time-based sweep reads indexes, not every ticket."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kefu.automations.models import Rule
from kefu.automations.selectors import time_candidates
from kefu.conftest import query_plan as plan

pytestmark = pytest.mark.django_db


def test_status_anchor_uses_the_status_and_timeline_indexes():
    rule = Rule.objects.get(name="已解决 7 天后自动关闭")
    text = plan(time_candidates(rule, timezone.now()).values_list("pk", "since"))
    assert "tickets_tic_status_" in text  # Ticket (status, -created_at)
    assert "tickets_tic_ticket_" in text  # TicketEvent (ticket, created_at)
    assert "automation_run_once" in text or "automations_rule_" in text  # the runs already done

"""The sweep and the at-risk view read indexes, not every clock."""

from __future__ import annotations

import pytest

from kefu.conftest import query_plan as plan
from kefu.sla.choices import TargetState
from kefu.sla.models import SlaTarget
from kefu.sla.tests.conftest import sh

pytestmark = pytest.mark.django_db


def test_sweep_query_uses_the_sweep_index():
    query = SlaTarget.objects.filter(state=TargetState.RUNNING, next_check_at__lte=sh(2025, 3, 5, 10)) \
        .order_by("next_check_at", "id")
    assert "sla_target_sweep" in plan(query)


def test_due_query_uses_the_due_index():
    query = SlaTarget.objects.filter(state=TargetState.RUNNING, due_at__lte=sh(2025, 3, 5, 10))
    assert "sla_target_due" in plan(query)

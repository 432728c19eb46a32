"""Periodic: the SLA sweep marks clocks at risk and breached as their times pass."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kefu.jobs.registry import periodic
from kefu.sla.services import sla_sweep


@periodic("sla.sweep", every=dt.timedelta(minutes=1))
def sweep(payload: dict[str, Any]) -> None:
    sla_sweep()  # idempotent: a breach is recorded once, at its due time

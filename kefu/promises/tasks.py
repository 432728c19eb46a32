"""Periodic: remind owners of promises that are about to fall due."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kefu.jobs.registry import periodic
from kefu.promises.services import promise_remind_due

REMIND_BEFORE = dt.timedelta(hours=1)


@periodic("promises.remind", every=dt.timedelta(minutes=1))
def remind(payload: dict[str, Any]) -> None:
    promise_remind_due(within=REMIND_BEFORE)  # idempotent: reminded_at is set once

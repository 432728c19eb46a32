"""Jobs: the time-based rules' sweep, and the mail/webhook actions of rule runs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kefu.automations.services import EXTERNAL_JOB, run_external_action, time_rules_sweep
from kefu.jobs.registry import job_handler, periodic


@periodic("automations.time_rules", every=dt.timedelta(minutes=5))
def time_rules(payload: dict[str, Any]) -> None:
    time_rules_sweep()  # idempotent: each (rule, ticket, period) has one RuleRun


@job_handler(EXTERNAL_JOB)
def external_action(payload: dict[str, Any]) -> None:
    # payload: {"run_id", "index", "action"}; idempotent: a recorded action is not repeated
    run_external_action(run_id=int(payload["run_id"]), index=int(payload["index"]),
                        action=payload["action"])

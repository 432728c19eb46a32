"""The parse job of each stored inbound mail."""

from __future__ import annotations

from typing import Any

from kefu.jobs.registry import job_handler
from kefu.mailin.processing import inbound_process
from kefu.mailin.services import PROCESS_JOB


@job_handler(PROCESS_JOB)
def process(payload: dict[str, Any]) -> None:
    inbound_process(inbound_id=int(payload["inbound_id"]))

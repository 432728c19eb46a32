"""Jobs: deliver one queued mail (retried with backoff by the queue)."""

from __future__ import annotations

from typing import Any

from kefu.jobs.registry import job_handler
from kefu.mailout.services import SEND_JOB, outbound_send


@job_handler(SEND_JOB)
def send(payload: dict[str, Any]) -> None:
    # payload: {"outbound_id"}; idempotent: only a queued mail is sent
    outbound_send(outbound_id=int(payload["outbound_id"]))

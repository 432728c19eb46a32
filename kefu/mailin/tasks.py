"""The parse job of each stored inbound mail, and the IMAP poll every minute."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from kefu.jobs.registry import job_handler, periodic
from kefu.mailin.imap import imap_poll_active
from kefu.mailin.processing import inbound_process
from kefu.mailin.services import PROCESS_JOB

IMAP_POLL_JOB = "mailin.imap_poll"


@job_handler(PROCESS_JOB)
def process(payload: dict[str, Any]) -> None:
    inbound_process(inbound_id=int(payload["inbound_id"]))


@periodic(IMAP_POLL_JOB, every=timedelta(minutes=1))
def imap_poll(payload: dict[str, Any]) -> None:
    imap_poll_active()

"""Jobs of the offline assistance: message analysis, QA scoring, PII redaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kefu.intel.listeners import ANALYSE_JOB, QA_JOB
from kefu.intel.quality import qa_score_ticket
from kefu.intel.redaction import redact_old_messages
from kefu.intel.services import insight_analyse_message
from kefu.jobs.registry import job_handler, periodic, warm_up


@job_handler(ANALYSE_JOB)
def analyse(payload: dict[str, Any]) -> None:
    insight_analyse_message(message_id=int(payload["message_id"]))  # idempotent


@job_handler(QA_JOB)
def score(payload: dict[str, Any]) -> None:
    qa_score_ticket(ticket_id=int(payload["ticket_id"]))  # the same conversation, the same score


@periodic("intel.redact", every=dt.timedelta(hours=6))
def redact(payload: dict[str, Any]) -> None:
    redact_old_messages()


@warm_up
def train_emotion_model() -> None:
    # The emotion classifier is trained from kefu/assist/data on first use (0.6 s of CPU):
    # pay it when the worker starts, not in the first customer message's job.
    from kefu.assist.emotion_model import get_model

    get_model()

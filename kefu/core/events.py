"""An explicit in-process event bus; handlers run after the transaction commits.

Services call ``publish(Event.TICKET_CREATED, ticket_id=...)``; listeners are
registered with ``@subscribe(Event.TICKET_CREATED)`` in an app's
``listeners.py``, imported from its ``AppConfig.ready``. Nothing business-like
lives in Django signals or ``save()``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import models, transaction

logger = logging.getLogger(__name__)

Handler = Callable[..., Any]


class Event(models.TextChoices):
    TICKET_CREATED = "ticket.created"  # ticket_id, message_id and author_kind of its first message
    TICKET_UPDATED = "ticket.updated"
    TICKET_MERGED = "ticket.merged"
    MESSAGE_CREATED = "message.created"  # ticket_id, message_id, visibility, author_kind, status (new, or None)
    CUSTOMER_CREATED = "customer.created"
    CUSTOMER_UPDATED = "customer.updated"
    CUSTOMER_MERGED = "customer.merged"
    SLA_AT_RISK = "sla.at_risk"  # ticket_id, target_id, policy_id, metric, occurred_at
    SLA_BREACHED = "sla.breached"  # the same
    NOTIFICATION_CREATED = "notification.created"  # user_ids
    INSIGHT_UPDATED = "insight.updated"  # ticket_id: a message was analysed (kefu.intel)
    AGENT_UPDATED = "agent.updated"  # user_id, team_ids, fields (e.g. availability)


_handlers: dict[str, list[Handler]] = defaultdict(list)


def subscribe(event: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        if handler not in _handlers[event]:
            _handlers[event].append(handler)
        return handler

    return register


def unsubscribe(event: str, handler: Handler) -> None:
    if handler in _handlers[event]:
        _handlers[event].remove(handler)


def _dispatch(event: str, payload: dict[str, Any]) -> None:
    for handler in list(_handlers.get(event, ())):
        try:
            handler(**payload)
        except Exception:
            # One failing listener must not stop the others nor the request that
            # already committed; it is logged with its event for the operator.
            logger.exception("event handler %s failed for %s", handler, event)


def publish(event: str, **payload: Any) -> None:
    """Dispatch ``event`` once the surrounding transaction commits (at once if none)."""
    transaction.on_commit(lambda: _dispatch(event, payload), robust=False)

"""The ticket life cycle: every allowed status transition, in one place."""

from __future__ import annotations

from kefu.core.errors import InvalidTransition
from kefu.tickets.choices import Status

# Closed is final: a customer writing again gets a follow-up ticket linked to it.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.OPEN, Status.PENDING, Status.ON_HOLD, Status.SOLVED}),
    Status.OPEN: frozenset({Status.PENDING, Status.ON_HOLD, Status.SOLVED}),
    Status.PENDING: frozenset({Status.OPEN, Status.ON_HOLD, Status.SOLVED}),
    Status.ON_HOLD: frozenset({Status.OPEN, Status.PENDING, Status.SOLVED}),
    Status.SOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}

# Statuses in which a customer's new message sends the ticket back to the agents.
REOPEN_ON_CUSTOMER_REPLY = frozenset({Status.PENDING, Status.SOLVED})

ACTIVE_STATUSES = frozenset({Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD})


def can_transition(current: str, target: str) -> bool:
    return target == current or target in TRANSITIONS[current]


def check_transition(current: str, target: str) -> None:
    if not can_transition(current, target):
        raise InvalidTransition(f"a {current} ticket cannot become {target}", field="status")


def is_reopen(current: str, target: str) -> bool:
    return current == Status.SOLVED and target == Status.OPEN

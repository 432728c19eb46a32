"""Job kinds and periodic tasks, registered by decorators in each app's ``tasks.py``.

    @job_handler("sla.check_ticket")
    def check_ticket(payload: dict) -> None: ...

    @periodic("sla.sweep", every=timedelta(minutes=1))
    def sweep(payload: dict) -> None: ...   # payload: {"tick": "<ISO time of the tick>"}

``kefu.jobs`` imports every installed app's ``tasks`` module at start-up (like the
admin's ``admin.py``), so web processes can enqueue and workers can run every kind.

Handlers must be idempotent. A job runs at least once, not exactly once: a worker that
dies (or loses its database connection) after the handler's writes but before the job
is marked done leaves the job to run again once its lease runs out, and a failure is
retried. Check-then-act on the database (``update ... where state = old``, unique keys,
``get_or_create``) rather than assuming a first run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import ImproperlyConfigured

Handler = Callable[[dict[str, Any]], Any]


@dataclass(frozen=True)
class Periodic:
    name: str
    every: timedelta


_handlers: dict[str, Handler] = {}
_periodics: dict[str, Periodic] = {}


def _same_function(a: Callable[..., Any], b: Callable[..., Any]) -> bool:
    # A module imported twice (tests, reloads) registers an equal function again.
    return (getattr(a, "__module__", None), getattr(a, "__qualname__", None)) == (
        getattr(b, "__module__", None), getattr(b, "__qualname__", None))


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    """Register ``handler(payload)`` as the one handler of jobs of ``kind``."""
    if not kind or len(kind) > 100:
        raise ImproperlyConfigured(f"job kind {kind!r} must have 1 to 100 characters")

    def register(handler: Handler) -> Handler:
        existing = _handlers.get(kind)
        if existing is not None and not _same_function(existing, handler):
            raise ImproperlyConfigured(f"job kind {kind!r} already has a handler: {existing}")
        _handlers[kind] = handler
        return handler

    return register


def periodic(name: str, *, every: timedelta) -> Callable[[Handler], Handler]:
    """Run ``handler(payload)`` every ``every``: each tick enqueues one job of kind ``name``.

    Ticks missed while no worker ran collapse into one run."""
    if every < timedelta(seconds=1):
        raise ImproperlyConfigured(f"periodic {name!r}: every must be at least one second")

    def register(handler: Handler) -> Handler:
        job_handler(name)(handler)
        _periodics[name] = Periodic(name=name, every=every)
        return handler

    return register


_warm_ups: list[Callable[[], Any]] = []


def warm_up(fn: Callable[[], Any]) -> Callable[[], Any]:
    """Run ``fn()`` once when a long-running worker starts, before its first job: for
    one-off costs (building a model) a first job would otherwise pay in the middle of
    the web process's traffic."""
    if not any(_same_function(fn, known) for known in _warm_ups):
        _warm_ups.append(fn)
    return fn


def warm_ups() -> list[Callable[[], Any]]:
    return list(_warm_ups)


def handler_for(kind: str) -> Handler | None:
    return _handlers.get(kind)


def periodics() -> dict[str, Periodic]:
    return dict(_periodics)


def unregister(kind: str) -> None:
    """Forget a kind (and its schedule): for tests."""
    _handlers.pop(kind, None)
    _periodics.pop(kind, None)

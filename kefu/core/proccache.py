"""A value read from the database at most every few seconds per process.

Settings-like rows (SLA policies, categories, the intent model) are read on every
ticket event; reading and building them each time was a measurable part of a ticket
create. ``forget()`` drops the value at once in this process (connected to the rows'
post_save/post_delete signals); other processes see a change within ``ttl`` seconds.
Bulk ``QuerySet.update()`` sends no signal: call ``forget()`` after one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

_all: list[ProcessCached] = []


class ProcessCached(Generic[T]):
    def __init__(self, load: Callable[[], T], *, ttl: float = 10.0) -> None:
        self._load = load
        self.ttl = ttl
        self._value: tuple[float, T] | None = None
        _all.append(self)

    def get(self) -> T:
        cached, now = self._value, time.monotonic()
        if cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        value = self._load()
        self._value = (now, value)
        return value

    def forget(self, **_: object) -> None:
        self._value = None


def forget_all() -> None:
    """Drop every cached value (tests: a rolled-back test's rows must not survive)."""
    for cached in _all:
        cached.forget()

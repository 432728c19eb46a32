"""Helpers for SLA tests: frozen time, bus listeners run on commit, and the actors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from kefu.core.events import subscribe, unsubscribe
from kefu.sla.choices import SLA_AT_RISK, SLA_BREACHED
from kefu.sla.models import SlaPolicy

SHANGHAI = ZoneInfo("Asia/Shanghai")


def sh(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


@contextmanager
def frozen(at: datetime) -> Iterator[None]:
    with mock.patch("django.utils.timezone.now", return_value=at):
        yield


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """``run(at, fn, *args, **kw)``: call a service at a frozen instant; bus listeners run."""

    def call(at, fn, *args, **kw):
        with frozen(at), django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kw)

    return call


@pytest.fixture
def sla_bus():
    """The sla.* bus events published during the test, as (name, payload) pairs."""
    seen: list[tuple[str, dict]] = []
    handlers = {}
    for name in (SLA_AT_RISK, SLA_BREACHED):
        def handler(_name=name, **payload):
            seen.append((_name, payload))
        handlers[name] = handler
        subscribe(name)(handler)
    yield seen
    for name, handler in handlers.items():
        unsubscribe(name, handler)


@pytest.fixture
def only_policies(db):
    """Deactivate the shipped policies; the test creates its own."""

    def make(*specs: dict) -> list[SlaPolicy]:
        SlaPolicy.objects.update(active=False)
        made = []
        for position, spec in enumerate(specs, start=1):
            spec = {"name": f"policy {position}", "position": position, **spec}
            made.append(SlaPolicy.objects.create(**spec))
        return made

    return make

"""Helpers for automation tests: bus listeners run on commit, rules, a local webhook server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from unittest import mock

import pytest
from django.utils import translation

from kefu.automations.services import rule_create
from kefu.conftest import run_queued_jobs


@contextmanager
def frozen(at: datetime) -> Iterator[None]:
    with mock.patch("django.utils.timezone.now", return_value=at):
        yield


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted in English; one admin test checks the Chinese default."""
    with translation.override("en"):
        yield


@pytest.fixture
def bus(django_capture_on_commit_callbacks):
    """``with bus(): ...``: the bus events published inside run on leaving the block."""

    @contextmanager
    def block(at: datetime | None = None) -> Iterator[None]:
        if at is None:
            with django_capture_on_commit_callbacks(execute=True):
                yield
        else:
            with frozen(at), django_capture_on_commit_callbacks(execute=True):
                yield

    return block


@pytest.fixture
def rule(db):
    counter = iter(range(1, 10_000))

    def make(**fields: Any):
        fields.setdefault("name", f"rule {next(counter)}")
        fields.setdefault("event", "ticket_created")
        return rule_create(**fields)

    return make


class _Hook:
    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.status = 200
        self.url = ""


@pytest.fixture
def webhook() -> Iterator[_Hook]:
    """A real HTTP server on 127.0.0.1 that records the JSON bodies POSTed to it."""
    hook = _Hook()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            length = int(self.headers.get("Content-Length", 0))
            hook.bodies.append(json.loads(self.rfile.read(length)))
            self.send_response(hook.status)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    hook.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    try:
        yield hook
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def run_jobs(db):
    """Run the queued mail/webhook jobs of rule runs, as the worker would (returns how many)."""
    from kefu.automations.services import EXTERNAL_JOB

    return lambda: run_queued_jobs(EXTERNAL_JOB, twice=True)  # a retried job does nothing twice

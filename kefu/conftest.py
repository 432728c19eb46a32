"""Shared fixtures: a small organisation with two teams and users of every role.

Every permission test uses the same cast: ``owner`` (the requester or the
assigned agent), ``teammate`` (an agent of the ticket's team) and ``outsider``
(an agent of another team, or another customer).
"""

from __future__ import annotations

import os
import socket
import threading
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client

from kefu.accounts.actor import SYSTEM, actor_for
from kefu.accounts.choices import Availability, Role
from kefu.accounts.services import agent_create, team_create, token_create
from kefu.customers.services import IdentitySet, customer_create
from kefu.tickets.services import ticket_create


@pytest.fixture(autouse=True)
def _fast_hasher_and_no_network(settings, monkeypatch, tmp_path):
    from kefu.core.proccache import forget_all

    forget_all()  # per-process cached rows may be a rolled-back test's
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    real_connect = socket.socket.connect

    def guarded_connect(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in ("127.0.0.1", "localhost", "::1") and not host.startswith("/"):
            raise OSError(f"network access blocked in tests: {address}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


def on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))


def in_parallel(n: int, work):
    """Run ``work(i)`` for i < n in n threads released at once, each on its own
    database connection; returns the results and fails on any exception."""
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run(i):
        try:
            barrier.wait()
            results.append(work(i))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return results


@pytest.fixture
def web():
    """A browser-like client signed in as ``user`` (session cookie, CSRF not enforced)."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


def run_queued_jobs(*kinds: str, twice: bool = False) -> int:
    """Run the queued jobs of ``kinds`` (every kind when none is named) through their
    handlers, as the worker would, oldest first; ``twice`` runs each one again to show a
    retried job does nothing twice. The jobs are deleted; returns how many ran."""
    from kefu.jobs.models import Job
    from kefu.jobs.registry import handler_for

    jobs = Job.objects.order_by("id")
    if kinds:
        jobs = jobs.filter(kind__in=kinds)
    ran = list(jobs)
    for job in ran:
        handler = handler_for(job.kind)
        assert handler is not None, f"no handler for {job.kind}"
        for _ in range(2 if twice else 1):
            handler(job.payload)
    Job.objects.filter(pk__in=[job.pk for job in ran]).delete()
    return len(ran)


def query_plan(query) -> str:
    """The database's plan for ``query``; on PostgreSQL with sequential scans off, since
    test tables are tiny: it shows which indexes the query *can* use."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    return query.explain()


class ApiClient(Client):
    """A test client that speaks JSON and carries a bearer token."""

    def __init__(self, token: str | None = None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        super().__init__(**headers)

    def post_json(self, path, data=None, **kw):
        return self.post(path, data if data is not None else {}, content_type="application/json", **kw)

    def patch_json(self, path, data=None, **kw):
        return self.patch(path, data if data is not None else {}, content_type="application/json", **kw)


@dataclass
class Cast:
    admin: object
    lead_a: object
    agent_a: object
    agent_a2: object
    agent_b: object
    team_a: object
    team_b: object
    customer: object
    customer_user: object
    other_customer: object
    other_customer_user: object

    def client(self, user) -> ApiClient:
        return ApiClient(token_create(user=user)[1])

    def actor(self, user):
        return actor_for(user)


@pytest.fixture
def cast(db, django_user_model) -> Cast:
    admin = agent_create(username="admin", role=Role.ADMIN, email="admin@kefu.test")
    lead_a = agent_create(username="lead_a", role=Role.LEAD, display_name="王组长")
    agent_a = agent_create(username="agent_a", display_name="李客服", availability=Availability.ONLINE)
    agent_a2 = agent_create(username="agent_a2", display_name="赵客服")
    agent_b = agent_create(username="agent_b", display_name="陈客服")
    team_a = team_create(name="售后服务", lead=lead_a, members=[agent_a, agent_a2])
    team_b = team_create(name="售前咨询", members=[agent_b])
    customer_user = django_user_model.objects.create_user(username="zhangsan")
    customer = customer_create(
        name="张三", identities=IdentitySet(emails=["zhang@example.com"], phones=["13800138000"])
    )
    customer.user = customer_user
    customer.save(update_fields=["user"])
    other_user = django_user_model.objects.create_user(username="lisi")
    other = customer_create(name="李四", identities=IdentitySet(emails=["li@example.com"]))
    other.user = other_user
    other.save(update_fields=["user"])
    return Cast(admin, lead_a, agent_a, agent_a2, agent_b, team_a, team_b, customer,
                customer_user, other, other_user)


@pytest.fixture
def make_ticket(cast):
    def make(*, requester=None, team=None, assignee=None, subject="订单还没有发货", **kw):
        ticket, _ = ticket_create(
            actor=SYSTEM, subject=subject, body=kw.pop("body", "我的订单三天了还没发货"),
            requester=requester or cast.customer, channel=kw.pop("channel", "email"),
            team_id=team.pk if team else None, assignee_id=assignee.pk if assignee else None,
            **kw,
        )
        return ticket

    return make

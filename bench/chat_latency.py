"""kefu live-chat latency benchmark: N visitors on /ws/chat/, one agent on /ws/agent/.

1. makes a fresh data dir (and for PostgreSQL a fresh database, ``kefu_chat_bench``),
   runs ``kefu migrate``, creates an online admin agent with a browser session (in a
   subprocess, through kefu's services) and an API token with ``kefu token create``;
2. starts ``kefu serve`` as a subprocess and waits for ``/healthz``;
3. connects the agent's workspace socket (session cookie) and ``--visitors`` widget
   sockets; each visitor, ``--messages`` times: sends a message (op "send"), waits for
   its ack, waits until the agent socket has seen it (the "created" queue event for the
   chat's first message, then "ticket.message" events with the message id of the watched
   ticket, and what was posted before the "watching" answer arrived, as the ticket page
   catches up), then the agent answers through the REST API (``POST
   /api/v1/tickets/<id>/messages`` with the token, ``--agents`` requests at a time) and
   the visitor waits for that reply on its socket;
4. prints p50/p95/p99 of visitor→agent-visible, agent-reply→visitor (from the start of
   the REST call) and send→ack, messages/s (visitor + agent messages over the run),
   and checks the database: one chat ticket per visitor, every message stored once.

Run it from the repository root (it uses the ``websockets`` package of the venv)::

    .venv/bin/python bench/chat_latency.py --visitors 200 --messages 3
    .venv/bin/python bench/chat_latency.py --db postgres --redis --workers 2
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_throughput import (  # noqa: E402 - the shared server/database helpers
    DEFAULT_PG_ADMIN_URL,
    Server,
    pg_admin,
    pg_database_url,
    run_checked,
)

BENCH_DB_NAME = "kefu_chat_bench"
AGENT = "chatbench"


# --------------------------------------------------------------------------- run in a subprocess
# with the run's environment (Django configured for that data dir / database)


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def internal_agent() -> None:
    """An online admin agent and a logged-in session for its workspace socket."""
    _django()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from kefu.accounts.choices import Availability, Role
    from kefu.accounts.services import agent_create

    user = agent_create(username=AGENT, role=Role.ADMIN, display_name="压测客服",
                        availability=Availability.ONLINE)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"  # axes comes first
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    print(json.dumps({"session": session.session_key, "cookie": settings.SESSION_COOKIE_NAME}))


def internal_check() -> None:
    _django()
    from kefu.channels.models import Chat, ChatMessageKey
    from kefu.tickets.models import Message, Ticket

    print(json.dumps({
        "chat_tickets": Ticket.objects.filter(channel="chat").count(),
        "chats": Chat.objects.count(),
        "visitor_messages": Message.objects.filter(author_kind="customer").count(),
        "agent_messages": Message.objects.filter(author_kind="agent").count(),
        "keys": ChatMessageKey.objects.count(),
    }))


# --------------------------------------------------------------------------- measurement


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index] * 1000


@dataclass
class Stats:
    to_agent: list[float] = field(default_factory=list)
    to_visitor: list[float] = field(default_factory=list)
    ack: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    messages: int = 0


class AgentSide:
    """The agent's workspace socket: when each visitor message became visible to it."""

    def __init__(self, base: str, token: str, pool: ThreadPoolExecutor):
        self.base, self.token, self.pool = base, token, pool
        self.seen_at: dict[int, float] = {}  # message id -> agent saw it
        self.ticket_of: dict[int, int] = {}  # message id -> ticket id
        self.waiters: dict[int, asyncio.Future[None]] = {}
        self.ws: Any = None

    def _seen(self, message_id: int, ticket_id: int, at: float) -> None:
        self.seen_at.setdefault(message_id, at)
        self.ticket_of[message_id] = ticket_id
        waiter = self.waiters.pop(message_id, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def visible(self, message_id: int, timeout: float) -> tuple[float, int]:
        if message_id not in self.seen_at:
            fut = self.waiters.setdefault(message_id, asyncio.get_running_loop().create_future())
            await asyncio.wait_for(asyncio.shield(fut), timeout)
        return self.seen_at[message_id], self.ticket_of[message_id]

    def _rest(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        request = urllib.request.Request(
            self.base + path, method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.load(response)

    async def rest(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        return await asyncio.get_running_loop().run_in_executor(
            self.pool, self._rest, method, path, body)

    async def _messages(self, ticket_id: int, at: float, limit: int) -> None:
        # Events name tickets, not messages (a new chat, a granted watch): one read maps
        # them (not on the timed path: ``at`` is when the event arrived).
        page = await self.rest("GET", f"/api/v1/tickets/{ticket_id}/messages?limit={limit}")
        for message in page["items"]:
            self._seen(message["id"], ticket_id, at)

    async def run(self, ws: Any) -> None:
        self.ws = ws
        async for raw in ws:
            at = time.perf_counter()
            event = json.loads(raw)
            kind = event.get("event")
            if kind == "queue.changed" and event.get("kind") == "created":
                await ws.send(json.dumps({"op": "watch", "ticket_id": event["ticket_id"]}))
                asyncio.create_task(self._messages(event["ticket_id"], at, 1))
            elif kind == "watching":
                # Pushes for the ticket flow from here; what came before is read (as the
                # ticket page does), so a message sent during the watch is not missed.
                asyncio.create_task(self._messages(event["ticket_id"], at, 100))
            elif kind == "ticket.message":
                self._seen(event["message_id"], event["ticket_id"], at)


async def visitor(i: int, ws_url: str, agent: AgentSide, stats: Stats, messages: int,
                  timeout: float, think: float = 0.0) -> None:
    import websockets

    async with websockets.connect(ws_url, max_size=2**22, open_timeout=timeout) as ws:
        await ws.send(json.dumps({"op": "hello", "visitor": None, "identity": None}))
        replies: asyncio.Queue[tuple[float, str]] = asyncio.Queue()
        acks: asyncio.Queue[tuple[float, dict[str, Any]]] = asyncio.Queue()

        async def reader() -> None:
            async for raw in ws:
                at = time.perf_counter()
                event = json.loads(raw)
                if event.get("event") == "ack":
                    await acks.put((at, event))
                elif event.get("event") == "message" and event.get("author") == "agent":
                    await replies.put((at, event["body"]))
                elif event.get("event") == "error":
                    stats.errors.append(f"visitor {i}: {event}")

        task = asyncio.create_task(reader())
        try:
            for k in range(messages):
                if k and think:
                    # A person reads the reply and types: 0.5x to 1.5x --think seconds.
                    await asyncio.sleep(think * (0.5 + random.random()))
                t0 = time.perf_counter()
                await ws.send(json.dumps({"op": "send", "client_id": f"v{i}m{k}",
                                          "body": f"访客 {i} 的第 {k + 1} 条消息：请问订单什么时候发货？"}))
                at, ack = await asyncio.wait_for(acks.get(), timeout)
                stats.ack.append(at - t0)
                seen, ticket_id = await agent.visible(ack["message_id"], timeout)
                stats.to_agent.append(seen - t0)
                marker = f"回复 {i}-{k}：您好，已为您查询，预计明天发货。"
                t1 = time.perf_counter()
                await agent.rest("POST", f"/api/v1/tickets/{ticket_id}/messages", {"body": marker})
                while True:
                    got_at, body = await asyncio.wait_for(replies.get(), timeout)
                    if body == marker:
                        break
                stats.to_visitor.append(got_at - t1)
                stats.messages += 2
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


async def measure(base: str, session: tuple[str, str], token: str, args: argparse.Namespace) -> Stats:
    import websockets

    stats = Stats()
    ws_base = base.replace("http", "ws", 1)
    with ThreadPoolExecutor(max_workers=args.agents) as pool:
        agent = AgentSide(base, token, pool)
        cookie = f"{session[1]}={session[0]}"
        async with websockets.connect(ws_base + "/ws/agent/",
                                      additional_headers={"Cookie": cookie}) as agent_ws:
            agent_task = asyncio.create_task(agent.run(agent_ws))

            async def one(i: int) -> None:
                await asyncio.sleep(i / args.ramp)  # ramp up: --ramp new visitors per second
                try:
                    await visitor(i, ws_base + "/ws/chat/", agent, stats, args.messages,
                                  args.timeout, args.think)
                except Exception as exc:  # counted and reported, the run goes on
                    stats.errors.append(f"visitor {i}: {type(exc).__name__}: {exc}")

            started = time.perf_counter()
            await asyncio.gather(*(one(i) for i in range(args.visitors)))
            stats.wall = time.perf_counter() - started  # type: ignore[attr-defined]
            agent_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await agent_task
    return stats


def run(args: argparse.Namespace) -> int:
    workdir = Path(tempfile.mkdtemp(prefix=f"kefu-chat-bench-{args.db}-"))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DJANGO_SETTINGS_MODULE="kefu.config.settings", KEFU_DATA_DIR=str(workdir / "data"),
               KEFU_LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1")
    env.pop("KEFU_DEBUG", None)
    if args.redis:
        env["REDIS_URL"] = args.redis_url
    if args.db == "postgres":
        pg_admin(args.pg_url, f'DROP DATABASE IF EXISTS "{BENCH_DB_NAME}" WITH (FORCE)')
        pg_admin(args.pg_url, f'CREATE DATABASE "{BENCH_DB_NAME}"')
        env["DATABASE_URL"] = pg_database_url(args.pg_url, BENCH_DB_NAME)
    kefu = str(BIN / "kefu")
    run_checked([kefu, "migrate", "--noinput"], env, "kefu migrate")
    agent = json.loads(run_checked([sys.executable, __file__, "--internal", "agent"], env, "agent"))
    token = run_checked([kefu, "token", "create", AGENT, "--name", "chat-bench"], env,
                        "kefu token create").strip().splitlines()[-1]
    base = f"http://127.0.0.1:{args.port}"
    cmd = [kefu, "serve", "--host", "127.0.0.1", "--port", str(args.port),
           "--workers", str(args.workers)]
    print(f"serving: {' '.join(cmd)} (db {args.db}, channel layer "
          f"{'redis' if args.redis else 'in-memory'}), {args.visitors} visitors x "
          f"{args.messages} messages, think {args.think} s", flush=True)
    with Server(cmd, env, workdir / "server.log", None) as server:
        server.wait_healthy(base)
        cpu0 = server.cpu_seconds()
        stats = asyncio.run(measure(base, (agent["session"], agent["cookie"]), token, args))
        wall = stats.wall  # type: ignore[attr-defined]
        server_cpu = (server.cpu_seconds() - cpu0) / wall if wall else 0.0
    check = json.loads(run_checked([sys.executable, __file__, "--internal", "check"], env, "check"))
    if args.db == "postgres":
        with contextlib.suppress(Exception):
            pg_admin(args.pg_url, f'DROP DATABASE IF EXISTS "{BENCH_DB_NAME}" WITH (FORCE)')
    sent = len(stats.to_visitor)
    print(f"\n{'':28}{'p50':>9}{'p95':>9}{'p99':>9}   (ms, n)")
    for label, values in (("visitor -> agent visible", stats.to_agent),
                          ("agent reply -> visitor", stats.to_visitor),
                          ("visitor send -> ack", stats.ack)):
        print(f"{label:28}{pct(values, 50):9.1f}{pct(values, 95):9.1f}{pct(values, 99):9.1f}"
              f"   n={len(values)}")
    print(f"\n{stats.messages} messages in {wall:.1f} s: {stats.messages / wall:.1f} messages/s; "
          f"server CPU {server_cpu:.2f} cores")
    print(f"database: {check}")
    problems = list(stats.errors[:10])
    expected = args.visitors * args.messages
    if check["chat_tickets"] != args.visitors or check["chats"] != args.visitors:
        problems.append(f"expected {args.visitors} chat tickets, found {check['chat_tickets']}")
    if check["visitor_messages"] != expected or check["keys"] != expected:
        problems.append(f"expected {expected} visitor messages stored once, found "
                        f"{check['visitor_messages']} (keys {check['keys']})")
    if sent != expected:
        problems.append(f"only {sent} of {expected} round trips completed")
    for problem in problems:
        print(f"FLAG: {problem}")
    if args.keep:
        print(f"data dir kept: {workdir}")
    return 1 if problems else 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--visitors", type=int, default=200, help="simulated visitors (sockets)")
    p.add_argument("--messages", type=int, default=3, help="round trips per visitor")
    p.add_argument("--agents", type=int, default=4, help="REST replies in flight at a time")
    p.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    p.add_argument("--redis", action="store_true", help="use the Redis channel layer")
    p.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    p.add_argument("--workers", type=int, default=1,
                   help="server processes (more than one needs --redis)")
    p.add_argument("--port", type=int, default=8766)
    p.add_argument("--timeout", type=float, default=60, help="seconds to wait for any step")
    p.add_argument("--ramp", type=float, default=100, help="new visitors per second")
    p.add_argument("--think", type=float, default=0.0,
                   help="mean seconds a visitor waits after a reply before writing again "
                        "(0: closed loop, the server's saturation point)")
    p.add_argument("--pg-url", default=os.environ.get("KEFU_BENCH_PG_URL", DEFAULT_PG_ADMIN_URL))
    p.add_argument("--keep", action="store_true", help="keep the temporary data dir")
    p.add_argument("--internal", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.workers > 1 and not args.redis and not args.internal:
        p.error("--workers > 1 needs --redis: sockets on different processes meet only there")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.internal == "agent":
        internal_agent()
        return 0
    if args.internal == "check":
        internal_check()
        return 0
    try:
        import websockets  # noqa: F401
    except ImportError:
        raise SystemExit("needs the `websockets` package in the venv") from None
    return run(args)


if __name__ == "__main__":
    sys.exit(main())

"""kefu API throughput benchmark: health check, ticket creation and the ticket list.

For each database (SQLite, PostgreSQL) and each worker count this script

1. creates a fresh data dir (and for PostgreSQL a fresh database, ``kefu_bench``),
   migrates it and makes an admin user with an API token (in a subprocess, in-process
   Django services, no HTTP);
2. starts the server as a subprocess (``kefu serve`` when it exists, else uvicorn; other
   servers with ``--server``) and waits for ``/healthz``;
3. measures with ``wrk`` (Debian package ``wrk``; the script never installs it) or, when
   wrk is missing, with an asyncio client pinned to one core while the server is pinned
   to the others:

   * ``GET /healthz``: requests/s and p50/p95 latency (the ceiling of the stack);
   * ``POST /api/v1/tickets`` for ``--duration`` seconds, half with a distinct customer
     email, half with one repeated email: tickets/s and p50/p95/p99 latency;
   * ``GET /api/v1/tickets?limit=25`` once the database holds ``--list-tickets``
     tickets (topped up in-process through ``kefu.tickets.services.ticket_create`` in one
     transaction): requests/s and p50/p95 latency;

4. checks every response status (non-2xx are counted and the run is flagged), checks
   the database afterwards (tickets created, exactly one customer for the repeated
   email), stops the server (also on error) and prints one table row per run.

Run it from the repository root::

    .venv/bin/python bench/api_throughput.py                      # both databases
    .venv/bin/python bench/api_throughput.py --db sqlite --workers 1 2 3 4
    .venv/bin/python bench/api_throughput.py --server granian-wsgi --workers 2

See bench/README.md for the figures measured on the reference machine.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import random
import resource
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
BENCH_DB_NAME = "kefu_bench"
SERVERS = ("auto", "kefu", "uvicorn", "uvicorn-django", "granian-asgi", "granian-wsgi",
           "gunicorn")
RESULT_MARK = "KEFU_RESULT "
REPEATED_EMAIL = "repeat.customer@example.com"


# --------------------------------------------------------------------------- results


@dataclass
class Measure:
    """One load run: rate, latency percentiles in milliseconds, status counts."""

    requests: int = 0
    seconds: float = 0.0
    rate: float = 0.0
    p50: float = 0.0
    p90: float = 0.0
    p95: float = 0.0
    p99: float = 0.0
    max: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)
    socket_errors: int = 0
    server_cpu: float = 0.0  # server CPU seconds / wall seconds (2.0 = two cores busy)
    client_cpu: float = 0.0  # load generator CPU seconds / wall seconds
    box_cpu: float = 0.0  # busy CPUs of the whole machine (server + database + client)

    @property
    def non_2xx(self) -> int:
        return sum(n for code, n in self.statuses.items() if not code.startswith("2"))

    @property
    def errors(self) -> int:
        return self.non_2xx + self.socket_errors


@dataclass
class RunResult:
    db: str
    server: str
    workers: int
    client: str
    healthz: Measure | None = None
    create: Measure | None = None
    listing: Measure | None = None
    listing1: Measure | None = None  # the list page with one connection: latency without queueing
    list_rows: int = 0
    checks: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def flagged(self) -> bool:
        return bool(self.error or self.checks or any(m.errors for m in self.measures))

    @property
    def measures(self) -> list[Measure]:
        return [m for m in (self.healthz, self.create, self.listing, self.listing1) if m is not None]


# --------------------------------------------------------------------------- helpers run in a
# subprocess with the run's environment (Django configured for that data dir / database)


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def internal_token() -> None:
    _django()
    from kefu.accounts.choices import Role
    from kefu.accounts.services import agent_create, token_create

    user = agent_create(username="bench", role=Role.ADMIN)
    print(token_create(user=user, name="bench")[1])


def internal_load(target: int, seed: int = 42) -> None:
    """Top the database up to ``target`` tickets in one transaction, through the services."""
    _django()
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from kefu.accounts.actor import actor_for
    from kefu.customers.services import customer_find_or_create
    from kefu.tickets.choices import Channel, Priority, TicketType
    from kefu.tickets.models import Ticket
    from kefu.tickets.services import ticket_create

    rng = random.Random(seed)
    missing = target - Ticket.objects.count()
    if missing <= 0:
        print(json.dumps({"loaded": 0, "seconds": 0.0}))
        return
    actor = actor_for(get_user_model().objects.get(username="bench"))
    started = time.perf_counter()
    subjects = ["订单迟迟未发货", "申请退款", "发票抬头填写错误", "商品与描述不符", "会员积分没有到账",
                "快递显示已签收但没收到", "Cannot log in to my account", "Invoice request",
                "修改收货地址", "优惠券无法使用"]
    now = timezone.now()
    with transaction.atomic():
        customers = [
            customer_find_or_create(name=f"客户{i}", email=f"load{i}@example.com")[0]
            for i in range(max(1, min(2000, missing // 5)))
        ]
        for i in range(missing):
            ticket_create(
                actor=actor,
                subject=f"{rng.choice(subjects)} #{i}",
                body=f"您好，我在 3 天前下的订单至今没有物流信息，请帮忙查一下。谢谢！\n订单号 2024{i:06d}",
                requester=rng.choice(customers),
                channel=rng.choice(Channel.values),
                priority=rng.choice(Priority.values),
                type=rng.choice(TicketType.values),
                tags=["bench", rng.choice(["物流", "退款", "发票", "账户"])] if i % 3 == 0 else (),
                created_at=now - dt.timedelta(minutes=rng.randint(10, 90 * 24 * 60)),
            )
    print(json.dumps({"loaded": missing, "seconds": time.perf_counter() - started}))


def internal_count() -> None:
    _django()
    from kefu.customers.models import Customer, CustomerIdentity
    from kefu.tickets.models import Ticket

    print(json.dumps({
        "tickets": Ticket.objects.count(),
        "customers": Customer.objects.count(),
        "repeated_email_customers": CustomerIdentity.objects.filter(value=REPEATED_EMAIL).count(),
    }))


# --------------------------------------------------------------------------- environment


def box_busy() -> tuple[float, float]:
    """(busy, total) CPU jiffies of the whole machine, from /proc/stat."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except OSError:
        return 0.0, 0.0
    idle = values[3] + values[4]  # idle + iowait
    return float(sum(values) - idle), float(sum(values))


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def kefu_cli_available() -> bool:
    exe = BIN / "kefu"
    if not exe.exists():
        return False
    probe = subprocess.run([str(exe), "serve", "--help"], capture_output=True, text=True)
    return probe.returncode == 0 and "--workers" in probe.stdout


def pg_admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def pg_database_url(admin_url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(admin_url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def run_checked(cmd: list[str], env: dict[str, str], what: str) -> str:
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{what} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


def internal(env: dict[str, str], *args: str) -> str:
    return run_checked([sys.executable, __file__, "--internal", *args], env, f"internal {args[0]}")


def settled_count(env: dict[str, str], timeout: float = 60) -> dict[str, int]:
    """Database counts once requests still in flight have finished (two equal readings)."""
    last = json.loads(internal(env, "count"))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(1)
        now = json.loads(internal(env, "count"))
        if now == last:
            return now
        last = now
    return last


def server_command(server: str, workers: int, host: str, port: int) -> list[str]:
    def exe(name: str) -> str:
        path = BIN / name
        if path.exists():
            return str(path)
        found = shutil.which(name)
        if not found:
            raise RuntimeError(f"{name} is not installed (pip install {name} into the venv)")
        return found

    bind = ["--host", host, "--port", str(port)]
    if server == "kefu":
        return [exe("kefu"), "serve", *bind, "--workers", str(workers)]
    if server == "uvicorn":
        return [exe("uvicorn"), "kefu.config.asgi:application", *bind, "--workers", str(workers),
                "--no-access-log", "--log-level", "warning"]
    if server == "uvicorn-django":  # Django's own ASGI handler: the baseline kefu replaced
        return [exe("uvicorn"), "--factory", "django.core.asgi:get_asgi_application", *bind,
                "--workers", str(workers), "--no-access-log", "--log-level", "warning"]
    if server in ("granian-asgi", "granian-wsgi"):
        interface = server.split("-")[1]
        return [exe("granian"), "--interface", interface, *bind, "--workers", str(workers),
                "--log-level", "warning", f"kefu.config.{interface}:application"]
    if server == "gunicorn":
        return [exe("gunicorn"), "--workers", str(workers), "--bind", f"{host}:{port}",
                "--worker-class", "gthread", "--threads", "4", "--log-level", "warning",
                "kefu.config.wsgi:application"]
    raise ValueError(server)


class Server:
    """The server subprocess in its own session; killed (group) on exit, even on error."""

    def __init__(self, cmd: list[str], env: dict[str, str], log: Path, cpus: set[int] | None):
        self.cmd, self.env, self.log_path, self.cpus = cmd, env, log, cpus
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        self.log = open(self.log_path, "wb")  # noqa: SIM115 - closed in __exit__
        cpus = self.cpus

        def pin() -> None:
            if cpus:
                os.sched_setaffinity(0, cpus)

        self.proc = subprocess.Popen(self.cmd, env=self.env, cwd=ROOT, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True,
                                     preexec_fn=pin if cpus else None)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if self.proc is not None:
            # Workers that outlived their parent are still in our process group.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()

    def pids(self) -> list[int]:
        assert self.proc is not None
        found, todo = [], [self.proc.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            with contextlib.suppress(OSError):
                for task in os.listdir(f"/proc/{pid}/task"):
                    text = Path(f"/proc/{pid}/task/{task}/children").read_text()
                    todo.extend(int(c) for c in text.split())
        return found

    def cpu_seconds(self) -> float:
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.pids():
            with contextlib.suppress(OSError):
                stat = Path(f"/proc/{pid}/stat").read_text()
                fields = stat.rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks

    def wait_healthy(self, base: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited ({self.proc.returncode}):\n"
                                   + self.log_path.read_text(errors="replace")[-3000:])
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as resp:
                    if resp.status == 200 and json.load(resp).get("status") == "ok":
                        return
            except (OSError, urllib.error.URLError, ValueError) as exc:
                last = exc
            time.sleep(0.2)
        raise RuntimeError(f"server not healthy after {timeout}s: {last}")


# --------------------------------------------------------------------------- wrk

LUA_COMMON = r"""
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } kefu_timespec;
int clock_gettime(int clk, kefu_timespec *tp);
]]
local ts = ffi.new("kefu_timespec")
local function now()
  ffi.C.clock_gettime(1, ts)
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end

local threads = {}
local next_id = 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local statuses, t0, t1, n = {}, nil, nil, 0
  for _, thread in ipairs(threads) do
    for code, count in pairs(thread:get("statuses")) do
      statuses[code] = (statuses[code] or 0) + count
    end
    local a, b = thread:get("t0"), thread:get("t1")
    if a and (t0 == nil or a < t0) then t0 = a end
    if b and (t1 == nil or b > t1) then t1 = b end
    n = n + thread:get("responses")
  end
  local parts = {}
  for code, count in pairs(statuses) do
    table.insert(parts, string.format('"%s": %d', tostring(code), count))
  end
  local e = summary.errors
  io.write(string.format(
    'KEFU_RESULT {"duration_us": %d, "requests": %d, "responses": %d, "t0": %s, "t1": %s, ' ..
    '"socket_errors": %d, "timeouts": %d, "p50": %d, "p90": %d, "p95": %d, "p99": %d, ' ..
    '"max": %d, "statuses": {%s}}\n',
    summary.duration, summary.requests, n, t0 and string.format("%.6f", t0) or "null",
    t1 and string.format("%.6f", t1) or "null",
    e.connect + e.read + e.write + e.timeout, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, table.concat(parts, ", ")))
end
"""

LUA_GET = LUA_COMMON + r"""
function init(args)
  statuses, responses, quota = {}, 0, 0
  local headers = {}
  if args[2] and args[2] ~= "" then headers["Authorization"] = "Bearer " .. args[2] end
  req = wrk.format("GET", args[1], headers)
end

function request()
  if t0 == nil then t0 = now() end
  return req
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  responses = responses + 1
end
"""

LUA_CREATE = r"""
-- args: token, run tag; body = BODY_A .. email .. BODY_B. Half the requests name one
-- repeated customer email (find-or-create under contention), half a new one.
local BODY_A = [==[%(body_a)s]==]
local BODY_B = [==[%(body_b)s]==]
local REPEATED = [==[%(repeated)s]==]

function init(args)
  statuses, responses, sent = {}, 0, 0
  headers = {["Authorization"] = "Bearer " .. args[1], ["Content-Type"] = "application/json"}
  tag = args[2]
end

function request()
  if t0 == nil then t0 = now() end
  sent = sent + 1
  local email
  if sent %% 2 == 0 then
    email = REPEATED
  else
    email = "c" .. tag .. "t" .. id .. "n" .. sent .. "@example.com"
  end
  return wrk.format("POST", "/api/v1/tickets", headers, BODY_A .. email .. BODY_B)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  responses = responses + 1
end
"""


def ticket_body_parts(tag: str) -> tuple[str, str]:
    body = {
        "subject": f"订单 {tag} 迟迟未发货",
        "body": "您好，我三天前下的订单还没有物流信息，麻烦帮忙查一下，谢谢！",
        "requester": {"name": "张三", "email": "@@EMAIL@@"},
        "channel": "api",
        "priority": "high",
    }
    text = json.dumps(body, ensure_ascii=False)
    a, b = text.split("@@EMAIL@@")
    return a, b


def _measure_from_wrk(result: dict[str, Any], wall: float) -> Measure:
    statuses = {str(k): int(v) for k, v in result["statuses"].items()}
    seconds = result["duration_us"] / 1e6 or wall
    done = result["requests"]
    return Measure(
        requests=done, seconds=seconds, rate=done / seconds if seconds else 0.0,
        p50=result["p50"] / 1000, p90=result["p90"] / 1000, p95=result["p95"] / 1000,
        p99=result["p99"] / 1000, max=result["max"] / 1000, statuses=statuses,
        socket_errors=int(result["socket_errors"]),
    )


def run_wrk(lua: str, url: str, args: list[str], *, connections: int, duration: float,
            workdir: Path) -> Measure:
    script = workdir / f"bench_{abs(hash(lua)) % 10_000}.lua"
    script.write_text(lua, encoding="utf-8")
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, int(duration))}s", "--timeout", "30s",
           "--latency", "-s", str(script), url, "--", *args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    results = [json.loads(line[len(RESULT_MARK):]) for line in proc.stdout.splitlines()
               if line.startswith(RESULT_MARK)]
    if proc.returncode != 0 or not results:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {proc.stdout}\n{proc.stderr}")
    measure = _measure_from_wrk(results[-1], wall)
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    measure.client_cpu = used / wall if wall else 0.0
    return measure


# --------------------------------------------------------------------------- asyncio fallback


async def _one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
               raw: bytes) -> tuple[int, bool]:
    """Send one keep-alive request; returns (status, connection still usable)."""
    writer.write(raw)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip().lower()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.read()
        return status, False
    return status, headers.get("connection") != "close"


async def _load(host: str, port: int, make: Any, *, connections: int,
                duration: float) -> tuple[list[float], dict[str, int], int, float]:
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    errors = 0
    counter = 0
    deadline = time.perf_counter() + duration

    async def worker() -> None:
        nonlocal counter, errors
        reader = writer = None
        while True:
            if time.perf_counter() >= deadline:
                break
            counter += 1
            raw = make(counter)
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(host, port)
                assert reader is not None
                t = time.perf_counter()
                status, keep = await asyncio.wait_for(_one(reader, writer, raw), 30)
                latencies.append(time.perf_counter() - t)
                statuses[str(status)] = statuses.get(str(status), 0) + 1
                if not keep:
                    writer.close()
                    reader = writer = None
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
                errors += 1
                if writer is not None:
                    writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    return latencies, statuses, errors, time.perf_counter() - started


def run_python_client(host: str, port: int, make: Any, *, connections: int,
                      duration: float, cpus: set[int] | None) -> Measure:
    previous = os.sched_getaffinity(0)
    if cpus:
        os.sched_setaffinity(0, cpus)
    before = resource.getrusage(resource.RUSAGE_SELF)
    try:
        with contextlib.suppress(ImportError):
            import uvloop  # noqa: F401 - faster loop when available

            asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
        latencies, statuses, errors, seconds = asyncio.run(
            _load(host, port, make, connections=connections, duration=duration)
        )
    finally:
        os.sched_setaffinity(0, previous)
    after = resource.getrusage(resource.RUSAGE_SELF)
    latencies.sort()

    def pct(p: float) -> float:
        if not latencies:
            return 0.0
        return latencies[min(len(latencies) - 1, int(round(p / 100 * (len(latencies) - 1))))] * 1000

    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measure(
        requests=len(latencies), seconds=seconds,
        rate=len(latencies) / seconds if seconds else 0.0,
        p50=pct(50), p90=pct(90), p95=pct(95), p99=pct(99), max=pct(100),
        statuses=statuses, socket_errors=errors, client_cpu=used / seconds if seconds else 0.0,
    )


def raw_request(method: str, path: str, host: str, token: str | None, body: str | None = None
                ) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    if token:
        lines.append(f"Authorization: Bearer {token}")
    data = body.encode() if body is not None else b""
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(data)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + data


# --------------------------------------------------------------------------- one run


class Bench:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.host = "127.0.0.1"
        self.use_wrk = args.client == "wrk" or (args.client == "auto" and shutil.which("wrk"))
        if args.client == "wrk" and not shutil.which("wrk"):
            raise SystemExit("wrk is not installed (apt-get install wrk)")
        n = cpu_count()
        self.client_cpus: set[int] | None = None
        self.server_cpus: set[int] | None = None
        if not self.use_wrk and n >= 2:
            cores = sorted(os.sched_getaffinity(0))
            self.client_cpus, self.server_cpus = {cores[-1]}, set(cores[:-1])

    def measure(self, server: Server, kind: str, *, path: str = "/healthz", token: str = "",
                tag: str = "", duration: float = 10,
                workdir: Path, connections: int | None = None) -> Measure:
        a = self.args
        connections = connections or a.concurrency
        cpu0, t0, box0 = server.cpu_seconds(), time.monotonic(), box_busy()
        if self.use_wrk:
            url = f"http://{self.host}:{a.port}"
            if kind == "create":
                body_a, body_b = ticket_body_parts(tag)
                lua = LUA_COMMON + LUA_CREATE % {
                    "body_a": body_a, "body_b": body_b, "repeated": REPEATED_EMAIL}
                m = run_wrk(lua, url, [token, tag], connections=connections,
                            duration=duration, workdir=workdir)
            else:
                m = run_wrk(LUA_GET, url, [path, token], connections=connections,
                            duration=duration, workdir=workdir)
        else:
            hostport = f"{self.host}:{a.port}"
            if kind == "create":
                body_a, body_b = ticket_body_parts(tag)

                def make(i: int) -> bytes:
                    email = REPEATED_EMAIL if i % 2 == 0 else f"c{tag}n{i}@example.com"
                    return raw_request("POST", "/api/v1/tickets", hostport, token,
                                       body_a + email + body_b)
            else:
                fixed = raw_request("GET", path, hostport, token or None)

                def make(i: int) -> bytes:
                    return fixed

            m = run_python_client(self.host, a.port, make, connections=connections,
                                  duration=duration, cpus=self.client_cpus)
        wall = time.monotonic() - t0
        m.server_cpu = (server.cpu_seconds() - cpu0) / wall if wall else 0.0
        box1 = box_busy()
        if box1[1] > box0[1]:
            m.box_cpu = (box1[0] - box0[0]) / (box1[1] - box0[1]) * (os.cpu_count() or 1)
        return m

    def run(self, db: str, workers: int, server_kind: str) -> RunResult:
        a = self.args
        result = RunResult(db=db, server=a.label or server_kind, workers=workers,
                           client="wrk" if self.use_wrk else "asyncio")
        workdir = Path(tempfile.mkdtemp(prefix=f"kefu-bench-{db}-"))
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(DJANGO_SETTINGS_MODULE="kefu.config.settings", KEFU_DATA_DIR=str(workdir / "data"),
                   KEFU_LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1")
        env.pop("KEFU_DEBUG", None)
        for pair in a.env:
            key, _, value = pair.partition("=")
            env[key] = value
        try:
            if db == "postgres":
                pg_admin(a.pg_url, f'DROP DATABASE IF EXISTS "{BENCH_DB_NAME}" WITH (FORCE)')
                pg_admin(a.pg_url, f'CREATE DATABASE "{BENCH_DB_NAME}"')
                env["DATABASE_URL"] = pg_database_url(a.pg_url, BENCH_DB_NAME)
            overrides = list(a.override)
            if a.pg_pool and db == "postgres":
                overrides += [
                    'DATABASES["default"]["CONN_MAX_AGE"] = 0',
                    'DATABASES["default"]["OPTIONS"]["pool"] = '
                    f'{{"min_size": 2, "max_size": {a.pg_pool}, "timeout": 20}}',
                ]
            if overrides:
                # An experiment's settings: kefu's own settings plus the given statements.
                (workdir / "bench_settings.py").write_text(
                    "from kefu.config.settings import *  # noqa: F403\n\n" + "\n".join(overrides)
                    + "\n", encoding="utf-8")
                env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(workdir),
                                                                  env.get("PYTHONPATH")]))
                env["DJANGO_SETTINGS_MODULE"] = "bench_settings"
            if self.kefu_cli:
                run_checked([str(BIN / "kefu"), "migrate"], env, "kefu migrate")
            else:
                run_checked([sys.executable, "-m", "django", "migrate", "--noinput", "-v", "0"],
                            env, "migrate")
            token = internal(env, "token").strip().splitlines()[-1]
            cmd = server_command(server_kind, workers, self.host, a.port) + shlex.split(a.server_args)
            log(f"[{db} {server_kind} w={workers}] starting: {' '.join(cmd)}")
            with Server(cmd, env, workdir / "server.log", self.server_cpus) as server:
                server.wait_healthy(f"http://{self.host}:{a.port}")
                self._phases(result, server, env, token, workdir)
            self._check_server_log(result, workdir / "server.log")
        except Exception as exc:  # noqa: BLE001 - one failed run must not hide the others
            result.error = f"{exc.__class__.__name__}: {exc}"[:2000]
            log(f"[{db} w={workers}] ERROR {result.error}")
        finally:
            if db == "postgres":
                with contextlib.suppress(Exception):
                    pg_admin(a.pg_url, f'DROP DATABASE IF EXISTS "{BENCH_DB_NAME}" WITH (FORCE)')
            if a.keep:
                log(f"kept {workdir}")
            else:
                shutil.rmtree(workdir, ignore_errors=True)
        return result

    def _phases(self, result: RunResult, server: Server, env: dict[str, str], token: str,
                workdir: Path) -> None:
        a = self.args
        name = f"[{result.db} {result.server} w={result.workers}]"
        warm = a.warmup
        # 1. ceiling
        self.measure(server, "get", path="/healthz", duration=warm, workdir=workdir)
        result.healthz = self.measure(server, "get", path="/healthz", duration=a.duration,
                                      workdir=workdir)
        log(f"{name} healthz  {fmt(result.healthz)}")
        # 2. ticket creation (a short warm-up first: lazy imports and schema building per worker)
        tag = f"{random.randrange(16**6):06x}"
        self.measure(server, "create", token=token, tag=tag + "w", duration=warm,
                     workdir=workdir)
        mid = settled_count(env)
        result.create = self.measure(server, "create", token=token, tag=tag,
                                     duration=a.duration, workdir=workdir)
        after = settled_count(env)
        log(f"{name} create   {fmt(result.create, unit='tickets/s')}")
        made = after["tickets"] - mid["tickets"]
        # Requests still in flight when the load generator stops are served but not
        # counted: up to one per connection.
        ok = result.create.statuses.get("201", 0)
        if not ok <= made <= ok + a.concurrency:
            result.checks.append(f"{made} tickets in the database for {ok} answers 201")
        if after["repeated_email_customers"] != 1:
            result.checks.append(
                f"{after['repeated_email_customers']} identities for the repeated email (want 1)")
        # 3. list page over --list-tickets tickets, loaded in-process
        loaded = json.loads(internal(env, "load", str(a.list_tickets)))
        result.list_rows = json.loads(internal(env, "count"))["tickets"]
        log(f"{name} loaded {loaded['loaded']} tickets in {loaded['seconds']:.1f}s "
            f"({result.list_rows} in all)")
        path = f"/api/v1/tickets?limit={a.page_size}"
        self.measure(server, "get", path=path, token=token, duration=warm, workdir=workdir)
        result.listing = self.measure(server, "get", path=path, token=token,
                                      duration=a.duration, workdir=workdir)
        log(f"{name} list     {fmt(result.listing)}")
        result.listing1 = self.measure(server, "get", path=path, token=token, connections=1,
                                       duration=a.duration, workdir=workdir)
        log(f"{name} list c=1 {fmt(result.listing1)}")

    @staticmethod
    def _check_server_log(result: RunResult, path: Path) -> None:
        text = path.read_text(errors="replace") if path.exists() else ""
        tracebacks = text.count("Traceback (most recent call last)")
        if tracebacks:
            result.checks.append(f"{tracebacks} tracebacks in the server log")
            log(text[-3000:])

    @property
    def kefu_cli(self) -> bool:
        if not hasattr(self, "_kefu_cli"):
            self._kefu_cli = kefu_cli_available()
        return self._kefu_cli


# --------------------------------------------------------------------------- output


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def fmt(m: Measure, unit: str = "req/s") -> str:
    text = (f"{m.rate:8.1f} {unit}  p50 {m.p50:6.1f} ms  p95 {m.p95:6.1f} ms  p99 {m.p99:6.1f} ms"
            f"  ({m.requests} in {m.seconds:.1f}s; CPUs busy: server {m.server_cpu:.2f}, "
            f"client {m.client_cpu:.2f}, machine {m.box_cpu:.2f})")
    if m.errors:
        text += f"  ERRORS: statuses {m.statuses}, socket errors {m.socket_errors}"
    return text


def table(results: list[RunResult]) -> str:
    head = ("db", "server", "w", "healthz/s", "p50", "p95", "create/s", "p50", "p95", "p99",
            "list/s", "p50", "p95", "1conn p50", "p95", "errors")
    rows = [head]
    for r in results:
        def cell(m: Measure | None, attr: str, digits: int = 1) -> str:
            return "-" if m is None else f"{getattr(m, attr):.{digits}f}"

        errors = sum(m.errors for m in r.measures)
        flag = "FLAGGED " if r.flagged else ""
        note = f"{flag}{errors}" + (f" {r.error[:60]}" if r.error else "")
        note += "".join(f"; {c}" for c in r.checks)
        rows.append((
            r.db, r.server, str(r.workers),
            cell(r.healthz, "rate", 0), cell(r.healthz, "p50"), cell(r.healthz, "p95"),
            cell(r.create, "rate", 0), cell(r.create, "p50"), cell(r.create, "p95"),
            cell(r.create, "p99"),
            cell(r.listing, "rate", 0), cell(r.listing, "p50"), cell(r.listing, "p95"),
            cell(r.listing1, "p50"), cell(r.listing1, "p95"), note,
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(head) - 1)]
    lines = []
    for n, row in enumerate(rows):
        cells = [c.rjust(widths[i]) if i > 1 else c.ljust(widths[i]) for i, c in enumerate(row[:-1])]
        lines.append(" | ".join(cells) + " | " + row[-1])
        if n == 0:
            lines.append("-+-".join("-" * w for w in widths) + "-+-" + "-" * 6)
    return "\n".join(lines)


def median_result(runs: list[RunResult]) -> RunResult:
    """Per-metric medians over repeated runs of one configuration."""
    first = runs[0]
    merged = RunResult(db=first.db, server=first.server, workers=first.workers, client=first.client,
                       list_rows=first.list_rows, error="; ".join(r.error for r in runs if r.error),
                       checks=[c for r in runs for c in r.checks])
    for attr in ("healthz", "create", "listing", "listing1"):
        measures = [getattr(r, attr) for r in runs if getattr(r, attr) is not None]
        if not measures:
            continue
        m = Measure()
        for name in ("requests", "seconds", "rate", "p50", "p90", "p95", "p99", "max",
                     "server_cpu", "client_cpu", "box_cpu"):
            setattr(m, name, statistics.median(getattr(x, name) for x in measures))
        for x in measures:
            for code, n in x.statuses.items():
                m.statuses[code] = m.statuses.get(code, 0) + n
            m.socket_errors += x.socket_errors
        setattr(merged, attr, m)
    return merged


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--concurrency", type=int, default=16, help="open connections")
    p.add_argument("--workers", type=int, nargs="+", default=[cpu_count()],
                   help="server worker processes; several values run one after another")
    p.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--server", choices=SERVERS, default="auto",
                   help="auto: `kefu serve` when the CLI exists, else uvicorn")
    p.add_argument("--server-args", default="",
                   help="extra arguments for the server command, e.g. \"--blocking-threads 2\"")
    p.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                   help="environment for the server and helpers, e.g. KEFU_DB_CONN_MAX_AGE=0")
    p.add_argument("--override", action="append", default=[], metavar="STATEMENT",
                   help="a Python statement run after kefu's settings (experiments), e.g. "
                        "'DATABASES[\"default\"][\"CONN_MAX_AGE\"] = 0'")
    p.add_argument("--pg-pool", type=int, default=0, metavar="MAX",
                   help="PostgreSQL only: Django's psycopg pool of MAX connections per worker "
                        "(needs psycopg-pool)")
    p.add_argument("--label", default="", help="a name for this configuration in the table")
    p.add_argument("--client", choices=("auto", "wrk", "python"), default="auto",
                   help="load generator (auto: wrk when installed)")
    p.add_argument("--duration", type=float, default=10, help="seconds per GET measurement")
    p.add_argument("--warmup", type=float, default=2, help="seconds of warm-up before each GET")
    p.add_argument("--list-tickets", type=int, default=10_000,
                   help="tickets in the database for the list measurement")
    p.add_argument("--page-size", type=int, default=25)
    p.add_argument("--repeat", type=int, default=1, help="runs per configuration (medians)")
    p.add_argument("--pg-url", default=os.environ.get("KEFU_BENCH_PG_URL", DEFAULT_PG_ADMIN_URL),
                   help="PostgreSQL maintenance URL (the bench database is dropped/created)")
    p.add_argument("--json", type=Path, help="write all results to this JSON file")
    p.add_argument("--keep", action="store_true", help="keep the temporary data dirs")
    p.add_argument("--internal", nargs="+", help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.internal:
        what = args.internal[0]
        if what == "token":
            internal_token()
        elif what == "load":
            internal_load(int(args.internal[1]))
        elif what == "count":
            internal_count()
        return 0
    bench = Bench(args)
    server = args.server
    if server == "auto":
        server = "kefu" if bench.kefu_cli else "uvicorn"
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    client = "wrk" if bench.use_wrk else f"asyncio (pinned to CPU {bench.client_cpus})"
    log(f"kefu bench: {cpu_count()} CPUs, client {client}, "
        f"server {server}, concurrency {args.concurrency}")
    results: list[RunResult] = []
    all_runs: list[dict[str, Any]] = []
    for db in dbs:
        for workers in args.workers:
            runs = [bench.run(db, workers, server) for _ in range(args.repeat)]
            all_runs += [asdict(r) for r in runs]
            results.append(runs[0] if len(runs) == 1 else median_result(runs))
    print()
    print(f"kefu API benchmark {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, "
          f"{cpu_count()} CPUs, concurrency {args.concurrency}, {args.duration:g} s per phase, "
          f"list over {args.list_tickets} tickets, latencies in ms"
          + (f", medians of {args.repeat} runs" if args.repeat > 1 else ""))
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps({"args": {k: str(v) for k, v in vars(args).items()},
                                         "runs": all_runs}, indent=2, ensure_ascii=False))
    return 1 if any(r.flagged for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())

"""kefu SLA and routing at scale: 100,000 open tickets on PostgreSQL.

1. Creates a fresh PostgreSQL database (``kefu_sla_bench``), runs ``kefu migrate`` (the
   default business calendar and SLA policies come with the migrations) and loads
   ``--tickets`` open tickets in bulk (``bulk_create`` in chunks of 10,000, not
   ``ticket_create`` one by one): customers with tiers, tickets with numbers, the first
   customer message and the "created" event, and each ticket's SLA clocks built by the
   engine itself (``engine.new_target`` under the policy ``policy_for`` picks, then
   ``catch_up`` / ``meet`` / ``pause`` to the load instant), with the SLA events those
   transitions caused. Ticket ages are exponential (mean ``--mean-age-hours``), so most
   clocks are due in the future, some are at risk and a share is already breached.
   ``VACUUM ANALYZE`` afterwards (what autovacuum would do).
2. Sweeps: ``sla_sweep(now=...)`` at the load instant (nothing due: the fixed cost),
   then ``--runs`` sweeps of successive ``--step`` minute windows (each finds the
   clocks whose at-risk point or due time fell in its window: a few hundred), then one
   catch-up sweep an hour later (thousands of clocks, several batches, bus handlers not
   run). Prints clocks checked / turned at risk / breached and milliseconds, with and
   without the on-commit bus handlers the sweep triggers (escalations, WebSocket pushes),
   and ``EXPLAIN (ANALYZE, BUFFERS)`` of the sweep's selection query.
3. Routing: two teams of ``--agents`` online agents (capacity ``--capacity``) with
   ``--routing-tickets`` unassigned new tickets each (bulk-created, with clocks).
   Team A: ``route_waiting(team_id=...)`` until it hands out nothing more. Team B:
   ``route_ticket`` for every ticket from ``--threads`` threads at once (as
   kefu/routing/tests/test_concurrency.py). Prints tickets/s and checks that no agent
   went over capacity and no ticket was assigned twice.
4. Prints a summary table and drops the database (unless ``--keep``).

The measured instant is fixed (``--at``, a Wednesday 10:00 in Shanghai), so business
clocks are running and runs are comparable. Run it from the repository root::

    .venv/bin/python bench/sla_scale.py
    .venv/bin/python bench/sla_scale.py --tickets 20000 --keep
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_throughput import (  # noqa: E402 - the shared database helpers
    DEFAULT_PG_ADMIN_URL,
    pg_admin,
    pg_database_url,
)

BENCH_DB_NAME = "kefu_sla_bench"
RESULT_MARK = "KEFU_RESULT "
DEFAULT_AT = "2026-11-25T10:00:00+08:00"  # a Wednesday, working time in Shanghai
CHUNK = 10_000

CHANNELS = {"email": 40, "web": 20, "chat": 12, "social": 10, "phone": 12, "api": 6}
TIERS = {"standard": 80, "silver": 10, "gold": 7, "platinum": 3}
PRIORITIES = {"low": 15, "normal": 60, "high": 20, "urgent": 5}
TYPES = {"question": 50, "incident": 25, "problem": 10, "task": 15}
# new: nobody answered yet; open: answered (30 % of them with a customer reply waiting);
# pending: waiting on the customer, the resolution clock paused.
STATES = {"new": 35, "open": 50, "pending": 15}
SUBJECTS = ["订单迟迟未发货", "申请退款", "发票抬头填写错误", "商品与描述不符", "会员积分没有到账",
            "快递显示已签收但没收到", "Cannot log in to my account", "修改收货地址", "优惠券无法使用"]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def result(data: dict[str, Any]) -> None:
    print(RESULT_MARK + json.dumps(data, ensure_ascii=False, default=str), flush=True)


# --------------------------------------------------------------------------- run in subprocesses
# with DATABASE_URL set (Django configured for the bench database)


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


class Loader:
    """Bulk-creates tickets with their first message, creation event and SLA clocks."""

    def __init__(self, at: dt.datetime, seed: int) -> None:
        from kefu.sla.models import SlaPolicy

        self.at = at
        self.rng = random.Random(seed)
        self.policies = list(SlaPolicy.objects.filter(active=True).select_related("calendar")
                             .order_by("position", "id"))
        self._policy_cache: dict[tuple[str, ...], Any] = {}
        self.counts: Counter[str] = Counter()

    def policy(self, tier: str, priority: str, channel: str, type_: str, team_id: int | None) -> Any:
        from kefu.sla.models import TicketFacts
        from kefu.sla.services import policy_for

        key = (tier, priority, channel, type_, str(team_id))
        if key not in self._policy_cache:
            facts = TicketFacts(tier=tier, priority=priority, channel=channel, type=type_,
                                team_id=team_id, tags=frozenset())
            self._policy_cache[key] = policy_for(facts, self.policies)
        return self._policy_cache[key]

    def create(self, customers: list[tuple[int, str]], n: int, *, teams: list[tuple[int, list[int]]],
               state: str | None = None, max_age: dt.timedelta | None = None,
               mean_age_hours: float = 48.0, assign: bool = True) -> list[int]:
        """``n`` tickets (chunked, one transaction per chunk); returns their ids."""
        ids: list[int] = []
        for start in range(0, n, CHUNK):
            ids += self._chunk(customers, min(CHUNK, n - start), teams, state, max_age,
                               mean_age_hours, assign)
        return ids

    def _chunk(self, customers: list[tuple[int, str]], n: int, teams: list[tuple[int, list[int]]],
               state: str | None, max_age: dt.timedelta | None, mean_age_hours: float,
               assign: bool) -> list[int]:
        from django.conf import settings
        from django.db import transaction
        from django.db.models import F

        from kefu.sla import engine
        from kefu.sla.choices import Metric, SlaEventKind
        from kefu.sla.models import SlaEvent, SlaTarget
        from kefu.tickets.choices import AuthorKind, EventKind, Status
        from kefu.tickets.models import Message, Ticket, TicketEvent

        rng, at = self.rng, self.at
        tickets: list[Ticket] = []
        plans: list[dict[str, Any]] = []
        for _ in range(n):
            customer_id, tier = rng.choice(customers)
            channel, priority, type_ = pick(rng, CHANNELS), pick(rng, PRIORITIES), pick(rng, TYPES)
            team_id, agents = rng.choice(teams)
            kind = state or pick(rng, STATES)
            age = dt.timedelta(hours=min(rng.expovariate(1 / mean_age_hours), 30 * 24))
            if max_age is not None:
                age = rng.random() * max_age
            created = at - age
            plan: dict[str, Any] = {"policy": self.policy(tier, priority, channel, type_, team_id),
                                    "created": created, "fr": None, "wrote": None, "paused": None}
            if kind in ("open", "pending"):
                plan["fr"] = created + (at - created) * rng.uniform(0.02, 0.5)
                if kind == "pending":
                    plan["paused"] = plan["fr"] + (at - plan["fr"]) * rng.random()
                elif rng.random() < 0.3:
                    plan["wrote"] = plan["fr"] + (at - plan["fr"]) * rng.random()
            assignee = None
            if assign and agents and (kind != "new" or rng.random() < 0.3):
                assignee = rng.choice(agents)
            last = max(t for t in (created, plan["fr"], plan["wrote"], plan["paused"]) if t)
            tickets.append(Ticket(
                subject=f"{rng.choice(SUBJECTS)} #{self.counts['tickets'] + len(tickets)}",
                status={"new": Status.NEW, "open": Status.OPEN, "pending": Status.PENDING}[kind],
                priority=priority, type=type_, channel=channel, requester_id=customer_id,
                assignee_id=assignee, team_id=team_id, custom_fields={}, created_at=created,
                updated_at=last, first_response_at=plan["fr"], last_agent_message_at=plan["fr"],
                last_customer_message_at=plan["wrote"] or created,
            ))
            plans.append(plan)
        with transaction.atomic():
            Ticket.objects.bulk_create(tickets, batch_size=2000)
            # Numbers as ticket_create sets them: the primary key plus the offset.
            Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(
                number=F("id") + settings.KEFU_TICKET_NUMBER_OFFSET)
            Message.objects.bulk_create([
                Message(ticket_id=t.pk, author_kind=AuthorKind.CUSTOMER, author_customer_id=t.requester_id,
                        body_text=f"您好，我的订单 2026{t.pk:07d} 有问题，请帮忙处理。", created_at=t.created_at)
                for t in tickets], batch_size=2000)
            TicketEvent.objects.bulk_create([
                TicketEvent(ticket_id=t.pk, actor_kind=AuthorKind.SYSTEM, kind=EventKind.CREATED,
                            after={"status": Status.NEW, "priority": t.priority, "channel": t.channel},
                            created_at=t.created_at)
                for t in tickets], batch_size=2000)
            targets: list[SlaTarget] = []
            happened: list[engine.Happening] = []
            applied: list[SlaEvent] = []
            for t, plan in zip(tickets, plans, strict=True):
                policy = plan["policy"]
                if policy is None:
                    continue
                applied.append(SlaEvent(ticket_id=t.pk, policy=policy, kind=SlaEventKind.APPLIED,
                                        occurred_at=t.created_at, recorded_at=t.created_at))
                # The transitions the listeners would have made as the ticket lived.
                for metric, started in ((Metric.FIRST_RESPONSE, t.created_at),
                                        (Metric.RESOLUTION, t.created_at),
                                        (Metric.NEXT_RESPONSE, plan["wrote"])):
                    if started is None:
                        continue
                    clock = engine.new_target(ticket_id=t.pk, policy=policy, metric=metric,
                                              started_at=started)
                    if clock is None:
                        continue
                    if metric == Metric.FIRST_RESPONSE and plan["fr"] is not None:
                        happened += engine.meet(clock, plan["fr"])
                    elif metric == Metric.RESOLUTION and plan["paused"] is not None:
                        happened += engine.pause(clock, plan["paused"])
                    else:
                        happened += engine.catch_up(clock, at)
                    targets.append(clock)
            SlaTarget.objects.bulk_create(targets, batch_size=2000)
            SlaEvent.objects.bulk_create(applied + [
                SlaEvent(ticket_id=h.target.ticket_id, target=h.target, policy_id=h.target.policy_id,
                         kind=h.kind, metric=h.target.metric, occurred_at=h.at, recorded_at=h.at,
                         due_at=h.target.due_at)
                for h in happened], batch_size=2000)
        self.counts.update(tickets=len(tickets), messages=len(tickets), ticket_events=len(tickets),
                           sla_targets=len(targets), sla_events=len(applied) + len(happened))
        return [t.pk for t in tickets]


def make_customers(rng: random.Random, n: int) -> list[tuple[int, str]]:
    from kefu.customers.choices import IdentityKind
    from kefu.customers.models import Customer, CustomerIdentity

    customers = Customer.objects.bulk_create(
        [Customer(name=f"客户{i}", tier=pick(rng, TIERS)) for i in range(n)], batch_size=2000)
    CustomerIdentity.objects.bulk_create(
        [CustomerIdentity(customer=c, kind=IdentityKind.EMAIL, value=f"c{c.pk}@example.com",
                          is_primary=True) for c in customers], batch_size=2000)
    return [(c.pk, c.tier) for c in customers]


def make_team(name: str, agents: int, *, capacity: int, online: bool) -> tuple[int, list[int]]:
    from kefu.accounts.choices import Availability
    from kefu.accounts.services import agent_create, team_create

    users = [agent_create(username=f"{name}-{i}", capacity=capacity,
                          availability=Availability.ONLINE if online else Availability.OFFLINE)
             for i in range(agents)]
    team = team_create(name=name, members=users)
    return team.pk, [u.pk for u in users]


def internal_load(at: dt.datetime, tickets: int, mean_age_hours: float, seed: int) -> None:
    _django()
    from django.db import connection

    started = time.perf_counter()
    loader = Loader(at, seed)
    customers = make_customers(loader.rng, max(1, tickets // 5))
    # Backlog teams route by hand; their agents are offline (they are not what is routed).
    teams = [make_team(name, 50, capacity=20, online=False) for name in ("售前", "售后", "物流", "财务")]
    for done in range(0, tickets, CHUNK):
        loader.create(customers, min(CHUNK, tickets - done), teams=teams,
                      mean_age_hours=mean_age_hours)
        log(f"  loaded {done + min(CHUNK, tickets - done):,} tickets "
            f"({time.perf_counter() - started:.0f} s)")
    loaded = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    result({"counts": dict(loader.counts), "customers": len(customers), "load_seconds": loaded,
            "vacuum_seconds": time.perf_counter() - started - loaded})


class HandlerTimer:
    """Times the on-commit bus handlers (escalations, SLA sync, WebSocket pushes) that the
    measured calls trigger. A handler's own events dispatch inside it, so only the
    outermost dispatch of each thread is counted; threads' times are summed."""

    def __init__(self) -> None:
        self.seconds, self.enabled = 0.0, True
        self._local = threading.local()
        self._lock = threading.Lock()

    @classmethod
    def install(cls) -> HandlerTimer:
        from kefu.core import events

        timer = cls()
        dispatch = events._dispatch

        def timed_dispatch(event: str, payload: dict[str, Any]) -> None:
            if not timer.enabled:
                return
            depth = getattr(timer._local, "depth", 0)
            timer._local.depth = depth + 1
            begin = time.perf_counter()
            try:
                dispatch(event, payload)
            finally:
                timer._local.depth = depth
                if depth == 0:
                    with timer._lock:
                        timer.seconds += time.perf_counter() - begin

        setattr(events, "_dispatch", timed_dispatch)  # noqa: B010 - wraps the bus
        return timer

    def reset(self, *, enabled: bool = True) -> None:
        self.seconds, self.enabled = 0.0, enabled


def internal_sweep(at: dt.datetime, step: int, runs: int) -> None:
    _django()
    from django.db import transaction
    from django.db.models import Count

    from kefu.sla.choices import TargetState
    from kefu.sla.models import SlaTarget
    from kefu.sla.services import sla_sweep
    from kefu.tickets.models import Ticket

    timer = HandlerTimer.install()

    def sweep(now: dt.datetime, *, handlers: bool = True) -> dict[str, Any]:
        timer.reset(enabled=handlers)
        begin = time.perf_counter()
        r = sla_sweep(now=now)
        ms = (time.perf_counter() - begin) * 1000
        timer.enabled = True
        return {"now": now.isoformat(), "checked": r.checked, "at_risk": r.at_risk,
                "breached": r.breached, "ms": ms, "handlers_ms": timer.seconds * 1000,
                "handlers": handlers}

    running = SlaTarget.objects.filter(state=TargetState.RUNNING)
    horizon = {}
    for label, delta in (("5 min", dt.timedelta(minutes=5)), ("1 h", dt.timedelta(hours=1)),
                         ("1 day", dt.timedelta(days=1)), ("7 days", dt.timedelta(days=7))):
        horizon[label] = running.filter(next_check_at__lte=at + delta).count()
    before = {
        "tickets": Ticket.objects.count(),
        "open_tickets": Ticket.objects.exclude(status__in=["solved", "closed"]).count(),
        "targets": SlaTarget.objects.count(),
        "by_state": dict(SlaTarget.objects.values_list("state").annotate(n=Count("pk"))
                         .values_list("state", "n")),
        "running_at_risk": running.filter(at_risk_reached_at__isnull=False).count(),
        "overdue_at_load": running.filter(next_check_at__lte=at).count(),
        "next_check_within": horizon,
    }
    idle = [sweep(at) for _ in range(5)]

    first = at + dt.timedelta(minutes=step)
    with transaction.atomic():
        # The sweep's selection, as sla_sweep builds it (kefu/sla/services.py).
        query = (SlaTarget.objects.filter(state=TargetState.RUNNING, next_check_at__lte=first)
                 .select_related("calendar").order_by("next_check_at", "id")
                 .select_for_update(skip_locked=True, of=("self",)))[:1000]
        sql = str(query.query)
        plan = query.explain(analyze=True, buffers=True)
        transaction.set_rollback(True)

    timed = [sweep(at + dt.timedelta(minutes=step * k)) for k in range(1, runs + 1)]
    last = at + dt.timedelta(minutes=step * runs)
    left = running.filter(next_check_at__lte=last).count()
    # An hour of backlog (a stalled worker): thousands of clocks in several batches. The
    # bus handlers are skipped here (escalations cost per event, not per table size, and
    # thousands of them would dominate the run); the SLA events are still written.
    catch_up = sweep(last + dt.timedelta(hours=1), handlers=False)
    left_after_catch_up = running.filter(next_check_at__lte=last + dt.timedelta(hours=1)).count()
    result({"before": before, "idle": idle, "timed": timed, "catch_up": catch_up, "sql": sql,
            "explain": plan, "left_due": left, "left_due_after_catch_up": left_after_catch_up})


def internal_route(at: dt.datetime, n: int, agents: int, capacity: int, threads: int,
                   strategy: str, seed: int) -> None:
    _django()
    from django.db import connection

    from kefu.routing.services import route_ticket, route_waiting, team_routing_set
    from kefu.tickets.choices import EventKind
    from kefu.tickets.models import Ticket, TicketEvent

    loader = Loader(at, seed + 1)
    customers = make_customers(loader.rng, 500)
    team_a = make_team("路由压测A", agents, capacity=capacity, online=True)
    team_b = make_team("路由压测B", agents, capacity=capacity, online=True)
    # New tickets of the last half hour, unassigned while the teams still route by hand.
    window = dt.timedelta(minutes=30)
    loader.create(customers, n, teams=[team_a], state="new", max_age=window, assign=False)
    ids_b = loader.create(customers, n, teams=[team_b], state="new", max_age=window, assign=False)
    team_routing_set(team_id=team_a[0], strategy=strategy)
    team_routing_set(team_id=team_b[0], strategy=strategy)
    connection.close()

    def check(team_id: int) -> dict[str, Any]:
        loads = Counter(Ticket.objects.filter(team_id=team_id, assignee__isnull=False)
                        .values_list("assignee_id", flat=True))
        per_ticket = Counter(TicketEvent.objects.filter(
            ticket__team_id=team_id, kind=EventKind.FIELD_CHANGED, field="assignee")
            .values_list("ticket_id", flat=True))
        return {"assigned": sum(loads.values()), "max_load": max(loads.values(), default=0),
                "min_load": min(loads.values(), default=0), "agents_used": len(loads),
                "max_assignments_per_ticket": max(per_ticket.values(), default=0)}

    timer = HandlerTimer.install()
    # A: the queue handed out by route_waiting (500 per call, as the listeners call it).
    calls, assigned = 0, 0
    begin = time.perf_counter()
    while True:
        calls += 1
        got = route_waiting(team_id=team_a[0])
        assigned += got
        if not got:
            break
    waiting_s = time.perf_counter() - begin
    a = {"seconds": waiting_s, "handlers_seconds": timer.seconds, "calls": calls,
         "returned": assigned, **check(team_a[0])}

    # B: one route_ticket per ticket, from several threads at once.
    barrier = threading.Barrier(threads + 1)
    returned: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        try:
            barrier.wait()
            got = [route_ticket(ticket_id=pk) for pk in ids_b[i::threads]]
            with lock:
                returned.extend(1 for g in got if g)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    timer.reset()
    barrier.wait()
    begin = time.perf_counter()
    for t in pool:
        t.join()
    threaded_s = time.perf_counter() - begin
    b = {"seconds": threaded_s, "handlers_seconds": timer.seconds, "threads": threads,
         "returned": len(returned),
         "errors": [repr(e) for e in errors], **check(team_b[0])}
    result({"tickets": n, "agents": agents, "capacity": capacity, "strategy": strategy,
            "route_waiting": a, "route_ticket_threads": b})


# --------------------------------------------------------------------------- orchestration


def internal(env: dict[str, str], *args: str) -> dict[str, Any]:
    """Run one phase in a subprocess; progress goes to our stderr, the result is returned."""
    proc = subprocess.run([sys.executable, __file__, "--internal", *args], env=env, cwd=ROOT,
                          stdout=subprocess.PIPE, text=True)
    lines = [x for x in proc.stdout.splitlines() if x.startswith(RESULT_MARK)]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"phase {args[0]} failed ({proc.returncode}):\n{proc.stdout[-3000:]}")
    data: dict[str, Any] = json.loads(lines[-1][len(RESULT_MARK):])
    return data


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def report(args: argparse.Namespace, load: dict[str, Any], sweep: dict[str, Any],
           route: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    c = load["counts"]
    print(f"\nkefu SLA/routing scale bench, {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, "
          f"{os.cpu_count()} CPUs, PostgreSQL (database {BENCH_DB_NAME}), clock instant {args.at}")
    print(f"\nData (bulk_create in chunks of {CHUNK:,}, one transaction each; clocks built by "
          f"kefu.sla.engine under the default policies; not through ticket_create):")
    print(f"  {c['tickets']:,} open tickets (35 % new, 50 % open, 15 % pending; ages exponential, "
          f"mean {args.mean_age_hours:g} h, capped at 30 days), {load['customers']:,} customers,")
    print(f"  {c['messages']:,} messages, {c['ticket_events']:,} ticket events, "
          f"{c['sla_targets']:,} SLA clocks, {c['sla_events']:,} SLA events; "
          f"loaded in {load['load_seconds']:.1f} s, VACUUM ANALYZE {load['vacuum_seconds']:.1f} s")
    b = sweep["before"]
    print(f"  clocks by state: {', '.join(f'{k} {v:,}' for k, v in sorted(b['by_state'].items()))}; "
          f"running and already at risk: {b['running_at_risk']:,}")
    print("  running clocks with their next check within "
          + ", ".join(f"{k}: {v:,}" for k, v in b["next_check_within"].items()))

    print("\nSLA sweep (sla_sweep(now=...), batches of 1,000). total: the call, including the "
          "on-commit bus handlers it triggers\n(escalations: notifications, priority, reassignment; "
          "WebSocket pushes); sweep: total minus handlers.")
    print(f"  {'now':<27}{'checked':>9}{'at risk':>9}{'breached':>10}{'total ms':>10}"
          f"{'handlers ms':>13}{'sweep ms':>10}")
    for row in [*sweep["idle"][:1], *sweep["timed"], sweep["catch_up"]]:
        print(f"  {row['now']:<27}{row['checked']:>9,}{row['at_risk']:>9,}{row['breached']:>10,}"
              f"{row['ms']:>10.1f}{row['handlers_ms']:>13.1f}{row['ms'] - row['handlers_ms']:>10.1f}"
              + ("" if row["handlers"] else "  (handlers not run)"))
    idle_ms = median([r["ms"] for r in sweep["idle"]])
    timed = sweep["timed"]
    total_ms = median([r["ms"] for r in timed])
    core_ms = median([r["ms"] - r["handlers_ms"] for r in timed])
    changed = median([r["checked"] for r in timed])
    print(f"  first row: nothing due (median of {len(sweep['idle'])}: {idle_ms:.2f} ms); then "
          f"{len(timed)} successive {args.step}-minute windows (median {changed:.0f} clocks, "
          f"{total_ms:.0f} ms total, {core_ms:.0f} ms sweep);\n  last row: one hour later. "
          "Windows differ: tickets that arrived outside working hours all start their business "
          "clocks\n  at the next 09:00, so their at-risk points and due times coincide.")
    print(f"  clocks still due after the sweeps: {sweep['left_due']} and "
          f"{sweep['left_due_after_catch_up']} (must be 0)")
    if sweep["left_due"] or sweep["left_due_after_catch_up"]:
        problems.append("the sweep left due clocks behind")
    if sweep["idle"][0]["checked"]:
        problems.append("clocks were due at the load instant")
    print(f"\nEXPLAIN (ANALYZE, BUFFERS) of the sweep's selection at {timed[0]['now'] if timed else ''}:")
    print("  " + sweep["sql"])
    for line in sweep["explain"].splitlines():
        print("    " + line)
    if "Index" not in sweep["explain"] or "sla_target_sweep" not in sweep["explain"]:
        problems.append("the sweep's query does not use the sla_target_sweep index")

    print(f"\nRouting {route['tickets']:,} new tickets per team, {route['agents']} online agents "
          f"x capacity {route['capacity']}, strategy {route['strategy']} "
          f"(times include the on-commit listeners: SLA sync and WebSocket pushes):")
    rows = (("route_waiting", route["route_waiting"],
             f"{route['route_waiting']['calls']} calls"),
            ("route_ticket", route["route_ticket_threads"],
             f"{route['route_ticket_threads']['threads']} threads"))
    for name, r, how in rows:
        rate = r["assigned"] / r["seconds"] if r["seconds"] else 0.0
        print(f"  {name:<14} {how:<11} {r['seconds']:7.2f} s  {rate:7.1f} tickets/s  "
              f"(on-commit handlers {r['handlers_seconds']:.2f} s{', summed' if 'threads' in r else ''})"
              f"\n  {'':<26} assigned {r['assigned']:,}, loads {r['min_load']}-{r['max_load']} over "
              f"{r['agents_used']} agents, at most {r['max_assignments_per_ticket']} assignment(s) "
              f"per ticket")
        if r["max_load"] > route["capacity"]:
            problems.append(f"{name}: an agent went over capacity")
        if r["max_assignments_per_ticket"] > 1:
            problems.append(f"{name}: a ticket was assigned twice")
        if r["assigned"] != min(route["tickets"], route["agents"] * route["capacity"]):
            problems.append(f"{name}: {r['assigned']} assigned")
        if r.get("errors"):
            problems.append(f"{name}: {r['errors'][:3]}")

    w, t = route["route_waiting"], route["route_ticket_threads"]
    print("\nSummary")
    print("| measure | figure |")
    print("|---|---|")
    print(f"| data | {c['tickets']:,} open tickets, {c['sla_targets']:,} SLA clocks "
          f"({b['by_state'].get('running', 0):,} running) |")
    print(f"| sweep, nothing due | {idle_ms:.1f} ms |")
    print(f"| sweep, {args.step}-minute window (median of {len(timed)}) | {changed:.0f} clocks "
          f"changed: {core_ms:.0f} ms sweep, {total_ms:.0f} ms with the bus handlers |")
    busiest = max(timed, key=lambda r: r["checked"]) if timed else None
    if busiest is not None and busiest["checked"] > changed:
        print(f"| sweep, busiest window ({busiest['now'][11:16]}) | {busiest['checked']:,} clocks "
              f"changed: {busiest['ms'] - busiest['handlers_ms']:.0f} ms sweep, "
              f"{busiest['ms']:.0f} ms with the bus handlers |")
    cu = sweep["catch_up"]
    print(f"| sweep, one hour of backlog | {cu['checked']:,} clocks changed: {cu['ms']:.0f} ms "
          f"(bus handlers not run) |")
    print(f"| route_waiting, {w['assigned']:,} tickets | {w['seconds']:.2f} s, "
          f"{w['assigned'] / w['seconds']:.0f} tickets/s |")
    print(f"| route_ticket x {t['assigned']:,}, {t['threads']} threads | {t['seconds']:.2f} s, "
          f"{t['assigned'] / t['seconds']:.0f} tickets/s |")
    print(f"| capacity held / assigned once | "
          f"{'yes' if not any('capacity' in p or 'twice' in p for p in problems) else 'NO'} |")
    for p in problems:
        print(f"PROBLEM: {p}")
    return problems


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tickets", type=int, default=100_000, help="open tickets to load")
    p.add_argument("--mean-age-hours", type=float, default=48.0,
                   help="mean age of the loaded tickets (exponential)")
    p.add_argument("--at", default=DEFAULT_AT, help="the instant the clocks are caught up to")
    p.add_argument("--step", type=int, default=10, help="minutes of clock time per timed sweep")
    p.add_argument("--runs", type=int, default=5, help="timed sweeps (successive windows)")
    p.add_argument("--routing-tickets", type=int, default=1000)
    p.add_argument("--agents", type=int, default=20)
    p.add_argument("--capacity", type=int, default=50)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--strategy", default="least_loaded",
                   choices=("least_loaded", "round_robin", "skills"))
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--pg-url", default=os.environ.get("KEFU_BENCH_PG_URL", DEFAULT_PG_ADMIN_URL),
                   help="PostgreSQL maintenance URL (the bench database is dropped/created)")
    p.add_argument("--keep", action="store_true", help="keep the bench database (and data dir)")
    p.add_argument("--internal", nargs="+", help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    at = dt.datetime.fromisoformat(args.at)
    if args.internal:
        what = args.internal[0]
        if what == "load":
            internal_load(at, args.tickets, args.mean_age_hours, args.seed)
        elif what == "sweep":
            internal_sweep(at, args.step, args.runs)
        elif what == "route":
            internal_route(at, args.routing_tickets, args.agents, args.capacity, args.threads,
                           args.strategy, args.seed)
        return 0
    workdir = Path(tempfile.mkdtemp(prefix="kefu-sla-bench-"))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DJANGO_SETTINGS_MODULE="kefu.config.settings", KEFU_DATA_DIR=str(workdir / "data"),
               KEFU_LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1",
               DATABASE_URL=pg_database_url(args.pg_url, BENCH_DB_NAME))
    env.pop("KEFU_DEBUG", None)
    env["KEFU_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    common = ["--at", args.at, "--seed", str(args.seed), "--tickets", str(args.tickets),
              "--mean-age-hours", str(args.mean_age_hours), "--step", str(args.step),
              "--runs", str(args.runs), "--routing-tickets", str(args.routing_tickets),
              "--agents", str(args.agents), "--capacity", str(args.capacity),
              "--threads", str(args.threads), "--strategy", args.strategy]
    pg_admin(args.pg_url, f'DROP DATABASE IF EXISTS "{BENCH_DB_NAME}" WITH (FORCE)')
    pg_admin(args.pg_url, f'CREATE DATABASE "{BENCH_DB_NAME}"')
    started = time.perf_counter()
    try:
        log(f"migrating {BENCH_DB_NAME} ...")
        kefu = BIN / "kefu"
        cmd = [str(kefu), "migrate", "--noinput"] if kefu.exists() else [
            sys.executable, "-m", "django", "migrate", "--noinput", "-v", "0"]
        proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"migrate failed:\n{proc.stdout}\n{proc.stderr}")
        log(f"loading {args.tickets:,} tickets ...")
        load = internal(env, "load", *common)
        log("sweeping ...")
        sweep = internal(env, "sweep", *common)
        log("routing ...")
        route = internal(env, "route", *common)
        problems = report(args, load, sweep, route)
        print(f"\nwhole run {time.perf_counter() - started:.0f} s")
    finally:
        if not args.keep:
            with contextlib.suppress(Exception):
                pg_admin(args.pg_url, f'DROP DATABASE IF EXISTS "{BENCH_DB_NAME}" WITH (FORCE)')
            shutil.rmtree(workdir, ignore_errors=True)  # only the generated secret key
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

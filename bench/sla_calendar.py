"""Business-calendar arithmetic speed on the built-in China mainland calendar.

Prints the median (and p95) time in microseconds of ``add_business_minutes`` and
``business_minutes_between`` for a short span (60 business minutes) and a long one
(30 business days = 30 x 7.5 h), from start instants spread over 2025-2026 (so
holidays, make-up days and off-hours starts are all hit). "warm" reuses the shared
calendar (its per-day cache filled, as in a running worker); "cold" builds a fresh
calendar for every call (the build is timed separately).

    .venv/bin/python bench/sla_calendar.py [--runs 20000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kefu.sla.calendar import (  # noqa: E402
    Calendar,
    add_business_minutes,
    business_minutes_between,
)
from kefu.sla.china import china_calendar, china_mainland  # noqa: E402

SHANGHAI = ZoneInfo("Asia/Shanghai")
SHORT = 60
LONG = 30 * 450  # 30 business days of 09:00-12:00 + 13:30-18:00


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    samples = []
    clock = time.perf_counter_ns
    for _ in range(runs):
        t0 = clock()
        fn()
        samples.append(clock() - t0)
    samples.sort()
    return statistics.median(samples) / 1000, samples[int(len(samples) * 0.95)] / 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    first = datetime(2025, 1, 1, tzinfo=SHANGHAI)
    span_s = int((datetime(2026, 10, 31, tzinfo=SHANGHAI) - first).total_seconds())
    starts = [first + timedelta(seconds=rng.randrange(span_s)) for _ in range(args.runs)]

    cal = china_mainland()
    build_us, build_p95 = timed(china_calendar, 200)
    print(
        f"China mainland calendar, {len(cal.special)} special dates; build: "
        f"median {build_us:.1f} us, p95 {build_p95:.1f} us"
    )
    print(f"{'operation':<44} {'warm median':>12} {'warm p95':>9} {'cold median':>12}")
    for label, minutes in (("60 business minutes", SHORT), ("30 business days", LONG)):
        ends = [add_business_minutes(cal, s, minutes) for s in starts]
        pairs = list(zip(starts, ends, strict=True))
        for name, op in (
            (f"add_business_minutes, {label}", "add"),
            (f"business_minutes_between, {label}", "between"),
        ):
            warm_it = iter(pairs)
            cold_runs = max(200, len(pairs) // 20)
            cold_it = iter(pairs[:cold_runs])

            def call(
                calendar: Calendar,
                start: datetime,
                end: datetime,
                op: str = op,
                minutes: int = minutes,
            ) -> object:
                if op == "add":
                    return add_business_minutes(calendar, start, minutes)
                return business_minutes_between(calendar, start, end)

            def warm_call(call=call, it=warm_it) -> object:
                return call(cal, *next(it))

            def cold_call(call=call, it=cold_it) -> object:
                return call(china_calendar(), *next(it))

            warm = timed(warm_call, len(pairs))
            cold, _ = timed(cold_call, cold_runs)
            print(f"{name:<44} {warm[0]:>10.1f}us {warm[1]:>7.1f}us {cold - build_us:>10.1f}us")
    print("(cold = fresh calendar per call, its build time subtracted)")


if __name__ == "__main__":
    main()

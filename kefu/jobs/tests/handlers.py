"""Job kinds used by the tests; imported by them and by the killed worker subprocess."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from kefu.jobs.registry import job_handler

RECORDED: list[Any] = []
_lock = threading.Lock()


@job_handler("test.record")
def record(payload: dict[str, Any]) -> None:
    with _lock:
        RECORDED.append(payload.get("n"))


@job_handler("test.boom")
def boom(payload: dict[str, Any]) -> None:
    raise RuntimeError(f"boom {payload.get('n')}")


@job_handler("test.slow_file")
def slow_file(payload: dict[str, Any]) -> None:
    """Appends "start" to a log file, waits until a release file exists, appends "done".

    The first worker is killed while it waits; the release file is created only after
    that, so the second run finishes."""
    log, release = Path(payload["log"]), Path(payload["release"])
    with log.open("a", encoding="utf-8") as out:
        out.write("start\n")
    while not release.exists():
        time.sleep(0.02)
    with log.open("a", encoding="utf-8") as out:
        out.write("done\n")

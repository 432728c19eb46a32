"""End-to-end fixtures: a real `kefu serve` in a subprocess and Debian's chromium.

The server runs on its own SQLite data dir (never the test database), so data for a
test is made through the server's own command line (`kefu manage shell`), exactly as an
operator would. Screenshots go to artifacts/screenshots/ for review; the best ones are
copied to docs/screenshots/ by hand.

Chromium: /usr/bin/chromium (Debian's package, installed by `make test`), or
KEFU_CHROMIUM. Without it these tests skip, except under CI=true where they fail.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("KEFU_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class KefuServer:
    """`kefu serve` on a fresh SQLite data dir with the demo data loaded."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "REDIS_URL")}
        self.env.update(KEFU_DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1")
        self.proc: subprocess.Popen[bytes] | None = None

    def kefu(self, *args: str, timeout: float = 180) -> str:
        proc = subprocess.run([sys.executable, "-m", "kefu.cli", *args], env=self.env,
                              cwd=self.data_dir, capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0:
            raise RuntimeError(f"kefu {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
        return proc.stdout

    def python(self, code: str) -> str:
        """Run ``code`` in Django on the server's database; returns what it printed."""
        return self.kefu("manage", "shell", "--no-imports", "-c", code)

    def python_json(self, code: str):
        """Run ``code``, which prints one JSON document last; returns it parsed."""
        lines = [line for line in self.python(code).splitlines() if line.strip()]
        return json.loads(lines[-1])

    def start(self) -> None:
        self.kefu("demo", "--no-serve")
        self.log = open(self.data_dir / "server.log", "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kefu.cli", "serve", "--port", str(self.port)],
            env=self.env, cwd=self.data_dir, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as resp:
                    if json.load(resp)["status"] == "ok":
                        return
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("kefu serve did not start:\n" + self.server_log())
            time.sleep(0.3)

    def server_log(self) -> str:
        path = self.data_dir / "server.log"
        return path.read_text(errors="replace")[-5000:] if path.exists() else ""

    def stop(self) -> None:
        if self.proc is None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.log.close()


@pytest.fixture(scope="session")
def kefu_server() -> Iterator[KefuServer]:
    if os.environ.get("DATABASE_URL"):
        pytest.skip("end-to-end tests run in the SQLite pass (their server has its own database)")
    with tempfile.TemporaryDirectory(prefix="kefu-e2e-") as tmp:
        server = KefuServer(Path(tmp))
        server.start()
        try:
            yield server
        finally:
            server.stop()
            if "Traceback (most recent call last)" in server.server_log():
                print(server.server_log())


# Module scope, not session: while Playwright's sync API is started, its event loop
# counts as running in this thread, so any asyncio.run() in a later test of the same
# worker (Channels, the WSGI bridge) would fail. Modules end it; a launch is ~0.5 s.
@pytest.fixture(scope="module")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        message = f"{CHROMIUM} is missing (make test installs Debian's chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def new_page(browser):
    """Pages in fresh contexts (separate cookies), closed after the test."""
    contexts = []

    def make(locale: str = "zh-CN", width: int = 1280, height: int = 800):
        context = browser.new_context(locale=locale, viewport={"width": width, "height": height})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


def ticket_number(html: str) -> str:
    """The ticket number (#10023) a confirmation page shows."""
    import re

    found = re.search(r"#(\d{5,})", html)
    assert found, "no ticket number on the page"
    return found.group(1)


def sign_in_admin(page, server: KefuServer) -> None:
    """Sign ``page`` in to the workspace as the demo admin."""
    password = (server.data_dir / "demo_admin_password").read_text().strip()
    page.goto(server.base + "/agent/login/")
    page.fill("input[name=login]", "admin")
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(server.base + "/agent/")

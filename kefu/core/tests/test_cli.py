"""The ``kefu`` command: user errors are one line and a non-zero exit, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kefu import __version__
from kefu.accounts.services import agent_create
from kefu.cli import main


def run_kefu(data_dir: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """The real command in a fresh process, on SQLite in ``data_dir`` (never var/)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["KEFU_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "kefu.cli", *args], env=env, cwd=data_dir,
        capture_output=True, text=True, timeout=timeout, check=False,
    )


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert __version__ in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in ("demo", "serve", "migrate", "createsuperuser", "token", "check", "manage"):
        assert command in out


@pytest.mark.django_db
def test_token_create_for_unknown_user_is_one_line_and_exit_1(capsys):
    assert main(["token", "create", "nosuchuser"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == "kefu: error: no user named 'nosuchuser'"


@pytest.mark.django_db
def test_token_create_prints_a_working_token(capsys):
    from kefu.accounts.services import token_authenticate

    user = agent_create(username="wang")
    assert main(["token", "create", "wang", "--name", "ci"]) == 0
    key = capsys.readouterr().out.strip()
    assert key.startswith("kefu_")
    assert token_authenticate(key) == user


@pytest.mark.django_db
def test_check_passes_on_a_migrated_database(capsys):
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "database: " in out
    assert "migrations: all applied" in out


def test_bad_port_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["serve", "--port", "70000"])
    assert exit_info.value.code == 2
    assert "out of range" in capsys.readouterr().err


def test_commands_in_a_fresh_process(tmp_path):
    """The installed-command path end to end, on a new data dir."""
    pending = run_kefu(tmp_path, "check")
    assert pending.returncode == 1
    assert "pending" in pending.stderr and "kefu migrate" in pending.stderr
    assert "Traceback" not in pending.stderr

    unknown = run_kefu(tmp_path, "token", "create", "nosuchuser")
    assert unknown.returncode == 1  # no tables yet: still one line
    assert len(unknown.stderr.strip().splitlines()) == 1
    assert "Traceback" not in unknown.stderr

    first = run_kefu(tmp_path, "demo", "--no-serve")
    assert first.returncode == 0, first.stderr
    assert "loaded in" in first.stdout
    assert "200 tickets" in first.stdout
    password_line = next(line for line in first.stdout.splitlines() if "login" in line)

    again = run_kefu(tmp_path, "demo", "--no-serve", "--port", "9000")
    assert again.returncode == 0, again.stderr
    assert "already loaded" in again.stdout and "200 tickets" in again.stdout
    assert password_line in again.stdout  # the same admin password on every run
    assert "http://127.0.0.1:9000/admin/" in again.stdout
    assert (tmp_path / "demo_admin_password").exists()

    ok = run_kefu(tmp_path, "check")
    assert ok.returncode == 0, ok.stderr
    assert "migrations: all applied" in ok.stdout

    missing = run_kefu(tmp_path, "token", "create", "nosuchuser")
    assert missing.returncode == 1
    assert missing.stderr.strip() == "kefu: error: no user named 'nosuchuser'"

    created = run_kefu(tmp_path, "token", "create", "admin")
    assert created.returncode == 0 and created.stdout.startswith("kefu_")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_answers_health_static_files_and_the_api(tmp_path):
    """`kefu serve` for real: granian workers, /static/ served, a token works over HTTP."""
    import json
    import signal
    import time
    import urllib.request

    assert run_kefu(tmp_path, "migrate").returncode == 0
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["KEFU_DATA_DIR"] = str(tmp_path)
    subprocess.run([sys.executable, "-m", "kefu.cli", "manage", "shell", "-c",
                    "from kefu.accounts.services import agent_create; agent_create(username='ops')"],
                   env=env, cwd=tmp_path, check=True, capture_output=True)
    key = run_kefu(tmp_path, "token", "create", "ops").stdout.strip()
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "kefu.cli", "serve", "--port", str(port), "--workers", "2",
         "--threads", "2"],
        env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as resp:
                    health = json.load(resp)
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
                assert time.monotonic() < deadline, "kefu serve did not answer within 60 s"
                time.sleep(0.3)
        assert health == {"status": "ok", "database": "sqlite"}
        with urllib.request.urlopen(base + "/static/admin/css/base.css", timeout=5) as resp:
            assert resp.status == 200 and b"body" in resp.read()
        request = urllib.request.Request(base + "/api/v1/agents",
                                         headers={"Authorization": f"Bearer {key}"})
        with urllib.request.urlopen(request, timeout=5) as resp:
            assert [a["username"] for a in json.load(resp)] == ["ops"]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()

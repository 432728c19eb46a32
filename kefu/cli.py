"""The ``kefu`` command: one entry point for the demo, the server and Django management.

Every user error ends as a one-line message on stderr and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

SETTINGS_MODULE = "kefu.config.settings"
ASGI_APP = "kefu.config.asgi:application"
PROG = "kefu"


class CliError(Exception):
    """A failure to report as one line, without a traceback."""


def _version() -> str:
    from kefu import __version__

    return __version__


def _env_count(name: str, default: int) -> int:
    raw = os.environ.get(name, str(default))
    try:
        number = int(raw)
    except ValueError:
        raise CliError(f"{name}={raw!r} is not an integer") from None
    if number < 1:
        raise CliError(f"{name} must be at least 1")
    return number


def _default_workers() -> int:
    """One per CPU with Redis; one without, since the in-memory channel layer cannot
    carry a live update from one process to a browser connected to another."""
    cpus = len(os.sched_getaffinity(0)) if os.environ.get("REDIS_URL") else 1
    return _env_count("KEFU_WEB_WORKERS", cpus)



def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid port {value!r}") from None
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"port {port} is out of range 1-65535")
    return port


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _add_server_options(parser: argparse.ArgumentParser, *, workers: bool) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=_port, default=8000, help="port to listen on (8000)")
    if workers:
        parser.add_argument(
            "--workers", type=_positive, default=None,
            help="web processes (env KEFU_WEB_WORKERS; default one per CPU when REDIS_URL "
            "is set, else 1)",
        )
        parser.add_argument(
            "--threads", type=_positive, default=None,
            help="request threads per process (env KEFU_WEB_THREADS; default 1 on SQLite, "
            "4 on PostgreSQL)",
        )
    parser.add_argument("--access-log", action="store_true", help="log every request")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="kefu (客服): a self-hosted customer-service platform.",
        epilog="Settings come from the environment (KEFU_DATA_DIR, DATABASE_URL, ...); "
        "see the README.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    demo = sub.add_parser("demo", help="migrate, load demo data, print the admin login, serve")
    _add_server_options(demo, workers=False)
    demo.add_argument("--no-serve", action="store_true", help="prepare everything, do not serve")
    demo.set_defaults(handler=cmd_demo)

    serve = sub.add_parser("serve", help="run the web server (granian)")
    _add_server_options(serve, workers=True)
    serve.set_defaults(handler=cmd_serve)

    migrate = sub.add_parser("migrate", help="apply database migrations (Django's migrate)")
    migrate.add_argument("args", nargs=argparse.REMAINDER, help="passed to Django's migrate")
    migrate.set_defaults(handler=cmd_migrate)

    superuser = sub.add_parser("createsuperuser", help="create an administrator account")
    superuser.add_argument("args", nargs=argparse.REMAINDER, help="passed to createsuperuser")
    superuser.set_defaults(handler=cmd_createsuperuser)

    token = sub.add_parser("token", help="API tokens")
    token_sub = token.add_subparsers(dest="token_command", metavar="ACTION")
    token_sub.required = True
    create = token_sub.add_parser("create", help="create a bearer token for a user and print it")
    create.add_argument("username")
    create.add_argument("--name", default="", help="a label for the token")
    create.set_defaults(handler=cmd_token_create)

    worker = sub.add_parser("worker", help="run background jobs and the periodic schedule")
    worker.add_argument("args", nargs=argparse.REMAINDER,
                        help="--once, --poll SECONDS, --lease SECONDS")
    worker.set_defaults(handler=cmd_worker)

    ingest = sub.add_parser("ingest-mail", help="take one message on stdin for a mailbox "
                            "(a pipe from Postfix/Exim): exit 0 accepted, 75 retry later")
    ingest.add_argument("args", nargs=argparse.REMAINDER, help="ADDRESS")
    ingest.set_defaults(handler=cmd_ingest_mail)

    smtpd = sub.add_parser("smtpd", help="run the built-in inbound SMTP server")
    smtpd.add_argument("args", nargs=argparse.REMAINDER, help="--host HOST --port PORT")
    smtpd.set_defaults(handler=cmd_smtpd)

    assist = sub.add_parser("assist", help="offline assistance: train the intent model on "
                            "solved tickets, evaluate classifiers on your own files")
    assist.add_argument("args", nargs=argparse.REMAINDER,
                        help="train [--min-per-category N] | eval polarity|intent --train A "
                        "--test B | split FILE ...")
    assist.set_defaults(handler=cmd_assist)

    check = sub.add_parser("check", help="system checks, database connection and migrations")
    check.set_defaults(handler=cmd_check)

    manage = sub.add_parser("manage", help="run any Django management command")
    manage.add_argument("args", nargs=argparse.REMAINDER, help="the command and its arguments")
    manage.set_defaults(handler=cmd_manage)
    return parser


# Commands whose arguments all belong to Django (``kefu migrate --plan``); argparse
# only lists them in --help, it would reject an option in first position.
PASSTHROUGH = {"migrate": "cmd_migrate", "createsuperuser": "cmd_createsuperuser",
               "manage": "cmd_manage", "worker": "cmd_worker",
               "ingest-mail": "cmd_ingest_mail", "smtpd": "cmd_smtpd", "assist": "cmd_assist"}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if argv and argv[0] in PASSTHROUGH:
        args = argparse.Namespace(handler=globals()[PASSTHROUGH[argv[0]]], args=argv[1:])
    else:
        args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        _setup_django()
        return handler(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        message = _user_error(exc)
        if message is None:
            raise
        print(f"{PROG}: error: {message}", file=sys.stderr)
        return 1


def _user_error(exc: Exception) -> str | None:
    """The one-line message for an error the user can act on; None for a bug."""
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management.base import CommandError
    from django.db import DatabaseError

    from kefu.core.errors import DomainError

    if isinstance(exc, CliError | CommandError | ImproperlyConfigured):
        return _one_line(str(exc))
    if isinstance(exc, DomainError):
        return _one_line(exc.message)
    if isinstance(exc, DatabaseError):
        return f"database: {_one_line(str(exc))} (is it running? try `kefu check`, `kefu migrate`)"
    if isinstance(exc, OSError):
        return _one_line(str(exc))
    return None


def _one_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else "unknown error"


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django

    try:
        django.setup()
    except ValueError as exc:  # e.g. a DATABASE_URL dj-database-url cannot parse
        raise CliError(f"configuration: {exc}") from exc


# --- commands ----------------------------------------------------------------

def cmd_migrate(args: argparse.Namespace) -> int:
    return _execute(["migrate", *args.args])


def cmd_worker(args: argparse.Namespace) -> int:
    from kefu.jobs.worker import main as worker_main

    return worker_main(args.args)


def cmd_ingest_mail(args: argparse.Namespace) -> int:
    from kefu.mailin.cli import main as ingest_main

    return ingest_main(args.args)


def cmd_smtpd(args: argparse.Namespace) -> int:
    from kefu.mailin.smtpd import main as smtpd_main

    return smtpd_main(args.args)


def cmd_assist(args: argparse.Namespace) -> int:
    if args.args[:1] == ["train"]:
        from kefu.intel.training import main as train_main

        return train_main(args.args[1:])
    from kefu.assist.cli import main as assist_main  # eval and split: no database

    return assist_main(args.args)


def cmd_createsuperuser(args: argparse.Namespace) -> int:
    return _execute(["createsuperuser", *args.args])


def cmd_manage(args: argparse.Namespace) -> int:
    if not args.args:
        return _execute(["help"])
    return _execute(list(args.args))


def _execute(argv: list[str]) -> int:
    """Run a Django management command line; its own errors already print one line."""
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line([f"{PROG} manage", *argv])
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


def cmd_token_create(args: argparse.Namespace) -> int:
    from kefu.accounts.services import token_create_for_username

    print(token_create_for_username(username=args.username, name=args.name))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from django.core.management import call_command
    from django.db import DatabaseError, connections

    call_command("check")
    connection = connections["default"]
    name = connection.settings_dict["NAME"]
    try:
        connection.ensure_connection()
    except DatabaseError as exc:
        raise CliError(
            f"cannot connect to the {connection.vendor} database {name}: {_one_line(str(exc))}"
        ) from exc
    print(f"database: {connection.vendor} {name}")
    pending = _pending_migrations()
    if pending:
        shown = ", ".join(pending[:3]) + (" ..." if len(pending) > 3 else "")
        raise CliError(f"{len(pending)} migration(s) pending ({shown}); run `kefu migrate`")
    print("migrations: all applied")
    return 0


def _pending_migrations() -> list[str]:
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections["default"])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def cmd_serve(args: argparse.Namespace) -> int:
    workers = args.workers or _default_workers()
    return serve(host=args.host, port=args.port, workers=workers, threads=args.threads,
                 access_log=args.access_log)


def serve(*, host: str, port: int, workers: int = 1, threads: int | None = None,
          access_log: bool = False) -> int:
    """Serve ``kefu.config.asgi`` with granian; granian serves /static/ itself.

    HTTP goes to Django's WSGI handler on a pool of ``threads`` threads per process
    (kefu.core.wsgi_bridge): Django's own ASGI handler opens a thread and a database
    connection per request and answered /healthz ten times slower (bench/README.md).
    """
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections
    from granian import Granian
    from granian.constants import Interfaces

    if threads is not None:
        # Workers are forked from this process (settings already loaded) or spawned
        # (settings read again from the environment): tell both.
        settings.KEFU_WEB_THREADS = threads
        os.environ["KEFU_WEB_THREADS"] = str(threads)

    call_command("collectstatic", interactive=False, verbosity=0)
    pending = _pending_migrations()
    if pending:
        print(f"{PROG}: warning: {len(pending)} migration(s) pending; run `kefu migrate`",
              file=sys.stderr)
    if workers > 1 and not settings.REDIS_URL:
        print(f"{PROG}: warning: {workers} workers without REDIS_URL: live updates reach only "
              "the browsers connected to the same process", file=sys.stderr)
    # Worker processes open their own connections; none may be inherited half-used.
    connections.close_all()
    static_route = "/" + settings.STATIC_URL.strip("/")
    Granian(
        ASGI_APP, address=host, port=port, interface=Interfaces.ASGI, workers=workers,
        log_access=access_log,
        static_path_route=[static_route], static_path_mount=[Path(settings.STATIC_ROOT)],
        respawn_failed_workers=True,
    ).serve()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from kefu.accounts.services import token_create
    from kefu.customers.models import Customer
    from kefu.demo.loader import demo_load
    from kefu.tickets.models import Ticket

    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    loaded = demo_load()
    if loaded:
        # The history's jobs (the analysis of every customer message, kefu.intel) run
        # now, so the server starts idle instead of working through them under load.
        import threading

        from kefu.jobs.worker import run_worker

        run_worker(stop=threading.Event(), once=True)
    elapsed = time.perf_counter() - started
    admin, password, note = _demo_admin(Path(settings.DATA_DIR))
    _token, key = token_create(user=admin, name="demo")
    base = f"http://{_url_host(args.host)}:{args.port}"
    counts = f"{Customer.objects.count()} customers, {Ticket.objects.count()} tickets"
    state = f"loaded in {elapsed:.1f} s" if loaded else "already loaded, kept"
    print(f"kefu {_version()} demo")
    print(f"  database   {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"  demo data  {state} ({counts})")
    print(f"  workspace  {base}/agent/   (agents' inbox; sign in as admin)")
    print(f"  admin      {base}/admin/")
    print(f"  login      admin / {password}{note}")
    print(f"  portal     {base}/portal/  (customers; sign-in links are printed in this console)")
    print(f"  live chat  {base}/chat/demo/  (the chat widget on a sample page)")
    print(f"  API token  {key}")
    print(f"  API docs   {base}/api/v1/docs")
    print(f'  try        curl -H "Authorization: Bearer {key}" {base}/api/v1/tickets')
    sys.stdout.flush()
    if args.no_serve:
        return 0
    return serve(host=args.host, port=args.port, workers=1, access_log=args.access_log)


def _url_host(host: str) -> str:
    if host in ("0.0.0.0", ""):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def _demo_admin(data_dir: Path):
    """The ``admin`` user and its demo password, the same one on every run."""
    from django.contrib.auth import get_user_model

    from kefu.accounts.choices import Availability, Role
    from kefu.accounts.services import agent_create

    password_file = data_dir / "demo_admin_password"
    if password_file.exists():
        password = password_file.read_text(encoding="utf-8").strip()
    else:
        password = secrets.token_urlsafe(12)
        data_dir.mkdir(parents=True, exist_ok=True)
        password_file.write_text(password + "\n", encoding="utf-8")
        password_file.chmod(0o600)
    User = get_user_model()
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        admin = agent_create(
            username="admin", email="admin@example.com", password=password,
            display_name="系统管理员", role=Role.ADMIN, availability=Availability.ONLINE,
        )
        return admin, password, ""
    if not admin.check_password(password):
        # Someone set this admin's password on purpose: keep it, and say so.
        return admin, "(unchanged)", f"  [admin existed before; {password_file} does not apply]"
    return admin, password, ""


if __name__ == "__main__":
    sys.exit(main())

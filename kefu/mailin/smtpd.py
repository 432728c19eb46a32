"""``kefu smtpd --host --port``: the built-in inbound SMTP server (aiosmtpd).

RCPT TO an unknown mailbox: 550; past KEFU_MAIL_MAX_RECIPIENTS (50): 452; DATA larger
than KEFU_MAIL_MAX_BYTES: 552 (aiosmtpd's data_size_limit, also advertised as SIZE).
DATA runs ``mail_accept`` in a worker thread and answers 250 only after it returned,
i.e. after the raw message and its parse job were committed; a database error is 451
(the sender keeps the mail and retries).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import socket
import sys
import threading
from collections.abc import Sequence
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.db import close_old_connections, connections

from kefu.mailin.choices import Source
from kefu.mailin.conf import setting
from kefu.mailin.selectors import mailbox_for_address
from kefu.mailin.services import MailEmpty, MailTooLarge, UnknownMailbox, mail_accept

logger = logging.getLogger(__name__)


def _in_thread(function: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a database call in an executor thread, then close that thread's connection.

    Why not keep it (CONN_MAX_AGE): executor threads come and go with no hook to close
    what they hold, and a connection left in an idle thread blocks, e.g., dropping the
    database. One connect per command is cheap next to an SMTP round trip."""
    close_old_connections()
    try:
        return function(*args, **kwargs)
    finally:
        connections.close_all()


class KefuHandler:
    """aiosmtpd handler: check recipients against the mailboxes, store on DATA."""

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,  # noqa: N802
                          address: str, rcpt_options: list[str]) -> str:
        if len(envelope.rcpt_tos) >= setting("KEFU_MAIL_MAX_RECIPIENTS"):
            return "452 4.5.3 Too many recipients"
        loop = asyncio.get_running_loop()
        try:
            mailbox = await loop.run_in_executor(None, _in_thread, mailbox_for_address, address)
        except Exception:
            logger.exception("smtpd: cannot look up mailbox %s", address)
            return "451 4.3.0 Temporary failure, try again later"
        if mailbox is None:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session,  # noqa: N802
                          envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        loop = asyncio.get_running_loop()
        try:
            inbound = await loop.run_in_executor(
                None, lambda: _in_thread(mail_accept, bytes(raw),
                                         recipients=list(envelope.rcpt_tos), source=Source.SMTP))
        except UnknownMailbox:
            return "550 5.1.1 No such mailbox here"
        except MailTooLarge:
            return "552 5.3.4 Message too big"
        except MailEmpty:
            return "554 5.6.0 Empty message"
        except Exception:
            logger.exception("smtpd: cannot store a message from %s", envelope.mail_from)
            return "451 4.3.0 Temporary failure, try again later"
        return f"250 2.0.0 Ok: stored as {inbound.pk}"


def build_controller(host: str, port: int, *, server_hostname: str | None = None) -> Controller:
    """The server on its own event loop thread (``start()``/``stop()``)."""
    return Controller(KefuHandler(), hostname=host, port=port, server_hostname=server_hostname,
                      data_size_limit=setting("KEFU_MAIL_MAX_BYTES"), enable_SMTPUTF8=True,
                      ident="kefu smtpd", timeout=300)


def _port(value: str) -> int:
    port = int(value)
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"port {port} is out of range 1-65535")
    return port


def _check_bind(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="kefu smtpd", description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=_port, default=8025, help="port to listen on (8025)")
    parser.add_argument("--hostname", default=None, help="name in the greeting (the FQDN)")
    args = parser.parse_args(list(argv))
    stop = threading.Event()
    controller = build_controller(args.host, args.port, server_hostname=args.hostname)
    try:
        _check_bind(args.host, args.port)  # fails at once; the controller waits 5 s to tell
        controller.start()
    except Exception as exc:  # noqa: BLE001 - port taken, address invalid, ...
        print(f"kefu smtpd: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    previous = {sig: signal.signal(sig, lambda *_: stop.set())
                for sig in (signal.SIGTERM, signal.SIGINT)}
    print(f"kefu smtpd: listening on {args.host}:{args.port}", file=sys.stderr, flush=True)
    try:
        while not stop.wait(0.2):
            pass
    finally:
        # Stops accepting; a DATA already storing finishes its commit in its thread (the
        # client then sees no 250 and retries; the retry is a duplicate, nothing new).
        controller.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print("kefu smtpd: stopped", file=sys.stderr, flush=True)
    return 0

"""``kefu ingest-mail ADDRESS < message.eml``: the pipe from Postfix/Exim.

Exit codes follow sysexits.h, which MTAs understand: 0 accepted (a duplicate too),
75 EX_TEMPFAIL (the MTA keeps the mail and retries: database down, any unexpected
error), 67 EX_NOUSER (unknown mailbox: bounce), 65 EX_DATAERR (empty or too large:
bounce), 64 EX_USAGE. One line on stderr says why.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import BinaryIO

EX_OK = 0
EX_USAGE = 64
EX_DATAERR = 65
EX_NOUSER = 67
EX_TEMPFAIL = 75


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(message)


class _UsageError(Exception):
    pass


def _say(message: str) -> None:
    print(f"kefu ingest-mail: {message}", file=sys.stderr)


def _ensure_django() -> None:
    from django.apps import apps

    if not apps.ready:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.config.settings")
        import django

        django.setup()


def main(argv: Sequence[str], stdin: BinaryIO = sys.stdin.buffer) -> int:
    parser = _Parser(prog="kefu ingest-mail",
                     description="Store one message from standard input for a mailbox.")
    parser.add_argument("address", nargs="+", help="the mailbox address(es) it was sent to")
    try:
        args = parser.parse_args(list(argv))
    except _UsageError as exc:
        _say(str(exc))
        return EX_USAGE
    try:
        _ensure_django()
        from kefu.mailin.choices import Source
        from kefu.mailin.conf import setting
        from kefu.mailin.services import MailEmpty, MailTooLarge, UnknownMailbox, mail_accept

        limit = setting("KEFU_MAIL_MAX_BYTES")
        raw = stdin.read(limit + 1)  # never read an endless pipe into memory
        inbound = mail_accept(raw, recipients=list(args.address), source=Source.PIPE)
    except UnknownMailbox as exc:
        _say(exc.message)
        return EX_NOUSER
    except (MailEmpty, MailTooLarge) as exc:
        _say(exc.message)
        return EX_DATAERR
    except Exception as exc:  # noqa: BLE001 - anything else: keep the mail at the MTA
        text = " ".join(str(exc).split())[:200] or exc.__class__.__name__
        _say(f"temporary failure, try again later: {text}")
        return EX_TEMPFAIL
    del inbound
    return EX_OK

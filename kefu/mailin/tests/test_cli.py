"""kefu ingest-mail: sysexits codes the MTA understands, one line on stderr."""

from __future__ import annotations

import io
from unittest import mock

from django.db import OperationalError

from kefu.mailin import cli
from kefu.mailin.models import InboundMail
from kefu.mailin.tests.conftest import DEMO, make_mail


def run(argv: list[str], data: bytes) -> int:
    return cli.main(argv, stdin=io.BytesIO(data))


def test_accepted_and_duplicate_exit_zero(mailbox, capsys):
    raw = make_mail()
    assert run([DEMO], raw) == cli.EX_OK
    assert run([DEMO], raw) == cli.EX_OK
    assert InboundMail.objects.get().source == "pipe"
    assert capsys.readouterr().err == ""


def test_unknown_mailbox_is_nouser(mailbox, capsys):
    assert run(["nobody@demo.kefu.local"], make_mail()) == cli.EX_NOUSER
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nobody@demo.kefu.local" in err


def test_empty_and_oversize_are_dataerr(mailbox, settings, capsys):
    assert run([DEMO], b"") == cli.EX_DATAERR
    settings.KEFU_MAIL_MAX_BYTES = 500
    assert run([DEMO], make_mail(body="x" * 2000)) == cli.EX_DATAERR
    assert not InboundMail.objects.exists()
    assert len(capsys.readouterr().err.splitlines()) == 2


def test_database_unavailable_is_tempfail(mailbox, capsys):
    with mock.patch("kefu.mailin.services.InboundMail.objects.create",
                    side_effect=OperationalError("could not connect to server")):
        assert run([DEMO], make_mail()) == cli.EX_TEMPFAIL
    err = capsys.readouterr().err
    assert "temporary failure" in err and err.count("\n") == 1


def test_usage_error(capsys):
    assert run([], b"x") == cli.EX_USAGE

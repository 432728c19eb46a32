"""Parallel deliveries of one mail on PostgreSQL: real connections, one row."""

from __future__ import annotations

import pytest

from kefu.conftest import in_parallel, on_postgres
from kefu.jobs.models import Job
from kefu.mailin.choices import Source
from kefu.mailin.models import InboundMail, Mailbox
from kefu.mailin.services import PROCESS_JOB, mail_accept
from kefu.mailin.tests.conftest import DEMO, make_mail

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not on_postgres(), reason="needs PostgreSQL (DATABASE_URL)"),
    pytest.mark.django_db(transaction=True),
]


def test_parallel_deliveries_of_one_mail_store_it_once():
    Mailbox.objects.get_or_create(address=DEMO)
    raw = make_mail(message_id="<race@example.cn>")
    # Copies differing in a trace header: same Message-ID, different bytes.
    copies = [raw.replace(b"Subject:", f"X-Copy: {i}\nSubject:".encode()) for i in range(3)]
    rows = in_parallel(6, lambda i: mail_accept((raw, *copies)[i % 4], recipients=[DEMO],
                                                source=Source.SMTP))
    assert len({r.pk for r in rows}) == 1
    assert InboundMail.objects.count() == 1
    assert Job.objects.filter(kind=PROCESS_JOB).count() == 1

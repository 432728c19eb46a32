"""mail_accept: the door. Refusals, mailbox resolution, duplicates, the queued job."""

from __future__ import annotations

import pytest

from kefu.jobs.models import Job
from kefu.mailin.choices import InboundStatus, MailErrorCode, Source
from kefu.mailin.models import InboundMail, Mailbox
from kefu.mailin.selectors import mailbox_for_address
from kefu.mailin.services import (
    PROCESS_JOB,
    MailEmpty,
    MailTooLarge,
    UnknownMailbox,
    mail_accept,
)
from kefu.mailin.tests.conftest import DEMO, make_mail


def test_stores_raw_and_queues_one_parse_job(mailbox):
    raw = make_mail(message_id="<first@example.cn>")
    inbound = mail_accept(raw, recipients=[DEMO], source=Source.PIPE)
    stored = InboundMail.objects.get(pk=inbound.pk)
    assert bytes(stored.raw) == raw
    assert stored.status == InboundStatus.RECEIVED
    assert stored.message_id == "<first@example.cn>"
    assert stored.mailbox == mailbox
    assert stored.from_address == "wang@example.cn"
    job = Job.objects.get(kind=PROCESS_JOB)
    assert job.key == str(inbound.pk) and job.payload == {"inbound_id": inbound.pk}


def test_unknown_mailbox_is_refused(mailbox):
    with pytest.raises(UnknownMailbox) as caught:
        mail_accept(make_mail(), recipients=["nobody@demo.kefu.local"], source=Source.SMTP)
    assert caught.value.code == MailErrorCode.UNKNOWN_MAILBOX
    assert not InboundMail.objects.exists()


def test_inactive_mailbox_is_unknown(mailbox):
    mailbox.active = False
    mailbox.save()
    with pytest.raises(UnknownMailbox):
        mail_accept(make_mail(), recipients=[DEMO], source=Source.SMTP)


def test_addresses_match_case_insensitively_with_subaddress_and_aliases(mailbox):
    mailbox.aliases = ["help@demo.kefu.local"]
    mailbox.save()
    for address in ["Support@Demo.Kefu.Local", "<support+order-77@demo.kefu.local>",
                    "HELP@demo.kefu.local"]:
        assert mailbox_for_address(address) == mailbox
    assert mailbox_for_address("sales@demo.kefu.local") is None
    other = Mailbox.objects.create(address="sales@demo.kefu.local")
    inbound = mail_accept(make_mail(), recipients=["x@elsewhere.cn", "SALES@demo.kefu.local"],
                          source=Source.SMTP)
    assert inbound.mailbox == other


def test_size_limit_and_empty(mailbox, settings):
    settings.KEFU_MAIL_MAX_BYTES = 1000
    with pytest.raises(MailTooLarge):
        mail_accept(make_mail(body="长" * 1000), recipients=[DEMO], source=Source.SMTP)
    with pytest.raises(MailEmpty):
        mail_accept(b" \r\n", recipients=[DEMO], source=Source.SMTP)
    assert not InboundMail.objects.exists()


def test_same_bytes_or_same_message_id_is_the_same_mail(mailbox):
    raw = make_mail(message_id="<dup@example.cn>")
    first = mail_accept(raw, recipients=[DEMO], source=Source.SMTP)
    again = mail_accept(raw, recipients=[DEMO], source=Source.PIPE)
    resent = mail_accept(raw.replace(b"Subject:", b"X-Resent: yes\nSubject:"),
                         recipients=[DEMO], source=Source.IMAP)
    assert first.pk == again.pk == resent.pk
    assert InboundMail.objects.count() == 1
    assert Job.objects.filter(kind=PROCESS_JOB).count() == 1
    # Another mailbox receiving a different copy of the same Message-ID is its own mail.
    Mailbox.objects.create(address="sales@demo.kefu.local")
    other = mail_accept(raw.replace(b"Subject:", b"X-Copy: 2\nSubject:"),
                        recipients=["sales@demo.kefu.local"], source=Source.SMTP)
    assert other.pk != first.pk

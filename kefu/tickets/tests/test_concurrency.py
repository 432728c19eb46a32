"""Parallel writers on PostgreSQL: real connections, one per thread."""

import pytest

from kefu.accounts.actor import SYSTEM
from kefu.conftest import in_parallel, on_postgres
from kefu.customers.models import Customer
from kefu.tickets.models import Ticket
from kefu.tickets.services import requester_resolve, ticket_create

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not on_postgres(), reason="needs PostgreSQL (DATABASE_URL)"),
    pytest.mark.django_db(transaction=True),
]


def test_parallel_creates_never_share_a_number(cast):
    def create(i):
        return [
            ticket_create(actor=SYSTEM, subject=f"并发 {i}-{j}", body="内容", channel="api",
                          requester=cast.customer)[0].number
            for j in range(25)
        ]

    numbers = [n for batch in in_parallel(4, create) for n in batch]
    assert len(numbers) == 100
    assert len(set(numbers)) == 100
    assert Ticket.objects.count() == 100


def test_same_external_id_at_once_creates_one_ticket(cast):
    def create(i):
        ticket, created = ticket_create(actor=SYSTEM, subject="重复提交", body="内容",
                                        channel="api", requester=cast.customer,
                                        external_id="crm-race-1")
        return ticket.pk, created

    results = in_parallel(8, create)
    assert len({pk for pk, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert Ticket.objects.filter(external_id="crm-race-1").count() == 1


def test_same_new_customer_at_once_is_created_once(cast):
    def resolve(i):
        return requester_resolve(actor=SYSTEM, name="新客户", email="race@example.com").pk

    ids = in_parallel(8, resolve)
    assert len(set(ids)) == 1
    assert Customer.objects.filter(identities__value="race@example.com").count() == 1

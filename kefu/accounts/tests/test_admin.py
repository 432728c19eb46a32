"""The Django admin: Chinese by default, scoped by the selectors, writing through services."""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kefu.accounts.actor import SYSTEM
from kefu.accounts.choices import Role
from kefu.accounts.models import ApiToken
from kefu.accounts.services import agent_create, team_create
from kefu.customers.models import Customer, CustomerEvent
from kefu.customers.services import IdentitySet, customer_create
from kefu.tickets.choices import EventKind, Status
from kefu.tickets.models import Ticket, TicketEvent
from kefu.tickets.services import ticket_create

TICKETS = "/admin/tickets/ticket/"


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def org(db):
    """A superuser, two teams with one agent each, and a customer."""
    admin_user = agent_create(username="boss", role=Role.ADMIN)
    agent_a = agent_create(username="xiaoli", display_name="小李")
    agent_b = agent_create(username="xiaochen", display_name="小陈")
    team_a = team_create(name="售后服务", members=[agent_a])
    team_b = team_create(name="售前咨询", members=[agent_b])
    customer = customer_create(name="张三", identities=IdentitySet(emails=["zhang@example.com"]))
    return {
        "admin": admin_user, "agent_a": agent_a, "agent_b": agent_b,
        "team_a": team_a, "team_b": team_b, "customer": customer,
    }


def make_ticket(org, *, subject="订单还没有发货", team=None, assignee=None, requester=None,
                tags=()):
    ticket, _ = ticket_create(
        actor=SYSTEM, subject=subject, body="我的订单三天了还没发货",
        requester=requester or org["customer"], channel="email",
        team_id=team.pk if team else None, assignee_id=assignee.pk if assignee else None,
        tags=tags,
    )
    return ticket


def grant(user, *codenames):
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))


def change_form_data(response) -> dict:
    """The POST body the admin change form would send back unchanged."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else value
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for key, value in management.initial.items():
            data[management.add_prefix(key)] = value
        for index, inline_form in enumerate(inline.formset.initial_forms):
            data[f"{inline.formset.prefix}-{index}-id"] = inline_form.instance.pk
            data[f"{inline.formset.prefix}-{index}-{inline.formset.fk.name}"] = (
                inline.formset.instance.pk
            )
    return data


def test_superuser_sees_the_ticket_list_in_chinese(client, org):
    ticket = make_ticket(org, team=org["team_a"])
    client.force_login(org["admin"])

    response = client.get(TICKETS)

    assert response.status_code == 200
    body = response.content.decode()
    assert "工单" in body
    assert "新建" in body  # the status label
    assert ticket.subject in body
    assert str(ticket.number) in body


def test_agent_sees_only_their_teams_tickets(client, org):
    mine = make_ticket(org, subject="售后：退货申请", team=org["team_a"])
    theirs = make_ticket(org, subject="售前：价格咨询", team=org["team_b"])
    grant(org["agent_a"], "view_ticket")
    client.force_login(org["agent_a"])

    response = client.get(TICKETS)

    assert response.status_code == 200
    body = response.content.decode()
    assert mine.subject in body
    assert theirs.subject not in body
    # Another team's ticket cannot be opened by its URL either.
    other = client.get(reverse("admin:tickets_ticket_change", args=[theirs.pk]))
    assert other.status_code == 302
    assert client.get(reverse("admin:tickets_ticket_change", args=[mine.pk])).status_code == 200


def test_agent_without_model_permissions_gets_read_only_scoped_access(client, org):
    mine = make_ticket(org, subject="售前：价格咨询", team=org["team_b"])
    make_ticket(org, subject="售后：退货申请", team=org["team_a"])
    client.force_login(org["agent_b"])

    response = client.get(TICKETS)
    assert response.status_code == 200
    assert "售前：价格咨询" in response.content.decode()
    assert "售后：退货申请" not in response.content.decode()
    assert client.get("/admin/customers/customer/").status_code == 200

    url = reverse("admin:tickets_ticket_change", args=[mine.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "对话记录" in page.content.decode()  # the conversation inline, read-only
    assert client.post(url, {"status": Status.SOLVED}).status_code == 403
    mine.refresh_from_db()
    assert mine.status == Status.NEW


def test_an_invalid_status_change_is_refused_with_a_message(client, org):
    ticket = make_ticket(org, team=org["team_a"])
    client.force_login(org["admin"])
    url = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    data = change_form_data(client.get(url))
    data["status"] = Status.CLOSED  # new -> closed skips "solved"

    response = client.post(url, data, follow=True)

    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW
    shown = [str(m) for m in response.context["messages"]]
    assert any("新建" in m and "已关闭" in m for m in shown), shown
    assert not TicketEvent.objects.filter(ticket=ticket, kind=EventKind.STATUS_CHANGED).exists()


def test_a_valid_change_goes_through_the_service_and_writes_events(client, org):
    ticket = make_ticket(org, team=org["team_a"])
    client.force_login(org["admin"])
    url = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    data = change_form_data(client.get(url))
    data.update(status=Status.OPEN, priority="urgent", assignee=org["agent_a"].pk)

    response = client.post(url, data)

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.assignee) == (
        Status.OPEN, "urgent", org["agent_a"],
    )
    fields = set(TicketEvent.objects.filter(ticket=ticket).values_list("field", flat=True))
    assert {"status", "priority", "assignee"} <= fields


def test_ticket_list_queries_do_not_grow_with_the_number_of_tickets(client, org):
    client.force_login(org["admin"])
    customers = [
        customer_create(name=f"客户{i}", identities=IdentitySet(emails=[f"c{i}@example.com"]))
        for i in range(5)
    ]

    def add(count):
        for i in range(count):
            make_ticket(
                org, subject=f"工单 {i}", team=org["team_a" if i % 2 else "team_b"],
                assignee=org["agent_a"] if i % 2 else org["agent_b"],
                requester=customers[i % len(customers)], tags=[f"标签{i % 3}"],
            )

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(TICKETS)
        assert response.status_code == 200
        return len(queries)

    add(5)
    few = count_queries()
    add(45)
    assert Ticket.objects.count() == 50
    many = count_queries()
    assert many == few, f"{few} queries for 5 tickets, {many} for 50"


def test_customer_list_queries_do_not_grow(client, org, django_assert_max_num_queries):
    client.force_login(org["admin"])
    for i in range(30):
        customer_create(
            name=f"客户{i}", identities=IdentitySet(emails=[f"k{i}@example.com"]), tags=["VIP"]
        )
    with django_assert_max_num_queries(15):
        assert client.get("/admin/customers/customer/").status_code == 200


def test_adding_a_customer_goes_through_the_service(client, org):
    client.force_login(org["admin"])
    data = {
        "name": "王五", "tier": "gold", "language": "zh-hans", "time_zone": "Asia/Shanghai",
        "gender": "", "preferences": "{}",
        "identities-TOTAL_FORMS": 1, "identities-INITIAL_FORMS": 0,
        "identities-MIN_NUM_FORMS": 0, "identities-MAX_NUM_FORMS": 1000,
        "identities-0-kind": "email", "identities-0-value": " Wang@Example.COM ",
        "events-TOTAL_FORMS": 0, "events-INITIAL_FORMS": 0,
        "events-MIN_NUM_FORMS": 0, "events-MAX_NUM_FORMS": 0,
    }

    response = client.post("/admin/customers/customer/add/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    customer = Customer.objects.get(name="王五")
    assert customer.tier == "gold"
    assert list(customer.identities.values_list("value", "is_primary")) == [
        ("wang@example.com", True)
    ]
    kinds = set(CustomerEvent.objects.filter(customer=customer).values_list("kind", flat=True))
    assert {"created", "identity_added"} <= kinds


def test_an_identity_of_another_customer_is_refused(client, org):
    client.force_login(org["admin"])
    data = {
        "name": "冒名者", "tier": "standard", "language": "zh-hans",
        "time_zone": "Asia/Shanghai", "gender": "", "preferences": "{}",
        "identities-TOTAL_FORMS": 1, "identities-INITIAL_FORMS": 0,
        "identities-MIN_NUM_FORMS": 0, "identities-MAX_NUM_FORMS": 1000,
        "identities-0-kind": "email", "identities-0-value": "ZHANG@example.com",
        "events-TOTAL_FORMS": 0, "events-INITIAL_FORMS": 0,
        "events-MIN_NUM_FORMS": 0, "events-MAX_NUM_FORMS": 0,
    }

    response = client.post("/admin/customers/customer/add/", data)

    assert response.status_code == 200  # the form again, with the error
    assert not Customer.objects.filter(name="冒名者").exists()


def test_api_token_is_shown_once_and_listed_by_prefix(client, org):
    client.force_login(org["admin"])

    response = client.post(
        "/admin/accounts/apitoken/add/", {"user": org["agent_a"].pk, "name": "CRM 同步"},
        follow=True,
    )

    assert response.status_code == 200
    token = ApiToken.objects.get(name="CRM 同步")
    shown = " ".join(str(m) for m in response.context["messages"])
    key = shown.split("<code>")[1].split("</code>")[0]
    assert key.startswith("kefu_") and key.startswith(token.prefix)
    assert hashlib.sha256(key.encode()).hexdigest() == token.key_hash

    listing = client.get("/admin/accounts/apitoken/").content.decode()
    assert token.prefix in listing
    assert key not in listing


def test_agent_profile_and_user_admin_pages_render(client, org):
    client.force_login(org["admin"])
    assert client.get("/admin/accounts/agentprofile/").status_code == 200
    assert client.get("/admin/accounts/team/").status_code == 200
    page = client.get(reverse("admin:auth_user_change", args=[org["agent_a"].pk]))
    assert page.status_code == 200
    assert "客服资料" in page.content.decode()

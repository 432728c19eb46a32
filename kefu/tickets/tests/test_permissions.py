"""Every endpoint with three users: owner, teammate, outsider (agents and customers)."""

import pytest

from kefu.tickets.services import message_post


@pytest.fixture
def ticket(cast, make_ticket):
    return make_ticket(team=cast.team_a, assignee=cast.agent_a)


AGENT_CASES = [("agent_a", 200), ("agent_a2", 200), ("lead_a", 200), ("agent_b", 404), ("admin", 200)]


@pytest.mark.parametrize(("who", "status"), AGENT_CASES)
def test_ticket_read_endpoints_for_agents(cast, ticket, who, status):
    api = cast.client(getattr(cast, who))
    assert api.get(f"/api/v1/tickets/{ticket.pk}").status_code == status
    assert api.get(f"/api/v1/tickets/{ticket.pk}/messages").status_code == status
    assert api.get(f"/api/v1/tickets/{ticket.pk}/events").status_code == status
    listed = {t["id"] for t in api.get("/api/v1/tickets").json()["items"]}
    assert (ticket.pk in listed) == (status == 200)


@pytest.mark.parametrize(("who", "status"), AGENT_CASES)
def test_ticket_write_endpoints_for_agents(cast, ticket, make_ticket, who, status):
    api = cast.client(getattr(cast, who))
    assert api.patch_json(f"/api/v1/tickets/{ticket.pk}", {"priority": "high"}).status_code == status
    posted = api.post_json(f"/api/v1/tickets/{ticket.pk}/messages", {"body": "您好"})
    assert posted.status_code == (201 if status == 200 else status)
    other = make_ticket(team=cast.team_a)
    merged = api.post_json(f"/api/v1/tickets/{other.pk}/merge", {"target_id": ticket.pk})
    assert merged.status_code == status


def test_assignment_outside_the_team_grants_access_to_the_assignee_only(cast, make_ticket):
    ticket = make_ticket(team=cast.team_b, assignee=cast.agent_b)
    ticket.assignee = cast.agent_a
    ticket.save(update_fields=["assignee"])
    assert cast.client(cast.agent_a).get(f"/api/v1/tickets/{ticket.pk}").status_code == 200
    assert cast.client(cast.agent_a2).get(f"/api/v1/tickets/{ticket.pk}").status_code == 404


CUSTOMER_CASES = [("customer_user", 200), ("other_customer_user", 404)]


@pytest.mark.parametrize(("who", "status"), CUSTOMER_CASES)
def test_ticket_endpoints_for_customers(cast, ticket, who, status):
    api = cast.client(getattr(cast, who))
    assert api.get(f"/api/v1/tickets/{ticket.pk}").status_code == status
    assert api.get(f"/api/v1/tickets/{ticket.pk}/messages").status_code == status
    reply = api.post_json(f"/api/v1/tickets/{ticket.pk}/messages", {"body": "谢谢"})
    assert reply.status_code == (201 if status == 200 else 404)
    # History and field changes are for agents, even on the customer's own ticket.
    assert api.get(f"/api/v1/tickets/{ticket.pk}/events").status_code == (403 if status == 200 else 404)
    assert api.patch_json(f"/api/v1/tickets/{ticket.pk}", {"priority": "urgent"}).status_code == (
        403 if status == 200 else 404)
    listed = {t["id"] for t in api.get("/api/v1/tickets").json()["items"]}
    assert (ticket.pk in listed) == (status == 200)


def test_customer_creates_tickets_only_for_themselves(cast):
    api = cast.client(cast.customer_user)
    own = api.post_json("/api/v1/tickets", {"subject": "账号被锁", "body": "登录不了"})
    assert own.status_code == 201
    assert own.json()["requester"]["id"] == cast.customer.pk
    assert own.json()["channel"] == "api"
    other = api.post_json("/api/v1/tickets", {"subject": "x", "body": "y",
                                              "requester": cast.other_customer.pk})
    assert other.status_code == 403
    by_email = api.post_json("/api/v1/tickets", {"subject": "x", "body": "y",
                                                 "requester": {"email": "li@example.com"}})
    assert by_email.status_code == 403


def test_guessing_ids_reveals_nothing(cast, make_ticket):
    for i in range(3):
        t = make_ticket(requester=cast.other_customer, subject=f"别人的工单 {i}")
        message_post(actor=cast.actor(cast.admin), ticket=t, body="内部", visibility="internal")
    own = make_ticket()
    message_post(actor=cast.actor(cast.admin), ticket=own, body="内部备注", visibility="internal")
    api = cast.client(cast.customer_user)
    for pk in range(1, own.pk + 5):
        r = api.get(f"/api/v1/tickets/{pk}")
        assert r.status_code == (200 if pk == own.pk else 404)
        if pk == own.pk:
            assert all(m["visibility"] == "public" for m in r.json()["messages"])
    for pk in range(1, 40):
        assert api.get(f"/api/v1/tickets/{pk}/attachments/{pk}").status_code == 404
    for customer_pk in range(1, cast.other_customer.pk + 3):
        expected = 200 if customer_pk == cast.customer.pk else 404
        assert api.get(f"/api/v1/customers/{customer_pk}").status_code == expected
        assert api.get(f"/api/v1/customers/{customer_pk}/timeline").status_code == expected


@pytest.mark.parametrize(("who", "get", "write"), [
    ("admin", 200, 200), ("agent_b", 200, 200),
    ("customer_user", 200, 403), ("other_customer_user", 404, 404),
])
def test_customer_endpoints(cast, who, get, write):
    api = cast.client(getattr(cast, who))
    pk = cast.customer.pk
    assert api.get(f"/api/v1/customers/{pk}").status_code == get
    assert api.get(f"/api/v1/customers/{pk}/timeline").status_code == get
    assert api.patch_json(f"/api/v1/customers/{pk}", {"city": "杭州"}).status_code == write
    assert api.get("/api/v1/customers").status_code == (200 if who in ("admin", "agent_b") else 403)
    created = api.post_json("/api/v1/customers", {"name": "新客户", "emails": [f"{who}@example.com"]})
    assert created.status_code == (201 if who in ("admin", "agent_b") else 403)


@pytest.mark.parametrize(("who", "agents", "teams"), [
    ("admin", {"admin", "lead_a", "agent_a", "agent_a2", "agent_b"}, {"售后服务", "售前咨询"}),
    ("lead_a", {"lead_a", "agent_a", "agent_a2"}, {"售后服务"}),
    ("agent_b", {"agent_b"}, {"售前咨询"}),
])
def test_agents_and_teams_are_scoped(cast, who, agents, teams):
    api = cast.client(getattr(cast, who))
    assert {a["username"] for a in api.get("/api/v1/agents").json()} == agents
    assert {t["name"] for t in api.get("/api/v1/teams").json()} == teams


def test_customers_cannot_list_agents(cast):
    api = cast.client(cast.customer_user)
    assert api.get("/api/v1/agents").status_code == 403
    assert api.get("/api/v1/teams").status_code == 403


def test_no_token_or_a_revoked_token_is_401(cast, ticket):
    from kefu.accounts.services import token_create, token_revoke
    from kefu.conftest import ApiClient

    assert ApiClient().get("/api/v1/tickets").status_code == 401
    assert ApiClient("kefu_not-a-token").get("/api/v1/tickets").json()["code"] == "not_authenticated"
    token, key = token_create(user=cast.admin)
    token_revoke(token=token)
    assert ApiClient(key).get(f"/api/v1/tickets/{ticket.pk}").status_code == 401


def test_session_auth_needs_csrf_for_writes(cast, ticket):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cast.agent_a)
    assert browser.get(f"/api/v1/tickets/{ticket.pk}").status_code == 200
    r = browser.patch(f"/api/v1/tickets/{ticket.pk}", {"priority": "low"},
                      content_type="application/json")
    assert r.status_code == 403

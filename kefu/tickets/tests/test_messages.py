import pytest

from kefu.tickets.models import Ticket
from kefu.tickets.services import message_post, ticket_update


def test_first_agent_reply_sets_first_response_and_opens(cast, make_ticket):
    ticket = make_ticket(team=cast.team_a)
    api = cast.client(cast.agent_a)
    r = api.post_json(f"/api/v1/tickets/{ticket.pk}/messages", {"body": "您好，已为您催促仓库"})
    assert r.status_code == 201, r.content
    assert r.json()["author"]["name"] == "李客服"
    ticket.refresh_from_db()
    assert ticket.status == "open"
    assert ticket.first_response_at is not None
    assert ticket.last_agent_message_at == ticket.first_response_at


def test_internal_note_is_not_a_response(cast, make_ticket):
    ticket = make_ticket(team=cast.team_a)
    api = cast.client(cast.agent_a)
    r = api.post_json(f"/api/v1/tickets/{ticket.pk}/messages",
                      {"body": "仓库说明天发", "visibility": "internal"})
    assert r.status_code == 201
    ticket.refresh_from_db()
    assert ticket.first_response_at is None and ticket.status == "new"


def test_reply_can_set_status(cast, make_ticket):
    ticket = make_ticket(team=cast.team_a)
    api = cast.client(cast.agent_a)
    api.post_json(f"/api/v1/tickets/{ticket.pk}/messages", {"body": "请提供订单号", "status": "pending"})
    ticket.refresh_from_db()
    assert ticket.status == "pending"


@pytest.mark.parametrize(("status", "reopens"), [("pending", 0), ("solved", 1)])
def test_customer_reply_sends_the_ticket_back_to_open(cast, make_ticket, status, reopens):
    ticket = make_ticket(team=cast.team_a)
    ticket_update(actor=cast.actor(cast.admin), ticket=ticket, changes={"status": status})
    r = cast.client(cast.customer_user).post_json(
        f"/api/v1/tickets/{ticket.pk}/messages", {"body": "还是没收到"})
    assert r.status_code == 201
    ticket.refresh_from_db()
    assert ticket.status == "open"
    assert ticket.reopened_count == reopens


def test_customer_reply_to_a_closed_ticket_starts_a_linked_follow_up(cast, make_ticket):
    ticket = make_ticket(team=cast.team_a)
    admin = cast.actor(cast.admin)
    ticket_update(actor=admin, ticket=ticket, changes={"status": "solved"})
    ticket_update(actor=admin, ticket=ticket, changes={"status": "closed"})
    r = cast.client(cast.customer_user).post_json(
        f"/api/v1/tickets/{ticket.pk}/messages", {"body": "又坏了"})
    assert r.status_code == 201
    follow_up = Ticket.objects.get(follow_up_of=ticket)
    assert r.json()["ticket_id"] == follow_up.pk
    assert follow_up.status == "new" and follow_up.team_id == cast.team_a.pk
    ticket.refresh_from_db()
    assert ticket.status == "closed" and ticket.reopened_count == 0


def test_customer_never_sees_internal_notes(cast, make_ticket):
    ticket = make_ticket(team=cast.team_a)
    message_post(actor=cast.actor(cast.agent_a), ticket=ticket, body="客户很着急，内部备注",
                 visibility="internal")
    message_post(actor=cast.actor(cast.agent_a), ticket=ticket, body="您好，马上处理")
    customer = cast.client(cast.customer_user)
    detail = customer.get(f"/api/v1/tickets/{ticket.pk}").json()
    listed = customer.get(f"/api/v1/tickets/{ticket.pk}/messages").json()["items"]
    timeline = customer.get(f"/api/v1/customers/{cast.customer.pk}/timeline").json()
    for bodies in ([m["body"] for m in detail["messages"]], [m["body"] for m in listed],
                   [e["summary"] for e in timeline]):
        assert "您好，马上处理" in bodies
        assert "客户很着急，内部备注" not in bodies
    agent_view = cast.client(cast.agent_a).get(f"/api/v1/tickets/{ticket.pk}").json()
    assert "客户很着急，内部备注" in [m["body"] for m in agent_view["messages"]]


def test_customer_cannot_write_notes_or_set_status(cast, make_ticket):
    ticket = make_ticket()
    customer = cast.client(cast.customer_user)
    note = customer.post_json(f"/api/v1/tickets/{ticket.pk}/messages",
                              {"body": "x", "visibility": "internal"})
    status = customer.post_json(f"/api/v1/tickets/{ticket.pk}/messages",
                                {"body": "x", "status": "solved"})
    assert (note.status_code, status.status_code) == (403, 403)
    assert note.json()["code"] == "permission_denied"


def test_html_is_sanitised(cast, make_ticket):
    ticket = make_ticket(team=cast.team_a)
    r = cast.client(cast.agent_a).post_json(f"/api/v1/tickets/{ticket.pk}/messages", {
        "body_html": '<p onclick="x()">您好<script>alert(1)</script><a href="javascript:x">链接</a></p>',
    })
    data = r.json()
    assert "script" not in data["body_html"] and "onclick" not in data["body_html"]
    assert "javascript" not in data["body_html"]
    assert data["body"].startswith("您好")


def test_message_pagination(cast, make_ticket):
    ticket = make_ticket(team=cast.team_a)
    for i in range(4):
        message_post(actor=cast.actor(cast.agent_a), ticket=ticket, body=f"回复 {i}")
    api = cast.client(cast.agent_a)
    first = api.get(f"/api/v1/tickets/{ticket.pk}/messages?limit=3").json()
    second = api.get(f"/api/v1/tickets/{ticket.pk}/messages?limit=3&cursor={first['next_cursor']}").json()
    bodies = [m["body"] for m in first["items"] + second["items"]]
    assert bodies == ["我的订单三天了还没发货", "回复 0", "回复 1", "回复 2", "回复 3"]
    assert second["next_cursor"] is None


def test_system_notice_is_public_but_neither_customer_nor_agent(cast, make_ticket):
    from kefu.accounts.actor import SYSTEM
    from kefu.core.errors import PermissionDenied
    from kefu.tickets.services import ticket_update

    ticket = make_ticket(team=cast.team_a)
    ticket_update(actor=SYSTEM, ticket=ticket, changes={"status": "pending"})
    notice = message_post(actor=SYSTEM, ticket=ticket, body="您好，我们还在等待您的回复。",
                          system_notice=True)
    ticket.refresh_from_db()
    assert notice.author_kind == "system" and notice.visibility == "public"
    assert ticket.status == "pending" and ticket.first_response_at is None
    with pytest.raises(PermissionDenied):
        message_post(actor=cast.actor(cast.agent_a), ticket=ticket, body="x", system_notice=True)

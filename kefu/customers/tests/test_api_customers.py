from kefu.customers.models import Customer, CustomerIdentity
from kefu.tickets.models import Ticket


def test_create_get_update(cast):
    api = cast.client(cast.admin)
    r = api.post_json("/api/v1/customers", {
        "name": "王芳", "tier": "gold", "emails": ["Wang.Fang@Example.COM", "wf@example.org"],
        "phones": ["13912345678"], "wechat_id": "wangfang88", "tags": ["老客户"],
        "birthday": "1990-05-20", "gender": "female", "city": "杭州", "occupation": "教师",
        "preferences": {"联系时间": "晚上"}, "consent_marketing": True,
    })
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["email"] == "wang.fang@example.com"
    assert data["phone"] == "+8613912345678"
    assert {i["kind"] for i in data["identities"]} == {"email", "phone", "wechat"}
    assert data["consent_marketing"] is True and data["consent_marketing_at"]
    pk = data["id"]
    r = api.patch_json(f"/api/v1/customers/{pk}", {"tier": "platinum", "city": "上海",
                                                   "phones": ["021-6234 5678"], "tags": ["VIP"]})
    assert r.status_code == 200, r.content
    data = r.json()
    assert (data["tier"], data["city"], data["tags"]) == ("platinum", "上海", ["VIP"])
    assert "+862162345678" in [i["value"] for i in data["identities"]]
    assert api.get(f"/api/v1/customers/{pk}").json()["occupation"] == "教师"


def test_search(cast):
    api = cast.client(cast.agent_a)

    def names(query):
        r = api.get(f"/api/v1/customers?{query}")
        assert r.status_code == 200, r.content
        return {c["name"] for c in r.json()["items"]}

    api.post_json("/api/v1/customers", {"name": "王芳", "tier": "gold", "tags": ["老客户"]})
    assert names("name=张") == {"张三"}
    assert names("email=ZHANG@example.com") == {"张三"}
    assert names("phone=138-0013-8000") == {"张三"}
    assert names("q=li@") == {"李四"}
    assert names("tier=gold") == {"王芳"}
    assert names("tag=老客户") == {"王芳"}


def test_merge_moves_identities_and_tickets(cast, make_ticket):
    api = cast.client(cast.admin)
    dup = api.post_json("/api/v1/customers", {"name": "张三（重复）", "emails": ["zs@other.com"],
                                              "city": "北京"}).json()
    make_ticket(requester=Customer.objects.get(pk=dup["id"]))
    r = api.post_json(f"/api/v1/customers/{cast.customer.pk}/merge", {"source_id": dup["id"]})
    assert r.status_code == 200, r.content
    data = r.json()
    assert "zs@other.com" in [i["value"] for i in data["identities"]]
    assert data["city"] == "北京"
    assert data["email"] == "zhang@example.com"  # the survivor keeps its primary
    assert Ticket.objects.filter(requester_id=dup["id"]).count() == 0
    assert Customer.objects.get(pk=dup["id"]).merged_into_id == cast.customer.pk
    listed = {c["id"] for c in api.get("/api/v1/customers").json()["items"]}
    assert dup["id"] not in listed
    # A ticket for the merged-away email lands on the survivor.
    t = api.post_json("/api/v1/tickets", {"subject": "x", "body": "y",
                                          "requester": {"email": "zs@other.com"}}).json()
    assert t["requester"]["id"] == cast.customer.pk
    again = api.post_json(f"/api/v1/customers/{cast.customer.pk}/merge", {"source_id": dup["id"]})
    assert (again.status_code, again.json()["code"]) == (409, "invalid_merge")


def test_timeline_is_in_order_and_complete(cast, make_ticket):
    from kefu.tickets.services import message_post, ticket_update

    ticket = make_ticket(team=cast.team_a)
    message_post(actor=cast.actor(cast.agent_a), ticket=ticket, body="您好")
    ticket_update(actor=cast.actor(cast.agent_a), ticket=ticket, changes={"status": "solved"})
    r = cast.client(cast.admin).get(f"/api/v1/customers/{cast.customer.pk}/timeline")
    entries = r.json()
    kinds = [e["kind"] for e in entries]
    assert {"ticket", "message", "ticket_event", "customer_event"} <= set(kinds)
    times = [e["at"] for e in entries]
    assert times == sorted(times)
    assert any(e["kind"] == "ticket_event" and e["data"]["after"] == "solved" for e in entries)


def test_identity_is_unique_per_kind(cast):
    api = cast.client(cast.admin)
    r = api.patch_json(f"/api/v1/customers/{cast.other_customer.pk}", {"emails": ["zhang@example.com"]})
    assert r.status_code == 409
    assert CustomerIdentity.objects.get(value="zhang@example.com").customer_id == cast.customer.pk

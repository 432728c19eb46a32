"""Saved views: create, use, share with a team, delete; nobody else may use or delete mine."""

from __future__ import annotations

from kefu.workspace.models import SavedView


def create(client, follow=False, **data):
    return client.post("/agent/views/saved/new/", {"next": "/agent/", **data}, follow=follow)


def test_create_use_and_delete(cast, queue, web):
    client = web(cast.agent_a)
    response = create(client, name="我的新工单", status="new", assignee="me")
    view = SavedView.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/agent/views/saved/{view.pk}/"
    assert view.owner == cast.agent_a and view.filters == {"status": ["new"], "assignee": "me"}
    html = client.get(response["Location"]).content.decode()
    assert queue.t1.subject in html and queue.t2.subject not in html
    # Listed in the sidebar with its count.
    sidebar = client.get("/agent/counts/").content.decode()
    assert "我的新工单" in sidebar and f'data-view="saved-{view.pk}"' in sidebar
    response = client.post(f"/agent/views/saved/{view.pk}/delete/")
    assert response.status_code == 302 and not SavedView.objects.exists()


def test_saving_keeps_the_view_filters(cast, queue, web):
    client = web(cast.agent_a)
    # The page's save form carries the effective filters: VIP's tier + status, then the bar.
    html = client.get("/agent/views/vip/", {"priority": "normal"}).content.decode()
    assert 'name="tier" value="gold"' in html and 'name="priority" value="normal"' in html
    create(client, name="VIP 普通", tier=["gold", "platinum"], priority="normal",
           status=["open", "new"])
    view = SavedView.objects.get()
    assert view.filters["tier"] == ["gold", "platinum"] and view.filters["priority"] == ["normal"]
    html = client.get(f"/agent/views/saved/{view.pk}/").content.decode()
    assert queue.t6.subject in html and queue.t1.subject not in html


def test_another_user_cannot_use_or_delete_mine(cast, queue, web):
    create(web(cast.agent_a), name="私有视图", team=str(cast.team_a.pk))
    view = SavedView.objects.get()
    for user in (cast.agent_b, cast.agent_a2, cast.admin):
        client = web(user)
        assert client.get(f"/agent/views/saved/{view.pk}/").status_code == 404
        assert client.post(f"/agent/views/saved/{view.pk}/delete/").status_code == 404
        assert "私有视图" not in client.get("/agent/counts/").content.decode()
    assert SavedView.objects.filter(pk=view.pk).exists()


def test_shared_view_is_usable_by_the_team_but_deletable_by_the_owner_only(cast, queue, web):
    create(web(cast.agent_a), name="团队待办", assignee="me", shared_with=str(cast.team_a.pk))
    view = SavedView.objects.get()
    assert view.shared_with == cast.team_a
    mate = web(cast.agent_a2)
    html = mate.get(f"/agent/views/saved/{view.pk}/").content.decode()
    # "me" resolves to whoever looks: agent_a2 sees their own ticket, not agent_a's.
    assert queue.t5.subject in html and queue.t1.subject not in html
    response = mate.post(f"/agent/views/saved/{view.pk}/delete/", follow=True)
    assert SavedView.objects.filter(pk=view.pk).exists()
    assert "只有创建者可以删除此视图" in response.content.decode()
    assert web(cast.agent_b).get(f"/agent/views/saved/{view.pk}/").status_code == 404


def test_bad_input(cast, web):
    client = web(cast.agent_a)
    response = create(client, name="   ", follow=True)
    assert response.status_code == 200 and not SavedView.objects.exists()
    # Sharing with a team I am not in is refused.
    response = create(client, name="偷看", shared_with=str(cast.team_b.pk), follow=True)
    assert not SavedView.objects.exists()
    assert response.status_code == 200
    # Unknown filter values are dropped, not stored.
    create(client, name="乱填", status=["new", "bogus"], team="abc", assignee="-3")
    assert SavedView.objects.get().filters == {"status": ["new"]}

"""Built-in views: rows and counts per role, scoping, sorting, paging, query counts, i18n."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kefu.workspace.selectors import saved_view_scope, view_counts

ALL_KEYS = ("mine", "unassigned", "team", "pending", "vip", "all")

# Expected rows (ticket attribute names of the queue fixture) per user and view.
EXPECTED = {
    "admin": {
        "mine": [], "unassigned": ["t2", "t3", "t6", "t8"],
        "team": ["t1", "t2", "t3", "t5", "t6"], "pending": ["t5"], "vip": ["t6"],
        "all": ["t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8"],
    },
    "lead_a": {
        "mine": [], "unassigned": ["t2", "t6"], "team": ["t1", "t2", "t5", "t6"],
        "pending": ["t5"], "vip": ["t6"], "all": ["t1", "t2", "t5", "t6"],
    },
    "agent_a": {
        "mine": ["t1"], "unassigned": ["t2", "t6"], "team": ["t1", "t2", "t5", "t6"],
        "pending": ["t5"], "vip": ["t6"], "all": None,  # not offered to agents
    },
    "agent_b": {
        "mine": ["t4"], "unassigned": ["t3"], "team": ["t3"], "pending": [], "vip": [],
        "all": None,
    },
}


def subjects(queue, names):
    return {getattr(queue, n).subject for n in names}


def listed(html, queue):
    return {t.subject for t in queue.all if t.subject in html}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_builtin_views_rows_and_counts(cast, queue, web, who):
    user = getattr(cast, who)
    client = web(user)
    counts = view_counts(actor=cast.actor(user), saved=[])
    for key in ALL_KEYS:
        expected = EXPECTED[who][key]
        response = client.get(f"/agent/views/{key}/")
        if expected is None:
            assert response.status_code == 404
            continue
        assert response.status_code == 200, key
        assert listed(response.content.decode(), queue) == subjects(queue, expected), key
        assert counts[key] == len(expected), key
    # Home is "my open tickets".
    assert listed(client.get("/agent/").content.decode(), queue) == subjects(
        queue, EXPECTED[who]["mine"])


def test_agent_b_never_sees_team_a_tickets_unless_assigned(cast, queue, web, make_ticket):
    client = web(cast.agent_b)
    team_a = {queue.t1.subject, queue.t2.subject, queue.t5.subject, queue.t6.subject}
    for key in ("mine", "unassigned", "team", "pending", "vip"):
        html = client.get(f"/agent/views/{key}/", {"team": cast.team_a.pk}).content.decode()
        assert not team_a & listed(html, queue)
    # Filtering on team A or by its agent shows nothing either.
    html = client.get("/agent/views/team/", {"assignee": cast.agent_a.pk}).content.decode()
    assert not listed(html, queue)


def test_sidebar_shows_counts_and_hides_all_for_agents(cast, queue, web):
    html = web(cast.agent_a).get("/agent/").content.decode()
    assert 'data-view="mine"' in html and 'data-view="all"' not in html
    assert "SLA 即将违约" in html
    html = web(cast.lead_a).get("/agent/views/all/").content.decode()
    assert 'data-view="all"' in html and 'aria-current="page"' in html


def test_counts_partial(cast, queue, web):
    response = web(cast.agent_a).get("/agent/counts/", {"current": "vip"})
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith("<nav")
    assert 'hx-trigger="kefu:refresh from:body"' in html
    # mine=1 for agent_a
    assert '<span class="count">1</span>' in html


def test_counts_are_one_query(cast, queue, django_assert_num_queries):
    actor = cast.actor(cast.lead_a)
    saved = list(saved_view_scope(actor=actor))
    with django_assert_num_queries(1):
        view_counts(actor=actor, saved=saved)


def test_sla_view_lists_nothing_without_running_clocks(cast, queue, web):
    html = web(cast.admin).get("/agent/views/sla/").content.decode()
    assert "SLA" in html and not listed(html, queue)


def test_unknown_view_is_404(cast, web):
    assert web(cast.admin).get("/agent/views/nope/").status_code == 404


def test_filter_bar_overrides_view_and_search(cast, queue, web):
    client = web(cast.admin)
    html = client.get("/agent/views/all/", {"status": "pending"}).content.decode()
    assert listed(html, queue) == {queue.t5.subject}
    html = client.get("/agent/views/all/", {"q": "发票"}).content.decode()
    assert listed(html, queue) == {queue.t2.subject}
    html = client.get("/agent/views/all/", {"tier": "gold"}).content.decode()
    assert listed(html, queue) == {queue.t6.subject}
    # Junk in the query string is ignored, never an error.
    response = client.get("/agent/views/all/", {"status": "bogus", "team": "x", "page": "99",
                                                 "sort": "drop table"})
    assert response.status_code == 200


def test_sorting(cast, queue, web):
    from kefu.accounts.actor import SYSTEM
    from kefu.tickets.services import ticket_update

    ticket_update(actor=SYSTEM, ticket=queue.t3, changes={"priority": "urgent"})
    client = web(cast.admin)
    html = client.get("/agent/views/all/", {"sort": "-priority"}).content.decode()
    assert html.index(queue.t3.subject) < html.index(queue.t1.subject)
    html = client.get("/agent/views/all/", {"sort": "created"}).content.decode()
    assert html.index(queue.t1.subject) < html.index(queue.t8.subject)
    html = client.get("/agent/views/all/", {"sort": "-created"}).content.decode()
    assert html.index(queue.t8.subject) < html.index(queue.t1.subject)


def test_rows_link_to_the_ticket_page_and_show_requester_tier(cast, queue, web):
    html = web(cast.admin).get("/agent/views/vip/").content.decode()
    assert f'href="/agent/tickets/{queue.t6.pk}/"' in html
    assert "王五" in html and "tier-gold" in html


def test_htmx_refresh_returns_the_list_partial(cast, queue, web):
    response = web(cast.admin).get("/agent/views/all/", HTTP_HX_REQUEST="true",
                                   HTTP_HX_TARGET="ticket-list")
    html = response.content.decode()
    assert html.startswith('<div id="ticket-list"') and "<html" not in html
    assert "HX-Target" in response["Vary"]


def _list_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["admin", "agent_a"])
def test_list_query_count_does_not_grow_with_rows(cast, make_ticket, web, who,
                                                   django_assert_max_num_queries):
    user = getattr(cast, who)
    client = web(user)
    for i in range(5):
        make_ticket(subject=f"批量 {i}", team=cast.team_a, assignee=cast.agent_a,
                    tags=["退货", f"t{i}"])
    client.get("/agent/views/team/")  # warm the session and caches
    few = _list_queries(client, "/agent/views/team/")
    for i in range(25):
        make_ticket(subject=f"更多 {i}", team=cast.team_a, assignee=cast.agent_a,
                    tags=["加急"], channel="chat")
    many = _list_queries(client, "/agent/views/team/")
    assert few == many
    with django_assert_max_num_queries(15):
        client.get("/agent/views/team/")
    html = client.get("/agent/views/team/").content.decode()
    assert html.count("data-ticket-row") == 25 and 'rel="next"' in html
    assert client.get("/agent/views/team/", {"page": 2}).content.decode().count(
        "data-ticket-row") == 5


def test_shell_in_chinese_and_english(cast, web):
    client = web(cast.agent_a)
    html = client.get("/agent/").content.decode()
    assert "我的待办" in html and "未分配" in html and "键盘快捷键" in html
    english = client.get("/agent/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "My open tickets" in english and "Unassigned" in english
    assert "我的待办" not in english


def test_agent_without_team_sees_only_assigned(cast, queue, web):
    from kefu.accounts.services import agent_create

    loner = agent_create(username="loner", display_name="独行客服")
    counts = view_counts(actor=cast.actor(loner), saved=[])
    assert counts == {"mine": 0, "unassigned": 0, "team": 0, "chats": 0, "pending": 0, "sla": 0,
                      "vip": 0, "all": 0}
    response = web(loner).get("/agent/views/team/")
    assert response.status_code == 200 and not listed(response.content.decode(), queue)

"""Sign-in, lockout, refusal of customers, sign-out and availability."""

from __future__ import annotations

import pytest
from django.test import Client

from kefu.accounts.models import AgentProfile
from kefu.workspace.tests.conftest import PASSWORD

LOGIN = "/agent/login/"


@pytest.fixture
def with_password(cast):
    for user in (cast.agent_a, cast.admin, cast.customer_user):
        user.set_password(PASSWORD)
        user.save()
    return cast


@pytest.fixture
def lockout_page(settings):
    # The settings line this app asks for (see the report): axes renders our page.
    settings.AXES_LOCKOUT_CALLABLE = "kefu.workspace.auth_views.lockout_response"


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_anonymous_is_sent_to_login():
    response = Client().get("/agent/")
    assert response.status_code == 302
    assert response["Location"] == "/agent/login/?next=/agent/"


def test_login_page_renders_in_chinese_by_default(db):
    response = Client().get(LOGIN)
    assert response.status_code == 200
    assert "客服登录" in response.content.decode()


def test_login_with_username_then_next(with_password):
    client = Client()
    response = client.post(LOGIN, {"login": "agent_a", "password": PASSWORD,
                                   "next": "/agent/views/team/"})
    assert response.status_code == 302 and response["Location"] == "/agent/views/team/"
    assert signed_in(client)
    assert client.get("/agent/").status_code == 200


def test_login_with_email_and_external_next_is_ignored(with_password):
    client = Client()
    response = client.post(LOGIN, {"login": "ADMIN@kefu.test", "password": PASSWORD,
                                   "next": "https://evil.example.com/"})
    assert response.status_code == 302 and response["Location"] == "/agent/"
    assert signed_in(client)


def test_wrong_password(with_password):
    client = Client()
    response = client.post(LOGIN, {"login": "agent_a", "password": "nope"})
    assert response.status_code == 200
    assert "用户名、邮箱或密码错误" in response.content.decode()
    assert not signed_in(client)


def test_empty_form_shows_field_errors(db):
    response = Client().post(LOGIN, {"login": "", "password": ""})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


def test_lockout_after_five_failures(with_password, lockout_page):
    client = Client()
    statuses = [client.post(LOGIN, {"login": "agent_a", "password": f"bad{i}"}).status_code
                for i in range(5)]
    assert statuses[:4] == [200] * 4
    # The fifth failure locks; then even the right password is refused, with a page.
    response = client.post(LOGIN, {"login": "agent_a", "password": PASSWORD})
    assert response.status_code == 429
    html = response.content.decode()
    assert "15 分钟后再试" in html and "Traceback" not in html
    assert not signed_in(client)
    english = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        LOGIN, {"login": "agent_a", "password": PASSWORD})
    assert english.status_code == 429
    assert "try again in 15 minutes" in english.content.decode()


def test_lockout_without_the_setting_is_still_no_traceback(with_password):
    client = Client()
    for i in range(6):
        response = client.post(LOGIN, {"login": "agent_a", "password": f"bad{i}"})
    assert response.status_code == 429
    assert not signed_in(client)


def test_customer_is_refused_politely(with_password):
    client = Client()
    response = client.post(LOGIN, {"login": "zhangsan", "password": PASSWORD})
    assert response.status_code == 403
    assert "仅供客服人员使用" in response.content.decode()
    assert not signed_in(client)


def test_signed_in_customer_cannot_open_the_workspace(cast, web):
    client = web(cast.customer_user)
    for path in ("/agent/", "/agent/views/all/", "/agent/counts/"):
        response = client.get(path)
        assert response.status_code == 403
        assert "客服人员" in response.content.decode()


def test_logout_needs_post(cast, web):
    client = web(cast.agent_a)
    assert client.get("/agent/logout/").status_code == 405
    response = client.post("/agent/logout/")
    assert response.status_code == 302 and response["Location"] == "/agent/login/"
    assert not signed_in(client)


def test_user_menu_and_availability(cast, web):
    client = web(cast.agent_a)
    html = client.get("/agent/").content.decode()
    assert "李客服" in html and "退出登录" in html
    response = client.post("/agent/availability/", {"availability": "away", "next": "/agent/views/vip/"})
    assert response.status_code == 302 and response["Location"] == "/agent/views/vip/"
    assert AgentProfile.objects.get(user=cast.agent_a).availability == "away"
    client.post("/agent/availability/", {"availability": "sleeping"})
    assert AgentProfile.objects.get(user=cast.agent_a).availability == "away"


def test_superuser_without_agent_profile_gets_the_shell(db, django_user_model, web):
    root = django_user_model.objects.create_superuser("root", "root@kefu.test", PASSWORD)
    client = web(root)
    html = client.get("/agent/views/all/").content.decode()
    assert "root" in html and 'name="availability"' not in html
    assert client.post("/agent/availability/", {"availability": "online"}).status_code == 302

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from kefu.customers.services import IdentitySet, customer_create
from kefu.portal.models import MagicLink
from kefu.portal.tests.conftest import link_from_outbox

pytestmark = pytest.mark.django_db


def _page(response, email: str) -> str:
    # The CSRF token is per response; everything else must be identical.
    html = re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', "", response.content.decode())
    return html.replace(email, "X")


def request_link(client: Client, email: str, **extra):
    return client.post(reverse("portal:link_request"), {"email": email}, **extra)


def test_login_page_renders_in_chinese_by_default(client):
    response = client.get(reverse("portal:login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_known_and_unknown_email_get_the_same_page_only_known_gets_mail(cast, client):
    known = request_link(client, "Zhang@Example.com")
    unknown = request_link(client, "nobody@example.com")
    assert known.status_code == unknown.status_code == 200
    assert _page(known, "zhang@example.com") == _page(unknown, "nobody@example.com")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["zhang@example.com"]
    link = link_from_outbox()

    fresh = Client()
    assert fresh.get(link).status_code == 200  # confirmation page; does not use the link
    response = fresh.post(link)
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    home = fresh.get(reverse("portal:home"))
    assert home.status_code == 200
    assert home.wsgi_request.user == cast.customer_user


def test_link_works_once(cast, client):
    request_link(client, "zhang@example.com")
    link = link_from_outbox()
    assert Client().post(link).status_code == 302
    second = Client()
    response = second.post(link)
    assert response.status_code == 400
    assert not response.wsgi_request.user.is_authenticated
    assert second.get(link).status_code == 400


def test_expired_link_fails(cast, client):
    request_link(client, "zhang@example.com")
    link = link_from_outbox()
    MagicLink.objects.update(expires_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    response = Client().post(link)
    assert response.status_code == 400
    assert MagicLink.objects.get().used_at is None


def test_invalid_token_fails(client):
    assert client.post("/portal/login/link/not-a-token/").status_code == 400


def test_link_for_customer_without_user_creates_one(cast, client):
    customer = customer_create(name="王五", identities=IdentitySet(emails=["wang@example.com"]))
    request_link(client, "wang@example.com")
    link = link_from_outbox()
    response = Client().post(link)
    assert response.status_code == 302
    customer.refresh_from_db()
    user = customer.user
    assert user is not None
    assert not user.has_usable_password()
    assert user.username.startswith("customer-") and "@" not in user.username
    # A second link signs in the same user, no duplicate is made.
    request_link(client, "wang@example.com")
    Client().post(link_from_outbox())
    assert get_user_model().objects.filter(customer__pk=customer.pk).count() == 1


def test_link_rate_limit_per_email(cast, client, settings):
    settings.KEFU_PORTAL_LINK_LIMIT_PER_EMAIL = 2
    for _ in range(2):
        assert request_link(client, "zhang@example.com").status_code == 200
    response = request_link(client, "zhang@example.com")
    assert response.status_code == 429
    assert len(mail.outbox) == 2
    # The limit is the same for an unknown address: nothing to learn from a 429.
    for _ in range(2):
        request_link(client, "ghost@example.com")
    assert request_link(client, "ghost@example.com").status_code == 429


def test_link_rate_limit_per_ip(cast, client, settings):
    settings.KEFU_PORTAL_LINK_LIMIT_PER_IP = 3
    for i in range(3):
        assert request_link(client, f"a{i}@example.com").status_code == 200
    assert request_link(client, "zhang@example.com").status_code == 429
    assert mail.outbox == []
    # Another address is not affected.
    assert request_link(client, "zhang@example.com", REMOTE_ADDR="10.0.0.9").status_code == 200


def test_invalid_email_is_a_form_error(client):
    response = request_link(client, "not an email")
    assert response.status_code == 422
    assert "errorlist" in response.content.decode()


def test_password_login_after_setting_a_password(cast, portal_client):
    response = portal_client.post(reverse("portal:set_password"), {
        "new_password1": "Kefu-portal-2026!", "new_password2": "Kefu-portal-2026!",
    })
    assert response.status_code == 302
    client = Client()
    bad = client.post(reverse("portal:password_login"),
                      {"email": "zhang@example.com", "password": "wrong-password"})
    assert bad.status_code == 422
    assert not bad.wsgi_request.user.is_authenticated
    ok = client.post(reverse("portal:password_login"),
                     {"email": "ZHANG@example.com", "password": "Kefu-portal-2026!"})
    assert ok.status_code == 302
    assert client.get(reverse("portal:home")).wsgi_request.user == cast.customer_user


def test_password_login_unknown_email_fails_quietly(cast, client):
    response = client.post(reverse("portal:password_login"),
                           {"email": "nobody@example.com", "password": "whatever-123"})
    assert response.status_code == 422


def test_staff_password_cannot_sign_in_to_portal(cast, client):
    cast.agent_a.set_password("Agent-pass-2026!")
    cast.agent_a.save()
    response = client.post(reverse("portal:password_login"),
                           {"email": "agent_a", "password": "Agent-pass-2026!"})
    assert response.status_code == 422


def test_signed_in_customer_skips_the_login_page(portal_client):
    response = portal_client.get(reverse("portal:login"))
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")


def test_logout(portal_client):
    response = portal_client.post(reverse("portal:logout"))
    assert response.status_code == 302
    assert portal_client.get(reverse("portal:home")).status_code == 302


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))


def test_staff_visiting_the_portal_gets_a_workspace_link(cast, client):
    client.force_login(cast.agent_a)
    for url in (reverse("portal:home"), reverse("portal:new")):
        response = client.get(url)
        assert response.status_code == 200
        assert 'href="/agent/"' in response.content.decode()
    # The portal never lists the agent's team tickets.
    assert 'id="my-tickets"' not in client.get(reverse("portal:home")).content.decode()


def test_english_via_language_switch(cast, portal_client):
    portal_client.post("/i18n/setlang/", {"language": "en", "next": "/portal/"})
    assert "My requests" in portal_client.get(reverse("portal:home")).content.decode()


def test_link_never_signs_in_a_staff_account(cast, client):
    customer = customer_create(name="内部员工", identities=IdentitySet(emails=["staff@example.com"]))
    customer.user = cast.agent_a
    customer.save(update_fields=["user"])
    request_link(client, "staff@example.com")
    response = Client().post(link_from_outbox())
    assert response.status_code == 400
    assert not response.wsgi_request.user.is_authenticated

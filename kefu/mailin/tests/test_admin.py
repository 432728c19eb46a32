"""The admin: mailboxes editable, inbound mail listed, downloaded and processed again."""

from __future__ import annotations

from unittest import mock

from django.test import Client
from django.urls import reverse

from kefu.mailin.choices import InboundStatus
from kefu.mailin.models import Mailbox
from kefu.mailin.tests.conftest import make_mail


def _admin(cast) -> Client:
    client = Client()
    client.force_login(cast.admin)
    return client


def test_failed_mail_list_download_and_process_again(cast, deliver, run_jobs,
                                                     django_capture_on_commit_callbacks):
    raw = make_mail(subject="管理后台")
    with mock.patch("kefu.mailin.processing.parse_message", side_effect=RuntimeError("kaputt")):
        inbound = deliver(raw)
    client = _admin(cast)
    listing = client.get(reverse("admin:mailin_inboundmail_changelist"), {"status": "failed"})
    assert listing.status_code == 200
    assert "RuntimeError: kaputt" in listing.content.decode()
    page = client.get(reverse("admin:mailin_inboundmail_change", args=[inbound.pk]))
    assert page.status_code == 200
    download = client.get(reverse("admin:mailin_inboundmail_raw", args=[inbound.pk]))
    assert download.status_code == 200 and download.content == raw
    assert download["Content-Type"] == "message/rfc822"
    response = client.post(reverse("admin:mailin_inboundmail_changelist"), {
        "action": "process_again", "_selected_action": [inbound.pk]})
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        assert run_jobs() == 1
    inbound.refresh_from_db()
    assert inbound.status == InboundStatus.PROCESSED


def test_customers_cannot_download_raw_mail(cast, deliver):
    inbound = deliver(make_mail())
    client = Client()
    client.force_login(cast.customer_user)
    response = client.get(reverse("admin:mailin_inboundmail_raw", args=[inbound.pk]))
    assert response.status_code == 302  # to the admin login


def test_mailbox_form_validates_and_keeps_addresses_unique(cast, mailbox):
    client = _admin(cast)
    url = reverse("admin:mailin_mailbox_add")
    data = {"address": "Sales@Demo.Kefu.Local", "aliases": "shop@demo.kefu.local\nSHOP@demo.kefu.local",
            "name": "销售", "team": cast.team_b.pk, "default_priority": "normal", "active": "on"}
    assert client.post(url, data).status_code == 302
    sales = Mailbox.objects.get(address="sales@demo.kefu.local")
    assert sales.aliases == ["shop@demo.kefu.local"] and sales.team == cast.team_b
    clash = client.post(url, {**data, "address": "other@demo.kefu.local",
                              "aliases": "support@demo.kefu.local"})
    assert clash.status_code == 200
    assert "support@demo.kefu.local" in str(clash.context["adminform"].form.non_field_errors())
    bad = client.post(url, {**data, "address": "x@demo.kefu.local", "aliases": "not an address"})
    assert bad.status_code == 200
    assert "not an address" in str(bad.context["adminform"].form.errors["aliases"])

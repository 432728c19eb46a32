from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kefu.customers.models import Customer, CustomerIdentity
from kefu.portal.tests.conftest import PNG
from kefu.tickets.choices import Channel, TicketType
from kefu.tickets.models import Attachment, Ticket

pytestmark = pytest.mark.django_db

NEW = "/portal/new/"


def form(**overrides):
    data = {
        "name": "赵六", "email": "zhao6@example.com", "phone": "",
        "subject": "收到的商品有破损", "category": "return",
        "description": "外箱完好，但是杯子碎了。",
    }
    data.update(overrides)
    return data


def test_get_form(client):
    response = client.get(NEW)
    assert response.status_code == 200
    assert 'name="email"' in response.content.decode()


def test_anonymous_request_creates_web_ticket_with_attachment(db, client):
    data = form(attachments=[SimpleUploadedFile("photo.png", PNG, "image/png")], phone="13912345678")
    response = client.post(NEW, data)
    assert response.status_code == 302 and response["Location"] == reverse("portal:new_done")
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.WEB
    assert ticket.subject == "收到的商品有破损"
    assert list(ticket.tags.values_list("name", flat=True)) == ["退换货"]
    customer = ticket.requester
    assert customer.name == "赵六"
    assert set(customer.identities.values_list("value", flat=True)) == {"zhao6@example.com", "+8613912345678"}
    message = ticket.messages.get()
    assert message.author_kind == "customer"
    attachment = Attachment.objects.get(message=message)
    assert attachment.filename == "photo.png" and attachment.content_type == "image/png"
    done = client.get(response["Location"]).content.decode()
    assert f"#{ticket.number}" in done and "zhao6@example.com" in done


def test_known_email_reuses_the_customer(cast, client):
    before = Customer.objects.count()
    client.post(NEW, form(name="张三丰", email="ZHANG@example.com"))
    ticket = Ticket.objects.get()
    assert ticket.requester_id == cast.customer.pk
    assert Customer.objects.count() == before


def test_phone_of_another_customer_does_not_link_the_email(cast, client):
    # 13800138000 belongs to 张三: an anonymous form must not attach a new email to 张三.
    client.post(NEW, form(email="attacker@example.com", phone="13800138000"))
    ticket = Ticket.objects.get()
    assert ticket.requester_id != cast.customer.pk
    assert not CustomerIdentity.objects.filter(customer=cast.customer, value="attacker@example.com").exists()
    assert ticket.messages.get().channel_meta["web_form"]["phone"] == "+8613800138000"


def test_complaint_category_sets_the_type(db, client):
    client.post(NEW, form(category="complaint"))
    assert Ticket.objects.get().type == TicketType.COMPLAINT


def test_signed_in_customer_request(cast, portal_client):
    response = portal_client.get(NEW)
    assert 'name="email"' not in response.content.decode()
    response = portal_client.post(NEW, {"subject": "发票", "category": "account", "description": "请开发票"})
    ticket = Ticket.objects.get()
    assert response["Location"] == reverse("portal:ticket", args=[ticket.pk])
    assert ticket.requester_id == cast.customer.pk and ticket.channel == Channel.WEB


@pytest.mark.parametrize("overrides, field", [
    ({"email": "not-an-email"}, "email"),
    ({"email": ""}, "email"),
    ({"name": ""}, "name"),
    ({"subject": "   "}, "subject"),
    ({"description": ""}, "description"),
    ({"category": "nope"}, "category"),
    ({"phone": "12"}, "phone"),
])
def test_bad_input_is_a_form_error(db, client, overrides, field):
    response = client.post(NEW, form(**overrides))
    assert response.status_code == 422
    assert f'id="id_{field}"' in response.content.decode()
    assert "errorlist" in response.content.decode()
    assert not Ticket.objects.exists()


def test_oversized_attachment_is_a_form_error(db, client, settings):
    settings.KEFU_MAX_ATTACHMENT_BYTES = 100
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * 200, "image/png")
    response = client.post(NEW, form(attachments=[big]))
    assert response.status_code == 422 and "big.png" in response.content.decode()
    assert not Ticket.objects.exists() and not Customer.objects.exists()


@pytest.mark.parametrize("upload", [
    SimpleUploadedFile("evil.exe", b"MZ\x90\x00", "application/x-msdownload"),
    SimpleUploadedFile("fake.png", b"<html>not a png</html>", "image/png"),
    SimpleUploadedFile("empty.pdf", b"", "application/pdf"),
])
def test_bad_file_type_is_a_form_error(db, client, upload):
    response = client.post(NEW, form(attachments=[upload]))
    assert response.status_code == 422
    assert not Ticket.objects.exists()


def test_more_than_three_files_is_a_form_error(db, client):
    files = [SimpleUploadedFile(f"{i}.png", PNG, "image/png") for i in range(4)]
    assert client.post(NEW, form(attachments=files)).status_code == 422
    assert not Ticket.objects.exists()


def test_rate_limit_per_email(db, client, settings):
    settings.KEFU_PORTAL_FORM_LIMIT_PER_EMAIL = 2
    for _ in range(2):
        assert client.post(NEW, form()).status_code == 302
    response = client.post(NEW, form())
    assert response.status_code == 429
    assert 'id="rate-limited"' in response.content.decode()
    assert Ticket.objects.count() == 2
    # Another email from another address still goes through.
    other = Client(REMOTE_ADDR="10.1.1.1")
    assert other.post(NEW, form(email="other@example.com")).status_code == 302


def test_rate_limit_per_ip(db, client, settings):
    settings.KEFU_PORTAL_FORM_LIMIT_PER_IP = 3
    for i in range(3):
        assert client.post(NEW, form(email=f"p{i}@example.com")).status_code == 302
    customers = Customer.objects.count()
    response = client.post(NEW, form(email="fresh@example.com"))
    assert response.status_code == 429
    assert Ticket.objects.count() == 3 and Customer.objects.count() == customers


def test_rate_limit_message_is_translated(db, client, settings):
    settings.KEFU_PORTAL_FORM_LIMIT_PER_IP = 0
    response = client.post(NEW, form())
    assert response.status_code == 429
    assert "请求过多" in response.content.decode()


def test_web_form_xss_is_escaped(db, client):
    payload = '<script>alert(1)</script><img src=x onerror=alert(2)><iframe src="//evil.test"></iframe>'
    client.post(NEW, form(subject=f"X {payload}", description=payload, name=payload))
    ticket = Ticket.objects.get()
    message = ticket.messages.get()
    assert "<script" not in message.body_html and "<iframe" not in message.body_html

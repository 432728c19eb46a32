"""Canned replies: the placeholder renderer, visibility by team, who may manage them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kefu.core.errors import PermissionDenied, ValidationFailed
from kefu.customers.services import customer_update
from kefu.macros.models import Macro
from kefu.macros.render import render_placeholders
from kefu.macros.selectors import macro_get, macro_search
from kefu.macros.services import (
    macro_create,
    macro_delete,
    macro_mark_used,
    macro_render,
    macro_update,
)
from kefu.tickets.services import message_post


def test_renderer_replaces_only_whitelisted_names():
    values = {"customer.name": "张三", "ticket.number": 10001, "customer.password": "secret"}
    text = "{{customer.name}} 您好，工单 {{ ticket.number }}；{{customer.password}} {{foo}} {{ customer.__class__ }}"
    assert render_placeholders(text, values) == (
        "张三 您好，工单 10001；{{customer.password}} {{foo}} {{ customer.__class__ }}"
    )


def test_renderer_does_not_run_template_syntax():
    text = "{% load static %}{{ customer.name|upper }}{{customer.name}}"
    assert render_placeholders(text, {"customer.name": "a"}) == (
        "{% load static %}{{ customer.name|upper }}a"
    )


def test_renderer_escapes_inserted_values_when_asked():
    from django.utils.html import escape

    values = {"customer.name": "<script>x</script>"}
    assert render_placeholders("{{customer.name}}", values) == "<script>x</script>"
    assert render_placeholders("<b>{{customer.name}}</b>", values, escape=escape) == (
        "<b>&lt;script&gt;x&lt;/script&gt;</b>"
    )


@pytest.mark.django_db
def test_macro_render_for_a_ticket(cast, make_ticket):
    customer_update(customer=cast.customer, data={"tier": "gold"})
    ticket = make_ticket(team=cast.team_a)
    macro = macro_create(actor=cast.actor(cast.admin), title="问候",
                         body="{{customer.name}}（{{customer.tier}}）您好，工单 #{{ticket.number}}"
                              "「{{ticket.subject}}」由 {{agent.name}} 处理。{{ticket.secret}}")
    text = macro_render(macro, ticket, cast.actor(cast.agent_a))
    assert text == (f"张三（黄金）您好，工单 #{ticket.number}「订单还没有发货」由 李客服 处理。"
                    "{{ticket.secret}}")


@pytest.mark.django_db
def test_macro_render_escapes_hostile_customer_name(cast, make_ticket):
    customer_update(customer=cast.customer, data={"name": '<img src=x onerror="alert(1)">'})
    ticket = make_ticket(team=cast.team_a)
    macro = macro_create(actor=cast.actor(cast.admin), title="问候", body="您好 {{customer.name}}")
    html = macro_render(macro, ticket, cast.actor(cast.agent_a), html=True)
    assert "<img" not in html and "&lt;img src=x" in html
    # In the workspace search results the value sits escaped in a data attribute ...
    client = Client()
    client.force_login(cast.agent_a)
    response = client.get(reverse("workspace:ticket_macros", args=[ticket.pk]), {"q": "问候"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<img" not in body and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in body
    # ... and the posted reply is escaped again when message_post builds body_html.
    text = macro_render(macro, ticket, cast.actor(cast.agent_a))
    message = message_post(actor=cast.actor(cast.agent_a), ticket=ticket, body=text)
    assert "<img" not in message.body_html


@pytest.mark.django_db
def test_visibility_by_team(cast):
    admin = cast.actor(cast.admin)
    macro_create(actor=admin, title="通用问候", body="您好")
    macro_create(actor=admin, title="售后退货流程", body="退货请…", team_id=cast.team_a.pk)
    macro_create(actor=admin, title="售前报价", body="报价…", team_id=cast.team_b.pk)
    macro_create(actor=admin, title="已停用", body="旧的", active=False)

    def titles(user, q=""):
        return sorted(m.title for m in macro_search(actor=cast.actor(user), q=q))

    assert titles(cast.agent_a) == ["售后退货流程", "通用问候"]
    assert titles(cast.lead_a) == ["售后退货流程", "通用问候"]
    assert titles(cast.agent_b) == ["售前报价", "通用问候"]
    assert titles(cast.admin) == ["售前报价", "售后退货流程", "通用问候"]
    assert titles(cast.customer_user) == []
    assert titles(cast.agent_a, "退货") == ["售后退货流程"]  # body or title
    assert titles(cast.agent_b, "退货") == []


@pytest.mark.django_db
def test_macro_get_is_scoped(cast):
    macro = macro_create(actor=cast.actor(cast.admin), title="x", body="y", team_id=cast.team_b.pk)
    assert macro_get(actor=cast.actor(cast.agent_b), pk=macro.pk) == macro
    with pytest.raises(Exception, match="not found"):
        macro_get(actor=cast.actor(cast.agent_a), pk=macro.pk)


@pytest.mark.django_db
def test_who_may_manage(cast):
    lead = cast.actor(cast.lead_a)
    own = macro_create(actor=lead, title="A 组", body="...", team_id=cast.team_a.pk)
    assert own.created_by_id == cast.lead_a.pk
    with pytest.raises(PermissionDenied):
        macro_create(actor=lead, title="全局", body="...")
    with pytest.raises(PermissionDenied):
        macro_create(actor=lead, title="B 组", body="...", team_id=cast.team_b.pk)
    with pytest.raises(PermissionDenied):
        macro_create(actor=cast.actor(cast.agent_a), title="x", body="y", team_id=cast.team_a.pk)
    with pytest.raises(PermissionDenied):
        macro_update(actor=lead, macro=own, changes={"team_id": cast.team_b.pk})
    with pytest.raises(ValidationFailed):
        macro_update(actor=lead, macro=own, changes={"title": "  "})
    with pytest.raises(ValidationFailed):
        macro_update(actor=lead, macro=own, changes={"usage_count": 5})
    macro_update(actor=lead, macro=own, changes={"title": "A 组问候", "active": False})
    own.refresh_from_db()
    assert own.title == "A 组问候" and not own.active
    with pytest.raises(PermissionDenied):
        macro_delete(actor=cast.actor(cast.agent_a2), macro=own)
    macro_delete(actor=lead, macro=own)
    assert not Macro.objects.filter(pk=own.pk).exists()


@pytest.mark.django_db
def test_usage_is_counted_from_the_workspace(cast, make_ticket):
    ticket = make_ticket(team=cast.team_a)
    macro = macro_create(actor=cast.actor(cast.admin), title="x", body="y")
    client = Client()
    client.force_login(cast.agent_a)
    url = reverse("workspace:ticket_macro_used", args=[ticket.pk, macro.pk])
    assert client.post(url).status_code == 204
    macro_mark_used(actor=cast.actor(cast.agent_a2), macro=macro)
    macro.refresh_from_db()
    assert macro.usage_count == 2
    hidden = macro_create(actor=cast.actor(cast.admin), title="b", body="b", team_id=cast.team_b.pk)
    url = reverse("workspace:ticket_macro_used", args=[ticket.pk, hidden.pk])
    assert client.post(url).status_code == 404


@pytest.mark.django_db
def test_admin_lists_and_creates_macros(cast):
    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save()
    client = Client()
    client.force_login(cast.admin)
    assert client.get(reverse("admin:macros_macro_changelist")).status_code == 200
    response = client.post(reverse("admin:macros_macro_add"), {
        "title": "退款进度", "body": "{{customer.name}}您好，退款已提交。", "team": cast.team_a.pk,
        "active": "on",
    })
    assert response.status_code == 302
    macro = Macro.objects.get(title="退款进度")
    assert macro.created_by_id == cast.admin.pk and macro.team_id == cast.team_a.pk
    page = client.get(reverse("admin:macros_macro_changelist")).content.decode()
    assert "快捷回复" in page

"""The offline assistance in a real browser: a new angry ticket is analysed by the
server's own job worker, the ticket page shows the emotion and its cues, the tone check
answers as the agent types and "apply all" rewrites the draft, and a suggestion click
fills the reply box."""

from __future__ import annotations

from kefu.e2e.conftest import screenshot, sign_in_admin

NEW_TICKET = """
import json
from kefu.accounts.actor import SYSTEM
from kefu.customers.models import Customer
from kefu.tickets.services import ticket_create
customer = Customer.objects.order_by("pk").first()
ticket, _ = ticket_create(actor=SYSTEM, requester=customer, channel="web",
    subject="退款第三次申请了！！！",
    body="第三次问了！！！我的退款到底什么时候到账？再不处理我就投诉到12315，还要给差评！")
print(json.dumps({"ticket": ticket.pk}))
"""


def test_the_agent_sees_the_mood_and_a_tone_check_as_they_type(kefu_server, new_page):
    ticket = kefu_server.python_json(NEW_TICKET)["ticket"]
    page = new_page()
    sign_in_admin(page, kefu_server)
    page.goto(f"{kefu_server.base}/agent/tickets/{ticket}/")

    # The embedded worker analyses the message; the card refreshes itself.
    card = page.locator("section#assistant[data-url]")
    card.wait_for(timeout=15000)
    page.wait_for_function(
        "() => /愤怒|焦虑/.test((document.querySelector('#assistant .ia-emotion') || {}).textContent"
        " || '')", timeout=20000)
    text = card.inner_text()
    assert "12315" in text or "第三次" in text  # the cues behind the emotion
    assert "退款" in text  # the demo category auto-triage chose

    body = page.locator("textarea[name=body]").first
    body.click()
    body.fill("这个问题不归我们管，你自己去问快递。")
    page.locator(".ia-finding").first.wait_for(timeout=5000)
    findings = page.locator("#reply-tone").inner_text()
    assert "不归我们管" in findings
    screenshot(page, "ticket-tone-check")
    apply_all = page.locator("#reply-tone [data-tone-apply]").first
    apply_all.click()
    assert body.input_value() != "这个问题不归我们管，你自己去问快递。"
    assert "问题" not in body.input_value() or "情况" in body.input_value()

"""Hostile HTML from customers never runs in an agent's or a customer's browser.

Payloads arrive as an HTML email body (the email channel's path: ticket_create with
body_html, channel=email), through the public web form, and through live chat; then the
workspace list, the workspace ticket page and the portal ticket page are opened and we
check that no payload ran (each would set window.__xss or open a dialog).
"""

from __future__ import annotations

import json
import re

from kefu.e2e.conftest import sign_in_admin, ticket_number

PAYLOADS = [
    "<script>window.__xss = 'script'</script>",
    "<img src=x onerror=\"window.__xss = 'img'\">",
    "<iframe src=\"javascript:parent.__xss = 'iframe'\"></iframe>",
    "<svg onload=\"window.__xss = 'svg'\"></svg>",
    "<a href=\"javascript:window.__xss = 'href'\" id=xss-link>点我</a>",
    "<div style=\"background:url(javascript:window.__xss = 'css')\">样式</div>",
    "<math><mtext><table><mglyph><style><img src=x onerror=\"window.__xss = 'mxss'\">",
]
HOSTILE = "\n".join(PAYLOADS)

EMAIL_TICKET = """
import json
from kefu.accounts.actor import SYSTEM
from kefu.customers.services import customer_find_or_create
from kefu.tickets.services import ticket_create
customer, _ = customer_find_or_create(name="<b>恶意</b>", email="xss.e2e@example.com")
ticket, _ = ticket_create(actor=SYSTEM, requester=customer, channel="email",
                          subject=%(subject)s, body="", body_html=%(html)s)
print(json.dumps({"ticket": ticket.pk}))
"""


def _assert_nothing_ran(page, dialogs: list[str]) -> None:
    page.wait_for_timeout(500)  # let onerror/onload handlers fire if they were going to
    if page.locator("#xss-link").count():
        page.locator("#xss-link").first.click(timeout=2000, no_wait_after=True)
        page.wait_for_timeout(200)
    assert page.evaluate("window.__xss === undefined"), page.evaluate("window.__xss")
    assert dialogs == []


def test_hostile_html_never_runs(kefu_server, new_page):
    email_ticket = kefu_server.python_json(EMAIL_TICKET % {
        "subject": json.dumps("发票问题 " + PAYLOADS[1]), "html": json.dumps(HOSTILE)})["ticket"]

    visitor = new_page()
    visitor.goto(kefu_server.base + "/portal/new/")
    visitor.fill("input[name=name]", "<script>window.__xss='name'</script>")
    visitor.fill("input[name=email]", "xss.form.e2e@example.com")
    visitor.fill("input[name=subject]", "表单 " + PAYLOADS[0])
    visitor.select_option("select[name=category]", index=0)
    visitor.fill("textarea[name=description]", HOSTILE)
    visitor.click("form button[type=submit]")
    visitor.wait_for_url(re.compile(r".*/portal/new/done/$"))
    form_number = ticket_number(visitor.content())

    agent = new_page()
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    agent.on("dialog", on_dialog)
    sign_in_admin(agent, kefu_server)
    agent.goto(kefu_server.base + "/agent/views/all/")
    _assert_nothing_ran(agent, dialogs)
    for ticket_url in (f"/agent/tickets/{email_ticket}/",):
        agent.goto(kefu_server.base + ticket_url)
        assert "恶意" in agent.content()  # the name is shown, as text
        _assert_nothing_ran(agent, dialogs)
    agent.goto(kefu_server.base + "/agent/views/all/?q=" + "表单")
    agent.locator("a", has_text="表单").first.click()
    agent.wait_for_url(re.compile(r".*/agent/tickets/\d+/$"))
    assert form_number in agent.content()
    _assert_nothing_ran(agent, dialogs)


def test_hostile_chat_messages_never_run(kefu_server, new_page):
    kefu_server.python(
        'from kefu.accounts.models import AgentProfile\n'
        'AgentProfile.objects.filter(user__username="admin").update(availability="online")')
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    visitor = new_page()
    visitor.on("dialog", on_dialog)
    visitor.goto(kefu_server.base + "/chat/demo/")
    widget = visitor.locator("kefu-chat")
    widget.locator(".b").click()
    widget.locator(".pre input[name=name]").fill("<img src=x onerror=\"window.__xss='chatname'\">")
    widget.locator(".pre button.s").click()
    widget.locator(".c textarea").fill("聊天 " + HOSTILE)
    widget.locator(".c button.s").click()
    widget.locator(".m.v:not(.q)").wait_for()

    agent = new_page()
    agent.on("dialog", on_dialog)
    sign_in_admin(agent, kefu_server)
    agent.goto(kefu_server.base + "/agent/views/chats/")
    _assert_nothing_ran(agent, dialogs)
    agent.locator("a[data-open]", has_text="聊天").first.click()
    agent.locator("#timeline", has_text="window.__xss").first.wait_for()  # shown as text
    _assert_nothing_ran(agent, dialogs)
    agent.fill("#reply-body", "回复 " + HOSTILE)
    agent.click("#reply-form button[type=submit]")
    widget.locator(".m.a", has_text="回复").wait_for()
    _assert_nothing_ran(visitor, dialogs)
    assert "<script>" in widget.locator(".m.a").last.text_content()  # text, not markup

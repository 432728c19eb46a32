"""In a real browser against `kefu serve`: keyboard shortcuts and live counts over /ws/agent/.

Uses the end-to-end fixtures of kefu/e2e (a server on its own SQLite demo database and
Debian's chromium); skips where they skip.
"""

from __future__ import annotations

import re

import pytest

from kefu.e2e.conftest import browser, kefu_server, new_page, screenshot  # noqa: F401

PASSWORD = "e2e-workspace-pass-1"


@pytest.fixture(scope="module")
def lead(kefu_server):  # noqa: F811
    """A demo team lead with a known password, and one unassigned ticket in the team."""
    return kefu_server.python_json(f"""
import json
from django.contrib.auth import get_user_model
from kefu.accounts.actor import SYSTEM
from kefu.accounts.models import Team
from kefu.customers.models import Customer
from kefu.routing.services import team_routing_set
from kefu.tickets.services import ticket_create
user = get_user_model().objects.filter(led_teams__isnull=False).order_by("pk").first()
user.set_password("{PASSWORD}")
user.save()
team = Team.objects.filter(lead=user).first()
team_routing_set(team_id=team.pk, strategy="manual")  # the ticket must stay unassigned
ticket, _ = ticket_create(actor=SYSTEM, subject="E2E 未分配工单", body="测试", channel="web",
                          requester=Customer.objects.order_by("pk").first(), team_id=team.pk)
print(json.dumps({{"username": user.username, "ticket": ticket.pk}}))
""")


def sign_in(page, base, username):
    page.goto(base + "/agent/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/agent/")


def count(page, view):
    return int(page.inner_text(f'#ws-views a[data-view="{view}"] .count'))


def test_keyboard_and_live_counts(kefu_server, new_page, lead):  # noqa: F811
    base = kefu_server.base
    page = new_page()
    sign_in(page, base, lead["username"])
    page.goto(base + "/agent/views/unassigned/")
    assert "未分配" in page.title()
    mine_before = count(page, "mine")

    # j moves the cursor, x selects, "?" opens the help, "/" focuses the search.
    page.keyboard.press("j")
    page.keyboard.press("x")
    assert page.inner_text("[data-selected-count]") == "1"
    assert page.is_enabled("[data-bulk-tag]")
    page.keyboard.press("?")
    assert page.eval_on_selector("#ws-help", "d => d.open")
    assert "键盘快捷键" in page.inner_text("#ws-help")
    page.keyboard.press("Escape")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "ws-search"
    page.keyboard.press("j")  # typed into the search box, not a shortcut
    assert page.input_value("#ws-search") == "j"
    page.keyboard.press("Escape")
    screenshot(page, "workspace-list")

    # Another agent session assigns the ticket to the lead: the first page's counts follow.
    other = new_page()
    sign_in(other, base, lead["username"])
    other.goto(base + "/agent/views/unassigned/")
    other.check(f'tr[data-id="{lead["ticket"]}"] input[name=ids]')
    other.select_option("select[name=value_assign]", "me")
    other.click("button[formaction$='/bulk/assign/']")
    other.wait_for_load_state()
    assert "已更新 1 个工单" in other.inner_text(".flash")
    page.wait_for_function(
        f"""() => Number(document.querySelector('#ws-views a[data-view="mine"] .count')
                 .textContent) === {mine_before + 1}""", timeout=10_000)
    # The list refreshed too (the ticket left "unassigned"), keeping the selection state sane.
    page.wait_for_function(
        f"""() => !document.querySelector('tr[data-id="{lead["ticket"]}"]')""", timeout=10_000)

    # Enter opens the ticket under the cursor.
    page.keyboard.press("j")
    href = page.get_attribute("tr.cursor a[data-open]", "href")
    hrefs = page.eval_on_selector_all("tr[data-ticket-row] a[data-open]",
                                      "links => links.map(a => a.getAttribute('href'))")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(base + href) + "$"))

    # On the ticket page j goes to the next ticket of that list (back to the list after
    # the last one), k to the previous.
    at = hrefs.index(href)
    page.wait_for_selector("[data-ticket-page]")
    page.keyboard.press("j")
    following = hrefs[at + 1] if at + 1 < len(hrefs) else "/agent/views/unassigned/"
    page.wait_for_url(re.compile(re.escape(base + following) + "$"))
    if at + 1 < len(hrefs):
        page.wait_for_selector("[data-ticket-page]")
        page.keyboard.press("k")
        page.wait_for_url(re.compile(re.escape(base + href) + "$"))

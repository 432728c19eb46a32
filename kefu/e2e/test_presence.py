"""Two agents on the same ticket see each other: "viewing", then "replying" while one
types, and the chip goes when the other leaves."""

from __future__ import annotations

from kefu.e2e.conftest import screenshot

PASSWORD = "e2e-presence-pass-1"

TWO_AGENTS = f"""
import json
from django.contrib.auth import get_user_model
from kefu.accounts.models import Team
from kefu.tickets.models import Ticket
team = Team.objects.filter(members__isnull=False).order_by("pk").first()
members = list(team.members.order_by("pk")[:2])
for user in members:
    user.set_password("{PASSWORD}")
    user.save()
ticket = Ticket.objects.filter(team=team).exclude(status="closed").order_by("-pk").first()
names = [(u.agent_profile.display_name or u.username) for u in members]
print(json.dumps({{"users": [u.username for u in members], "names": names, "ticket": ticket.pk}}))
"""


def _sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/agent/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/agent/")


def test_two_agents_see_each_others_presence(kefu_server, new_page):
    data = kefu_server.python_json(TWO_AGENTS)
    url = f"{kefu_server.base}/agent/tickets/{data['ticket']}/"
    first, second = new_page(), new_page()
    _sign_in(first, kefu_server.base, data["users"][0])
    _sign_in(second, kefu_server.base, data["users"][1])
    first.goto(url)
    second.goto(url)

    first_name, second_name = data["names"]
    # Each sees the other (the newcomer learns of the one already there by its answer).
    first.locator("#presence", has_text=second_name).wait_for(timeout=5000)
    second.locator("#presence", has_text=first_name).wait_for(timeout=5000)

    second.locator("textarea[name=body]").first.click()
    second.keyboard.type("您好，我来看一下")
    first.locator("#presence", has_text="正在回复").wait_for(timeout=5000)
    screenshot(first, "ticket-presence")

    second.close()
    first.wait_for_function(
        "name => !document.getElementById('presence').textContent.includes(name)",
        arg=second_name, timeout=5000)

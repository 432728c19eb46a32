"""The customer portal in a browser: sign in by the emailed link, see only your own."""

from __future__ import annotations

import re
import time

from kefu.e2e.conftest import screenshot

# Two demo customers, each with a ticket, read from the server's own database.
PICK_CUSTOMERS = """
import json
from kefu.customers.models import CustomerIdentity
from kefu.tickets.models import Ticket
rows = []
for identity in CustomerIdentity.objects.filter(kind="email").order_by("pk"):
    ticket = Ticket.objects.filter(requester_id=identity.customer_id).order_by("pk").first()
    if ticket:
        rows.append({"email": identity.value, "ticket": ticket.pk, "number": ticket.number})
    if len(rows) == 2:
        break
print(json.dumps(rows))
"""


def _link_from_log(server, email: str, timeout: float = 10) -> str:
    """The sign-in link the console email backend printed to the server's log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        log = server.server_log()
        if email in log:
            links = re.findall(r"http://\S+/portal/login/link/\S+/", log)
            if links:
                return links[-1]
        time.sleep(0.2)
    raise AssertionError(f"no sign-in link for {email} in the server log")


def test_customer_signs_in_by_link_and_cannot_open_another_customers_ticket(
        kefu_server, new_page):
    mine, theirs = kefu_server.python_json(PICK_CUSTOMERS)
    page = new_page()
    page.goto(kefu_server.base + "/portal/login/")
    page.fill("form[action$='/login/link/'] input[name=email]", mine["email"])
    page.click("form[action$='/login/link/'] button[type=submit]")
    page.wait_for_load_state()
    page.goto(_link_from_log(kefu_server, mine["email"]))
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/portal/$"))
    assert str(mine["number"]) in page.content()
    screenshot(page, "portal-my-requests")

    page.goto(f"{kefu_server.base}/portal/tickets/{mine['ticket']}/")
    assert page.locator("h1").count() >= 1 and "404" not in page.title()

    response = page.goto(f"{kefu_server.base}/portal/tickets/{theirs['ticket']}/")
    assert response is not None and response.status == 404
    assert theirs["email"] not in page.content()

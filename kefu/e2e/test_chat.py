"""Live chat end to end: the widget on another site's page, an agent in the workspace.

The host page is served by this test on its own origin (http://localhost:<port>, kefu
is http://127.0.0.1:<port>) and loads the widget through a TCP proxy the test can cut,
which is how "the network went away" is played: every open connection drops and new
ones are refused until the proxy is restored.
"""

from __future__ import annotations

import contextlib
import http.server
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from kefu.e2e.conftest import screenshot, sign_in_admin

HOST_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>优选商城</title>
<style>body{font-family:serif;margin:2rem}</style></head>
<body><h1>优选商城</h1><p>欢迎光临，全场包邮。</p>
<script src="%(kefu)s/chat/widget.js" async></script></body></html>"""

AGENTS_ONLINE = """
import json
from kefu.accounts.models import AgentProfile
AgentProfile.objects.filter(user__username="admin").update(availability="online")
print(json.dumps({"online": AgentProfile.objects.filter(availability="online").count()}))
"""

ALL_OFFLINE = """
import json
from kefu.accounts.models import AgentProfile
before = dict(AgentProfile.objects.values_list("pk", "availability"))
AgentProfile.objects.update(availability="offline")
print(json.dumps(before))
"""

RESTORE = """
from kefu.accounts.models import AgentProfile
for pk, availability in %r.items():
    AgentProfile.objects.filter(pk=pk).update(availability=availability)
"""

OFFLINE_TICKET = """
import json
from kefu.tickets.models import Ticket
t = Ticket.objects.filter(requester__identities__value="offline.chat.e2e@example.com").get()
print(json.dumps({"channel": t.channel, "tags": [x.name for x in t.tags.all()],
                  "body": t.messages.get().body_text}))
"""


class Proxy:
    """A TCP forwarder to kefu that can drop every connection (a network cut)."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open: set[socket.socket] = set()
        self.lock = threading.Lock()
        self.down = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _addr = self.listener.accept()
            except OSError:
                return
            if self.down:
                client.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            with self.lock:
                self.open.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                self._close(s)

    def _close(self, s: socket.socket) -> None:
        with self.lock:
            self.open.discard(s)
        with contextlib.suppress(OSError):
            s.shutdown(socket.SHUT_RDWR)
        s.close()

    def cut(self) -> None:
        self.down = True
        with self.lock:
            sockets = list(self.open)
        for s in sockets:
            self._close(s)

    def restore(self) -> None:
        self.down = False

    def close(self) -> None:
        self.cut()
        self.listener.close()


@pytest.fixture
def host_site(kefu_server) -> Iterator[tuple[str, Proxy]]:
    """(the host page's URL on its own origin, the proxy the widget talks through)."""
    proxy = Proxy(kefu_server.port)
    page = (HOST_PAGE % {"kefu": f"http://127.0.0.1:{proxy.port}"}).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://localhost:{server.server_address[1]}/", proxy
    finally:
        server.shutdown()
        server.server_close()
        proxy.close()


def _bubbles(page) -> list[str]:
    """The texts of the widget's message bubbles, in order (agent names stripped)."""
    return page.evaluate("""() => Array.from(document.querySelector('kefu-chat').shadowRoot
        .querySelectorAll('.m')).map(e => e.lastChild.textContent)""")


def _within(seconds: float, started: float) -> None:
    took = time.monotonic() - started
    assert took <= seconds, f"took {took:.2f} s"


def test_visitor_and_agent_chat_in_real_time(kefu_server, new_page, host_site):
    host_url, proxy = host_site
    kefu_server.python_json(AGENTS_ONLINE)
    agent = new_page()
    sign_in_admin(agent, kefu_server)
    agent.goto(kefu_server.base + "/agent/views/chats/")

    visitor = new_page()
    visitor.goto(host_url)
    widget = visitor.locator("kefu-chat")
    widget.locator(".b").click()
    widget.locator(".pre input[name=name]").fill("林小姐")
    widget.locator(".pre input[name=email]").fill("lin.chat.e2e@example.com")
    widget.locator(".pre button.s").click()
    first = "你好，我买的空气炸锅一直没发货"
    widget.locator(".c textarea").fill(first)
    widget.locator(".c textarea").press("Enter")
    widget.locator(".m.v:not(.q)", has_text=first).wait_for()  # acknowledged: stored

    # The agent's open list shows the new chat without a reload, within 2 seconds.
    started = time.monotonic()
    row = agent.locator("#ticket-list tr[data-ticket-row]", has_text=first)
    row.wait_for(timeout=2000)
    _within(2, started)
    assert row.locator(".kefu-chat-timer").count() == 1  # the first-reply clock runs
    screenshot(visitor, "chat-widget-desktop")
    row.locator("a[data-open]").click()
    agent.locator("#timeline", has_text=first).wait_for()

    # The visitor's message shows as read once the agent has it open.
    widget.locator(".m.v.r").first.wait_for(timeout=5000)

    # The agent types: the visitor sees it; the agent replies: the visitor has it in 2 s.
    agent.locator("#reply-body").click()
    agent.keyboard.type("您好")
    widget.locator(".t", has_text="正在输入").wait_for(timeout=5000)
    reply = "您好林小姐，已为您催促仓库，今天下午发货。"
    agent.fill("#reply-body", reply)
    agent.click("#reply-form button[type=submit]")
    started = time.monotonic()
    widget.locator(".m.a", has_text="今天下午发货").wait_for(timeout=2000)
    _within(2, started)

    # And back: the visitor's next message reaches the open ticket in 2 s.
    second = "好的，谢谢！"
    widget.locator(".c textarea").fill(second)
    widget.locator(".c textarea").press("Enter")
    started = time.monotonic()
    agent.locator("#timeline", has_text=second).wait_for(timeout=2000)
    _within(2, started)
    screenshot(agent, "chat-agent-ticket")

    # The network goes away: the widget says so, keeps what is typed meanwhile and
    # delivers it exactly once when the connection comes back.
    proxy.cut()
    widget.locator(".st", has_text="正在重连").wait_for(timeout=10_000)
    offline_text = "断网时发的：能开发票吗？"
    widget.locator(".c textarea").fill(offline_text)
    widget.locator(".c textarea").press("Enter")
    assert widget.locator(".m.v.q", has_text=offline_text).count() == 1  # queued
    proxy.restore()
    agent.locator("#timeline", has_text=offline_text).wait_for(timeout=30_000)
    widget.locator(".m.v:not(.q)", has_text=offline_text).wait_for(timeout=10_000)

    # Both reload: the whole conversation, each message exactly once, in order.
    expected = [first, reply, second, offline_text]
    visitor.reload()
    widget.locator(".b").click()
    widget.locator(".m", has_text=offline_text).wait_for()
    assert _bubbles(visitor) == expected
    agent.reload()
    timeline = agent.locator("#timeline").inner_text()
    for text in expected:
        assert timeline.count(text) == 1, text
    positions = [timeline.index(text) for text in expected]
    assert positions == sorted(positions)


def test_widget_is_full_screen_on_a_phone(kefu_server, new_page, host_site):
    host_url, _proxy = host_site
    kefu_server.python_json(AGENTS_ONLINE)
    page = new_page(width=360, height=640)
    page.goto(host_url)
    widget = page.locator("kefu-chat")
    widget.locator(".b").click()
    box = widget.locator(".p").bounding_box()
    assert box is not None and (box["width"], box["height"]) == (360, 640)
    widget.locator(".pre button.a").click()  # chat anonymously
    widget.locator(".c textarea").fill("手机上能聊天吗")
    widget.locator(".c textarea").press("Enter")
    widget.locator(".m.v:not(.q)").wait_for()
    screenshot(page, "chat-widget-mobile")
    # The host page keeps its own look: the widget's CSS lives in its shadow root.
    assert page.evaluate("getComputedStyle(document.body).fontFamily") == "serif"


def test_english_page_gets_the_english_widget(kefu_server, new_page):
    page = new_page(locale="en-US")
    page.goto(kefu_server.base + "/chat/demo/")
    widget = page.locator("kefu-chat")
    widget.locator(".b").click()
    assert widget.locator("header b").text_content() == "Customer service"


def test_nobody_online_offers_to_leave_a_message(kefu_server, new_page, host_site):
    host_url, _proxy = host_site
    before = kefu_server.python_json(ALL_OFFLINE)
    try:
        page = new_page()
        page.goto(host_url)
        widget = page.locator("kefu-chat")
        widget.locator(".b").click()
        form = widget.locator("form.off")
        form.wait_for()
        assert "没有在线客服" in widget.locator(".st").text_content()
        form.locator("input[name=name]").fill("周先生")
        form.locator("input[name=email]").fill("offline.chat.e2e@example.com")
        form.locator("textarea[name=message]").fill("晚上十点还有人吗？想咨询退货。")
        form.locator("button.s").click()
        form.locator("p", has_text="邮件").wait_for()
        screenshot(page, "chat-widget-offline")
    finally:
        kefu_server.python(RESTORE % {int(k): v for k, v in before.items()})
    ticket = kefu_server.python_json(OFFLINE_TICKET)
    assert ticket["channel"] == "chat" and "离线留言" in ticket["tags"]
    assert ticket["body"] == "晚上十点还有人吗？想咨询退货。"

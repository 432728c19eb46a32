"""kefu.core.wsgi_bridge: WSGI semantics over ASGI, exercised with a small WSGI app."""

from __future__ import annotations

import asyncio

from kefu.core.wsgi_bridge import FIRST_HOP_BYTES, WsgiBridge


def _call(bridge: WsgiBridge, scope: dict, body_parts: list[bytes]) -> list[dict]:
    sent: list[dict] = []
    incoming = [{"type": "http.request", "body": part, "more_body": i < len(body_parts) - 1}
                for i, part in enumerate(body_parts)] or [{"type": "http.request"}]

    async def receive():
        return incoming.pop(0)

    async def send(message):
        sent.append(message)

    asyncio.run(bridge(scope, receive, send))
    return sent


def _scope(**extra) -> dict:
    scope = {"type": "http", "method": "POST", "path": "/工单/1", "query_string": b"q=%E9%80%80",
             "headers": [(b"content-type", b"text/plain"), (b"x-tag", b"a"), (b"x-tag", b"b"),
                         (b"content-length", b"999")],
             "server": ("127.0.0.1", 8000), "client": ("10.0.0.1", 5555), "scheme": "http"}
    scope.update(extra)
    return scope


def test_environ_and_body_reach_the_app():
    seen = {}

    def app(environ, start_response):
        seen.update(environ)
        seen["body"] = environ["wsgi.input"].read()
        start_response("201 Created", [("Content-Type", "text/plain")])
        return [b"ok"]

    sent = _call(WsgiBridge(app, threads=1), _scope(), [b"\xe4\xbd\xa0", b"\xe5\xa5\xbd"])
    assert seen["PATH_INFO"].encode("latin-1").decode("utf-8") == "/工单/1"
    assert seen["QUERY_STRING"] == "q=%E9%80%80"
    assert seen["CONTENT_TYPE"] == "text/plain"
    assert seen["CONTENT_LENGTH"] == "6"  # what arrived, not what the header claimed
    assert seen["HTTP_X_TAG"] == "a,b"
    assert seen["REMOTE_ADDR"] == "10.0.0.1"
    assert seen["body"].decode("utf-8") == "你好"
    assert sent[0] == {"type": "http.response.start", "status": 201,
                       "headers": [(b"content-type", b"text/plain")]}
    assert b"".join(m.get("body", b"") for m in sent[1:]) == b"ok"
    assert sent[-1]["more_body"] is False


def test_a_large_streamed_response_arrives_whole_and_is_closed():
    closed = []
    chunk = bytes(range(256)) * 256  # 64 KiB
    count = (3 * FIRST_HOP_BYTES) // len(chunk)

    class Body:
        def __iter__(self):
            return (chunk for _ in range(count))

        def close(self):
            closed.append(True)

    def app(environ, start_response):
        start_response("200 OK", [("Content-Length", str(len(chunk) * count))])
        return Body()

    sent = _call(WsgiBridge(app, threads=2), _scope(method="GET"), [])
    payload = b"".join(m.get("body", b"") for m in sent[1:])
    assert payload == chunk * count
    assert closed == [True]
    assert sum(1 for m in sent if m.get("more_body") is False) == 1

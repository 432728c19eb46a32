"""Serve Django's WSGI application from an ASGI server, on a fixed pool of threads.

Why not Django's own ASGI handler: it runs each request in a new thread, so every
request opens a new database connection; on this project's bench that made a request
several times dearer than the same view behind WSGI. Here each request costs one hop
to a long-lived pool thread, whose database connection persists (``CONN_MAX_AGE``),
and the WebSocket side of the same ASGI process stays free for Channels.

The request body is read before the view runs (spooled to disk past 1 MiB). The first
1 MiB of the response is produced in the same hop; anything beyond streams chunk by
chunk from the pool, so attachment downloads do not sit in memory.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Awaitable, Callable, Iterable, Iterator, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

SPOOL_BYTES = 1 << 20
FIRST_HOP_BYTES = 1 << 20


def build_environ(scope: Scope, body: IO[bytes], length: int) -> dict[str, Any]:
    """The WSGI environ (PEP 3333) for an ASGI HTTP scope."""
    server = scope.get("server") or ("localhost", 80)
    client = scope.get("client") or ("", 0)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": scope.get("root_path", "").encode("utf-8").decode("latin-1"),
        "PATH_INFO": scope["path"].encode("utf-8").decode("latin-1"),
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1]) if server[1] is not None else "80",
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "REMOTE_ADDR": client[0],
        "REMOTE_PORT": str(client[1]),
        "CONTENT_LENGTH": str(length),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": body,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for raw_name, raw_value in scope.get("headers", []):
        name = raw_name.decode("latin-1").upper().replace("-", "_")
        value = raw_value.decode("latin-1")
        if name == "CONTENT_TYPE":
            environ["CONTENT_TYPE"] = value
            continue
        if name == "CONTENT_LENGTH":
            continue  # the length of what was actually read is authoritative
        key = f"HTTP_{name}"
        environ[key] = f"{environ[key]},{value}" if key in environ else value
    return environ


class _Response:
    """What the WSGI app produced in one pool hop."""

    def __init__(self) -> None:
        self.status = 500
        self.headers: list[tuple[bytes, bytes]] = []
        self.chunks: list[bytes] = []
        self.rest: Iterable[bytes] | None = None  # the iterator, when more remains
        self.close: Callable[[], None] | None = None


def _next_chunk(iterator: Iterator[bytes]) -> bytes | None:
    return next(iterator, None)


class WsgiBridge:
    """An ASGI application (HTTP only) running ``wsgi_app`` on ``threads`` pool threads,
    or on ``executor`` when one is given (shared with other sync work of the process)."""

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]], *, threads: int = 4,
                 executor: ThreadPoolExecutor | None = None):
        self.wsgi_app = wsgi_app
        self.pool = executor or ThreadPoolExecutor(max_workers=threads,
                                                   thread_name_prefix="kefu-wsgi")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            raise ValueError(f"WsgiBridge serves HTTP only, not {scope['type']!r}")
        body, length = await self._read_body(receive)
        loop = asyncio.get_running_loop()
        response: _Response | None = None
        try:
            response = await loop.run_in_executor(
                self.pool, self._run, build_environ(scope, body, length)
            )
            await send({"type": "http.response.start", "status": response.status,
                        "headers": response.headers})
            for chunk in response.chunks:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            if response.rest is not None:
                iterator = iter(response.rest)
                while True:
                    more = await loop.run_in_executor(self.pool, _next_chunk, iterator)
                    if more is None:
                        break
                    if more:
                        await send({"type": "http.response.body", "body": more,
                                    "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            body.close()
            if response is not None and response.close is not None:
                await loop.run_in_executor(self.pool, response.close)

    @staticmethod
    async def _read_body(receive: Receive) -> tuple[IO[bytes], int]:
        body = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - closed by caller
        length = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            if chunk:
                body.write(chunk)
                length += len(chunk)
            if not message.get("more_body", False):
                break
        body.seek(0)
        return body, length

    def _run(self, environ: dict[str, Any]) -> _Response:
        """Call the app and gather its first megabyte, in a pool thread."""
        response = _Response()

        def start_response(status: str, headers: list[tuple[str, str]], exc_info=None):
            response.status = int(status.split(" ", 1)[0])
            response.headers = [(k.lower().encode("latin-1"), v.encode("latin-1"))
                                for k, v in headers]
            return lambda data: response.chunks.append(data)

        result = self.wsgi_app(environ, start_response)
        response.close = getattr(result, "close", None)
        if isinstance(result, list | tuple):
            response.chunks.extend(c for c in result if c)
            return response
        iterator = iter(result)
        size = 0
        for chunk in iterator:
            if chunk:
                response.chunks.append(chunk)
                size += len(chunk)
            if size >= FIRST_HOP_BYTES:
                response.rest = iterator
                break
        return response

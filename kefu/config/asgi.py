"""The ASGI entry point of `kefu serve`.

HTTP goes to Django's WSGI handler on a thread pool (kefu.core.wsgi_bridge: one hop per
request, persistent database connections); WebSockets go to the Channels consumers of
kefu.realtime.routing with the Django session as their user.
"""

import asyncio
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.config.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402  (sets Django up first)

wsgi_application = get_wsgi_application()

from asgiref.sync import SyncToAsync  # noqa: E402
from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402

from kefu.core.wsgi_bridge import WsgiBridge  # noqa: E402
from kefu.realtime.routing import websocket_urlpatterns  # noqa: E402

# With one request thread (SQLite), HTTP runs on the thread that also runs the
# WebSocket consumers' database calls (asgiref's thread-sensitive executor): one
# writer thread per process, so no write sleeps in SQLite's busy handler waiting for
# another thread's transaction (bench/chat_latency.py measures the difference).
http = WsgiBridge(
    wsgi_application, threads=settings.KEFU_WEB_THREADS,
    executor=SyncToAsync.single_thread_executor if settings.KEFU_WEB_THREADS == 1 else None,
)
websocket = AuthMiddlewareStack(URLRouter(websocket_urlpatterns))


async def application(scope, receive, send):
    if scope["type"] == "http":
        await http(scope, receive, send)
    elif scope["type"] == "websocket":
        await websocket(scope, receive, send)
    elif scope["type"] == "lifespan":
        # The embedded job worker (KEFU_EMBEDDED_WORKER, on by default): a thread per
        # web process, so `kefu serve` alone runs the schedule and the jobs.
        embedded = None
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                from kefu.jobs.conf import embedded_worker_enabled
                from kefu.jobs.worker import start_embedded_worker
                from kefu.realtime.groups import serve_from

                serve_from(asyncio.get_running_loop())  # pushes from the worker thread

                if embedded_worker_enabled():
                    embedded = start_embedded_worker()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if embedded is not None:
                    await asyncio.to_thread(embedded.stop, 10)
                serve_from(None)
                await send({"type": "lifespan.shutdown.complete"})
                return

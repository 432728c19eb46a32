"""The ASGI entry point of `kefu serve`: HTTP through Django's WSGI app on a thread
pool (kefu.core.wsgi_bridge), WebSockets for the real-time features."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.config.settings")

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

from kefu.core.wsgi_bridge import WsgiBridge  # noqa: E402

http = WsgiBridge(get_wsgi_application(), threads=settings.KEFU_WEB_THREADS)


async def application(scope, receive, send):
    if scope["type"] == "http":
        await http(scope, receive, send)
    elif scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    else:  # WebSockets arrive with the live features
        await send({"type": "websocket.close", "code": 1000})

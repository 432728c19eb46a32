"""The ASGI application plus /static/, for ``kefu serve`` without a front proxy.

Django serves static files only in debug; the demo and single-box installs
need the admin's CSS too, so this wraps the application with the staticfiles
handler. Anything that is not an HTTP request under STATIC_URL (including
WebSockets) passes straight through to ``kefu.config.asgi.application``.
"""

import os

from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.config.settings")

from kefu.config.asgi import application as django_application  # noqa: E402

application = ASGIStaticFilesHandler(django_application)

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from kefu.config.api import api
from kefu.core.views import healthz

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="workspace:home", permanent=False)),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("agent/notifications/", include("kefu.notifications.urls")),
    path("agent/promises/", include("kefu.promises.urls")),
    path("agent/", include("kefu.intel.urls")),  # quality/ and tickets/<pk>/assistant/...
    path("agent/", include("kefu.workspace.urls")),
    path("portal/", include("kefu.portal.urls")),
    path("chat/", include("kefu.channels.urls")),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the language switch
]

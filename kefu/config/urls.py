from django.contrib import admin
from django.urls import path

from kefu.config.api import api
from kefu.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

from django.urls import path

from kefu.channels import views

app_name = "kefu_channels"
urlpatterns = [
    path("widget.js", views.widget_js, name="widget_js"),
    path("config.json", views.config_json, name="config"),
    path("offline/", views.offline_message, name="offline"),
    path("demo/", views.demo, name="demo"),
]

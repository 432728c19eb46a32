from django.urls import path

from kefu.promises import views

app_name = "promises"
urlpatterns = [path("", views.promises_page, name="list")]

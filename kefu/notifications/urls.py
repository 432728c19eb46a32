from django.urls import path

from kefu.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notifications_page, name="list"),
    path("bell/", views.bell, name="bell"),
    path("read/", views.mark_all_read, name="read"),
]

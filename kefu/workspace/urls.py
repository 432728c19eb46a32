"""The agent workspace under /agent/: the shell and lists (urls here), the ticket page
(ticket_urls.py)."""

from django.urls import include, path

from kefu.workspace import auth_views, views

app_name = "workspace"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.login_view, name="login"),
    path("logout/", auth_views.logout_view, name="logout"),
    path("availability/", auth_views.availability_view, name="availability"),
    path("counts/", views.counts, name="counts"),
    path("bulk/<slug:action>/", views.bulk, name="bulk_action"),
    path("views/saved/new/", views.saved_view_new, name="saved_view_new"),
    path("views/saved/<int:pk>/", views.saved_view, name="saved_view"),
    path("views/saved/<int:pk>/delete/", views.saved_view_remove, name="saved_view_delete"),
    path("views/<slug:key>/", views.builtin_view, name="view"),
    path("tickets/", include("kefu.workspace.ticket_urls")),
]

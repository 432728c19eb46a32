from django.urls import path

from kefu.portal import views, views_auth

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket"),
    path("tickets/<int:pk>/attachments/<int:attachment_id>/", views.attachment_download,
         name="attachment"),
    path("new/", views.new_request, name="new"),
    path("new/done/", views.new_request_done, name="new_done"),
    path("login/", views_auth.login_page, name="login"),
    path("login/link/", views_auth.link_request, name="link_request"),
    path("login/link/<str:token>/", views_auth.link_use, name="link"),
    path("login/password/", views_auth.password_login, name="password_login"),
    path("logout/", views_auth.logout_view, name="logout"),
    path("account/password/", views_auth.set_password, name="set_password"),
]

"""The offline assistance's pages under /agent/ (names in the "intel" namespace): the
ticket page's assistant partials and the QA page."""

from django.urls import path

from kefu.intel import views

app_name = "intel"
urlpatterns = [
    path("quality/", views.quality_page, name="quality"),
    path("tickets/<int:pk>/assistant/", views.ticket_assistant, name="ticket_assistant"),
    path("tickets/<int:pk>/assistant/mood/", views.customer_mood, name="customer_mood"),
    path("tickets/<int:pk>/assistant/tone/", views.ticket_tone, name="ticket_tone"),
    path("tickets/<int:pk>/assistant/suggestions/", views.ticket_suggestions,
         name="ticket_suggestions"),
]

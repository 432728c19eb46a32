"""The ticket page and its partials (names are in the "workspace" namespace)."""

from django.urls import path

from kefu.workspace import ticket_views as v

urlpatterns = [
    path("<int:pk>/", v.ticket_page, name="ticket"),
    path("<int:pk>/reply/", v.ticket_reply, name="ticket_reply"),
    path("<int:pk>/messages/", v.ticket_messages, name="ticket_messages"),
    path("<int:pk>/messages/<int:message_id>/", v.ticket_message, name="ticket_message"),
    path("<int:pk>/events/", v.ticket_events, name="ticket_events"),
    path("<int:pk>/properties/", v.ticket_properties, name="ticket_properties"),
    path("<int:pk>/promises/", v.ticket_promises_view, name="ticket_promises"),
    path("<int:pk>/promises/<int:promise_id>/resolve/", v.ticket_promise_resolve,
         name="ticket_promise_resolve"),
    path("<int:pk>/macros/", v.ticket_macros, name="ticket_macros"),
    path("<int:pk>/macros/<int:macro_id>/used/", v.ticket_macro_used, name="ticket_macro_used"),
    path("<int:pk>/attachments/<int:attachment_id>/", v.ticket_attachment,
         name="ticket_attachment"),
]

"""WebSocket routes: the agent workspace and the live-chat widget."""

from django.urls import path

from kefu.channels.chat.consumers import ChatConsumer
from kefu.realtime.consumers import WorkspaceConsumer

websocket_urlpatterns = [
    path("ws/agent/", WorkspaceConsumer.as_asgi()),
    path("ws/chat/", ChatConsumer.as_asgi()),
]

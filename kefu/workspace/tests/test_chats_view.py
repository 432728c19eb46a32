"""The "Chats waiting" view: live chats whose customer wrote last, with the 1-minute timer."""

from __future__ import annotations

from kefu.channels.selectors import customer_actor
from kefu.tickets.services import message_post
from kefu.workspace.filters import ViewFilters
from kefu.workspace.selectors import view_counts


def test_chats_waiting_lists_unanswered_chats_with_their_timer(cast, make_ticket, web):
    waiting = make_ticket(subject="在线咨询：尺码怎么选", channel="chat", team=cast.team_a)
    answered = make_ticket(subject="在线咨询：已回复", channel="chat", team=cast.team_a)
    message_post(actor=cast.actor(cast.agent_a), ticket=answered, body="您好，请稍等。")
    mail = make_ticket(subject="邮件：发票抬头", channel="email", team=cast.team_a)

    html = web(cast.agent_a).get("/agent/views/chats/").content.decode()
    assert waiting.subject in html
    assert answered.subject not in html and mail.subject not in html
    assert 'class="kefu-chat-timer' in html and 'data-target="60"' in html
    assert view_counts(actor=cast.actor(cast.agent_a), saved=[])["chats"] == 1

    # The customer writes again: the answered chat waits once more.
    message_post(actor=customer_actor(answered.requester_id), ticket=answered, body="还在吗？")
    html = web(cast.agent_a).get("/agent/views/chats/").content.decode()
    assert answered.subject in html


def test_awaiting_reply_round_trips_through_a_saved_view():
    filters = ViewFilters.from_mapping({"awaiting_reply": "1", "channel": ["chat"]})
    assert filters.awaiting_reply is True
    assert ViewFilters.from_mapping(filters.as_json()) == filters
    assert "awaiting_reply" not in ViewFilters().as_json()

"""QA scores of solved tickets, per agent."""

from __future__ import annotations

from kefu.accounts.actor import SYSTEM, actor_for
from kefu.conftest import run_queued_jobs
from kefu.intel.listeners import ANALYSE_JOB, QA_JOB
from kefu.intel.models import TicketInsight
from kefu.intel.selectors import qa_by_agent
from kefu.tickets.choices import Visibility
from kefu.tickets.services import message_post, ticket_create, ticket_update


def _conversation(cast, capture, replies, *, body="我的快递三天了还没到，怎么回事？"):
    agent = actor_for(cast.agent_a)
    with capture(execute=True):
        ticket, _ = ticket_create(actor=SYSTEM, subject="快递没到", body=body,
                                  requester=cast.customer, channel="web", team_id=cast.team_a.pk)
    for text in replies:
        with capture(execute=True):
            message_post(actor=agent, ticket=ticket, body=text, visibility=Visibility.PUBLIC)
    with capture(execute=True):
        ticket_update(actor=agent, ticket=ticket, changes={"status": "solved"})
    run_queued_jobs(ANALYSE_JOB)
    run_queued_jobs(QA_JOB, twice=True)
    return TicketInsight.objects.get(ticket=ticket)


def test_a_good_conversation_scores_higher_than_a_poor_one(cast, django_capture_on_commit_callbacks):
    good = _conversation(cast, django_capture_on_commit_callbacks, [
        "您好，非常理解您着急的心情，给您带来不便非常抱歉。您反映的是快递三天未到的情况，"
        "已为您联系快递公司加急处理，今天18点前给您回复派送时间。还有其他可以帮您的吗？祝您生活愉快！",
    ])
    poor = _conversation(cast, django_capture_on_commit_callbacks, ["不知道，这个问题不归我们管"])
    assert good.qa_score > poor.qa_score
    assert good.qa_agent_id == cast.agent_a.pk
    keys = {item["key"]: item for item in poor.qa_items}
    assert keys["avoided_words"]["passed"] is False
    assert "不知道" in keys["avoided_words"]["reason_zh"] or "不归我们管" in keys["avoided_words"]["reason_zh"]
    averages = qa_by_agent(actor=actor_for(cast.lead_a))
    assert [(a.user_id, a.tickets) for a in averages] == [(cast.agent_a.pk, 2)]
    assert averages[0].average == round((good.qa_score + poor.qa_score) / 2, 1)


def test_open_tickets_and_tickets_nobody_answered_are_not_scored(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket, _ = ticket_create(actor=SYSTEM, subject="x", body="你好", requester=cast.customer,
                                  channel="web", team_id=cast.team_a.pk)
        ticket_update(actor=actor_for(cast.agent_a), ticket=ticket, changes={"status": "solved"})
    run_queued_jobs(QA_JOB)
    insight = TicketInsight.objects.filter(ticket=ticket).first()
    assert insight is None or insight.qa_score is None


def test_a_reply_that_solves_the_ticket_gets_it_scored(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket, _ = ticket_create(actor=SYSTEM, subject="发票", body="请问发票怎么开？",
                                  requester=cast.customer, channel="web", team_id=cast.team_a.pk)
    with django_capture_on_commit_callbacks(execute=True):
        message_post(actor=actor_for(cast.agent_a), ticket=ticket, status="solved",
                     body="您好，已为您开具电子发票，请查收邮箱。还有其他可以帮您的吗？",
                     visibility=Visibility.PUBLIC)
    run_queued_jobs(ANALYSE_JOB)
    assert run_queued_jobs(QA_JOB) == 1
    insight = TicketInsight.objects.get(ticket=ticket)
    assert insight.qa_agent_id == cast.agent_a.pk and insight.qa_score is not None

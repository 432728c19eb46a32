"""The agent-facing assistance: the assistant card, the customer's mood, the tone check,
reply suggestions and the QA page, and who may see them."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from kefu.accounts.actor import SYSTEM
from kefu.conftest import run_queued_jobs
from kefu.intel.choices import CategorySource
from kefu.intel.models import Category, MessageInsight, TicketInsight
from kefu.macros.services import macro_create
from kefu.tickets.choices import EventKind
from kefu.tickets.models import TicketEvent
from kefu.tickets.services import message_post, ticket_create

pytestmark = pytest.mark.django_db

ANGRY = "你们到底怎么回事！！第三次问了还没退款，再不处理我就去12315投诉！"


@pytest.fixture
def agent(cast, web):
    return web(cast.agent_a)


@pytest.fixture
def ticket(make_ticket, cast):
    return make_ticket(team=cast.team_a, assignee=cast.agent_a)


@pytest.fixture
def analysed(cast, make_ticket, django_capture_on_commit_callbacks):
    """Create tickets and messages and run their analysis jobs, as the worker would."""

    def make(*bodies: str, subject: str = "退款进度", team=None, requester=None,
             channel: str = "chat"):
        with django_capture_on_commit_callbacks(execute=True):
            ticket, _ = ticket_create(actor=SYSTEM, subject=subject, body=bodies[0],
                                      requester=requester or cast.customer, channel=channel,
                                      team_id=(team or cast.team_a).pk)
        customer = cast.actor(cast.customer_user if requester is None else requester.user)
        for body in bodies[1:]:
            with django_capture_on_commit_callbacks(execute=True):
                message_post(actor=customer, ticket=ticket, body=body)
        run_queued_jobs("intel.analyse")
        return ticket

    return make


def url(name, ticket, **query):
    path = reverse(f"intel:{name}", args=[ticket.pk])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


# --- the assistant card ---------------------------------------------------------------


def test_panel_shows_the_emotion_evidence_and_trend_after_analysis(cast, agent, analysed):
    ticket = analysed("您好，请问退款一般多久到账？", ANGRY)
    assert MessageInsight.objects.filter(ticket=ticket).count() == 2
    html = agent.get(url("ticket_assistant", ticket)).content.decode()
    assert "ia-emotion-angry" in html and "愤怒" in html
    for cue in ("12315", "第三次", "！！"):
        assert f">{cue}</span>" in html  # each piece of evidence is a chip
    assert "ia-trend-worsening" in html
    # An angry chat threatening to complain publicly: a person must take over.
    assert "ia-badge-handoff" in html


def test_panel_before_analysis_says_so_and_offers_the_categories(cast, agent, ticket):
    Category.objects.create(name="退款", position=1)
    Category.objects.create(name="旧分类", active=False)
    response = agent.get(url("ticket_assistant", ticket))
    html = response.content.decode()
    assert response.status_code == 200
    assert "ia-emotion-" not in html and "ia-badge-handoff" not in html
    assert ">退款</option>" in html and "旧分类" not in html


def test_setting_a_category_records_it_as_manual(cast, agent, ticket):
    refund = Category.objects.create(name="退款")
    response = agent.post(url("ticket_assistant", ticket), {"category": refund.pk})
    assert response.status_code == 200
    assert response["HX-Trigger"] == "intel:category-saved"
    insight = TicketInsight.objects.get(ticket=ticket)
    assert insight.category == refund and insight.category_source == CategorySource.MANUAL
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.FIELD_CHANGED,
                                      actor=cast.agent_a).exists()
    html = response.content.decode()
    assert f'value="{refund.pk}" selected' in html
    # And it can be cleared.
    agent.post(url("ticket_assistant", ticket), {"category": ""})
    assert TicketInsight.objects.get(ticket=ticket).category is None


def test_an_unknown_or_inactive_category_is_refused(cast, agent, ticket):
    old = Category.objects.create(name="旧分类", active=False)
    for value in (old.pk, 999999, "x", "9" * 30):
        response = agent.post(url("ticket_assistant", ticket), {"category": value})
        assert response.status_code == 422
    assert not TicketInsight.objects.filter(ticket=ticket, category__isnull=False).exists()


def test_customer_mood_line(cast, agent, analysed):
    ticket = analysed(ANGRY)
    html = agent.get(url("customer_mood", ticket)).content.decode()
    assert "ia-emotion-angry" in html
    other = analysed("好的谢谢", subject="咨询")
    # The customer's latest messages on any ticket, newest last.
    assert "ia-emotion-angry" not in agent.get(url("customer_mood", other)).content.decode()


# --- the tone check ---------------------------------------------------------------------


def test_tone_flags_a_buck_passing_reply(cast, agent, ticket):
    response = agent.post(url("ticket_tone", ticket), {"body": "这个问题不归我们管"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<mark>问题</mark>" in html and "<mark>不归我们管</mark>" in html
    assert "我帮您联系负责的同事处理" in html
    assert 'data-tone-apply="这个情况不归我们管"' in html  # the word swap, applied by tone.rewrite
    assert "ia-finding-missing_greeting" in html  # the first reply on the ticket


def test_tone_is_quiet_for_a_good_reply_and_for_internal_notes(cast, agent, ticket):
    good = "您好，非常理解您的心情。已为您登记退款申请，今天18点前到账。还有其他可以帮您的吗？"
    html = agent.post(url("ticket_tone", ticket), {"body": good, "status": "solved"}).content.decode()
    assert "ia-finding" not in html
    note = agent.post(url("ticket_tone", ticket),
                      {"body": "这个问题不归我们管", "visibility": "internal"}).content.decode()
    assert "ia-finding" not in note


def test_tone_knows_the_conversation(cast, agent, analysed):
    ticket = analysed(ANGRY)
    body = "您好，退款今天18点前到账。"
    html = agent.post(url("ticket_tone", ticket), {"body": body}).content.decode()
    # An upset customer who threatens to complain: empathy first and restate the need.
    assert "ia-finding-missing_empathy" in html and "ia-finding-missing_restatement" in html
    assert "ia-finding-missing_closing" not in html
    closing = agent.post(url("ticket_tone", ticket), {"body": body, "status": "solved"})
    assert "ia-finding-missing_closing" in closing.content.decode()
    message_post(actor=cast.actor(cast.agent_a), ticket=ticket, body="您好，正在为您查询。")
    later = agent.post(url("ticket_tone", ticket), {"body": "退款今天18点前到账。"}).content.decode()
    assert "ia-finding-missing_greeting" not in later


@pytest.mark.parametrize("how", ["tag", "category", "type"])
def test_tone_asks_for_a_restatement_on_complaints(cast, agent, make_ticket, how):
    ticket = make_ticket(team=cast.team_a, body="快递员态度很差", tags=["投诉"] if how == "tag" else [],
                         type="complaint" if how == "type" else "question")
    if how == "category":
        TicketInsight.objects.create(ticket=ticket, category=Category.objects.create(name="投诉"))
    body = "您好，已经联系快递公司核实，今天18点前回复您。"
    html = agent.post(url("ticket_tone", ticket), {"body": body}).content.decode()
    assert "ia-finding-missing_restatement" in html
    plain = make_ticket(team=cast.team_a, body="快递员态度很差")
    assert "missing_restatement" not in agent.post(url("ticket_tone", plain), {"body": body}).content.decode()


def test_tone_messages_follow_the_ui_language(cast, agent, ticket):
    html = agent.post(url("ticket_tone", ticket), {"body": "这个问题不归我们管"},
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Do not pass the buck" in html


# --- reply suggestions -------------------------------------------------------------------


def test_suggestions_rank_the_refund_macro_first_with_placeholders_filled(cast, agent, make_ticket):
    admin = cast.actor(cast.admin)
    macro_create(actor=admin, title="物流查询", body="您好，您的包裹正在运输中，请耐心等待。")
    macro_create(actor=admin, title="退款申请",
                 body="{{ customer.name }}您好，您的退款申请已受理，3个工作日内原路退回。")
    macro_create(actor=admin, title="发票开具", body="您好，发票可以在订单详情页申请。")
    ticket = make_ticket(team=cast.team_a, subject="退款", body="我想申请退款，钱什么时候退回来？")
    html = agent.get(url("ticket_suggestions", ticket)).content.decode()
    first = html.index("data-macro-text=")
    assert html[first:].startswith('data-macro-text="张三您好，您的退款申请已受理')
    assert "物流查询" not in html


def test_past_replies_are_suggested_as_templates_within_the_teams_only(cast, web, agent,
                                                                       make_ticket):
    solved = make_ticket(team=cast.team_a, subject="发票", body="请问电子发票怎么开具？",
                         requester=cast.other_customer)
    message_post(actor=cast.actor(cast.agent_a2), ticket=solved, status="solved",
                 body="李四您好，我是赵客服。订单 20261016367599 的电子发票可以在订单详情页"
                      "点击“申请开票”，有疑问请拨打13812345678。")
    mine = make_ticket(team=cast.team_a, subject="开发票", body="电子发票在哪里开具")
    html = agent.get(url("ticket_suggestions", mine)).content.decode()
    assert "data-suggest-text=" in html and "申请开票" in html
    assert f"#{solved.number}" in html
    # Written to another customer: their name becomes this customer's, the author's
    # name this agent's, and their numbers are left blank.
    assert "张三您好，我是李客服。订单 …… 的电子发票" in html
    for other in ("李四", "赵客服", "20261016367599", "13812345678"):
        assert other not in html
    theirs = make_ticket(team=cast.team_b, subject="开发票", body="电子发票在哪里开具")
    other = web(cast.agent_b).get(url("ticket_suggestions", theirs)).content.decode()
    assert "申请开票" not in other


# --- the QA page --------------------------------------------------------------------------


def scored(ticket, agent_user, score):
    items = [{"key": "greeting", "passed": True, "points": 10, "max_points": 10,
              "reason_zh": "第1条回复以“您好”开头", "reason_en": "The first reply opens with a greeting"},
             {"key": "closing", "passed": False, "points": 0, "max_points": 10,
              "reason_zh": "最后一条回复没有结束语", "reason_en": "No closing line"},
             {"key": "empathy", "passed": None, "points": 0, "max_points": 0,
              "reason_zh": "客户情绪平稳", "reason_en": "The customer was calm"}]
    return TicketInsight.objects.create(ticket=ticket, qa_score=score, qa_items=items,
                                        qa_agent=agent_user, qa_at=timezone.now())


def test_quality_page_lists_averages_and_reasons_for_the_lead(cast, web, make_ticket):
    scored(make_ticket(team=cast.team_a), cast.agent_a, 80)
    scored(make_ticket(team=cast.team_a), cast.agent_a, 60)
    scored(make_ticket(team=cast.team_a), cast.agent_a2, 90)
    response = web(cast.lead_a).get(reverse("intel:quality"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "李客服" in html and ">70.0<" in html and "赵客服" in html and ">90.0<" in html
    assert "最后一条回复没有结束语" in html and "ia-qa-na" in html
    narrowed = web(cast.lead_a).get(reverse("intel:quality") + f"?agent={cast.agent_a2.pk}")
    assert ">90<" in narrowed.content.decode() and ">60<" not in narrowed.content.decode()


def test_an_agent_sees_only_their_own_scores_and_customers_are_refused(cast, web, make_ticket):
    scored(make_ticket(team=cast.team_a), cast.agent_a, 75)
    scored(make_ticket(team=cast.team_a), cast.agent_a2, 95)
    html = web(cast.agent_a).get(reverse("intel:quality") + f"?agent={cast.agent_a2.pk}")
    text = html.content.decode()
    assert ">75.0<" in text and "赵客服" not in text and ">95<" not in text
    assert web(cast.customer_user).get(reverse("intel:quality")).status_code == 403


def test_the_workspace_links_to_the_quality_page(cast, agent):
    assert reverse("intel:quality") in agent.get(reverse("workspace:home")).content.decode()


# --- permissions ---------------------------------------------------------------------------


def test_another_teams_agent_gets_404_on_every_ticket_endpoint(cast, web, ticket):
    outsider = web(cast.agent_b)
    refund = Category.objects.create(name="退款")
    for name in ("ticket_assistant", "customer_mood", "ticket_suggestions"):
        assert outsider.get(url(name, ticket)).status_code == 404, name
    assert outsider.post(url("ticket_tone", ticket), {"body": "您好"}).status_code == 404
    assert outsider.post(url("ticket_assistant", ticket), {"category": refund.pk}).status_code == 404
    assert not TicketInsight.objects.filter(ticket=ticket).exists()
    assert web(cast.customer_user).get(url("ticket_assistant", ticket)).status_code == 404


def test_the_ticket_page_loads_the_assistant(cast, agent, ticket):
    html = agent.get(reverse("workspace:ticket", args=[ticket.pk])).content.decode()
    for name in ("ticket_assistant", "customer_mood", "ticket_tone", "ticket_suggestions"):
        assert url(name, ticket) in html, name



def test_personal_data_in_customer_messages_is_masked_for_plain_agents_when_the_admin_says_so(
        cast, web):
    from kefu.intel.models import AssistSettings

    ticket, _ = ticket_create(actor=SYSTEM, subject="改手机号", requester=cast.customer,
                              body="我的新手机是13912345678，身份证11010519491231002X",
                              channel="web", team_id=cast.team_a.pk)
    url = f"/agent/tickets/{ticket.pk}/"
    assert "13912345678" in web(cast.agent_a).get(url).content.decode()  # off by default
    AssistSettings.objects.update_or_create(pk=1, defaults={"mask_messages_for_agents": True})
    page = web(cast.agent_a).get(url).content.decode()
    assert "13912345678" not in page and "139****5678" in page
    assert "11010519491231002X" not in page
    assert "13912345678" in web(cast.lead_a).get(url).content.decode()  # leads see it

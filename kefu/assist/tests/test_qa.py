"""Conversation QA score: the rubric items, N/A handling and cited reasons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kefu.assist.qa import RUBRIC, Conversation, Turn, score_conversation

START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
ANGRY = "你们怎么回事！快递一周了还没到，我要投诉！"


def turns(*pairs: tuple[str, str]) -> list[Turn]:
    return [
        Turn(role, text, START + timedelta(minutes=i))  # type: ignore[arg-type]
        for i, (role, text) in enumerate(pairs)
    ]


GOOD = Conversation(
    turns(
        ("customer", ANGRY),
        ("agent", "您好！非常理解您的心情，让您久等了。您反映的是订单一周未送达，对吗？"),
        ("customer", "对，就是这样"),
        (
            "agent",
            "已为您联系快递加急派送，我们会在今天18点前给您回复最新进度。还有其他可以帮您的吗？",
        ),
    ),
    sla_first_response_met=True,
    sla_resolution_met=True,
    customer_upset=True,
    complaint=True,
)

BAD = Conversation(
    turns(
        ("customer", ANGRY),
        ("agent", "这个问题不归我们管，我们不能处理。"),
        ("customer", "什么态度！"),
        ("agent", "会尽快看看的。"),
    ),
    sla_first_response_met=False,
    sla_resolution_met=False,
    customer_upset=True,
    complaint=True,
)


def test_good_conversation_passes_every_item() -> None:
    result = score_conversation(GOOD)
    assert result.score == 100
    assert [i.key for i in result.items] == list(RUBRIC)
    for item in result.items:
        assert item.passed is True, item
        assert item.points == item.max_points == RUBRIC[item.key]


def test_bad_conversation_scores_low_and_says_why() -> None:
    result = score_conversation(BAD)
    assert result.score < 20
    assert all(item.passed is False for item in result.items)
    words = result.item("avoided_words")
    for phrase in ("问题", "不归我们管", "我们不能"):
        assert f"“{phrase}”" in words.reason_zh
        assert f"“{phrase}”" in words.reason_en
    assert "第1条回复" in words.reason_zh
    assert "第2条" in result.item("closing").reason_zh


def test_reasons_cite_the_phrase_and_the_reply() -> None:
    result = score_conversation(GOOD)
    assert result.item("greeting").reason_zh == "第1条回复以“您好”开头。"
    assert "“您反映的是" in result.item("restatement").reason_zh
    assert "第1条回复" in result.item("empathy").reason_zh
    assert "第2条回复" in result.item("solution").reason_zh
    assert "“已为您" in result.item("solution").reason_zh
    assert "“还有其他可以帮您" in result.item("closing").reason_zh
    assert "Reply 1" in result.item("greeting").reason_en


def test_not_applicable_items_leave_the_maximum() -> None:
    calm = Conversation(
        turns(
            ("customer", "发票怎么开？"),
            ("agent", "您好，您可以在订单详情页申请电子发票。还有其他可以帮您的吗？"),
        ),
    )
    result = score_conversation(calm)
    na = {i.key for i in result.items if i.passed is None}
    assert na == {"restatement", "empathy", "sla_first_response", "sla_resolution"}
    assert all(i.points == i.max_points == 0 for i in result.items if i.passed is None)
    assert result.score == 100


def test_score_is_a_percentage_of_the_applicable_items() -> None:
    no_closing = Conversation(
        turns(
            ("customer", "发票怎么开？"),
            ("agent", "您好，您可以在订单详情页申请电子发票。"),
        ),
    )
    result = score_conversation(no_closing)
    applicable = [i for i in result.items if i.passed is not None]
    expected = round(
        100 * sum(i.points for i in applicable) / sum(i.max_points for i in applicable)
    )
    assert result.score == expected < 100
    assert result.item("closing").passed is False


def test_long_first_message_needs_restatement() -> None:
    long_message = "我上周在你们店买了一台洗衣机，" * 6
    conv = Conversation(
        turns(("customer", long_message), ("agent", "您好，已为您登记报修。")),
    )
    item = score_conversation(conv).item("restatement")
    assert item.passed is False and item.max_points == RUBRIC["restatement"]


def test_empathy_after_facts_earns_half() -> None:
    conv = Conversation(
        turns(
            ("customer", ANGRY),
            ("agent", "您好，包裹明天送达。非常抱歉让您久等。"),
        ),
        customer_upset=True,
    )
    item = score_conversation(conv).item("empathy")
    assert item.passed is False
    assert item.points == RUBRIC["empathy"] // 2
    assert "抱歉" in item.reason_zh


def test_empathy_is_judged_on_the_reply_after_the_upset_message() -> None:
    conv = Conversation(
        [
            Turn("customer", "请问发票怎么开？", START),
            Turn("agent", "您好，在订单详情页申请即可。", START + timedelta(minutes=1)),
            Turn("customer", "找不到！太烦了！", START + timedelta(minutes=2), upset=True),
            Turn("agent", "非常抱歉给您带来不便，我来一步步说明。", START + timedelta(minutes=3)),
        ],
    )
    item = score_conversation(conv).item("empathy")
    assert item.passed is True
    assert "第2条回复" in item.reason_zh


def test_no_agent_reply() -> None:
    conv = Conversation(turns(("customer", ANGRY)), customer_upset=True, complaint=True)
    result = score_conversation(conv)
    assert result.score == 0
    assert result.item("avoided_words").passed is None
    assert result.item("greeting").passed is False


@pytest.mark.parametrize(("count", "points"), [(1, 10), (2, 5), (3, 0), (4, 0)])
def test_each_avoided_word_costs_points(count: int, points: int) -> None:
    reply = "您好，" + "，".join(["您的问题已登记"] * count) + "。"
    item = score_conversation(Conversation(turns(("customer", "hi"), ("agent", reply)))).item(
        "avoided_words"
    )
    assert item.passed is False and item.points == points


def test_english_conversation() -> None:
    conv = Conversation(
        turns(
            ("customer", "My card was charged twice!!"),
            (
                "agent",
                "Hello Anna, I'm sorry about this. If I understand correctly, you were charged twice?",
            ),
            ("agent", "I have refunded the second charge. Anything else I can help with?"),
        ),
        sla_first_response_met=True,
        customer_upset=True,
        complaint=True,
    )
    result = score_conversation(conv)
    assert result.score == 100
    assert result.item("sla_resolution").passed is None
    assert "“Hello”" in result.item("greeting").reason_en

"""Reply suggestions: ranking of macros and past replies for a customer message."""

from __future__ import annotations

import pytest

from kefu.assist.suggest import Candidate, SuggestionIndex, search_terms

MACROS = [
    Candidate(
        "refund",
        "macro",
        "退款申请流程",
        "{{ customer.name }}您好，退款申请提交后，款项将在3个工作日内原路退回。",
    ),
    Candidate("logistics", "macro", "物流查询", "您的包裹正在运输中，可在订单详情页查看物流信息。"),
    Candidate("invoice", "macro", "开具发票", "电子发票会在订单完成后24小时内发送到您的邮箱。"),
    Candidate(
        "account", "macro", "账号密码重置", "您可以在账号设置中修改密码，或通过手机验证码重置。"
    ),
    Candidate("coupon", "macro", "优惠券使用说明", "优惠券需在有效期内使用，每个订单限用一张。"),
    Candidate("member", "macro", "会员积分规则", "每消费1元累计1积分，积分可在会员中心兑换礼品。"),
]

REPLIES = [
    Candidate(
        "late-parcel",
        "reply",
        "",
        "已为您联系快递加急派送，预计明天送达。",
        context="快递三天了物流一直没更新，怎么回事",
    ),
    Candidate(
        "refund-done",
        "reply",
        "",
        "已为您提交退款，3个工作日内到账。",
        context="东西不想要了，我要退款",
    ),
]


@pytest.fixture(scope="module")
def index() -> SuggestionIndex:
    return SuggestionIndex.build(MACROS + REPLIES)


def ids(suggestions: list) -> list[str]:
    return [s.candidate.id for s in suggestions]


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("我想申请退款", {"refund", "refund-done"}),
        ("发票怎么开？", {"invoice"}),
        ("密码忘了，账号登录不上", {"account"}),
        ("优惠券为什么用不了", {"coupon"}),
        ("我的积分在哪里兑换", {"member"}),
    ],
)
def test_topic_ranks_first(index: SuggestionIndex, message: str, expected: set[str]) -> None:
    found = index.suggest(message)
    assert found, message
    assert found[0].candidate.id in expected


def test_word_matches_longer_word(index: SuggestionIndex) -> None:
    """退款 in the message finds the macro titled 退款申请流程 (search-mode tokens)."""
    found = index.suggest("退款")
    assert "refund" in ids(found)
    refund = next(s for s in found if s.candidate.id == "refund")
    assert refund.matched_terms == ("退款",)


def test_past_reply_matched_on_its_context(index: SuggestionIndex) -> None:
    found = index.suggest("物流三天没更新了")
    assert found[0].candidate.id == "late-parcel"
    assert {"物流", "更新"} <= set(found[0].matched_terms)
    assert "logistics" in ids(found)


def test_scores_descend_and_lie_between_zero_and_one(index: SuggestionIndex) -> None:
    found = index.suggest("我要退款，物流也一直没更新，发票也没收到")
    scores = [s.score for s in found]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s < 1 for s in scores)
    assert len(found) >= 3


def test_limit_and_min_score(index: SuggestionIndex) -> None:
    assert len(index.suggest("退款 物流 发票 账号 优惠券", limit=2)) == 2
    assert index.suggest("退款", min_score=0.99) == []
    assert index.suggest("退款", limit=0) == []


def test_nothing_to_match(index: SuggestionIndex) -> None:
    assert index.suggest("") == []
    assert index.suggest("您好，请问一下") == []  # stopwords only
    assert index.suggest("今天天气很好") == []


def test_empty_index() -> None:
    empty = SuggestionIndex.build([])
    assert len(empty) == 0
    assert empty.suggest("我想退款") == []


def test_near_identical_replies_are_suggested_once_keeping_the_best() -> None:
    body = "已为您提交退款，3个工作日内到账。"
    candidates = [
        Candidate("weak", "reply", "", body, context="订单取消后钱怎么退"),
        Candidate(
            "best", "reply", "", body.replace("。", "！"), context="我要退款，退款什么时候到账"
        ),
        Candidate("close", "reply", "", "已为您提交退款，3个工作日内到账哦。", context="申请退款"),
        Candidate("other", "reply", "", "退款需要先寄回商品。", context="退款要寄回吗"),
    ]
    found = SuggestionIndex.build(candidates).suggest("退款什么时候到账")
    assert ids(found)[0] == "best"
    assert "weak" not in ids(found) and "close" not in ids(found)
    assert "other" in ids(found)


def test_weight_breaks_similar_relevance() -> None:
    candidates = [
        Candidate("plain", "macro", "退货说明", "请在7天内寄回商品。"),
        Candidate("popular", "macro", "退货说明", "寄回商品后我们会为您换新。", weight=2.0),
    ]
    assert ids(SuggestionIndex.build(candidates).suggest("怎么退货")) == ["popular", "plain"]


def test_equal_scores_keep_input_order() -> None:
    candidates = [
        # Same length, different words: the scores tie exactly.
        Candidate("first", "macro", "发票", "alpha beta"),
        Candidate("second", "macro", "发票", "gamma delta"),
    ]
    assert ids(SuggestionIndex.build(candidates).suggest("发票")) == ["first", "second"]
    assert ids(SuggestionIndex.build(candidates[::-1]).suggest("发票")) == ["second", "first"]


def test_placeholders_are_not_matched_nor_filled(index: SuggestionIndex) -> None:
    assert "customer.name" not in search_terms(MACROS[0].body)
    assert index.suggest("customer name") == []
    refund = next(s for s in index.suggest("退款") if s.candidate.id == "refund")
    assert refund.candidate.body.startswith("{{ customer.name }}")


def test_order_numbers_are_not_terms() -> None:
    terms = search_terms("订单SF1234567890123还没发货")
    assert "sf1234567890123" not in terms
    assert "发货" in terms


def test_english_candidates() -> None:
    candidates = [
        Candidate(
            "card", "macro", "Lost card", "We have blocked your card and will send a new one."
        ),
        Candidate("fee", "macro", "Fee charged", "Card payment fees are refunded within 3 days."),
    ]
    found = SuggestionIndex.build(candidates).suggest("I lost my card yesterday")
    assert ids(found)[0] == "card"
    assert "lost" in found[0].matched_terms

"""Tone check of agent replies: what is flagged, where, with which rewrite, and
what must stay silent."""

from __future__ import annotations

import dataclasses

import pytest

from kefu.assist.tone import Finding, check_tone, rewrite


def of_kind(findings: list[Finding], kind: str) -> list[Finding]:
    return [f for f in findings if f.kind == kind]


def only(findings: list[Finding], kind: str) -> Finding:
    found = of_kind(findings, kind)
    assert len(found) == 1, found
    return found[0]


# --- negative words ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "phrase", "suggestion"),
    [
        ("您的问题我们已经收到。", "问题", "情况"),
        ("这件事比较麻烦，请稍候。", "麻烦", "复杂"),
        ("这个麻烦由我们来处理。", "麻烦", "事项"),
        ("给您带来麻烦了，我们会改进。", "麻烦", "不便"),
        ("您的投诉已经登记。", "投诉", "反馈"),
        ("这样操作不行。", "不行", "我们看看其他方式"),
        ("我不知道物流到哪了。", "我不知道", "我帮您确认一下"),
        ("这个我们也没办法。", "没办法", "我们一起看看其他办法"),
        ("这个不归我们管。", "不归我们管", "我帮您联系负责的同事处理"),
        ("是您理解错了。", "您理解错了", "可能是我没有解释清楚，我再说明一下"),
        ("规定就是这样。", "规定就是这样", "根据目前的规定……，我们可以为您……"),
        ("是您自己没填地址。", "您自己没", "我们一起来看一下"),
        ("您应该先申请退款。", "您应该", "建议您"),
        ("您怎么不早说。", "怎么不早说", "感谢您告诉我们这个信息"),
        ("请您冷静一下。", "您冷静一下", "我理解您的心情"),
    ],
)
def test_negative_word_with_offsets_and_suggestion(
    reply: str, phrase: str, suggestion: str
) -> None:
    finding = only(check_tone(reply), "negative_word")
    start = reply.index(phrase)
    assert (finding.start, finding.end) == (start, start + len(phrase))
    assert finding.phrase == phrase
    assert finding.suggestion == suggestion
    assert finding.message_zh and finding.message_en


@pytest.mark.parametrize(
    "reply",
    [
        "没问题，我马上帮您查询。",
        "您好，问题已经解决了。",
        "如有任何问题，请随时联系我们。",
        "请问还有其他问题吗？",
        "麻烦您提供一下订单号。",
        "给您添麻烦了，非常抱歉。",
        "常见问题可以在帮助中心查看。",
        "您说“我不能理解你们的规定”，我们非常重视。",
        "如果无法登录，请您重置密码。",
        "请问您是否无法收到验证码？",
        "请问能不能提供一下订单号？",
        "不知道您现在是否方便接听电话？",
        "您可能不知道，我们新推出了以旧换新。",
        "您应该已经收到短信了。",
        "如果不行的话，您可以选择换货。",
        "您自己操作即可，非常简单。",
    ],
)
def test_no_false_positive(reply: str) -> None:
    found = check_tone(reply)
    assert of_kind(found, "negative_word") == []
    assert of_kind(found, "cannot") == []


# --- cannot ---------------------------------------------------------------------


def test_cannot_rewrites_the_clause_head() -> None:
    reply = "非常抱歉，我们不能给您退款。"
    finding = only(check_tone(reply), "cannot")
    head = "我们不能"
    assert finding.phrase == head
    assert (finding.start, finding.end) == (reply.index(head), reply.index(head) + len(head))
    assert finding.suggestion.startswith("我们可以")
    assert finding.safe is False


@pytest.mark.parametrize(
    ("reply", "head", "subject"),
    [
        ("您不能使用过期的优惠券。", "您不能", "您可以"),
        ("系统目前无法修改地址。", "系统目前无法", "我们可以"),
        ("这个我们做不到。", "这个我们做不到", "我们可以"),
        ("订单发货后不可以取消。", "订单发货后不可以", "我们可以"),
    ],
)
def test_cannot_variants(reply: str, head: str, subject: str) -> None:
    finding = only(check_tone(reply), "cannot")
    assert finding.phrase == head
    assert finding.start == reply.index(head)
    assert finding.suggestion.startswith(subject)


# --- promises ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "phrase"),
    [
        ("我们会尽快处理。", "尽快"),
        ("稍后给您答复。", "稍后"),
        ("我们会马上处理。", "马上处理"),
        ("有结果了会给您回复。", "会给您回复"),
    ],
)
def test_vague_promise(reply: str, phrase: str) -> None:
    finding = only(check_tone(reply), "vague_promise")
    assert finding.phrase == phrase
    assert finding.start == reply.index(phrase)
    assert phrase in finding.suggestion and "今天18点前" in finding.suggestion


@pytest.mark.parametrize(
    "reply",
    [
        "我们会尽快处理，今天18点前给您回复。",
        "我们会尽快处理。预计3个工作日内完成。",
        "稍后24小时内会有专人联系您。",
        "我们会在周五前给您回复。",
        "请您尽快完成付款。",
        "我马上帮您查一下。",
    ],
)
def test_promise_with_a_time_is_fine(reply: str) -> None:
    assert of_kind(check_tone(reply), "vague_promise") == []


# --- impolite ---------------------------------------------------------------------


def test_informal_you_is_reported_once_and_rewritten_everywhere() -> None:
    reply = "你好，你的订单已发货，你可以在“我的订单”查看。"
    findings = check_tone(reply)
    finding = only(findings, "impolite")
    assert (finding.start, finding.end, finding.suggestion) == (0, 1, "您")
    assert rewrite(reply, findings) == "您好，您的订单已发货，您可以在“我的订单”查看。"


def test_plural_and_quoted_you_are_fine() -> None:
    assert of_kind(check_tone("您好，请和你们的财务确认。"), "impolite") == []
    assert of_kind(check_tone("您说“你们太慢了”，我们会改进。"), "impolite") == []


# --- whole-reply findings -----------------------------------------------------------


def test_missing_greeting_only_on_first_reply() -> None:
    finding = only(check_tone("订单已发货。", first_reply=True), "missing_greeting")
    assert (finding.start, finding.end) == (None, None)
    assert finding.suggestion == "您好，"
    assert check_tone("订单已发货。") == []
    assert of_kind(check_tone("您好，订单已发货。", first_reply=True), "missing_greeting") == []
    assert (
        of_kind(check_tone("Hi 王先生，订单已发货。", first_reply=True), "missing_greeting") == []
    )


def test_missing_empathy_when_upset() -> None:
    finding = only(check_tone("订单已经发货了。", customer_upset=True), "missing_empathy")
    assert finding.start is None
    assert "理解" in finding.suggestion
    assert check_tone("订单已经发货了。") == []
    calm = "您好！非常理解您的心情，订单已经发货了。"
    assert of_kind(check_tone(calm, customer_upset=True), "missing_empathy") == []
    addressed = "您好！张先生！给您带来不便非常抱歉，订单已经发货了。"
    assert of_kind(check_tone(addressed, customer_upset=True), "missing_empathy") == []
    # Within one sentence the order is free: the fact is what the apology is about.
    same_sentence = "您好，订单延误了，非常抱歉。"
    assert of_kind(check_tone(same_sentence, customer_upset=True), "missing_empathy") == []


@pytest.mark.parametrize(
    "reply",
    ["订单已经发货，明天送达。非常抱歉让您久等。", "您好，包裹明天送达。非常抱歉让您久等。"],
)
def test_empathy_after_the_facts_points_at_it(reply: str) -> None:
    finding = only(check_tone(reply, customer_upset=True), "missing_empathy")
    assert finding.start is not None and finding.end is not None
    assert reply[finding.start : finding.end] == finding.phrase
    assert "抱歉" in finding.phrase and finding.start >= reply.index("非常抱歉")


def test_missing_restatement_on_complaints() -> None:
    finding = only(check_tone("已为您催促快递。", complaint=True), "missing_restatement")
    assert finding.start is None and "您反映的是" in finding.suggestion
    ok = "您反映的是快递一周未送达，对吗？"
    assert of_kind(check_tone(ok, complaint=True), "missing_restatement") == []
    # "I will check for you" is not a restatement of the customer's need.
    checking = "我帮您确认一下物流。"
    assert len(of_kind(check_tone(checking, complaint=True), "missing_restatement")) == 1


def test_missing_closing() -> None:
    finding = only(check_tone("已为您办理退款。", closing=True), "missing_closing")
    assert finding.start is None and "还有其他可以帮您的吗" in finding.suggestion
    for reply in (
        "还有其他可以帮您的吗？",
        "祝您生活愉快！",
        "感谢您的耐心等待。",
        "有问题随时联系我们。",
    ):
        assert of_kind(check_tone(reply, closing=True), "missing_closing") == [], reply


def test_whole_reply_findings_come_after_phrase_findings() -> None:
    findings = check_tone(
        "您的问题我们会处理。", first_reply=True, customer_upset=True, complaint=True, closing=True
    )
    kinds = [f.kind for f in findings]
    assert kinds[0] == "negative_word"
    assert kinds[1:] == [
        "missing_greeting",
        "missing_empathy",
        "missing_restatement",
        "missing_closing",
    ]


# --- English ----------------------------------------------------------------------


def test_english_reply() -> None:
    reply = (
        "Unfortunately we can't refund it. The problem is on our side. We'll get back to you soon."
    )
    findings = check_tone(reply, language="en", first_reply=True)
    words = {f.phrase: f for f in of_kind(findings, "negative_word")}
    assert set(words) == {"Unfortunately", "problem"}
    assert words["problem"].suggestion == "situation"
    assert words["problem"].start == reply.index("problem")
    cannot = only(findings, "cannot")
    assert cannot.phrase.endswith("can't") and cannot.suggestion.startswith("We can")
    assert {f.phrase for f in of_kind(findings, "vague_promise")} == {"get back to you", "soon"}
    assert only(findings, "missing_greeting").suggestion.startswith("Hello")
    assert of_kind(findings, "impolite") == []


def test_english_cannot_head_starts_at_the_sentence() -> None:
    reply = "Your parcel is late. We can't refund it yet."
    finding = only(check_tone(reply, language="en"), "cannot")
    assert finding.phrase == "We can't"
    assert finding.start == reply.index("We can't")


@pytest.mark.parametrize(
    "reply",
    [
        "Hello Anna, no problem. I'll check and reply by 5 pm today. Anything else I can help with?",
        "Hi, if you can't log in, please reset your password. Have a nice day!",
        "Hello, I'm so sorry for the wait. Your refund has been issued.",
    ],
)
def test_english_good_replies_are_clean(reply: str) -> None:
    findings = check_tone(
        reply, language="en", first_reply=True, customer_upset=True, closing=False
    )
    assert [f.kind for f in findings if f.kind != "missing_empathy"] == []


def test_english_empathy_and_closing() -> None:
    upset = check_tone("Your parcel left today.", language="en", customer_upset=True, closing=True)
    assert only(upset, "missing_empathy").suggestion.startswith("I'm sorry")
    assert "anything else" in only(upset, "missing_closing").suggestion.lower()
    fine = check_tone(
        "Hi, I understand how frustrating this is. Your parcel left today. Have a great day!",
        language="en",
        customer_upset=True,
        closing=True,
    )
    assert fine == []


def test_auto_language_picks_english_without_chinese() -> None:
    english = only(check_tone("The problem is fixed now.", language="auto"), "negative_word")
    assert english.suggestion == "situation"
    chinese = only(check_tone("您的问题已收到。", language="auto"), "negative_word")
    assert chinese.suggestion == "情况"


# --- rewrite ----------------------------------------------------------------------


def test_rewrite_applies_only_safe_word_swaps() -> None:
    reply = "您的问题和投诉我们已收到，您应该先申请退款，这件事比较麻烦，我们不能加急。"
    findings = check_tone(reply)
    assert rewrite(reply, findings) == (
        "您的情况和反馈我们已收到，建议您先申请退款，这件事比较复杂，我们不能加急。"
    )


def test_rewrite_handles_overlap_and_stale_findings() -> None:
    reply = "你应该先登录。"
    findings = check_tone(reply)
    assert {f.kind for f in findings} == {"negative_word", "impolite"}
    assert rewrite(reply, findings) == "建议您先登录。"
    # Findings of another text are skipped rather than corrupting this one.
    assert rewrite("订单已发货。", findings) == "订单已发货。"


def test_rewrite_english_keeps_capitals() -> None:
    reply = "Problems like this are rare; we logged your complaint."
    assert rewrite(reply, check_tone(reply, language="en")) == (
        "Situations like this are rare; we logged your feedback."
    )


def test_findings_are_frozen_and_deterministic() -> None:
    reply = "你好，您的问题我们不能处理，会尽快回复。"
    first = check_tone(reply, customer_upset=True, complaint=True)
    assert first == check_tone(reply, customer_upset=True, complaint=True)
    with pytest.raises(dataclasses.FrozenInstanceError):
        first[0].kind = "other"  # type: ignore[misc]


def test_english_flat_no_and_blame() -> None:
    reply = "No, that's our policy. You should have read the terms."
    phrases = {
        f.phrase: f.suggestion for f in of_kind(check_tone(reply, language="en"), "negative_word")
    }
    assert phrases["No"] == "Let me see what we can do"
    assert phrases["that's our policy"].startswith("Our current policy")
    assert phrases["You should have"] == "Let's look at it together"
    assert of_kind(check_tone("No worries, it's done.", language="en"), "negative_word") == []

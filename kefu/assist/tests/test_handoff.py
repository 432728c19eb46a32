"""Human handoff: explicit requests, upset customers, low confidence, threats."""

from __future__ import annotations

import pytest

from kefu.assist.emotion import analyse
from kefu.assist.handoff import REASONS, Handoff, asked_for_human, handoff_signal


@pytest.mark.parametrize(
    "text",
    [
        "转人工",
        "人工",
        "人工！！",
        "人工人工人工",
        "我要人工",
        "请帮我转人工客服",
        "有没有人工客服",
        "接人工",
        "我要找真人说话",
        "叫你们经理来",
        "找你们领导",
        "机器人听不懂，给我转人工服务",
        "ＡＧＥＮＴ",
        "agent please",
        "I want to talk to a human",
        "Can I speak to a real person?",
        "connect me with a representative",
        "put me through to your manager",
        "get me a human",
    ],
)
def test_explicit_requests(text: str) -> None:
    signal = handoff_signal(text)
    assert signal is not None
    assert "asked_for_human" in signal.reasons
    for cue in signal.cues:
        assert text[cue.start : cue.end] == cue.text


@pytest.mark.parametrize(
    "text",
    [
        "你们的人工智能客服挺好用的",
        "人工智能能帮我查订单吗",
        "安装的人工费怎么算？",
        "人工成本涨了所以涨价吗",
        "这个是人工合成的还是天然的",
        "这个订单需要人工审核吗",
        "the customer service rep was rude but helpful",
        "He is an agent of change in our team",
        "I booked it through a travel agent",
        "the user agent string is wrong",
        "sorry, it was a human error on my side",
        "please send it to human resources",
        "请问营业时间",
    ],
)
def test_no_false_requests(text: str) -> None:
    assert asked_for_human(text) == ()
    signal = handoff_signal(text)
    assert signal is None or "asked_for_human" not in signal.reasons


def test_upset_customers_are_flagged() -> None:
    angry = handoff_signal("你们这什么破服务，气死我了，骗子！！")
    anxious = handoff_signal("银行卡被盗刷了，在线等，急死了，怎么办")
    assert angry is not None and "angry" in angry.reasons
    assert anxious is not None and "anxious" in anxious.reasons
    assert all(cue.emotion == "angry" for cue in angry.cues)
    assert handoff_signal("好的，谢谢") is None


def test_public_threat() -> None:
    signal = handoff_signal("再不退款我就打12315")
    assert signal is not None
    assert "public_threat" in signal.reasons
    assert any(cue.kind == "public_threat" and cue.text == "12315" for cue in signal.cues)


def test_low_confidence_threshold() -> None:
    text = "我想问一下那个东西"
    assert handoff_signal(text) is None
    assert handoff_signal(text, intent_confidence=0.9) is None
    low = handoff_signal(text, intent_confidence=0.2)
    assert low is not None and low.reasons == ("low_confidence",)
    assert handoff_signal(text, intent_confidence=0.5, low_confidence=0.6) is not None


def test_uses_the_given_emotion() -> None:
    calm_text = "请问营业时间"
    angry_result = analyse("气死了，骗子公司！！")
    signal = handoff_signal(calm_text, emotion=angry_result)
    assert signal is not None and "angry" in signal.reasons


def test_reasons_are_known_and_serialisable() -> None:
    signal = handoff_signal("转人工！我要投诉你们，第三次了！！", intent_confidence=0.1)
    assert isinstance(signal, Handoff)
    assert set(signal.reasons) <= set(REASONS)
    assert {"asked_for_human", "public_threat", "low_confidence"} <= set(signal.reasons)
    assert len(set(signal.cues)) == len(signal.cues)
    data = signal.to_dict()
    assert data["reasons"] == list(signal.reasons)

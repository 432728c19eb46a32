"""Urgency cues and the priority table."""

from __future__ import annotations

import itertools

import pytest

from kefu.assist.urgency import PRIORITIES, TIERS, suggest_priority, urgency


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("请问你们几点下班", 0),
        ("麻烦尽快处理一下", 1),
        ("急！快点帮我看看", 1),
        ("紧急！订单地址填错了，马上改一下", 2),
        ("今天下午5点前必须发货", 2),
        ("我无法登录后台了", 2),
        ("信用卡被重复扣款了199元", 2),
        ("系统宕机了，所有用户都无法登录", 3),
        ("我的卡被盗刷了5000元", 3),
        ("please fix this asap", 2),
        ("our site is down for all users", 3),
        ("no rush, whenever you can", 0),
        ("I ordered it today", 0),
        ("please deliver by tomorrow", 2),
    ],
)
def test_levels(text: str, level: int) -> None:
    result = urgency(text)
    assert result.level == level, result
    for cue in result.cues:
        assert text[cue.start : cue.end] == cue.text


def test_false_friends_are_not_urgent() -> None:
    for text in ("请问急诊在几楼", "我不着急，慢慢来", "how much is the down payment", "calm down"):
        assert urgency(text).level == 0, text


def test_many_strong_cues_escalate() -> None:
    one = urgency("紧急")
    many = urgency("紧急！马上处理，今天必须解决，无法登录")
    assert one.level == 2
    assert many.level == 3


def test_full_width_input() -> None:
    assert urgency("ＵＲＧＥＮＴ：ｃａｎ'ｔ ｌｏｇ ｉｎ").level == 2


# --- priority table -------------------------------------------------------------------

EMOTIONS = ("angry", "anxious", "disappointed", "doubtful", "satisfied", "neutral")


@pytest.mark.parametrize(
    ("urgency_level", "emotion", "tier", "expected"),
    [
        (0, "neutral", "standard", "normal"),
        (0, "satisfied", "standard", "low"),
        (0, "satisfied", "", "low"),
        (0, "satisfied", "platinum", "normal"),
        (0, "angry", "standard", "high"),
        (0, "neutral", "gold", "normal"),
        (0, "neutral", "platinum", "high"),
        (1, "neutral", "standard", "normal"),
        (1, "anxious", "standard", "high"),
        (2, "neutral", "silver", "high"),
        (2, "angry", "standard", "urgent"),
        (3, "neutral", "standard", "urgent"),
        (3, "satisfied", "standard", "high"),
    ],
)
def test_priority_table(urgency_level: int, emotion: str, tier: str, expected: str) -> None:
    assert suggest_priority(urgency_level=urgency_level, emotion=emotion, tier=tier) == expected


def test_priority_is_monotonic() -> None:
    """More urgency, a better tier or a more upset emotion never lowers priority."""
    rank = {p: i for i, p in enumerate(PRIORITIES)}
    for emotion, tier in itertools.product(EMOTIONS, ("", *TIERS)):
        levels = [
            rank[suggest_priority(urgency_level=u, emotion=emotion, tier=tier)] for u in range(4)
        ]
        assert levels == sorted(levels)
    for level, emotion in itertools.product(range(4), EMOTIONS):
        by_tier = [
            rank[suggest_priority(urgency_level=level, emotion=emotion, tier=t)] for t in TIERS
        ]
        assert by_tier == sorted(by_tier)
    for level, tier in itertools.product(range(4), TIERS):
        calm = rank[suggest_priority(urgency_level=level, emotion="neutral", tier=tier)]
        upset = rank[suggest_priority(urgency_level=level, emotion="angry", tier=tier)]
        assert upset >= calm


def test_priority_accepts_enum_and_clamps() -> None:
    from kefu.assist.emotion import Emotion

    assert suggest_priority(urgency_level=9, emotion=Emotion.NEUTRAL, tier="") == "urgent"
    assert suggest_priority(urgency_level=-1, emotion="neutral", tier="") == "normal"
    assert suggest_priority(urgency_level=0, emotion="unknown", tier="diamond") == "normal"

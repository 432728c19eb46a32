"""Conversation QA (quality inspection) score against a fixed rubric (issue 6,
capability 9).

``score_conversation(conversation)`` scores one solved conversation and says
why, item by item, citing the phrase or the reply it found ("第1条回复以“您好”
开头"), so an agent and a team lead can see what to keep doing. The phrase
lists are the ones of ``kefu.assist.tone`` (one vocabulary for the reply-box
check and for QA).

======================  ======  ==============================================================
item (key)              points  passes when (N/A: excluded from the maximum)
======================  ======  ==============================================================
greeting                10      the first agent reply greets in its first sentence (您好, hello...)
restatement             15      one of the first two agent replies restates the need (您反映的是,
                                我理解您的意思是, 确认一下, if I understand correctly...).
                                N/A unless the conversation is a complaint or the first customer
                                message is long (>= 80 characters)
empathy                 15      the first agent reply after the upset customer message
                                acknowledges the feeling before any fact (tone.empathy_first);
                                empathy only after the facts earns half. The upset message is the
                                first turn marked ``upset``, else the first customer turn when
                                ``customer_upset``. N/A when the customer was not upset
solution                20      an agent reply offers steps, an action or a time (已为您, 请您...,
                                步骤, 退款已, 我们会在…前, 您可以, "I have", "please"...)
avoided_words           15      no negative_word or cannot finding (tone.check_tone) in any agent
                                reply; 5 points off per finding, at least 0. N/A without agent
                                replies
closing                 10      the last agent reply closes (还有其他可以帮您的吗, 祝您生活愉快...)
sla_first_response      10      ``sla_first_response_met`` is True; N/A when None
sla_resolution          5       ``sla_resolution_met`` is True; N/A when None
======================  ======  ==============================================================

``score`` is ``round(100 * points / max_points)`` over the applicable items,
so a conversation is not penalised for what did not apply to it. Turns are
taken in the order given (the caller passes them sorted by time). Pure
Python, no Django: the tickets app builds a ``Conversation`` from a solved
ticket and stores the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from kefu.assist import tone

LONG_MESSAGE = 80
WORD_PENALTY = 5
MAX_CITED = 5

RUBRIC: dict[str, int] = {
    "greeting": 10,
    "restatement": 15,
    "empathy": 15,
    "solution": 20,
    "avoided_words": 15,
    "closing": 10,
    "sla_first_response": 10,
    "sla_resolution": 5,
}


@dataclass(frozen=True, slots=True)
class Turn:
    """One message. ``upset`` may be set from the emotion analysis of a customer
    message; it marks where the customer became upset."""

    role: Literal["customer", "agent"]
    text: str
    at: datetime
    upset: bool = False


@dataclass(frozen=True, slots=True)
class Conversation:
    turns: Sequence[Turn]
    sla_first_response_met: bool | None = None
    sla_resolution_met: bool | None = None
    customer_upset: bool = False
    complaint: bool = False


@dataclass(frozen=True, slots=True)
class QaItem:
    """One rubric line; ``passed`` is None when the item does not apply."""

    key: str
    passed: bool | None
    points: int
    max_points: int
    reason_zh: str
    reason_en: str


@dataclass(frozen=True, slots=True)
class QaScore:
    score: int
    items: tuple[QaItem, ...]

    def item(self, key: str) -> QaItem:
        return next(i for i in self.items if i.key == key)


def _item(key: str, passed: bool | None, zh: str, en: str, points: int | None = None) -> QaItem:
    max_points = RUBRIC[key]
    if passed is None:
        return QaItem(key, None, 0, 0, zh, en)
    if points is None:
        points = max_points if passed else 0
    return QaItem(key, passed, points, max_points, zh, en)


def _no_reply(key: str) -> QaItem:
    return _item(key, False, "没有客服回复。", "There is no agent reply.")


def _greeting(replies: Sequence[str]) -> QaItem:
    if not replies:
        return _no_reply("greeting")
    found = tone.find_greeting(replies[0])
    if found:
        return _item(
            "greeting",
            True,
            f"第1条回复以“{found.phrase}”开头。",
            f"Reply 1 opens with “{found.phrase}”.",
        )
    return _item(
        "greeting",
        False,
        "第1条回复没有问候语（如“您好”）。",
        "Reply 1 has no greeting (such as “您好”, “Hello”).",
    )


def _restatement(conv: Conversation, turns: Sequence[Turn], replies: Sequence[str]) -> QaItem:
    first = next((t.text for t in turns if t.role == "customer"), "")
    long_first = len("".join(first.split())) >= LONG_MESSAGE
    if not (conv.complaint or long_first):
        return _item(
            "restatement",
            None,
            "不是投诉，首条客户消息也不长，无需复述。",
            "Not a complaint and a short first message: no restatement needed.",
        )
    for n, text in enumerate(replies[:2], start=1):
        found = tone.find_restatement(text)
        if found:
            return _item(
                "restatement",
                True,
                f"第{n}条回复复述并确认了诉求：“{found.phrase}”。",
                f"Reply {n} restates the need: “{found.phrase}”.",
            )
    why_zh = "投诉" if conv.complaint else "客户首条消息较长"
    why_en = "a complaint" if conv.complaint else "a long first message"
    return _item(
        "restatement",
        False,
        f"{why_zh}，但前两条回复都没有复述诉求（如“您反映的是……”）。",
        f"On {why_en}, neither of the first two replies restates the need "
        "(such as “If I understand correctly…”).",
    )


def _empathy(conv: Conversation, turns: Sequence[Turn]) -> QaItem:
    customers = [i for i, t in enumerate(turns) if t.role == "customer"]
    marked = [i for i in customers if turns[i].upset]
    if marked:
        upset_at = marked[0]
    elif conv.customer_upset and customers:
        upset_at = customers[0]
    else:
        return _item("empathy", None, "客户情绪平稳，不适用。", "The customer was not upset.")
    reply_no = sum(1 for t in turns[:upset_at] if t.role == "agent") + 1
    reply = next((t.text for t in turns[upset_at + 1 :] if t.role == "agent"), None)
    if reply is None:
        return _item(
            "empathy",
            False,
            "客户不满后没有客服回复。",
            "No agent reply followed the upset message.",
        )
    found = tone.find_empathy(reply)
    if found is None:
        return _item(
            "empathy",
            False,
            f"客户不满，第{reply_no}条回复没有安抚情绪（如“非常理解您的心情”）。",
            f"The customer was upset and reply {reply_no} does not acknowledge the feeling.",
        )
    if tone.empathy_first(reply, found):
        return _item(
            "empathy",
            True,
            f"第{reply_no}条回复先安抚情绪：“{found.phrase}”。",
            f"Reply {reply_no} acknowledges the feeling first: “{found.phrase}”.",
        )
    return _item(
        "empathy",
        False,
        f"第{reply_no}条回复的“{found.phrase}”在说明情况之后，应先安抚情绪。",
        f"Reply {reply_no} says “{found.phrase}” only after the facts; feelings come first.",
        points=RUBRIC["empathy"] // 2,
    )


def _solution(replies: Sequence[str]) -> QaItem:
    if not replies:
        return _no_reply("solution")
    for n, text in enumerate(replies, start=1):
        found = tone.find_solution(text)
        if found:
            return _item(
                "solution",
                True,
                f"第{n}条回复给出了解决方案：“{found.phrase}”。",
                f"Reply {n} offers a solution: “{found.phrase}”.",
            )
    return _item(
        "solution",
        False,
        "没有回复给出具体步骤、处理动作或时间。",
        "No reply offers steps, an action taken or a time.",
    )


def _avoided_words(replies: Sequence[str]) -> QaItem:
    if not replies:
        return _item("avoided_words", None, "没有客服回复。", "There is no agent reply.")
    cited: list[tuple[int, tone.Finding]] = []
    for n, text in enumerate(replies, start=1):
        for finding in tone.check_tone(text, language="auto"):
            if finding.kind in (tone.NEGATIVE_WORD, tone.CANNOT):
                cited.append((n, finding))
    if not cited:
        return _item(
            "avoided_words",
            True,
            "所有回复都没有负面用语或“不能/无法”式拒绝。",
            "No reply uses negative words or a flat “cannot”.",
        )
    shown = cited[:MAX_CITED]
    more = len(cited) - len(shown)
    zh = "；".join(f"第{n}条回复“{f.phrase}”（建议“{f.suggestion}”）" for n, f in shown)
    en = "; ".join(f"reply {n} “{f.phrase}” (try “{f.suggestion}”)" for n, f in shown)
    if more:
        zh += f"；另有{more}处"
        en += f"; {more} more"
    return _item(
        "avoided_words",
        False,
        f"使用了应避免的说法：{zh}。",
        f"Words to avoid: {en}.",
        points=max(0, RUBRIC["avoided_words"] - WORD_PENALTY * len(cited)),
    )


def _closing(replies: Sequence[str]) -> QaItem:
    if not replies:
        return _no_reply("closing")
    n = len(replies)
    found = tone.find_closing(replies[-1])
    if found:
        return _item(
            "closing",
            True,
            f"最后一条回复（第{n}条）有结束语：“{found.phrase}”。",
            f"The last reply ({n}) closes with “{found.phrase}”.",
        )
    return _item(
        "closing",
        False,
        f"最后一条回复（第{n}条）没有结束语（如“还有其他可以帮您的吗”）。",
        f"The last reply ({n}) has no closing (such as “Anything else I can help with?”).",
    )


def _sla(key: str, met: bool | None, name_zh: str, name_en: str) -> QaItem:
    if met is None:
        return _item(key, None, f"没有{name_zh}目标，不适用。", f"No {name_en} target applies.")
    if met:
        return _item(key, True, f"{name_zh}在SLA内。", f"The {name_en} met the SLA.")
    return _item(key, False, f"{name_zh}超出SLA。", f"The {name_en} breached the SLA.")


def score_conversation(conversation: Conversation) -> QaScore:
    """Score ``conversation`` against ``RUBRIC``; see the module docstring."""
    turns = list(conversation.turns)
    replies = [t.text for t in turns if t.role == "agent"]
    items = (
        _greeting(replies),
        _restatement(conversation, turns, replies),
        _empathy(conversation, turns),
        _solution(replies),
        _avoided_words(replies),
        _closing(replies),
        _sla(
            "sla_first_response", conversation.sla_first_response_met, "首次响应", "first response"
        ),
        _sla("sla_resolution", conversation.sla_resolution_met, "解决时长", "resolution time"),
    )
    total = sum(i.max_points for i in items)
    got = sum(i.points for i in items)
    score = round(100 * got / total) if total else 100
    return QaScore(score, items)
